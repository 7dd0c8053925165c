//! The common shape of front matter, read without the YAML parser.
//!
//! Most story files are flat: one `key: value` per line at the left margin,
//! each value a plain or simply quoted scalar, a one-line `[a, b]` list or a
//! one-line `{ k: v }` mapping of plain scalars. [`read`] reads exactly that
//! shape, resolving scalars by the YAML parser's own rules (null, booleans,
//! integers, floats, else text), and says `None` to everything else: any
//! other line, indentation, a comment after a value, escapes, non-ASCII
//! text, a repeated key, anything that might be read in more than one way.
//! What it says `None` to goes to the YAML parser, which stays the one
//! meaning of YAML here (and the one source of its errors); a property test
//! below holds that wherever this reads a document, it reads what the
//! parser reads.

use serde_yaml::{Mapping, Number, Value};

/// The front matter's fields in the order written, when it has the flat
/// shape; `None` otherwise (the caller then hands it to the YAML parser).
pub fn read(yaml: &str) -> Option<Vec<(Value, Value)>> {
    let mut entries: Vec<(Value, Value)> = Vec::new();
    for line in yaml.split('\n') {
        if line.bytes().all(|b| b == b' ') || line.starts_with('#') {
            continue;
        }
        let (key, rest) = line.split_once(':')?;
        let key = plain_key(key)?;
        let value = match rest.strip_prefix(' ') {
            None if rest.is_empty() => Value::Null,
            None => return None,
            Some(rest) => block_value(rest.trim_end_matches(' '))?,
        };
        // A repeated key is the parser's to report. Keys are compared one
        // by one, so front matter of many keys is the parser's too.
        if entries.len() >= MAX_KEYS || entries.iter().any(|(k, _)| k.as_str() == Some(key)) {
            return None;
        }
        entries.push((Value::String(key.to_string()), value));
    }
    (!entries.is_empty()).then_some(entries)
}

/// The most keys read here; a story has about a dozen.
const MAX_KEYS: usize = 64;

/// A key of ASCII lowercase letters, digits and `_`, starting with a letter
/// or `_`, that the parser reads as text.
fn plain_key(key: &str) -> Option<&str> {
    let b = key.as_bytes();
    let first = *b.first()?;
    let ok = (first.is_ascii_lowercase() || first == b'_')
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
        && !matches!(key, "null" | "true" | "false");
    ok.then_some(key)
}

/// The value after `key: `, trailing spaces removed.
fn block_value(v: &str) -> Option<Value> {
    if v.is_empty() {
        return Some(Value::Null);
    }
    if !v.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return None;
    }
    match v.as_bytes()[0] {
        b'[' => {
            let inner = v.strip_prefix('[')?.strip_suffix(']')?;
            let items = flow_items(inner)?;
            let seq = items.into_iter().map(flow_scalar).collect::<Option<_>>()?;
            Some(Value::Sequence(seq))
        }
        b'{' => {
            let inner = v.strip_prefix('{')?.strip_suffix('}')?;
            let mut map = Mapping::new();
            for item in flow_items(inner)? {
                let (k, val) = item.split_once(": ")?;
                let k = plain_key(k)?;
                let val = flow_scalar(val.trim_start_matches(' '))?;
                if map.insert(Value::String(k.to_string()), val).is_some() {
                    return None;
                }
            }
            Some(Value::Mapping(map))
        }
        q @ (b'"' | b'\'') => {
            let inner = v[1..].strip_suffix(q as char)?;
            let plain = !inner.contains(q as char) && (q == b'\'' || !inner.contains('\\'));
            plain.then(|| Value::String(inner.to_string()))
        }
        _ => {
            // `#` may start a comment, `: ` a nested mapping: not flat.
            if v.contains('#') || v.contains(": ") || v.ends_with(':') {
                return None;
            }
            scalar(v)
        }
    }
}

/// The items of a one-line flow collection, trimmed; `None` when one is
/// empty (`[a, , b]`, `[a,]`) or holds flow syntax of its own.
fn flow_items(inner: &str) -> Option<Vec<&str>> {
    if inner.bytes().all(|b| b == b' ') {
        return Some(Vec::new());
    }
    inner
        .split(',')
        .map(|item| {
            let item = item.trim_matches(' ');
            let flat = !item.is_empty()
                && (quoted(item).is_some()
                    || !item
                        .bytes()
                        .any(|b| matches!(b, b'[' | b']' | b'{' | b'}' | b'#' | b'"' | b'\'')));
            flat.then_some(item)
        })
        .collect()
}

/// The text of an item quoted whole (`"Process"`, `'a: b'`) that holds no
/// quote and no backslash: read as written, whatever it holds.
fn quoted(item: &str) -> Option<&str> {
    let b = item.as_bytes();
    let q = *b.first()?;
    let whole = b.len() >= 2 && matches!(q, b'"' | b'\'') && b[b.len() - 1] == q;
    let inner = whole.then(|| &item[1..item.len() - 1])?;
    (!inner.contains(['"', '\'', '\\'])).then_some(inner)
}

/// A plain or simply quoted scalar inside a flow collection.
fn flow_scalar(item: &str) -> Option<Value> {
    if let Some(text) = quoted(item) {
        return Some(Value::String(text.to_string()));
    }
    if item.contains(':') {
        return None;
    }
    scalar(item)
}

/// A plain scalar resolved as the YAML parser (yaml_serde) resolves it, for
/// the scalars whose reading is certain; `None` for the rest.
fn scalar(s: &str) -> Option<Value> {
    let b = s.as_bytes();
    let first = *b.first()?;
    if first.is_ascii_alphabetic() || first == b'_' {
        return match s {
            "null" | "Null" | "NULL" => Some(Value::Null),
            "true" | "True" | "TRUE" => Some(Value::Bool(true)),
            "false" | "False" | "FALSE" => Some(Value::Bool(false)),
            _ => Some(Value::String(s.to_string())),
        };
    }
    if !first.is_ascii_digit() {
        return None;
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
    // Integers and decimals short enough for the parser's number types.
    if digits(int) && int.len() <= 18 {
        return match frac {
            // A leading zero makes digits text (YAML 1.2, as the parser reads it).
            None if int.len() > 1 && int.starts_with('0') => Some(Value::String(s.to_string())),
            None => Some(Value::Number(Number::from(int.parse::<u64>().ok()?))),
            Some(f) if digits(f) => {
                let x = s.parse::<f64>().ok().filter(|x| x.is_finite())?;
                Some(Value::Number(Number::from(x)))
            }
            Some(_) => None,
        };
    }
    // Text that no number syntax can read: a character no number has, or a
    // sign inside it that is not an exponent's (`2026-11-02`, `2026-S14`).
    let no_number_char = b.iter().any(|&c| {
        !(c.is_ascii_hexdigit() || matches!(c, b'.' | b'+' | b'-' | b'x' | b'X' | b'o' | b'O'))
    });
    let inner_sign = b
        .windows(2)
        .any(|w| matches!(w[1], b'-' | b'+') && !matches!(w[0], b'e' | b'E'));
    (no_number_char || inner_sign).then(|| Value::String(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the loader's YAML parser reads (`load::parse_yaml` hands it the
    /// text through `quote_long_integers`).
    fn parser(yaml: &str) -> Option<Value> {
        serde_yaml::from_str(&crate::syntax::document::quote_long_integers(yaml)).ok()
    }

    fn agrees(yaml: &str) -> Result<(), TestCaseError> {
        if let Some(fast) = read(yaml) {
            prop_assert_eq!(
                Some(Value::Mapping(fast.into_iter().collect())),
                parser(yaml),
                "front matter read differently:\n{}",
                yaml
            );
        }
        Ok(())
    }

    #[test]
    fn reads_a_generated_story() {
        let yaml = "id: S-1\ntitle: Search customers number 1\nkind: story\nstatus: done\n\
            rank: 10.8\nestimate: 8\ngoal: G-2\nlabels: [api, ui]\n\
            stakeholders: [finance, support]\n\
            value: { business: 13, time_criticality: 5, risk_reduction: 7, job_size: 9 }\n\
            sprint: 2026-S21\ncreated: 2026-11-23\n";
        let fast = read(yaml).map(|e| Value::Mapping(e.into_iter().collect()));
        assert!(fast.is_some());
        assert_eq!(fast, parser(yaml));
    }

    #[test]
    fn reads_quoted_list_items() {
        for yaml in [
            "labels: [\"Process\", 'Informational']\n",
            "labels: [\"a: b\", \"#x\", \"]\", \"\"]\n",
        ] {
            let fast = read(yaml).map(|e| Value::Mapping(e.into_iter().collect()));
            assert!(fast.is_some(), "{yaml:?}");
            assert_eq!(fast, parser(yaml), "{yaml:?}");
        }
        for yaml in [
            "labels: [\"a, b\"]\n",
            "labels: [\"a\\\"b\"]\n",
            "labels: ['it''s']\n",
            "labels: [\"a\" \"b\"]\n",
            "value: { k: \"v\" }\n",
        ] {
            assert_eq!(read(yaml), None, "{yaml:?}");
        }
    }

    #[test]
    fn leaves_the_rest_to_the_parser() {
        for yaml in [
            "id: S-1\nid: S-2\n",
            "id: S-1 # a comment\n",
            "labels:\n  - a\n",
            "title: \"a \\\" b\"\n",
            "title: café\n",
            "rank: 0x1F\n",
            "rank: 1e5\n",
            "rank: -1\n",
            "rank: .5\n",
            "a: b: c\n",
            "labels: [a, [b]]\n",
            "labels: [a,]\n",
            "Id: S-1\n",
            "",
        ] {
            assert_eq!(read(yaml), None, "{yaml:?}");
        }
    }

    /// Pieces of front matter, flat and nearly flat, for the property test.
    fn scalar_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ -~]{0,10}",
            "[a-zA-Z0-9][ -~]{0,10}",
            "[a-zA-Z][a-zA-Z0-9 ,.()/'\"-]{0,16}",
            "[0-9]{1,20}",
            "[0-9]{1,4}\\.[0-9]{0,4}",
            "[0-9+.eExXoObB_-]{1,8}",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            "[0-9]{4}-S[0-9]{1,2}",
            "[a-zA-Z_~][a-zA-Z0-9 _:#-]{0,10}",
            Just("null".to_string()),
            Just("NULL".to_string()),
            Just("~".to_string()),
            Just("True".to_string()),
            Just("false".to_string()),
            Just("yes".to_string()),
            Just("nan".to_string()),
            Just("inf".to_string()),
            Just(".inf".to_string()),
            Just("007".to_string()),
            Just("0".to_string()),
        ]
    }

    fn key_text() -> impl Strategy<Value = String> {
        prop_oneof![
            8 => "[a-z_][a-z0-9_]{0,6}",
            1 => Just("id".to_string()),
            1 => Just("null".to_string()),
            1 => Just("true".to_string()),
            1 => "[ -~]{0,6}",
        ]
    }

    /// A list item: a scalar, or one quoted whole (as real front matter
    /// writes `labels: ["Process"]`), with anything printable inside.
    fn item_text() -> impl Strategy<Value = String> {
        prop_oneof![
            3 => scalar_text(),
            1 => "[ -~]{0,8}".prop_map(|s| format!("\"{s}\"")),
            1 => "[ -~]{0,8}".prop_map(|s| format!("'{s}'")),
        ]
    }

    fn value_text() -> impl Strategy<Value = String> {
        let list = || prop::collection::vec(item_text(), 0..4);
        let pairs = prop::collection::vec((key_text(), scalar_text()), 0..4);
        prop_oneof![
            4 => scalar_text(),
            2 => list().prop_map(|v| format!("[{}]", v.join(", "))),
            1 => list().prop_map(|v| format!("[ {} ]", v.join(","))),
            2 => pairs.prop_map(|v| {
                let items: Vec<String> = v.iter().map(|(k, s)| format!("{k}: {s}")).collect();
                format!("{{ {} }}", items.join(", "))
            }),
            1 => "[ -~]{0,8}".prop_map(|s| format!("\"{s}\"")),
            1 => "[ -~]{0,8}".prop_map(|s| format!("'{s}'")),
        ]
    }

    fn line_text() -> impl Strategy<Value = String> {
        prop_oneof![
            40 => (key_text(), value_text(), "[ ]{0,2}")
                .prop_map(|(k, v, pad)| format!("{k}: {v}{pad}")),
            1 => key_text().prop_map(|k| format!("{k}:")),
            1 => (key_text(), value_text()).prop_map(|(k, v)| format!("{k}:{v}")),
            1 => Just(String::new()),
            1 => "# [ -~]{0,8}",
            1 => "[ -~]{0,12}",
            1 => (key_text(), value_text()).prop_map(|(k, v)| format!("  {k}: {v}")),
            1 => value_text().prop_map(|v| format!("  - {v}")),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        /// Wherever the flat reading reads a document, the parser reads the
        /// same mapping; everything else is left to the parser.
        #[test]
        fn agrees_with_the_yaml_parser(lines in prop::collection::vec(line_text(), 0..8)) {
            agrees(&lines.join("\n"))?;
            agrees(&(lines.join("\n") + "\n"))?;
        }

        /// Mostly flat documents, so that many are read both ways.
        #[test]
        fn agrees_on_flat_documents(
            lines in prop::collection::vec(("[a-z_][a-z0-9_]{0,8}", value_text()), 1..6)
        ) {
            let lines: Vec<String> = lines.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            agrees(&(lines.join("\n") + "\n"))?;
        }

        #[test]
        fn agrees_on_single_values(key in key_text(), value in value_text()) {
            agrees(&format!("{key}: {value}\n"))?;
        }
    }
}
