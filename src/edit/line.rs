//! Line-level edits of front matter.
//!
//! A tool edit must change only the bytes it has to: one `rank` move changes
//! one line of one file. So values are replaced as tokens on their own line
//! (or one line is added or removed); key order, comments, quoting, blank
//! lines, line endings and the whole body stay as they were. Every edit is
//! checked by parsing the result: the edited field must read back as
//! intended and every other field must be unchanged, or nothing is written.

use serde_yaml::{Mapping, Value};

use crate::syntax::document::{self, strip_comment, Layout};

/// Why an edit was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the front matter does not parse; run `backlog check` and fix it first")]
    Unparsable,
    #[error("`{key}` spans several lines in a form the tool does not rewrite; edit it by hand")]
    Multiline { key: String },
    #[error("editing `{key}` would change other fields; nothing was written")]
    Unsafe { key: String },
    #[error("`{value}` does not read back as the value intended for `{key}`")]
    Roundtrip { key: String, value: String },
}

/// A top-level field change: a YAML token to write, or `None` to remove it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldEdit {
    pub key: String,
    pub token: Option<String>,
}

fn parse_mapping(text: &str) -> Result<Mapping, EditError> {
    document::front_matter_mapping(text).ok_or(EditError::Unparsable)
}

/// Applies `edits` to a file's text (BOM already removed), placing new keys
/// by `order`, and verifies the result by parsing it.
pub fn apply(text: &str, edits: &[FieldEdit], order: &[&str]) -> Result<String, EditError> {
    let before = parse_mapping(text)?;
    let mut out = text.to_string();
    for e in edits {
        out = match &e.token {
            Some(token) => set_line(&out, &e.key, token, order)?,
            None => remove_line(&out, &e.key)?,
        };
    }
    let after = parse_mapping(&out).map_err(|_| EditError::Unsafe {
        key: edits.first().map(|e| e.key.clone()).unwrap_or_default(),
    })?;
    let mut expected = before.clone();
    for e in edits {
        let key = Value::String(e.key.clone());
        match &e.token {
            Some(token) => {
                let v: Value = serde_yaml::from_str(token).map_err(|_| EditError::Roundtrip {
                    key: e.key.clone(),
                    value: token.clone(),
                })?;
                if after.get(&key) != Some(&v) {
                    return Err(EditError::Roundtrip {
                        key: e.key.clone(),
                        value: token.clone(),
                    });
                }
                expected.insert(key, v);
            }
            None => {
                expected.remove(&key);
            }
        }
    }
    if !document::same_fields(&expected, &after) {
        return Err(EditError::Unsafe {
            key: edits.first().map(|e| e.key.clone()).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The file's lines with their endings, and where the front matter's YAML
/// lines are (0-based line indexes, end exclusive).
struct Lines<'a> {
    lines: Vec<&'a str>,
    yaml: std::ops::Range<usize>,
    newline: &'static str,
}

fn lines(text: &str) -> Result<Lines<'_>, EditError> {
    let fm = document::split(text).map_err(|_| EditError::Unparsable)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let yaml_lines = fm.yaml.split_inclusive('\n').count();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    Ok(Lines {
        lines,
        yaml: 1..1 + yaml_lines,
        newline,
    })
}

/// Top-level keys of the front matter: (key, 0-based line index).
fn top_level(text: &str) -> Result<Vec<(String, usize)>, EditError> {
    let fm = document::split(text).map_err(|_| EditError::Unparsable)?;
    let layout = Layout::scan(fm.yaml, fm.yaml_line);
    let mut keys: Vec<(String, usize)> = layout
        .top_level()
        .map(|(k, slot)| (k.to_string(), slot.line - 1))
        .collect();
    keys.sort_by_key(|(_, line)| *line);
    Ok(keys)
}

/// Lines `start..end` that belong to the key on line `start`: its line and
/// any indented or list continuation lines, without trailing blank lines.
fn field_extent(l: &Lines, keys: &[(String, usize)], start: usize) -> usize {
    let next = keys
        .iter()
        .map(|(_, line)| *line)
        .filter(|&line| line > start)
        .min()
        .unwrap_or(l.yaml.end);
    let mut end = next;
    while end > start + 1 && {
        let t = l.lines[end - 1].trim();
        t.is_empty() || t.starts_with('#')
    } {
        end -= 1;
    }
    end
}

fn line_ending(line: &str) -> &str {
    if line.ends_with("\r\n") {
        "\r\n"
    } else if line.ends_with('\n') {
        "\n"
    } else {
        ""
    }
}

fn set_line(text: &str, key: &str, token: &str, order: &[&str]) -> Result<String, EditError> {
    let l = lines(text)?;
    let keys = top_level(text)?;
    if let Some(&(_, idx)) = keys.iter().find(|(k, _)| k == key) {
        let line = l.lines[idx];
        let ending = line_ending(line);
        let body = &line[..line.len() - ending.len()];
        let colon = body.find(':').unwrap_or(body.len());
        let after = &body[colon + 1..];
        let value_start = colon + 1 + (after.len() - after.trim_start().len());
        let raw = strip_comment(after.trim());
        let end = field_extent(&l, &keys, idx);
        let multiline = end > idx + 1
            || raw.starts_with('|')
            || raw.starts_with('>')
            || !document::flow_balanced(raw);
        let new_line = if raw.is_empty() || multiline {
            if !raw.is_empty()
                && !raw.starts_with('|')
                && !raw.starts_with('>')
                && document::flow_balanced(raw)
            {
                return Err(EditError::Multiline { key: key.into() });
            }
            let comment = comment_of(after);
            format!("{}: {token}{comment}{ending}", &body[..colon])
        } else {
            let raw_len = raw.len();
            let start = value_start.min(body.len());
            let stop = (start + raw_len).min(body.len());
            format!("{}{token}{}{ending}", &body[..start], &body[stop..])
        };
        let mut out = String::with_capacity(text.len() + token.len());
        out.extend(l.lines[..idx].iter().copied());
        out.push_str(&new_line);
        out.extend(l.lines[end..].iter().copied());
        return Ok(out);
    }
    // Insert after the nearest key that comes before it in `order`.
    let rank_of = |k: &str| order.iter().position(|o| *o == k).unwrap_or(order.len());
    let mine = rank_of(key);
    let before = keys
        .iter()
        .filter(|(k, _)| rank_of(k) <= mine)
        .max_by_key(|(k, line)| (rank_of(k), *line));
    let at = match before {
        Some(&(_, line)) => field_extent(&l, &keys, line),
        None => keys
            .iter()
            .map(|(_, line)| *line)
            .min()
            .unwrap_or(l.yaml.end),
    };
    let mut out = String::with_capacity(text.len() + key.len() + token.len() + 4);
    out.extend(l.lines[..at].iter().copied());
    if at > 0 && !l.lines[at - 1].ends_with('\n') {
        out.push_str(l.newline);
    }
    out.push_str(&format!("{key}: {token}{}", l.newline));
    out.extend(l.lines[at..].iter().copied());
    Ok(out)
}

/// ` # comment` at the end of a value, with its leading space, if any.
fn comment_of(after: &str) -> &str {
    let t = after.trim_end();
    let stripped = strip_comment(t.trim_start());
    let lead = t.len() - t.trim_start().len();
    &t[(lead + stripped.len()).min(t.len())..]
}

fn remove_line(text: &str, key: &str) -> Result<String, EditError> {
    let l = lines(text)?;
    let keys = top_level(text)?;
    let Some(&(_, idx)) = keys.iter().find(|(k, _)| k == key) else {
        return Ok(text.to_string());
    };
    let end = field_extent(&l, &keys, idx);
    let mut out = String::with_capacity(text.len());
    out.extend(l.lines[..idx].iter().copied());
    out.extend(l.lines[end..].iter().copied());
    Ok(out)
}

/// A text value as a YAML token: plain when that reads back as the same
/// text, double-quoted otherwise.
pub fn text_token(s: &str) -> String {
    if is_plain_safe(s, false) {
        s.to_string()
    } else {
        quoted(s)
    }
}

/// A list of text values as a flow sequence: `[a, b]`.
pub fn list_token(items: &[String]) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|s| {
            if is_plain_safe(s, true) {
                s.clone()
            } else {
                quoted(s)
            }
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_plain_safe(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let keyword = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    );
    let numeric = s.parse::<f64>().is_ok() || s.starts_with("0x") || s.starts_with("0o");
    (first.is_alphanumeric() || first == '(' || first == '/' || first == '.' && s.len() > 1)
        && !keyword
        && !numeric
        && !s.ends_with(' ')
        && !s.ends_with(':')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.chars().any(|c| c.is_control())
        && !(in_flow && s.contains([',', '[', ']', '{', '}']))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: &[&str] = &[
        "id", "title", "status", "rank", "estimate", "labels", "created",
    ];

    fn set(text: &str, key: &str, token: &str) -> String {
        apply(
            text,
            &[FieldEdit {
                key: key.into(),
                token: Some(token.into()),
            }],
            ORDER,
        )
        .unwrap()
    }

    #[test]
    fn replaces_only_the_value_token() {
        let text = "---\nid: S-1\nrank:   12.5   # keep me\ntitle: 'A'\n---\nBody *stays*.\n";
        assert_eq!(
            set(text, "rank", "3.5"),
            "---\nid: S-1\nrank:   3.5   # keep me\ntitle: 'A'\n---\nBody *stays*.\n"
        );
    }

    #[test]
    fn keeps_crlf() {
        let text = "---\r\nid: S-1\r\nrank: 1\r\n---\r\nbody\r\n";
        assert_eq!(
            set(text, "rank", "2"),
            "---\r\nid: S-1\r\nrank: 2\r\n---\r\nbody\r\n"
        );
        assert_eq!(
            set(text, "status", "ready"),
            "---\r\nid: S-1\r\nstatus: ready\r\nrank: 1\r\n---\r\nbody\r\n"
        );
    }

    #[test]
    fn inserts_in_canonical_order() {
        let text = "---\nid: S-1\ntitle: A\ncreated: 2026-01-01\n---\n";
        assert_eq!(
            set(text, "rank", "5"),
            "---\nid: S-1\ntitle: A\nrank: 5\ncreated: 2026-01-01\n---\n"
        );
        let text = "---\ntitle: A\n---\n";
        assert_eq!(set(text, "id", "S-1"), "---\nid: S-1\ntitle: A\n---\n");
    }

    #[test]
    fn replaces_block_lists_and_removes_fields() {
        let text = "---\nid: S-1\nlabels:\n  - a\n  - b\n\nrank: 1\n---\n";
        assert_eq!(
            set(text, "labels", "[c]"),
            "---\nid: S-1\nlabels: [c]\n\nrank: 1\n---\n"
        );
        let removed = apply(
            text,
            &[FieldEdit {
                key: "labels".into(),
                token: None,
            }],
            ORDER,
        )
        .unwrap();
        assert_eq!(removed, "---\nid: S-1\n\nrank: 1\n---\n");
    }

    #[test]
    fn refuses_what_does_not_read_back() {
        let text = "---\nid: S-1\nrank: 1\n---\n";
        let bad = apply(
            text,
            &[FieldEdit {
                key: "rank".into(),
                token: Some("a: b".into()),
            }],
            ORDER,
        );
        assert!(bad.is_err());
        assert_eq!(
            apply("no front matter", &[], ORDER),
            Err(EditError::Unparsable)
        );
    }

    #[test]
    fn tokens_read_back_as_text() {
        for s in [
            "Export: PDF",
            "yes",
            "12",
            "a # b",
            "\"quoted\"",
            "#tag",
            "- dash",
            "plain words",
            "ends:",
        ] {
            let v: Value = serde_yaml::from_str(&text_token(s)).unwrap();
            assert_eq!(v, Value::String(s.into()), "{s}");
        }
        let v: Value = serde_yaml::from_str(&list_token(&["a,b".into(), "c".into()])).unwrap();
        assert_eq!(v, serde_yaml::from_str::<Value>("['a,b', c]").unwrap());
    }
}
