//! `board`: the backlog as a board, one column per workflow status in
//! workflow order, cards in backlog order. The data every board format
//! (render/board.rs) prints; the text board collapses the done columns.
//!
//! Epics are containers, not work in progress (as for the WIP-limit rule,
//! B061): they are left off the board and only counted. A story whose
//! status is not in the workflow (B023) gets a column of its own after the
//! workflow's, so that no story silently vanishes from the board.

use serde::Serialize;

use crate::model::date::Date;
use crate::model::{Kind, Snapshot, Sprint, Story};

/// Which stories the board shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// Every story; done columns hold every finished one.
    #[default]
    All,
    /// Only the stories planned into this sprint (`sprint:`).
    Sprint(String),
}

/// The sprint a board is limited to.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SprintInfo {
    pub id: String,
    pub goal: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub capacity: Option<f64>,
}

/// One story on the board.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Card {
    /// 1-based place in the whole ranked backlog, as `list` numbers it.
    pub position: usize,
    pub id: String,
    pub title: String,
    pub kind: &'static str,
    pub estimate: Option<f64>,
}

/// A WIP limit and how the status stands against it. The limit is the
/// team's, so `count` is every non-epic story in the status across the
/// whole backlog, whatever the board's scope (as `backlog check` counts).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Wip {
    pub limit: u32,
    pub count: usize,
    pub over: bool,
}

/// One status's column.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Column {
    pub status: String,
    /// A done status (`workflow.done`): the text board shows only its count.
    pub done: bool,
    /// False for a status some story has but the workflow does not list.
    pub in_workflow: bool,
    /// Cards in backlog order.
    pub cards: Vec<Card>,
    /// Estimated points of the cards.
    pub points: f64,
    /// Cards without an estimate.
    pub unestimated: usize,
    pub wip: Option<Wip>,
}

/// The board: columns in workflow order (then statuses outside it).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Board {
    pub sprint: Option<SprintInfo>,
    pub columns: Vec<Column>,
    /// Epics in scope, left off the board (they are containers, not cards).
    pub epics: Vec<String>,
}

/// Why a board cannot be drawn.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BoardError {
    #[error("no sprint has the id `{id}`")]
    UnknownSprint {
        id: String,
        suggestion: Option<String>,
        known: Vec<String>,
    },
    #[error("no sprint is running on {today}")]
    NoCurrentSprint { today: Date, known: Vec<String> },
}

impl BoardError {
    pub fn hint(&self) -> String {
        match self {
            BoardError::UnknownSprint {
                suggestion: Some(s),
                known,
                ..
            } => format!("did you mean `{s}`? the sprints are: {}", known.join(", ")),
            BoardError::UnknownSprint { known, .. } | BoardError::NoCurrentSprint { known, .. }
                if known.is_empty() =>
            {
                "the backlog has no sprints yet; `backlog sprint new` creates one".into()
            }
            BoardError::UnknownSprint { known, .. } => {
                format!("the sprints are: {}", known.join(", "))
            }
            BoardError::NoCurrentSprint { known, .. } => format!(
                "name one with --sprint ID; the sprints are: {}",
                known.join(", ")
            ),
        }
    }
}

/// Resolves `--sprint`: an id, or `current` for the sprint running
/// `today` (not closed). A sprint whose id is literally `current` wins.
pub fn sprint_scope(snapshot: &Snapshot, name: &str, today: Date) -> Result<Scope, BoardError> {
    let known: Vec<String> = snapshot.sprints.iter().map(|s| s.id.clone()).collect();
    if known.iter().any(|k| k == name) {
        return Ok(Scope::Sprint(name.to_string()));
    }
    if name == "current" {
        return snapshot
            .sprints
            .iter()
            .filter(|s| s.is_running(today))
            // Overlapping sprints: the one that started last.
            .max_by_key(|s| s.start)
            .map(|s| Scope::Sprint(s.id.clone()))
            .ok_or(BoardError::NoCurrentSprint { today, known });
    }
    Err(BoardError::UnknownSprint {
        id: name.to_string(),
        suggestion: crate::model::suggest::did_you_mean(name, known.iter().map(|k| k.as_str()))
            .map(str::to_string),
        known,
    })
}

fn sprint_info(s: &Sprint) -> SprintInfo {
    SprintInfo {
        id: s.id.clone(),
        goal: s.goal.clone(),
        start: s.start.map(|d| d.to_string()),
        end: s.end.map(|d| d.to_string()),
        capacity: s.capacity,
    }
}

fn column(status: &str, snapshot: &Snapshot, in_workflow: bool) -> Column {
    let config = &snapshot.config;
    let wip = config
        .wip_limits
        .iter()
        .find(|(s, _)| s == status)
        .map(|&(_, limit)| {
            let count = snapshot
                .stories
                .iter()
                .filter(|s| s.status == status && s.kind != Kind::Epic)
                .count();
            Wip {
                limit,
                count,
                over: count > limit as usize,
            }
        });
    Column {
        status: status.to_string(),
        done: config.is_done(status),
        in_workflow,
        cards: Vec::new(),
        points: 0.0,
        unestimated: 0,
        wip,
    }
}

/// The board of `snapshot` for `scope` (a sprint scope names a sprint
/// that exists: see [`sprint_scope`]).
pub fn board(snapshot: &Snapshot, scope: &Scope) -> Board {
    let sprint = match scope {
        Scope::All => None,
        Scope::Sprint(id) => snapshot.sprints.iter().find(|s| &s.id == id),
    };
    let mut columns: Vec<Column> = snapshot
        .config
        .statuses
        .iter()
        .map(|s| column(s, snapshot, true))
        .collect();
    let mut epics = Vec::new();
    let in_scope = |s: &Story| match scope {
        Scope::All => true,
        Scope::Sprint(id) => s.sprint.as_deref() == Some(id.as_str()),
    };
    for (i, s) in snapshot.ranked().into_iter().enumerate() {
        if !in_scope(s) {
            continue;
        }
        if s.kind == Kind::Epic {
            epics.push(s.id.to_string());
            continue;
        }
        let at = match columns.iter().position(|c| c.status == s.status) {
            Some(at) => at,
            None => {
                columns.push(column(&s.status, snapshot, false));
                columns.len() - 1
            }
        };
        let c = &mut columns[at];
        match s.estimate {
            Some(e) => c.points += e,
            None => c.unestimated += 1,
        }
        c.cards.push(Card {
            position: i + 1,
            id: s.id.to_string(),
            title: s.title.clone(),
            kind: s.kind.as_str(),
            estimate: s.estimate,
        });
    }
    Board {
        sprint: sprint.map(sprint_info),
        columns,
        epics,
    }
}
