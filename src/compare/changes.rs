//! The typed changes between two versions of a story, a sprint file or
//! backlog.yaml: the one comparison that history (along commits) and the
//! pull-request diff (between two revisions) both use.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::fmt_num;
use crate::model::{Config, Review, Sprint, Story};
use crate::syntax::body::Criterion;

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
    /// `sprint start` recorded the commitment.
    SprintStarted {
        date: Option<String>,
        stories: Vec<String>,
        points: String,
    },
    /// `sprint close` recorded the close.
    SprintClosed {
        date: String,
        carried_over: Vec<String>,
        /// The sprint they went to; none for the backlog.
        to: Option<String>,
        goal_met: Option<bool>,
    },
    DecisionRecorded {
        story: String,
        decision: String,
        note: Option<String>,
        /// Why it corrects a decision recorded before it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amends: Option<String>,
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
    /// A feedback item edited in place (its note, or the story it became).
    FeedbackChanged {
        from: String,
        old_note: String,
        old_story: Option<String>,
        note: String,
        story: Option<String>,
    },
    FeedbackRemoved {
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
            Change::SprintStarted { .. } => "commitment",
            Change::SprintClosed { .. } => "closed",
            Change::DecisionRecorded { .. }
            | Change::DecisionChanged { .. }
            | Change::DecisionRemoved { .. } => "decision",
            Change::FeedbackRecorded { .. }
            | Change::FeedbackChanged { .. }
            | Change::FeedbackRemoved { .. } => "feedback",
            Change::ConfigChanged { .. } => "config",
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
    // The start and the close, as the commands record them (once each).
    if let Some(n) = new {
        let before = old.and_then(|o| o.commitment.as_ref());
        if let (Some(c), None) = (&n.commitment, before) {
            out.push(Change::SprintStarted {
                date: c.date.map(|d| d.to_string()),
                stories: c.stories.iter().map(|s| s.to_string()).collect(),
                points: fmt_num(c.points),
            });
        }
        let before = old.and_then(|o| o.closed.as_ref());
        if let (Some(c), None) = (&n.closed, before) {
            out.push(Change::SprintClosed {
                date: c.date.to_string(),
                carried_over: c.carried_over.iter().map(|s| s.to_string()).collect(),
                to: c.to.clone(),
                goal_met: c.goal_met,
            });
        }
    }
    let old_d = old_review.map(Review::decision_keys).unwrap_or_default();
    let new_d = new_review.map(Review::decision_keys).unwrap_or_default();
    let old_map: HashMap<_, _> = old_d.iter().cloned().collect();
    let new_map: HashMap<_, _> = new_d.iter().cloned().collect();
    // The keys are in the order of the decisions list.
    let new_amends = |i: usize| new_review.and_then(|r| r.decisions.get(i)?.amends.clone());
    for (i, (k, (decision, note))) in new_d.iter().enumerate() {
        match old_map.get(k) {
            None => out.push(Change::DecisionRecorded {
                story: k.0.clone(),
                decision: decision.clone(),
                note: note.clone(),
                amends: new_amends(i),
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
    let old_f = old_review.map(Review::feedback_keys).unwrap_or_default();
    let new_f = new_review.map(Review::feedback_keys).unwrap_or_default();
    for (k, (note, story)) in &new_f {
        match old_f.iter().find(|(ok, _)| ok == k) {
            None => out.push(Change::FeedbackRecorded {
                from: k.0.clone(),
                note: note.clone(),
                story: story.clone(),
            }),
            Some((_, (on, os))) if on != note || os != story => out.push(Change::FeedbackChanged {
                from: k.0.clone(),
                old_note: on.clone(),
                old_story: os.clone(),
                note: note.clone(),
                story: story.clone(),
            }),
            Some(_) => {}
        }
    }
    for (k, (note, story)) in &old_f {
        if !new_f.iter().any(|(nk, _)| nk == k) {
            out.push(Change::FeedbackRemoved {
                from: k.0.clone(),
                note: note.clone(),
                story: story.clone(),
            });
        }
    }
    out
}

/// Changes between two versions of backlog.yaml, setting by setting: the
/// product, the vision, each goal, the workflow, the Definitions of Ready
/// and Done, WIP limits and the scoring model.
pub fn config_changes(old: &Config, new: &Config) -> Vec<Change> {
    let (a, b) = (config_settings(old), config_settings(new));
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort_by_key(|k| (setting_order(k), (*k).clone()));
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| Change::ConfigChanged {
            setting: k.clone(),
            old: a.get(k).cloned().unwrap_or_else(|| "none".into()),
            new: b.get(k).cloned().unwrap_or_else(|| "none".into()),
        })
        .collect()
}

/// Settings in the order backlog.yaml lists them; goals by id.
fn setting_order(key: &str) -> usize {
    const ORDER: &[&str] = &[
        "product",
        "vision",
        "id_prefix",
        "goal",
        "workflow",
        "definition_of_ready",
        "definition_of_done",
        "wip_limits",
        "scoring",
    ];
    let head = key.split(' ').next().unwrap_or(key);
    ORDER.iter().position(|o| *o == head).unwrap_or(ORDER.len())
}

fn config_settings(c: &Config) -> HashMap<String, String> {
    let text = |s: &Option<String>| s.clone().unwrap_or_default().trim().to_string();
    let mut m: HashMap<String, String> = [
        ("product", c.product.clone()),
        ("vision", text(&c.vision)),
        ("id_prefix", c.id_prefix.clone()),
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
        ("definition_of_done", text(&c.definition_of_done)),
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
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for g in &c.goals {
        m.insert(
            format!("goal {}", g.id),
            format!("{} ({})", g.title, g.status),
        );
    }
    m
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
    // From the table itself: looking each field up by name again was most
    // of the time history spent comparing versions.
    for field in crate::model::field::STORY
        .iter()
        .filter(|f| !matches!(f.name, "id" | "rank"))
    {
        if (field.same)(o, n) {
            continue;
        }
        let (a, b) = ((field.text)(o), (field.text)(n));
        if a != b {
            out.push(Change::Field {
                field: field.name.to_string(),
                old: a,
                new: b,
            });
        }
    }
    // The criteria unchanged, in the same order: nothing to look up.
    let same = |a: &Criterion, b: &Criterion| a.text == b.text && a.checked == b.checked;
    if o.criteria.len() == n.criteria.len()
        && o.criteria.iter().zip(&n.criteria).all(|(a, b)| same(a, b))
    {
        return out;
    }
    // Matched by text, the i-th criterion with a text to the i-th with the
    // same text on the other side: a text written twice pairs each
    // occurrence with its own, never with the other's box.
    let mut old_states: HashMap<&str, Vec<Option<bool>>> = HashMap::new();
    for c in &o.criteria {
        old_states
            .entry(c.text.as_str())
            .or_default()
            .push(c.checked);
    }
    let mut new_seen: HashMap<&str, usize> = HashMap::new();
    for c in &n.criteria {
        let nth = new_seen.entry(c.text.as_str()).or_default();
        match old_states.get(c.text.as_str()).and_then(|s| s.get(*nth)) {
            None => out.push(Change::CriterionAdded {
                text: c.text.to_string(),
            }),
            Some(was) if *was != c.checked => out.push(Change::CriterionChecked {
                text: c.text.to_string(),
                checked: c.checked == Some(true),
            }),
            Some(_) => {}
        }
        *nth += 1;
    }
    let mut old_seen: HashMap<&str, usize> = HashMap::new();
    for c in &o.criteria {
        let nth = old_seen.entry(c.text.as_str()).or_default();
        if *nth >= new_seen.get(c.text.as_str()).copied().unwrap_or(0) {
            out.push(Change::CriterionRemoved {
                text: c.text.to_string(),
            });
        }
        *nth += 1;
    }
    out
}
