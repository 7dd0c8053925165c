//! The audit trail: typed events read from git history.
//!
//! Commits are walked (first parent by default); where the backlog folder's
//! tree id differs from the parent's, the two trees are diffed, only the
//! changed blobs are parsed (each blob once, by id, in parallel), and the
//! old and new versions of each story, sprint and backlog.yaml are compared
//! field by field. A story is identified by its front-matter `id`, never by
//! its path, so renames and moves between folders are followed. Positions in
//! the ranked backlog are kept incrementally (a Fenwick tree over every rank
//! key that occurs in the history), not by re-sorting at every commit.

pub mod index;

use std::path::{Path, PathBuf};
use std::sync::Arc;

// Maps keyed by ids, paths and object ids are foldhash's: the build's
// serial part looks every changed story up several times, and SipHash was
// a tenth of it.
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::compare::changes::{config_changes, sprint_changes, story_changes, Change};
use crate::git::{CommitInfo, Delta, Git, GitError, Oid, WalkedCommit};
use crate::model::order::in_backlog_order;
use crate::model::{rank_order, Config, Snapshot, SortKey, Sprint, Story, StoryId};

/// What an event is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Story(String),
    Sprint(String),
    Config,
}

/// One change, in one commit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Index into [`History::commits`].
    pub commit: usize,
    pub subject: Subject,
    pub change: Change,
}

/// The events, and the commits they point at (oldest first) with the newest
/// commit read (and, in a history extended from its index, each tip it was
/// read to before): a commit that changed nothing in the backlog folder is
/// not kept, so a project's code commits cost nothing here.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct History {
    pub commits: Vec<CommitInfo>,
    pub events: Vec<Event>,
}

impl History {
    /// Whether every event points at one of the commits, in order: a
    /// history read back from the index (a file anyone can edit) is used only
    /// then, and rebuilt otherwise.
    pub fn is_consistent(&self) -> bool {
        self.events.windows(2).all(|w| w[0].commit <= w[1].commit)
            && self.events.iter().all(|e| e.commit < self.commits.len())
    }
}

/// How to walk.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Follow every parent (commits of merged branches, each against its
    /// own parent) instead of the first-parent line.
    pub all_parents: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum FileKind {
    Story,
    Sprint,
    Config,
}

fn kind_of(path: &Path) -> Option<FileKind> {
    let md = path.extension().is_some_and(|e| e == "md");
    if path == Path::new("backlog.yaml") {
        Some(FileKind::Config)
    } else if md && path.starts_with("stories") {
        Some(FileKind::Story)
    } else if md && path.starts_with("sprints") {
        Some(FileKind::Sprint)
    } else {
        None
    }
}

enum Parsed {
    Story(Arc<Story>),
    Sprint(Arc<Sprint>),
    Config(Arc<Config>),
    Unreadable,
}

/// Builds the history of the backlog folder `rel` over the commits reachable
/// from `tips` and not from `hidden`.
pub fn build(
    git: &Git,
    rel: &Path,
    tips: &[Oid],
    hidden: &[Oid],
    opts: &Options,
) -> Result<History, GitError> {
    let walked = git.walk_commits(tips, hidden, !opts.all_parents)?;
    build_walked(git, rel, walked, opts)
}

/// [`build`] over commits already walked ([`Git::walk_commits`], newest
/// first, following every parent or the first as `opts` says).
pub fn build_walked(
    git: &Git,
    rel: &Path,
    mut walked: Vec<WalkedCommit>,
    opts: &Options,
) -> Result<History, GitError> {
    walked.reverse();
    let shared = git.shared_for_walk();
    let all_parents = opts.all_parents;
    // Consecutive commits go to the same worker, so each tree read serves
    // as the next commit's parent tree.
    let workers = rayon::current_num_threads().max(1);
    let chunk = walked.len().div_ceil(workers * 8).max(1);
    let newest_first = newer_is_delta_base(git, &walked, rel);
    // Each walked commit's tree, for the child that starts a worker's run:
    // its parent's tree was read by the walk already.
    let roots: HashMap<Oid, Oid> = walked.iter().map(|w| (w.id, w.tree)).collect();
    let per_commit: Vec<Result<(Vec<Delta>, bool), GitError>> = walked
        .par_chunks(chunk)
        .flat_map_iter(|chunk| {
            // No object cache: each tree is read once (trees of neighbouring
            // commits are kept by `Git` itself), and copying every object
            // into a cache cost a twentieth of the walk.
            let g = shared.local_for_blobs();
            // The backlog folder's tree in each, found once: it is also its
            // child's parent folder (the parent of the run's first commit is
            // found from `roots`).
            let folders: HashMap<Oid, Option<Oid>> = chunk
                .iter()
                .filter_map(|w| Some((w.id, g.subtree(w.tree, rel).ok()?)))
                .collect();
            // In the direction the pack's delta chains run, so that the
            // base of each version was just read and is still in gix's
            // cache. It matters where gix reads the trees (objects
            // replaced: 1.08 s newest first against 1.77 s on the wide
            // history); the chain reader keeps its bases whichever way
            // (0.88 s against 0.92 s).
            let deltas =
                |w: &WalkedCommit| commit_deltas(&g, w, (&folders, &roots), rel, all_parents);
            if !newest_first {
                return chunk.iter().map(deltas).collect::<Vec<_>>();
            }
            let mut run: Vec<_> = chunk.iter().rev().map(deltas).collect();
            run.reverse();
            run
        })
        .collect();
    let mut deltas = Vec::with_capacity(per_commit.len());
    let mut silent = Vec::with_capacity(per_commit.len());
    for r in per_commit {
        let (d, quiet) = r?;
        deltas.push(d);
        silent.push(quiet);
    }
    // A commit that changed nothing in the backlog folder is not shown
    // (unless it is the newest): its text is let go of now. In a project's
    // repository that is most commits.
    let newest = walked.len().checked_sub(1);
    for (i, (w, d)) in walked.iter_mut().zip(&deltas).enumerate() {
        if d.is_empty() && Some(i) != newest {
            w.data = None;
        }
    }

    // Parse every blob once, by id, along the packs' delta chains.
    let mut wanted: HashMap<Oid, (FileKind, PathBuf)> = HashMap::new();
    for d in deltas.iter().flatten() {
        let kind = kind_of(&d.path).expect("filtered");
        for id in [d.old, d.new].into_iter().flatten() {
            wanted
                .entry(id)
                .or_insert_with(|| (kind, rel.join(&d.path)));
        }
    }
    let wanted: Vec<(Oid, FileKind, PathBuf)> =
        wanted.into_iter().map(|(id, (k, p))| (id, k, p)).collect();
    let ids: Vec<Oid> = wanted.iter().map(|w| w.0).collect();
    let parsed = shared.local().read_blobs(&ids, |i, bytes| {
        let (_, kind, path) = &wanted[i];
        let p = match kind {
            FileKind::Story => crate::load::story_fields_from_bytes(path.clone(), bytes)
                .map(|s| Parsed::Story(Arc::new(s))),
            FileKind::Sprint => crate::load::sprint_from_bytes(path.clone(), bytes)
                .map(|s| Parsed::Sprint(Arc::new(s))),
            FileKind::Config => crate::load::config_from_bytes(path.clone(), bytes)
                .map(|c| Parsed::Config(Arc::new(c))),
        };
        p.unwrap_or(Parsed::Unreadable)
    })?;
    let mut cache: HashMap<Oid, Parsed> = HashMap::with_capacity(parsed.len());
    for (i, p) in parsed {
        cache.insert(wanted[i].0, p);
    }

    // The state before the first walked commit (a range, or a shallow clone).
    let first_parent = walked.first().and_then(|c| c.parents.first().copied());
    let state = first_parent.map_or_else(State::default, |p| State::at(git, p, rel));
    // Walking every parent, a branch may start from a commit outside the
    // walk (one before an index's tip): its state is read from git, and its
    // stories must be in the order's universe, or they would not count in
    // the positions on that branch.
    let mut outside: HashMap<Oid, State> = HashMap::new();
    if all_parents {
        let walked_ids: foldhash::HashSet<Oid> = walked.iter().map(|w| w.id).collect();
        for p in walked.iter().skip(1).filter_map(|w| w.parents.first()) {
            if !walked_ids.contains(p) && Some(*p) != first_parent && !outside.contains_key(p) {
                outside.insert(*p, State::at(git, *p, rel));
            }
        }
    }
    let mut stories: Vec<Arc<Story>> = state.stories.values().cloned().collect();
    stories.extend(outside.values().flat_map(|s| s.stories.values().cloned()));
    stories.extend(cache.values().filter_map(|p| match p {
        Parsed::Story(s) => Some(s.clone()),
        _ => None,
    }));
    let order = Order::new(stories, state.stories.values().map(|s| &**s));

    let mut builder = Builder {
        state,
        order,
        events: Vec::new(),
        silent: false,
    };
    if !all_parents {
        for (index, d) in deltas.iter().enumerate() {
            builder.commit(index, d, &cache, rel);
        }
    } else {
        // Commits come in time order, not along one line: each is compared
        // with the state of its own first parent, so positions on a merged
        // branch are those of that branch, not of main at the same time.
        let mut children: HashMap<Oid, usize> = HashMap::new();
        for c in &walked {
            if let Some(p) = c.parents.first() {
                *children.entry(*p).or_default() += 1;
            }
        }
        let mut saved: HashMap<Oid, (State, Order)> = HashMap::new();
        let mut current: Option<Oid> = walked.first().and_then(|c| c.parents.first().copied());
        for (index, d) in deltas.iter().enumerate() {
            let parent = walked[index].parents.first().copied();
            if parent != current {
                if let Some(cur) = current.filter(|c| children.get(c).is_some_and(|n| *n > 0)) {
                    saved.insert(cur, (builder.state.clone(), builder.order.clone()));
                }
                let (state, order) = match parent.and_then(|p| saved.get(&p)) {
                    Some((st, o)) => (st.clone(), o.clone()),
                    None => {
                        // A parent outside the walk, read from git above.
                        let st = match parent {
                            Some(p) => outside
                                .get(&p)
                                .cloned()
                                .unwrap_or_else(|| State::at(git, p, rel)),
                            None => State::default(),
                        };
                        let o = builder.order.emptied(st.stories.values().map(|s| &**s));
                        (st, o)
                    }
                };
                builder.state = state;
                builder.order = order;
            }
            if let Some(p) = parent {
                if let Some(n) = children.get_mut(&p) {
                    *n -= 1;
                    if *n == 0 {
                        saved.remove(&p);
                    }
                }
            }
            builder.silent = silent[index];
            builder.commit(index, d, &cache, rel);
            current = Some(walked[index].id);
        }
    }
    // Freeing every parsed version is a twentieth of the run: done beside
    // the caller's work (rendering), not before it.
    let mut events = builder.events;
    let (state, order) = (builder.state, builder.order);
    // The commits events point at are kept, and the newest, each read
    // whole once: from the walk's copy of its text where it has one.
    let mut kept = vec![false; walked.len()];
    for e in &events {
        kept[e.commit] = true;
    }
    if let Some(n) = newest {
        kept[n] = true;
    }
    let mut place = Vec::with_capacity(walked.len());
    let mut read = Vec::new();
    for (k, w) in kept.iter().zip(walked.iter_mut()) {
        place.push(read.len());
        if *k {
            read.push((w.id, w.data.take()));
        }
    }
    // In runs of their own size: a project's history keeps one commit in
    // twenty, which runs sized for the walk would give to one core.
    let commits: Vec<CommitInfo> = read
        .par_chunks(read.len().div_ceil(workers * 8).max(1))
        .flat_map_iter(|run| {
            let g = shared.local_for_blobs();
            run.iter()
                .map(|(id, data)| match data {
                    Some(data) => g.commit_from(*id, data),
                    None => g.commit(*id),
                })
                .collect::<Vec<_>>()
        })
        .collect::<Result<_, GitError>>()?;
    for e in &mut events {
        e.commit = place[e.commit];
    }
    rayon::spawn(move || drop((cache, deltas, state, order, walked)));
    Ok(History { commits, events })
}

/// Whether the pack stores older versions as deltas on newer ones, as
/// `git gc` and every fetched pack do (`git fast-import` does the opposite):
/// the backlog folder's tree at a few neighbouring commits along `commits`
/// (oldest first), by how many deltas reading each takes. A tie, or loose
/// objects, reads newest first.
fn newer_is_delta_base(git: &Git, commits: &[WalkedCommit], rel: &Path) -> bool {
    let depth = |commit: &WalkedCommit| -> Option<u32> {
        let tree = git.subtree(commit.tree, rel).ok()??;
        git.delta_depth(tree)
    };
    let (mut newer_shallower, mut older_shallower) = (0, 0);
    let step = (commits.len() / 8).max(1);
    for i in (0..commits.len().saturating_sub(1)).step_by(step).take(8) {
        match (depth(&commits[i]), depth(&commits[i + 1])) {
            (Some(old), Some(new)) if new < old => newer_shallower += 1,
            (Some(old), Some(new)) if old < new => older_shallower += 1,
            _ => {}
        }
    }
    newer_shallower >= older_shallower
}

/// The backlog files a commit changed against its first parent, and
/// whether its events are silent: with every parent walked, a merge's
/// changes are the merged commits' own events; the merge's diff then only
/// moves the state forward. `folders` holds the backlog folder's tree of
/// the commits of this worker's run, `roots` every walked commit's tree.
fn commit_deltas(
    g: &Git,
    commit: &WalkedCommit,
    (folders, roots): (&HashMap<Oid, Option<Oid>>, &HashMap<Oid, Oid>),
    rel: &Path,
    all_parents: bool,
) -> Result<(Vec<Delta>, bool), GitError> {
    let folder = |commit: Oid, tree: Option<Oid>| -> Result<Option<Oid>, GitError> {
        match folders.get(&commit) {
            Some(t) => Ok(*t),
            None => {
                let tree = match tree.or_else(|| roots.get(&commit).copied()) {
                    Some(t) => t,
                    // A parent outside the walk (a range's base).
                    None => g.tree_of(commit)?,
                };
                g.subtree(tree, rel)
            }
        }
    };
    let new = folder(commit.id, Some(commit.tree))?;
    let old = match commit.parents.first() {
        Some(p) => folder(*p, None)?,
        None => None,
    };
    let deltas = if old == new {
        Vec::new()
    } else {
        g.diff(old, new)?
            .into_iter()
            .filter(|d| kind_of(&d.path).is_some())
            .collect()
    };
    let silent = all_parents && commit.parents.len() > 1;
    Ok((deltas, silent))
}

/// Order statistics over a fixed universe of keys (a Fenwick tree).
#[derive(Clone)]
struct Order {
    /// Shared between copies: only the counts differ from branch to branch.
    keys: Arc<Universe>,
    tree: Vec<i64>,
}

/// Every key (rank and id) of the stories a history holds, in backlog
/// order, and where each story's key is. Each story the universe was made
/// of is found by its address: comparing ranks to find a key was most of
/// the build's serial part on a history of rebalances (a story renumbered
/// in each has dozens of keys, and each comparison read the ranks' digits
/// from memory scattered over the whole history). The universe keeps those
/// stories alive, so an address names one story for as long as it lives.
struct Universe {
    /// A story of each key, in backlog order.
    sorted: Vec<Arc<Story>>,
    /// Where each id's keys are, in order: for a story made elsewhere (a
    /// parent's state read from git), found by its key.
    places: HashMap<StoryId, Vec<usize>>,
    /// The place of each story's key, by the story's address.
    by_address: HashMap<usize, usize>,
    /// Every story `by_address` names, held so that no other story can
    /// take its address while the universe lives: never read.
    #[allow(dead_code)]
    keeps_addresses: Vec<Arc<Story>>,
}

fn address(s: &Story) -> usize {
    std::ptr::from_ref(s) as usize
}

impl Order {
    fn new<'s>(stories: Vec<Arc<Story>>, present: impl Iterator<Item = &'s Story>) -> Order {
        // Stable: of the stories sharing a key, the first stands for it.
        let stories = in_backlog_order(stories, |s| &**s);
        let mut sorted: Vec<Arc<Story>> = Vec::new();
        let mut places: HashMap<StoryId, Vec<usize>> = HashMap::new();
        let mut by_address = HashMap::with_capacity(stories.len());
        for s in &stories {
            if sorted.last().is_none_or(|last| rank_order(last, s).is_ne()) {
                places.entry(s.id.clone()).or_default().push(sorted.len());
                sorted.push(s.clone());
            }
            by_address.insert(address(s), sorted.len() - 1);
        }
        let n = sorted.len();
        let mut o = Order {
            keys: Arc::new(Universe {
                sorted,
                places,
                by_address,
                keeps_addresses: stories,
            }),
            tree: vec![0; n + 1],
        };
        for s in present {
            o.add(s, 1);
        }
        o
    }

    /// The same universe of keys with only `present` in it.
    fn emptied<'s>(&self, present: impl Iterator<Item = &'s Story>) -> Order {
        let mut o = Order {
            keys: self.keys.clone(),
            tree: vec![0; self.tree.len()],
        };
        for s in present {
            o.add(s, 1);
        }
        o
    }

    /// Where the key of `s` is: by its address when the universe was made
    /// of it, else by its key (an id's places are in the order of its
    /// ranks, so found by halving).
    fn index(&self, s: &Story) -> Option<usize> {
        let keys = &self.keys;
        if let Some(&i) = keys.by_address.get(&address(s)) {
            return Some(i);
        }
        let places = keys.places.get(&s.id)?;
        let at = places
            .binary_search_by(|&i| rank_order(&keys.sorted[i], s))
            .ok()?;
        Some(places[at])
    }

    fn add(&mut self, s: &Story, delta: i64) {
        let Some(mut i) = self.index(s).map(|i| i + 1) else {
            return;
        };
        while i < self.tree.len() {
            self.tree[i] += delta;
            i += i & i.wrapping_neg();
        }
    }

    /// 1-based position of the key of `s` among the present keys.
    fn position(&self, s: &Story) -> Option<usize> {
        let mut i = self.index(s)? + 1;
        let mut sum = 0;
        while i > 0 {
            sum += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        usize::try_from(sum).ok().filter(|&p| p > 0)
    }
}

#[derive(Clone, Default)]
struct State {
    stories: HashMap<StoryId, Arc<Story>>,
    /// Keyed by the path's bytes: hashing a `Path` parses its components.
    paths: HashMap<std::ffi::OsString, StoryId>,
    sprints: HashMap<PathBuf, Arc<Sprint>>,
    config: Option<Arc<Config>>,
}

impl State {
    /// The story last known at `path`.
    fn story_at(&self, path: &Path) -> Option<&Arc<Story>> {
        let id = self.paths.get(path.as_os_str())?;
        self.stories.get(id)
    }

    /// The state at `commit`, read from git; empty where it has no
    /// backlog folder or the folder does not load.
    fn at(git: &Git, commit: Oid, rel: &Path) -> State {
        let mut state = State::default();
        if let Ok(Some(mem)) = crate::source::revision::source_at(git, commit, rel, rel) {
            if let Ok(snap) = crate::load::load(&mem) {
                state.seed(&snap);
            }
        }
        state
    }

    fn seed(&mut self, snap: &Snapshot) {
        for s in &snap.stories {
            self.paths
                .insert(s.doc.path.as_os_str().to_owned(), s.id.clone());
            self.stories.insert(s.id.clone(), Arc::new(s.clone()));
        }
        for s in &snap.sprints {
            self.sprints.insert(s.doc.path.clone(), Arc::new(s.clone()));
        }
        self.config = Some(Arc::new(snap.config.clone()));
    }
}

struct Builder {
    state: State,
    order: Order,
    events: Vec<Event>,
    /// Move the state forward without recording events (a merge's own
    /// diff, when the merged commits are walked too).
    silent: bool,
}

/// How many stories a commit changes before they are compared on every
/// core: fewer are compared faster on one.
const COMPARED_ON_EVERY_CORE: usize = 64;

/// A story and the path it had, with its id's sort key (`StoryId::sort_key`),
/// made once: comparing ids by their parts in every comparison of the sort
/// was a sixth of the build's serial part on a history of rebalances.
type Keyed<'a> = (SortKey<'a>, &'a (Arc<Story>, PathBuf));

/// Each story once, in id order: where one id comes twice, the later
/// (as a map's insert keeps it).
fn last_of_each_id(side: &[(Arc<Story>, PathBuf)]) -> Vec<Keyed<'_>> {
    let mut keyed: Vec<Keyed<'_>> = side
        .iter()
        .map(|item| (item.0.id.sort_key(), item))
        .collect();
    // Stable: equal ids keep the order they came in.
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<Keyed<'_>> = Vec::with_capacity(keyed.len());
    for item in keyed {
        match out.last_mut() {
            Some(last) if last.0 == item.0 => *last = item,
            _ => out.push(item),
        }
    }
    out
}

impl Builder {
    fn push(&mut self, commit: usize, subject: Subject, change: Change) {
        if self.silent {
            return;
        }
        self.events.push(Event {
            commit,
            subject,
            change,
        });
    }

    fn commit(&mut self, index: usize, deltas: &[Delta], cache: &HashMap<Oid, Parsed>, rel: &Path) {
        // Each side: the story and the path it had (from the delta, not the
        // parse: the same blob can live at several paths). Lists sorted by
        // id below, not maps: a commit changes a few stories, and hashing
        // and cloning ids and paths for maps was most of this serial part.
        let mut old_side: Vec<(Arc<Story>, PathBuf)> = Vec::new();
        let mut new_side: Vec<(Arc<Story>, PathBuf)> = Vec::new();
        let mut touched_paths: Vec<PathBuf> = Vec::new();
        for d in deltas {
            let full = rel.join(&d.path);
            match kind_of(&d.path) {
                Some(FileKind::Story) => {
                    if d.old.is_some() {
                        let old = match d.old.and_then(|id| cache.get(&id)) {
                            Some(Parsed::Story(s)) => Some(s.clone()),
                            // Unreadable before: what we last knew at this path.
                            _ => self.state.story_at(&full).cloned(),
                        };
                        if let Some(o) = old {
                            old_side.push((o, full.clone()));
                        }
                    }
                    match d.new.and_then(|id| cache.get(&id)) {
                        Some(Parsed::Story(s)) => new_side.push((s.clone(), full.clone())),
                        // Broken now: no news about this story; keep what we knew.
                        Some(_) => {
                            if let Some(s) = self.state.story_at(&full) {
                                new_side.push((s.clone(), full.clone()));
                            }
                        }
                        None => {}
                    }
                    touched_paths.push(full);
                }
                Some(FileKind::Sprint) => {
                    let old = self.state.sprints.get(&full).cloned();
                    let new = match d.new.and_then(|id| cache.get(&id)) {
                        Some(Parsed::Sprint(s)) => Some(s.clone()),
                        Some(_) => old.clone(),
                        None => None,
                    };
                    self.sprint(index, old.as_deref(), new.as_deref());
                    match new {
                        Some(n) => self.state.sprints.insert(full, n),
                        None => self.state.sprints.remove(&full),
                    };
                }
                Some(FileKind::Config) => {
                    let new = match d.new.and_then(|id| cache.get(&id)) {
                        Some(Parsed::Config(c)) => Some(c.clone()),
                        _ => None,
                    };
                    if let (Some(old), Some(new)) = (self.state.config.clone(), new.clone()) {
                        self.config(index, &old, &new);
                    }
                    if new.is_some() {
                        self.state.config = new;
                    }
                }
                None => {}
            }
        }
        if old_side.is_empty() && new_side.is_empty() {
            return;
        }
        let old_side = last_of_each_id(&old_side);
        let new_side = last_of_each_id(&new_side);
        // Every story of the commit once, in id order, with both sides and
        // its position before this commit's changes.
        type Side<'a> = Option<&'a (Arc<Story>, PathBuf)>;
        let mut stories: Vec<(&StoryId, Side<'_>, Side<'_>, Option<usize>)> = Vec::new();
        let (mut o, mut n) = (
            old_side.into_iter().peekable(),
            new_side.into_iter().peekable(),
        );
        loop {
            // The story (the old side's where both have it) and its sides.
            let (story, old, new) = match (o.peek().copied(), n.peek().copied()) {
                (None, None) => break,
                (Some((ka, a)), Some((kb, b))) => match ka.cmp(&kb) {
                    std::cmp::Ordering::Less => {
                        o.next();
                        (a, Some(a), None)
                    }
                    std::cmp::Ordering::Greater => {
                        n.next();
                        (b, None, Some(b))
                    }
                    std::cmp::Ordering::Equal => {
                        o.next();
                        n.next();
                        (a, Some(a), Some(b))
                    }
                },
                (Some((_, a)), None) => {
                    o.next();
                    (a, Some(a), None)
                }
                (None, Some((_, b))) => {
                    n.next();
                    (b, None, Some(b))
                }
            };
            let id = &story.0.id;
            let before = self
                .state
                .stories
                .get(id)
                .and_then(|s| self.order.position(s));
            stories.push((id, old, new, before));
        }
        for p in &touched_paths {
            self.state.paths.remove(p.as_os_str());
        }
        for &(id, _, new, _) in &stories {
            if let Some(prev) = self.state.stories.remove(id) {
                self.order.add(&prev, -1);
            }
            if let Some((n, path)) = new {
                self.order.add(n, 1);
                self.state
                    .paths
                    .insert(path.as_os_str().to_owned(), id.clone());
                self.state.stories.insert(id.clone(), n.clone());
            }
        }
        // What changed in each story on both sides (none when silent),
        // compared on every core where a commit changes many: a rebalance
        // changes every story, and comparing them one by one was half the
        // serial part of a history of rebalances.
        let compare = |&(_, old, new, before): &(&StoryId, Side<'_>, Side<'_>, Option<usize>)| {
            let ((o, _), (n, _)) = (old?, new?);
            (!self.silent).then(|| story_changes(o, n, before, self.order.position(n)))
        };
        let changes: Vec<Option<Vec<Change>>> = if stories.len() >= COMPARED_ON_EVERY_CORE {
            stories.par_iter().map(compare).collect()
        } else {
            stories.iter().map(compare).collect()
        };
        for ((id, old, new, _), changes) in stories.into_iter().zip(changes) {
            let subject = Subject::Story(id.to_string());
            match (old, new) {
                (Some((_, op)), Some((_, np))) => {
                    if op != np {
                        self.push(
                            index,
                            subject.clone(),
                            Change::StoryRenamed {
                                from: crate::source::portable_path(op).into_owned(),
                                to: crate::source::portable_path(np).into_owned(),
                            },
                        );
                    }
                    for c in changes.into_iter().flatten() {
                        self.push(index, subject.clone(), c);
                    }
                }
                (None, Some((n, np))) => {
                    let position = self.order.position(n);
                    self.push(
                        index,
                        subject,
                        Change::StoryAdded {
                            title: n.title.clone(),
                            path: crate::source::portable_path(np).into_owned(),
                            position,
                        },
                    );
                }
                (Some((o, op)), None) => {
                    self.push(
                        index,
                        subject,
                        Change::StoryRemoved {
                            title: o.title.clone(),
                            path: crate::source::portable_path(op).into_owned(),
                        },
                    );
                }
                (None, None) => {}
            }
        }
    }

    fn sprint(&mut self, index: usize, old: Option<&Sprint>, new: Option<&Sprint>) {
        let Some(id) = new.or(old).map(|s| s.id.clone()) else {
            return;
        };
        for c in sprint_changes(old, new) {
            self.push(index, Subject::Sprint(id.clone()), c);
        }
    }

    fn config(&mut self, index: usize, old: &Config, new: &Config) {
        for c in config_changes(old, new) {
            self.push(index, Subject::Config, c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A criterion written twice, once checked and once not, is no change
    /// while both stay; only the criterion added is.
    #[test]
    fn a_criterion_written_twice_pairs_each_occurrence_with_its_own() {
        let story = |body: &str| {
            let text = format!("---\nid: S-1\ntitle: Pay\nstatus: ready\n---\n{body}");
            crate::load::story_from_bytes(PathBuf::from("S-1.md"), text.into_bytes())
                .expect("the story parses")
        };
        let before = story("## Acceptance criteria\n- [ ] x\n- [x] x\n");
        let after = story("## Acceptance criteria\n- [ ] x\n- [x] x\n- [ ] y\n");
        assert_eq!(
            story_changes(&before, &after, None, None),
            vec![Change::CriterionAdded { text: "y".into() }]
        );
        assert_eq!(
            story_changes(&after, &before, None, None),
            vec![Change::CriterionRemoved { text: "y".into() }]
        );
        let dropped = story("## Acceptance criteria\n- [ ] x\n");
        assert_eq!(
            story_changes(&before, &dropped, None, None),
            vec![Change::CriterionRemoved { text: "x".into() }]
        );
    }

    /// `same` stands in for comparing texts: it may never call two values
    /// the same whose texts differ (a change history would not show).
    #[test]
    fn a_field_is_the_same_only_where_its_text_is() {
        let story = |text: &str| {
            crate::load::story_from_bytes(PathBuf::from("S-1.md"), text.as_bytes().to_vec())
                .expect("the story parses")
        };
        let a = story(
            "---\nid: S-1\ntitle: Pay\nkind: bug\nstatus: ready\nrank: 1.5\nestimate: 0\n\
             epic: S-2\ngoal: G-1\nlabels: [a, b]\ndepends_on: [S-3]\nstakeholders: [x]\n\
             conflicts_with: [S-4]\nvalue: { business: 0, moscow: must }\nsprint: s1\n\
             created: 2026-01-02\nreopened: no\n---\n",
        );
        let b = story(
            "---\nid: S-10\ntitle: Pay now\nkind: story\nstatus: done\nrank: 2\nestimate: -0\n\
             epic: S-20\ngoal: G-2\nlabels: [a]\ndepends_on: [S-3, S-5]\nstakeholders: [y]\n\
             conflicts_with: []\nvalue: { business: -0, moscow: must }\nsprint: s2\n\
             created: 2026-01-03\nreopened: yes\n---\n",
        );
        for field in crate::model::field::STORY {
            assert!((field.same)(&a, &a), "{}", field.name);
            if (field.same)(&a, &b) {
                assert_eq!((field.text)(&a), (field.text)(&b), "{}", field.name);
            } else if (field.text)(&a) == (field.text)(&b) {
                // Told apart where the texts are not: allowed, only slower.
                assert!(matches!(field.name, "estimate" | "value"), "{}", field.name);
            }
        }
    }

    #[test]
    fn fenwick_positions_follow_the_ranked_order() {
        let story = |rank: Option<&str>, id: &str| {
            let rank = rank.map(|r| format!("rank: {r}\n")).unwrap_or_default();
            let text = format!("---\nid: {id}\ntitle: T\n{rank}---\n");
            Arc::new(
                crate::load::story_from_bytes(PathBuf::from(format!("{id}.md")), text.into_bytes())
                    .expect("the story parses"),
            )
        };
        let (s1, s2) = (story(Some("10"), "S-1"), story(Some("20"), "S-2"));
        let (s3, s4) = (story(Some("15"), "S-3"), story(None, "S-4"));
        let universe = vec![s1.clone(), s2.clone(), s3.clone(), s4.clone()];
        let mut o = Order::new(universe, [&*s1, &*s2, &*s4].into_iter());
        assert_eq!(o.position(&s2), Some(2));
        assert_eq!(o.position(&s4), Some(3));
        o.add(&s3, 1);
        assert_eq!(o.position(&s2), Some(3));
        assert_eq!(o.position(&s3), Some(2));
        // A story the universe was not made of is found by its key.
        assert_eq!(o.position(&story(Some("15"), "S-3")), Some(2));
        assert_eq!(o.position(&story(Some("16"), "S-3")), None);
    }
}
