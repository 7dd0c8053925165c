//! The snapshot at a revision: the one place that turns a commit into a
//! [`Snapshot`], for `--at`, history, `diff` and `check --since`.

use std::path::{Path, PathBuf};

use super::{load, load_base_of_change, load_head_of_change, LoadError, PathSet, Reuse};
use crate::git::{GitError, Oid};
use crate::model::{Snapshot, Story, StoryId};
use crate::source::revision::Revisions;
use crate::source::{Memory, Source};

/// A revision's backlog could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AtError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// The backlog at `commit`; `None` when that revision has no backlog folder.
pub fn at(revisions: &Revisions, commit: Oid) -> Result<Option<Snapshot>, AtError> {
    match revisions.source_at(commit)? {
        Some(source) => Ok(Some(load(&source)?)),
        None => Ok(None),
    }
}

/// The story `id` at `commit`, reading only the files named for it; `None`
/// when none of them holds it (a story may live in a file named otherwise:
/// the caller then loads the whole backlog).
pub fn story_at(revisions: &Revisions, commit: Oid, id: &str) -> Result<Option<Story>, AtError> {
    Ok(revisions
        .story_files_named(commit, id)?
        .into_iter()
        .filter_map(|(path, bytes)| crate::load::story_from_bytes(path, bytes))
        .find(|s| s.id.as_str() == id))
}

/// The backlog at `commit`, empty when the revision has none (a base from
/// before the backlog existed).
pub fn at_or_empty(revisions: &Revisions, commit: Oid) -> Result<Snapshot, AtError> {
    Ok(at(revisions, commit)?.unwrap_or_else(Snapshot::empty))
}

/// Both sides of a comparison; the head re-parses only the files that
/// differ between the two trees and takes the rest from the base, whose
/// bodies are read only where they differ. A story whose body is the same
/// on both sides, byte for byte, has no body on either (no statement,
/// criteria or opening): equal bodies compare equal. Where an id is
/// carried by two files, on either side, or a file of the same body says
/// another id on each side, the comparison (which pairs stories by id) may
/// pair a story with one in another file: then every body is read.
pub fn pair(revisions: &Revisions, base: Oid, head: Oid) -> Result<(Snapshot, Snapshot), AtError> {
    let (bt, ht) = (revisions.folder_tree(base)?, revisions.folder_tree(head)?);
    let git = &revisions.git;
    let root = revisions.display.clone();
    // The base's files are read on another thread while this one finds
    // and reads what the head changed: `diff` at 10,000 stories was on one
    // core for a third of its time.
    let shared = git.shared();
    let rel = &revisions.rel;
    let (base_source, head_side) = std::thread::scope(|scope| {
        let (shared, root) = (&shared, &root);
        let base_side = scope.spawn(move || {
            let g = shared.local();
            crate::source::revision::source_at(&g, base, rel, root)
        });
        let head_side = changed_in_head(revisions, bt, ht);
        let base_source = base_side
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (base_source, head_side)
    });
    // The paths that differ were found first before: their error first.
    let HeadSide {
        changed,
        read: mut files,
        unread: unchanged_files,
    } = head_side?;
    let base_source = base_source?;
    let same_body: PathSet = match &base_source {
        Some(source) => files
            .iter()
            .filter(|(_, (path, bytes, is_link))| {
                let base_bytes = || source.read(path).ok().flatten();
                !is_link
                    && crate::load::body_of(bytes).is_some_and(|body| {
                        base_bytes().is_some_and(|b| crate::load::body_of(&b) == Some(body))
                    })
            })
            .map(|(_, (path, _, _))| path.clone())
            .collect(),
        None => PathSet::default(),
    };
    let base_snapshot = match &base_source {
        Some(source) => load_base_of_change(source, &changed, &same_body)?,
        None => Snapshot::empty(),
    };
    if ht.is_none() {
        return Ok((base_snapshot, Snapshot::empty()));
    }
    // The base's stories by path in the backlog folder.
    // Byte for byte, as the load made them (compared part by part, these
    // paths were 6 ms of a 10,000-story `diff`).
    let parsed: foldhash::HashSet<&[u8]> = base_snapshot
        .stories
        .iter()
        .filter_map(|s| super::in_folder(&root, &s.doc.path))
        .collect();
    let (reused, wanted): (Vec<_>, Vec<_>) = unchanged_files
        .into_iter()
        .partition(|(_, (p, _, _))| parsed.contains(p.as_os_str().as_encoded_bytes()));
    let (wanted_at, wanted): (Vec<usize>, Vec<_>) = wanted.into_iter().unzip();
    files.extend(wanted_at.into_iter().zip(git.read_all(wanted)?));
    // Listed so the loader sees them; their stories are taken from the base.
    // As files: a link whose name git's lossy reading of names made the same
    // as a story file's is that file here, as it was in the base.
    files.extend(
        reused
            .into_iter()
            .map(|(at, (p, _, _))| (at, (p, Vec::new(), false))),
    );
    // In the tree's order, which a listing keeps in a few comparisons.
    files.sort_unstable_by_key(|(at, _)| *at);
    let files = files.into_iter().map(|(_, file)| file).collect();
    let mem = Memory::from_files(root.clone(), files);
    debug_assert_eq!(mem.display_root(), root.as_path());
    let head_of = |base: &Snapshot, same_body: &PathSet| {
        let reuse = Reuse {
            previous: base,
            changed: &changed,
        };
        load_head_of_change(&mem, reuse, same_body)
    };
    let head_snapshot = head_of(&base_snapshot, &same_body)?;
    // Each side's index of ids on a core of its own; the comparison uses them next.
    let (base_shares, head_shares) = rayon::join(
        || base_snapshot.shares_an_id(),
        || head_snapshot.shares_an_id(),
    );
    let pairs_apart = base_shares
        || head_shares
        || !same_ids_at(&base_snapshot, &head_snapshot, &root, &same_body);
    match &base_source {
        Some(source) if pairs_apart => {
            let base_snapshot = load(source)?;
            let head_snapshot = head_of(&base_snapshot, &PathSet::default())?;
            Ok((base_snapshot, head_snapshot))
        }
        _ => Ok((base_snapshot, head_snapshot)),
    }
}

/// A file read from a tree: path, bytes, whether it is a link.
type ReadFile = (PathBuf, Vec<u8>, bool);
/// A file listed in a tree: path, blob, whether it is a link.
type ListedFile = (PathBuf, Oid, bool);

/// What the head changed, found while the base is read.
struct HeadSide {
    /// The paths that differ from the base.
    changed: PathSet,
    /// The head's files at those paths, read, with their places in the
    /// tree.
    read: Vec<(usize, ReadFile)>,
    /// The head's other files (the same blobs as the base's), not read.
    unread: Vec<(usize, ListedFile)>,
}

fn changed_in_head(
    revisions: &Revisions,
    bt: Option<Oid>,
    ht: Option<Oid>,
) -> Result<HeadSide, GitError> {
    let git = &revisions.git;
    let Some(ht) = ht else {
        return Ok(HeadSide {
            changed: PathSet::default(),
            read: Vec::new(),
            unread: Vec::new(),
        });
    };
    let changed: PathSet = git
        .diff(bt, Some(ht))?
        .into_iter()
        .map(|d| d.path)
        .collect();
    // The head's changed files first: where a story's body is the same on
    // both sides, neither side reads it. Each file keeps its place in the
    // tree, so that the head's files are given in order at the end.
    let (changed_files, unread): (Vec<_>, Vec<_>) = git
        .files(ht)?
        .into_iter()
        .enumerate()
        .partition(|(_, (p, _, _))| changed.contains(p));
    let (changed_at, changed_files): (Vec<usize>, Vec<_>) = changed_files.into_iter().unzip();
    let read = changed_at
        .into_iter()
        .zip(git.read_all(changed_files)?)
        .collect();
    Ok(HeadSide {
        changed,
        read,
        unread,
    })
}

/// Whether the story at each path of `same_body` has the same id on both
/// sides, so that the comparison (which pairs stories by id) pairs it with
/// itself: where an id moved to another file, a story whose body was not
/// read would be compared with one whose body differs. Paths are matched
/// byte for byte in the folder, as the loads look stories up
/// (`load::in_folder`); one not found answers no, and every body is read.
fn same_ids_at(base: &Snapshot, head: &Snapshot, root: &Path, same_body: &PathSet) -> bool {
    fn ids_at<'s>(
        s: &'s Snapshot,
        root: &Path,
        wanted: &foldhash::HashSet<&[u8]>,
    ) -> foldhash::HashMap<&'s [u8], &'s StoryId> {
        s.stories
            .iter()
            .filter_map(|x| Some((super::in_folder(root, &x.doc.path)?, &x.id)))
            .filter(|(path, _)| wanted.contains(path))
            .collect()
    }
    let wanted: foldhash::HashSet<&[u8]> = same_body
        .iter()
        .map(|p| p.as_os_str().as_encoded_bytes())
        .collect();
    let base_ids = ids_at(base, root, &wanted);
    base_ids.len() == wanted.len() && base_ids == ids_at(head, root, &wanted)
}
