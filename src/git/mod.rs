//! Every use of `gix` lives here: gix publishes breaking releases about
//! monthly, so one module absorbs them. The rest of the tool sees commits,
//! trees and blobs through the small types below.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use gix::bstr::ByteSlice;
use gix::ObjectId;

mod packed;

/// A git failure. `shallow` says the repository is a shallow clone, the
/// usual reason for a missing object or an unknown revision in CI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitError {
    #[error("not in a git repository ({detail})")]
    NotARepository { detail: String },
    #[error("this repository uses SHA-256 object ids, which backlog does not read yet")]
    Sha256,
    #[error("unknown revision `{rev}` ({detail})")]
    UnknownRevision {
        rev: String,
        detail: String,
        shallow: bool,
    },
    #[error("`{rev}` does not name a commit ({detail})")]
    NotACommit {
        rev: String,
        detail: String,
        shallow: bool,
    },
    #[error("cannot read {what} ({detail})")]
    Missing {
        what: String,
        detail: String,
        shallow: bool,
    },
    #[error("{a} and {b} have no common ancestor{detail}")]
    NoCommonAncestor {
        a: String,
        b: String,
        detail: String,
        shallow: bool,
    },
    #[error("{detail}")]
    Other { detail: String },
}

impl GitError {
    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        let shallow =
            match self {
                GitError::NotARepository { .. } => return Some(
                    "history commands and --at read git history; run them inside the repository"
                        .into(),
                ),
                GitError::UnknownRevision { shallow, .. }
                | GitError::NotACommit { shallow, .. }
                | GitError::Missing { shallow, .. } => *shallow,
                GitError::NoCommonAncestor { shallow, .. } => {
                    if !*shallow {
                        return Some("give the base explicitly: `BASE..HEAD`".into());
                    }
                    true
                }
                GitError::Sha256 => {
                return Some(
                    "commands that read the working tree (check, list, show, set, …) work; history, --at and diff need a SHA-1 repository for now"
                        .into(),
                )
            }
            GitError::Other { .. } => false,
            };
        shallow.then(|| {
            "this is a shallow clone: fetch the history with `git fetch --unshallow` (in CI, check out with `fetch-depth: 0`)".to_string()
        })
    }
}

fn err(e: impl fmt::Display) -> GitError {
    GitError::Other {
        detail: e.to_string(),
    }
}

/// An object id (commit, tree or blob).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Oid(ObjectId);

impl fmt::Display for Oid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl serde::Serialize for Oid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> serde::Deserialize<'de> for Oid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Oid, D::Error> {
        let s = String::deserialize(d)?;
        Oid::parse(&s).ok_or_else(|| serde::de::Error::custom("not an object id"))
    }
}

impl Oid {
    pub fn short(&self) -> String {
        self.0.to_hex_with_len(7).to_string()
    }

    pub fn parse(hex: &str) -> Option<Oid> {
        ObjectId::from_hex(hex.as_bytes()).ok().map(Oid)
    }
}

/// What `log` shows of a commit.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CommitInfo {
    pub id: Oid,
    pub parents: Vec<Oid>,
    pub tree: Oid,
    pub author: String,
    pub email: String,
    /// Seconds since the epoch, and the author's UTC offset in seconds.
    pub time: i64,
    pub offset: i32,
    pub summary: String,
}

/// A commit a walk found: its tree and every parent (as the commit says
/// them, not only those the walk followed), and its stored text when the
/// walk read it (none where the commit-graph told the rest).
#[derive(Clone, Debug)]
pub struct WalkedCommit {
    pub id: Oid,
    pub tree: Oid,
    pub parents: Vec<Oid>,
    pub data: Option<Vec<u8>>,
}

/// A file that differs between two trees, by its path below them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delta {
    pub path: PathBuf,
    pub old: Option<Oid>,
    pub new: Option<Oid>,
}

/// How many bytes `a` and `b` have in common from their start.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    // A block at a time (the comparison of a block is one vector compare),
    // then the bytes of the block that differs.
    const BLOCK: usize = 64;
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= len && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    at + a[at..len]
        .iter()
        .zip(&b[at..len])
        .take_while(|(x, y)| x == y)
        .count()
}

/// How many bytes of the entries of a tree that starts `bytes` lie wholly
/// within it: an entry is its mode, a space, its name, a NUL (the first
/// after its start: a mode or name holds none) and its id.
fn whole_entries(bytes: &[u8], hash_len: usize) -> usize {
    let mut at = 0;
    while let Some(nul) = memchr::memchr(0, &bytes[at..]) {
        let end = at + nul + 1 + hash_len;
        if end > bytes.len() {
            break;
        }
        at = end;
    }
    at
}

/// The tree entry that starts at `at` of `tree`, and where it ends;
/// `None` at the end of the tree. The diff resumes at byte offsets of its
/// own, so gix's iterator is started there and asked how far it read.
fn tree_entry(
    tree: &[u8],
    at: usize,
    hash: gix::hash::Kind,
) -> Result<Option<(gix::objs::tree::EntryRef<'_>, usize)>, GitError> {
    let rest = &tree[at..];
    let mut entries = gix::objs::TreeRefIter::from_bytes(rest, hash);
    match entries.next() {
        None => Ok(None),
        Some(Ok(entry)) => Ok(Some((entry, at + entries.offset_to_next_entry(rest)))),
        Some(Err(_)) => Err(err("a tree cannot be decoded")),
    }
}

/// One entry of a tree: name, whether it is a tree or a link, and its id.
type TreeEntry = (Vec<u8>, bool, bool, Oid);

/// Git's tree order: names compared bytewise, a tree's name as if it ended in `/`.
fn git_order(
    a: &gix::objs::tree::EntryRef<'_>,
    b: &gix::objs::tree::EntryRef<'_>,
) -> std::cmp::Ordering {
    let (an, at): (&[u8], bool) = (a.filename.as_ref(), a.mode.is_tree());
    let (bn, bt): (&[u8], bool) = (b.filename.as_ref(), b.mode.is_tree());
    let common = an.len().min(bn.len());
    match an[..common].cmp(&bn[..common]) {
        std::cmp::Ordering::Equal => {
            let next = |n: &[u8], tree: bool| {
                n.get(common)
                    .copied()
                    .or(if tree { Some(b'/') } else { None })
            };
            next(an, at).cmp(&next(bn, bt))
        }
        other => other,
    }
}

/// An open repository.
pub struct Git {
    repo: gix::Repository,
    workdir: PathBuf,
    /// The last few trees read: walking a linear history, each commit's
    /// tree is the next commit's parent tree, so it is read once, not twice.
    trees: std::cell::RefCell<Vec<(Oid, std::rc::Rc<Vec<u8>>)>>,
    /// For a walk through many commits: trees read along their packs'
    /// delta chains, the full objects kept (`packed::Chains`).
    chains: Option<std::cell::RefCell<packed::Chains>>,
}

/// A handle that can be shared between threads; each makes its own [`Git`].
pub struct SharedGit {
    repo: gix::ThreadSafeRepository,
    workdir: PathBuf,
    /// The repository's packs, opened once, when its handles walk history.
    packs: Option<packed::Packs>,
}

/// Whether the repository around `start` declares SHA-256 object ids
/// (`extensions.objectformat`), which this build of gix does not read.
fn uses_sha256(start: &Path) -> bool {
    start.ancestors().any(|dir| {
        [dir.join(".git/config"), dir.join("config")]
            .iter()
            .any(|config| {
                std::fs::read_to_string(config).is_ok_and(|text| {
                    text.lines().any(|l| {
                        let l = l.trim().to_ascii_lowercase().replace(' ', "");
                        l == "objectformat=sha256"
                    })
                })
            })
    })
}

/// Caches that make walking long histories fast: decoded objects, and
/// inflated delta bases in packs (without the latter, every tree of a long
/// delta chain is re-inflated from its base).
fn tune(repo: &mut gix::Repository) {
    repo.object_cache_size_if_unset(8 * 1024 * 1024);
    repo.objects
        .set_pack_cache(|| Box::new(gix::odb::pack::cache::lru::StaticLinkedList::<64>::default()));
}

impl SharedGit {
    pub fn local(&self) -> Git {
        let mut repo = self.repo.to_thread_local();
        tune(&mut repo);
        Git {
            repo,
            workdir: self.workdir.clone(),
            trees: Default::default(),
            chains: self
                .packs
                .as_ref()
                .map(|p| std::cell::RefCell::new(packed::Chains::new(p.clone()))),
        }
    }

    /// A handle for reading each object once: the pack's delta-base cache,
    /// but no object cache (it would copy every object in, for nothing).
    pub fn local_for_blobs(&self) -> Git {
        let mut git = self.local();
        git.repo.object_cache_size(0);
        git
    }
}

impl Git {
    /// The repository containing `start`.
    pub fn discover(start: &Path) -> Result<Git, GitError> {
        let mut repo = gix::discover(start).map_err(|e| {
            if uses_sha256(start) {
                GitError::Sha256
            } else {
                GitError::NotARepository {
                    detail: e.to_string(),
                }
            }
        })?;
        tune(&mut repo);
        // A bare repository has no working tree: paths are then taken from
        // its own folder, so `--at` reads a backlog straight from objects.
        let root = repo.workdir().unwrap_or(repo.git_dir());
        let workdir = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Ok(Git {
            repo,
            workdir,
            trees: Default::default(),
            chains: None,
        })
    }

    pub fn shared(&self) -> SharedGit {
        SharedGit {
            repo: self.repo.clone().into_sync(),
            workdir: self.workdir.clone(),
            packs: None,
        }
    }

    /// [`Git::shared`] for walking many commits: each handle reads trees
    /// along the packs' delta chains (`packed::Chains`).
    pub fn shared_for_walk(&self) -> SharedGit {
        SharedGit {
            packs: self.packs(),
            ..self.shared()
        }
    }

    /// The repository's packs, opened for reading straight from them
    /// (`packed`); `None` when objects are replaced (`refs/replace/`):
    /// gix's lookup applies the replacements, a pack holds the originals.
    fn packs(&self) -> Option<packed::Packs> {
        let store = self.repo.objects.store_ref();
        if store.replacements().next().is_some() {
            return None;
        }
        Some(std::sync::Arc::new(packed::open_packs(
            store.path(),
            self.repo.object_hash(),
        )))
    }

    /// The working tree's root folder.
    pub fn work_dir(&self) -> &Path {
        &self.workdir
    }

    /// The git directory, for the history index.
    pub fn git_dir(&self) -> &Path {
        self.repo.git_dir()
    }

    /// `path` (absolute, or relative to the current directory) relative to
    /// the work tree, judged lexically so it need not exist on disk.
    pub fn relative(&self, path: &Path) -> Option<PathBuf> {
        let abs = if path.is_absolute() {
            path.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(path)
        };
        let mut clean = PathBuf::new();
        for c in abs.components() {
            match c {
                Component::ParentDir => {
                    clean.pop();
                }
                Component::CurDir => {}
                other => clean.push(other),
            }
        }
        // Resolve symlinked prefixes (e.g. /tmp) the way the work tree was.
        let mut probe = clean.clone();
        let mut rest = Vec::new();
        while !probe.exists() {
            rest.push(probe.file_name()?.to_os_string());
            probe.pop();
        }
        let mut real = probe.canonicalize().ok()?;
        for r in rest.iter().rev() {
            real.push(r);
        }
        real.strip_prefix(&self.workdir).ok().map(Path::to_path_buf)
    }

    /// The commit a revision names (`HEAD`, `main~3`, a tag, an id).
    pub fn resolve(&self, rev: &str) -> Result<Oid, GitError> {
        let id = self
            .repo
            .rev_parse_single(rev)
            .map_err(|e| GitError::UnknownRevision {
                rev: rev.to_string(),
                detail: e.to_string(),
                shallow: self.is_shallow(),
            })?;
        let commit = id.object().and_then(|o| o.peel_to_commit());
        match commit {
            Ok(c) => Ok(Oid(c.id)),
            Err(e) => Err(GitError::NotACommit {
                rev: rev.to_string(),
                detail: e.to_string(),
                shallow: self.is_shallow(),
            }),
        }
    }

    /// Whether this is a shallow clone (objects before the cut are missing).
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow().unwrap_or(false)
    }

    fn missing(&self, what: &str, e: impl fmt::Display) -> GitError {
        GitError::Missing {
            what: what.to_string(),
            detail: e.to_string(),
            shallow: self.is_shallow(),
        }
    }

    /// The root tree of commit `id`, without the rest of the commit: a
    /// history never shows a parent it did not walk, so a parent whose
    /// author line git would refuse does not end it.
    pub fn tree_of(&self, id: Oid) -> Result<Oid, GitError> {
        let c = self
            .repo
            .find_commit(id.0)
            .map_err(|e| self.missing(&format!("commit {}", id.short()), e))?;
        Ok(Oid(c.tree_id().map_err(err)?.detach()))
    }

    /// Commit metadata.
    pub fn commit(&self, id: Oid) -> Result<CommitInfo, GitError> {
        let c = self
            .repo
            .find_commit(id.0)
            .map_err(|e| self.missing(&format!("commit {}", id.short()), e))?;
        self.commit_from(id, &c.data)
    }

    /// Commit metadata from the commit's stored text (`data`), as a
    /// [`WalkedCommit`] carries it: the walk inflated it already, and a
    /// second lookup of every commit was a tenth of a history build.
    pub fn commit_from(&self, id: Oid, data: &[u8]) -> Result<CommitInfo, GitError> {
        let commit = || gix::objs::CommitRefIter::from_bytes(data, self.repo.object_hash());
        let author = commit().author().map_err(err)?.trim();
        let time = author.time().map_err(err)?;
        let summary = commit()
            .message()
            .map(|m| {
                gix::objs::commit::MessageRef::from_bytes(m)
                    .summary()
                    .to_string()
            })
            .unwrap_or_default();
        Ok(CommitInfo {
            id,
            parents: commit().parent_ids().map(Oid).collect(),
            tree: Oid(commit().tree_id().map_err(err)?),
            author: author.name.trim().to_str_lossy().into_owned(),
            email: author.email.trim().to_str_lossy().into_owned(),
            time: time.seconds,
            offset: time.offset,
            summary,
        })
    }

    /// Commits reachable from `tips` but not from `hidden`, newest first,
    /// each with its tree and parents as the walk had them at hand, so that
    /// a history reads no commit twice: from the
    /// commit-graph where there is one (then no commit is read at all),
    /// else from the commit the walk has just read (still in the object
    /// cache: copied, not inflated again), with its stored text.
    pub fn walk_commits(
        &self,
        tips: &[Oid],
        hidden: &[Oid],
        first_parent: bool,
    ) -> Result<Vec<WalkedCommit>, GitError> {
        let mut platform = self
            .repo
            .rev_walk(tips.iter().map(|t| t.0))
            .with_hidden(hidden.iter().map(|h| h.0))
            .sorting(gix::revision::walk::Sorting::ByCommitTime(
                Default::default(),
            ));
        if first_parent {
            platform = platform.first_parent_only();
        }
        let walk = platform.all().map_err(err)?;
        // Opened as the walk opens it (not where objects are replaced). A
        // graph that cannot be read only means each commit is inflated.
        let graph = self.repo.commit_graph_if_enabled().ok().flatten();
        let mut out = Vec::new();
        for info in walk {
            let info = info.map_err(|e| self.missing("history", e))?;
            let id = Oid(info.id);
            let from_graph = graph.as_ref().and_then(|g| {
                let c = g.commit_by_id(info.id)?;
                let parents: Option<Vec<Oid>> = c
                    .iter_parents()
                    .map(|p| p.ok().map(|p| Oid(g.id_at(p).to_owned())))
                    .collect();
                Some((Oid(c.root_tree_id().to_owned()), parents?))
            });
            let walked = match from_graph {
                Some((tree, parents)) => WalkedCommit {
                    id,
                    tree,
                    parents,
                    data: None,
                },
                None => {
                    let data = self
                        .repo
                        .find_object(info.id)
                        .map_err(|e| self.missing(&format!("commit {}", id.short()), e))?
                        .detach()
                        .data;
                    let commit = || gix::objs::CommitRefIter::from_bytes(&data, info.id.kind());
                    WalkedCommit {
                        id,
                        tree: Oid(commit().tree_id().map_err(err)?),
                        parents: commit().parent_ids().map(Oid).collect(),
                        data: Some(data),
                    }
                }
            };
            out.push(walked);
        }
        Ok(out)
    }

    /// The id of the tree at `rel` below `tree`, if it is a folder there
    /// (not when a part of the path is a file, a link or a submodule).
    /// Each folder is read through [`Git::tree_data`], so a walk's reads go
    /// along the packs' delta chains. An entry that cannot be decoded ends
    /// the look, as gix's own lookup did: the folder is not there.
    pub fn subtree(&self, tree: Oid, rel: &Path) -> Result<Option<Oid>, GitError> {
        let hash = self.repo.object_hash();
        let mut at = tree;
        for part in rel.components() {
            let Component::Normal(name) = part else {
                continue;
            };
            let name = gix::path::os_str_into_bstr(name).map_err(err)?;
            let data = self.tree_data(Some(at))?;
            let found = gix::objs::TreeRefIter::from_bytes(&data, hash)
                .map_while(Result::ok)
                .find(|e| e.filename == name)
                .filter(|e| e.mode.is_tree())
                .map(|e| Oid(e.oid.to_owned()));
            match found {
                Some(sub) => at = sub,
                None => return Ok(None),
            }
        }
        Ok(Some(at))
    }

    fn entries(&self, tree: Option<Oid>) -> Result<Vec<TreeEntry>, GitError> {
        let Some(tree) = tree else {
            return Ok(Vec::new());
        };
        let obj = self
            .repo
            .find_object(tree.0)
            .map_err(|e| self.missing("a tree", e))?;
        let iter = gix::objs::TreeRefIter::from_bytes(&obj.data, self.repo.object_hash());
        let mut out = Vec::new();
        for e in iter {
            let e = e.map_err(err)?;
            out.push((
                e.filename.to_vec(),
                e.mode.is_tree(),
                e.mode.is_link(),
                Oid(e.oid.to_owned()),
            ));
        }
        Ok(out)
    }

    /// Files that differ between two trees (either may be absent), found by
    /// descending only into subtrees whose ids differ. Symlinks are left out.
    pub fn diff(&self, old: Option<Oid>, new: Option<Oid>) -> Result<Vec<Delta>, GitError> {
        let mut out = Vec::new();
        self.diff_into(old, new, &mut PathBuf::new(), &mut out)?;
        Ok(out)
    }

    fn diff_into(
        &self,
        old: Option<Oid>,
        new: Option<Oid>,
        prefix: &mut PathBuf,
        out: &mut Vec<Delta>,
    ) -> Result<(), GitError> {
        if old == new {
            return Ok(());
        }
        let hash = self.repo.object_hash();
        let hash_len = hash.len_in_bytes();
        let (a_data, b_data) = (self.tree_data(old)?, self.tree_data(new)?);
        let (a, b) = (&a_data[..], &b_data[..]);
        // Walk both sorted entry lists in step, from one entry that differs
        // to the next: where the two trees hold the same bytes, they hold
        // the same entries, skipped without reading them (a commit changes
        // a few of a folder's thousand entries; reading every one was most
        // of a walk's time in its trees).
        let (mut at_a, mut at_b) = (0, 0);
        loop {
            let same = common_prefix(&a[at_a..], &b[at_b..]);
            if same > 0 {
                let skip = whole_entries(&a[at_a..at_a + same], hash_len);
                at_a += skip;
                at_b += skip;
            }
            let (x, y) = (tree_entry(a, at_a, hash)?, tree_entry(b, at_b, hash)?);
            let (left, right) = match (x, y) {
                (None, None) => break,
                (Some(x), Some(y)) => match git_order(&x.0, &y.0) {
                    std::cmp::Ordering::Less => (Some(x), None),
                    std::cmp::Ordering::Greater => (None, Some(y)),
                    std::cmp::Ordering::Equal => (Some(x), Some(y)),
                },
                (x, y) => (x, y),
            };
            if let Some((_, end)) = left {
                at_a = end;
            }
            if let Some((_, end)) = right {
                at_b = end;
            }
            let left = left.map(|(e, _)| e);
            let right = right.map(|(e, _)| e);
            if let (Some(l), Some(r)) = (&left, &right) {
                if l.oid == r.oid && l.mode == r.mode {
                    continue;
                }
            }
            let name = left
                .as_ref()
                .or(right.as_ref())
                .map(|e| e.filename.to_str_lossy().into_owned())
                .unwrap_or_default();
            prefix.push(name);
            let tree_of = |e: &Option<gix::objs::tree::EntryRef<'_>>| {
                e.as_ref()
                    .filter(|e| e.mode.is_tree())
                    .map(|e| Oid(e.oid.to_owned()))
            };
            let blob_of = |e: &Option<gix::objs::tree::EntryRef<'_>>| {
                e.as_ref()
                    .filter(|e| e.mode.is_blob())
                    .map(|e| Oid(e.oid.to_owned()))
            };
            let (ta, tb) = (tree_of(&left), tree_of(&right));
            if ta.is_some() || tb.is_some() {
                self.diff_into(ta, tb, prefix, out)?;
            }
            let (ba, bb) = (blob_of(&left), blob_of(&right));
            if ba != bb {
                out.push(Delta {
                    path: prefix.clone(),
                    old: ba,
                    new: bb,
                });
            }
            prefix.pop();
        }
        Ok(())
    }

    fn tree_data(&self, id: Option<Oid>) -> Result<std::rc::Rc<Vec<u8>>, GitError> {
        use gix::objs::Find;
        let Some(id) = id else {
            return Ok(Default::default());
        };
        if let Some((_, data)) = self.trees.borrow().iter().find(|(t, _)| *t == id) {
            return Ok(data.clone());
        }
        let mut trees = self.trees.borrow_mut();
        // Reuse the evicted entry's buffer: trees of a large folder are big,
        // and allocating one per commit is measurable.
        let mut buf = if trees.len() >= 8 {
            let (_, old) = trees.remove(0);
            std::rc::Rc::try_unwrap(old).unwrap_or_default()
        } else {
            Vec::new()
        };
        let chained = self.chains.as_ref().and_then(|chains| {
            let mut chains = chains.borrow_mut();
            chains.recycle(std::mem::take(&mut buf));
            chains.read(&id)
        });
        let data = match chained.filter(|(kind, _)| *kind == gix::object::Kind::Tree) {
            Some((_, data)) => data,
            None => {
                match self.repo.objects.try_find(&id.0, &mut buf) {
                    Ok(Some(_)) => {}
                    Ok(None) => {
                        return Err(
                            self.missing("a tree", format!("object {} is missing", id.short()))
                        )
                    }
                    Err(e) => return Err(self.missing("a tree", e)),
                }
                std::rc::Rc::new(buf)
            }
        };
        trees.push((id, data.clone()));
        Ok(data)
    }

    /// How many deltas are applied to read the object (`None` when it is
    /// loose or unknown): which way a pack's delta chains run.
    pub fn delta_depth(&self, id: Oid) -> Option<u32> {
        self.repo.find_header(id.0).ok()?.num_deltas()
    }

    pub fn blob(&self, id: Oid) -> Result<Vec<u8>, GitError> {
        let obj = self
            .repo
            .find_object(id.0)
            .map_err(|e| self.missing("a file", e))?;
        Ok(obj.detach().data)
    }

    /// Reads the blobs `ids` on every core, calling `each(index into ids,
    /// bytes)` for each; results come in no particular order. Packed blobs
    /// are read along their packs' delta chains, each entry inflated once
    /// (see `packed`); the rest through gix's lookup.
    pub fn read_blobs<T: Send>(
        &self,
        ids: &[Oid],
        each: impl Fn(usize, Vec<u8>) -> T + Sync,
    ) -> Result<Vec<(usize, T)>, GitError> {
        use rayon::prelude::*;
        // A walk's handle has the packs open already: opened again, each
        // would be mapped again, and counted again in the memory used.
        let packs = match &self.chains {
            Some(chains) => Some(chains.borrow().packs()),
            None => self.packs(),
        };
        let (mut read, unread) = match packs {
            Some(packs) => packed::read_each(&packs, ids, &each),
            None => (Vec::new(), (0..ids.len()).collect()),
        };
        let shared = self.shared();
        let rest: Vec<(usize, T)> = unread
            .par_chunks(unread.len().div_ceil(rayon::current_num_threads()).max(64))
            .map(|part| {
                let g = shared.local_for_blobs();
                part.iter()
                    .map(|&i| Ok((i, each(i, g.blob(ids[i])?))))
                    .collect::<Result<Vec<_>, GitError>>()
            })
            .collect::<Result<Vec<_>, GitError>>()?
            .into_iter()
            .flatten()
            .collect();
        read.extend(rest);
        Ok(read)
    }

    /// Backlog files below `tree`: (path, blob, is a symlink).
    pub fn files(&self, tree: Oid) -> Result<Vec<(PathBuf, Oid, bool)>, GitError> {
        let mut out = Vec::new();
        let mut pending = vec![(PathBuf::new(), tree)];
        while let Some((prefix, tree)) = pending.pop() {
            for (name, is_tree, is_link, id) in self.entries(Some(tree))? {
                let path = prefix.join(name.to_str_lossy().as_ref());
                if is_tree {
                    pending.push((path, id));
                } else if is_link
                    || path == Path::new("backlog.yaml")
                    || path.extension().is_some_and(|e| e == "md")
                {
                    out.push((path, id, is_link));
                }
            }
        }
        Ok(out)
    }

    /// Reads blobs on every core: inflating thousands of small objects is
    /// most of the cost of reading a revision.
    pub fn read_all(
        &self,
        files: Vec<(PathBuf, Oid, bool)>,
    ) -> Result<Vec<(PathBuf, Vec<u8>, bool)>, GitError> {
        let ids: Vec<Oid> = files.iter().map(|f| f.1).collect();
        let mut read: Vec<Option<Vec<u8>>> = vec![None; files.len()];
        for (i, bytes) in self.read_blobs(&ids, |_, bytes| bytes)? {
            read[i] = Some(bytes);
        }
        Ok(files
            .into_iter()
            .zip(read)
            .map(|((path, _, link), bytes)| (path, bytes.unwrap_or_default(), link))
            .collect())
    }

    /// File names under `stories/` of the backlog folder `rel` in every
    /// local and remote-tracking branch (names only: no blob is read).
    pub fn story_names_in_branches(&self, rel: &Path) -> Result<BTreeSet<String>, GitError> {
        let mut names = BTreeSet::new();
        let platform = self.repo.references().map_err(err)?;
        let stories = rel.join("stories");
        for iter in [
            platform.local_branches().map_err(err)?,
            platform.remote_branches().map_err(err)?,
        ] {
            for reference in iter {
                let Ok(mut reference) = reference else {
                    continue;
                };
                let Ok(tree) = reference.peel_to_tree() else {
                    continue;
                };
                let Ok(Some(sub)) = self.subtree(Oid(tree.id), &stories) else {
                    continue;
                };
                let mut pending = vec![sub];
                while let Some(t) = pending.pop() {
                    for (name, is_tree, _, id) in self.entries(Some(t))? {
                        if is_tree {
                            pending.push(id);
                        } else {
                            names.insert(name.to_str_lossy().into_owned());
                        }
                    }
                }
            }
        }
        Ok(names)
    }

    /// The default branch to compare against: `origin/HEAD`, else `main`, else `master`.
    pub fn default_branch(&self) -> Option<(String, Oid)> {
        ["origin/HEAD", "main", "master"]
            .iter()
            .find_map(|r| self.resolve(r).ok().map(|id| (r.to_string(), id)))
    }

    /// The best common ancestor of two commits.
    pub fn merge_base(&self, a: Oid, b: Oid) -> Result<Oid, GitError> {
        let none = |detail: String| GitError::NoCommonAncestor {
            a: a.short(),
            b: b.short(),
            detail,
            shallow: self.is_shallow(),
        };
        match self.repo.merge_base(a.0, b.0) {
            Ok(Some(id)) => Ok(Oid(id.detach())),
            Ok(None) => Err(none(String::new())),
            Err(e) => Err(none(format!(" ({e})"))),
        }
    }

    /// The repository's own config file (`.git/config`; shared by linked
    /// worktrees).
    pub fn config_path(&self) -> PathBuf {
        self.repo.common_dir().join("config")
    }

    /// The repository's own config file with `values` set in the section
    /// `[section "subsection"]`, everything else in it kept byte for byte.
    /// A value already set to something else is kept as it is. Returns each
    /// key's outcome, and the new bytes of the file when anything changed
    /// (the caller writes them; nothing is written here).
    pub fn local_config_with(
        &self,
        section: &str,
        subsection: &str,
        values: &[(&str, &str)],
    ) -> Result<(Vec<ConfigValue>, Option<Vec<u8>>), GitError> {
        let path = self.config_path();
        let mut buf = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(err(format!("cannot read {}: {e}", path.display()))),
        };
        let meta = gix::config::file::Metadata::from(gix::config::Source::Local).at(&path);
        let mut file = gix::config::File::from_bytes_owned(&mut buf, meta, Default::default())
            .map_err(|e| err(format!("cannot read {}: {e}", path.display())))?;
        let sub = Some(subsection.as_bytes().as_bstr());
        let mut outcomes = Vec::with_capacity(values.len());
        let mut changed = false;
        for (key, value) in values {
            match file.string_by(section, sub, key) {
                Some(v) if v.as_slice() == value.as_bytes() => {
                    outcomes.push(ConfigValue::Unchanged)
                }
                Some(v) => outcomes.push(ConfigValue::Kept(v.to_str_lossy().into_owned())),
                None => {
                    file.set_raw_value_by(section, sub, *key, value.as_bytes().as_bstr())
                        .map_err(err)?;
                    outcomes.push(ConfigValue::Set);
                    changed = true;
                }
            }
        }
        if !changed {
            return Ok((outcomes, None));
        }
        let mut out = Vec::new();
        file.write_to(&mut out).map_err(err)?;
        Ok((outcomes, Some(out)))
    }
}

/// What became of one config value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigValue {
    /// It was not set; it is now.
    Set,
    /// It was already set to this value.
    Unchanged,
    /// It is set to another value, which was kept.
    Kept(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args([
                "-c",
                "user.name=T",
                "-c",
                "user.email=t@e",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// git's own list of the files that differ between two commits, as
    /// `Git::diff` gives it: path, old blob, new blob (links left out).
    fn git_raw_diff(dir: &Path, a: &str, b: &str) -> Vec<(String, Option<String>, Option<String>)> {
        let zero = |id: &str| (id.bytes().any(|c| c != b'0')).then(|| id.to_string());
        let mut out: Vec<_> = git(
            dir,
            &[
                "diff-tree",
                "-r",
                "--no-renames",
                "--raw",
                "--no-abbrev",
                a,
                b,
            ],
        )
        .lines()
        .filter_map(|line| {
            let (meta, path) = line.split_once('\t')?;
            let f: Vec<&str> = meta.trim_start_matches(':').split(' ').collect();
            let blob = |mode: &str, id: &str| (mode.starts_with("100")).then(|| zero(id)).flatten();
            let (old, new) = (blob(f[0], f[2]), blob(f[1], f[3]));
            (old.is_some() || new.is_some()).then(|| (path.to_string(), old, new))
        })
        .collect();
        out.sort();
        out
    }

    /// Trees that differ in a few places (at the start, the end, the
    /// middle, in a subfolder, a file turned folder), read entry by entry
    /// where they differ and skipped where their bytes agree, give git's
    /// own diff; loose and then repacked (trees as deltas on full trees).
    #[test]
    fn a_tree_diff_lists_what_git_lists() {
        let repo = tempfile::tempdir().unwrap();
        let dir = repo.path();
        let commits = edited_history(dir);
        for packed in [false, true] {
            if packed {
                git(dir, &["repack", "-adfq", "--depth=50", "--window=250"]);
            }
            let repo = Git::discover(dir).unwrap();
            let walk = repo.shared_for_walk().local();
            for pair in commits.windows(2) {
                let tree = |c: &str| repo.commit(Oid::parse(c).unwrap()).unwrap().tree;
                for g in [&repo, &walk] {
                    let mut ours: Vec<_> = g
                        .diff(Some(tree(&pair[0])), Some(tree(&pair[1])))
                        .unwrap()
                        .into_iter()
                        .map(|d| {
                            (
                                d.path.to_string_lossy().into_owned(),
                                d.old.map(|o| o.to_string()),
                                d.new.map(|o| o.to_string()),
                            )
                        })
                        .collect();
                    ours.sort();
                    assert_eq!(
                        ours,
                        git_raw_diff(dir, &pair[0], &pair[1]),
                        "packed: {packed}"
                    );
                }
            }
        }
    }

    /// Every tree of a repacked history reads along its delta chain as
    /// gix reads it, with the chain reader keeping so little that it
    /// forgets entries and reads them again. The other tests would pass
    /// with a chain reader that never reads (gix answers then).
    #[test]
    fn the_chain_reader_reads_every_packed_tree_as_gix_does() {
        let repo = tempfile::tempdir().unwrap();
        let dir = repo.path();
        edited_history(dir);
        git(dir, &["repack", "-adfq", "--depth=50", "--window=250"]);
        let trees: Vec<Oid> = git(dir, &["rev-list", "--objects", "--all"])
            .lines()
            .filter_map(|l| l.split(' ').next())
            .map(|id| Oid::parse(id).unwrap())
            .filter(|id| git(dir, &["cat-file", "-t", &id.to_string()]).trim() == "tree")
            .collect();
        assert!(trees.len() > 40, "{} trees", trees.len());
        let repo = Git::discover(dir).unwrap();
        let walk = repo.shared_for_walk().local();
        let mut chains = walk.chains.as_ref().expect("a pack to read").borrow_mut();
        chains.keep_at_most(0);
        for _ in 0..2 {
            for id in &trees {
                let (kind, data) = chains.read(id).expect("read from the pack");
                assert_eq!(kind, gix::object::Kind::Tree);
                assert_eq!(*data, *repo.tree_data(Some(*id)).unwrap(), "{id}");
            }
        }
    }

    /// A repository of 40 commits of random edits on a 300-entry tree
    /// (files removed, added, turned into folders), the same every run;
    /// its commits, oldest first.
    fn edited_history(dir: &Path) -> Vec<String> {
        git(dir, &["init", "-q", "-b", "main"]);
        let names: Vec<String> = (0..300)
            .map(|i| match i % 5 {
                0 => format!("a{i}"),
                1 => format!("a{i}.md"),
                2 => format!("a{i}-x"),
                3 => format!("b/{i}.md"),
                _ => format!("z{i:03}"),
            })
            .collect();
        for n in &names {
            let path = dir.join(n);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, format!("{n}\n")).unwrap();
        }
        git(dir, &["add", "-A"]);
        git(dir, &["commit", "-q", "-m", "start"]);
        // A small generator: the same edits every run.
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for round in 0..40 {
            for _ in 0..1 + next(4) {
                let name = &names[next(names.len())];
                let path = dir.join(name);
                match next(4) {
                    0 if path.is_file() => std::fs::remove_file(&path).unwrap(),
                    1 if path.is_file() && !name.contains('/') => {
                        // A file turned into a folder of the same name.
                        std::fs::remove_file(&path).unwrap();
                        std::fs::create_dir(&path).unwrap();
                        std::fs::write(path.join("inner.md"), "in\n").unwrap();
                    }
                    _ if path.is_dir() => std::fs::remove_dir_all(&path).unwrap(),
                    _ => {
                        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                        std::fs::write(&path, format!("{name} {round}\n")).unwrap();
                    }
                }
            }
            git(dir, &["add", "-A"]);
            git(
                dir,
                &[
                    "commit",
                    "-q",
                    "--allow-empty",
                    "-m",
                    &format!("round {round}"),
                ],
            );
        }
        git(dir, &["rev-list", "--reverse", "HEAD"])
            .lines()
            .map(String::from)
            .collect()
    }
}
