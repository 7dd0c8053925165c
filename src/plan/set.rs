//! `set` and `status`: turn `field=value` assignments into verified
//! front-matter edits, refusing values `check` would reject.

use serde_yaml::{Mapping, Value};

use crate::edit::line::{list_token, text_token, FieldEdit};
use crate::model::date::Date;
use crate::model::field::{self, FieldType};
use crate::model::rank::Rank;
use crate::model::suggest::did_you_mean;
use crate::model::{Kind, Snapshot, Story};

/// A refused assignment, with what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SetError {
    pub message: String,
    pub hint: Option<String>,
}

fn refuse(message: impl Into<String>, hint: impl Into<String>) -> SetError {
    SetError {
        message: message.into(),
        hint: Some(hint.into()),
    }
}

/// Splits `field=value`.
pub fn parse_assignment(text: &str) -> Result<(String, String), SetError> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.trim().to_string())),
        _ => Err(refuse(
            format!("`{text}` is not `field=value`"),
            "write it like `estimate=5`, or `epic=` to remove a field",
        )),
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
        let hint = match did_you_mean(status, s.config.statuses.iter().map(|x| x.as_str())) {
            Some(d) => format!(
                "did you mean `{d}`? The workflow's statuses are: {}",
                s.config.statuses.join(", ")
            ),
            None => format!(
                "the workflow's statuses are: {}",
                s.config.statuses.join(", ")
            ),
        };
        return Err(refuse(
            format!("`{status}` is not a status of the workflow"),
            hint,
        ));
    }
    if s.config.is_done(status) && !force {
        let open: Vec<&str> = story
            .criteria
            .iter()
            .filter(|c| c.checked == Some(false))
            .map(|c| c.text.as_str())
            .collect();
        if !open.is_empty() {
            return Err(refuse(
                format!(
                    "`{}` has {} unchecked acceptance criteria: {}",
                    story.id,
                    open.len(),
                    open.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", ")
                ),
                "check them in the story file (`- [x]`), or pass --force to record it as done anyway",
            ));
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
    let mut value_map: Option<Mapping> = None;
    for (key, value) in assignments {
        if edits.iter().any(|e| &e.key == key) {
            return Err(refuse(
                format!("`{key}` is given twice"),
                "give each field once",
            ));
        }
        if let Some(sub) = key.strip_prefix("value.") {
            let map = value_map.get_or_insert_with(|| current_value_map(story));
            set_value_entry(map, sub, value)?;
            continue;
        }
        let token = if value.is_empty() {
            if matches!(key.as_str(), "id" | "title" | "status") {
                return Err(refuse(
                    format!("`{key}` is required and cannot be removed"),
                    format!("give it a value: `{key}=…`"),
                ));
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
    if let Some(map) = value_map {
        let token = if map.is_empty() {
            None
        } else {
            Some(flow_map(&map))
        };
        edits.push(FieldEdit {
            key: "value".into(),
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
        let hint = match did_you_mean(key, field::story_names()) {
            Some(d) => format!("did you mean `{d}`? Custom fields start with `x-`"),
            None => "docs/format.md lists the fields; custom fields start with `x-`".into(),
        };
        return Err(refuse(format!("`{key}` is not a story field"), hint));
    };
    Ok(match field.ty {
        FieldType::Id => {
            return Err(refuse(
                "ids are not changed with `set`",
                "an id is the story's identity in history; create a new story instead",
            ))
        }
        FieldType::Text => text_token(value),
        FieldType::Kind => match Kind::parse(value) {
            Some(k) => k.as_str().to_string(),
            None => {
                return Err(refuse(
                    format!("unknown kind `{value}`"),
                    "use one of: story, bug, spike, epic, chore",
                ))
            }
        },
        FieldType::Status => {
            check_status(s, story, value, force)?;
            text_token(value)
        }
        FieldType::Rank => match Rank::parse(value) {
            Ok(r) => r.to_string(),
            Err(e) => {
                return Err(refuse(
                    e.to_string(),
                    "or use `backlog rank` to place the story",
                ))
            }
        },
        FieldType::Points => match crate::model::score::parse_points(value) {
            Some(_) => value.trim().to_string(),
            None => {
                return Err(refuse(
                    format!("estimate `{value}` is not a number of zero or more"),
                    "write it like `estimate=5`",
                ))
            }
        },
        FieldType::Epic => match s.story(value) {
            Some(e) if e.kind == Kind::Epic => text_token(value),
            Some(e) => {
                return Err(refuse(
                    format!("`{value}` is a {}, not an epic", e.kind.as_str()),
                    "name a story whose kind is `epic`",
                ))
            }
            None => {
                return Err(refuse(
                    format!("no story has the id `{value}`"),
                    "`backlog list --kind epic` shows the epics",
                ))
            }
        },
        FieldType::Goal => {
            if !s.config.goals.iter().any(|g| g.id == value) {
                let ids: Vec<&str> = s.config.goals.iter().map(|g| g.id.as_str()).collect();
                return Err(refuse(
                    format!("goal `{value}` is not defined in backlog.yaml"),
                    format!("the goals are: {}", ids.join(", ")),
                ));
            }
            text_token(value)
        }
        FieldType::Sprint => {
            if s.sprint(value).is_none() {
                return Err(refuse(
                    format!("sprint `{value}` does not exist"),
                    format!("create sprints/{value}.md first"),
                ));
            }
            text_token(value)
        }
        FieldType::Stories => {
            let ids = list(value);
            for id in &ids {
                if id == story.id.as_str() {
                    return Err(refuse(
                        format!("`{id}` cannot depend on itself"),
                        "name other stories",
                    ));
                }
                if s.story(id).is_none() {
                    return Err(refuse(
                        format!("no story has the id `{id}`"),
                        "`backlog list` shows every id",
                    ));
                }
            }
            list_token(&ids)
        }
        FieldType::Words => list_token(&list(value)),
        FieldType::Date => match Date::parse(value) {
            Some(d) => d.to_string(),
            None => {
                return Err(refuse(
                    format!("`{value}` is not a date"),
                    format!("write it like `{key}=2026-11-02`"),
                ))
            }
        },
        FieldType::Value => {
            return Err(refuse(
                "set scoring inputs one by one",
                "write it like `value.business=8`",
            ))
        }
    })
}

/// The story's `value:` mapping as written (keeping its key order).
fn current_value_map(story: &Story) -> Mapping {
    match crate::syntax::document::front_matter_mapping(&story.doc.text)
        .and_then(|m| m.get("value").cloned())
    {
        Some(Value::Mapping(v)) => v,
        _ => Mapping::new(),
    }
}

fn set_value_entry(map: &mut Mapping, key: &str, value: &str) -> Result<(), SetError> {
    if key.is_empty() || key.contains([' ', ':', ',', '{', '}']) {
        return Err(refuse(
            format!("`value.{key}` is not a scoring input name"),
            "write it like `value.business=8`",
        ));
    }
    let k = Value::String(key.to_string());
    if value.is_empty() {
        map.remove(&k);
        return Ok(());
    }
    let v = if key == "moscow" {
        if crate::model::score::moscow_bucket(value).is_none() {
            return Err(refuse(
                format!("unknown MoSCoW bucket `{value}`"),
                "use one of: must, should, could, wont",
            ));
        }
        Value::String(value.to_string())
    } else {
        match serde_yaml::from_str::<Value>(value) {
            Ok(n @ Value::Number(_)) => n,
            _ => {
                return Err(refuse(
                    format!("`value.{key}` must be a number, not `{value}`"),
                    format!("write it like `value.{key}=8`"),
                ))
            }
        }
    };
    map.insert(k, v);
    Ok(())
}

/// `{ business: 8, job_size: 5 }`.
fn flow_map(map: &Mapping) -> String {
    let parts: Vec<String> = map
        .iter()
        .map(|(k, v)| {
            let key = k.as_str().map(str::to_string).unwrap_or_default();
            let val = match v {
                Value::String(s) => text_token(s),
                other => serde_yaml::to_string(other)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            format!("{key}: {val}")
        })
        .collect();
    format!("{{ {} }}", parts.join(", "))
}
