//! `diff`: two snapshots compared in product terms, for a pull-request
//! reviewer: what was added, removed, re-prioritised, re-scoped and decided.
//!
//! Moves are the fewest stories that explain the new order (the stories
//! outside a longest run whose relative order is unchanged, preferring to
//! keep stories whose rank did not change); every other story whose position
//! changed only shifted because of them, and is counted, not listed.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::compare::changes::{config_changes, sprint_changes, story_changes, Change};
use crate::model::date::Date;
use crate::model::diagnostic::Finding;
use crate::model::fmt_num;
use crate::model::order::heaviest_increasing;
use crate::model::{Snapshot, Story};

/// A story named in the diff.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Brief {
    pub id: String,
    pub title: String,
    pub position: Option<usize>,
}

/// A story the author re-prioritised.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Moved {
    pub id: String,
    pub title: String,
    pub old_position: usize,
    pub new_position: usize,
    pub old_rank: Option<String>,
    pub new_rank: Option<String>,
    /// The stories it now comes right after and right before.
    pub after: Option<String>,
    pub before: Option<String>,
}

/// Field changes of one story (rank moves are in `moved`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Changed {
    pub id: String,
    pub title: String,
    pub changes: Vec<Change>,
    /// The story statement, word by word, when it changed.
    pub statement: Option<Vec<WordChange>>,
}

/// One piece of a word diff.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "op", content = "text", rename_all = "snake_case")]
pub enum WordChange {
    Same(String),
    Removed(String),
    Added(String),
}

/// A sprint whose planned scope changed.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Scope {
    pub sprint: String,
    pub running: bool,
    pub old_points: f64,
    pub new_points: f64,
    pub capacity: Option<f64>,
    pub over_capacity: bool,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// Everything that differs between two snapshots.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Diff {
    pub base: String,
    pub head: String,
    pub added: Vec<Brief>,
    pub removed: Vec<Brief>,
    /// Stories of the base whose file the head has but cannot read: not
    /// removed, and left as they were in the comparison.
    pub unreadable: Vec<Brief>,
    pub moved: Vec<Moved>,
    /// Stories whose position changed only because others moved, were added or removed.
    pub shifted: usize,
    pub changed: Vec<Changed>,
    pub scope: Vec<Scope>,
    /// Sprint files: created, fields, review decisions and feedback.
    pub sprints: Vec<(String, Vec<Change>)>,
    pub config: Vec<Change>,
    /// Files of the base that do not parse (their stories are left out).
    #[serde(skip)]
    pub base_findings: Vec<Finding>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.unreadable.is_empty()
            && self.moved.is_empty()
            && self.changed.is_empty()
            && self.scope.is_empty()
            && self.sprints.is_empty()
            && self.config.is_empty()
    }
}

/// Each ranked story's 1-based position by id, looked up three times for
/// each of thousands of stories: foldhash's, as the history's maps.
type Positions<'s> = foldhash::HashMap<&'s str, usize>;

/// Compares `old` (the base) with `new`. `today` decides which sprints are running.
pub fn diff<'s>(old: &'s Snapshot, new: &'s Snapshot, base: &str, head: &str, today: Date) -> Diff {
    // Each side's order, one on each core.
    let (old_rank, mut new_rank) = rayon::join(|| old.ranked(), || new.ranked());
    // A story the head cannot read stays where the base had it, so it does
    // not count as removed, nor make every story below it "shifted".
    let kept_unread: Vec<&Story> = old
        .stories
        .iter()
        .filter(|s| new.unreadable_ids.contains(&s.id) && new.story(s.id.as_str()).is_none())
        .collect();
    if !kept_unread.is_empty() {
        new_rank.extend(kept_unread.iter().copied());
        new_rank.sort_by(|a, b| crate::model::rank_order(a, b));
    }
    let positions = |ranked: &[&'s Story]| -> Positions<'s> {
        ranked
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i + 1))
            .collect()
    };
    let (old_pos, new_pos) = rayon::join(|| positions(&old_rank), || positions(&new_rank));

    let brief = |s: &Story, pos: &Positions| Brief {
        id: s.id.to_string(),
        title: s.title.clone(),
        position: pos.get(s.id.as_str()).copied(),
    };
    // Each story looked up on the other side once: the stories on both
    // sides (old, new), in the new order, and those on one side only.
    let mut added: Vec<Brief> = Vec::new();
    let mut common: Vec<(&Story, &Story)> = Vec::with_capacity(new_rank.len());
    for s in &new_rank {
        match old.story(s.id.as_str()) {
            Some(o) => common.push((o, *s)),
            None => added.push(brief(s, &new_pos)),
        }
    }
    let (mut removed, mut unreadable): (Vec<Brief>, Vec<Brief>) = (Vec::new(), Vec::new());
    for s in old_rank
        .iter()
        .filter(|s| new.story(s.id.as_str()).is_none())
    {
        if new.unreadable_ids.contains(&s.id) {
            unreadable.push(brief(s, &old_pos));
        } else {
            removed.push(brief(s, &old_pos));
        }
    }

    // Which of the stories on both sides moved?
    // Keep the longest run of unchanged relative order, preferring (among
    // the longest) stories whose rank did not change.
    let old_positions: Vec<Option<usize>> = common
        .iter()
        .map(|(_, s)| Some(old_pos[s.id.as_str()]))
        .collect();
    let keep = heaviest_increasing(
        &old_positions,
        |i| 1_000_000 + u64::from(common[i].0.rank == common[i].1.rank),
        |_| false,
    );
    let mut moved = Vec::new();
    let mut shifted = 0;
    for (k, (o, s)) in common.iter().enumerate() {
        let (op, np) = (old_pos[s.id.as_str()], new_pos[s.id.as_str()]);
        if !keep[k] {
            let at = np - 1;
            moved.push(Moved {
                id: s.id.to_string(),
                title: s.title.clone(),
                old_position: op,
                new_position: np,
                old_rank: o.rank.as_ref().map(|r| r.to_string()),
                new_rank: s.rank.as_ref().map(|r| r.to_string()),
                after: at.checked_sub(1).map(|p| new_rank[p].id.to_string()),
                before: new_rank.get(at + 1).map(|x| x.id.to_string()),
            });
        } else if op != np {
            shifted += 1;
        }
    }
    moved.sort_by_key(|m| m.new_position);

    // Each story on both sides compared, on every core: a rebalance
    // changes every story.
    let changed: Vec<Changed> = common
        .par_iter()
        .filter_map(|(o, s)| {
            // The same parsed file on both sides: nothing to compare.
            if std::sync::Arc::ptr_eq(&o.doc, &s.doc) {
                return None;
            }
            let changes: Vec<Change> = story_changes(o, s, None, None)
                .into_iter()
                .filter(|c| !matches!(c, Change::Rank { .. }))
                .collect();
            let statement = statement_diff(o, s);
            (!changes.is_empty() || statement.is_some()).then(|| Changed {
                id: s.id.to_string(),
                title: s.title.clone(),
                changes,
                statement,
            })
        })
        .collect();

    Diff {
        base: base.to_string(),
        head: head.to_string(),
        added,
        removed,
        unreadable,
        moved,
        shifted,
        changed,
        scope: scope(old, new, today),
        sprints: sprints(old, new),
        config: config_changes(&old.config, &new.config),
        base_findings: old.load_findings.clone(),
    }
}

fn statement_diff(o: &Story, n: &Story) -> Option<Vec<WordChange>> {
    let text = |s: &Story| {
        s.statement
            .as_ref()
            .map(|st| st.sentence())
            .unwrap_or_default()
    };
    let (a, b) = (text(o), text(n));
    if a == b {
        return None;
    }
    let d = similar::TextDiff::from_words(a.as_str(), b.as_str());
    let mut out: Vec<WordChange> = Vec::new();
    for c in d.iter_all_changes() {
        let t = c.value().to_string();
        let piece = match c.tag() {
            similar::ChangeTag::Equal => WordChange::Same(t),
            similar::ChangeTag::Delete => WordChange::Removed(t),
            similar::ChangeTag::Insert => WordChange::Added(t),
        };
        // Merge runs of the same kind.
        match (out.last_mut(), &piece) {
            (Some(WordChange::Same(x)), WordChange::Same(y))
            | (Some(WordChange::Removed(x)), WordChange::Removed(y))
            | (Some(WordChange::Added(x)), WordChange::Added(y)) => x.push_str(y),
            _ => out.push(piece),
        }
    }
    Some(out)
}

fn scope(old: &Snapshot, new: &Snapshot, today: Date) -> Vec<Scope> {
    let mut out = Vec::new();
    for sprint in &new.sprints {
        let ids = |s: &Snapshot| {
            s.planned(&sprint.id)
                .iter()
                .map(|x| x.id.to_string())
                .collect::<Vec<_>>()
        };
        // A story the head cannot read keeps its base scope: "could not be
        // read" is not "taken out of the sprint".
        let kept: Vec<&Story> = old
            .planned(&sprint.id)
            .into_iter()
            .filter(|x| new.story(x.id.as_str()).is_none() && new.unreadable_ids.contains(&x.id))
            .collect();
        let (oi, mut ni) = (ids(old), ids(new));
        ni.extend(kept.iter().map(|x| x.id.to_string()));
        let (op, np) = (
            old.planned_points(&sprint.id),
            new.planned_points(&sprint.id) + kept.iter().filter_map(|x| x.estimate).sum::<f64>(),
        );
        let added: Vec<String> = ni.iter().filter(|i| !oi.contains(i)).cloned().collect();
        let removed: Vec<String> = oi.iter().filter(|i| !ni.contains(i)).cloned().collect();
        if (op - np).abs() < 1e-9 && added.is_empty() && removed.is_empty() {
            continue;
        }
        let running = sprint.is_running(today);
        out.push(Scope {
            sprint: sprint.id.clone(),
            running,
            old_points: op,
            new_points: np,
            capacity: sprint.capacity,
            over_capacity: sprint.capacity.is_some_and(|c| np > c + 1e-9),
            added,
            removed,
        });
    }
    out
}

fn sprints(old: &Snapshot, new: &Snapshot) -> Vec<(String, Vec<Change>)> {
    let mut ids: BTreeMap<&str, ()> = BTreeMap::new();
    old.sprints.iter().chain(&new.sprints).for_each(|s| {
        ids.insert(&s.id, ());
    });
    ids.keys()
        .filter_map(|id| {
            let c = sprint_changes(old.sprint(id), new.sprint(id));
            (!c.is_empty()).then(|| (id.to_string(), c))
        })
        .collect()
}

/// A word diff as text: `[-removed-]{+added+}`, like `git diff --word-diff`.
pub fn words_text(w: &[WordChange]) -> String {
    w.iter()
        .map(|c| match c {
            WordChange::Same(t) => t.clone(),
            WordChange::Removed(t) => format!("[-{t}-]"),
            WordChange::Added(t) => format!("{{+{t}+}}"),
        })
        .collect()
}

/// A word diff as Markdown: ~~removed~~ **added**.
pub fn words_md(w: &[WordChange]) -> String {
    w.iter()
        .map(|c| match c {
            WordChange::Same(t) => t.clone(),
            WordChange::Removed(t) if t.trim().is_empty() => t.clone(),
            WordChange::Added(t) if t.trim().is_empty() => t.clone(),
            WordChange::Removed(t) => format!("~~{}~~", t.trim()),
            WordChange::Added(t) => format!("**{}**", t.trim()),
        })
        .collect()
}

/// `+3` / `-2` points.
pub fn signed(v: f64) -> String {
    if v >= 0.0 {
        format!("+{}", fmt_num(v))
    } else {
        format!("-{}", fmt_num(-v))
    }
}
