//! Typed reading of one YAML mapping, reporting each bad field where it is
//! written and carrying on with the rest.

use serde_yaml::{Mapping, Value};

use crate::model::date::Date;
use crate::model::diagnostic::{Finding, Rule};
use crate::model::finding_at;
use crate::model::rank::Rank;
use crate::model::suggest::did_you_mean;
use crate::syntax::document::{unquote, Document, Positions};

/// A mapping's entries in the order written, as [`Fields`] reads them: a
/// list, not a hash table (a story has a dozen fields, and hashing each key
/// twice was a part of `check`'s time).
pub type Entries = Vec<(Value, Value)>;

/// A mapping being read field by field; what is left at the end is unknown.
pub struct Fields<'a> {
    map: Entries,
    prefix: String,
    doc: &'a Document,
    layout: &'a dyn Positions,
    pub findings: &'a mut Vec<Finding>,
}

/// A YAML value's kind in words, for messages.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

impl<'a> Fields<'a> {
    pub fn new(
        map: impl IntoIterator<Item = (Value, Value)>,
        prefix: &str,
        doc: &'a Document,
        layout: &'a dyn Positions,
        findings: &'a mut Vec<Finding>,
    ) -> Fields<'a> {
        Fields {
            map: map.into_iter().collect(),
            prefix: prefix.to_string(),
            doc,
            layout,
            findings,
        }
    }

    /// The layout path of `key` in this mapping.
    pub fn path(&self, key: &str) -> String {
        format!("{}{}", self.prefix, key)
    }

    /// Reports a finding at `key`.
    pub fn report(&mut self, key: &str, rule: Rule, message: String, help: Option<String>) {
        let mut f = finding_at(
            self.doc,
            self.layout.layout(),
            &self.path(key),
            rule,
            message,
        );
        f.help = help;
        self.findings.push(f);
    }

    /// [`Fields::report`] pointing at the key itself, not its value: what
    /// is wrong with an unknown field is its name.
    fn report_at_key(&mut self, key: &str, rule: Rule, message: String, help: String) {
        let path = self.path(key);
        let Some(slot) = self.layout.layout().get(&path) else {
            return self.report(key, rule, message, Some(help));
        };
        let mut f = self.doc.finding(rule, slot.line, slot.key_column, message);
        f.width = key.chars().count().max(1);
        f.help = Some(help);
        self.findings.push(f);
    }

    /// Removes and returns a field; `Null` counts as absent.
    pub fn take(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        match self.map.remove(i).1 {
            Value::Null => None,
            v => Some(v),
        }
    }

    /// Where `key` is among the entries not yet taken.
    fn position(&self, key: &str) -> Option<usize> {
        self.map.iter().position(|(k, _)| k.as_str() == Some(key))
    }

    fn wrong_type(&mut self, key: &str, expected: &str, found: &Value, example: &str) {
        let msg = format!(
            "`{}` must be {expected}, but it is {}",
            self.path(key),
            kind_of(found)
        );
        self.report(
            key,
            Rule::WrongType,
            msg,
            Some(format!("write it like `{key}: {example}`")),
        );
    }

    /// Reports a required field that is absent.
    pub fn missing(&mut self, key: &str, example: &str) {
        let where_ = if self.prefix.is_empty() {
            String::new()
        } else {
            format!(" in `{}`", self.prefix.trim_end_matches('.'))
        };
        let msg = format!("required field `{key}` is missing{where_}");
        let mut f = finding_at(
            self.doc,
            self.layout.layout(),
            self.prefix.trim_end_matches('.'),
            Rule::MissingField,
            msg,
        );
        f.help = Some(format!("add a line `{key}: {example}`"));
        self.findings.push(f);
    }

    /// Text; numbers and booleans are taken as written only when `lenient`.
    pub fn text(&mut self, key: &str, lenient: bool, example: &str) -> Option<String> {
        let v = self.take(key)?;
        match v {
            Value::String(s) => Some(s),
            Value::Number(n) if lenient => Some(n.to_string()),
            Value::Bool(b) if lenient => Some(b.to_string()),
            other => {
                self.wrong_type(key, "text", &other, example);
                None
            }
        }
    }

    pub fn required_text(&mut self, key: &str, lenient: bool, example: &str) -> Option<String> {
        match self.position(key) {
            Some(i) if !self.map[i].1.is_null() => {}
            found => {
                if let Some(i) = found {
                    self.map.remove(i);
                }
                self.missing(key, example);
                return None;
            }
        }
        self.text(key, lenient, example)
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        let v = self.take(key)?;
        match v {
            Value::Bool(b) => Some(b),
            other => {
                self.wrong_type(key, "true or false", &other, "true");
                None
            }
        }
    }

    pub fn number(&mut self, key: &str, example: &str) -> Option<f64> {
        let v = self.take(key)?;
        match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 => Some(n),
            Some(_) => {
                let msg = format!("`{}` must be a number of zero or more", self.path(key));
                self.report(
                    key,
                    Rule::InvalidValue,
                    msg,
                    Some(format!("write it like `{key}: {example}`")),
                );
                None
            }
            None => {
                self.wrong_type(key, "a number", &v, example);
                None
            }
        }
    }

    pub fn date(&mut self, key: &str) -> Option<Date> {
        let v = self.take(key)?;
        let parsed = match &v {
            Value::String(s) => Date::parse(s),
            _ => None,
        };
        if parsed.is_none() {
            let msg = match &v {
                Value::String(s) => format!("`{}` is not a date: `{s}`", self.path(key)),
                other => format!(
                    "`{}` must be a date, but it is {}",
                    self.path(key),
                    kind_of(other)
                ),
            };
            self.report(
                key,
                Rule::WrongType,
                msg,
                Some(format!("write it like `{key}: 2026-11-02`")),
            );
        }
        parsed
    }

    /// A list of text items (ids, labels, names).
    pub fn list(&mut self, key: &str, example: &str) -> Vec<String> {
        let Some(v) = self.take(key) else {
            return Vec::new();
        };
        let Value::Sequence(items) = v else {
            self.wrong_type(key, "a list", &v, example);
            return Vec::new();
        };
        // At its length: a snapshot holds several lists a story.
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Value::String(s) => out.push(s),
                Value::Number(n) => out.push(n.to_string()),
                other => {
                    let path = format!("{key}[{i}]");
                    let msg = format!(
                        "each item of `{}` must be text, but item {} is {}",
                        self.path(key),
                        i + 1,
                        kind_of(&other)
                    );
                    self.report(
                        &path,
                        Rule::WrongType,
                        msg,
                        Some(format!("write it like `{key}: {example}`")),
                    );
                }
            }
        }
        out
    }

    /// A rank, read from its source text so it stays exact.
    pub fn rank(&mut self, key: &str) -> Option<Rank> {
        let v = self.take(key)?;
        let written = self
            .layout
            .raw(&self.path(key))
            .map(|raw| unquote(raw).to_string())
            .filter(|s| !s.is_empty());
        let text = match (&v, written) {
            (Value::Number(_) | Value::String(_), Some(w)) => w,
            (Value::Number(n), None) => n.to_string(),
            (Value::String(s), None) => s.clone(),
            (other, _) => {
                let other = other.clone();
                self.wrong_type(key, "a decimal number", &other, "12.5");
                return None;
            }
        };
        match Rank::parse(&text) {
            Ok(r) => Some(r),
            Err(e) => {
                let msg = format!(
                    "`{}` must be a decimal number, but it is `{}`",
                    self.path(key),
                    e.text
                );
                let help = "write digits with an optional `-` and one `.`, like `rank: 12.5`";
                self.report(key, Rule::WrongType, msg, Some(help.into()));
                None
            }
        }
    }

    /// A nested mapping, read with its own `Fields`.
    pub fn mapping(&mut self, key: &str, example: &str) -> Option<Mapping> {
        let v = self.take(key)?;
        match v {
            Value::Mapping(m) => Some(m),
            other => {
                self.wrong_type(key, "a mapping", &other, example);
                None
            }
        }
    }

    /// A list of mappings (review decisions, goals).
    pub fn list_of_mappings(&mut self, key: &str, example: &str) -> Vec<(String, Mapping)> {
        let Some(v) = self.take(key) else {
            return Vec::new();
        };
        let Value::Sequence(items) = v else {
            self.wrong_type(key, "a list", &v, example);
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("{key}[{i}]");
            match item {
                Value::Mapping(m) => out.push((format!("{}{path}.", self.prefix), m)),
                other => {
                    let msg = format!(
                        "each item of `{}` must be a mapping, but item {} is {}",
                        self.path(key),
                        i + 1,
                        kind_of(&other)
                    );
                    self.report(
                        &path,
                        Rule::WrongType,
                        msg,
                        Some(format!("write it like `- {example}`")),
                    );
                }
            }
        }
        out
    }

    /// Reports every field not taken, with a suggestion among `known`.
    pub fn finish(mut self, known: &[&str]) {
        let rest = std::mem::take(&mut self.map);
        for (k, v) in rest {
            let key = match &k {
                Value::String(s) => s.clone(),
                other => serde_yaml::to_string(other)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            if key.starts_with("x-") {
                continue;
            }
            // `{ from: x, note: pick up first, we have no drivers }`: the
            // unquoted comma ended the note, and its rest became a key with
            // no value. The fix is quoting, not renaming.
            if v.is_null() && key.contains(' ') {
                let msg = format!(
                    "`{key}` reads as a field with no value: a comma in an unquoted value ends it"
                );
                let help = "quote the value that holds the comma, like `note: \"pick up first, we have no drivers\"`";
                self.report(&key, Rule::UnknownField, msg, Some(help.into()));
                continue;
            }
            let help = match did_you_mean(&key, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? Custom fields must start with `x-`"),
                None => {
                    "remove it, or start its name with `x-` to keep it as a custom field".into()
                }
            };
            let msg = format!("unknown field `{}`", self.path(&key));
            self.report_at_key(&key, Rule::UnknownField, msg, help);
        }
    }

    pub fn doc(&self) -> &'a Document {
        self.doc
    }
}
