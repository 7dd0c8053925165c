//! `stakeholders`: for each stakeholder, their open stories with positions,
//! the review decisions taken on their stories, the feedback they gave and
//! what became of it, and the conflicts their stories are part of.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::model::{DecisionKind, Kind, Snapshot, Story};

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StoryRef {
    pub id: String,
    pub title: String,
    pub status: String,
    pub position: Option<usize>,
    pub rank: Option<String>,
    pub stakeholders: Vec<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct DecisionRef {
    pub sprint: String,
    pub story: String,
    pub decision: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FeedbackRef {
    pub sprint: String,
    pub note: String,
    /// The story it became, with that story's status.
    pub story: Option<String>,
    pub story_status: Option<String>,
}

/// Two stories that want opposite things, and what settled it, if anything.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Conflict {
    pub a: StoryRef,
    pub b: StoryRef,
    /// The latest review decisions on either side, oldest first.
    pub decisions: Vec<DecisionRef>,
    /// Settled: a decision was recorded on either side, or one side is finished.
    pub settled: bool,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Stakeholder {
    pub name: String,
    pub open: Vec<StoryRef>,
    pub decisions: Vec<DecisionRef>,
    pub feedback: Vec<FeedbackRef>,
    pub conflicts: Vec<Conflict>,
}

/// Each story's 1-based position in the ranked backlog, by id (the first,
/// should two stories share an id), looked up once rather than per story.
fn positions<'s>(ranked: &[&'s Story]) -> HashMap<&'s str, usize> {
    let mut at = HashMap::with_capacity(ranked.len());
    for (i, x) in ranked.iter().enumerate() {
        at.entry(x.id.as_str()).or_insert(i + 1);
    }
    at
}

fn story_ref(x: &Story, positions: &HashMap<&str, usize>) -> StoryRef {
    StoryRef {
        id: x.id.to_string(),
        title: x.title.clone(),
        status: x.status.clone(),
        position: positions.get(x.id.as_str()).copied(),
        rank: x.rank.as_ref().map(|r| r.to_string()),
        stakeholders: x.stakeholders.clone(),
    }
}

/// Every review decision in date order: (sprint, decision).
fn all_decisions(s: &Snapshot) -> Vec<DecisionRef> {
    crate::views::velocity::in_date_order(s)
        .into_iter()
        .flat_map(|sp| {
            sp.review.iter().flat_map(move |r| {
                r.decisions.iter().map(move |d| DecisionRef {
                    sprint: sp.id.clone(),
                    story: d.story.to_string(),
                    decision: match d.decision {
                        DecisionKind::Accepted => "accepted".into(),
                        DecisionKind::Rejected => "rejected".into(),
                    },
                    note: d.note.clone(),
                })
            })
        })
        .collect()
}

/// Every conflict of the backlog, once each (the relation reads both ways).
pub fn conflicts(s: &Snapshot) -> Vec<Conflict> {
    let ranked = s.ranked();
    let at = positions(&ranked);
    let decisions = all_decisions(s);
    let mut pairs: BTreeSet<(String, String)> = BTreeSet::new();
    for x in &s.stories {
        for other in &x.conflicts_with {
            if s.story(other.as_str()).is_some() && *other != x.id {
                let (a, b) = if x.id < *other {
                    (x.id.to_string(), other.to_string())
                } else {
                    (other.to_string(), x.id.to_string())
                };
                pairs.insert((a, b));
            }
        }
    }
    pairs
        .into_iter()
        .filter_map(|(a, b)| {
            let (sa, sb) = (s.story(&a)?, s.story(&b)?);
            let on: Vec<DecisionRef> = decisions
                .iter()
                .filter(|d| d.story == a || d.story == b)
                .cloned()
                .collect();
            let finished = s.config.is_done(&sa.status) || s.config.is_done(&sb.status);
            Some(Conflict {
                a: story_ref(sa, &at),
                b: story_ref(sb, &at),
                settled: finished || !on.is_empty(),
                decisions: on,
            })
        })
        .collect()
}

/// Every stakeholder named on a story or a feedback item, or only `name`.
pub fn stakeholders(s: &Snapshot, name: Option<&str>) -> Vec<Stakeholder> {
    let ranked = s.ranked();
    let at = positions(&ranked);
    let decisions = all_decisions(s);
    let all_conflicts = conflicts(s);
    let mut names: BTreeSet<String> = s
        .stories
        .iter()
        .flat_map(|x| x.stakeholders.iter().cloned())
        .collect();
    for sp in &s.sprints {
        if let Some(r) = &sp.review {
            names.extend(r.feedback.iter().map(|f| f.from.clone()));
        }
    }
    names
        .into_iter()
        .filter(|n| name.is_none_or(|w| w == n))
        .map(|n| {
            let theirs: Vec<&Story> = ranked
                .iter()
                .copied()
                .filter(|x| x.stakeholders.contains(&n))
                .collect();
            let ids: BTreeSet<String> = theirs.iter().map(|x| x.id.to_string()).collect();
            let feedback = crate::views::velocity::in_date_order(s)
                .into_iter()
                .flat_map(|sp| {
                    sp.review
                        .iter()
                        .flat_map(|r| r.feedback.iter())
                        .filter(|f| f.from == n)
                        .map(|f| {
                            let story = f.story.as_ref().map(|x| x.to_string());
                            FeedbackRef {
                                sprint: sp.id.clone(),
                                note: f.note.clone(),
                                story_status: f
                                    .story
                                    .as_ref()
                                    .and_then(|x| s.story(x.as_str()))
                                    .map(|x| x.status.clone()),
                                story,
                            }
                        })
                })
                .collect();
            Stakeholder {
                open: theirs
                    .iter()
                    .filter(|x| x.kind != Kind::Epic && !s.config.is_done(&x.status))
                    .map(|x| story_ref(x, &at))
                    .collect(),
                decisions: decisions
                    .iter()
                    .filter(|d| ids.contains(&d.story))
                    .cloned()
                    .collect(),
                feedback,
                conflicts: all_conflicts
                    .iter()
                    .filter(|c| ids.contains(&c.a.id) || ids.contains(&c.b.id))
                    .cloned()
                    .collect(),
                name: n,
            }
        })
        .collect()
}
