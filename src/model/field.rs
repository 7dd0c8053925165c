//! The field table: every front-matter field of a story, once, with its type
//! and how it reads as text. The loader's unknown-field check, `set`'s
//! validation, `fmt`'s field order, the text of history events, `blame` and
//! git's textconv all read this table, so a new field is added here (and in
//! [`Story`] and its reader in `load/`), not in each of them.

use super::{fmt_num, Story, StoryId, ValueField};

/// What a field holds, which decides how `set` checks and writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// The story's identity; never changed in place.
    Id,
    /// Free text on one line.
    Text,
    /// One of the kinds (story, bug, spike, epic, chore).
    Kind,
    /// One of the workflow's statuses.
    Status,
    /// An exact decimal rank.
    Rank,
    /// Story points: a number of zero or more.
    Points,
    /// The id of an epic.
    Epic,
    /// The id of a goal in backlog.yaml.
    Goal,
    /// The id of a sprint file.
    Sprint,
    /// A list of free words.
    Words,
    /// A list of story ids.
    Stories,
    /// The scoring inputs, a mapping set key by key (`value.business=8`).
    Value,
    /// A calendar date.
    Date,
}

/// One story field.
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    /// The value as one line of text, `None` when unset.
    pub text: fn(&Story) -> Option<String>,
}

fn words(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join(", "))
}

fn ids(v: &[StoryId]) -> Option<String> {
    words(&v.iter().map(|i| i.to_string()).collect::<Vec<_>>())
}

fn value_text(s: &Story) -> Option<String> {
    (!s.value.is_empty()).then(|| {
        s.value
            .iter()
            .map(|(k, v)| match v {
                ValueField::Number(n) => format!("{k}: {}", fmt_num(*n)),
                ValueField::Text(t) => format!("{k}: {t}"),
            })
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// Story fields in the order docs/format.md lists them (and `fmt` writes them).
pub const STORY: &[Field] = &[
    Field {
        name: "id",
        ty: FieldType::Id,
        text: |s| Some(s.id.to_string()),
    },
    Field {
        name: "title",
        ty: FieldType::Text,
        text: |s| Some(s.title.clone()),
    },
    Field {
        name: "kind",
        ty: FieldType::Kind,
        text: |s| Some(s.kind.as_str().to_string()),
    },
    Field {
        name: "status",
        ty: FieldType::Status,
        text: |s| Some(s.status.clone()),
    },
    Field {
        name: "rank",
        ty: FieldType::Rank,
        text: |s| s.rank.as_ref().map(|r| r.to_string()),
    },
    Field {
        name: "estimate",
        ty: FieldType::Points,
        text: |s| s.estimate.map(fmt_num),
    },
    Field {
        name: "epic",
        ty: FieldType::Epic,
        text: |s| s.epic.as_ref().map(|e| e.to_string()),
    },
    Field {
        name: "goal",
        ty: FieldType::Goal,
        text: |s| s.goal.clone(),
    },
    Field {
        name: "labels",
        ty: FieldType::Words,
        text: |s| words(&s.labels),
    },
    Field {
        name: "depends_on",
        ty: FieldType::Stories,
        text: |s| ids(&s.depends_on),
    },
    Field {
        name: "stakeholders",
        ty: FieldType::Words,
        text: |s| words(&s.stakeholders),
    },
    Field {
        name: "conflicts_with",
        ty: FieldType::Stories,
        text: |s| ids(&s.conflicts_with),
    },
    Field {
        name: "value",
        ty: FieldType::Value,
        text: value_text,
    },
    Field {
        name: "sprint",
        ty: FieldType::Sprint,
        text: |s| s.sprint.clone(),
    },
    Field {
        name: "created",
        ty: FieldType::Date,
        text: |s| s.created.map(|d| d.to_string()),
    },
    Field {
        name: "reopened",
        ty: FieldType::Text,
        text: |s| s.reopened.clone(),
    },
];

/// Sprint file fields, in the order `fmt` writes them.
pub const SPRINT_ORDER: &[&str] = &[
    "id",
    "goal",
    "start",
    "end",
    "capacity",
    "commitment",
    "review",
    "closed",
];

/// The story field called `name`.
pub fn story_field(name: &str) -> Option<&'static Field> {
    STORY.iter().find(|f| f.name == name)
}

/// Story field names in order.
pub fn story_names() -> impl Iterator<Item = &'static str> {
    STORY.iter().map(|f| f.name)
}

/// Story field names in order, as the slice edits and `fmt` take.
pub fn story_order() -> &'static [&'static str] {
    static ORDER: std::sync::LazyLock<Vec<&'static str>> =
        std::sync::LazyLock::new(|| story_names().collect());
    &ORDER
}

/// Whether `name` is a custom field (`x-…`), which the tool keeps but never reads.
pub fn is_custom(name: &str) -> bool {
    name.starts_with("x-")
}
