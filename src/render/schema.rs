//! JSON Schemas (draft 2020-12) of a story's front matter, a sprint file's
//! front matter and backlog.yaml, written from the field tables the loader
//! reads (`model/field.rs`), so an editor's YAML language server or a
//! pre-commit hook checks what `backlog check` checks for types and names.

use serde_json::{json, Map, Value};

use crate::model::field::{self, FieldType, Key, Shape};
use crate::model::score::ScoringModel;
use crate::model::Kind;

/// Which file a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemaOf {
    Story,
    Sprint,
    Config,
}

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// `S-42`: a prefix of letters, digits, `_` or `-`, a dash, a number.
const ID_PATTERN: &str = "^[A-Za-z0-9_-]+-(0|[1-9][0-9]*)$";
const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

fn text() -> Value {
    json!({ "type": ["string", "number", "boolean"] })
}

fn number() -> Value {
    json!({ "type": "number", "minimum": 0 })
}

fn date() -> Value {
    json!({ "type": "string", "pattern": DATE_PATTERN })
}

fn words() -> Value {
    json!({ "type": "array", "items": { "type": ["string", "number"] } })
}

fn story_id() -> Value {
    json!({ "type": "string", "pattern": ID_PATTERN })
}

/// The schema of one story field, by its type in the field table.
fn story_field(ty: FieldType) -> Value {
    match ty {
        FieldType::Id | FieldType::Epic => story_id(),
        FieldType::Text | FieldType::Sprint => text(),
        FieldType::Kind => {
            json!({ "enum": Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>() })
        }
        FieldType::Status | FieldType::Goal => json!({ "type": "string" }),
        // Ranks are exact decimals: long ones may be written in quotes.
        FieldType::Rank => json!({
            "anyOf": [
                { "type": "number" },
                { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$" }
            ]
        }),
        FieldType::Points => number(),
        FieldType::Words => words(),
        FieldType::Stories => json!({ "type": "array", "items": story_id() }),
        FieldType::Value => json!({
            "type": "object",
            "additionalProperties": { "type": ["number", "string"] }
        }),
        FieldType::Date => date(),
    }
}

fn shape(s: Shape) -> Value {
    match s {
        Shape::Text => text(),
        Shape::Word => json!({ "type": "string" }),
        Shape::Number => number(),
        Shape::Bool => json!({ "type": "boolean" }),
        Shape::Date => date(),
        Shape::Words => words(),
        Shape::OneOf(words) => json!({ "enum": words }),
        Shape::Map(keys) => object(keys),
        Shape::ListOf(keys) => json!({ "type": "array", "items": object(keys) }),
        Shape::Counts => json!({ "type": "object", "additionalProperties": number() }),
        Shape::Levels => json!({
            "type": "object",
            "additionalProperties": { "enum": ["error", "warning", "off"] }
        }),
        Shape::Scoring => json!({
            "anyOf": [
                // By name: every model but `weighted`, which needs its weights.
                { "enum": ScoringModel::NAMES.iter().filter(|n| **n != "weighted").collect::<Vec<_>>() },
                {
                    "type": "object",
                    "properties": {
                        "model": { "type": "string" },
                        "weights": { "type": "object", "additionalProperties": { "type": "number" } }
                    },
                    "required": ["model"],
                    "additionalProperties": false
                }
            ]
        }),
    }
}

/// A mapping with exactly `keys`.
fn object(keys: &[Key]) -> Value {
    let mut properties = Map::new();
    for k in keys {
        let mut v = shape(k.shape);
        v["description"] = json!(k.about);
        properties.insert(k.name.to_string(), v);
    }
    let required: Vec<&str> = keys.iter().filter(|k| k.required).map(|k| k.name).collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

/// The JSON Schema of `of`.
pub fn schema(of: SchemaOf) -> Value {
    let (title, mut body) = match of {
        SchemaOf::Story => {
            let mut properties = Map::new();
            for f in field::STORY {
                properties.insert(f.name.to_string(), story_field(f.ty));
            }
            let body = json!({
                "type": "object",
                "properties": properties,
                "required": ["id", "title", "status"],
                // Custom fields are kept and never read.
                "patternProperties": { "^x-": {} },
                "additionalProperties": false
            });
            (
                "The front matter of a backlog story (.backlog/stories/*.md)",
                body,
            )
        }
        SchemaOf::Sprint => (
            "The front matter of a backlog sprint (.backlog/sprints/*.md)",
            object(field::SPRINT),
        ),
        SchemaOf::Config => ("backlog.yaml", object(field::CONFIG)),
    };
    body["$schema"] = json!(DRAFT);
    body["title"] = json!(title);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sprint table and the order `fmt` writes sprint keys in name the same keys.
    #[test]
    fn sprint_keys_and_fmt_order_agree() {
        assert_eq!(field::names(field::SPRINT), field::SPRINT_ORDER);
    }

    #[test]
    fn every_story_field_is_in_the_story_schema() {
        let s = schema(SchemaOf::Story);
        for f in field::STORY {
            assert!(s["properties"].get(f.name).is_some(), "{}", f.name);
        }
    }
}
