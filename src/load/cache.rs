//! The story cache: what every story file parses to (fields, statement,
//! acceptance criteria; never its text), kept in the git directory and
//! keyed by each file's path, size, modification and change times and
//! inode. Commands about one story (`show`, `set`, `status`, `rank`, `new`)
//! load the backlog from it, reading only the files that changed since and
//! the stories they act on, in full.
//!
//! It is a cache, never a source of truth:
//! - an entry is used only while its file's key is unchanged, and only if
//!   the file last changed well before the cache was written (an edit
//!   within one timestamp tick keeps the key: git's "racily clean" index
//!   entries);
//! - the file carries a checksum: an edited, truncated or foreign cache is
//!   ignored and rebuilt;
//! - a story read in full is compared with its entry, and a difference
//!   throws the whole cache away for a full load;
//! - files with findings are never cached, so every problem is reported
//!   from the file itself;
//! - the cache lists every story file of a flat `stories/` folder with the
//!   folder's own key; a read (`show`) takes that listing instead of
//!   reading the folder while the key is unchanged and had settled when
//!   the cache was written (a file added, removed or renamed changes it).
//!   Each file is still stat'ed. An edit always reads the folder;
//! - edits are made to the text read from disk, and refused if the file
//!   changed since (`edit::write`).

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::model::rank::Rank;
use crate::model::{Kind, Snapshot, Story, StoryId};
#[cfg(unix)]
use crate::source::{
    flat_markdown_names, flat_markdown_names_unsorted, listed_path, open_folder_fd,
};
use crate::source::{is_markdown, walk_sorted, Entry, EntryKind, Source, WorkTree};
use crate::syntax::document::Document;

use super::LoadError;

// Maps keyed by paths are foldhash's: the cache is read on every one-story
// command, and SipHash over 10,000 paths was a tenth of `show`.
use foldhash::{HashMap, HashMapExt};

/// The longest cache read: about 150 bytes a story, so a backlog of more
/// than a million stories. A longer file is no cache of ours (it is
/// rebuilt), and is not read.
const MAX_CACHE_BYTES: u64 = 256 << 20;

/// The format's first word; a cache of another format is rebuilt.
const MAGIC: &str = "backlog-story-cache-3";

/// How long before the cache was written a file must have last changed for
/// its entry to be trusted: an edit within the same timestamp tick as the
/// change before it would keep the file's key. A tick is at most a few
/// milliseconds where timestamps have nanoseconds (the kernel's coarse
/// clock), and up to two seconds where they are whole seconds (FAT keeps
/// two).
const SETTLE_FINE_NS: i64 = 50_000_000;
const SETTLE_COARSE_NS: i64 = 2_000_000_000;

/// Where a backlog's story cache lives: in the git directory's `backlog/`
/// folder (beside the history index; a linked worktree has its own), named
/// for the backlog folder's path in the repository, readably and, so that
/// `.backlog` and `_backlog` never share a file, with a checksum of the path.
pub fn file_for(git_dir: &Path, rel: &Path) -> PathBuf {
    let text = rel.to_string_lossy();
    let name: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let sum = crc32fast::hash(text.as_bytes());
    git_dir
        .join("backlog")
        .join(format!("stories-{name}-{sum:08x}.cache"))
}

/// A backlog loaded through the cache.
pub struct Light {
    pub snapshot: Snapshot,
    pub summaries: Summaries,
}

/// Which stories of a snapshot are summaries: their fields came from the
/// cache and their text was not read.
#[derive(Debug, Default)]
pub struct Summaries {
    /// How many stories are summaries.
    count: usize,
    /// The cache they came from.
    file: PathBuf,
}

impl Summaries {
    /// Whether `story`'s text was not read.
    pub fn contains(&self, story: &Story) -> bool {
        // A story read from its file keeps its text, which is never empty
        // (an empty file is a finding, not a story); a summary has none.
        self.count > 0 && story.doc.text.is_empty()
    }

    /// How many stories are summaries.
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Reads the stories of `snapshot` with these ids in full, replacing
    /// their summaries. When one differs from its entry, the cache is
    /// wrong: it is thrown away and the whole backlog read again, and the
    /// answer is true (every field may have changed; otherwise the stories
    /// read agree with their summaries).
    pub fn complete(
        &mut self,
        snapshot: &mut Snapshot,
        tree: &WorkTree,
        ids: &[&str],
    ) -> Result<bool, LoadError> {
        if self.read_in_full(snapshot, tree, ids) {
            return Ok(false);
        }
        let light = rebuild(tree, &self.file)?;
        *snapshot = light.snapshot;
        *self = light.summaries;
        Ok(true)
    }

    /// [`Summaries::complete`] without the fallback: false when a story
    /// differs from its summary or its file no longer reads (an id no
    /// story has is no reason: the command says it is unknown).
    fn read_in_full(&mut self, snapshot: &mut Snapshot, tree: &WorkTree, ids: &[&str]) -> bool {
        if self.count == 0 {
            return true;
        }
        let root = tree.display_root().to_path_buf();
        for id in ids {
            // Through the index by id, which the command uses next: a
            // story read in full keeps its id and place, so it stays true.
            // An id no story has is not there: each file whose entry did
            // not hold was read, and the others say their ids as surely as
            // they give every position (a typo is not a full read).
            for i in snapshot.places_of_id(id) {
                let display = snapshot.stories[i].doc.path.clone();
                if !self.contains(&snapshot.stories[i]) {
                    continue;
                }
                let Ok(rel) = display.strip_prefix(&root) else {
                    return false;
                };
                let entry = Entry {
                    path: rel.to_path_buf(),
                    kind: EntryKind::File { size: None },
                };
                let mut findings = Vec::new();
                let Some(fresh) = super::story_entry(tree, &entry, &mut findings) else {
                    return false;
                };
                if !findings.is_empty()
                    || encode_fields(&fresh) != encode_fields(&snapshot.stories[i])
                {
                    return false;
                }
                snapshot.stories[i] = fresh;
                self.count -= 1;
            }
        }
        true
    }
}

/// What a load through the cache is for. An edit reads the folder's
/// listing every time: a cache forged with a checksum that holds could
/// leave a file out of a listing, and an edit is validated against the
/// real files. A read may take the listing from the cache while the folder
/// is unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Read,
    Edit,
}

/// Loads the backlog in `tree` through the cache at `file`: stories whose
/// entries hold are summarised, the others read (and the cache brought up
/// to date); stories with an id in `full` are read in full whatever the
/// cache says, and must agree with it, else the cache is rebuilt.
pub fn load(
    tree: &WorkTree,
    file: &Path,
    full: &[&str],
    purpose: Purpose,
) -> Result<Light, LoadError> {
    let stored = Stored::read(file);
    let mut light = load_with(tree, file, stored.as_ref(), purpose)?;
    if light
        .summaries
        .read_in_full(&mut light.snapshot, tree, full)
    {
        Ok(light)
    } else {
        rebuild(tree, file)
    }
}

/// Every file read again, and the cache written from them.
fn rebuild(tree: &WorkTree, file: &Path) -> Result<Light, LoadError> {
    load_with(tree, file, None, Purpose::Edit)
}

fn load_with(
    tree: &WorkTree,
    file: &Path,
    stored: Option<&Stored>,
    purpose: Purpose,
) -> Result<Light, LoadError> {
    let started = now_ns();
    let lines = stored.map(Stored::lines).unwrap_or_default();
    let written = stored.map_or(i64::MIN, |s| s.written_ns);
    let root = tree.display_root().to_path_buf();
    // The folder as the cache lists it, when that is confirmed; else as it
    // is listed now. `in_line_order`: the entries are the cache's lines, one
    // for one.
    let (listing, in_line_order) = match known_listing(tree.root(), stored, &lines, purpose) {
        Some(known) => known,
        None => (
            list_stories(tree.root()).map_or_else(|| list_any(tree), Ok)?,
            false,
        ),
    };
    let Listing { entries, folder } = listing;
    let (entries, keys): (Vec<Entry>, Vec<Option<Key>>) = entries.into_iter().unzip();
    let with_entry = entry_lines(&lines, &entries, in_line_order);
    let hits: Vec<AtomicBool> = entries.iter().map(|_| AtomicBool::new(false)).collect();
    let known = |i: usize, e: &Entry| -> Option<Story> {
        let fields = holding(with_entry[i]?, keys[i]?, written)?;
        let story = decode(fields, super::joined(&root, &e.path))?;
        hits[i].store(true, Ordering::Relaxed);
        Some(story)
    };
    let snapshot = super::load_known(tree, Some(&entries), &known)?;
    let summaries = Summaries {
        count: hits.iter().filter(|h| h.load(Ordering::Relaxed)).count(),
        file: file.to_path_buf(),
    };

    // Bring the cache up to date: a line for every listed file, with an
    // entry for every story read without a finding; summaries keep theirs.
    let with_findings: HashSet<&Path> = snapshot
        .load_findings
        .iter()
        .map(|f| f.location.path.as_path())
        .collect();
    // The lines one by one: counted first, made again only to be written
    // (a list of them all was half a millisecond of every `show`).
    let next_lines = || {
        let (root, with_findings) = (&root, &with_findings);
        let mut stories = snapshot.stories.iter().peekable();
        entries
            .iter()
            .zip(&keys)
            .zip(&hits)
            .map(move |((e, key), hit)| {
                // The stories are the entries' that read, in the same order; a
                // summary's entry had one, and no finding.
                if hit.load(Ordering::Relaxed) {
                    return NextLine {
                        listed: e,
                        summary: true,
                        entry: stories.next().zip(*key),
                    };
                }
                let display = root.join(&e.path);
                let story = stories.next_if(|s| s.doc.path.as_os_str() == display.as_os_str());
                let line = NextLine {
                    listed: e,
                    summary: false,
                    entry: None,
                };
                let entry = story
                    .filter(|s| !with_findings.contains(s.doc.path.as_path()))
                    .zip(*key)
                    .filter(|_| line.path().is_some());
                NextLine { entry, ..line }
            })
    };
    // Neither a summary's story nor its path is looked at to count: a
    // summary keeps its entry, and its path stood in a line already.
    let (all_in_lines, stale_settled) = next_lines().fold((true, 0), |(all, stale), l| {
        let settled = |(_, key): (&Story, Key)| key.settled_before(started);
        let stale_line = !l.summary && l.entry.is_some_and(settled);
        (
            all && (l.summary || l.path().is_some()),
            stale + usize::from(stale_line),
        )
    });
    // The folder's key goes in the cache when its lines are all of it.
    let folder = folder
        .filter(|f| f.settled_before(started))
        .filter(|_| all_in_lines);
    let worth = Rewrite {
        none_yet: stored.is_none(),
        stale_settled,
        entries: lines.iter().filter(|l| l.has_entry()).count(),
        entries_listed: with_entry.iter().filter(|r| r.is_some()).count(),
        folder_news: folder.is_some() && folder != stored.and_then(|s| s.folder),
    };
    if worth.pays() {
        let mut body = String::with_capacity(snapshot.stories.len() * 256);
        for (line, entry_line) in next_lines().zip(&with_entry) {
            let Some(path) = line.path() else { continue };
            body.push_str(path);
            body.push('\t');
            match line.entry {
                Some((s, key)) => {
                    body.push_str(key.text(b'\t').as_str());
                    body.push('\t');
                    match entry_line.and_then(|l| l.fields_if(key)) {
                        Some(fields) if line.summary => body.push_str(fields),
                        _ => body.push_str(&encode_fields(s)),
                    }
                }
                None => body.push_str(NONE),
            }
            body.push('\n');
        }
        Stored::write(file, started, folder, &body);
    }
    Ok(Light {
        snapshot,
        summaries,
    })
}

/// Each listed file's line in the cache, if it has an entry; the lines are
/// the entries one for one when `in_line_order`.
fn entry_lines<'l, 'a>(
    lines: &'l [Line<'a>],
    entries: &[Entry],
    in_line_order: bool,
) -> Vec<Option<&'l Line<'a>>> {
    if in_line_order {
        return lines.iter().map(|l| l.has_entry().then_some(l)).collect();
    }
    let by_path: HashMap<&str, &Line> = lines
        .iter()
        .filter(|l| l.has_entry())
        .map(|l| (l.path, l))
        .collect();
    entries
        .iter()
        .map(|e| by_path.get(e.path.to_str()?).copied())
        .collect()
}

/// The encoded fields of a cache line, when its entry holds for its
/// file's `key` now and had settled when the cache was `written`.
fn holding<'a>(line: &Line<'a>, key: Key, written: i64) -> Option<&'a str> {
    if !key.settled_before(written) {
        return None;
    }
    line.fields_if(key)
}

/// The story files of the backlog in `tree`, each with whether it may say
/// the id `id`: its cache entry holds and says so, or no entry holds, and
/// only reading the file can tell. The folder is listed itself, as for an
/// edit, so a forged cache leaves no file out. What an edit of one story
/// alone needs of the others: whether one says its id
/// (`load::one_story`). `None` where the cache cannot tell (there is none
/// yet, or the folder is not a flat one of plain files), or where so many
/// entries went stale that the cache should be written again (after a
/// checkout, or many such edits, which leave it as it was): the backlog is
/// loaded through the cache then, which rewrites it.
pub fn may_say(tree: &WorkTree, file: &Path, id: &str) -> Option<Vec<(Entry, bool)>> {
    use rayon::prelude::*;
    let stored = Stored::read(file)?;
    let lines = stored.lines();
    let (listing, in_line_order) =
        known_listing(tree.root(), Some(&stored), &lines, Purpose::Edit)?;
    let (entries, keys): (Vec<Entry>, Vec<Option<Key>>) = listing.entries.into_iter().unzip();
    let with_entry = entry_lines(&lines, &entries, in_line_order);
    // Whether a file says `id`, as its entry tells; `None` for a stale one.
    let says = |key: Option<Key>, line: &Line| -> Option<bool> {
        let fields = holding(line, key?, stored.written_ns)?;
        Some(unescape(Decoder(Tabs(Some(fields))).raw()?)? == id)
    };
    let told: Vec<Option<bool>> = keys
        .par_iter()
        .zip(&with_entry)
        .map(|(key, line)| line.and_then(|line| says(*key, line)))
        .collect();
    let stale = with_entry
        .iter()
        .zip(&told)
        .filter(|(line, told)| line.is_some() && told.is_none())
        .count();
    if stale >= Rewrite::enough(lines.iter().filter(|l| l.has_entry()).count()) {
        return None;
    }
    let may = told.into_iter().map(|told| told.unwrap_or(true));
    Some(entries.into_iter().zip(may).collect())
}

/// A listed file as the next cache will have it.
struct NextLine<'a> {
    listed: &'a Entry,
    /// Its story is a summary: the cache's entry for it stands.
    summary: bool,
    /// Its story and key, when it gets an entry (no findings).
    entry: Option<(&'a Story, Key)>,
}

impl<'a> NextLine<'a> {
    /// Its path, when it can stand in a line as it is (a summary's stood
    /// in one already).
    fn path(&self) -> Option<&'a str> {
        let path = self.listed.path.to_str()?;
        (self.summary || !needs_escape(path)).then_some(path)
    }
}

/// What decides whether a run writes the cache again.
struct Rewrite {
    /// There was no cache (or none that read).
    none_yet: bool,
    /// Stories read because their entry was stale, whose files have
    /// settled (the next run would trust their new entries).
    stale_settled: usize,
    /// Entries in the cache, and how many of their files are still listed.
    entries: usize,
    entries_listed: usize,
    /// The folder was listed anew and its key has settled.
    folder_news: bool,
}

impl Rewrite {
    /// How many stale entries of a cache of `entries` make it worth
    /// writing again: one in 64, at most 32.
    fn enough(entries: usize) -> usize {
        (entries / 64).clamp(1, 32)
    }

    /// Written again when it would serve the next run better. A few files
    /// read again cost less than writing every entry (at 10,000 stories, a
    /// file is read in about 0.1 ms and the cache written in 2), so an
    /// edit's one file waits for others: one entry in 64, at most 32.
    fn pays(&self) -> bool {
        self.none_yet
            || self.stale_settled >= Rewrite::enough(self.entries)
            || self.entries_listed < self.entries
            || self.folder_news
    }
}

/// Whether a path cannot stand in a line of the cache as it is (such
/// files are rare, and read every time).
fn needs_escape(rel: &str) -> bool {
    rel.bytes()
        .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
}

/// Listed story files, each with its key when it is a plain file.
type KeyedEntries = Vec<(Entry, Option<Key>)>;

/// The story files with their keys, and the stories folder's own key when
/// they are the whole of it.
struct Listing {
    entries: KeyedEntries,
    /// Taken before the folder was read: a change while it was read shows
    /// as a change of this key next time.
    folder: Option<Key>,
}

/// The story files as the source lists them (links reported), each stat'ed
/// by its path.
fn list_any(tree: &WorkTree) -> Result<Listing, LoadError> {
    let entries = tree
        .list_markdown("stories")
        .map_err(|source| LoadError {
            path: tree.display_root().join("stories"),
            source,
        })?
        .into_iter()
        .map(|e| {
            let key = matches!(e.kind, EntryKind::File { .. })
                .then(|| Key::of(&tree.root().join(&e.path)))
                .flatten();
            (e, key)
        })
        .collect();
    Ok(Listing {
        entries,
        folder: None,
    })
}

/// The story files below `root/stories` with their keys, sorted by path
/// like [`Source::list_markdown`]; `None` when the folder holds anything
/// but plain folders and files (a symbolic link): then the source lists
/// it, links reported.
#[cfg(unix)]
fn list_stories(root: &Path) -> Option<Listing> {
    use rayon::prelude::*;
    let top = std::fs::symlink_metadata(root.join("stories")).ok()?;
    if !top.is_dir() {
        return None;
    }
    if let Some(flat) = list_flat(root) {
        return Some(flat);
    }
    let mut items = walk_sorted(root, Path::new("stories")).ok()?;
    if items.iter().any(|i| !i.kind.is_file()) {
        return None;
    }
    items.retain(|i| is_markdown(&i.path));
    let folders = Folders::open(root, items.iter().map(|i| i.path.as_path()))?;
    // The `stat`s on every core.
    let entries = items
        .into_par_iter()
        .map(|item| {
            let key = folders.key(&item.path)?;
            Some(keyed(item.path, key))
        })
        .collect::<Vec<_>>();
    let entries = all(entries)?;
    Some(Listing {
        entries,
        folder: None,
    })
}

/// Every listed file's key, or `None` if one could not be had (then the
/// folder is listed another way). The `stat`s are collected to a list of
/// options first: rayon collects that in place, and an option of a list
/// in pieces moved together after.
fn all<T>(items: Vec<Option<T>>) -> Option<Vec<T>> {
    items.into_iter().collect()
}

/// A listed story file with its key.
#[cfg(unix)]
fn keyed(path: PathBuf, key: Key) -> (Entry, Option<Key>) {
    let kind = EntryKind::File {
        size: Some(key.size),
    };
    (Entry { path, kind }, Some(key))
}

/// Opens the `stories/` folder for reading its entries, never through a link.
#[cfg(unix)]
fn open_folder(root: &Path) -> Option<std::os::fd::OwnedFd> {
    open_folder_fd(&root.join("stories"))
}

/// The files of a flat `stories/` folder by the names the cache lists,
/// each stat'ed, while the names themselves are confirmed: for a read, by
/// the folder's key, when it is the one the cache was written with and had
/// settled by then (a file added, removed or renamed changes the folder's
/// modification and change times; git's untracked cache rests on the
/// same); otherwise (an edit, or a folder changed since) by reading the
/// folder on one core while the files are stat'ed on the others. Whether
/// the entries are the cache's lines one for one comes with them (not when
/// files were added since). `None` when the cache cannot say: the folder
/// is listed then.
#[cfg(unix)]
fn known_listing(
    root: &Path,
    stored: Option<&Stored>,
    lines: &[Line],
    purpose: Purpose,
) -> Option<(Listing, bool)> {
    let stored = stored?;
    let folder = open_folder(root)?;
    let folder_now = Key::of_open(&folder)?;
    let unchanged = purpose == Purpose::Read
        && stored.folder == Some(folder_now)
        && folder_now.settled_before(stored.written_ns);
    // Names as a listing gives them: one level, in byte order.
    let mut names: Vec<&[u8]> = Vec::with_capacity(lines.len());
    for line in lines {
        let name = line.path.strip_prefix("stories/")?.as_bytes();
        if name.contains(&b'/') || names.last().is_some_and(|last| *last >= name) {
            return None;
        }
        names.push(name);
    }
    let (entries, listed) = rayon::join(
        || stat_names(&folder, &names),
        || (!unchanged).then(|| flat_markdown_names_unsorted(&folder)),
    );
    let (entries, in_line_order) = match listed {
        Some(listed) => with_names(&folder, &names, entries?, listed?)?,
        None => (entries?, true),
    };
    let listing = Listing {
        entries,
        folder: Some(folder_now),
    };
    Some((listing, in_line_order))
}

/// The entries of the folder's names as `listed` now (in the kernel's
/// order), in byte order, from those of the cache's `names` (stat'ed
/// already, in the same order) and a `stat` of each name added since, and
/// whether they are still the names one for one: a `new` adds a file the
/// cache does not list, and the folder was listed and every file stat'ed a
/// second time for it. `None` where a name is not a plain file any more (a
/// file removed since is one). The same names are told as a set, without
/// sorting the listing, which is sorted only when they differ.
#[cfg(unix)]
fn with_names(
    folder: &std::os::fd::OwnedFd,
    names: &[&[u8]],
    entries: KeyedEntries,
    mut listed: Vec<Vec<u8>>,
) -> Option<(KeyedEntries, bool)> {
    if listed.len() == names.len() {
        // Each name taken out once: a listing that gave a name twice (a
        // folder changed while it was read) is not the same names.
        let mut known: foldhash::HashSet<&[u8]> = names.iter().copied().collect();
        if listed.iter().all(|name| known.remove(name.as_slice())) {
            return Some((entries, true));
        }
    }
    listed.sort_unstable();
    let mut known: Vec<Option<(Entry, Option<Key>)>> = entries.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(listed.len());
    for name in &listed {
        match names.binary_search(&name.as_slice()) {
            Ok(i) => out.push(known[i].take()?),
            Err(_) => out.extend(stat_names(folder, std::slice::from_ref(name))?),
        }
    }
    Some((out, false))
}

#[cfg(not(unix))]
fn known_listing(_: &Path, _: Option<&Stored>, _: &[Line], _: Purpose) -> Option<(Listing, bool)> {
    None
}

/// [`list_stories`] of a `stories/` folder that holds only files (the
/// usual shape): read and stat'ed through one handle of the folder, names
/// as the kernel lists them, no path made until the end (walkdir joined a
/// path for every entry, on the one-story commands' hot path).
#[cfg(unix)]
fn list_flat(root: &Path) -> Option<Listing> {
    let folder = open_folder(root)?;
    // Taken before the folder is read (see `Listing::folder`).
    let folder_key = Key::of_open(&folder)?;
    let names = flat_markdown_names(&folder)?;
    Some(Listing {
        entries: stat_names(&folder, &names)?,
        folder: Some(folder_key),
    })
}

/// The files `names` of the open `stories/` folder, each with its key, as
/// listed entries (`stories/NAME`): the `stat`s on every core, each by its
/// name in the folder. `None` when one is not a plain file any more.
#[cfg(unix)]
fn stat_names<N: AsRef<[u8]> + Sync>(
    folder: &std::os::fd::OwnedFd,
    names: &[N],
) -> Option<KeyedEntries> {
    use rayon::prelude::*;
    use std::os::unix::ffi::OsStrExt;
    let entries = names
        .par_iter()
        .map(|name| {
            let name = name.as_ref();
            let key = Key::at(folder, std::ffi::OsStr::from_bytes(name))?;
            Some(keyed(listed_path("stories", name), key))
        })
        .collect::<Vec<_>>();
    all(entries)
}

/// Off Unix the cache is not used (`cli::context::story_cache`: its key
/// needs the change time and the inode).
#[cfg(not(unix))]
fn list_stories(_: &Path) -> Option<Listing> {
    None
}

/// Open handles of the folders story files are in, so that each file is
/// looked up by its name alone: a `stat` by the whole path walked every
/// folder above it again, a third of the time of a `stat`.
#[cfg(unix)]
struct Folders(HashMap<Vec<u8>, std::os::fd::OwnedFd>);

#[cfg(unix)]
impl Folders {
    /// Opens each folder `files` are in, once, never through a link;
    /// `None` when one cannot be opened (the source then lists the folder).
    fn open<'a>(root: &Path, files: impl Iterator<Item = &'a Path>) -> Option<Folders> {
        use std::os::unix::ffi::OsStrExt;
        let mut folders = HashMap::new();
        for file in files {
            let (folder, _) = split_name(file)?;
            if !folders.contains_key(folder) {
                let fd = open_folder_fd(&root.join(std::ffi::OsStr::from_bytes(folder)))?;
                folders.insert(folder.to_vec(), fd);
            }
        }
        Some(Folders(folders))
    }

    /// The key of `file` (a path the folders were opened for).
    fn key(&self, file: &Path) -> Option<Key> {
        let (folder, name) = split_name(file)?;
        Key::at(self.0.get(folder)?, name)
    }
}

/// A listed path's folder and name, by its last `/`: the paths
/// `walk_sorted` gives are plain (no `.`, `..` or doubled separators), and
/// `Path::parent` parsed every component of each again.
#[cfg(unix)]
fn split_name(file: &Path) -> Option<(&[u8], &std::ffi::OsStr)> {
    use std::os::unix::ffi::OsStrExt;
    let bytes = file.as_os_str().as_bytes();
    let at = bytes.iter().rposition(|&b| b == b'/')?;
    Some((&bytes[..at], std::ffi::OsStr::from_bytes(&bytes[at + 1..])))
}

/// A file's identity on disk: when any part changes, its entry is not used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Key {
    size: u64,
    /// Nanoseconds since the epoch, in 64 bits: until the year 2262 (a
    /// time that does not fit gives no key, and the file is read).
    mtime_ns: i64,
    ctime_ns: i64,
    inode: u64,
}

impl Key {
    /// The key of the file at `path`; `None` when it is not a plain file.
    #[cfg(unix)]
    fn of(path: &Path) -> Option<Key> {
        Key::at(rustix::fs::CWD, path.as_os_str())
    }

    #[cfg(not(unix))]
    fn of(_: &Path) -> Option<Key> {
        None
    }

    /// The key of the file `name` in the folder `dir`, by one `stat` that
    /// does not follow a link; `None` when it is not a plain file.
    #[cfg(unix)]
    fn at(dir: impl std::os::fd::AsFd, name: &std::ffi::OsStr) -> Option<Key> {
        use rustix::fs::{statat, AtFlags, FileType};
        let st = statat(dir, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
        if !FileType::from_raw_mode(st.st_mode).is_file() {
            return None;
        }
        Key::from_stat(st)
    }

    #[cfg(unix)]
    fn from_stat(st: rustix::fs::Stat) -> Option<Key> {
        // The fields' types differ from one platform to another.
        #[allow(clippy::useless_conversion)]
        let ns = |secs, nanos| {
            i64::from(secs)
                .checked_mul(1_000_000_000)?
                .checked_add(i64::try_from(nanos).ok()?)
        };
        #[allow(clippy::useless_conversion)]
        Some(Key {
            size: u64::try_from(st.st_size).ok()?,
            mtime_ns: ns(st.st_mtime, st.st_mtime_nsec)?,
            // The change time cannot be set back by a program, unlike the
            // modification time.
            ctime_ns: ns(st.st_ctime, st.st_ctime_nsec)?,
            inode: u64::from(st.st_ino),
        })
    }

    /// A key as the cache writes it ([`Key::text`]): size, modification
    /// time, change time and inode, in that order.
    fn parse<'a>(parts: &mut impl Iterator<Item = &'a str>) -> Option<Key> {
        Some(Key {
            size: parts.next()?.parse().ok()?,
            mtime_ns: parts.next()?.parse().ok()?,
            ctime_ns: parts.next()?.parse().ok()?,
            inode: parts.next()?.parse().ok()?,
        })
    }

    /// The key's parts with `separator` between them (a tab in a line, a
    /// comma in the header), for [`Key::parse`], on the stack. Digits by
    /// `itoa`, not `write!`: the formatting machinery was 12 million
    /// instructions of a cache of 10,000 lines written again.
    fn text(&self, separator: u8) -> KeyText {
        let mut text = KeyText {
            bytes: [0; KeyText::MAX],
            len: 0,
        };
        let mut digits = itoa::Buffer::new();
        text.push(digits.format(self.size).as_bytes());
        text.push(&[separator]);
        text.push(digits.format(self.mtime_ns).as_bytes());
        text.push(&[separator]);
        text.push(digits.format(self.ctime_ns).as_bytes());
        text.push(&[separator]);
        text.push(digits.format(self.inode).as_bytes());
        text
    }

    /// The key of an open folder.
    #[cfg(unix)]
    fn of_open(folder: &std::os::fd::OwnedFd) -> Option<Key> {
        Key::from_stat(rustix::fs::fstat(folder).ok()?)
    }

    /// Whether the file last changed long enough before `written` that an
    /// edit since must have changed its key.
    fn settled_before(&self, written: i64) -> bool {
        let last = self.mtime_ns.max(self.ctime_ns);
        let coarse = last % 1_000_000_000 == 0;
        last.saturating_add(if coarse {
            SETTLE_COARSE_NS
        } else {
            SETTLE_FINE_NS
        }) < written
    }
}

/// A key's text ([`Key::text`]): four numbers of at most 20 characters
/// each, and three separators.
struct KeyText {
    bytes: [u8; KeyText::MAX],
    len: usize,
}

impl KeyText {
    const MAX: usize = 4 * 20 + 3;

    fn push(&mut self, part: &[u8]) {
        self.bytes[self.len..self.len + part.len()].copy_from_slice(part);
        self.len += part.len();
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits, a minus sign and the separator were pushed.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// One line of the cache: a listed story file and its entry, read when
/// asked for (on every core, as the files are loaded). A file with
/// findings has no entry, and is read every time, as is one whose entry
/// does not read.
struct Line<'a> {
    path: &'a str,
    entry: &'a str,
}

impl<'a> Line<'a> {
    fn has_entry(&self) -> bool {
        self.entry != NONE
    }

    /// The encoded fields of the entry, when it was written for `key`:
    /// compared as written, not parsed (parsing four numbers of every line
    /// was a tenth of the instructions of `rank` and `new`).
    fn fields_if(&self, key: Key) -> Option<&'a str> {
        let written = key.text(b'\t');
        let rest = self.entry.strip_prefix(written.as_str())?;
        rest.strip_prefix('\t')
    }
}

/// The checksum of a cache: of its header before the checksum itself (the
/// time it was written and the folder's key are trusted too) and of its
/// lines.
fn checksum(header: &str, body: &str) -> u32 {
    let mut sum = crc32fast::Hasher::new();
    sum.update(header.as_bytes());
    sum.update(b"\n");
    sum.update(body.as_bytes());
    sum.finalize()
}

/// A cache file as read.
struct Stored {
    text: String,
    written_ns: i64,
    /// The stories folder's key when every file in it was listed; the
    /// lines are then its listing.
    folder: Option<Key>,
}

impl Stored {
    /// The cache at `file`, if it is whole, of this format and this tool.
    fn read(file: &Path) -> Option<Stored> {
        let bytes = crate::source::read_plain(file, MAX_CACHE_BYTES).ok()??;
        let text = String::from_utf8(bytes).ok()?;
        let (header, body) = text.split_once('\n')?;
        let mut parts = header.split(' ');
        let (magic, tool) = (parts.next()?, parts.next()?);
        let written_ns: i64 = parts.next()?.parse().ok()?;
        let folder = match parts.next()? {
            NONE => None,
            key => Some(Key::parse(&mut key.split(','))?),
        };
        let sum_at = header.rfind(' ')?;
        let sum: u32 = parts.next()?.parse().ok()?;
        let whole = magic == MAGIC
            && tool == env!("CARGO_PKG_VERSION")
            && parts.next().is_none()
            && checksum(&header[..sum_at], body) == sum;
        whole.then_some(Stored {
            text,
            written_ns,
            folder,
        })
    }

    /// Writes a cache of `body`'s lines, made at `written_ns`, with the
    /// folder's key when they list all of it: the header [`Stored::read`]
    /// checks. One that cannot be written is only a slower next run.
    fn write(file: &Path, written_ns: i64, folder: Option<Key>, body: &str) {
        let folder = folder.map_or(NONE.to_string(), |k| k.text(b',').as_str().to_string());
        let header = format!(
            "{MAGIC} {} {written_ns} {folder}",
            env!("CARGO_PKG_VERSION")
        );
        let text = format!("{header} {}\n{body}", checksum(&header, body));
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = crate::edit::atomic::write_rebuildable(file, text.as_bytes());
    }

    /// The lines in order, each a path relative to the backlog folder and
    /// its entry; a line whose entry does not read has none.
    fn lines(&self) -> Vec<Line<'_>> {
        let body = self.text.split_once('\n').map_or("", |(_, b)| b);
        let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', body.as_bytes()).count());
        lines.extend(body.lines().map(|line| {
            let mut parts = Tabs(Some(line));
            let path = parts.next().unwrap_or_default();
            Line {
                path,
                entry: parts.0.unwrap_or(NONE),
            }
        }));
        lines
    }
}

// The encoding of one story: tab-separated fields; within a field, list
// items each end with U+001F; `\-` stands for an absent value; backslash
// escapes the tab, line breaks, U+001F and itself.

const NONE: &str = "\\-";
const ITEM: char = '\u{1f}';

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            ITEM => out.push_str("\\u"),
            c => out.push(c),
        }
    }
}

fn unescape(s: &str) -> Option<Cow<'_, str>> {
    if !s.contains('\\') {
        return Some(Cow::Borrowed(s));
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        out.push(match chars.next()? {
            '\\' => '\\',
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'u' => ITEM,
            _ => return None,
        });
    }
    Some(Cow::Owned(out))
}

/// Writes one story's fields as a line of the cache (without its key).
struct Encoder(String);

impl Encoder {
    fn text(&mut self, s: &str) {
        escape(s, &mut self.0);
        self.0.push('\t');
    }

    fn opt(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.text(s),
            None => {
                self.0.push_str(NONE);
                self.0.push('\t');
            }
        }
    }

    fn list<'a>(&mut self, items: impl Iterator<Item = &'a str>) {
        for item in items {
            escape(item, &mut self.0);
            self.0.push(ITEM);
        }
        self.0.push('\t');
    }
}

/// A story's summary in one line: the fields other stories' rules and
/// views read (position, links, sprint, capacity, status), what the cache
/// stores and what a story read in full is compared by. The rest (labels,
/// value, statement, criteria…) matters to a story's own rules and views,
/// which run on stories read in full.
fn encode_fields(story: &Story) -> String {
    let Story {
        id,
        title,
        kind,
        status,
        rank,
        estimate,
        epic,
        depends_on,
        conflicts_with,
        sprint,
        ..
    } = story;
    let mut e = Encoder(String::with_capacity(128));
    e.text(id.as_str());
    e.text(title);
    e.text(kind.as_str());
    e.text(status);
    e.opt(rank.as_ref().map(|r| r.to_string()).as_deref());
    e.opt(estimate.map(|v| v.to_string()).as_deref());
    e.opt(epic.as_ref().map(|i| i.as_str()));
    e.opt(sprint.as_deref());
    e.list(depends_on.iter().map(|i| i.as_str()));
    e.list(conflicts_with.iter().map(|i| i.as_str()));
    e.0
}

/// The tab-separated parts of a line, as `split('\t')` gives them, found
/// with memchr (the general character search showed in `show`'s profile).
/// What is left to split is the field, so a line can be read in part.
struct Tabs<'a>(Option<&'a str>);

impl<'a> Iterator for Tabs<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0?;
        match memchr::memchr(b'\t', rest.as_bytes()) {
            // A tab is one byte: both sides are whole characters.
            Some(at) => {
                self.0 = Some(&rest[at + 1..]);
                Some(&rest[..at])
            }
            None => {
                self.0 = None;
                Some(rest)
            }
        }
    }
}

/// Reads one field at a time from an encoded line.
struct Decoder<'a>(Tabs<'a>);

impl<'a> Decoder<'a> {
    fn raw(&mut self) -> Option<&'a str> {
        self.0.next()
    }

    fn text(&mut self) -> Option<String> {
        Some(unescape(self.raw()?)?.into_owned())
    }

    fn opt(&mut self) -> Option<Option<Cow<'a, str>>> {
        match self.raw()? {
            NONE => Some(None),
            s => Some(Some(unescape(s)?)),
        }
    }

    fn ids(&mut self) -> Option<Vec<StoryId>> {
        let raw = self.raw()?;
        if raw.is_empty() {
            return Some(Vec::new());
        }
        raw.strip_suffix(ITEM)?
            .split(ITEM)
            .map(|s| unescape(s).map(|s| StoryId::new(s.into_owned())))
            .collect()
    }
}

/// A story from its summary; `None` when the line does not read.
fn decode(fields: &str, display: PathBuf) -> Option<Story> {
    let mut d = Decoder(Tabs(Some(fields)));
    let id = StoryId::new(d.text()?);
    let title = d.text()?;
    let kind = Kind::parse(d.raw()?)?;
    let status = d.text()?;
    let rank = match d.opt()? {
        Some(r) => Some(Rank::parse(&r).ok()?),
        None => None,
    };
    let estimate = match d.opt()? {
        Some(v) => Some(v.parse().ok()?),
        None => None,
    };
    let epic = d.opt()?.map(|e| StoryId::new(e.into_owned()));
    let sprint = d.opt()?.map(Cow::into_owned);
    let depends_on = d.ids()?;
    let conflicts_with = d.ids()?;
    // The line ends with its last field's tab: one empty field, then none.
    let (last, beyond) = (d.raw(), d.raw());
    if last != Some("") || beyond.is_some() {
        return None;
    }
    Some(Story {
        id,
        title,
        kind,
        status,
        rank,
        estimate,
        epic,
        goal: None,
        labels: Vec::new(),
        depends_on,
        conflicts_with,
        stakeholders: Vec::new(),
        value: Default::default(),
        sprint,
        created: None,
        reopened: None,
        statement: None,
        opening: None,
        criteria: Vec::new(),
        doc: Arc::new(Document::new(display, String::new())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn story(bytes: &str) -> Story {
        crate::load::story_from_bytes(PathBuf::from(".backlog/stories/S-1-x.md"), bytes.into())
            .expect("the story parses")
    }

    fn round_trip(s: &Story) -> Story {
        let line = encode_fields(s);
        decode(&line, s.doc.path.clone()).expect("the line reads")
    }

    proptest::proptest! {
        /// Whatever a story's texts hold (tabs, line breaks, backslashes,
        /// the item separator), its summary reads back as the same fields.
        #[test]
        fn a_summary_reads_back_as_the_same_fields(
            title in "[\\PC\t\n\r\\\\\u{1f}]{0,12}",
            status in "[\\PC\t\\\\\u{1f}]{0,8}",
            sprint in proptest::option::of("[\\PC\t\\\\]{0,8}"),
            deps in proptest::collection::vec("[\\PC\u{1f}\\\\]{0,6}", 0..4),
            rank in proptest::option::of(-1000i64..1000),
            estimate in proptest::option::of(0.0f64..1e9),
        ) {
            let mut s = story("---\nid: S-1\ntitle: X\nstatus: draft\nrank: 1\nkind: bug\nepic: S-9\n---\n");
            s.title = title;
            s.status = status;
            s.sprint = sprint;
            s.depends_on = deps.into_iter().map(StoryId::new).collect();
            s.conflicts_with = s.depends_on.iter().rev().cloned().collect();
            s.rank = rank.and_then(|r| Rank::parse(&format!("{r}.25")).ok());
            s.estimate = estimate;
            let back = round_trip(&s);
            prop_assert_eq!(encode_fields(&back), encode_fields(&s));
            prop_assert_eq!(&back.title, &s.title);
            prop_assert_eq!(&back.status, &s.status);
            prop_assert_eq!(&back.sprint, &s.sprint);
            prop_assert_eq!(&back.depends_on, &s.depends_on);
            prop_assert_eq!(&back.conflicts_with, &s.conflicts_with);
            prop_assert_eq!(&back.rank, &s.rank);
            prop_assert_eq!(back.estimate, s.estimate);
            prop_assert_eq!(back.kind, s.kind);
            prop_assert_eq!(&back.epic, &s.epic);
        }
    }

    #[test]
    fn a_line_that_does_not_read_is_no_summary() {
        let s = story("---\nid: S-1\ntitle: X\nstatus: draft\n---\n");
        let line = encode_fields(&s);
        let path = PathBuf::from("x.md");
        assert!(decode(&line, path.clone()).is_some());
        for broken in [
            line.trim_end_matches('\t').to_string(),
            format!("{line}extra\t"),
            line.replace("\tstory\t", "\tnovel\t"),
            line.replace("S-1", "S-1\\q"),
        ] {
            assert!(decode(&broken, path.clone()).is_none(), "{broken:?}");
        }
    }
}
