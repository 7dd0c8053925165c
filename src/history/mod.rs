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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::git::{CommitInfo, Delta, Git, GitError, Oid};
use crate::model::fmt_num;
use crate::model::rank::Rank;
use crate::model::{Config, Snapshot, Sprint, Story, StoryId};

/// What changed, in product terms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    StoryAdded {
        title: String,
        path: String,
        position: Option<usize>,
    },
    StoryRemoved {
        title: String,
        path: String,
    },
    StoryRenamed {
        from: String,
        to: String,
    },
    Rank {
        old: Option<String>,
        new: Option<String>,
        old_position: Option<usize>,
        new_position: Option<usize>,
    },
    Field {
        field: String,
        old: Option<String>,
        new: Option<String>,
    },
    CriterionAdded {
        text: String,
    },
    CriterionRemoved {
        text: String,
    },
    CriterionChecked {
        text: String,
        checked: bool,
    },
    SprintCreated {
        goal: Option<String>,
    },
    SprintRemoved,
    DecisionRecorded {
        story: String,
        decision: String,
        note: Option<String>,
    },
    DecisionChanged {
        story: String,
        old_decision: String,
        old_note: Option<String>,
        decision: String,
        note: Option<String>,
    },
    DecisionRemoved {
        story: String,
        decision: String,
        note: Option<String>,
    },
    FeedbackRecorded {
        from: String,
        note: String,
        story: Option<String>,
    },
    ConfigChanged {
        setting: String,
        old: String,
        new: String,
    },
}

impl Change {
    /// The name `--field` filters on.
    pub fn field(&self) -> &str {
        match self {
            Change::StoryAdded { .. } => "added",
            Change::StoryRemoved { .. } => "removed",
            Change::StoryRenamed { .. } => "renamed",
            Change::Rank { .. } => "rank",
            Change::Field { field, .. } => field,
            Change::CriterionAdded { .. }
            | Change::CriterionRemoved { .. }
            | Change::CriterionChecked { .. } => "criteria",
            Change::SprintCreated { .. } | Change::SprintRemoved => "sprint-file",
            Change::DecisionRecorded { .. }
            | Change::DecisionChanged { .. }
            | Change::DecisionRemoved { .. } => "decision",
            Change::FeedbackRecorded { .. } => "feedback",
            Change::ConfigChanged { .. } => "config",
        }
    }
}

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

/// Commits (oldest first) and the events each recorded.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct History {
    pub commits: Vec<CommitInfo>,
    pub events: Vec<Event>,
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
    let mut ids = git.walk(tips, hidden, !opts.all_parents)?;
    ids.reverse();
    let shared = git.shared();
    let all_parents = opts.all_parents;
    // Consecutive commits go to the same worker, so each tree read serves
    // as the next commit's parent tree.
    let workers = rayon::current_num_threads().max(1);
    let chunk = ids.len().div_ceil(workers).max(1);
    let per_commit: Vec<Result<(CommitInfo, Vec<Delta>), GitError>> = ids
        .par_chunks(chunk)
        .flat_map_iter(|chunk| {
            let g = shared.local();
            chunk
                .iter()
                .map(move |id| commit_deltas(&g, *id, rel, all_parents))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut commits = Vec::with_capacity(per_commit.len());
    let mut deltas = Vec::with_capacity(per_commit.len());
    for r in per_commit {
        let (info, d) = r?;
        commits.push(info);
        deltas.push(d);
    }

    // Parse every blob once, by id.
    let mut wanted: HashMap<Oid, (FileKind, PathBuf)> = HashMap::new();
    for d in deltas.iter().flatten() {
        let kind = kind_of(&d.path).expect("filtered");
        for id in [d.old, d.new].into_iter().flatten() {
            wanted.entry(id).or_insert((kind, rel.join(&d.path)));
        }
    }
    let wanted: Vec<(Oid, FileKind, PathBuf)> =
        wanted.into_iter().map(|(id, (k, p))| (id, k, p)).collect();
    let parsed: Vec<Result<(Oid, Parsed), GitError>> = wanted
        .par_iter()
        .map_init(
            || shared.local(),
            |g, (id, kind, path)| {
                let bytes = g.blob(*id)?;
                let p = match kind {
                    FileKind::Story => crate::load::story_from_bytes(path.clone(), bytes)
                        .map(|s| Parsed::Story(Arc::new(s))),
                    FileKind::Sprint => crate::load::sprint_from_bytes(path.clone(), bytes)
                        .map(|s| Parsed::Sprint(Arc::new(s))),
                    FileKind::Config => crate::load::config_from_bytes(path.clone(), bytes)
                        .map(|c| Parsed::Config(Arc::new(c))),
                };
                Ok((*id, p.unwrap_or(Parsed::Unreadable)))
            },
        )
        .collect();
    let mut cache: HashMap<Oid, Parsed> = HashMap::with_capacity(parsed.len());
    for r in parsed {
        let (id, p) = r?;
        cache.insert(id, p);
    }

    // The state before the first walked commit (a range, or a shallow clone).
    let mut state = State::default();
    if let Some(parent) = commits.first().and_then(|c| c.parents.first()) {
        if let Ok(Some(mem)) = git.source_at(*parent, rel, rel) {
            if let Ok(snap) = crate::load::load(&mem) {
                state.seed(&snap);
            }
        }
    }
    let mut keys: Vec<Key> = state.stories.values().map(|s| key(s)).collect();
    keys.extend(cache.values().filter_map(|p| match p {
        Parsed::Story(s) => Some(key(s)),
        _ => None,
    }));
    let order = Order::new(keys, state.stories.values().map(|s| key(s)));

    let mut builder = Builder {
        state,
        order,
        events: Vec::new(),
    };
    for (index, d) in deltas.iter().enumerate() {
        builder.commit(index, d, &cache, rel);
    }
    Ok(History {
        commits,
        events: builder.events,
    })
}

/// A commit and the backlog files it changed against its (first) parent.
fn commit_deltas(
    g: &Git,
    id: Oid,
    rel: &Path,
    all_parents: bool,
) -> Result<(CommitInfo, Vec<Delta>), GitError> {
    let info = g.commit(id)?;
    let new = g.subtree(info.tree, rel)?;
    let merge = info.parents.len() > 1;
    let old = match info.parents.first() {
        // With every parent walked, a merge's changes are the merged commits'.
        _ if all_parents && merge => new,
        Some(p) => {
            let parent_tree = g.commit(*p)?.tree;
            g.subtree(parent_tree, rel)?
        }
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
    Ok((info, deltas))
}

/// A story's place in the ranked order: ranked first, then by id.
type Key = (Option<Rank>, StoryId);

fn key(s: &Story) -> Key {
    (s.rank.clone(), s.id.clone())
}

fn cmp_key(a: &Key, b: &Key) -> std::cmp::Ordering {
    match (&a.0, &b.0) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
    .then_with(|| a.1.cmp(&b.1))
}

/// Order statistics over a fixed universe of keys (a Fenwick tree).
struct Order {
    keys: Vec<Key>,
    tree: Vec<i64>,
}

impl Order {
    fn new(mut universe: Vec<Key>, present: impl Iterator<Item = Key>) -> Order {
        universe.sort_by(cmp_key);
        universe.dedup();
        let n = universe.len();
        let mut o = Order {
            keys: universe,
            tree: vec![0; n + 1],
        };
        for k in present {
            o.add(&k, 1);
        }
        o
    }

    fn index(&self, k: &Key) -> Option<usize> {
        self.keys.binary_search_by(|x| cmp_key(x, k)).ok()
    }

    fn add(&mut self, k: &Key, delta: i64) {
        let Some(mut i) = self.index(k).map(|i| i + 1) else {
            return;
        };
        while i < self.tree.len() {
            self.tree[i] += delta;
            i += i & i.wrapping_neg();
        }
    }

    /// 1-based position of `k` among the present keys.
    fn position(&self, k: &Key) -> Option<usize> {
        let mut i = self.index(k)? + 1;
        let mut sum = 0;
        while i > 0 {
            sum += self.tree[i];
            i -= i & i.wrapping_neg();
        }
        usize::try_from(sum).ok().filter(|&p| p > 0)
    }
}

#[derive(Default)]
struct State {
    stories: HashMap<StoryId, Arc<Story>>,
    paths: HashMap<PathBuf, StoryId>,
    sprints: HashMap<PathBuf, Arc<Sprint>>,
    config: Option<Arc<Config>>,
}

impl State {
    fn seed(&mut self, snap: &Snapshot) {
        for s in &snap.stories {
            self.paths.insert(s.doc.path.clone(), s.id.clone());
            self.stories.insert(s.id.clone(), Arc::new(s.clone()));
        }
        for s in &snap.sprints {
            self.sprints.insert(s.doc.path.clone(), Arc::new(s.clone()));
        }
        self.config = Some(Arc::new(snap.config.clone()));
    }
}

/// A decision by (story, occurrence), with its decision and note.
pub type DecisionKey = ((String, usize), (String, Option<String>));

struct Builder {
    state: State,
    order: Order,
    events: Vec<Event>,
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

impl Builder {
    fn push(&mut self, commit: usize, subject: Subject, change: Change) {
        self.events.push(Event {
            commit,
            subject,
            change,
        });
    }

    fn commit(&mut self, index: usize, deltas: &[Delta], cache: &HashMap<Oid, Parsed>, rel: &Path) {
        // Each side: the story and the path it had (from the delta, not the
        // parse: the same blob can live at several paths).
        let mut old_stories: BTreeMap<StoryId, (Arc<Story>, PathBuf)> = BTreeMap::new();
        let mut new_stories: BTreeMap<StoryId, (Arc<Story>, PathBuf)> = BTreeMap::new();
        let mut touched_paths: Vec<PathBuf> = Vec::new();
        for d in deltas {
            let full = rel.join(&d.path);
            match kind_of(&d.path) {
                Some(FileKind::Story) => {
                    if d.old.is_some() {
                        let old = match d.old.and_then(|id| cache.get(&id)) {
                            Some(Parsed::Story(s)) => Some(s.clone()),
                            // Unreadable before: what we last knew at this path.
                            _ => self
                                .state
                                .paths
                                .get(&full)
                                .and_then(|id| self.state.stories.get(id))
                                .cloned(),
                        };
                        if let Some(o) = old {
                            old_stories.insert(o.id.clone(), (o, full.clone()));
                        }
                    }
                    match d.new.and_then(|id| cache.get(&id)) {
                        Some(Parsed::Story(s)) => {
                            new_stories.insert(s.id.clone(), (s.clone(), full.clone()));
                        }
                        // Broken now: no news about this story; keep what we knew.
                        Some(_) => {
                            if let Some(id) = self.state.paths.get(&full) {
                                if let Some(s) = self.state.stories.get(id) {
                                    new_stories.insert(id.clone(), (s.clone(), full.clone()));
                                }
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
        if old_stories.is_empty() && new_stories.is_empty() {
            return;
        }
        // Positions before this commit's changes.
        let before: HashMap<StoryId, Option<usize>> = old_stories
            .keys()
            .chain(new_stories.keys())
            .map(|id| {
                (
                    id.clone(),
                    self.state
                        .stories
                        .get(id)
                        .and_then(|s| self.order.position(&key(s))),
                )
            })
            .collect();
        for p in &touched_paths {
            self.state.paths.remove(p);
        }
        let mut ids: Vec<StoryId> = old_stories
            .keys()
            .chain(new_stories.keys())
            .cloned()
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        ids.sort();
        for id in &ids {
            if let Some(prev) = self.state.stories.remove(id) {
                self.order.add(&key(&prev), -1);
            }
            if let Some((n, path)) = new_stories.get(id) {
                self.order.add(&key(n), 1);
                self.state.paths.insert(path.clone(), id.clone());
                self.state.stories.insert(id.clone(), n.clone());
            }
        }
        for id in ids {
            let subject = Subject::Story(id.to_string());
            match (old_stories.get(&id), new_stories.get(&id)) {
                (Some((o, op)), Some((n, np))) => {
                    let after = self.order.position(&key(n));
                    if op != np {
                        self.push(
                            index,
                            subject.clone(),
                            Change::StoryRenamed {
                                from: path_str(op),
                                to: path_str(np),
                            },
                        );
                    }
                    for c in story_changes(o, n, before.get(&id).copied().flatten(), after) {
                        self.push(index, subject.clone(), c);
                    }
                }
                (None, Some((n, np))) => {
                    let position = self.order.position(&key(n));
                    self.push(
                        index,
                        subject,
                        Change::StoryAdded {
                            title: n.title.clone(),
                            path: path_str(np),
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
                            path: path_str(op),
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

/// Changes between two versions of a sprint file (either may be absent):
/// creation, fields, review decisions (recorded, edited, deleted), feedback.
pub fn sprint_changes(old: Option<&Sprint>, new: Option<&Sprint>) -> Vec<Change> {
    let mut out = Vec::new();
    let (old_review, new_review) = match (old, new) {
        (None, Some(n)) => {
            out.push(Change::SprintCreated {
                goal: n.goal.clone(),
            });
            (None, n.review.as_ref())
        }
        (Some(_), None) => {
            out.push(Change::SprintRemoved);
            return out;
        }
        (Some(o), Some(n)) => {
            let date = |d: Option<crate::model::date::Date>| d.map(|d| d.to_string());
            for (field, a, b) in [
                ("goal", o.goal.clone(), n.goal.clone()),
                ("start", date(o.start), date(n.start)),
                ("end", date(o.end), date(n.end)),
                ("capacity", o.capacity.map(fmt_num), n.capacity.map(fmt_num)),
            ] {
                if a != b {
                    out.push(Change::Field {
                        field: field.into(),
                        old: a,
                        new: b,
                    });
                }
            }
            (o.review.as_ref(), n.review.as_ref())
        }
        (None, None) => return out,
    };
    let old_d = decision_keys(old_review);
    let new_d = decision_keys(new_review);
    let old_map: HashMap<_, _> = old_d.iter().cloned().collect();
    let new_map: HashMap<_, _> = new_d.iter().cloned().collect();
    for (k, (decision, note)) in &new_d {
        match old_map.get(k) {
            None => out.push(Change::DecisionRecorded {
                story: k.0.clone(),
                decision: decision.clone(),
                note: note.clone(),
            }),
            Some((od, on)) if od != decision || on != note => out.push(Change::DecisionChanged {
                story: k.0.clone(),
                old_decision: od.clone(),
                old_note: on.clone(),
                decision: decision.clone(),
                note: note.clone(),
            }),
            Some(_) => {}
        }
    }
    for (k, (decision, note)) in &old_d {
        if !new_map.contains_key(k) {
            out.push(Change::DecisionRemoved {
                story: k.0.clone(),
                decision: decision.clone(),
                note: note.clone(),
            });
        }
    }
    let feedback = |r: Option<&crate::model::Review>| -> Vec<(String, String, Option<String>)> {
        r.map(|r| {
            r.feedback
                .iter()
                .map(|f| {
                    (
                        f.from.clone(),
                        f.note.clone(),
                        f.story.as_ref().map(|s| s.to_string()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
    };
    let old_f = feedback(old_review);
    for f in feedback(new_review) {
        if !old_f.contains(&f) {
            out.push(Change::FeedbackRecorded {
                from: f.0,
                note: f.1,
                story: f.2,
            });
        }
    }
    out
}

/// Decisions keyed by (story, occurrence), with their decision and note.
pub fn decision_keys(r: Option<&crate::model::Review>) -> Vec<DecisionKey> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    r.map(|r| r.decisions.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|d| {
            let n = seen.entry(d.story.to_string()).or_insert(0);
            *n += 1;
            (
                (d.story.to_string(), *n),
                (d.decision.as_str().to_string(), d.note.clone()),
            )
        })
        .collect()
}

/// Changes between two versions of backlog.yaml, setting by setting.
pub fn config_changes(old: &Config, new: &Config) -> Vec<Change> {
    config_settings(old)
        .into_iter()
        .zip(config_settings(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((k, a), (_, b))| Change::ConfigChanged {
            setting: k.into(),
            old: a,
            new: b,
        })
        .collect()
}

fn config_settings(c: &Config) -> Vec<(&'static str, String)> {
    vec![
        ("product", c.product.clone()),
        ("id_prefix", c.id_prefix.clone()),
        (
            "goals",
            c.goals
                .iter()
                .map(|g| format!("{} {} ({})", g.id, g.title, g.status))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            "workflow",
            format!("{} (done: {})", c.statuses.join(", "), c.done.join(", ")),
        ),
        (
            "definition_of_ready",
            format!(
                "{} for {}",
                c.ready.require.join(", "),
                c.ready.statuses.join(", ")
            ),
        ),
        (
            "definition_of_done",
            c.definition_of_done
                .clone()
                .unwrap_or_default()
                .trim()
                .to_string(),
        ),
        (
            "wip_limits",
            c.wip_limits
                .iter()
                .map(|(s, n)| format!("{s}: {n}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            "scoring",
            c.scoring
                .as_ref()
                .map(|m| format!("{} = {}", m.name(), m.formula()))
                .unwrap_or_else(|| "none".into()),
        ),
    ]
}

/// Field-by-field changes between two versions of a story.
pub fn story_changes(
    o: &Story,
    n: &Story,
    old_pos: Option<usize>,
    new_pos: Option<usize>,
) -> Vec<Change> {
    let mut out = Vec::new();
    if o.rank != n.rank {
        out.push(Change::Rank {
            old: o.rank.as_ref().map(|r| r.to_string()),
            new: n.rank.as_ref().map(|r| r.to_string()),
            old_position: old_pos,
            new_position: new_pos,
        });
    }
    // Every front-matter field but the two handled above (rank) and
    // never changed in place (id).
    for field in crate::load::STORY_FIELDS
        .iter()
        .filter(|f| !matches!(**f, "id" | "rank"))
    {
        let (a, b) = (o.field_text(field), n.field_text(field));
        if a != b {
            out.push(Change::Field {
                field: field.to_string(),
                old: a,
                new: b,
            });
        }
    }
    let old_c: HashMap<&str, Option<bool>> = o
        .criteria
        .iter()
        .map(|c| (c.text.as_str(), c.checked))
        .collect();
    let new_c: HashMap<&str, Option<bool>> = n
        .criteria
        .iter()
        .map(|c| (c.text.as_str(), c.checked))
        .collect();
    for c in &n.criteria {
        match old_c.get(c.text.as_str()) {
            None => out.push(Change::CriterionAdded {
                text: c.text.clone(),
            }),
            Some(was) if *was != c.checked => out.push(Change::CriterionChecked {
                text: c.text.clone(),
                checked: c.checked == Some(true),
            }),
            Some(_) => {}
        }
    }
    for c in &o.criteria {
        if !new_c.contains_key(c.text.as_str()) {
            out.push(Change::CriterionRemoved {
                text: c.text.clone(),
            });
        }
    }
    out
}

/// How a change reads in a log line.
pub fn describe(c: &Change) -> String {
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "none".into());
    let pos = |p: &Option<usize>| p.map_or("-".to_string(), |p| p.to_string());
    let quoted = |n: &Option<String>| n.as_ref().map(|n| format!(" ({n})")).unwrap_or_default();
    match c {
        Change::StoryAdded {
            title, position, ..
        } => format!(
            "added \"{title}\"{}",
            position
                .map(|p| format!(" at position {p}"))
                .unwrap_or_default()
        ),
        Change::StoryRemoved { title, .. } => format!("removed \"{title}\""),
        Change::StoryRenamed { from, to } => format!("file renamed {from} -> {to}"),
        Change::Rank {
            old,
            new,
            old_position,
            new_position,
        } => {
            format!(
                "rank {} -> {} (position {} -> {})",
                opt(old),
                opt(new),
                pos(old_position),
                pos(new_position)
            )
        }
        Change::Field { field, old, new } => format!("{field} {} -> {}", opt(old), opt(new)),
        Change::CriterionAdded { text } => format!("criterion added: {text}"),
        Change::CriterionRemoved { text } => format!("criterion removed: {text}"),
        Change::CriterionChecked {
            text,
            checked: true,
        } => format!("criterion checked: {text}"),
        Change::CriterionChecked {
            text,
            checked: false,
        } => format!("criterion unchecked: {text}"),
        Change::SprintCreated { goal } => format!("sprint created{}", quoted(goal)),
        Change::SprintRemoved => "sprint removed".into(),
        Change::DecisionRecorded {
            story,
            decision,
            note,
        } => format!("review decision: {story} {decision}{}", quoted(note)),
        Change::DecisionChanged {
            story,
            old_decision,
            old_note,
            decision,
            note,
        } => {
            format!(
                "review decision on {story} edited: {old_decision}{} -> {decision}{}",
                quoted(old_note),
                quoted(note)
            )
        }
        Change::DecisionRemoved {
            story,
            decision,
            note,
        } => format!(
            "review decision on {story} deleted: was {decision}{}",
            quoted(note)
        ),
        Change::FeedbackRecorded { from, note, story } => {
            format!(
                "feedback from {from}: {note}{}",
                story
                    .as_ref()
                    .map(|s| format!(" -> {s}"))
                    .unwrap_or_default()
            )
        }
        Change::ConfigChanged { setting, old, new } => format!("{setting}: {old} -> {new}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenwick_positions_follow_the_ranked_order() {
        let k = |r: &str, id: &str| (Some(Rank::parse(r).unwrap()), StoryId::new(id));
        let universe = vec![
            k("10", "S-1"),
            k("20", "S-2"),
            k("15", "S-3"),
            (None, StoryId::new("S-4")),
        ];
        let mut o = Order::new(
            universe,
            [k("10", "S-1"), k("20", "S-2"), (None, StoryId::new("S-4"))].into_iter(),
        );
        assert_eq!(o.position(&k("20", "S-2")), Some(2));
        assert_eq!(o.position(&(None, StoryId::new("S-4"))), Some(3));
        o.add(&k("15", "S-3"), 1);
        assert_eq!(o.position(&k("20", "S-2")), Some(3));
        assert_eq!(o.position(&k("15", "S-3")), Some(2));
    }
}
