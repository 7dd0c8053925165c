//! `velocity`: per reviewed sprint, the points committed at its start and
//! the points accepted at its review, read from the sprint files.

use serde::Serialize;

use crate::model::{DecisionKind, Snapshot, Sprint};

/// One sprint's numbers.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SprintVelocity {
    pub sprint: String,
    pub start: Option<String>,
    pub end: Option<String>,
    /// Points of the commitment recorded at the start (`sprint start`).
    pub committed: Option<f64>,
    /// Points of the stories accepted at the review.
    pub accepted: f64,
    pub stories_accepted: usize,
}

/// Sprints in date order (by start, then id).
pub fn in_date_order(s: &Snapshot) -> Vec<&Sprint> {
    let mut v: Vec<&Sprint> = s.sprints.iter().collect();
    v.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    v
}

/// The sprints that are over and reviewed, oldest first; the last `last` only when given.
/// A story's points are its current estimate.
pub fn velocity(s: &Snapshot, last: Option<usize>) -> Vec<SprintVelocity> {
    let reviewed: Vec<SprintVelocity> = in_date_order(s)
        .into_iter()
        .filter_map(|sp| {
            let review = sp.review.as_ref()?;
            // Only sprints that are over: closed, or reviewed on or after their end.
            let over = sp.closed.is_some()
                || matches!((review.date, sp.end), (Some(r), Some(e)) if r >= e);
            if !over {
                return None;
            }
            // Each story once, as its last decision there says.
            let mut last: Vec<(&crate::model::StoryId, DecisionKind)> = Vec::new();
            for d in &review.decisions {
                last.retain(|(id, _)| *id != &d.story);
                last.push((&d.story, d.decision));
            }
            let accepted: Vec<_> = last
                .iter()
                .filter(|(_, k)| *k == DecisionKind::Accepted)
                .filter_map(|(id, _)| s.story(id.as_str()))
                .collect();
            Some(SprintVelocity {
                sprint: sp.id.clone(),
                start: sp.start.map(|d| d.to_string()),
                end: sp.end.map(|d| d.to_string()),
                committed: sp.commitment.as_ref().map(|c| c.points),
                accepted: accepted.iter().filter_map(|x| x.estimate).sum(),
                stories_accepted: accepted.len(),
            })
        })
        .collect();
    let skip = last.map_or(0, |n| reviewed.len().saturating_sub(n));
    reviewed.into_iter().skip(skip).collect()
}

/// The mean of accepted points, `None` without a reviewed sprint.
pub fn average(v: &[SprintVelocity]) -> Option<f64> {
    // To a tenth of a point: a velocity is not more precise than that.
    (!v.is_empty()).then(|| {
        let mean = v.iter().map(|x| x.accepted).sum::<f64>() / v.len() as f64;
        (mean * 10.0).round() / 10.0
    })
}
