//! One source file: its text, its front matter, and where each field sits.
//!
//! The YAML parser gives values but not their places, so alongside it a small
//! line scanner ([`Layout`]) records the line and column of every block-style
//! key and list item. Diagnostics point there, and edits (which must change
//! only the bytes they have to) find the exact token to replace.

// The scan's maps are foldhash's: a layout is scanned for every file, and
// SipHash over its keys was a large part of the scan.
use foldhash::HashMap;
use std::path::PathBuf;

/// Largest story or sprint file read at all.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// Largest front matter handed to the YAML parser.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;
/// Deepest flow nesting (`[` / `{`) accepted: libyaml-family parsers take
/// quadratic time on deep flow nesting, so it is refused before parsing.
pub const MAX_FLOW_DEPTH: usize = 32;

/// A file's text with its display path and line index. The index is built
/// on first use: most files are read without ever naming a line (history
/// reads thousands of versions; `check` names lines only in findings).
#[derive(Clone, Debug)]
pub struct Document {
    pub path: PathBuf,
    pub text: String,
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl Document {
    pub fn new(path: PathBuf, text: String) -> Document {
        Document {
            path,
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        })
    }

    /// The text of 1-based `line`, without its line ending.
    pub fn line(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = starts.get(line).map_or(self.text.len(), |&e| e - 1);
        let s = &self.text[start..end.max(start)];
        s.strip_suffix('\r').unwrap_or(s)
    }

    /// 1-based line and column of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        let col = self.text[start..offset.min(self.text.len())]
            .chars()
            .count()
            + 1;
        (line, col)
    }
}

/// The parts of a file split at its `---` fences.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    pub yaml: &'a str,
    /// 1-based line of the first YAML line (the one after the opening fence).
    pub yaml_line: usize,
    pub body: &'a str,
    /// 1-based line where the body starts.
    pub body_line: usize,
}

/// Why a file could not be split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SplitError {
    Empty,
    Missing,
    Unterminated,
}

fn is_fence(line: &str, fence: &str) -> bool {
    line.trim_end_matches(['\r', ' ', '\t']) == fence
}

/// Splits `text` (BOM already removed) at the front matter fences: an opening
/// `---` on the first line and a closing `---` (or `...`) on a line of its own.
pub fn split(text: &str) -> Result<FrontMatter<'_>, SplitError> {
    if text.trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let first_end = text.find('\n').unwrap_or(text.len());
    if !is_fence(&text[..first_end], "---") {
        return Err(SplitError::Missing);
    }
    let yaml_start = (first_end + 1).min(text.len());
    let mut pos = yaml_start;
    let mut line = 2;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let l = &text[pos..end];
        if is_fence(l, "---") || is_fence(l, "...") {
            let body_start = (end + 1).min(text.len());
            return Ok(FrontMatter {
                yaml: &text[yaml_start..pos],
                yaml_line: 2,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        pos = end + 1;
        line += 1;
    }
    Err(SplitError::Unterminated)
}

/// The front matter of `text` as a YAML mapping (empty front matter is an
/// empty mapping), or `None` if it does not split, pre-scan or parse. For
/// edits, which must compare before and after; loading uses the same steps
/// but reports each failure as a finding.
pub fn front_matter_mapping(text: &str) -> Option<serde_yaml::Mapping> {
    let fm = split(text).ok()?;
    prescan(fm.yaml).ok()?;
    match serde_yaml::from_str::<serde_yaml::Value>(fm.yaml).ok()? {
        serde_yaml::Value::Mapping(m) => Some(m),
        serde_yaml::Value::Null => Some(serde_yaml::Mapping::new()),
        _ => None,
    }
}

/// Equal as mappings, whatever the key order.
pub fn same_fields(a: &serde_yaml::Mapping, b: &serde_yaml::Mapping) -> bool {
    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v))
}

/// Which limit front matter broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefusalKind {
    /// Longer than [`MAX_FRONT_MATTER_BYTES`].
    TooLarge,
    /// Nested too deep, or uses anchors and aliases.
    TooComplex,
}

/// Why front matter was refused before parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub kind: RefusalKind,
    /// Byte offset into the YAML text.
    pub offset: usize,
    pub message: String,
    pub help: String,
}

/// A linear pre-scan of front matter that refuses what would make the YAML
/// parser slow or explosive: flow nesting deeper than [`MAX_FLOW_DEPTH`], and
/// anchors or aliases (the "billion laughs" expansion).
pub fn prescan(yaml: &str) -> Result<(), Refusal> {
    if yaml.len() > MAX_FRONT_MATTER_BYTES {
        return Err(Refusal {
            kind: RefusalKind::TooLarge,
            offset: 0,
            message: format!(
                "front matter is {} bytes; the limit is {} bytes",
                yaml.len(),
                MAX_FRONT_MATTER_BYTES
            ),
            help: "move long text into the Markdown body below the closing `---`".into(),
        });
    }
    let b = yaml.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut node_start = true;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            node_start = true;
            i += 1;
            continue;
        }
        if node_start {
            match c {
                b' ' | b'\t' | b'\r' => {}
                b'-' | b'?' if b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) => {}
                b'&' | b'*' => {
                    return Err(Refusal {
                        kind: RefusalKind::TooComplex,
                        offset: i,
                        message: "YAML anchors and aliases are not allowed in front matter".into(),
                        help: "write the value out in full where it is used".into(),
                    })
                }
                b'"' | b'\'' => {
                    i = skip_quoted(b, i);
                    node_start = false;
                    continue;
                }
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err(Refusal {
                            kind: RefusalKind::TooComplex,
                            offset: i,
                            message: format!(
                                "front matter nests more than {MAX_FLOW_DEPTH} levels deep"
                            ),
                            help: "flatten the value; no field of the format needs deep nesting"
                                .into(),
                        });
                    }
                }
                b'#' => {
                    i = b[i..]
                        .iter()
                        .position(|&x| x == b'\n')
                        .map_or(b.len(), |p| i + p);
                    continue;
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    node_start = false;
                }
                _ => node_start = false,
            }
            i += 1;
            continue;
        }
        match c {
            b'#' if i > 0 && (b[i - 1] == b' ' || b[i - 1] == b'\t') => {
                i = b[i..]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(b.len(), |p| i + p);
                continue;
            }
            b',' if depth > 0 => node_start = true,
            b']' | b'}' if depth > 0 => depth -= 1,
            b':' if depth > 0 || b.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()) => {
                node_start = true
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Plain integers too long for the YAML parser's number types (it rejects
/// `rank: 100000000000000000000` as a whole document) are handed to it
/// quoted, so they read as text and the document parses: a rank is then
/// read exactly from the file's own text, and any other field says it
/// wants a smaller number. Everything else is passed through unchanged.
pub fn quote_long_integers(yaml: &str) -> std::borrow::Cow<'_, str> {
    const LONGEST_SAFE: usize = 18;
    let b = yaml.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                i = skip_quoted(b, i);
                continue;
            }
            b'#' if i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            c if c.is_ascii_digit() || c == b'-' || c == b'+' => {
                let starts_value = i > 0 && matches!(b[i - 1], b' ' | b'[' | b'{' | b',');
                let start = i;
                let mut j = i + usize::from(!c.is_ascii_digit());
                while j < b.len() && b[j].is_ascii_digit() {
                    j += 1;
                }
                let digits = j - start - usize::from(!c.is_ascii_digit());
                let ends_value = j == b.len()
                    || matches!(b[j], b' ' | b'\t' | b'\r' | b'\n' | b',' | b']' | b'}');
                if starts_value && ends_value && digits > LONGEST_SAFE {
                    spans.push((start, j));
                }
                i = j.max(i + 1);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if spans.is_empty() {
        return std::borrow::Cow::Borrowed(yaml);
    }
    let mut out = String::with_capacity(yaml.len() + 2 * spans.len());
    let mut at = 0;
    for (start, end) in spans {
        out.push_str(&yaml[at..start]);
        out.push('"');
        out.push_str(&yaml[start..end]);
        out.push('"');
        at = end;
    }
    out.push_str(&yaml[at..]);
    std::borrow::Cow::Owned(out)
}

/// The one reading of YAML quoting, used by every scanner here and by
/// edits: the index just past the quoted scalar that starts at `start`
/// (`"…"` with backslash escapes, `'…'` with `''` for a quote), or `None`
/// when it does not close.
pub fn quoted_end(b: &[u8], start: usize) -> Option<usize> {
    let q = b[start];
    let mut i = start + 1;
    while i < b.len() {
        if q == b'"' && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// [`quoted_end`], or the end of the text when the quote does not close.
fn skip_quoted(b: &[u8], start: usize) -> usize {
    quoted_end(b, start).unwrap_or(b.len())
}

/// Whether a value opens a quote or a flow collection it does not close on
/// its key's line: the lines after it are then part of it (a title in
/// quotes over two lines), whatever they look like.
fn opens_over_lines(raw: &str) -> bool {
    raw.starts_with(['"', '\'', '[', '{']) && !flow_balanced(raw)
}

/// Whether the flow brackets and quotes of a value close on its line.
pub fn flow_balanced(raw: &str) -> bool {
    let b = raw.as_bytes();
    let mut depth = 0i64;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => match quoted_end(b, i) {
                Some(end) => {
                    i = end;
                    continue;
                }
                None => return false,
            },
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    depth == 0
}

/// Where a key or list item sits in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot<'a> {
    pub line: usize,
    pub key_column: usize,
    pub value_column: usize,
    /// The value as written on the key's line, comment stripped (empty for
    /// block values).
    pub raw: &'a str,
}

/// A slot as a layout keeps it: its path and raw value as ranges of the
/// layout's text.
#[derive(Clone, Debug)]
struct Packed {
    path: (u32, u32),
    line: u32,
    key_column: u32,
    value_column: u32,
    raw: (u32, u32),
}

/// Positions of block-style keys and list items, by path: `status`,
/// `value.business`, `review.decisions[1].story`.
#[derive(Clone, Debug, Default)]
pub struct Layout {
    /// Every slot's path and raw value, one after the other: a layout is
    /// two allocations, not two for each key (12 of `check`'s 74 MB at
    /// 10,000 stories).
    text: String,
    /// Sorted by path, allocated to its length: a snapshot holds one layout
    /// per file, and a hash table's spare buckets were a large part of the
    /// memory of 100,000 stories.
    slots: Vec<Packed>,
    /// Keys seen twice in one mapping: (path, line, column) of the repeat.
    pub repeats: Vec<(String, usize, usize)>,
}

struct Frame {
    indent: usize,
    path: String,
    item: bool,
}

impl Layout {
    /// Scans YAML whose first line is file line `first_line`.
    pub fn scan(yaml: &str, first_line: usize) -> Layout {
        Layout::scan_top_level(yaml, first_line)
            .unwrap_or_else(|| Layout::scan_nested(yaml, first_line))
    }

    /// [`Layout::scan`] of any front matter: keys at any depth, list items.
    fn scan_nested(yaml: &str, first_line: usize) -> Layout {
        let mut slots: HashMap<String, Slot> = HashMap::default();
        let mut repeats = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut counters: HashMap<String, usize> = HashMap::default();
        let mut block_scalar_indent: Option<usize> = None;
        // A quoted or flow value not closed on its key's line, as written
        // so far: its next lines are its own, not keys.
        let mut open_value: Option<String> = None;
        for (n, raw_line) in yaml.split('\n').enumerate() {
            let line_no = first_line + n;
            let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
            let trimmed = line.trim_start_matches(' ');
            let indent = line.len() - trimmed.len();
            if let Some(open) = open_value.as_mut() {
                open.push('\n');
                open.push_str(line);
                if flow_balanced(open) {
                    open_value = None;
                }
                continue;
            }
            if let Some(bi) = block_scalar_indent {
                if trimmed.is_empty() || indent > bi {
                    continue;
                }
                block_scalar_indent = None;
            }
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let mut content = trimmed;
            let mut col = indent;
            if content == "-" || content.starts_with("- ") {
                while stack
                    .last()
                    .is_some_and(|f| f.indent > col || (f.item && f.indent == col))
                {
                    stack.pop();
                }
                let parent = stack.last().map_or(String::new(), |f| f.path.clone());
                let counter = counters.entry(parent.clone()).or_insert(0);
                let path = format!("{parent}[{counter}]");
                *counter += 1;
                let rest = content.get(1..).unwrap_or("");
                let skip = 1 + (rest.len() - rest.trim_start_matches(' ').len());
                let raw = strip_comment(rest.trim());
                if opens_over_lines(raw) {
                    open_value = Some(raw.to_string());
                }
                slots.entry(path.clone()).or_insert(Slot {
                    line: line_no,
                    key_column: col + 1,
                    value_column: col + skip + 1,
                    raw,
                });
                stack.push(Frame {
                    indent: col,
                    path,
                    item: true,
                });
                content = &content[skip.min(content.len())..];
                col += skip;
                if content.is_empty() {
                    continue;
                }
            }
            let Some((key, after)) = split_key(content) else {
                continue;
            };
            while stack.last().is_some_and(|f| f.indent >= col) {
                stack.pop();
            }
            let parent = stack.last().map(|f| f.path.as_str()).unwrap_or("");
            let path = if parent.is_empty() {
                key.to_string()
            } else {
                format!("{parent}.{key}")
            };
            let value_offset = content.len() - after.trim_start().len();
            let raw = strip_comment(after.trim());
            if raw.starts_with('|') || raw.starts_with('>') {
                block_scalar_indent = Some(col);
            }
            if opens_over_lines(raw) {
                open_value = Some(raw.to_string());
            }
            let slot = Slot {
                line: line_no,
                key_column: col + 1,
                value_column: col + value_offset + 1,
                raw,
            };
            if slots.contains_key(&path) {
                repeats.push((path.clone(), line_no, col + 1));
            } else {
                slots.insert(path.clone(), slot);
            }
            counters.remove(&path);
            stack.push(Frame {
                indent: col,
                path,
                item: false,
            });
        }
        Layout::pack(slots.into_iter().collect(), repeats)
    }

    /// The layout of `slots` (by path, each path once).
    fn pack<P: AsRef<str>>(
        mut slots: Vec<(P, Slot)>,
        repeats: Vec<(String, usize, usize)>,
    ) -> Layout {
        slots.sort_unstable_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        let size = slots
            .iter()
            .map(|(p, s)| p.as_ref().len() + s.raw.len())
            .sum();
        let mut text = String::with_capacity(size);
        // Positions past what a `u32` holds cannot occur: files are limited
        // far below that (`load::MAX_FILE_BYTES`).
        let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let mut push = |t: &str| {
            let start = small(text.len());
            text.push_str(t);
            (start, small(text.len()))
        };
        let slots = slots
            .iter()
            .map(|(path, s)| Packed {
                path: push(path.as_ref()),
                line: small(s.line),
                key_column: small(s.key_column),
                value_column: small(s.value_column),
                raw: push(s.raw),
            })
            .collect();
        Layout {
            text,
            slots,
            repeats,
        }
    }

    /// [`Layout::scan`] of front matter whose every key is at the left
    /// margin (most stories): the same slots, without the stack of
    /// enclosing keys, the list counters or a hash table. `None` for
    /// anything else (an indented line, a list item, a block scalar, many
    /// keys), which the full scan reads; a test holds the two equal.
    fn scan_top_level(yaml: &str, first_line: usize) -> Option<Layout> {
        let mut slots: Vec<(&str, Slot)> = Vec::with_capacity(16);
        let mut repeats = Vec::new();
        let scan = each_top_level(yaml, first_line, |key, slot| {
            if slots.iter().any(|(k, _)| *k == key) {
                repeats.push((key.to_string(), slot.line, 1));
            } else {
                slots.push((key, slot));
            }
            true
        });
        (scan == TopLevel::Read).then(|| Layout::pack(slots, repeats))
    }

    /// The slot at `path`, or failing that at its nearest ancestor.
    pub fn find(&self, path: &str) -> Option<Slot<'_>> {
        let mut p = path;
        loop {
            if let Some(s) = self.get(p) {
                return Some(s);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// Top-level keys and their slots.
    pub fn top_level(&self) -> impl Iterator<Item = (&str, Slot<'_>)> {
        self.slots
            .iter()
            .map(|p| (self.part(p.path), self.slot(p)))
            .filter(|(k, _)| !k.contains(['.', '[']))
    }

    /// The slot at exactly `path`.
    pub fn get(&self, path: &str) -> Option<Slot<'_>> {
        let i = self
            .slots
            .binary_search_by(|p| self.part(p.path).cmp(path))
            .ok()?;
        Some(self.slot(&self.slots[i]))
    }

    fn part(&self, (start, end): (u32, u32)) -> &str {
        self.text.get(start as usize..end as usize).unwrap_or("")
    }

    fn slot(&self, p: &Packed) -> Slot<'_> {
        Slot {
            line: p.line as usize,
            key_column: p.key_column as usize,
            value_column: p.value_column as usize,
            raw: self.part(p.raw),
        }
    }
}

/// How far [`each_top_level`] read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TopLevel {
    /// Every line: every key is at the left margin.
    Read,
    /// Up to where its caller said to stop: every key so far is at the margin.
    Stopped,
    /// Up to a line that is not a key at the margin (an indented line, a
    /// list item, a block scalar) or past [`MOST_TOP_LEVEL_KEYS`]: that
    /// front matter is the full scan's to read.
    Nested,
}

/// Calls `each` with the slot of every key line of `yaml` in order (a
/// repeated key again) while `each` says to go on and every key is at the
/// left margin. The lines read so far are read alike by the full scan,
/// whatever follows them.
fn each_top_level<'y>(
    yaml: &'y str,
    first_line: usize,
    mut each: impl FnMut(&'y str, Slot<'y>) -> bool,
) -> TopLevel {
    let mut keys = 0;
    for (n, raw_line) in yaml.split('\n').enumerate() {
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.len() != line.len() || trimmed == "-" || trimmed.starts_with("- ") {
            return TopLevel::Nested;
        }
        let Some((key, after)) = split_key(trimmed) else {
            continue;
        };
        let raw = strip_comment(after.trim());
        if raw.starts_with(['|', '>']) || opens_over_lines(raw) || keys == MOST_TOP_LEVEL_KEYS {
            return TopLevel::Nested;
        }
        keys += 1;
        let value_offset = trimmed.len() - after.trim_start().len();
        let go_on = each(
            key,
            Slot {
                line: first_line + n,
                key_column: 1,
                value_column: value_offset + 1,
                raw,
            },
        );
        if !go_on {
            return TopLevel::Stopped;
        }
    }
    TopLevel::Read
}

/// The most key lines the top-level scan reads; a story has about a dozen.
const MOST_TOP_LEVEL_KEYS: usize = 64;

/// A front matter's [`Layout`], scanned when first asked for: a story's
/// fields are read without naming a place in them unless one is wrong, and
/// the one raw value always read (the rank's text) is found without it.
/// Scanning every story's layout was a twelfth of `check`.
pub struct LazyLayout<'y> {
    yaml: &'y str,
    first_line: usize,
    scanned: std::cell::OnceCell<Layout>,
}

impl<'y> LazyLayout<'y> {
    /// The layout of `yaml`, whose first line is file line `first_line`.
    pub fn new(yaml: &'y str, first_line: usize) -> LazyLayout<'y> {
        LazyLayout {
            yaml,
            first_line,
            scanned: std::cell::OnceCell::new(),
        }
    }
}

/// Where a front matter's keys are written: a [`Layout`], scanned, or a
/// [`LazyLayout`] still to scan, as the typed reading of fields asks it.
pub trait Positions {
    /// The whole layout (scanned now, if it was not).
    fn layout(&self) -> &Layout;

    /// The raw value of the key at `path` (`Layout::get`'s `raw`).
    fn raw(&self, path: &str) -> Option<&str> {
        self.layout().get(path).map(|s| s.raw)
    }
}

impl Positions for Layout {
    fn layout(&self) -> &Layout {
        self
    }
}

impl Positions for LazyLayout<'_> {
    fn layout(&self) -> &Layout {
        self.scanned
            .get_or_init(|| Layout::scan(self.yaml, self.first_line))
    }

    /// For a top-level key written before any nesting, read from the lines
    /// up to it without building the layout.
    fn raw(&self, path: &str) -> Option<&str> {
        if self.scanned.get().is_none() {
            let mut found = None;
            let scan = each_top_level(self.yaml, self.first_line, |key, slot| {
                if key == path {
                    found = Some(slot.raw);
                }
                found.is_none()
            });
            if scan != TopLevel::Nested {
                return found;
            }
        }
        self.layout().get(path).map(|s| s.raw)
    }
}

/// Splits `key: rest` at the first `:` that ends a plain or quoted key.
fn split_key(content: &str) -> Option<(&str, &str)> {
    let first = content.as_bytes().first()?;
    if matches!(first, b'"' | b'\'') {
        let end = skip_quoted(content.as_bytes(), 0);
        let key = content.get(1..end.checked_sub(1)?)?;
        let after = content.get(end..)?.strip_prefix(':')?;
        if after.is_empty() || after.starts_with([' ', '\t']) {
            return Some((key, after));
        }
        return None;
    }
    if b"[]{}#&*!|>%@`,".contains(first) {
        return None;
    }
    let mut search = 0;
    while let Some(i) = content[search..].find(':') {
        let i = search + i;
        let after = &content[i + 1..];
        if after.is_empty() || after.starts_with([' ', '\t']) {
            let key = content[..i].trim_end();
            if key.contains(" #") {
                return None;
            }
            return Some((key, after));
        }
        search = i + 1;
    }
    None
}

/// Removes a trailing ` # comment` that is outside quotes.
pub fn strip_comment(value: &str) -> &str {
    let b = value.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'"' | b'\'')) {
        i = skip_quoted(b, 0);
    }
    while i < b.len() {
        if b[i] == b'#' && i > 0 && (b[i - 1] == b' ' || b[i - 1] == b'\t') {
            return value[..i].trim_end();
        }
        i += 1;
    }
    value
}

/// The scalar as written, without surrounding quotes.
pub fn unquote(raw: &str) -> &str {
    let r = raw.trim();
    if r.len() >= 2
        && ((r.starts_with('"') && r.ends_with('"')) || (r.starts_with('\'') && r.ends_with('\'')))
    {
        &r[1..r.len() - 1]
    } else {
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        /// Wherever the top-level scan reads front matter, it finds what
        /// the full scan finds: the same slots, the same repeats.
        #[test]
        fn the_top_level_scan_agrees_with_the_full_scan(
            lines in prop::collection::vec(
                prop_oneof![
                    8 => ("[a-z_\"']{1,6}", "[ :#\"'a-z0-9\\[\\]{},|>-]{0,12}")
                        .prop_map(|(k, v)| format!("{k}:{v}")),
                    1 => Just("id: S-1".to_string()),
                    1 => Just(String::new()),
                    1 => "[ ]{1,3}[a-z#-][ -~]{0,8}",
                    1 => "# [ -~]{0,8}",
                    1 => "- [ -~]{0,6}",
                    1 => "[ -~]{0,10}\r",
                ],
                0..12,
            ),
            first in 1usize..5,
        ) {
            let yaml = lines.join("\n");
            if let Some(fast) = Layout::scan_top_level(&yaml, first) {
                prop_assert_eq!(
                    format!("{fast:?}"),
                    format!("{:?}", Layout::scan_nested(&yaml, first)),
                    "{:?}",
                    yaml
                );
            }
            // A raw value looked up before any scan is the scanned one.
            let scanned = Layout::scan(&yaml, first);
            let keys = lines.iter().filter_map(|l| l.split(':').next()).chain(["id", "x"]);
            for key in keys {
                let lazy = LazyLayout::new(&yaml, first);
                prop_assert_eq!(
                    lazy.raw(key),
                    scanned.get(key).map(|s| s.raw),
                    "{:?} in {:?}",
                    key,
                    yaml
                );
            }
        }
    }

    /// A line inside a quoted title written over several lines, or inside a
    /// flow list, looked like a key to both scans: a `rank:` there was taken
    /// for the rank's place and digits (the parser reads it as the title's
    /// words).
    #[test]
    fn a_line_inside_a_value_over_lines_is_no_key() {
        for yaml in [
            "id: S-1\ntitle: \"Export invoices\nrank: 5\nas PDF\"\nrank: 10\n",
            "id: S-1\ntitle: 'Export\nrank: 5'\nrank: 10\n",
            "id: S-1\nlabels: [a,\nrank: 5]\nrank: 10\n",
            "items:\n  - \"one\n  rank: 5\"\nrank: 10\n",
        ] {
            let layout = Layout::scan(yaml, 2);
            let rank = layout.get("rank").expect("a rank");
            assert_eq!(
                (rank.line, rank.raw),
                (yaml.lines().count() + 1, "10"),
                "{yaml:?}"
            );
            assert!(layout.repeats.is_empty(), "{yaml:?}");
            assert_eq!(LazyLayout::new(yaml, 2).raw("rank"), Some("10"), "{yaml:?}");
        }
    }

    #[test]
    fn the_top_level_scan_reads_a_story_and_leaves_nesting_to_the_full_scan() {
        let story = "id: S-1\nrank: 10.50 # exact\nid: S-2\nvalue: { a: 1 }\n";
        let fast = Layout::scan_top_level(story, 2).expect("flat front matter");
        assert_eq!(
            format!("{fast:?}"),
            format!("{:?}", Layout::scan_nested(story, 2))
        );
        assert_eq!(fast.get("rank").map(|s| s.raw), Some("10.50"));
        assert_eq!(fast.repeats, vec![("id".to_string(), 4, 1)]);
        for nested in [
            "review:\n  date: x\n",
            "labels:\n- a\n",
            "note: |\n  text\n",
        ] {
            assert!(Layout::scan_top_level(nested, 1).is_none(), "{nested:?}");
        }
    }

    #[test]
    fn splits_fences_with_crlf() {
        let fm = split("---\r\nid: S-1\r\n---\r\nbody\r\n").unwrap();
        assert_eq!(fm.yaml, "id: S-1\r\n");
        assert_eq!(fm.body, "body\r\n");
        assert_eq!(fm.body_line, 4);
        assert_eq!(split("no fence"), Err(SplitError::Missing));
        assert_eq!(split("---\nid: 1\n"), Err(SplitError::Unterminated));
        assert_eq!(split(" \n"), Err(SplitError::Empty));
    }

    #[test]
    fn layout_records_nested_paths_and_items() {
        let yaml = "id: S-1 # the id\nvalue:\n  business: 8\nreview:\n  decisions:\n    - story: S-1\n      note: ok\n    - { story: S-2 }\nnotes: |\n  fake: key\nlabels: [a, b]\n";
        let l = Layout::scan(yaml, 2);
        assert_eq!(l.get("id").unwrap().raw, "S-1");
        assert_eq!(l.get("id").unwrap().line, 2);
        assert_eq!(l.get("value.business").unwrap().value_column, 13);
        assert_eq!(l.get("review.decisions[0].story").unwrap().line, 7);
        assert_eq!(l.get("review.decisions[1]").unwrap().line, 9);
        assert_eq!(l.find("review.decisions[1].story").unwrap().line, 9);
        assert!(l.get("notes.fake").is_none());
        assert_eq!(l.get("labels").unwrap().line, 12);
    }

    #[test]
    fn layout_finds_repeated_keys() {
        let l = Layout::scan("status: a\ntitle: x\nstatus: b\n", 2);
        assert_eq!(l.repeats, vec![("status".to_string(), 4, 1)]);
    }

    #[test]
    fn long_integers_reach_the_parser_quoted() {
        assert_eq!(quote_long_integers("rank: 5\n"), "rank: 5\n");
        assert_eq!(
            quote_long_integers("rank: 100000000000000000000\nv: [1, 1234567890123456789012]\n"),
            "rank: \"100000000000000000000\"\nv: [1, \"1234567890123456789012\"]\n"
        );
        // Quoted, commented, decimal or part of a word: left alone.
        let same = "a: '100000000000000000000'\n# 100000000000000000000\nb: 99999999999999999999.5\nc: x100000000000000000000\n";
        assert_eq!(quote_long_integers(same), same);
        assert_eq!(
            quote_long_integers("r: -1000000000000000000000"),
            "r: \"-1000000000000000000000\""
        );
    }

    #[test]
    fn prescan_refuses_deep_nesting_and_aliases() {
        assert!(prescan("a: [[1]]\ntitle: Don't [panic]\n").is_ok());
        assert_eq!(
            prescan(&"[".repeat(60_000)).unwrap_err().kind,
            RefusalKind::TooComplex
        );
        assert_eq!(
            prescan(&"[".repeat(200_000)).unwrap_err().kind,
            RefusalKind::TooLarge
        );
        assert!(prescan("a: &x [1]\nb: *x\n").is_err());
        assert!(prescan("title: 5 * 3 & more\n").is_ok());
        assert!(prescan("title: '*not an alias*'\n").is_ok());
    }
}

/// Finds the value at `rest` (`[1]`, `.story`, `[0].note`) inside a flow
/// collection that starts at 1-based `column` of `line`, so a finding can
/// point at `S-404` in `depends_on: [S-22, S-404]`. Returns the column and
/// width of that value.
pub fn locate_in_flow(line: &str, column: usize, rest: &str) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    // Byte offsets from here on; brackets, quotes and commas are ASCII.
    let mut pos = line
        .char_indices()
        .nth(column.checked_sub(1)?)
        .map_or(b.len(), |(i, _)| i);
    let mut steps = rest;
    let mut span = None;
    while !steps.is_empty() {
        let (step, tail) = next_step(steps)?;
        steps = tail;
        while b.get(pos) == Some(&b' ') {
            pos += 1;
        }
        let (open, close) = match step {
            Step::Index(_) => (b'[', b']'),
            Step::Key(_) => (b'{', b'}'),
        };
        if b.get(pos) != Some(&open) {
            return None;
        }
        let mut found = None;
        for (n, (start, end)) in flow_elements(b, pos + 1, close).into_iter().enumerate() {
            match step {
                Step::Index(i) if i == n => found = Some((start, end)),
                Step::Key(k) => {
                    let text = &line[start..end];
                    if let Some((key, _)) = text.split_once(':') {
                        if unquote(key.trim()) == k {
                            let colon = start + key.len() + 1;
                            let value_start = (colon..end).find(|&c| b[c] != b' ').unwrap_or(end);
                            found = Some((value_start, end));
                        }
                    }
                }
                _ => {}
            }
        }
        let (start, end) = found?;
        pos = start;
        span = Some((start, end));
    }
    let (start, end) = span?;
    let column = line[..start].chars().count() + 1;
    Some((column, line[start..end].trim_end().chars().count().max(1)))
}

enum Step<'a> {
    Index(usize),
    Key(&'a str),
}

fn next_step(path: &str) -> Option<(Step<'_>, &str)> {
    if let Some(rest) = path.strip_prefix('[') {
        let close = rest.find(']')?;
        return Some((Step::Index(rest[..close].parse().ok()?), &rest[close + 1..]));
    }
    let rest = path.strip_prefix('.')?;
    let end = rest.find(['.', '[']).unwrap_or(rest.len());
    Some((Step::Key(&rest[..end]), &rest[end..]))
}

/// Start and end (exclusive, byte offsets) of each element of a flow
/// collection whose contents start at `from`, up to its `close` bracket.
fn flow_elements(b: &[u8], from: usize, close: u8) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = from;
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                i = skip_quoted(b, i);
                continue;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' if depth > 0 => depth -= 1,
            b',' if depth == 0 => {
                out.push(trim_span(b, start, i));
                start = i + 1;
            }
            c if c == close && depth == 0 => {
                let span = trim_span(b, start, i);
                if span.0 < span.1 {
                    out.push(span);
                }
                return out;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn trim_span(b: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    while start < end && b[start] == b' ' {
        start += 1;
    }
    while end > start && b[end - 1] == b' ' {
        end -= 1;
    }
    (start, end)
}

#[cfg(test)]
mod flow_tests {
    use super::locate_in_flow;

    #[test]
    fn points_into_flow_collections() {
        let line = "depends_on: [S-22, S-404]";
        assert_eq!(locate_in_flow(line, 13, "[1]"), Some((20, 5)));
        let line = "    - { story: S-10, decision: rejected, note: \"a, b\", follow_up: S-88 }";
        assert_eq!(locate_in_flow(line, 7, ".story"), Some((16, 4)));
        assert_eq!(locate_in_flow(line, 7, ".follow_up"), Some((67, 4)));
        assert_eq!(locate_in_flow(line, 7, ".missing"), None);
        assert_eq!(
            locate_in_flow("value: { business: lots }", 8, ".business"),
            Some((20, 4))
        );
        // Quoting is read one way everywhere: an escaped quote or a comma
        // inside quotes does not end an element; columns count characters.
        let line = r#"labels: ["a \" b, c", "ü", x]"#;
        assert_eq!(locate_in_flow(line, 9, "[1]"), Some((23, 3)));
        assert_eq!(locate_in_flow(line, 9, "[2]"), Some((28, 1)));
    }
}
