//! The sprint review as one command: decisions and feedback appended to the
//! sprint file, accepted stories done, rejected ones back in the backlog,
//! follow-up and new stories written with links both ways — all planned
//! here, written by the CLI as one all-or-nothing change.

use std::collections::BTreeSet;

use crate::edit::line::{flow_text_token, text_token, FieldEdit};
use crate::model::date::Date;
use crate::model::rank::Rank;
use crate::model::{DecisionKind, Kind, Snapshot, StoryId};
use crate::plan::new::{file_name, next_id, read_back, render, NewStory};

/// A story a decision or feedback item points to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    Existing(StoryId),
    /// A new story, with this title.
    New(String),
}

/// One entry of the review, as the command line gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Decision {
        story: StoryId,
        decision: DecisionKind,
        note: Option<String>,
        follow_up: Option<Link>,
        /// Why this corrects a decision recorded earlier in this review.
        amends: Option<String>,
    },
    Feedback {
        from: String,
        note: String,
        story: Option<Link>,
    },
}

/// Why the review cannot be recorded as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("`{0}` needs a value")]
    MissingValue(String),
    #[error("`{0}` is not a review option")]
    UnknownOption(String),
    #[error("`{0}` must follow an --accept, --reject or --feedback it belongs to")]
    Orphan(String),
    #[error("feedback must be written `WHO: what they said`, like \"support: wants bulk export\"")]
    FeedbackForm,
    #[error("nothing to record: give --accept, --reject or --feedback")]
    Empty,
    #[error("no sprint has the id `{0}`")]
    UnknownSprint(String),
    #[error("`{story}` is not planned into {sprint}")]
    NotInSprint { story: String, sprint: String },
    #[error("no story has the id `{0}`")]
    UnknownStory(String),
    #[error("`{0}` is decided twice in this review")]
    Twice(String),
    #[error("`{story}` was decided at this review already ({was})")]
    Decided { story: String, was: String },
    #[error("sprint `{0}` is closed")]
    Closed(String),
    #[error("the new story \"{title}\" would not read back as written ({what})")]
    NotReadBack { title: String, what: String },
    /// An acceptance `status` would refuse (unchecked criteria): the one
    /// rule for moving a story to done.
    #[error(transparent)]
    NotDone(crate::plan::set::SetError),
}

/// Reads the entries from the command line's words, in order: a `--note`,
/// `--follow-up`, `--new-follow-up`, `--story` or `--new-story` belongs to
/// the `--accept`, `--reject` or `--feedback` before it.
pub fn parse_entries(words: &[String]) -> Result<Vec<Entry>, ReviewError> {
    let mut out: Vec<Entry> = Vec::new();
    let mut it = words.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| ReviewError::MissingValue(flag.clone()))
        };
        match flag.as_str() {
            "--accept" | "--reject" => out.push(Entry::Decision {
                story: StoryId::new(value()?),
                decision: if flag == "--accept" {
                    DecisionKind::Accepted
                } else {
                    DecisionKind::Rejected
                },
                note: None,
                follow_up: None,
                amends: None,
            }),
            "--feedback" => {
                let v = value()?;
                let (from, note) = v.split_once(':').ok_or(ReviewError::FeedbackForm)?;
                let (from, note) = (from.trim(), note.trim());
                if from.is_empty() || note.is_empty() {
                    return Err(ReviewError::FeedbackForm);
                }
                out.push(Entry::Feedback {
                    from: from.into(),
                    note: note.into(),
                    story: None,
                });
            }
            "--note" => {
                let v = value()?;
                match out.last_mut() {
                    Some(Entry::Decision { note, .. }) => *note = Some(v),
                    Some(Entry::Feedback { note, .. }) => *note = v,
                    None => return Err(ReviewError::Orphan(flag.clone())),
                }
            }
            "--amends" => {
                // A correction says why: an empty reason is none.
                let v = value()?;
                if v.trim().is_empty() {
                    return Err(ReviewError::MissingValue(flag.clone()));
                }
                match out.last_mut() {
                    Some(Entry::Decision { amends, .. }) => *amends = Some(v),
                    _ => return Err(ReviewError::Orphan(flag.clone())),
                }
            }
            "--follow-up" | "--new-follow-up" => {
                let v = value()?;
                let link = if flag == "--follow-up" {
                    Link::Existing(StoryId::new(v))
                } else {
                    Link::New(v)
                };
                match out.last_mut() {
                    Some(Entry::Decision { follow_up, .. }) => *follow_up = Some(link),
                    _ => return Err(ReviewError::Orphan(flag.clone())),
                }
            }
            "--story" | "--new-story" => {
                let v = value()?;
                let link = if flag == "--story" {
                    Link::Existing(StoryId::new(v))
                } else {
                    Link::New(v)
                };
                match out.last_mut() {
                    Some(Entry::Feedback { story, .. }) => *story = Some(link),
                    _ => return Err(ReviewError::Orphan(flag.clone())),
                }
            }
            other => return Err(ReviewError::UnknownOption(other.to_string())),
        }
    }
    if out.is_empty() {
        return Err(ReviewError::Empty);
    }
    Ok(out)
}

/// A story the review writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStoryFile {
    pub id: StoryId,
    pub file_name: String,
    pub text: String,
}

/// What recording the review changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewPlan {
    /// Flow-mapping lines to append to `review.decisions` and `review.feedback`.
    pub decisions: Vec<String>,
    pub feedback: Vec<String>,
    /// Status edits.
    pub statuses: Vec<StatusChange>,
    pub new_stories: Vec<NewStoryFile>,
}

/// A story's status set by a decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusChange {
    pub story: StoryId,
    pub status: String,
    /// Why a finished story is open again (its `reopened:`), when a
    /// rejection takes it out of a done status: what `check --since`
    /// asks of every story opened again (B081).
    pub reopened: Option<String>,
}

/// The status a rejected story goes back to: `ready` when the workflow has
/// it (the work is understood, it needs another go), else the first status.
pub fn rejected_status(s: &Snapshot) -> String {
    let c = &s.config;
    if c.statuses.iter().any(|x| x == "ready") {
        "ready".into()
    } else {
        c.statuses
            .first()
            .cloned()
            .unwrap_or_else(|| "ready".into())
    }
}

/// Plans the review of `sprint` on `today`; `taken` are story file names
/// on other branches, so new ids stay unique. A story is accepted with
/// unchecked acceptance criteria only with `force`, as `status` moves it
/// to done. The stories the review creates are ranked after every other.
pub fn plan_review(
    s: &Snapshot,
    sprint: &str,
    entries: &[Entry],
    today: Date,
    taken: &BTreeSet<String>,
    force: bool,
) -> Result<ReviewPlan, ReviewError> {
    let sp = s
        .sprint(sprint)
        .ok_or_else(|| ReviewError::UnknownSprint(sprint.to_string()))?;
    if sp.closed.is_some() {
        return Err(ReviewError::Closed(sprint.to_string()));
    }
    let mut plan = ReviewPlan {
        decisions: Vec::new(),
        feedback: Vec::new(),
        statuses: Vec::new(),
        new_stories: Vec::new(),
    };
    let done = s
        .config
        .done
        .first()
        .cloned()
        .unwrap_or_else(|| "done".into());
    let first_status = s.config.first_status();
    // Each new story goes after the last one ranked, as `new` puts it.
    let mut last_rank = s.stories.iter().filter_map(|x| x.rank.clone()).max();
    let mut taken = taken.clone();
    let mut seen = BTreeSet::new();
    let mut new_story = |plan: &mut ReviewPlan,
                         title: &str,
                         body: String,
                         stakeholder: Option<&str>|
     -> Result<StoryId, ReviewError> {
        let id = next_id(s, &taken);
        let name = file_name(&id, title);
        taken.insert(name.clone());
        let story = NewStory {
            title: title.trim().to_string(),
            kind: Some(Kind::Story),
            role: None,
            want: None,
            so_that: None,
            estimate: None,
            labels: Vec::new(),
        };
        let rank = last_rank.as_ref().map_or(Rank::from_int(10), Rank::above);
        last_rank = Some(rank.clone());
        let mut text = render(&story, &id, &first_status, Some(&rank), today);
        if let Some(who) = stakeholder {
            text = text.replacen(
                "\ncreated: ",
                &format!("\nstakeholders: [{}]\ncreated: ", text_token(who)),
                1,
            );
        }
        // The link back, in the body's first line.
        text = text.replacen("---\n<!--", &format!("---\n{body}\n\n<!--"), 1);
        read_back(&text, &id, &story.title, Some(&rank)).map_err(|e| ReviewError::NotReadBack {
            title: story.title.clone(),
            what: e.what,
        })?;
        plan.new_stories.push(NewStoryFile {
            id: id.clone(),
            file_name: name,
            text,
        });
        Ok(id)
    };
    for e in entries {
        match e {
            Entry::Decision {
                story,
                decision,
                note,
                follow_up,
                amends,
            } => {
                let x = s
                    .story(story.as_str())
                    .ok_or_else(|| ReviewError::UnknownStory(story.to_string()))?;
                if x.sprint.as_deref() != Some(sprint) {
                    return Err(ReviewError::NotInSprint {
                        story: story.to_string(),
                        sprint: sprint.to_string(),
                    });
                }
                if !seen.insert(story.clone()) {
                    return Err(ReviewError::Twice(story.to_string()));
                }
                // A second decision on a story is a correction, and says so.
                let earlier = sp
                    .review
                    .as_ref()
                    .and_then(|r| r.decisions.iter().rev().find(|d| &d.story == story));
                if let (Some(d), None) = (earlier, amends) {
                    return Err(ReviewError::Decided {
                        story: story.to_string(),
                        was: d.decision.as_str().to_string(),
                    });
                }
                let follow = match follow_up {
                    None => None,
                    Some(Link::Existing(id)) => {
                        s.story(id.as_str())
                            .ok_or_else(|| ReviewError::UnknownStory(id.to_string()))?;
                        Some(id.clone())
                    }
                    Some(Link::New(title)) => {
                        let why = note
                            .as_deref()
                            .map(|n| format!(": {n}"))
                            .unwrap_or_default();
                        Some(new_story(
                            &mut plan,
                            title,
                            format!("Follow-up of {story}, rejected at the {sprint} review{why}."),
                            None,
                        )?)
                    }
                };
                if *decision == DecisionKind::Accepted {
                    crate::plan::set::check_status(s, x, &done, force)
                        .map_err(ReviewError::NotDone)?;
                }
                let (word, status) = match decision {
                    DecisionKind::Accepted => ("accepted", done.clone()),
                    DecisionKind::Rejected => ("rejected", rejected_status(s)),
                };
                // A finished story rejected now is open again, and says why.
                let reopened = (*decision == DecisionKind::Rejected && s.config.is_done(&x.status))
                    .then(|| one_line(amends.as_deref().or(note.as_deref()).unwrap_or_default()))
                    .map(|why| {
                        if why.is_empty() {
                            format!("rejected at the {sprint} review")
                        } else {
                            why
                        }
                    });
                let mut item = format!("{{ story: {story}, decision: {word}");
                if let Some(n) = note {
                    item.push_str(&format!(", note: {}", flow_text_token(n)));
                }
                if let Some(f) = follow {
                    item.push_str(&format!(", follow_up: {f}"));
                }
                if let Some(a) = amends {
                    item.push_str(&format!(", amends: {}", flow_text_token(a)));
                }
                item.push_str(" }");
                plan.decisions.push(item);
                if x.status != status {
                    plan.statuses.push(StatusChange {
                        story: story.clone(),
                        status,
                        reopened,
                    });
                }
            }
            Entry::Feedback { from, note, story } => {
                let link = match story {
                    None => None,
                    Some(Link::Existing(id)) => {
                        s.story(id.as_str())
                            .ok_or_else(|| ReviewError::UnknownStory(id.to_string()))?;
                        Some(id.clone())
                    }
                    Some(Link::New(title)) => Some(new_story(
                        &mut plan,
                        title,
                        format!(
                            "From {from}'s feedback at the {sprint} review: {}.",
                            one_line(note)
                        ),
                        Some(from),
                    )?),
                };
                let mut item = format!(
                    "{{ from: {}, note: {}",
                    flow_text_token(from),
                    flow_text_token(note)
                );
                if let Some(l) = link {
                    item.push_str(&format!(", story: {l}"));
                }
                item.push_str(" }");
                plan.feedback.push(item);
            }
        }
    }
    Ok(plan)
}

/// Text quoted into a story body stays one plain line: a note cannot add
/// fences, headings or criteria to the story it is quoted in.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches(['#', '-', '*', '>'])
        .trim()
        .to_string()
}

/// The `reopened:` edit for a finished story a rejection opens again.
pub fn reopened_edit(why: &str) -> FieldEdit {
    FieldEdit {
        key: "reopened".into(),
        token: Some(text_token(why)),
    }
}

/// The status edit for one story.
pub fn status_edit(status: &str) -> FieldEdit {
    FieldEdit {
        key: "status".into(),
        token: Some(text_token(status)),
    }
}
