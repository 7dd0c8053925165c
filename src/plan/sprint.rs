//! Sprints as commands: a new sprint file, a plan that fills a sprint from
//! the top of the backlog, and the commitment recorded at the start. Plans
//! are data; the CLI writes them with the same safe edits as every command.

use serde::Serialize;

use crate::model::date::Date;
use crate::model::{fmt_num, Kind, Snapshot, Story, StoryId};

/// Why a sprint command cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SprintError {
    #[error("no sprint has the id `{0}`")]
    Unknown(String),
    #[error("sprint `{0}` already exists")]
    Exists(String),
    #[error("`{0}` is not a sprint id: use letters, digits, `-` and `.`, like 2026-S14")]
    BadId(String),
    #[error("the sprint ends ({end}) before it starts ({start})")]
    EndsBeforeStart { start: Date, end: Date },
    #[error(
        "sprint `{0}` has no capacity, and there is no reviewed sprint to take a velocity from"
    )]
    NoCapacity(String),
    #[error("sprint `{0}` was started already (its commitment is recorded)")]
    Started(String),
    #[error("sprint `{0}` has no stories planned: there is nothing to commit to")]
    Empty(String),
    #[error("sprint `{id}` was closed on {date}")]
    Closed { id: String, date: Date },
    #[error("the new sprint file would not read back as written")]
    NotReadBack,
}

impl SprintError {
    pub fn hint(&self) -> String {
        match self {
            SprintError::Unknown(_) => {
                "`backlog sprint new ID --start DATE --end DATE` creates one".into()
            }
            SprintError::Exists(id) => format!("edit sprints/{id}.md, or pick another id"),
            SprintError::BadId(_) => "sprint ids name the file: sprints/<id>.md".into(),
            SprintError::EndsBeforeStart { .. } => "swap the dates".into(),
            SprintError::NoCapacity(_) => {
                "give --capacity N, or set `capacity:` in the sprint file".into()
            }
            SprintError::Started(_) => {
                "a commitment is never rewritten; the sprint report compares it with today's scope"
                    .into()
            }
            SprintError::Empty(id) => format!("plan it first: `backlog sprint plan {id} --apply`"),
            SprintError::Closed { .. } => "a closed sprint takes no more stories, commitments or decisions; use the next sprint".into(),
            SprintError::NotReadBack => "this is a bug in backlog: please report it with the command you ran".into(),
        }
    }
}

/// The text of a new sprint file.
pub fn new_sprint_text(
    s: &Snapshot,
    id: &str,
    start: Date,
    end: Date,
    capacity: Option<f64>,
    goal: Option<&str>,
) -> Result<String, SprintError> {
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_')
    {
        return Err(SprintError::BadId(id.to_string()));
    }
    if s.sprint(id).is_some() {
        return Err(SprintError::Exists(id.to_string()));
    }
    if end < start {
        return Err(SprintError::EndsBeforeStart { start, end });
    }
    let mut text = format!("---\nid: {}\n", crate::edit::line::text_token(id));
    if let Some(g) = goal {
        text.push_str(&format!("goal: {}\n", crate::edit::line::text_token(g)));
    }
    text.push_str(&format!("start: {start}\nend: {end}\n"));
    if let Some(c) = capacity {
        text.push_str(&format!("capacity: {}\n", fmt_num(c)));
    }
    text.push_str("---\n");
    // Every writer re-reads what it writes before writing it.
    let back = crate::load::sprint_from_bytes("new.md".into(), text.clone().into_bytes())
        .ok_or(SprintError::NotReadBack)?;
    let meant = (id, goal, Some(start), Some(end), capacity);
    if (
        back.id.as_str(),
        back.goal.as_deref(),
        back.start,
        back.end,
        back.capacity,
    ) != meant
    {
        return Err(SprintError::NotReadBack);
    }
    Ok(text)
}

/// Where a plan's capacity came from.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CapacityFrom {
    Flag,
    SprintFile,
    Velocity,
}

/// Why an open story was not picked.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Skipped {
    /// It does not meet the Definition of Ready.
    NotReady { gaps: Vec<String> },
    /// A story it depends on is neither done nor in this sprint.
    Blocked { by: Vec<String> },
    /// Its points exceed what is left.
    DoesNotFit { points: f64, left: f64 },
    /// It has no estimate, so it cannot be fitted.
    Unestimated,
    /// It is planned into another sprint.
    Elsewhere { sprint: String },
}

/// One story of the plan.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Planned {
    pub id: String,
    pub title: String,
    pub position: usize,
    /// None where the story has no estimate.
    pub points: Option<f64>,
}

/// What `sprint plan` proposes.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SprintPlan {
    pub sprint: String,
    pub capacity: f64,
    pub capacity_from: CapacityFrom,
    /// Stories planned into the sprint already.
    pub planned: Vec<Planned>,
    /// Stories the plan adds, in rank order.
    pub picked: Vec<Planned>,
    pub skipped: Vec<(Planned, Skipped)>,
    /// Points after the plan.
    pub points: f64,
}

/// Fills sprint `id` from the top of the backlog: open stories in rank order
/// that meet the Definition of Ready and whose dependencies are done or in
/// the sprint, up to the capacity (the flag's, else the file's, else the
/// mean accepted points of the last three reviewed sprints).
pub fn plan_sprint(
    s: &Snapshot,
    id: &str,
    capacity: Option<f64>,
) -> Result<SprintPlan, SprintError> {
    let sprint = s
        .sprint(id)
        .ok_or_else(|| SprintError::Unknown(id.to_string()))?;
    if let Some(c) = &sprint.closed {
        return Err(SprintError::Closed {
            id: id.to_string(),
            date: c.date,
        });
    }
    let (capacity, capacity_from) = match (capacity, sprint.capacity) {
        (Some(c), _) => (c, CapacityFrom::Flag),
        (None, Some(c)) => (c, CapacityFrom::SprintFile),
        (None, None) => {
            let recent = crate::views::velocity::velocity(s, Some(3));
            let v = crate::views::velocity::average(&recent)
                .ok_or_else(|| SprintError::NoCapacity(id.to_string()))?;
            (v, CapacityFrom::Velocity)
        }
    };
    let ranked = s.ranked();
    let entry = |x: &Story, i: usize| Planned {
        id: x.id.to_string(),
        title: x.title.clone(),
        position: i + 1,
        points: x.estimate,
    };
    let mut planned = Vec::new();
    let mut in_sprint: Vec<&StoryId> = Vec::new();
    for (i, x) in ranked.iter().enumerate() {
        if x.sprint.as_deref() == Some(id) {
            planned.push(entry(x, i));
            in_sprint.push(&x.id);
        }
    }
    let mut points: f64 = planned.iter().filter_map(|p| p.points).sum();
    let mut picked = Vec::new();
    let mut skipped = Vec::new();
    for (i, x) in ranked.iter().enumerate() {
        if points >= capacity - 1e-9 {
            break;
        }
        if x.kind == Kind::Epic || s.config.is_done(&x.status) || x.sprint.as_deref() == Some(id) {
            continue;
        }
        let reason = if let Some(other) = &x.sprint {
            Some(Skipped::Elsewhere {
                sprint: other.clone(),
            })
        } else {
            let gaps = crate::check::readiness_gaps(&s.config, x);
            let blockers: Vec<String> = x
                .depends_on
                .iter()
                .filter(|d| {
                    !in_sprint.contains(d)
                        && !s
                            .story(d.as_str())
                            .is_some_and(|y| s.config.is_done(&y.status))
                })
                .map(|d| d.to_string())
                .collect();
            match x.estimate {
                _ if !gaps.is_empty() => Some(Skipped::NotReady { gaps }),
                _ if !blockers.is_empty() => Some(Skipped::Blocked { by: blockers }),
                None => Some(Skipped::Unestimated),
                Some(p) if points + p > capacity + 1e-9 => Some(Skipped::DoesNotFit {
                    points: p,
                    left: capacity - points,
                }),
                Some(_) => None,
            }
        };
        match reason {
            // Stories in another sprint are not this plan's business.
            Some(Skipped::Elsewhere { .. }) => {}
            Some(r) => skipped.push((entry(x, i), r)),
            None => {
                points += x.estimate.unwrap_or(0.0);
                in_sprint.push(&x.id);
                picked.push(entry(x, i));
            }
        }
    }
    Ok(SprintPlan {
        sprint: id.to_string(),
        capacity,
        capacity_from,
        planned,
        picked,
        skipped,
        points,
    })
}

/// The `commitment:` block `sprint start` adds: the stories planned now, in
/// rank order, their points, and the day.
pub fn commitment_token(s: &Snapshot, id: &str, today: Date) -> Result<String, SprintError> {
    let sprint = s
        .sprint(id)
        .ok_or_else(|| SprintError::Unknown(id.to_string()))?;
    if let Some(c) = &sprint.closed {
        return Err(SprintError::Closed {
            id: id.to_string(),
            date: c.date,
        });
    }
    if sprint.commitment.is_some() {
        return Err(SprintError::Started(id.to_string()));
    }
    let stories: Vec<&Story> = s
        .ranked()
        .into_iter()
        .filter(|x| x.sprint.as_deref() == Some(id))
        .collect();
    if stories.is_empty() {
        return Err(SprintError::Empty(id.to_string()));
    }
    let ids: Vec<String> = stories.iter().map(|x| x.id.to_string()).collect();
    let points: f64 = stories.iter().filter_map(|x| x.estimate).sum();
    Ok(format!(
        "{{ date: {today}, stories: {}, points: {} }}",
        crate::edit::line::list_token(&ids),
        fmt_num(points)
    ))
}
