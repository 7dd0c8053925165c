//! `set` and `status`: turn `field=value` assignments into verified
//! front-matter edits, refusing values `check` would reject.

use serde_yaml::Value;

use crate::edit::line::{list_token, text_token, FieldEdit};
use crate::model::date::Date;
use crate::model::field::{self, FieldType};
use crate::model::rank::Rank;
use crate::model::suggest::did_you_mean;
use crate::model::{Kind, Snapshot, Story};

/// A refused assignment. The message says what is wrong; [`SetError::hint`]
/// says what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetError {
    #[error("`{0}` is not `field=value`")]
    NotAnAssignment(String),
    #[error("`{status}` is not a status of the workflow")]
    UnknownStatus {
        status: String,
        statuses: Vec<String>,
        suggestion: Option<String>,
    },
    #[error("`{story}` has {} unchecked acceptance {}: {}", open.len(), if open.len() == 1 { "criterion" } else { "criteria" }, open.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", "))]
    UncheckedCriteria { story: String, open: Vec<String> },
    #[error("`{0}` is given twice")]
    GivenTwice(String),
    #[error("`{0}` is required and cannot be removed")]
    Required(String),
    #[error("the value of `{0}` holds a line break or another control character")]
    ControlCharacter(String),
    #[error("`{name}` is not a story field")]
    UnknownField {
        name: String,
        suggestion: Option<String>,
    },
    #[error("ids are not changed with `set`")]
    IdIsFixed,
    #[error("unknown kind `{0}`")]
    UnknownKind(String),
    #[error("{0}")]
    BadRank(String),
    #[error("estimate `{0}` is not a number of zero or more")]
    BadEstimate(String),
    #[error("`{id}` is a {kind}, not an epic")]
    NotAnEpic { id: String, kind: &'static str },
    #[error("no story has the id `{id}`")]
    UnknownStory { id: String, epic: bool },
    #[error("goal `{goal}` is not defined in backlog.yaml")]
    UnknownGoal { goal: String, goals: Vec<String> },
    #[error("sprint `{0}` does not exist")]
    UnknownSprint(String),
    #[error("`{0}` cannot depend on itself")]
    SelfDependency(String),
    #[error("`{value}` is not a date")]
    NotADate { field: String, value: String },
    #[error("set scoring inputs one by one")]
    WholeValue,
    #[error("`value.{0}` is not a scoring input name")]
    BadInputName(String),
    #[error("unknown MoSCoW bucket `{0}`")]
    UnknownBucket(String),
    #[error("`value.{key}` must be a number, not `{value}`")]
    NotANumber { key: String, value: String },
}

impl SetError {
    /// What to do instead.
    pub fn hint(&self) -> String {
        match self {
            SetError::NotAnAssignment(_) => {
                "write it like `estimate=5`, or `epic=` to remove a field".into()
            }
            SetError::UnknownStatus {
                statuses,
                suggestion,
                ..
            } => match suggestion {
                Some(d) => format!(
                    "did you mean `{d}`? The workflow's statuses are: {}",
                    statuses.join(", ")
                ),
                None => format!("the workflow's statuses are: {}", statuses.join(", ")),
            },
            SetError::UncheckedCriteria { .. } => "check them in the story file (`- [x]`), or pass --force to record it as done anyway".into(),
            SetError::GivenTwice(_) => "give each field once".into(),
            SetError::Required(key) => format!("give it a value: `{key}=…`"),
            SetError::ControlCharacter(_) => {
                "a field's value is one line; put the rest into the story's description".into()
            }
            SetError::UnknownField { suggestion, .. } => match suggestion {
                Some(d) => format!("did you mean `{d}`? Custom fields start with `x-`"),
                None => "docs/format.md lists the fields; custom fields start with `x-`".into(),
            },
            SetError::IdIsFixed => {
                "an id is the story's identity in history; create a new story instead".into()
            }
            SetError::UnknownKind(_) => "use one of: story, bug, spike, epic, chore".into(),
            SetError::BadRank(_) => "or use `backlog rank` to place the story".into(),
            SetError::BadEstimate(_) => "write it like `estimate=5`".into(),
            SetError::NotAnEpic { .. } => "name a story whose kind is `epic`".into(),
            SetError::UnknownStory { epic: true, .. } => {
                "`backlog list --kind epic` shows the epics".into()
            }
            SetError::UnknownStory { epic: false, .. } => "`backlog list` shows every id".into(),
            SetError::UnknownGoal { goals, .. } => format!("the goals are: {}", goals.join(", ")),
            SetError::UnknownSprint(id) => format!("create it with `backlog sprint new {id} --start DATE --end DATE`"),
            SetError::SelfDependency(_) => "name other stories".into(),
            SetError::NotADate { field, .. } => format!("write it like `{field}=2026-11-02`"),
            SetError::WholeValue | SetError::BadInputName(_) => {
                "write it like `value.business=8`".into()
            }
            SetError::UnknownBucket(_) => "use one of: must, should, could, wont".into(),
            SetError::NotANumber { key, .. } => format!("write it like `value.{key}=8`"),
        }
    }
}

/// Splits `field=value`.
pub fn parse_assignment(text: &str) -> Result<(String, String), SetError> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(SetError::NotAnAssignment(text.to_string())),
    }
}

/// Whether `story` may move to `status`: it must be in the workflow, and a
/// done status needs every acceptance criterion checked unless `force`.
pub fn check_status(
    s: &Snapshot,
    story: &Story,
    status: &str,
    force: bool,
) -> Result<(), SetError> {
    if !s.config.statuses.iter().any(|x| x == status) {
        return Err(SetError::UnknownStatus {
            status: status.to_string(),
            statuses: s.config.statuses.clone(),
            suggestion: did_you_mean(status, s.config.statuses.iter().map(|x| x.as_str()))
                .map(str::to_string),
        });
    }
    if s.config.is_done(status) && !force {
        let open = story.unchecked_criteria();
        if !open.is_empty() {
            return Err(SetError::UncheckedCriteria {
                story: story.id.to_string(),
                open,
            });
        }
    }
    Ok(())
}

/// The edits that make `assignments` true of `story`.
pub fn plan_set(
    s: &Snapshot,
    story: &Story,
    assignments: &[(String, String)],
    force: bool,
) -> Result<Vec<FieldEdit>, SetError> {
    let mut edits: Vec<FieldEdit> = Vec::new();
    for (key, value) in assignments {
        if edits.iter().any(|e| &e.key == key) {
            return Err(SetError::GivenTwice(key.clone()));
        }
        // As `new` refuses for a title: a field's value is one line.
        if value.chars().any(char::is_control) {
            return Err(SetError::ControlCharacter(key.clone()));
        }
        if let Some(sub) = key.strip_prefix("value.") {
            // One input, edited at its own place in `value:`.
            edits.push(FieldEdit {
                key: key.clone(),
                token: value_token(sub, value)?,
            });
            continue;
        }
        let token = if value.is_empty() {
            if matches!(key.as_str(), "id" | "title" | "status") {
                return Err(SetError::Required(key.clone()));
            }
            None
        } else {
            Some(token_for(s, story, key, value, force)?)
        };
        edits.push(FieldEdit {
            key: key.clone(),
            token,
        });
    }
    Ok(edits)
}

fn token_for(
    s: &Snapshot,
    story: &Story,
    key: &str,
    value: &str,
    force: bool,
) -> Result<String, SetError> {
    let list = |v: &str| -> Vec<String> {
        v.trim_matches(|c| c == '[' || c == ']')
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect()
    };
    let Some(field) = field::story_field(key) else {
        if field::is_custom(key) {
            return Ok(text_token(value));
        }
        return Err(SetError::UnknownField {
            name: key.to_string(),
            suggestion: did_you_mean(key, field::story_names()).map(str::to_string),
        });
    };
    Ok(match field.ty {
        FieldType::Id => return Err(SetError::IdIsFixed),
        FieldType::Text => text_token(value),
        FieldType::Kind => match Kind::parse(value) {
            Some(k) => k.as_str().to_string(),
            None => return Err(SetError::UnknownKind(value.to_string())),
        },
        FieldType::Status => {
            check_status(s, story, value, force)?;
            text_token(value)
        }
        FieldType::Rank => match Rank::parse(value) {
            Ok(r) => r.to_string(),
            Err(e) => return Err(SetError::BadRank(e.to_string())),
        },
        // Written as the loader reads numbers back (`1e20`, not twenty digits).
        FieldType::Points => match crate::model::score::parse_points(value) {
            Some(p) => crate::model::fmt_num(p),
            None => return Err(SetError::BadEstimate(value.to_string())),
        },
        FieldType::Epic => match s.story(value) {
            Some(e) if e.kind == Kind::Epic => text_token(value),
            Some(e) => {
                return Err(SetError::NotAnEpic {
                    id: value.to_string(),
                    kind: e.kind.as_str(),
                })
            }
            None => {
                return Err(SetError::UnknownStory {
                    id: value.to_string(),
                    epic: true,
                })
            }
        },
        FieldType::Goal => {
            if !s.config.goals.iter().any(|g| g.id == value) {
                return Err(SetError::UnknownGoal {
                    goal: value.to_string(),
                    goals: s.config.goals.iter().map(|g| g.id.clone()).collect(),
                });
            }
            text_token(value)
        }
        FieldType::Sprint => {
            if s.sprint(value).is_none() {
                return Err(SetError::UnknownSprint(value.to_string()));
            }
            text_token(value)
        }
        FieldType::Stories => {
            let ids = list(value);
            for id in &ids {
                if id == story.id.as_str() {
                    return Err(SetError::SelfDependency(id.clone()));
                }
                if s.story(id).is_none() {
                    return Err(SetError::UnknownStory {
                        id: id.clone(),
                        epic: false,
                    });
                }
            }
            list_token(&ids)
        }
        FieldType::Words => list_token(&list(value)),
        FieldType::Date => match Date::parse(value) {
            Some(d) => d.to_string(),
            None => {
                return Err(SetError::NotADate {
                    field: key.to_string(),
                    value: value.to_string(),
                })
            }
        },
        FieldType::Value => return Err(SetError::WholeValue),
    })
}

/// The token for scoring input `key` (`None`: remove it), refusing a name
/// that is not one and a value the scoring models cannot read.
fn value_token(key: &str, value: &str) -> Result<Option<String>, SetError> {
    if key.is_empty() || key.contains([' ', ':', ',', '{', '}', '.']) {
        return Err(SetError::BadInputName(key.to_string()));
    }
    if value.is_empty() {
        return Ok(None);
    }
    if key == "moscow" {
        if crate::model::score::moscow_bucket(value).is_none() {
            return Err(SetError::UnknownBucket(value.to_string()));
        }
        return Ok(Some(text_token(value)));
    }
    match serde_yaml::from_str::<Value>(value) {
        Ok(Value::Number(_)) => Ok(Some(value.trim().to_string())),
        _ => Err(SetError::NotANumber {
            key: key.to_string(),
            value: value.to_string(),
        }),
    }
}
