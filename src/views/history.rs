//! What `log`, `blame` and `decisions` show, as data: functions of a
//! [`History`] (and, for blame, the story as it is at the tip).

use std::collections::HashSet;

use serde::Serialize;

use crate::compare::changes::Change;
use crate::git::CommitInfo;
use crate::history::{Event, History, Subject};
use crate::model::date::Date;
use crate::model::field;
use crate::model::Story;

/// The calendar date of a commit in its author's time zone.
pub fn date_of(c: &CommitInfo) -> Date {
    Date::from_days((c.time + i64::from(c.offset)).div_euclid(86_400))
}

/// How an event's subject is named: a story or sprint id, or `backlog.yaml`.
pub fn subject_name(s: &Subject) -> String {
    match s {
        Subject::Story(id) | Subject::Sprint(id) => id.clone(),
        Subject::Config => "backlog.yaml".into(),
    }
}

/// The story a review decision is about.
fn decision_story(c: &Change) -> Option<&str> {
    match c {
        Change::DecisionRecorded { story, .. }
        | Change::DecisionChanged { story, .. }
        | Change::DecisionRemoved { story, .. } => Some(story),
        _ => None,
    }
}

/// Whether `e` is about `id`: a story or sprint of that id, or a review
/// decision on that story.
pub fn mentions(e: &Event, id: &str) -> bool {
    subject_name(&e.subject) == id || decision_story(&e.change) == Some(id)
}

/// What an entry of the review record is about, to mark later edits of it:
/// the story of a decision, or who gave a feedback item.
fn record_key(c: &Change) -> Option<String> {
    match c {
        Change::FeedbackRecorded { from, .. }
        | Change::FeedbackChanged { from, .. }
        | Change::FeedbackRemoved { from, .. } => Some(format!("feedback from {from}")),
        other => decision_story(other).map(str::to_string),
    }
}

/// Which events `log` shows; every given filter must match.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    /// Story or sprint ids (a decision on a story counts as the story's).
    pub ids: Vec<String>,
    /// Field names as [`Change::field`] gives them.
    pub fields: Vec<String>,
    pub since: Option<Date>,
    pub until: Option<Date>,
    /// Text in the author's name or email, any case.
    pub author: Option<String>,
    /// Oldest first (default: newest commit first).
    pub reverse: bool,
}

impl LogFilter {
    /// Whether events about `subject` may pass: with ids given, those about
    /// one of them and every sprint's (a review decision about a story is
    /// recorded on its sprint); all without. What a history is read for.
    pub fn wants(&self, subject: &Subject) -> bool {
        self.ids.is_empty()
            || matches!(subject, Subject::Sprint(_))
            || self.ids.iter().any(|id| *id == subject_name(subject))
    }
}

/// Whether [`decisions`] reads events about `subject`: the sprints' (only
/// `sprint`'s when given), where review decisions and feedback are recorded.
pub fn decisions_read(subject: &Subject, sprint: Option<&str>) -> bool {
    matches!(subject, Subject::Sprint(id) if sprint.is_none_or(|s| s == id))
}

/// The events of `history` that pass `filter`, in display order.
pub fn log<'h>(history: &'h History, filter: &LogFilter) -> Vec<&'h Event> {
    let author = filter.author.as_ref().map(|a| a.to_lowercase());
    let keep = |e: &Event| {
        let c = &history.commits[e.commit];
        let d = date_of(c);
        (filter.ids.is_empty() || filter.ids.iter().any(|id| mentions(e, id)))
            && (filter.fields.is_empty() || filter.fields.iter().any(|f| f == e.change.field()))
            && filter.since.is_none_or(|s| d >= s)
            && filter.until.is_none_or(|u| d <= u)
            && author.as_ref().is_none_or(|a| {
                c.author.to_lowercase().contains(a) || c.email.to_lowercase().contains(a)
            })
    };
    let mut events: Vec<&Event> = history.events.iter().filter(|e| keep(e)).collect();
    if !filter.reverse {
        // Newest commit first; within a commit, the natural order (stable sort).
        events.sort_by_key(|e| std::cmp::Reverse(e.commit));
    }
    events
}

/// One field of a story with the commit that last set its current value.
#[derive(Clone, Debug, Serialize)]
pub struct BlameLine<'h> {
    pub field: &'static str,
    pub value: String,
    pub commit: String,
    pub date: String,
    pub author: &'h str,
    pub summary: &'h str,
}

/// Each set field of `story` (as it is at the history's tip) with the latest
/// event that set it: a change of the field, or the story's (re)appearance.
pub fn blame<'h>(history: &'h History, story: &Story) -> Vec<BlameLine<'h>> {
    let subject = Subject::Story(story.id.to_string());
    let mine: Vec<&Event> = history
        .events
        .iter()
        .filter(|e| e.subject == subject)
        .collect();
    let mut lines = Vec::new();
    for f in field::STORY {
        // Blame says who set the kind even when it is the default.
        let value = if f.name == "kind" && story.layout().get("kind").is_none() {
            None
        } else {
            (f.text)(story)
        };
        let Some(value) = value else { continue };
        let last = mine
            .iter()
            .rev()
            .find(|e| e.change.field() == f.name || matches!(e.change, Change::StoryAdded { .. }));
        let Some(e) = last else { continue };
        let c = &history.commits[e.commit];
        lines.push(BlameLine {
            field: f.name,
            value,
            commit: c.id.short(),
            date: date_of(c).to_string(),
            author: &c.author,
            summary: &c.summary,
        });
    }
    lines
}

/// A review decision or feedback item, with the commit that recorded it.
#[derive(Clone, Debug, Serialize)]
pub struct DecisionEntry<'h> {
    pub sprint: String,
    pub story: Option<String>,
    pub what: &'h Change,
    pub commit: String,
    pub date: String,
    pub author: &'h str,
    pub summary: &'h str,
    /// The decision was edited or deleted after it was first recorded, or
    /// corrected by a later entry on the same story with `amends:`.
    pub amended: bool,
}

/// Every review decision and feedback item (of one sprint, if given), in
/// the order they were committed.
pub fn decisions<'h>(history: &'h History, sprint: Option<&str>) -> Vec<DecisionEntry<'h>> {
    let relevant = |e: &&Event| {
        matches!(
            e.change,
            Change::DecisionRecorded { .. }
                | Change::DecisionChanged { .. }
                | Change::DecisionRemoved { .. }
                | Change::FeedbackRecorded { .. }
                | Change::FeedbackChanged { .. }
                | Change::FeedbackRemoved { .. }
        ) && decisions_read(&e.subject, sprint)
    };
    let events: Vec<&Event> = history.events.iter().filter(relevant).collect();
    let amended: HashSet<(String, String)> = events
        .iter()
        .filter(|e| {
            matches!(
                e.change,
                Change::DecisionChanged { .. }
                    | Change::DecisionRemoved { .. }
                    | Change::FeedbackChanged { .. }
                    | Change::FeedbackRemoved { .. }
            )
        })
        .filter_map(|e| record_key(&e.change).map(|k| (subject_name(&e.subject), k)))
        .collect();
    // A decision corrected by a later entry with `amends:`: the entries on
    // that story recorded before the correction.
    let corrected_at: Vec<(String, String, usize)> = events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match &e.change {
            Change::DecisionRecorded {
                story,
                amends: Some(_),
                ..
            } => Some((subject_name(&e.subject), story.clone(), i)),
            _ => None,
        })
        .collect();
    let corrected_later = |i: usize, sprint: &str, e: &Event| {
        matches!(&e.change, Change::DecisionRecorded { story, .. }
            if corrected_at.iter().any(|(s, st, at)| *at > i && s == sprint && st == story))
    };
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let c = &history.commits[e.commit];
            let story = decision_story(&e.change).map(str::to_string);
            let sprint = subject_name(&e.subject);
            DecisionEntry {
                amended: record_key(&e.change)
                    .is_some_and(|k| amended.contains(&(sprint.clone(), k)))
                    || corrected_later(i, &sprint, e),
                sprint,
                story,
                what: &e.change,
                commit: c.id.short(),
                date: date_of(c).to_string(),
                author: &c.author,
                summary: &c.summary,
            }
        })
        .collect()
}
