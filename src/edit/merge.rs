//! The three-way merge behind `backlog merge-file`, git's merge driver for
//! story and sprint files: a function of three texts (base, ours, theirs)
//! that returns the merged text and its conflicts. No I/O here.
//!
//! Front matter merges field by field: a field changed on one side takes
//! that side's value; the same change on both sides is clean; list fields
//! of the field table (`labels`, `depends_on`, …) merge as sets; mappings
//! (`value`, a sprint's `review`) merge key by key; a sprint's review
//! decisions and feedback merge as appended lists; anything else changed
//! differently on both sides (rank included) is a conflict, never a guess.
//! The result is ours' text with theirs' changes applied by the same
//! minimal, verified edits the commands make ([`crate::edit::line`]), so
//! ours' comments, key order and quoting stay. The body merges line by line.
//!
//! Whatever cannot be merged that way (a file that is not a story or sprint,
//! front matter that does not parse on one side, an edit that does not read
//! back) is merged line by line over the whole file instead: text is never
//! lost, and [`Merged::method`] says which way was taken and why.

use std::ops::Range;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_yaml::{Mapping, Value};
use similar::{Algorithm, DiffTag};

use crate::edit::line::{self, FieldEdit};
use crate::model::field::{self, FieldType};
use crate::syntax::document::{self, Layout};

/// Which kind of backlog file is merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Story,
    Sprint,
}

/// How the file was merged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Method {
    /// Field by field, with the body line by line.
    Fields(FileKind),
    /// Line by line over the whole file, for this reason.
    Lines(LineReason),
}

/// Why a file was merged line by line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LineReason {
    /// Its path is not below `stories/` or `sprints/`.
    NotABacklogFile,
    /// This side's front matter does not parse (`base`, `ours` or `theirs`).
    Unparsable(&'static str),
    /// A field could not be changed in place and read back as intended.
    NotInPlace(String),
}

/// One conflict left in the merged text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conflict {
    /// A front-matter field changed differently on both sides. `field` is
    /// its path (`status`, `value.business`, `review.date`); the values are
    /// as YAML text, `None` where the field is absent.
    Field {
        field: String,
        /// 1-based line of the `<<<<<<<` marker in the merged text.
        line: usize,
        base: Option<String>,
        ours: Option<String>,
        theirs: Option<String>,
    },
    /// Lines changed differently on both sides: the marked region runs from
    /// `start` to `end` (1-based lines of the merged text, markers included).
    Lines { start: usize, end: usize },
}

/// The result of a merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    pub text: String,
    pub conflicts: Vec<Conflict>,
    pub method: Method,
    /// The story's or sprint's id, as ours has it (for messages).
    pub id: Option<String>,
}

/// Conflict-marker labels: `ours` and `theirs`, followed by `:PATH` when
/// the path is known (as git writes `HEAD:path`).
#[derive(Clone, Debug)]
struct Labels {
    ours: String,
    theirs: String,
    newline: &'static str,
}

const BOM: &str = "\u{feff}";

/// How long each line diff may take before it settles for a coarser
/// (still correct) answer: no input makes the merge hang.
const DIFF_DEADLINE: Duration = Duration::from_secs(2);

/// Merges `theirs` into `ours` from their common ancestor `base`. `path`
/// is the file's path in the repository (git's `%P`): it decides whether
/// the file is a story or a sprint and labels the conflict markers.
pub fn merge<'a>(base: &'a str, ours: &'a str, theirs: &'a str, path: Option<&str>) -> Merged {
    let bom = ours.starts_with(BOM);
    let strip = |s: &'a str| -> &'a str { s.strip_prefix(BOM).unwrap_or(s) };
    let (base, ours, theirs) = (strip(base), strip(ours), strip(theirs));
    let newline = if ours.contains("\r\n") { "\r\n" } else { "\n" };
    let labels = Labels {
        ours: path.map_or("ours".into(), |p| format!("ours:{p}")),
        theirs: path.map_or("theirs".into(), |p| format!("theirs:{p}")),
        newline,
    };
    let mut merged = merge_texts(base, ours, theirs, path, &labels);
    if bom {
        merged.text.insert_str(0, BOM);
    }
    merged
}

fn merge_texts(
    base: &str,
    ours: &str,
    theirs: &str,
    path: Option<&str>,
    labels: &Labels,
) -> Merged {
    let by_lines = |reason: LineReason| {
        let (text, conflicts) = merge_lines(base, ours, theirs, labels, 0);
        Merged {
            text,
            conflicts,
            method: Method::Lines(reason),
            id: None,
        }
    };
    let path_kind = match path {
        Some(p) => match kind_of_path(Path::new(p)) {
            Some(k) => Some(k),
            None => return by_lines(LineReason::NotABacklogFile),
        },
        None => None,
    };
    let Some(b) = Side::read(base, true) else {
        return by_lines(LineReason::Unparsable("base"));
    };
    let Some(o) = Side::read(ours, false) else {
        return by_lines(LineReason::Unparsable("ours"));
    };
    let Some(t) = Side::read(theirs, false) else {
        return by_lines(LineReason::Unparsable("theirs"));
    };
    let kind = path_kind.unwrap_or_else(|| kind_of_fields(&o.map));
    let fields = match merge_fields(kind, &b, &o, &t) {
        Ok(f) => f,
        Err(why) => return by_lines(LineReason::NotInPlace(why)),
    };
    // The merged front matter (ours' fences), markers around conflicts.
    let head_len = fields.text.len() - fields.body_len;
    let (mut text, mut conflicts) = fields.marked(head_len, labels);
    let head_lines = text.matches('\n').count();
    let (body, body_conflicts) = merge_lines(b.body, o.body, t.body, labels, head_lines);
    text.push_str(&body);
    conflicts.extend(body_conflicts);
    Merged {
        text,
        conflicts,
        method: Method::Fields(kind),
        id: o.map.get("id").map(scalar_text),
    }
}

/// `stories/…` is a story and `sprints/…` a sprint (the nearest such folder
/// counts); any other path is not a backlog file.
fn kind_of_path(path: &Path) -> Option<FileKind> {
    path.parent()?
        .components()
        .rev()
        .find_map(|c| match c.as_os_str().to_str() {
            Some("stories") => Some(FileKind::Story),
            Some("sprints") => Some(FileKind::Sprint),
            _ => None,
        })
}

/// Without a path: sprint fields and no `status` make a sprint.
fn kind_of_fields(map: &Mapping) -> FileKind {
    let has = |k: &str| map.contains_key(k);
    if !has("status") && (has("start") || has("end") || has("review") || has("commitment")) {
        FileKind::Sprint
    } else {
        FileKind::Story
    }
}

/// One side: its text, its front matter as a mapping and as a layout, and
/// its body.
struct Side<'a> {
    text: &'a str,
    map: Mapping,
    layout: Layout,
    body: &'a str,
}

impl<'a> Side<'a> {
    /// `None` when the front matter does not split or parse. An empty base
    /// (git gives one when both sides added the file) has no fields.
    fn read(text: &'a str, empty_ok: bool) -> Option<Side<'a>> {
        if empty_ok && text.trim().is_empty() {
            return Some(Side {
                text,
                map: Mapping::new(),
                layout: Layout::default(),
                body: "",
            });
        }
        let fm = document::split(text).ok()?;
        let map = document::front_matter_mapping(text)?;
        Some(Side {
            text,
            map,
            layout: Layout::scan(fm.yaml, fm.yaml_line),
            body: fm.body,
        })
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key)
    }
}

/// A field changed differently on both sides, while merging.
struct Clash {
    /// The top-level field whose lines the markers surround.
    top: String,
    /// The field's path (`status`, `value.business`).
    path: String,
    base: Option<Value>,
    ours: Option<Value>,
    theirs: Option<Value>,
}

/// Ours' text with every clean change applied (conflicting fields keep
/// ours' value), what it must read as, and the conflicts.
struct Fields<'s> {
    order: &'static [&'static str],
    text: String,
    body_len: usize,
    expected: Mapping,
    clashes: Vec<Clash>,
    theirs: &'s Side<'s>,
}

fn merge_fields<'s>(
    kind: FileKind,
    b: &Side,
    o: &Side,
    t: &'s Side<'s>,
) -> Result<Fields<'s>, String> {
    let order = match kind {
        FileKind::Story => field::story_order(),
        FileKind::Sprint => field::SPRINT_ORDER,
    };
    let mut f = Fields {
        order,
        text: o.text.to_string(),
        body_len: o.body.len(),
        expected: o.map.clone(),
        clashes: Vec::new(),
        theirs: t,
    };
    let mut keys: Vec<Value> = Vec::new();
    for k in o.map.keys().chain(t.map.keys()).chain(b.map.keys()) {
        if !keys.contains(k) {
            keys.push(k.clone());
        }
    }
    for key in keys {
        let Some(name) = key.as_str() else {
            // A key that is not text: only clean when the sides agree.
            if o.map.get(&key) != t.map.get(&key) && b.map.get(&key) != t.map.get(&key) {
                return Err("a key that is not text".into());
            }
            continue;
        };
        let (bv, ov, tv) = (b.get(name), o.get(name), t.get(name));
        if ov == tv || bv == tv {
            continue;
        }
        if bv == ov {
            f.put_top(name, tv)?;
            continue;
        }
        let list_field = kind == FileKind::Story
            && field::story_field(name)
                .is_some_and(|fd| matches!(fd.ty, FieldType::Words | FieldType::Stories));
        if list_field {
            if let Some(items) = set_merge(bv, ov, tv) {
                if ov.is_none() && items.is_empty() {
                    continue;
                }
                let merged = Value::Sequence(items);
                if ov != Some(&merged) {
                    f.edit(name, Some(&merged))?;
                }
                continue;
            }
        }
        match (bv, ov, tv) {
            (
                None | Some(Value::Mapping(_)),
                Some(Value::Mapping(om)),
                Some(Value::Mapping(tm)),
            ) => {
                let empty = Mapping::new();
                let bm = match bv {
                    Some(Value::Mapping(m)) => m,
                    _ => &empty,
                };
                f.merge_mapping(kind, name, bm, om, tm)?;
            }
            _ => f.clash(name, name, bv, ov, tv),
        }
    }
    let after = document::front_matter_mapping(&f.text)
        .ok_or_else(|| "the merged front matter does not parse".to_string())?;
    if !document::same_fields(&f.expected, &after) {
        return Err("the merged front matter does not read back as merged".into());
    }
    Ok(f)
}

/// base → theirs' additions and removals applied to ours, as sets: ours'
/// order, then theirs' new items. `None` when a side is not a list.
fn set_merge(b: Option<&Value>, o: Option<&Value>, t: Option<&Value>) -> Option<Vec<Value>> {
    let seq = |v: Option<&Value>| -> Option<Vec<Value>> {
        match v {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(Value::Sequence(s)) => Some(s.clone()),
            _ => None,
        }
    };
    let (b, o, t) = (seq(b)?, seq(o)?, seq(t)?);
    let mut out: Vec<Value> = Vec::new();
    for v in o {
        let removed = b.contains(&v) && !t.contains(&v);
        if !removed && !out.contains(&v) {
            out.push(v);
        }
    }
    for v in t {
        if !b.contains(&v) && !out.contains(&v) {
            out.push(v);
        }
    }
    Some(out)
}

impl Fields<'_> {
    fn clash(
        &mut self,
        top: &str,
        path: &str,
        b: Option<&Value>,
        o: Option<&Value>,
        t: Option<&Value>,
    ) {
        self.clashes.push(Clash {
            top: top.into(),
            path: path.into(),
            base: b.cloned(),
            ours: o.cloned(),
            theirs: t.cloned(),
        });
    }

    /// Sets (or with `None` removes) the field `path` (`key` or
    /// `key.child`) to `value`, written as a flow token, and expects it.
    fn edit(&mut self, path: &str, value: Option<&Value>) -> Result<(), String> {
        self.text = set_value(&self.text, path, value, self.order)?;
        match path.split_once('.') {
            None => match value {
                Some(v) => {
                    self.expected.insert(path.into(), v.clone());
                }
                None => {
                    self.expected.remove(path);
                }
            },
            Some((parent, child)) => {
                if !matches!(self.expected.get(parent), Some(Value::Mapping(_))) {
                    self.expected
                        .insert(parent.into(), Value::Mapping(Mapping::new()));
                }
                if let Some(Value::Mapping(m)) = self.expected.get_mut(parent) {
                    match value {
                        Some(v) => {
                            m.insert(child.into(), v.clone());
                        }
                        None => {
                            m.remove(child);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Takes theirs' top-level field `key` as theirs writes it.
    fn put_top(&mut self, key: &str, value: Option<&Value>) -> Result<(), String> {
        self.text = put_field(&self.text, key, self.theirs, self.order)?;
        match value {
            Some(v) => {
                self.expected.insert(key.into(), v.clone());
            }
            None => {
                self.expected.remove(key);
            }
        }
        Ok(())
    }

    /// Both sides changed the mapping `key`: merge it key by key; a
    /// sprint's review decisions and feedback as appended lists.
    fn merge_mapping(
        &mut self,
        kind: FileKind,
        key: &str,
        bm: &Mapping,
        om: &Mapping,
        tm: &Mapping,
    ) -> Result<(), String> {
        let mut children: Vec<Value> = Vec::new();
        for k in om.keys().chain(tm.keys()).chain(bm.keys()) {
            if !children.contains(k) {
                children.push(k.clone());
            }
        }
        let mut appended: Vec<(String, Vec<String>, Vec<Value>)> = Vec::new();
        for child in children {
            let Some(c) = child.as_str() else {
                return Err(format!("a key of `{key}` that is not text"));
            };
            let (bv, ov, tv) = (bm.get(c), om.get(c), tm.get(c));
            let path = format!("{key}.{c}");
            if ov == tv || bv == tv {
                continue;
            }
            if kind == FileKind::Sprint && key == "review" && matches!(c, "decisions" | "feedback")
            {
                if let Some(new) = appended_items(bv, ov, tv) {
                    let tokens = new
                        .iter()
                        .map(|(i, v)| self.item_token(&path, *i, v))
                        .collect();
                    appended.push((
                        c.to_string(),
                        tokens,
                        new.into_iter().map(|(_, v)| v).collect(),
                    ));
                    continue;
                }
                self.clash(key, &path, bv, ov, tv);
                continue;
            }
            if bv == ov {
                self.edit(&path, tv)?;
                continue;
            }
            self.clash(key, &path, bv, ov, tv);
        }
        if appended.is_empty() {
            return Ok(());
        }
        let tokens = |which: &str| {
            appended
                .iter()
                .find(|(c, _, _)| c == which)
                .map_or(Vec::new(), |(_, t, _)| t.clone())
        };
        self.text =
            line::append_review(&self.text, None, &tokens("decisions"), &tokens("feedback"))
                .map_err(|e| e.to_string())?;
        if let Some(Value::Mapping(m)) = self.expected.get_mut(key) {
            for (c, _, values) in appended {
                match m.get_mut(c.as_str()) {
                    Some(Value::Sequence(s)) => s.extend(values),
                    _ => {
                        m.insert(c.into(), Value::Sequence(values));
                    }
                }
            }
        }
        Ok(())
    }

    /// An appended review entry as theirs wrote it, when that is one flow
    /// mapping on its line; else written out from its value.
    fn item_token(&self, path: &str, index: usize, value: &Value) -> String {
        match self.theirs.layout.get(&format!("{path}[{index}]")) {
            Some(slot)
                if slot.raw.starts_with('{')
                    && slot.raw.ends_with('}')
                    && document::flow_balanced(slot.raw) =>
            {
                slot.raw.to_string()
            }
            _ => flow(value, true),
        }
    }

    /// The merged front matter with markers around each conflicting field:
    /// ours' lines, then the same lines with theirs' value.
    fn marked(&self, head_len: usize, labels: &Labels) -> (String, Vec<Conflict>) {
        let head = &self.text[..head_len];
        if self.clashes.is_empty() {
            return (head.to_string(), Vec::new());
        }
        // Ours' merged text with theirs' values in the conflicting fields.
        let mut theirs_text = Some(self.text.clone());
        for c in &self.clashes {
            theirs_text = theirs_text.and_then(|text| {
                if c.top == c.path {
                    put_field(&text, &c.top, self.theirs, self.order).ok()
                } else {
                    set_value(&text, &c.path, c.theirs.as_ref(), self.order).ok()
                }
            });
        }
        let block_of = |text: &str, key: &str| -> Option<String> {
            let fl = line::field_lines(text).ok()?;
            let (_, r) = fl.fields.iter().find(|(k, _)| k == key)?;
            Some(fl.lines[r.clone()].concat())
        };
        let Ok(line::FieldLines {
            lines,
            fields,
            yaml,
        }) = line::field_lines(head)
        else {
            return (head.to_string(), Vec::new());
        };
        // (where in ours' lines, the lines replaced, theirs' lines, clashes)
        let mut regions: Vec<(Range<usize>, String, Vec<&Clash>)> = Vec::new();
        for c in &self.clashes {
            if let Some(r) = regions.iter_mut().find(|r| r.2[0].top == c.top) {
                r.2.push(c);
                continue;
            }
            let theirs_block = theirs_text
                .as_deref()
                .and_then(|t| block_of(t, &c.top))
                .or_else(|| block_of(self.theirs.text, &c.top))
                .unwrap_or_default();
            let at = match fields.iter().find(|(k, _)| *k == c.top) {
                Some((_, r)) => r.clone(),
                None => {
                    let p = insert_point(&fields, &yaml, &c.top, self.theirs);
                    p..p
                }
            };
            regions.push((at, theirs_block, vec![c]));
        }
        regions.sort_by_key(|r| r.0.start);
        let nl = labels.newline;
        let mut out = String::with_capacity(head.len() + 256);
        let mut conflicts = Vec::new();
        let mut at = 0;
        let mut line_no = 0;
        let push = |out: &mut String, text: &str, line_no: &mut usize| {
            out.push_str(text);
            if !text.is_empty() && !text.ends_with('\n') {
                out.push_str(nl);
            }
            *line_no += text.split_inclusive('\n').count();
        };
        for (range, theirs_block, clashes) in &regions {
            if range.start < at {
                continue;
            }
            push(&mut out, &lines[at..range.start].concat(), &mut line_no);
            let marker = line_no + 1;
            push(
                &mut out,
                &format!("<<<<<<< {}{nl}", labels.ours),
                &mut line_no,
            );
            push(&mut out, &lines[range.clone()].concat(), &mut line_no);
            push(&mut out, &format!("======={nl}"), &mut line_no);
            push(&mut out, theirs_block, &mut line_no);
            push(
                &mut out,
                &format!(">>>>>>> {}{nl}", labels.theirs),
                &mut line_no,
            );
            for c in clashes {
                conflicts.push(Conflict::Field {
                    field: c.path.clone(),
                    line: marker,
                    base: c.base.as_ref().map(|v| flow(v, false)),
                    ours: c.ours.as_ref().map(|v| flow(v, false)),
                    theirs: c.theirs.as_ref().map(|v| flow(v, false)),
                });
            }
            at = range.end;
        }
        out.push_str(&lines[at..].concat());
        (out, conflicts)
    }
}

/// base → ours and base → theirs are both appends: theirs' new entries
/// (with their index in theirs' list) that ours does not have yet. `None`
/// when either side rewrote or removed an entry.
fn appended_items(
    b: Option<&Value>,
    o: Option<&Value>,
    t: Option<&Value>,
) -> Option<Vec<(usize, Value)>> {
    let seq = |v: Option<&Value>| -> Option<Vec<Value>> {
        match v {
            None | Some(Value::Null) => Some(Vec::new()),
            Some(Value::Sequence(s)) => Some(s.clone()),
            _ => None,
        }
    };
    let (b, o, t) = (seq(b)?, seq(o)?, seq(t)?);
    if !o.starts_with(&b) || !t.starts_with(&b) {
        return None;
    }
    let ours_new = &o[b.len()..];
    Some(
        t.iter()
            .enumerate()
            .skip(b.len())
            .filter(|(_, v)| !ours_new.contains(v))
            .map(|(i, v)| (i, v.clone()))
            .collect(),
    )
}

/// Sets `path` (`key` or `key.child`) in `text` to `value` as a flow token,
/// or removes it, by the verified minimal edit.
fn set_value(
    text: &str,
    path: &str,
    value: Option<&Value>,
    order: &[&str],
) -> Result<String, String> {
    let edit = FieldEdit {
        key: path.into(),
        token: value.map(|v| flow(v, false)),
    };
    line::apply(text, &[edit], order).map_err(|e| e.to_string())
}

/// `text` with its top-level field `key` as `side` has it: removed when
/// the side has none; the value token replaced when the side writes it on
/// one line (ours' comment and spacing stay); else the side's lines for the
/// field, in place of ours' or after the field that precedes it there.
fn put_field(text: &str, key: &str, side: &Side, order: &[&str]) -> Result<String, String> {
    let side_fl = line::field_lines(side.text).map_err(|e| e.to_string())?;
    let (side_lines, side_fields) = (&side_fl.lines, &side_fl.fields);
    let Some((_, side_range)) = side_fields.iter().find(|(k, _)| k == key) else {
        let edit = FieldEdit {
            key: key.into(),
            token: None,
        };
        return line::apply(text, &[edit], order).map_err(|e| e.to_string());
    };
    if let Some(slot) = side.layout.get(key) {
        let raw = slot.raw;
        if side_range.len() == 1
            && !raw.is_empty()
            && !raw.starts_with(['|', '>'])
            && document::flow_balanced(raw)
        {
            let edit = FieldEdit {
                key: key.into(),
                token: Some(raw.to_string()),
            };
            if let Ok(out) = line::apply(text, &[edit], order) {
                return Ok(out);
            }
        }
    }
    let mut block = side_lines[side_range.clone()].concat();
    if !block.ends_with('\n') {
        block.push('\n');
    }
    let line::FieldLines {
        lines,
        fields,
        yaml,
    } = line::field_lines(text).map_err(|e| e.to_string())?;
    let range = match fields.iter().find(|(k, _)| k == key) {
        Some((_, r)) => r.clone(),
        None => {
            let p = insert_point(&fields, &yaml, key, side);
            p..p
        }
    };
    let mut out = String::with_capacity(text.len() + block.len());
    out.push_str(&lines[..range.start].concat());
    out.push_str(&block);
    out.push_str(&lines[range.end..].concat());
    Ok(out)
}

/// Where a field that `side` has and the text lacks goes: after the last
/// field that comes before it in `side` and is in the text, else first.
fn insert_point(
    fields: &[(String, Range<usize>)],
    yaml: &Range<usize>,
    key: &str,
    side: &Side,
) -> usize {
    let Ok(side_fl) = line::field_lines(side.text) else {
        return yaml.start;
    };
    let before: Vec<&str> = side_fl
        .fields
        .iter()
        .map(|(k, _)| k.as_str())
        .take_while(|k| *k != key)
        .collect();
    before
        .iter()
        .rev()
        .find_map(|b| fields.iter().find(|(k, _)| k == b))
        .map_or(yaml.start, |(_, r)| r.end)
}

/// A value as one line of YAML: a plain or quoted scalar, `[a, b]`,
/// `{ k: v }`. `in_flow` quotes text that a flow collection would split.
pub fn flow(v: &Value, in_flow: bool) -> String {
    match v {
        Value::Null => "~".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if in_flow => line::flow_text_token(s),
        Value::String(s) => line::text_token(s),
        Value::Sequence(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|i| flow(i, true))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Mapping(m) if m.is_empty() => "{}".into(),
        Value::Mapping(m) => format!(
            "{{ {} }}",
            m.iter()
                .map(|(k, v)| format!("{}: {}", flow(k, true), flow(v, true)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Tagged(t) => format!("{} {}", t.tag, flow(&t.value, in_flow)),
    }
}

/// A scalar as its text (ids).
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => flow(other, false),
    }
}

/// A run of lines that differ between base and one side: base lines
/// `base`, that side's lines `side`.
#[derive(Clone, Debug)]
struct Hunk {
    base: Range<usize>,
    side: Range<usize>,
}

fn hunks(base: &[&str], side: &[&str]) -> Vec<Hunk> {
    let deadline = Instant::now() + DIFF_DEADLINE;
    let ops = similar::capture_diff_slices_deadline(Algorithm::Myers, base, side, Some(deadline));
    // Positions are counted here from each op's lengths, in order: the
    // other side's index that a pure insert or delete carries is not
    // always where it happens.
    let mut out: Vec<Hunk> = Vec::new();
    let (mut bi, mut si) = (0, 0);
    for op in ops {
        let (tag, b, s) = op.as_tag_tuple();
        let (b, s) = (bi..bi + b.len(), si..si + s.len());
        (bi, si) = (b.end, s.end);
        if tag == DiffTag::Equal {
            continue;
        }
        match out.last_mut() {
            Some(h) if h.base.end == b.start && h.side.end == s.start => {
                h.base.end = b.end;
                h.side.end = s.end;
            }
            _ => out.push(Hunk { base: b, side: s }),
        }
    }
    out
}

/// A line-by-line three-way merge (diff3): a run of lines changed on one
/// side takes that side's lines; runs changed on both sides that overlap or
/// touch are one conflict unless both sides made the same change. Lines
/// keep their endings. `first_line` is how many lines come before the
/// merged text in the file (for the conflicts' line numbers).
fn merge_lines(
    base: &str,
    ours: &str,
    theirs: &str,
    labels: &Labels,
    first_line: usize,
) -> (String, Vec<Conflict>) {
    let b: Vec<&str> = base.split_inclusive('\n').collect();
    let o: Vec<&str> = ours.split_inclusive('\n').collect();
    let t: Vec<&str> = theirs.split_inclusive('\n').collect();
    let (ho, ht) = (hunks(&b, &o), hunks(&b, &t));
    let nl = labels.newline;
    let mut out = String::with_capacity(ours.len().max(theirs.len()));
    let mut conflicts = Vec::new();
    let mut line_no = first_line;
    let push = |out: &mut String, lines: &[&str], line_no: &mut usize| {
        for l in lines {
            out.push_str(l);
        }
        *line_no += lines.len();
    };
    let (mut i, mut j, mut pos) = (0, 0, 0);
    loop {
        let start = match (ho.get(i), ht.get(j)) {
            (None, None) => break,
            (Some(x), None) => x.base.start,
            (None, Some(y)) => y.base.start,
            (Some(x), Some(y)) => x.base.start.min(y.base.start),
        };
        let (i0, j0) = (i, j);
        let mut end = start;
        loop {
            if let Some(h) = ho.get(i).filter(|h| h.base.start <= end) {
                end = end.max(h.base.end);
                i += 1;
            } else if let Some(h) = ht.get(j).filter(|h| h.base.start <= end) {
                end = end.max(h.base.end);
                j += 1;
            } else {
                break;
            }
        }
        push(&mut out, b.get(pos..start).unwrap_or(&[]), &mut line_no);
        // A side's lines for base lines start..end, from its hunks there.
        fn span<'l>(hs: &[Hunk], side: &'l [&'l str], start: usize, end: usize) -> &'l [&'l str] {
            let (Some(first), Some(last)) = (hs.first(), hs.last()) else {
                return &[];
            };
            let s0 = first.side.start.saturating_sub(first.base.start - start);
            let s1 = last.side.end + (end - last.base.end);
            side.get(s0..s1.min(side.len())).unwrap_or(&[])
        }
        let (oh, th) = (&ho[i0..i], &ht[j0..j]);
        let os = span(oh, &o, start, end);
        let ts = span(th, &t, start, end);
        if th.is_empty() || (!oh.is_empty() && os == ts) {
            push(&mut out, os, &mut line_no);
        } else if oh.is_empty() {
            push(&mut out, ts, &mut line_no);
        } else {
            let from = line_no + 1;
            let section = |out: &mut String, lines: &[&str], line_no: &mut usize| {
                push(out, lines, line_no);
                if lines.last().is_some_and(|l| !l.ends_with('\n')) {
                    out.push_str(nl);
                }
            };
            let (open, close) = (
                format!("<<<<<<< {}{nl}", labels.ours),
                format!(">>>>>>> {}{nl}", labels.theirs),
            );
            let middle = format!("======={nl}");
            section(&mut out, &[&open], &mut line_no);
            section(&mut out, os, &mut line_no);
            section(&mut out, &[&middle], &mut line_no);
            section(&mut out, ts, &mut line_no);
            section(&mut out, &[&close], &mut line_no);
            conflicts.push(Conflict::Lines {
                start: from,
                end: line_no,
            });
        }
        pos = end;
    }
    push(&mut out, b.get(pos..).unwrap_or(&[]), &mut line_no);
    (out, conflicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "stories/S-1-a.md";
    const BASE: &str = "---\nid: S-1\ntitle: Export   # short\nstatus: ready\nrank: 10\nlabels: [billing]\n---\nAs a clerk, I want PDFs, so that I can send them.\n\n## Acceptance criteria\n- [ ] one\n\n## Notes\nNothing yet.\n";

    fn m(base: &str, ours: &str, theirs: &str) -> Merged {
        merge(base, ours, theirs, Some(STORY))
    }

    #[test]
    fn different_fields_merge_into_ours_text() {
        let ours = BASE.replace("status: ready", "status: in-progress");
        let theirs = BASE.replace("title: Export   # short", "title: 'Export: PDF'");
        let r = m(BASE, &ours, &theirs);
        assert_eq!(r.conflicts, vec![]);
        assert_eq!(r.method, Method::Fields(FileKind::Story));
        assert_eq!(
            r.text,
            BASE.replace("status: ready", "status: in-progress")
                .replace("title: Export   # short", "title: 'Export: PDF'   # short")
        );
        // The same change on both sides is no conflict.
        let r = m(BASE, &ours, &ours);
        assert_eq!((r.text, r.conflicts), (ours.clone(), vec![]));
    }

    #[test]
    fn one_scalar_changed_differently_is_a_conflict_with_markers() {
        let ours = BASE.replace("rank: 10", "rank: 4");
        let theirs = BASE.replace("rank: 10", "rank: 12.5");
        let r = m(BASE, &ours, &theirs);
        assert_eq!(
            r.text,
            BASE.replace(
                "rank: 10\n",
                "<<<<<<< ours:stories/S-1-a.md\nrank: 4\n=======\nrank: 12.5\n>>>>>>> theirs:stories/S-1-a.md\n"
            )
        );
        assert_eq!(
            r.conflicts,
            vec![Conflict::Field {
                field: "rank".into(),
                line: 5,
                base: Some("10".into()),
                ours: Some("4".into()),
                theirs: Some("12.5".into()),
            }]
        );
        assert_eq!(r.id.as_deref(), Some("S-1"));
    }

    #[test]
    fn lists_merge_as_sets() {
        let ours = BASE.replace("[billing]", "[billing, pdf]");
        let theirs = BASE.replace("[billing]", "[export]");
        let r = m(BASE, &ours, &theirs);
        assert_eq!(r.conflicts, vec![]);
        assert_eq!(r.text, BASE.replace("[billing]", "[pdf, export]"));
        // A block list stays one; each kept item keeps its line.
        let block = BASE.replace(
            "labels: [billing]",
            "labels:\n  - billing  # money\n  - tax",
        );
        let ours = block.replace("  - tax", "  - tax\n  - pdf");
        let theirs = block.replace("  - tax", "  - tax\n  - export");
        let r = m(&block, &ours, &theirs);
        assert_eq!(r.conflicts, vec![]);
        assert_eq!(
            r.text,
            block.replace("  - tax", "  - tax\n  - pdf\n  - export")
        );
    }

    #[test]
    fn mappings_merge_key_by_key() {
        let base = BASE.replace(
            "rank: 10\n",
            "rank: 10\nvalue: { business: 8, job_size: 5 }\n",
        );
        let ours = base.replace("business: 8", "business: 9");
        let theirs = base.replace("job_size: 5", "job_size: 3");
        let r = m(&base, &ours, &theirs);
        assert_eq!(r.conflicts, vec![]);
        assert_eq!(
            r.text,
            base.replace(
                "{ business: 8, job_size: 5 }",
                "{ business: 9, job_size: 3 }"
            )
        );
        let theirs = base.replace("business: 8", "business: 2");
        let r = m(&base, &ours, &theirs);
        assert!(r.text.contains("<<<<<<< ours:stories/S-1-a.md\nvalue: { business: 9, job_size: 5 }\n=======\nvalue: { business: 2, job_size: 5 }\n>>>>>>> theirs"), "{}", r.text);
        assert!(
            matches!(&r.conflicts[..], [Conflict::Field { field, .. }] if field == "value.business")
        );
    }

    #[test]
    fn the_body_merges_line_by_line() {
        let ours = BASE.replace("- [ ] one\n", "- [ ] one\n- [ ] two\n");
        let theirs = BASE.replace("Nothing yet.", "Ask finance.");
        let r = m(BASE, &ours, &theirs);
        assert_eq!(r.conflicts, vec![]);
        assert_eq!(r.text, ours.replace("Nothing yet.", "Ask finance."));
        let theirs = BASE.replace("- [ ] one\n", "- [ ] uno\n");
        let r = m(BASE, &ours, &theirs);
        assert_eq!(
            r.text,
            BASE.replace(
                "- [ ] one\n",
                "<<<<<<< ours:stories/S-1-a.md\n- [ ] one\n- [ ] two\n=======\n- [ ] uno\n>>>>>>> theirs:stories/S-1-a.md\n"
            )
        );
        assert_eq!(r.conflicts, vec![Conflict::Lines { start: 11, end: 16 }]);
    }

    #[test]
    fn review_decisions_and_feedback_are_appended_ours_first() {
        let base = "---\nid: 2026-S1\nstart: 2026-11-02\nend: 2026-11-13\nreview:\n  date: 2026-11-13\n  decisions:\n    - { story: S-1, decision: accepted }\n---\nNotes.\n";
        let ours = base.replace(
            "accepted }\n",
            "accepted }\n    - { story: S-2, decision: rejected, note: \"late, again\" }\n",
        );
        let theirs = base.replace("accepted }\n", "accepted }\n    - { story: S-3, decision: accepted }\n  feedback:\n    - { from: support, note: bulk export }\n");
        let r = merge(base, &ours, &theirs, Some(".backlog/sprints/2026-S1.md"));
        assert_eq!(r.conflicts, vec![]);
        assert_eq!(r.method, Method::Fields(FileKind::Sprint));
        assert_eq!(
            r.text,
            "---\nid: 2026-S1\nstart: 2026-11-02\nend: 2026-11-13\nreview:\n  date: 2026-11-13\n  decisions:\n    - { story: S-1, decision: accepted }\n    - { story: S-2, decision: rejected, note: \"late, again\" }\n    - { story: S-3, decision: accepted }\n  feedback:\n    - { from: support, note: bulk export }\n---\nNotes.\n"
        );
        // A review held on both branches of a sprint that had none.
        let base = "---\nid: 2026-S1\nstart: 2026-11-02\nend: 2026-11-13\n---\n";
        let ours = base.replace("---\n\n", "").replace("end: 2026-11-13\n", "end: 2026-11-13\nreview:\n  date: 2026-11-13\n  decisions:\n    - { story: S-1, decision: accepted }\n");
        let theirs = ours.replace("S-1,", "S-2,");
        let r = merge(base, &ours, &theirs, None);
        assert_eq!(r.conflicts, vec![]);
        assert_eq!(
            r.text,
            ours.replace(
                "accepted }\n",
                "accepted }\n    - { story: S-2, decision: accepted }\n"
            )
        );
    }

    #[test]
    fn other_files_and_unparsable_sides_merge_line_by_line() {
        let r = merge(
            "a\nb\nc\n",
            "A\nb\nc\n",
            "a\nb\nC\n",
            Some(".backlog/README.md"),
        );
        assert_eq!(r.method, Method::Lines(LineReason::NotABacklogFile));
        assert_eq!((r.text.as_str(), r.conflicts), ("A\nb\nC\n", vec![]));
        let broken = BASE.replace("status: ready", "status: [ready");
        let theirs = BASE.replace("Nothing yet.", "Ask finance.");
        let r = m(BASE, &broken, &theirs);
        assert_eq!(r.method, Method::Lines(LineReason::Unparsable("ours")));
        assert_eq!(r.text, broken.replace("Nothing yet.", "Ask finance."));
        // Nothing is lost when both sides changed the same line.
        let r = merge("x\n", "y\n", "z", None);
        assert_eq!(r.text, "<<<<<<< ours\ny\n=======\nz\n>>>>>>> theirs\n");
        assert_eq!(r.conflicts, vec![Conflict::Lines { start: 1, end: 5 }]);
    }

    #[test]
    fn fields_added_and_removed() {
        let ours = BASE.replace("rank: 10\n", "rank: 10\nestimate: 5\n");
        let theirs = BASE.replace("labels: [billing]\n", "");
        let r = m(BASE, &ours, &theirs);
        assert_eq!(r.conflicts, vec![]);
        assert_eq!(r.text, ours.replace("labels: [billing]\n", ""));
        // Theirs' new block field goes after the field before it in theirs.
        let theirs = BASE.replace("rank: 10\n", "rank: 10\nstakeholders:\n  - finance\n");
        let ours = BASE.replace("status: ready", "status: done");
        let r = m(BASE, &ours, &theirs);
        assert_eq!(r.conflicts, vec![]);
        assert_eq!(r.text, theirs.replace("status: ready", "status: done"));
        // Removed on one side, changed on the other: a conflict.
        let ours = BASE.replace("rank: 10\n", "");
        let theirs = BASE.replace("rank: 10", "rank: 3");
        let r = m(BASE, &ours, &theirs);
        assert_eq!(
            r.text,
            BASE.replace(
                "rank: 10\n",
                "<<<<<<< ours:stories/S-1-a.md\n=======\nrank: 3\n>>>>>>> theirs:stories/S-1-a.md\n"
            )
        );
        assert!(matches!(
            &r.conflicts[..],
            [Conflict::Field { ours: None, .. }]
        ));
    }

    #[test]
    fn crlf_and_bom_are_kept() {
        let base = "\u{feff}---\r\nid: S-1\r\nstatus: ready\r\nrank: 1\r\n---\r\nBody\r\n";
        let ours = base.replace("ready", "done");
        let theirs = base.replace("rank: 1", "rank: 2");
        let r = m(base, &ours, &theirs);
        assert_eq!(r.text, ours.replace("rank: 1", "rank: 2"));
        let theirs = base.replace("ready", "review");
        let r = m(base, &ours, &theirs);
        assert!(r.text.contains("\r\n<<<<<<< ours:stories/S-1-a.md\r\nstatus: done\r\n=======\r\nstatus: review\r\n>>>>>>> theirs:stories/S-1-a.md\r\n"), "{:?}", r.text);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// No three texts make the merge panic, and, merged line by line, a
        /// side that equals the base gives the other side back.
        #[test]
        fn never_panics_on_any_three_texts(
            parts in proptest::collection::vec(proptest::collection::vec(0usize..LINES.len(), 0..12), 3)
        ) {
            let text = |p: &Vec<usize>| p.iter().map(|&i| LINES[i]).collect::<String>();
            let (b, o, t) = (text(&parts[0]), text(&parts[1]), text(&parts[2]));
            for path in [Some(STORY), Some("sprints/x.md"), Some("notes.md"), None] {
                let _ = merge(&b, &o, &t, path);
                let r = merge(&b, &b, &t, path);
                if matches!(r.method, Method::Lines(_)) {
                    proptest::prop_assert_eq!(&r.text, &t);
                }
                let r = merge(&b, &o, &b, path);
                if matches!(r.method, Method::Lines(_)) {
                    proptest::prop_assert_eq!(&r.text, &o);
                }
            }
        }
    }

    const LINES: &[&str] = &[
        "---\n",
        "id: S-1\n",
        "rank: 1\n",
        "rank: 2\n",
        "labels: [a, b]\n",
        "labels:\n",
        "  - x\n",
        "review:\n",
        "  decisions:\n",
        "    - { story: S-1 }\n",
        "value: { a: 1 }\n",
        "title: 'x: y'\n",
        "body\n",
        "\n",
        "<<<<<<< x\n",
        "[\n",
        "a: |\n",
        "  text\n",
        "\r\n",
        "no newline",
    ];
}
