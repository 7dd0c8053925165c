//! `list`: the ranked backlog, filtered: one row per story, the data every
//! list format (render/list.rs) prints.

use std::borrow::Cow;

use serde::Serialize;

use crate::model::{Kind, Snapshot, Story};

/// Which stories to show; every given filter must match (a filter given
/// several times matches any of its values).
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub status: Vec<String>,
    pub sprint: Vec<String>,
    pub label: Vec<String>,
    pub epic: Vec<String>,
    pub kind: Vec<String>,
    pub goal: Vec<String>,
    pub stakeholder: Vec<String>,
    /// Leave out stories in a done status.
    pub open: bool,
}

fn any(values: &[String], pred: impl Fn(&str) -> bool) -> bool {
    values.is_empty() || values.iter().any(|v| pred(v))
}

/// A filter value that names nothing in the backlog: a typo would
/// otherwise just print "no stories match".
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no {what} is called `{value}`")]
pub struct UnknownFilter {
    pub what: &'static str,
    pub value: String,
    pub suggestion: Option<String>,
    pub known: Vec<String>,
}

impl UnknownFilter {
    fn plural(&self) -> String {
        match self.what {
            "status" => "statuses".into(),
            other => format!("{other}s"),
        }
    }

    pub fn hint(&self) -> String {
        match &self.suggestion {
            Some(s) => format!("did you mean `{s}`?"),
            None if self.known.is_empty() => format!("the backlog has no {} yet", self.plural()),
            None => format!("the {} are: {}", self.plural(), self.known.join(", ")),
        }
    }
}

impl Filter {
    /// Refuses a status, sprint, goal, kind or epic that the backlog does
    /// not have (labels and stakeholders are free words, so any goes).
    pub fn validate(&self, snapshot: &Snapshot) -> Result<(), UnknownFilter> {
        let check = |what: &'static str, values: &[String], known: Vec<String>| {
            for v in values {
                if !known.contains(v) {
                    return Err(UnknownFilter {
                        what,
                        value: v.clone(),
                        suggestion: crate::model::suggest::did_you_mean(
                            v,
                            known.iter().map(|k| k.as_str()),
                        )
                        .map(str::to_string),
                        known,
                    });
                }
            }
            Ok(())
        };
        let c = &snapshot.config;
        check("status", &self.status, c.statuses.clone())?;
        check(
            "sprint",
            &self.sprint,
            snapshot.sprints.iter().map(|s| s.id.clone()).collect(),
        )?;
        check(
            "goal",
            &self.goal,
            c.goals.iter().map(|g| g.id.clone()).collect(),
        )?;
        check(
            "kind",
            &self.kind,
            Kind::ALL.iter().map(|k| k.as_str().to_string()).collect(),
        )?;
        let epics = snapshot
            .stories
            .iter()
            .filter(|s| s.kind == Kind::Epic)
            .map(|s| s.id.to_string())
            .collect();
        check("epic", &self.epic, epics)
    }

    pub fn matches(&self, snapshot: &Snapshot, s: &Story) -> bool {
        any(&self.status, |v| s.status == v)
            && any(&self.sprint, |v| s.sprint.as_deref() == Some(v))
            && any(&self.label, |v| s.labels.iter().any(|l| l == v))
            && any(&self.epic, |v| {
                s.epic.as_ref().is_some_and(|e| e.as_str() == v)
            })
            && any(&self.kind, |v| s.kind.as_str() == v)
            && any(&self.goal, |v| s.goal.as_deref() == Some(v))
            && any(&self.stakeholder, |v| s.stakeholders.iter().any(|x| x == v))
            && !(self.open && snapshot.config.is_done(&s.status))
    }
}

/// One story as every list format shows it, borrowing the story's text.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Row<'a> {
    /// 1-based place in the whole ranked backlog (filters do not renumber).
    pub position: usize,
    pub id: &'a str,
    pub title: &'a str,
    pub kind: &'static str,
    pub status: &'a str,
    /// Exact, as text: a JSON number would invite float comparison.
    pub rank: Option<String>,
    pub estimate: Option<f64>,
    pub epic: Option<&'a str>,
    pub goal: Option<&'a str>,
    pub sprint: Option<&'a str>,
    pub labels: &'a [String],
    pub depends_on: Vec<&'a str>,
    pub stakeholders: &'a [String],
    pub score: Option<f64>,
    /// With `/` between folders on every system.
    pub file: Cow<'a, str>,
}

/// The rows of `snapshot` that pass `filter`, in rank order.
pub fn rows<'a>(snapshot: &'a Snapshot, filter: &Filter) -> Vec<Row<'a>> {
    use rayon::prelude::*;
    snapshot
        .ranked()
        .into_par_iter()
        .enumerate()
        .filter(|(_, s)| filter.matches(snapshot, s))
        .map(|(i, s)| row(snapshot, s, i + 1))
        .collect()
}

/// One story's row, at `position` in the ranked backlog.
pub fn row<'a>(snapshot: &Snapshot, s: &'a Story, position: usize) -> Row<'a> {
    Row {
        position,
        id: s.id.as_str(),
        title: &s.title,
        kind: s.kind.as_str(),
        status: &s.status,
        rank: s.rank.as_ref().map(|r| r.to_string()),
        estimate: s.estimate,
        epic: s.epic.as_ref().map(|e| e.as_str()),
        goal: s.goal.as_deref(),
        sprint: s.sprint.as_deref(),
        labels: &s.labels,
        depends_on: s.depends_on.iter().map(|d| d.as_str()).collect(),
        stakeholders: &s.stakeholders,
        score: snapshot
            .config
            .scoring
            .as_ref()
            .filter(|_| s.kind != Kind::Epic)
            .and_then(|m| m.score(s).ok()),
        file: crate::source::portable_path(&s.doc.path),
    }
}
