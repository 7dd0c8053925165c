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
    /// Whether two stories' values are the same, which is when their texts
    /// are, without writing either: history compares every field of every
    /// version, and formatting them was half its serial part.
    pub same: fn(&Story, &Story) -> bool,
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

/// Numbers compared bit for bit, as `-0` and `0` are written apart.
fn same_values(a: &crate::model::ValueMap, b: &crate::model::ValueMap) -> bool {
    a.iter().count() == b.iter().count()
        && a.iter().zip(b.iter()).all(|((ka, va), (kb, vb))| {
            ka == kb
                && match (va, vb) {
                    (ValueField::Number(x), ValueField::Number(y)) => x.to_bits() == y.to_bits(),
                    (ValueField::Text(x), ValueField::Text(y)) => x == y,
                    _ => false,
                }
        })
}

/// Story fields in the order docs/format.md lists them (and `fmt` writes them).
pub const STORY: &[Field] = &[
    Field {
        name: "id",
        ty: FieldType::Id,
        text: |s| Some(s.id.to_string()),
        same: |a, b| a.id == b.id,
    },
    Field {
        name: "title",
        ty: FieldType::Text,
        text: |s| Some(s.title.clone()),
        same: |a, b| a.title == b.title,
    },
    Field {
        name: "kind",
        ty: FieldType::Kind,
        text: |s| Some(s.kind.as_str().to_string()),
        same: |a, b| a.kind == b.kind,
    },
    Field {
        name: "status",
        ty: FieldType::Status,
        text: |s| Some(s.status.clone()),
        same: |a, b| a.status == b.status,
    },
    Field {
        name: "rank",
        ty: FieldType::Rank,
        text: |s| s.rank.as_ref().map(|r| r.to_string()),
        same: |a, b| a.rank == b.rank,
    },
    Field {
        name: "estimate",
        ty: FieldType::Points,
        text: |s| s.estimate.map(fmt_num),
        same: |a, b| a.estimate.map(f64::to_bits) == b.estimate.map(f64::to_bits),
    },
    Field {
        name: "epic",
        ty: FieldType::Epic,
        text: |s| s.epic.as_ref().map(|e| e.to_string()),
        same: |a, b| a.epic == b.epic,
    },
    Field {
        name: "goal",
        ty: FieldType::Goal,
        text: |s| s.goal.clone(),
        same: |a, b| a.goal == b.goal,
    },
    Field {
        name: "labels",
        ty: FieldType::Words,
        text: |s| words(&s.labels),
        same: |a, b| a.labels == b.labels,
    },
    Field {
        name: "depends_on",
        ty: FieldType::Stories,
        text: |s| ids(&s.depends_on),
        same: |a, b| a.depends_on == b.depends_on,
    },
    Field {
        name: "stakeholders",
        ty: FieldType::Words,
        text: |s| words(&s.stakeholders),
        same: |a, b| a.stakeholders == b.stakeholders,
    },
    Field {
        name: "conflicts_with",
        ty: FieldType::Stories,
        text: |s| ids(&s.conflicts_with),
        same: |a, b| a.conflicts_with == b.conflicts_with,
    },
    Field {
        name: "value",
        ty: FieldType::Value,
        text: value_text,
        same: |a, b| same_values(&a.value, &b.value),
    },
    Field {
        name: "sprint",
        ty: FieldType::Sprint,
        text: |s| s.sprint.clone(),
        same: |a, b| a.sprint == b.sprint,
    },
    Field {
        name: "created",
        ty: FieldType::Date,
        text: |s| s.created.map(|d| d.to_string()),
        same: |a, b| a.created == b.created,
    },
    Field {
        name: "reopened",
        ty: FieldType::Text,
        text: |s| s.reopened.clone(),
        same: |a, b| a.reopened == b.reopened,
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

/// What a key of a sprint file or of backlog.yaml holds. The loader's
/// unknown-key checks and `backlog schema` both read the tables below.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// Text; numbers and `true`/`false` are read as text too.
    Text,
    /// Text that must be written as text (an id, a status).
    Word,
    /// A number of zero or more.
    Number,
    /// `true` or `false`.
    Bool,
    /// A calendar date, `2026-11-02`.
    Date,
    /// A list of words or ids.
    Words,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// A mapping with these keys.
    Map(&'static [Key]),
    /// A list of mappings with these keys.
    ListOf(&'static [Key]),
    /// A mapping from any name to a number of zero or more (`wip_limits`).
    Counts,
    /// A mapping from a rule's code or name to `error`, `warning` or `off`.
    Levels,
    /// A scoring model's name, or `{ model: weighted, weights: { … } }`.
    Scoring,
}

/// One key of a mapping the tool reads.
#[derive(Clone, Copy, Debug)]
pub struct Key {
    pub name: &'static str,
    pub shape: Shape,
    pub required: bool,
    /// One line for the schema's description.
    pub about: &'static str,
}

const fn key(name: &'static str, shape: Shape, about: &'static str) -> Key {
    Key {
        name,
        shape,
        required: false,
        about,
    }
}

const fn required(name: &'static str, shape: Shape, about: &'static str) -> Key {
    Key {
        name,
        shape,
        required: true,
        about,
    }
}

pub const DECISIONS: &[&str] = &["accepted", "rejected"];

const COMMITMENT: &[Key] = &[
    required("date", Shape::Date, "When the sprint started."),
    key(
        "stories",
        Shape::Words,
        "The planned stories, in rank order.",
    ),
    key("points", Shape::Number, "Their estimates, added up."),
];

const DECISION: &[Key] = &[
    required("story", Shape::Word, "The story reviewed."),
    required("decision", Shape::OneOf(DECISIONS), "accepted or rejected."),
    key("note", Shape::Text, "Why, in a few words."),
    key(
        "follow_up",
        Shape::Word,
        "The story written for what is left.",
    ),
    key(
        "amends",
        Shape::Text,
        "Why an earlier decision is corrected.",
    ),
];

const FEEDBACK: &[Key] = &[
    required("from", Shape::Text, "Who said it."),
    required("note", Shape::Text, "What they said."),
    key("story", Shape::Word, "The story it was turned into."),
];

const REVIEW: &[Key] = &[
    key("date", Shape::Date, "When the review was held."),
    key(
        "decisions",
        Shape::ListOf(DECISION),
        "One entry per story reviewed; appended, never rewritten.",
    ),
    key(
        "feedback",
        Shape::ListOf(FEEDBACK),
        "What stakeholders said.",
    ),
];

const CLOSED: &[Key] = &[
    required("date", Shape::Date, "When the sprint was closed."),
    key("carried_over", Shape::Words, "Unfinished stories moved on."),
    key(
        "to",
        Shape::Word,
        "The sprint they moved to (absent: back to the backlog).",
    ),
    key("goal_met", Shape::Bool, "Whether the sprint goal was met."),
];

/// The front matter of a sprint file, in the order `fmt` writes it.
pub const SPRINT: &[Key] = &[
    required("id", Shape::Text, "Any text; the file is named <id>.md."),
    key("goal", Shape::Text, "The sprint goal, in words."),
    required("start", Shape::Date, "The first day."),
    required("end", Shape::Date, "The last day; not before start."),
    key("capacity", Shape::Number, "Points the team plans to take."),
    key(
        "commitment",
        Shape::Map(COMMITMENT),
        "Written by `backlog sprint start`; never rewritten.",
    ),
    key(
        "review",
        Shape::Map(REVIEW),
        "The sprint review: decisions and feedback.",
    ),
    key(
        "closed",
        Shape::Map(CLOSED),
        "Written by `backlog sprint close`.",
    ),
];

const GOAL: &[Key] = &[
    required("id", Shape::Word, "G-1"),
    required("title", Shape::Text, "The goal, in words."),
    key(
        "status",
        Shape::Word,
        "Free text: active, achieved, dropped, …",
    ),
];

const WORKFLOW: &[Key] = &[
    key(
        "statuses",
        Shape::Words,
        "Every allowed status, in workflow order.",
    ),
    key("done", Shape::Words, "The statuses that count as finished."),
];

const READY: &[Key] = &[
    key(
        "statuses",
        Shape::Words,
        "Stories in these statuses must meet the Definition of Ready.",
    ),
    key(
        "require",
        Shape::Words,
        "estimate, acceptance_criteria, statement, or a story field name.",
    ),
];

const QUALITY: &[Key] = &[
    key(
        "vague_words",
        Shape::Words,
        "Words that make a criterion untestable (B096).",
    ),
    key(
        "gherkin",
        Shape::Bool,
        "Criteria must read Given/When/Then (B097).",
    ),
    key(
        "max_estimate",
        Shape::Number,
        "Estimates above this ask for a split (B098).",
    ),
];

/// The keys of backlog.yaml.
pub const CONFIG: &[Key] = &[
    key("product", Shape::Text, "The product's name."),
    key("vision", Shape::Text, "The product vision."),
    key("id_prefix", Shape::Word, "Story ids are <prefix>-<n>."),
    key("goals", Shape::ListOf(GOAL), "Product goals."),
    key(
        "workflow",
        Shape::Map(WORKFLOW),
        "The statuses and which are done.",
    ),
    key(
        "definition_of_ready",
        Shape::Map(READY),
        "What a story needs before it may be ready or planned.",
    ),
    key("definition_of_done", Shape::Text, "Text shown to the team."),
    key(
        "wip_limits",
        Shape::Counts,
        "Most stories allowed in a status at once.",
    ),
    key(
        "conflict_days",
        Shape::Number,
        "Days a conflict between stories may wait for a decision (B067).",
    ),
    key("quality", Shape::Map(QUALITY), "Story-quality settings."),
    key(
        "scoring",
        Shape::Scoring,
        "wsjf, rice, ice, moscow, value_effort, or { model: weighted, weights: { … } }.",
    ),
    key(
        "rules",
        Shape::Levels,
        "Severity per rule, by code or name: error, warning or off.",
    ),
];

/// The names of `keys`, for an unknown-key check.
pub fn names(keys: &[Key]) -> Vec<&'static str> {
    keys.iter().map(|k| k.name).collect()
}

/// The keys of the mapping (or list of mappings) under `name` in `keys`.
pub fn keys_under(keys: &[Key], name: &str) -> &'static [Key] {
    match keys.iter().find(|k| k.name == name).map(|k| k.shape) {
        Some(Shape::Map(sub) | Shape::ListOf(sub)) => sub,
        _ => &[],
    }
}
