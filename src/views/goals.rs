//! `goals`: the product, its vision, the Definition of Done, and each goal
//! with its progress (stories and points done of those serving it).

use serde::Serialize;

use crate::model::{Kind, Snapshot};

/// One goal and how far its stories are.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GoalProgress {
    pub id: String,
    pub title: String,
    pub status: String,
    pub stories_done: usize,
    pub stories: usize,
    pub points_done: f64,
    pub points: f64,
    /// Open stories serving it without an estimate (their points are unknown).
    pub unestimated: usize,
}

/// What `goals` shows.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Goals {
    pub product: String,
    pub vision: Option<String>,
    pub definition_of_done: Option<String>,
    pub goals: Vec<GoalProgress>,
}

/// The goals of `s` with the progress of their stories (epics are
/// containers and not counted).
pub fn goals(s: &Snapshot) -> Goals {
    let c = &s.config;
    let clean = |t: &Option<String>| {
        t.as_ref()
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|v| !v.is_empty())
    };
    Goals {
        product: c.product.clone(),
        vision: clean(&c.vision),
        definition_of_done: clean(&c.definition_of_done),
        goals: c
            .goals
            .iter()
            .map(|g| {
                let mine: Vec<_> = s
                    .stories
                    .iter()
                    .filter(|x| x.goal.as_deref() == Some(g.id.as_str()) && x.kind != Kind::Epic)
                    .collect();
                let done: Vec<_> = mine.iter().filter(|x| c.is_done(&x.status)).collect();
                GoalProgress {
                    id: g.id.clone(),
                    title: g.title.clone(),
                    status: g.status.clone(),
                    stories_done: done.len(),
                    stories: mine.len(),
                    points_done: done.iter().filter_map(|x| x.estimate).sum(),
                    points: mine.iter().filter_map(|x| x.estimate).sum(),
                    unestimated: mine
                        .iter()
                        .filter(|x| x.estimate.is_none() && !c.is_done(&x.status))
                        .count(),
                }
            })
            .collect(),
    }
}
