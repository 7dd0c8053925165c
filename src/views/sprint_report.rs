//! `sprint show`: the sprint report, a function of the files (the
//! commitment, the review, the close) and, where there is one, their
//! history (which commit changed the scope, and the burndown from the days
//! stories were finished). The same revision gives the same report.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::compare::changes::Change;
use crate::history::{History, Subject};
use crate::model::date::Date;
use crate::model::{DecisionKind, Snapshot, Story, StoryId};
use crate::views::history::date_of;

/// A story in the report.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub points: Option<f64>,
    pub status: String,
}

/// A scope change with the commit that made it, when history is known.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ScopeChange {
    pub story: Item,
    pub commit: Option<String>,
    pub date: Option<String>,
    pub author: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SprintReport {
    pub id: String,
    pub goal: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub capacity: Option<f64>,
    pub running: bool,
    /// Points and stories of the commitment recorded at the start.
    pub committed_points: Option<f64>,
    pub committed: Vec<String>,
    pub scope: Vec<Item>,
    pub added: Vec<ScopeChange>,
    pub removed: Vec<ScopeChange>,
    pub done_points: f64,
    pub remaining_points: f64,
    pub accepted: Vec<String>,
    pub rejected: Vec<String>,
    pub carried_over: Vec<String>,
    pub goal_met: Option<bool>,
    /// Remaining points at the end of each day, from the start to the end
    /// (or today): empty without history or dates.
    pub burndown: Vec<(String, f64)>,
}

fn item(x: &Story) -> Item {
    Item {
        id: x.id.to_string(),
        title: x.title.clone(),
        points: x.estimate,
        status: x.status.clone(),
    }
}

/// The latest event moving `story` into (`into`) or out of the sprint.
fn scope_commit(
    history: Option<&History>,
    story: &str,
    sprint: &str,
    into: bool,
) -> (Option<String>, Option<String>, Option<String>) {
    let Some(h) = history else {
        return (None, None, None);
    };
    let found = h.events.iter().rev().find(|e| {
        e.subject == Subject::Story(story.to_string())
            && match &e.change {
                Change::Field { field, old, new } if field == "sprint" => {
                    if into {
                        new.as_deref() == Some(sprint)
                    } else {
                        old.as_deref() == Some(sprint)
                    }
                }
                Change::StoryAdded { .. } => into,
                Change::StoryRemoved { .. } => !into,
                _ => false,
            }
    });
    match found {
        Some(e) => {
            let c = &h.commits[e.commit];
            (
                Some(c.id.short()),
                Some(date_of(c).to_string()),
                Some(c.author.clone()),
            )
        }
        None => (None, None, None),
    }
}

/// The report on sprint `id` of `s`, with `history` (up to the same
/// revision) for scope commits and the burndown; `today` bounds the
/// burndown of a running sprint.
pub fn sprint_report(
    s: &Snapshot,
    id: &str,
    history: Option<&History>,
    today: Date,
) -> Option<SprintReport> {
    let sp = s.sprint(id)?;
    let committed: Vec<StoryId> = sp
        .commitment
        .as_ref()
        .map(|c| c.stories.clone())
        .unwrap_or_default();
    let review = sp.review.as_ref();
    // Each story's last decision there (a later entry corrects an earlier one).
    let mut decided: Vec<(StoryId, DecisionKind)> = Vec::new();
    for d in review.map(|r| r.decisions.as_slice()).unwrap_or_default() {
        decided.retain(|(id, _)| id != &d.story);
        decided.push((d.story.clone(), d.decision));
    }
    let carried: Vec<StoryId> = sp
        .closed
        .as_ref()
        .map(|c| c.carried_over.clone())
        .unwrap_or_default();
    // The scope: planned into it now, or decided at its review, or carried
    // over at its close (both left it on purpose).
    let mut ids: BTreeSet<StoryId> = s.planned(id).iter().map(|x| x.id.clone()).collect();
    ids.extend(decided.iter().map(|(i, _)| i.clone()));
    ids.extend(carried.iter().cloned());
    let ranked = s.ranked();
    let scope: Vec<&Story> = ranked
        .iter()
        .copied()
        .filter(|x| ids.contains(&x.id))
        .collect();
    let done = |x: &Story| s.config.is_done(&x.status);
    let points = |v: &[&Story]| v.iter().filter_map(|x| x.estimate).sum::<f64>();
    let finished: Vec<&Story> = scope
        .iter()
        .copied()
        .filter(|x| done(x) && !carried.contains(&x.id))
        .collect();
    // What is left: the open stories, and those carried over at the close
    // (they were not done when it ended, whatever became of them since),
    // as the burndown's last day counts them.
    let open_now: Vec<&Story> = scope
        .iter()
        .copied()
        .filter(|x| !done(x) || carried.contains(&x.id))
        .collect();
    let mk = |x: &Story, into: bool| {
        let (commit, date, author) = scope_commit(history, x.id.as_str(), id, into);
        ScopeChange {
            story: item(x),
            commit,
            date,
            author,
        }
    };
    let added: Vec<ScopeChange> = if sp.commitment.is_some() {
        scope
            .iter()
            .filter(|x| !committed.contains(&x.id))
            .map(|x| mk(x, true))
            .collect()
    } else {
        Vec::new()
    };
    let removed: Vec<ScopeChange> = committed
        .iter()
        .filter(|c| !ids.contains(c))
        .filter_map(|c| s.story(c.as_str()))
        .map(|x| mk(x, false))
        .collect();
    // A story added after the start counts from the day it was added.
    let joined: Vec<Option<Date>> = scope
        .iter()
        .map(|x| {
            added
                .iter()
                .find(|a| a.story.id == x.id.as_str())
                .and_then(|a| a.date.as_deref())
                .and_then(Date::parse)
        })
        .collect();
    let burndown = match (history, sp.start, sp.end) {
        (Some(h), Some(start), Some(end)) => burndown(s, h, &scope, &joined, start, end.min(today)),
        _ => Vec::new(),
    };
    Some(SprintReport {
        id: id.to_string(),
        goal: sp.goal.clone(),
        start: sp.start.map(|d| d.to_string()),
        end: sp.end.map(|d| d.to_string()),
        capacity: sp.capacity,
        running: sp.is_running(today),
        committed_points: sp.commitment.as_ref().map(|c| c.points),
        committed: committed.iter().map(|c| c.to_string()).collect(),
        scope: scope.iter().map(|x| item(x)).collect(),
        added,
        removed,
        done_points: points(&finished),
        remaining_points: points(&open_now),
        accepted: decided
            .iter()
            .filter(|(_, d)| *d == DecisionKind::Accepted)
            .map(|(i, _)| i.to_string())
            .collect(),
        rejected: decided
            .iter()
            .filter(|(_, d)| *d == DecisionKind::Rejected)
            .map(|(i, _)| i.to_string())
            .collect(),
        carried_over: carried.iter().map(|c| c.to_string()).collect(),
        goal_met: sp.closed.as_ref().and_then(|c| c.goal_met),
        burndown,
    })
}

/// One story in the burndown: points, status changes (day, status), done
/// today, and the day it joined the sprint (None: from the start).
type Track = (f64, Vec<(Date, String)>, bool, Option<Date>);

/// Remaining points at the end of each day from `start` to `last`: a story
/// counts until the day a commit set it to a done status.
fn burndown(
    s: &Snapshot,
    h: &History,
    scope: &[&Story],
    joined: &[Option<Date>],
    start: Date,
    last: Date,
) -> Vec<(String, f64)> {
    // Each story's status changes: (day, new status), in commit order.
    let changes = |x: &Story| -> Vec<(Date, String)> {
        h.events
            .iter()
            .filter(|e| e.subject == Subject::Story(x.id.to_string()))
            .filter_map(|e| match &e.change {
                Change::Field { field, new, .. } if field == "status" => Some((
                    date_of(&h.commits[e.commit]),
                    new.clone().unwrap_or_default(),
                )),
                _ => None,
            })
            .collect()
    };
    let per_story: Vec<Track> = scope
        .iter()
        .zip(joined)
        .map(|(x, j)| {
            (
                x.estimate.unwrap_or(0.0),
                changes(x),
                s.config.is_done(&x.status),
                *j,
            )
        })
        .collect();
    let mut out = Vec::new();
    let mut day = start;
    while day <= last {
        let remaining: f64 = per_story
            .iter()
            .filter(|(_, _, _, joined)| joined.is_none_or(|j| j <= day))
            .filter(|(_, ch, done_now, _)| {
                // The status at the end of `day`: the last change on or before it;
                // with no change before, not done (unless done without any recorded change).
                match ch.iter().rev().find(|(d, _)| *d <= day) {
                    Some((_, st)) => !s.config.is_done(st),
                    None => !ch.is_empty() || !*done_now,
                }
            })
            .map(|(p, _, _, _)| p)
            .sum();
        out.push((day.to_string(), remaining));
        day = Date::from_days(day.days() + 1);
    }
    out
}
