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
    #[error("`{key}` is written in flow style (`{{ … }}`, `[ … ]`, `~`); the tool adds entries only to block lists: write it as a block list, one `- …` line per entry")]
    FlowStyle { key: String },
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

/// The YAML part of a file: the front matter of a story or sprint file, or
/// the whole of a plain YAML file (backlog.yaml), with its first line and
/// the 0-based range of its lines.
fn yaml_of(text: &str) -> Result<(&str, usize, std::ops::Range<usize>), EditError> {
    match document::split(text) {
        Ok(fm) => {
            let n = fm.yaml.split_inclusive('\n').count();
            Ok((fm.yaml, fm.yaml_line, 1..1 + n))
        }
        Err(_) if !text.starts_with("---") => Ok((text, 1, 0..text.split_inclusive('\n').count())),
        Err(_) => Err(EditError::Unparsable),
    }
}

fn parse_mapping(text: &str) -> Result<Mapping, EditError> {
    let (yaml, _, _) = yaml_of(text)?;
    document::prescan(yaml).map_err(|_| EditError::Unparsable)?;
    match serde_yaml::from_str::<Value>(yaml).map_err(|_| EditError::Unparsable)? {
        Value::Mapping(m) => Ok(m),
        Value::Null => Ok(Mapping::new()),
        _ => Err(EditError::Unparsable),
    }
}

/// Applies `edits` to a file's text (BOM already removed), placing new keys
/// by `order`, and verifies the result by parsing it.
pub fn apply(text: &str, edits: &[FieldEdit], order: &[&str]) -> Result<String, EditError> {
    let before = parse_mapping(text)?;
    let mut out = text.to_string();
    for e in edits {
        out = match (e.key.split_once('.'), &e.token) {
            (Some((parent, child)), Some(token)) => set_nested(&out, parent, child, token, order)?,
            (Some((parent, child)), None) => remove_nested(&out, parent, child)?,
            (None, Some(token)) => set_line(&out, &e.key, token, order)?,
            (None, None) => remove_line(&out, &e.key)?,
        };
    }
    let after = parse_mapping(&out).map_err(|_| EditError::Unsafe {
        key: edits.first().map(|e| e.key.clone()).unwrap_or_default(),
    })?;
    let mut expected = before.clone();
    for e in edits {
        // `value.business` is the key `business` of the mapping `value`.
        let (target, key) = match e.key.split_once('.') {
            Some((parent, child)) => {
                let parent = Value::String(parent.to_string());
                if !matches!(expected.get(&parent), Some(Value::Mapping(_))) {
                    expected.insert(parent.clone(), Value::Mapping(Mapping::new()));
                }
                let Some(Value::Mapping(m)) = expected.get_mut(&parent) else {
                    unreachable!("inserted above")
                };
                (m, Value::String(child.to_string()))
            }
            None => (&mut expected, Value::String(e.key.clone())),
        };
        match &e.token {
            Some(token) => {
                let v: Value = serde_yaml::from_str(token).map_err(|_| EditError::Roundtrip {
                    key: e.key.clone(),
                    value: token.clone(),
                })?;
                target.insert(key, v);
            }
            None => {
                target.remove(&key);
            }
        }
    }
    for e in edits.iter().filter(|e| e.token.is_some()) {
        let read = |m: &Mapping| -> Option<Value> {
            match e.key.split_once('.') {
                Some((p, c)) => match m.get(Value::String(p.into())) {
                    Some(Value::Mapping(pm)) => pm.get(Value::String(c.into())).cloned(),
                    _ => None,
                },
                None => m.get(Value::String(e.key.clone())).cloned(),
            }
        };
        if read(&after) != read(&expected) {
            return Err(EditError::Roundtrip {
                key: e.key.clone(),
                value: e.token.clone().unwrap_or_default(),
            });
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
    let (_, _, yaml) = yaml_of(text)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    Ok(Lines {
        lines,
        yaml,
        newline,
    })
}

/// Top-level keys of the front matter: (key, 0-based line index).
fn top_level(text: &str) -> Result<Vec<(String, usize)>, EditError> {
    let (yaml, first, _) = yaml_of(text)?;
    let layout = Layout::scan(yaml, first);
    let mut keys: Vec<(String, usize)> = layout
        .top_level()
        .map(|(k, slot)| (k.to_string(), slot.line - 1))
        .collect();
    keys.sort_by_key(|(_, line)| *line);
    Ok(keys)
}

/// A file's lines and where its top-level front-matter fields are.
pub struct FieldLines<'a> {
    /// Every line of the file, with its ending.
    pub lines: Vec<&'a str>,
    /// Each top-level field with the 0-based range of lines it spans (its
    /// key line and any continuation lines, as [`apply`] replaces them), in
    /// file order.
    pub fields: Vec<(String, std::ops::Range<usize>)>,
    /// The range of the YAML lines.
    pub yaml: std::ops::Range<usize>,
}

/// The lines of `text` and its fields, for the merge driver, which moves
/// whole fields.
pub fn field_lines(text: &str) -> Result<FieldLines<'_>, EditError> {
    let l = lines(text)?;
    let keys = top_level(text)?;
    let fields = keys
        .iter()
        .map(|(k, start)| (k.clone(), *start..field_extent(&l, &keys, *start)))
        .collect();
    Ok(FieldLines {
        lines: l.lines,
        fields,
        yaml: l.yaml,
    })
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
        if raw.is_empty() && end > idx + 1 {
            if let Some(list) = block_list(&l, idx + 1, end, token) {
                let mut out = String::with_capacity(text.len() + token.len());
                out.extend(l.lines[..=idx].iter().copied());
                out.push_str(&list);
                out.extend(l.lines[end..].iter().copied());
                return Ok(out);
            }
        }
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

/// A block list (`- item` lines `start..end`) rewritten to hold the items of
/// the flow-sequence `token`: the line of every item that stays is kept as
/// it was (with its comment), items that go lose their line, new ones get a
/// line like the others. `None` when the lines are not a simple block list
/// of scalars or the token is not a sequence.
fn block_list(l: &Lines, start: usize, end: usize, token: &str) -> Option<String> {
    let Ok(Value::Sequence(items)) = serde_yaml::from_str::<Value>(token) else {
        return None;
    };
    let wanted: Vec<String> = items
        .iter()
        .map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    // Each existing item line: (its value, the line); other lines in the
    // extent (comments, blanks) are kept before the next item.
    let mut existing: Vec<(String, String)> = Vec::new();
    let mut indent = None;
    for line in &l.lines[start..end] {
        let t = line.trim_start_matches(' ');
        if t.trim().is_empty() || t.starts_with('#') {
            continue;
        }
        let item = t.strip_prefix("- ")?;
        let raw = strip_comment(item.trim());
        if raw.is_empty()
            || raw.starts_with(['[', '{', '|', '>', '-'])
            || !document::flow_balanced(raw)
        {
            return None;
        }
        indent.get_or_insert(line.len() - t.len());
        existing.push((document::unquote(raw).to_string(), line.to_string()));
    }
    let pad = " ".repeat(indent.unwrap_or(2));
    let newline = if l.lines[start].ends_with("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = String::new();
    for w in &wanted {
        match existing.iter().position(|(v, _)| v == w) {
            Some(i) => out.push_str(&existing.remove(i).1),
            None => out.push_str(&format!("{pad}- {}{newline}", text_token(w))),
        }
    }
    Some(out)
}

/// Sets `child` of the mapping `parent` at its own place: the value token
/// on the child's line (block style), the element inside a one-line flow
/// mapping, or a new line or element; other keys and comments stay.
fn set_nested(
    text: &str,
    parent: &str,
    child: &str,
    token: &str,
    order: &[&str],
) -> Result<String, EditError> {
    let (yaml, first, _) = yaml_of(text)?;
    let layout = Layout::scan(yaml, first);
    let l = lines(text)?;
    let Some(pslot) = layout.get(parent) else {
        return set_line(text, parent, &format!("{{ {child}: {token} }}"), order);
    };
    let path = format!("{parent}.{child}");
    let replace = |line_idx: usize, start: usize, stop: usize, with: &str| {
        let mut out = String::with_capacity(text.len() + with.len());
        out.extend(l.lines[..line_idx].iter().copied());
        let line = l.lines[line_idx];
        out.push_str(&line[..start]);
        out.push_str(with);
        out.push_str(&line[stop..]);
        out.extend(l.lines[line_idx + 1..].iter().copied());
        out
    };
    if pslot.raw.is_empty() {
        // Block mapping.
        if let Some(slot) = layout.get(&path) {
            let raw = &slot.raw;
            if raw.is_empty() || raw.starts_with(['|', '>']) || !document::flow_balanced(raw) {
                return Err(EditError::Multiline { key: path });
            }
            let idx = slot.line - 1;
            let start = slot.value_column - 1;
            return Ok(replace(idx, start, start + raw.len(), token));
        }
        // A new child line after the last line of the block, indented like its children.
        let pidx = pslot.line - 1;
        let pindent = pslot.key_column - 1;
        let mut last = pidx;
        let mut indent = None;
        for i in pidx + 1..l.yaml.end {
            let line = l.lines[i];
            let t = line.trim_start_matches(' ');
            if t.trim().is_empty() || t.starts_with('#') {
                continue;
            }
            let ind = line.len() - t.len();
            if ind <= pindent {
                break;
            }
            indent.get_or_insert(ind);
            last = i;
        }
        let pad = " ".repeat(indent.unwrap_or(pindent + 2));
        let mut out = String::with_capacity(text.len() + token.len() + child.len() + 8);
        out.extend(l.lines[..=last].iter().copied());
        if !l.lines[last].ends_with('\n') {
            out.push_str(l.newline);
        }
        out.push_str(&format!("{pad}{child}: {token}{}", l.newline));
        out.extend(l.lines[last + 1..].iter().copied());
        return Ok(out);
    }
    // A one-line flow mapping `{ a: 1, b: 2 }`.
    let raw = &pslot.raw;
    if !raw.starts_with('{') || !raw.ends_with('}') || !document::flow_balanced(raw) {
        return Err(EditError::Multiline { key: parent.into() });
    }
    let idx = pslot.line - 1;
    let line = l.lines[idx];
    let body = line.trim_end_matches(['\n', '\r']);
    if let Some((col, width)) =
        document::locate_in_flow(body, pslot.value_column, &format!(".{child}"))
    {
        let start = byte_of_column(body, col);
        let stop = byte_of_column(body, col + width);
        return Ok(replace(idx, start, stop, token));
    }
    let open = pslot.value_column - 1;
    let close = open + raw.len() - 1;
    let inner = &body[open + 1..close];
    let new_inner = if inner.trim().is_empty() {
        format!(" {child}: {token} ")
    } else {
        let trimmed = inner.trim_end();
        format!("{trimmed}, {child}: {token}{}", &inner[trimmed.len()..])
    };
    Ok(replace(idx, open + 1, close, &new_inner))
}

/// Removes `child` of the mapping `parent`: its line (block style) or its
/// element with one comma (flow style). Nothing to remove is no change.
fn remove_nested(text: &str, parent: &str, child: &str) -> Result<String, EditError> {
    let (yaml, first, _) = yaml_of(text)?;
    let layout = Layout::scan(yaml, first);
    let l = lines(text)?;
    let Some(pslot) = layout.get(parent) else {
        return Ok(text.to_string());
    };
    if pslot.raw.is_empty() {
        let Some(slot) = layout.get(&format!("{parent}.{child}")) else {
            return Ok(text.to_string());
        };
        if slot.raw.is_empty()
            || slot.raw.starts_with(['|', '>'])
            || !document::flow_balanced(slot.raw)
        {
            return Err(EditError::Multiline {
                key: format!("{parent}.{child}"),
            });
        }
        let idx = slot.line - 1;
        let mut out = String::with_capacity(text.len());
        out.extend(l.lines[..idx].iter().copied());
        out.extend(l.lines[idx + 1..].iter().copied());
        return Ok(out);
    }
    let idx = pslot.line - 1;
    let line = l.lines[idx];
    let body = line.trim_end_matches(['\n', '\r']);
    let Some((col, width)) =
        document::locate_in_flow(body, pslot.value_column, &format!(".{child}"))
    else {
        return Ok(text.to_string());
    };
    // The element runs from its key to its value's end; take the comma
    // after it (or, for the last one, the comma before it).
    let value_end = byte_of_column(body, col + width);
    let open = pslot.value_column - 1;
    let before_value = &body[..byte_of_column(body, col)];
    let key_start = before_value.rfind([',', '{']).map_or(open + 1, |i| i + 1);
    let rest = &body[value_end..];
    let (start, stop) = match rest.trim_start().strip_prefix(',') {
        Some(after) => (key_start, body.len() - after.trim_start().len()),
        None => {
            let comma = body[..key_start].rfind(',').unwrap_or(key_start);
            (comma, value_end)
        }
    };
    let mut new_line = String::new();
    new_line.push_str(&body[..start]);
    if start == open + 1 && !body[stop..].starts_with(' ') {
        new_line.push(' ');
    }
    new_line.push_str(&body[stop..]);
    let new_line = new_line.replace("{ }", "{}").replace("{  }", "{}");
    let mut out = String::with_capacity(text.len());
    out.extend(l.lines[..idx].iter().copied());
    out.push_str(&new_line);
    out.push_str(&line[body.len()..]);
    out.extend(l.lines[idx + 1..].iter().copied());
    Ok(out)
}

/// Byte offset of 1-based character column `col` in `line`.
fn byte_of_column(line: &str, col: usize) -> usize {
    line.char_indices()
        .nth(col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i)
}

/// Appends review entries to a sprint file: each item (a one-line flow
/// mapping) goes after the last entry of `review.decisions` or
/// `review.feedback`, creating `review:` and the lists as needed, and
/// `date` sets `review.date` when it is absent. Only lines are added:
/// earlier entries are never touched (B080 holds them append-only). The
/// result is parsed and must be the old review plus exactly these entries.
pub fn append_review(
    text: &str,
    date: Option<&str>,
    decisions: &[String],
    feedback: &[String],
) -> Result<String, EditError> {
    let before = parse_mapping(text)?;
    let (yaml, first, _) = yaml_of(text)?;
    let layout = Layout::scan(yaml, first);
    let l = lines(text)?;
    let nl = l.newline;
    let indent_of = |line: &str| line.len() - line.trim_start_matches(' ').len();
    let blank = |line: &str| {
        let t = line.trim();
        t.is_empty() || t.starts_with('#')
    };
    // (after this 0-based line, insert this text); None means at the very top.
    let mut inserts: Vec<(usize, String)> = Vec::new();
    let item_lines = |pad: &str, items: &[String]| -> String {
        items.iter().map(|i| format!("{pad}- {i}{nl}")).collect()
    };
    match layout.get("review") {
        None => {
            let mut block = format!("review:{nl}");
            if let Some(d) = date {
                block.push_str(&format!("  date: {d}{nl}"));
            }
            for (key, items) in [("decisions", decisions), ("feedback", feedback)] {
                if !items.is_empty() {
                    block.push_str(&format!("  {key}:{nl}"));
                    block.push_str(&item_lines("    ", items));
                }
            }
            let last = l.yaml.end - 1;
            if !l.lines[last].ends_with('\n') {
                block.insert_str(0, nl);
            }
            inserts.push((last, block));
        }
        Some(r) if !r.raw.is_empty() => {
            return Err(EditError::Multiline {
                key: "review".into(),
            });
        }
        Some(r) => {
            let ridx = r.line - 1;
            let rindent = r.key_column - 1;
            // The review block: lines below `review:` indented deeper.
            let mut rend = ridx;
            let mut child_indent = None;
            for i in ridx + 1..l.yaml.end {
                if blank(l.lines[i]) {
                    continue;
                }
                let ind = indent_of(l.lines[i]);
                if ind <= rindent {
                    break;
                }
                child_indent.get_or_insert(ind);
                rend = i;
            }
            let cpad = " ".repeat(child_indent.unwrap_or(rindent + 2));
            if let (Some(d), None) = (date, layout.get("review.date")) {
                inserts.push((ridx, format!("{cpad}date: {d}{nl}")));
            }
            for (key, items) in [("decisions", decisions), ("feedback", feedback)] {
                if items.is_empty() {
                    continue;
                }
                match layout.get(&format!("review.{key}")) {
                    None => {
                        let mut block = format!("{cpad}{key}:{nl}");
                        block.push_str(&item_lines(&format!("{cpad}  "), items));
                        inserts.push((rend, block));
                    }
                    Some(list) if !list.raw.is_empty() => {
                        return Err(EditError::FlowStyle {
                            key: format!("review.{key}"),
                        });
                    }
                    Some(list) => {
                        let (last, pad) = block_list_end(&l, list);
                        inserts.push((last, item_lines(&pad, items)));
                    }
                }
            }
        }
    }
    // At one line, items that extend a list come before a new block (a new
    // `decisions:` after a `feedback:` list must not swallow its new items).
    inserts.sort_by_key(|(at, t)| (*at, !t.trim_start().starts_with('-')));
    let mut out = String::with_capacity(text.len() + 256);
    for (i, line) in l.lines.iter().enumerate() {
        out.push_str(line);
        for (at, t) in &inserts {
            if *at == i {
                out.push_str(t);
            }
        }
    }
    // Verify: everything but the review is unchanged, and the review is the
    // old one plus exactly these entries.
    let after = parse_mapping(&out).map_err(|_| EditError::Unsafe {
        key: "review".into(),
    })?;
    let review = Value::String("review".into());
    let (mut b, mut a) = (before.clone(), after.clone());
    let (old_r, new_r) = (b.remove(&review), a.remove(&review));
    if !document::same_fields(&b, &a) {
        return Err(EditError::Unsafe {
            key: "review".into(),
        });
    }
    let list = |r: &Option<Value>, k: &str| -> Vec<Value> {
        match r.as_ref().and_then(|r| r.get(k)) {
            Some(Value::Sequence(s)) => s.clone(),
            _ => Vec::new(),
        }
    };
    for (k, items) in [("decisions", decisions), ("feedback", feedback)] {
        let mut want = list(&old_r, k);
        for i in items {
            let v: Value = serde_yaml::from_str(i).map_err(|_| EditError::Roundtrip {
                key: format!("review.{k}"),
                value: i.clone(),
            })?;
            want.push(v);
        }
        if list(&new_r, k) != want {
            return Err(EditError::Roundtrip {
                key: format!("review.{k}"),
                value: items.join(", "),
            });
        }
    }
    Ok(out)
}

/// The last line of the block list whose key sits at `slot` (items may be
/// indented under the key or level with it), and the indent of its items.
fn block_list_end(l: &Lines, slot: crate::syntax::document::Slot) -> (usize, String) {
    let kidx = slot.line - 1;
    let kindent = slot.key_column - 1;
    let mut last = kidx;
    let mut item_indent = None;
    for i in kidx + 1..l.yaml.end {
        let line = l.lines[i];
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        let ind = line.len() - line.trim_start_matches(' ').len();
        let is_item = t.starts_with('-');
        if ind < kindent || (ind == kindent && !is_item) {
            break;
        }
        if is_item {
            item_indent.get_or_insert(ind);
        }
        last = i;
    }
    (last, " ".repeat(item_indent.unwrap_or(kindent + 2)))
}

/// Appends `item` (one line) to the top-level block list `key`, or starts
/// the list at the end of the YAML when there is none; verified by parsing:
/// the list gains exactly this item and nothing else changes.
pub fn append_list_item(text: &str, key: &str, item: &str) -> Result<String, EditError> {
    let before = parse_mapping(text)?;
    let (yaml, first, _) = yaml_of(text)?;
    let layout = Layout::scan(yaml, first);
    let l = lines(text)?;
    let nl = l.newline;
    let (at, insert) = match layout.get(key) {
        None => {
            let last = l.yaml.end.saturating_sub(1);
            let lead = if l.lines.get(last).is_some_and(|x| !x.ends_with('\n')) {
                nl
            } else {
                ""
            };
            (last, format!("{lead}{key}:{nl}  - {item}{nl}"))
        }
        Some(slot) if !slot.raw.is_empty() => return Err(EditError::FlowStyle { key: key.into() }),
        Some(slot) => {
            let (last, pad) = block_list_end(&l, slot);
            (last, format!("{pad}- {item}{nl}"))
        }
    };
    let mut out = String::with_capacity(text.len() + insert.len());
    for (i, line) in l.lines.iter().enumerate() {
        out.push_str(line);
        if i == at {
            out.push_str(&insert);
        }
    }
    if l.lines.is_empty() {
        out.push_str(&insert);
    }
    let after = parse_mapping(&out).map_err(|_| EditError::Unsafe { key: key.into() })?;
    let mut want = before;
    let k = Value::String(key.into());
    let v: Value = serde_yaml::from_str(item).map_err(|_| EditError::Roundtrip {
        key: key.into(),
        value: item.into(),
    })?;
    match want.get_mut(&k) {
        Some(Value::Sequence(seq)) => seq.push(v),
        _ => {
            want.insert(k, Value::Sequence(vec![v]));
        }
    }
    if !document::same_fields(&want, &after) {
        return Err(EditError::Unsafe { key: key.into() });
    }
    Ok(out)
}

/// Sets `child` of item `index` of the top-level list `key`, where the item
/// is a one-line flow mapping (`- { id: G-1, status: active }`): the token
/// is replaced (or added) inside that line; verified by parsing.
pub fn set_list_item_field(
    text: &str,
    key: &str,
    index: usize,
    child: &str,
    token: &str,
) -> Result<String, EditError> {
    let before = parse_mapping(text)?;
    let out = set_nested(text, &format!("{key}[{index}]"), child, token, &[])?;
    let after = parse_mapping(&out).map_err(|_| EditError::Unsafe { key: key.into() })?;
    let mut want = before;
    let v: Value = serde_yaml::from_str(token).map_err(|_| EditError::Roundtrip {
        key: child.into(),
        value: token.into(),
    })?;
    match want.get_mut(Value::String(key.into())) {
        Some(Value::Sequence(seq)) => match seq.get_mut(index) {
            Some(Value::Mapping(m)) => {
                m.insert(Value::String(child.into()), v);
            }
            _ => return Err(EditError::Unsafe { key: key.into() }),
        },
        _ => return Err(EditError::Unsafe { key: key.into() }),
    }
    if !document::same_fields(&want, &after) {
        return Err(EditError::Unsafe { key: key.into() });
    }
    Ok(out)
}

/// A text as a token inside a flow collection (`{ note: … }`): quoted when
/// a comma, bracket or colon would otherwise end or change it.
pub fn flow_text_token(s: &str) -> String {
    if is_plain_safe(s, true) {
        s.to_string()
    } else {
        quoted(s)
    }
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
        // A block list stays a block list; kept items keep their line.
        assert_eq!(
            set(text, "labels", "[c]"),
            "---\nid: S-1\nlabels:\n  - c\n\nrank: 1\n---\n"
        );
        let commented = "---\nid: S-1\nlabels:\n    - a   # the first\n    - b\nrank: 1\n---\n";
        assert_eq!(
            set(commented, "labels", "[b, a, \"x y\"]"),
            "---\nid: S-1\nlabels:\n    - b\n    - a   # the first\n    - x y\nrank: 1\n---\n"
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
    fn nested_keys_are_edited_at_their_own_place() {
        let set_in = |text: &str, key: &str, token: Option<&str>| {
            apply(
                text,
                &[FieldEdit {
                    key: key.into(),
                    token: token.map(str::to_string),
                }],
                ORDER,
            )
            .unwrap()
        };
        let block =
            "---\nid: S-1\nvalue:\n  business: 0x10  # hex on purpose\n  risk: 1e3\nrank: 1\n---\n";
        assert_eq!(
            set_in(block, "value.risk", Some("9")),
            "---\nid: S-1\nvalue:\n  business: 0x10  # hex on purpose\n  risk: 9\nrank: 1\n---\n"
        );
        assert_eq!(
            set_in(block, "value.size", Some("3")),
            "---\nid: S-1\nvalue:\n  business: 0x10  # hex on purpose\n  risk: 1e3\n  size: 3\nrank: 1\n---\n"
        );
        assert_eq!(
            set_in(block, "value.risk", None),
            "---\nid: S-1\nvalue:\n  business: 0x10  # hex on purpose\nrank: 1\n---\n"
        );
        let flow = "---\nid: S-1\nvalue: { business: 8, risk: 1e3 } # inputs\n---\n";
        assert_eq!(
            set_in(flow, "value.business", Some("9")),
            "---\nid: S-1\nvalue: { business: 9, risk: 1e3 } # inputs\n---\n"
        );
        assert_eq!(
            set_in(flow, "value.size", Some("2")),
            "---\nid: S-1\nvalue: { business: 8, risk: 1e3, size: 2 } # inputs\n---\n"
        );
        assert_eq!(
            set_in(flow, "value.business", None),
            "---\nid: S-1\nvalue: { risk: 1e3 } # inputs\n---\n"
        );
        assert_eq!(
            set_in(flow, "value.risk", None),
            "---\nid: S-1\nvalue: { business: 8 } # inputs\n---\n"
        );
        assert_eq!(
            set_in("---\nid: S-1\nrank: 1\n---\n", "value.business", Some("5")),
            "---\nid: S-1\nrank: 1\nvalue: { business: 5 }\n---\n"
        );
    }

    #[test]
    fn review_entries_are_appended_lines() {
        let items = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let fresh = "---\nid: 2026-S1\nstart: 2026-11-02\nend: 2026-11-13\n---\nNotes.\n";
        assert_eq!(
            append_review(fresh, Some("2026-11-13"), &items(&["{ story: S-1, decision: accepted }"]), &[]).unwrap(),
            "---\nid: 2026-S1\nstart: 2026-11-02\nend: 2026-11-13\nreview:\n  date: 2026-11-13\n  decisions:\n    - { story: S-1, decision: accepted }\n---\nNotes.\n"
        );
        let reviewed = "---\nid: X\nreview:\n  date: 2026-11-13\n  decisions:\n    - { story: S-1, decision: accepted }  # kept\n  feedback:\n  - { from: a, note: b }\n---\n";
        assert_eq!(
            append_review(
                reviewed,
                Some("2026-11-14"),
                &items(&["{ story: S-2, decision: rejected, note: \"late, again\" }"]),
                &items(&["{ from: c, note: d }"])
            )
            .unwrap(),
            "---\nid: X\nreview:\n  date: 2026-11-13\n  decisions:\n    - { story: S-1, decision: accepted }  # kept\n    - { story: S-2, decision: rejected, note: \"late, again\" }\n  feedback:\n  - { from: a, note: b }\n  - { from: c, note: d }\n---\n"
        );
        let no_lists = "---\nid: X\nreview:\n  date: 2026-11-13\nend: 2026-11-13\n---\n";
        assert_eq!(
            append_review(no_lists, None, &[], &items(&["{ from: c, note: d }"])).unwrap(),
            "---\nid: X\nreview:\n  date: 2026-11-13\n  feedback:\n    - { from: c, note: d }\nend: 2026-11-13\n---\n"
        );
        assert!(append_review(
            "---\nid: X\nreview: { date: 2026-11-13 }\n---\n",
            None,
            &items(&["{ from: c, note: d }"]),
            &[]
        )
        .is_err());
        assert_eq!(
            flow_text_token("pick up first, we have no drivers"),
            "\"pick up first, we have no drivers\""
        );
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
