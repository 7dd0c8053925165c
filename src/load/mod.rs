//! Loading a [`Snapshot`] from a [`Source`]: every file is read and parsed on
//! its own (in parallel), and a file that cannot be read becomes findings, never
//! an abort.

pub mod cache;
pub mod fields;
pub mod one_story;
pub mod revision;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_yaml::{Mapping, Value};

use crate::load::fields::{kind_of, Entries, Fields};
use crate::model::diagnostic::{Finding, Rule, Severity};
use crate::model::field;
use crate::model::score::{ModelError, ScoringModel};
use crate::model::*;
use crate::source::{Entry, EntryKind, Limited, Source};
use crate::syntax::document::{
    self, Document, Layout, LazyLayout, RefusalKind, SplitError, MAX_FILE_BYTES,
};
use crate::syntax::{body, flat};

/// Failure to list the backlog folder at all (a single file's problem is a
/// finding instead).
#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}: {source}")]
pub struct LoadError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// Reads the whole backlog from `source`.
pub fn load(source: &dyn Source) -> Result<Snapshot, LoadError> {
    load_reusing(source, None)
}

/// Paths in the backlog folder, hashed fast: a comparison looks up each
/// of a revision's files in a few of these.
pub type PathSet = foldhash::HashSet<PathBuf>;

/// Stories of an earlier snapshot whose files are known not to have changed:
/// loading a second revision re-parses only what differs.
pub struct Reuse<'a> {
    pub previous: &'a Snapshot,
    /// Paths (relative to the backlog folder) that changed since `previous`.
    pub changed: &'a PathSet,
}

/// [`load`] without reading story bodies: every story's statement, opening
/// and acceptance criteria are left empty. For commands that show fields
/// only (`list`): parsing the Markdown bodies was a third of their time.
pub fn load_fields(source: &dyn Source) -> Result<Snapshot, LoadError> {
    load_as(source, None, BodyRead::Nothing)
}

/// [`load`], taking unchanged stories from `reuse` instead of parsing them.
pub fn load_reusing(source: &dyn Source, reuse: Option<Reuse<'_>>) -> Result<Snapshot, LoadError> {
    load_as(source, reuse, BodyRead::Full)
}

/// [`load_reusing`] for the head of a comparison whose base was loaded with
/// [`load_base_of_change`]: the stories at the changed paths in `same_body`
/// (whose body is byte for byte the base's) are read without it, as the
/// base read them; equal bodies compare equal.
pub fn load_head_of_change(
    source: &dyn Source,
    reuse: Reuse<'_>,
    same_body: &PathSet,
) -> Result<Snapshot, LoadError> {
    let read = |e: &Entry| {
        if same_body.contains(&e.path) {
            BodyRead::Nothing
        } else {
            BodyRead::Full
        }
    };
    load_as_each(source, Some(reuse), &read)
}

/// The body of a file (what follows its front matter) as the load reads
/// it; `None` where the file does not split into front matter and body.
pub fn body_of(bytes: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(bytes).ok()?;
    // As `decode` reads it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    document::split(text).ok().map(|fm| fm.body)
}

fn load_as(
    source: &dyn Source,
    reuse: Option<Reuse<'_>>,
    read: BodyRead,
) -> Result<Snapshot, LoadError> {
    load_as_each(source, reuse, &|_| read)
}

fn load_as_each(
    source: &dyn Source,
    reuse: Option<Reuse<'_>>,
    read: &(dyn Fn(&Entry) -> BodyRead + Sync),
) -> Result<Snapshot, LoadError> {
    let root = source.display_root().to_path_buf();
    // By path in the folder, byte for byte: no path is made to look one
    // up (a joined path per story was a millisecond of a 10,000-story `diff`).
    let previous: foldhash::HashMap<&[u8], &Story> = reuse
        .as_ref()
        .map(|r| {
            r.previous
                .stories
                .iter()
                .filter_map(|s| Some((in_folder(&root, &s.doc.path)?, s)))
                .collect()
        })
        .unwrap_or_default();
    let unchanged = |e: &Entry| -> Option<Story> {
        let r = reuse.as_ref()?;
        if r.changed.contains(&e.path) {
            return None;
        }
        previous
            .get(e.path.as_os_str().as_encoded_bytes())
            .map(|s| (*s).clone())
    };
    load_known_as(source, None, read, &|_, e| unchanged(e))
}

/// The part of `display` after `root` and the separator `root.join(rel)`
/// puts between them, as that join made it; `None` for a path made
/// otherwise (the caller then reads the file again).
pub(crate) fn in_folder<'p>(root: &Path, display: &'p Path) -> Option<&'p [u8]> {
    let bytes = root.as_os_str().as_encoded_bytes();
    let rest = display.as_os_str().as_encoded_bytes().strip_prefix(bytes)?;
    // No separator is put after an empty root, one that ends in one, or a
    // bare drive (`C:`) on Windows.
    let joined_as_is = bytes
        .last()
        .is_none_or(|&b| std::path::is_separator(b.into()))
        || (root.file_name().is_none() && root.parent().is_none());
    if joined_as_is {
        Some(rest)
    } else {
        rest.strip_prefix(std::path::MAIN_SEPARATOR_STR.as_bytes())
    }
}

/// [`load`] of the base of a comparison whose head is loaded next with
/// [`Reuse`] of it ([`load_head_of_change`]): the bodies of the stories at
/// the `changed` paths are read, the others' are not. The head takes those
/// from this snapshot, the same file, so nothing compares their bodies;
/// their fields still place them in the backlog order. Reading every body
/// was a quarter of `diff HEAD~1000..HEAD` on a 10,000-story history. Nor
/// are the bodies at the changed paths in `same_body` read, which the head
/// has byte for byte (a rank or a status changed, the text not): a
/// rebalance changes every story's front matter and no body.
pub fn load_base_of_change(
    source: &dyn Source,
    changed: &PathSet,
    same_body: &PathSet,
) -> Result<Snapshot, LoadError> {
    let read = |e: &Entry| {
        if changed.contains(&e.path) && !same_body.contains(&e.path) {
            BodyRead::Full
        } else {
            BodyRead::Nothing
        }
    };
    load_known_as(source, None, &read, &|_, _| None)
}

/// [`load`], taking the stories `known` gives for a listed file instead of
/// reading it (an earlier snapshot's, the story cache's); `known` is asked
/// once for every story file (by its place in the listing), in parallel.
/// `stories` is the listing of `stories/` when the caller made it.
pub fn load_known(
    source: &dyn Source,
    stories: Option<&[Entry]>,
    known: &(dyn Fn(usize, &Entry) -> Option<Story> + Sync),
) -> Result<Snapshot, LoadError> {
    load_known_as(source, stories, &|_| BodyRead::Full, known)
}

fn load_known_as(
    source: &dyn Source,
    stories: Option<&[Entry]>,
    read: &(dyn Fn(&Entry) -> BodyRead + Sync),
    known: &(dyn Fn(usize, &Entry) -> Option<Story> + Sync),
) -> Result<Snapshot, LoadError> {
    let root = source.display_root().to_path_buf();
    let mut findings = Vec::new();
    let config = load_config(source, &root, &mut findings)?;
    let list = |dir: &str| {
        source.list_markdown(dir).map_err(|e| LoadError {
            path: root.join(dir),
            source: e,
        })
    };
    let listed;
    let story_entries = match stories {
        Some(given) => given,
        None => {
            listed = list("stories")?;
            &listed[..]
        }
    };
    let sprint_entries = list("sprints")?;

    // Stories and what else each file gave apart, so the stories are
    // written once where they stay (a copy of every story, and the page
    // faults of it, was a thirtieth of `list` at 100,000 stories).
    // With room for the stories an edit's guard puts in place
    // (`plan::guard`): filling the last free place moved every story.
    let mut stories: Vec<Option<Story>> = Vec::with_capacity(story_entries.len() + ROOM_FOR_NEW);
    let mut rest: Vec<(Vec<Finding>, Option<StoryId>)> = Vec::new();
    story_entries
        .par_iter()
        .enumerate()
        .map(|(i, e)| {
            let mut f = Vec::new();
            if let Some(story) = known(i, e) {
                return (Some(story), (f, None));
            }
            let story = story_entry_as(source, e, read(e), &mut f);
            let fallback = story
                .is_none()
                .then(|| {
                    e.path
                        .file_name()
                        .and_then(|n| StoryId::from_file_name(&n.to_string_lossy()))
                })
                .flatten();
            (story, (f, fallback))
        })
        .unzip_into_vecs(&mut stories, &mut rest);
    let sprints: Vec<(Option<Sprint>, Vec<Finding>)> = sprint_entries
        .par_iter()
        .map(|e| {
            let mut f = Vec::new();
            let sprint = guarded(
                || root.join(&e.path),
                &mut f,
                |f| read_file(source, &root, e, f).and_then(|parsed| parse_sprint(parsed, f)),
            );
            (sprint, f)
        })
        .collect();

    let mut snapshot = Snapshot {
        config,
        // In place, as an `Option<Story>` is as large as a `Story` (the
        // standard library collects `filter_map` in place; not `flatten`).
        #[allow(clippy::filter_map_identity)]
        stories: stories.into_iter().filter_map(|s| s).collect(),
        sprints: Vec::new(),
        unreadable_ids: Vec::new(),
        load_findings: findings,
        by_id: Default::default(),
    };
    // Nothing if the room was kept through the collect above.
    snapshot.stories.reserve(ROOM_FOR_NEW);
    for (f, fallback) in rest {
        snapshot.load_findings.extend(f);
        snapshot.unreadable_ids.extend(fallback);
    }
    for (sprint, f) in sprints {
        snapshot.load_findings.extend(f);
        snapshot.sprints.extend(sprint);
    }
    Ok(snapshot)
}

/// How many stories a loaded snapshot has room for beyond its own: an
/// edit's guard adds its new stories in place, and no more than these.
pub const ROOM_FOR_NEW: usize = 16;

/// The story in one listed file of `source`, its problems added to `out`.
pub fn story_entry(source: &dyn Source, entry: &Entry, out: &mut Vec<Finding>) -> Option<Story> {
    story_entry_as(source, entry, BodyRead::Full, out)
}

fn story_entry_as(
    source: &dyn Source,
    entry: &Entry,
    read: BodyRead,
    out: &mut Vec<Finding>,
) -> Option<Story> {
    let root = source.display_root();
    guarded(
        || root.join(&entry.path),
        out,
        |f| read_file(source, root, entry, f).and_then(|parsed| parse_story_as(parsed, read, f)),
    )
}

/// `root.join(rel)` in one allocation: a path is made for every file read.
pub(crate) fn joined(root: &Path, rel: &Path) -> PathBuf {
    let mut path = PathBuf::with_capacity(root.as_os_str().len() + 1 + rel.as_os_str().len());
    path.push(root);
    path.push(rel);
    path
}

/// Runs the parse of one file so that a bug of ours on its content (a panic)
/// becomes a finding for that file, and every other file is still checked.
fn guarded<T>(
    display: impl FnOnce() -> PathBuf,
    out: &mut Vec<Finding>,
    parse: impl FnOnce(&mut Vec<Finding>) -> Option<T>,
) -> Option<T> {
    let mut mine = Vec::new();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse(&mut mine))) {
        Ok(value) => {
            out.extend(mine);
            value
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let doc = Document::new(display(), String::new());
            out.push(
                doc.file_finding(
                    Rule::Unreadable,
                    format!("backlog failed on this file ({what}); the other files were checked"),
                )
                .help("this is a bug in backlog: please report it with the file"),
            );
            None
        }
    }
}

/// A file split and parsed far enough to read fields.
struct Parsed {
    doc: Arc<Document>,
    /// The front matter's byte range in the text and its first line: where
    /// each key is written is scanned from it when asked ([`LazyLayout`]),
    /// and kept by a sprint.
    yaml: (usize, usize),
    yaml_line: usize,
    map: Entries,
    body_range: Option<(usize, usize)>,
}

/// Reads bytes → UTF-8 → fences → pre-scan → YAML, reporting the first
/// problem on the way as a finding.
fn read_file(
    source: &dyn Source,
    root: &Path,
    entry: &Entry,
    out: &mut Vec<Finding>,
) -> Option<Parsed> {
    let display = joined(root, &entry.path);
    let whole_file = |rule: Rule, msg: String, help: &str| {
        let doc = Document::new(display.clone(), String::new());
        doc.file_finding(rule, msg).help(help)
    };
    match &entry.kind {
        EntryKind::Symlink { target, outside } => {
            let where_ = if *outside {
                "outside the backlog folder"
            } else {
                "elsewhere in the backlog folder"
            };
            out.push(whole_file(
                Rule::Symlink,
                format!(
                    "symbolic link to `{}` ({where_}) is not followed",
                    target.display()
                ),
                if entry.path.extension().is_some_and(|e| e == "md") {
                    "replace the link with the story file itself"
                } else {
                    "replace the link with the folder itself; nothing in it is read or written"
                },
            ));
            return None;
        }
        EntryKind::Special => {
            out.push(whole_file(
                Rule::Unreadable,
                format!(
                    "cannot read file: not a plain file ({})",
                    crate::source::NEVER_READ
                ),
                "make it a plain file, or move it out of the backlog folder",
            ));
            return None;
        }
        EntryKind::File { .. } => {}
    }
    let too_large = |size: u64| {
        whole_file(
            Rule::TooLarge,
            format!("file is {size} bytes; story and sprint files are limited to {MAX_FILE_BYTES} bytes"),
            "split the file, or move attachments out of the backlog folder",
        )
    };
    if let EntryKind::File { size: Some(size) } = entry.kind {
        if size > MAX_FILE_BYTES {
            out.push(too_large(size));
            return None;
        }
    }
    let bytes = match source.read_limited(&entry.path, MAX_FILE_BYTES) {
        Ok(Some(Limited::Bytes(b))) => b,
        Ok(Some(Limited::TooLarge(size))) => {
            out.push(too_large(size));
            return None;
        }
        Ok(None) => return None,
        Err(e) => {
            out.push(whole_file(
                Rule::Unreadable,
                format!("cannot read file: {e}"),
                "check the file's permissions",
            ));
            return None;
        }
    };
    parse_bytes(display, bytes, out)
}

/// A story as written in one file's bytes (as history reads blobs), or
/// `None` when it cannot be read; findings are dropped.
pub fn story_from_bytes(display: PathBuf, bytes: Vec<u8>) -> Option<Story> {
    let mut f = Vec::new();
    let path = display.clone();
    guarded(
        move || path,
        &mut f,
        |f| parse_bytes(display, bytes, f).and_then(|p| parse_story(p, f)),
    )
}

/// A story as written in one file's bytes, with the findings loading it
/// gives (as [`load`] would for that file).
pub fn story_with_findings(display: PathBuf, bytes: Vec<u8>) -> (Option<Story>, Vec<Finding>) {
    let mut f = Vec::new();
    let path = display.clone();
    let story = guarded(
        move || path,
        &mut f,
        |f| parse_bytes(display, bytes, f).and_then(|p| parse_story(p, f)),
    );
    (story, f)
}

/// A story as history compares it: its fields and acceptance criteria,
/// read from one blob. The body is parsed only when it can hold a criteria
/// section (it mentions "criteria"), then for its criteria only (no
/// statement or description), and neither the text nor the front matter's
/// layout is kept (the path is): a long history holds thousands of versions
/// of long stories, and only their fields are compared.
pub fn story_fields_from_bytes(display: PathBuf, bytes: Vec<u8>) -> Option<Story> {
    let mut f = Vec::new();
    let path = display.clone();
    let mut story = guarded(
        move || path,
        &mut f,
        |f| {
            parse_bytes(display, bytes, f)
                .and_then(|p| parse_story_as(p, BodyRead::CriteriaOnly, f))
        },
    )?;
    story.opening = None;
    Some(story)
}

/// A sprint as written in one file's bytes.
pub fn sprint_from_bytes(display: PathBuf, bytes: Vec<u8>) -> Option<Sprint> {
    let mut f = Vec::new();
    let path = display.clone();
    guarded(
        move || path,
        &mut f,
        |f| parse_bytes(display, bytes, f).and_then(|p| parse_sprint(p, f)),
    )
}

/// backlog.yaml as written in one file's bytes.
pub fn config_from_bytes(display: PathBuf, bytes: Vec<u8>) -> Option<Config> {
    let mut f = Vec::new();
    let doc = Arc::new(decode(display, bytes, &mut f)?);
    let map = parse_yaml(&doc, &doc.text, 0, 1, &mut f)?;
    let layout = Layout::scan(&doc.text, 1);
    Some(parse_config(map, doc, Arc::new(layout), &mut f))
}

fn parse_bytes(display: PathBuf, bytes: Vec<u8>, out: &mut Vec<Finding>) -> Option<Parsed> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let doc = Document::new(display, String::new());
        out.push(doc.file_finding(
            Rule::TooLarge,
            format!(
                "file is {} bytes; story and sprint files are limited to {MAX_FILE_BYTES} bytes",
                bytes.len()
            ),
        ));
        return None;
    }
    let doc = Arc::new(decode(display, bytes, out)?);
    let text = doc.text.as_str();
    let fm = match document::split(text) {
        Ok(fm) => fm,
        Err(SplitError::Empty) => {
            out.push(
                doc.file_finding(Rule::EmptyFile, "file is empty")
                    .help("write the front matter (see docs/format.md), or delete the file"),
            );
            return None;
        }
        Err(SplitError::Missing) => {
            out.push(doc.finding(Rule::FrontMatterMissing, 1, 1, "file does not start with `---` front matter").help(
                "start the file with a `---` line, the fields (`id: …`), and a closing `---` line",
            ));
            return None;
        }
        Err(SplitError::Unterminated) => {
            out.push(
                doc.finding(
                    Rule::FrontMatterUnterminated,
                    1,
                    1,
                    "front matter opened here is never closed",
                )
                .help("add a line `---` after the last field"),
            );
            return None;
        }
    };
    let yaml_offset = fm.yaml.as_ptr() as usize - text.as_ptr() as usize;
    let body_offset = fm.body.as_ptr() as usize - text.as_ptr() as usize;
    // Markers of a merge left unfinished: said as such, not as the YAML
    // error they cause; in the front matter the fields cannot be trusted.
    if let Some(at) = conflict_marker(text) {
        let (line, col) = doc.position(at);
        out.push(
            doc.finding(
                Rule::MergeConflict,
                line,
                col,
                "an unfinished merge left its conflict markers here",
            )
            .help("keep what you decide between `<<<<<<<` and `>>>>>>>`, delete the marker lines, then `git add` the file (docs/merge.md)"),
        );
        if at < body_offset {
            return None;
        }
    }
    let map = parse_yaml(&doc, fm.yaml, yaml_offset, fm.yaml_line, out)?;
    Some(Parsed {
        yaml: (yaml_offset, yaml_offset + fm.yaml.len()),
        yaml_line: fm.yaml_line,
        map,
        body_range: Some((body_offset, fm.body_line)),
        doc,
    })
}

/// Where the first merge-conflict marker line (`<<<<<<< ours`) starts.
///
/// The marker is searched for (a vectorised substring search) rather than
/// every line tested: a long history reads thousands of long files, and
/// splitting each into lines cost a tenth of `log`. A marker holds no
/// newline, so the occurrence at a line's start is always among the
/// non-overlapping ones found.
fn conflict_marker(text: &str) -> Option<usize> {
    static MARKER: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(["<<<<<<<"]).ok());
    let at_line_start = |at: usize| at == 0 || text.as_bytes()[at - 1] == b'\n';
    let is_marker = |at: usize| {
        let rest = &text.as_bytes()[at + 7..];
        rest.is_empty() || matches!(rest[0], b' ' | b'\n' | b'\r')
    };
    match MARKER.as_ref() {
        Some(ac) => ac
            .find_iter(text)
            .map(|m| m.start())
            .find(|&at| at_line_start(at) && is_marker(at)),
        None => text
            .match_indices("<<<<<<<")
            .map(|(at, _)| at)
            .find(|&at| at_line_start(at) && is_marker(at)),
    }
}

/// Bytes to text, with a BOM dropped; invalid UTF-8 is reported where it starts.
fn decode(display: PathBuf, bytes: Vec<u8>, out: &mut Vec<Finding>) -> Option<Document> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Some(Document::new(display, text))
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let byte = bytes[valid];
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let doc = Document::new(display, prefix);
            let (line, col) = doc.position(valid);
            out.push(
                doc.finding(
                    Rule::Unreadable,
                    line,
                    col,
                    format!("file is not valid UTF-8: byte 0x{byte:02X} here"),
                )
                .help("save the file as UTF-8"),
            );
            None
        }
    }
}

/// Parses YAML text found at `offset` (line `first_line`) of `doc`.
fn parse_yaml(
    doc: &Document,
    yaml: &str,
    offset: usize,
    first_line: usize,
    out: &mut Vec<Finding>,
) -> Option<Entries> {
    if let Err(r) = document::prescan(yaml) {
        let (line, col) = doc.position(offset + r.offset);
        let mut f = doc
            .finding(
                match r.kind {
                    RefusalKind::TooLarge => Rule::TooLarge,
                    RefusalKind::TooComplex => Rule::TooComplex,
                },
                line,
                col,
                r.message,
            )
            .help(r.help);
        f.width = 1;
        out.push(f);
        return None;
    }
    // Flat front matter (most stories) is read without the YAML parser, to
    // the same values (syntax::flat's property test); the rest is parsed.
    if let Some(entries) = flat::read(yaml) {
        return Some(entries);
    }
    let value: Value = match serde_yaml::from_str(&document::quote_long_integers(yaml)) {
        Ok(v) => v,
        Err(e) => {
            let msg = e.to_string();
            if msg.contains("duplicate entry") {
                let layout = Layout::scan(yaml, first_line);
                if let Some((path, line, col)) = layout.repeats.first() {
                    let first = layout.get(path).map_or(0, |s| s.line);
                    out.push(
                        doc.finding(
                            Rule::DuplicateKey,
                            *line,
                            *col,
                            format!("`{path}` is set twice (first on line {first})"),
                        )
                        .help("keep one of the two lines"),
                    );
                    return None;
                }
            }
            // The parser places a character it refuses (a control
            // character) by its byte offset in its message only: the first
            // such character is where the problem is.
            let refused = msg
                .contains("control characters")
                .then(|| {
                    yaml.char_indices()
                        .find(|(_, c)| {
                            c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{85}')
                        })
                        .map(|(at, _)| doc.position(offset + at))
                })
                .flatten();
            let (line, col) = match refused {
                Some(at) => at,
                None => e
                    .location()
                    .map_or((first_line, 1), |l| (first_line + l.line() - 1, l.column())),
            };
            let text = msg
                .split(" at line ")
                .next()
                .and_then(|m| m.split(" at position ").next())
                .unwrap_or(&msg)
                .to_string();
            let rule = if msg.contains("duplicate entry") {
                Rule::DuplicateKey
            } else if msg.contains("recursion limit") || msg.contains("repetition limit") {
                Rule::TooComplex
            } else {
                Rule::YamlSyntax
            };
            let finding = if rule == Rule::TooComplex {
                let mut f = doc
                    .finding(
                        rule,
                        line,
                        col,
                        "front matter nests or repeats too deeply for the YAML parser",
                    )
                    .help("flatten the value; no field of the format needs deep nesting");
                f.width = 1;
                f
            } else if refused.is_some() {
                let mut f = doc.finding(rule, line, col, format!("invalid YAML: {text}")).help(
                    "delete the character; in a double-quoted value it can be written as an escape, like \"\\u0001\"",
                );
                f.width = 1;
                f
            } else {
                doc.finding(rule, line, col, format!("invalid YAML: {text}")).help(
                    "fix the YAML syntax; quote values that contain `: ` or start with a special character",
                )
            };
            out.push(finding);
            return None;
        }
    };
    match value {
        Value::Mapping(m) => Some(m.into_iter().collect()),
        Value::Null => Some(Entries::new()),
        other => {
            out.push(
                doc.finding(
                    Rule::NotAMapping,
                    first_line,
                    1,
                    format!(
                        "front matter must be `field: value` lines, but it is {}",
                        kind_of(&other)
                    ),
                )
                .help("write one `field: value` per line"),
            );
            None
        }
    }
}

/// How much of a story's body to read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyRead {
    /// Statement, description, criteria, the opening paragraph.
    Full,
    /// The criteria only, and only when the body can hold a criteria section.
    CriteriaOnly,
    /// Nothing of the body.
    Nothing,
}

fn parse_story(p: Parsed, out: &mut Vec<Finding>) -> Option<Story> {
    parse_story_as(p, BodyRead::Full, out)
}

fn parse_story_as(p: Parsed, read: BodyRead, out: &mut Vec<Finding>) -> Option<Story> {
    let doc = p.doc.clone();
    let layout = LazyLayout::new(&doc.text[p.yaml.0..p.yaml.1], p.yaml_line);
    let mut f = Fields::new(p.map, "", &doc, &layout, out);
    let id = f.required_text("id", false, "S-42");
    let title = f.required_text("title", true, "Export invoices as PDF");
    let kind = match f.text("kind", false, "story") {
        None => Some(Kind::Story),
        Some(k) => Kind::parse(&k).or_else(|| {
            let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
            f.report(
                "kind",
                Rule::InvalidValue,
                format!("unknown kind `{k}`"),
                Some(format!("use one of: {}", names.join(", "))),
            );
            None
        }),
    };
    let status = f.required_text("status", false, "ready");
    let rank = f.rank("rank");
    let estimate = f.number("estimate", "5");
    let epic = f.text("epic", false, "S-7").map(StoryId::new);
    let goal = f.text("goal", false, "G-2");
    let labels = f.list("labels", "[billing, export]");
    let depends_on = f
        .list("depends_on", "[S-17]")
        .into_iter()
        .map(StoryId::new)
        .collect();
    let stakeholders = f.list("stakeholders", "[finance, support]");
    let conflicts_with = f
        .list("conflicts_with", "[S-12]")
        .into_iter()
        .map(StoryId::new)
        .collect();
    let mut value = crate::model::ValueMap::default();
    if let Some(m) = f.mapping("value", "{ business: 8, job_size: 5 }") {
        for (k, v) in m {
            let key = match k {
                Value::String(s) => s,
                _ => continue,
            };
            match v {
                Value::Number(n) => {
                    value.insert(key, ValueField::Number(n.as_f64().unwrap_or(0.0)));
                }
                Value::String(s) if key == "moscow" => {
                    if crate::model::score::moscow_bucket(&s).is_none() {
                        f.report(
                            "value.moscow",
                            Rule::InvalidValue,
                            format!("unknown MoSCoW bucket `{s}`"),
                            Some("use one of: must, should, could, wont".into()),
                        );
                    }
                    value.insert(key, ValueField::Text(s));
                }
                other => {
                    let path = format!("value.{key}");
                    f.report(
                        &path,
                        Rule::WrongType,
                        format!("`{path}` must be a number, but it is {}", kind_of(&other)),
                        Some(format!("write it like `{key}: 8`")),
                    );
                }
            }
        }
    }
    let sprint = f.text("sprint", true, "2026-S14");
    let created = f.date("created");
    let reopened = f.text("reopened", true, "the fix broke month-end exports");
    f.finish(field::story_order());

    let body_text = p.body_range.map(|(off, line)| (&doc.text[off..], line));
    // A criteria heading needs the word; without it there are no criteria.
    // Its first four letters in each of their 16 cases are searched for
    // with a vectorised multi-pattern search (Teddy), and only there is the
    // rest compared: a case-insensitive search for "criteria" stops at every
    // `c`, which long English bodies are full of. "crit" cannot overlap
    // itself, so every occurrence is found.
    static CRIT: std::sync::LazyLock<Option<aho_corasick::packed::Searcher>> =
        std::sync::LazyLock::new(|| {
            let mut b = aho_corasick::packed::Config::new().builder();
            for case in 0..16u8 {
                let p: Vec<u8> = b"crit"
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        if case >> i & 1 == 1 {
                            c.to_ascii_uppercase()
                        } else {
                            *c
                        }
                    })
                    .collect();
                b.add(p);
            }
            b.build()
        });
    let criteria_at = |t: &str| -> Vec<usize> {
        let rest_is = |at: usize| {
            t.as_bytes()
                .get(at + 4..at + 8)
                .is_some_and(|r| r.eq_ignore_ascii_case(b"eria"))
        };
        match CRIT.as_ref() {
            Some(s) => s
                .find_iter(t)
                .map(|m| m.start())
                .filter(|&at| rest_is(at))
                .collect(),
            None => t
                .as_bytes()
                .windows(8)
                .enumerate()
                .filter(|(_, w)| w.eq_ignore_ascii_case(b"criteria"))
                .map(|(at, _)| at)
                .collect(),
        }
    };
    // And it must be on a heading line: an ATX `#` before it on its line, or
    // a setext underline (`===`, `---`) on the next.
    let may_hold_criteria = |t: &str, mentions: &[usize]| {
        mentions.iter().any(|&start| {
            let end = start + "criteria".len();
            let line_start = t[..start].rfind('\n').map_or(0, |i| i + 1);
            if t[line_start..start].contains('#') {
                return true;
            }
            let next = t[end..]
                .split_once('\n')
                .map_or("", |(_, rest)| rest.lines().next().unwrap_or(""));
            next.contains(['=', '-'])
                && next
                    .chars()
                    .all(|c| matches!(c, '=' | '-' | ' ' | '\t' | '>' | '\r'))
        })
    };
    let body = match read {
        BodyRead::Full => p
            .body_range
            .map(|(off, line)| body::read_story(&doc, off, line)),
        // Read from the first mention of "criteria" on, where what comes
        // before cannot change how the rest reads (`body::read_criteria_from`):
        // a long body's paragraphs before its criteria were most of the time
        // history spent in bodies.
        BodyRead::CriteriaOnly => body_text.and_then(|(t, line)| {
            let mentions = criteria_at(t);
            may_hold_criteria(t, &mentions).then(|| body::read_criteria_from(t, line, &mentions))
        }),
        BodyRead::Nothing => None,
    }
    .unwrap_or_default();
    let body_start = p.body_range.map_or(0, |(off, _)| off);
    // A story read for its fields only (`list`, history) does not keep its
    // text: nothing names one of its lines after loading (its findings
    // carry their source line), and at 100,000 stories the texts were a
    // third of the memory. No story keeps its layout (`Story::layout`).
    let doc = match read {
        BodyRead::Full => doc,
        BodyRead::CriteriaOnly | BodyRead::Nothing => {
            Arc::new(Document::new(doc.path.clone(), String::new()))
        }
    };
    let opening = body.opening.map(|(a, b)| (body_start + a, body_start + b));
    Some(Story {
        id: StoryId::new(id?),
        title: title.unwrap_or_default(),
        kind: kind.unwrap_or(Kind::Story),
        status: status.unwrap_or_default(),
        rank,
        estimate,
        epic,
        goal,
        labels,
        depends_on,
        stakeholders,
        conflicts_with,
        value,
        sprint,
        created,
        reopened,
        statement: body.statement,
        opening,
        criteria: body.criteria,
        doc,
    })
}

fn parse_sprint(p: Parsed, out: &mut Vec<Finding>) -> Option<Sprint> {
    let doc = p.doc.clone();
    let layout = Arc::new(Layout::scan(&doc.text[p.yaml.0..p.yaml.1], p.yaml_line));
    let mut f = Fields::new(p.map, "", &doc, &*layout, out);
    let id = f.required_text("id", true, "2026-S14");
    let goal = f.text("goal", true, "Customers can pay invoices online");
    let start = f.date("start");
    let end = f.date("end");
    if !layout_has(&layout, "start") {
        f.missing("start", "2026-11-02");
    }
    if !layout_has(&layout, "end") {
        f.missing("end", "2026-11-15");
    }
    let capacity = f.number("capacity", "30");
    let commitment = f.mapping(
        "commitment",
        "{ date: 2026-11-02, stories: [S-42], points: 5 }",
    );
    let review = f.mapping("review", "{ date: 2026-11-15, decisions: [] }");
    let closed = f.mapping(
        "closed",
        "{ date: 2026-11-15, carried_over: [S-42], to: 2026-S15 }",
    );
    f.finish(field::SPRINT_ORDER);
    let closed = closed.and_then(|m| {
        let has_date = m.get("date").is_some();
        let mut c = Fields::new(m, "closed.", &doc, &*layout, out);
        let date = c.date("date");
        if !has_date {
            c.missing("date", "2026-11-15");
        }
        let carried_over = c
            .list("carried_over", "[S-42]")
            .into_iter()
            .map(StoryId::new)
            .collect();
        let to = c.text("to", false, "2026-S15");
        let goal_met = c.boolean("goal_met");
        c.finish(&field::names(field::keys_under(field::SPRINT, "closed")));
        Some(Closed {
            date: date?,
            carried_over,
            to,
            goal_met,
        })
    });
    let commitment = commitment.map(|m| {
        let mut c = Fields::new(m, "commitment.", &doc, &*layout, out);
        let date = c.date("date");
        let stories = c.list("stories", "[S-42, S-51]");
        let points = c.number("points", "13").unwrap_or(0.0);
        c.finish(&field::names(field::keys_under(
            field::SPRINT,
            "commitment",
        )));
        Commitment {
            date,
            stories: stories.into_iter().map(StoryId::new).collect(),
            points,
        }
    });
    let review = review.map(|m| parse_review(m, &doc, &layout, out));
    Some(Sprint {
        id: id?,
        goal,
        start,
        end,
        capacity,
        commitment,
        review,
        closed,
        doc,
        layout,
    })
}

fn layout_has(layout: &Layout, key: &str) -> bool {
    layout.get(key).is_some()
}

fn parse_review(m: Mapping, doc: &Document, layout: &Layout, out: &mut Vec<Finding>) -> Review {
    let mut f = Fields::new(m, "review.", doc, layout, out);
    let date = f.date("date");
    let decisions = f.list_of_mappings("decisions", "{ story: S-42, decision: accepted, note: … }");
    let feedback = f.list_of_mappings("feedback", "{ from: support, note: …, story: S-64 }");
    f.finish(&field::names(field::keys_under(field::SPRINT, "review")));
    let mut review = Review {
        date,
        ..Review::default()
    };
    for (prefix, m) in decisions {
        let mut d = Fields::new(m, &prefix, doc, layout, out);
        let story = d.required_text("story", false, "S-42");
        let decision = d
            .required_text("decision", false, "accepted")
            .and_then(|s| match s.as_str() {
                "accepted" => Some(DecisionKind::Accepted),
                "rejected" => Some(DecisionKind::Rejected),
                other => {
                    d.report(
                        "decision",
                        Rule::InvalidValue,
                        format!("unknown decision `{other}`"),
                        Some("use `accepted` or `rejected`".into()),
                    );
                    None
                }
            });
        let note = d.text("note", true, "Finance signed off");
        let follow_up = d.text("follow_up", false, "S-63").map(StoryId::new);
        let amends = d.text("amends", true, "corrects the story id");
        d.finish(&field::names(field::keys_under(
            field::keys_under(field::SPRINT, "review"),
            "decisions",
        )));
        if let (Some(story), Some(decision)) = (story, decision) {
            review.decisions.push(Decision {
                story: StoryId::new(story),
                decision,
                note,
                follow_up,
                amends,
                path: prefix.trim_end_matches('.').to_string(),
            });
        }
    }
    for (prefix, m) in feedback {
        let mut d = Fields::new(m, &prefix, doc, layout, out);
        let from = d.required_text("from", true, "support");
        let note = d.required_text("note", true, "wants bulk export");
        let story = d.text("story", false, "S-64").map(StoryId::new);
        d.finish(&field::names(field::keys_under(
            field::keys_under(field::SPRINT, "review"),
            "feedback",
        )));
        if let (Some(from), Some(note)) = (from, note) {
            review.feedback.push(Feedback {
                from,
                note,
                story,
                path: prefix.trim_end_matches('.').to_string(),
            });
        }
    }
    review
}

fn load_config(
    source: &dyn Source,
    root: &Path,
    out: &mut Vec<Finding>,
) -> Result<Config, LoadError> {
    let path = Path::new("backlog.yaml");
    let display = root.join(path);
    let bytes = match source.read(path) {
        Ok(Some(b)) => b,
        Ok(None) => {
            let doc = Document::new(display, String::new());
            out.push(doc.file_finding(Rule::ConfigMissing, "backlog.yaml is missing; using the default workflow").help(
                "run `backlog init` in an empty folder to see a starter backlog.yaml, or create one (docs/format.md)",
            ));
            return Ok(Config::default());
        }
        // A FIFO, a device or a link: said like any file that cannot be
        // read, and the settings are unusable.
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            let doc = Document::new(display, String::new());
            out.push(
                doc.file_finding(Rule::Unreadable, format!("cannot read file: {e}"))
                    .help("make backlog.yaml a plain file in the backlog folder"),
            );
            return Ok(Config {
                unreadable: true,
                ..Config::default()
            });
        }
        Err(e) => {
            return Err(LoadError {
                path: display,
                source: e,
            })
        }
    };
    let Some(doc) = decode(display, bytes, out) else {
        return Ok(Config {
            unreadable: true,
            ..Config::default()
        });
    };
    let doc = Arc::new(doc);
    // Said of the settings, not as a story's front matter (which has a
    // body to move long text into).
    let limit = crate::syntax::document::MAX_FRONT_MATTER_BYTES;
    if doc.text.len() > limit {
        out.push(
            doc.file_finding(
                Rule::TooLarge,
                format!(
                    "backlog.yaml is {} bytes; the settings are limited to {limit} bytes",
                    doc.text.len()
                ),
            )
            .help("shorten its longest texts (the vision, long comments), or move them into a document of their own"),
        );
        return Ok(Config {
            unreadable: true,
            ..Config::default()
        });
    }
    let Some(map) = parse_yaml(&doc, &doc.text, 0, 1, out) else {
        return Ok(Config {
            unreadable: true,
            ..Config::default()
        });
    };
    let layout = Arc::new(Layout::scan(&doc.text, 1));
    Ok(parse_config(map, doc, layout, out))
}

fn parse_config(
    map: Entries,
    doc: Arc<Document>,
    layout: Arc<Layout>,
    out: &mut Vec<Finding>,
) -> Config {
    let mut c = Config::default();
    let mut f = Fields::new(map, "", &doc, &*layout, out);
    c.product = f.text("product", true, "Ledgerly").unwrap_or_default();
    c.vision = f.text("vision", true, "…");
    if let Some(p) = f.text("id_prefix", false, "S") {
        if StoryId::new(format!("{p}-1")).parts().is_some() {
            c.id_prefix = p;
        } else {
            f.report(
                "id_prefix",
                Rule::InvalidValue,
                format!("`{p}` cannot start an id"),
                Some("use letters, digits and `_`, like `S` or `ACME`".into()),
            );
        }
    }
    let goals = f.list_of_mappings("goals", "{ id: G-1, title: …, status: active }");
    let workflow = f.mapping(
        "workflow",
        "{ statuses: [draft, ready, done], done: [done] }",
    );
    let ready = f.mapping(
        "definition_of_ready",
        "{ statuses: [ready], require: [estimate] }",
    );
    c.definition_of_done = f.text("definition_of_done", true, "…");
    let wip = f.mapping("wip_limits", "{ in-progress: 4 }");
    c.conflict_days = f.number("conflict_days", "30").map(|n| n as u32);
    let quality = f.mapping("quality", "{ gherkin: true, max_estimate: 13 }");
    let scoring = f.take("scoring");
    let rules = f.mapping("rules", "{ rank-tie: error }");
    f.finish(&field::names(field::CONFIG));
    if let Some(m) = quality {
        let mut q = Fields::new(m, "quality.", &doc, &*layout, out);
        let had_words = layout.get("quality.vague_words").is_some();
        let words = q.list("vague_words", "[fast, easy, etc.]");
        if had_words || !words.is_empty() {
            c.quality.vague_words = words;
        }
        c.quality.gherkin = q.boolean("gherkin").unwrap_or(false);
        c.quality.max_estimate = q.number("max_estimate", "13");
        q.finish(&field::names(field::keys_under(field::CONFIG, "quality")));
    }

    for (prefix, m) in goals {
        let mut g = Fields::new(m, &prefix, &doc, &*layout, out);
        let id = g.required_text("id", false, "G-1");
        let title = g.required_text("title", true, "Customers pay online");
        let status = g
            .text("status", false, "active")
            .unwrap_or_else(|| "active".into());
        g.finish(&field::names(field::keys_under(field::CONFIG, "goals")));
        if let (Some(id), Some(title)) = (id, title) {
            if c.goals.iter().any(|x| x.id == id) {
                let f = finding_at(
                    &doc,
                    &layout,
                    &format!("{prefix}id"),
                    Rule::DuplicateId,
                    format!("goal `{id}` is defined twice"),
                );
                out.push(f.help("give each goal its own id"));
            }
            c.goals.push(Goal { id, title, status });
        }
    }
    if let Some(m) = workflow {
        let mut w = Fields::new(m, "workflow.", &doc, &*layout, out);
        let statuses = w.list("statuses", "[draft, ready, in-progress, review, done]");
        let done = w.list("done", "[done]");
        w.finish(&field::names(field::keys_under(field::CONFIG, "workflow")));
        if !statuses.is_empty() {
            c.statuses = statuses;
        }
        if !done.is_empty() {
            c.done = done;
        }
        for (i, d) in c.done.clone().iter().enumerate() {
            if !c.statuses.contains(d) {
                let f = finding_at(
                    &doc,
                    &layout,
                    &format!("workflow.done[{i}]"),
                    Rule::UnknownStatus,
                    format!("done status `{d}` is not in `workflow.statuses`"),
                );
                out.push(f.help("add it to `workflow.statuses` or remove it from `workflow.done`"));
            }
        }
    }
    if let Some(m) = ready {
        let mut r = Fields::new(m, "definition_of_ready.", &doc, &*layout, out);
        let statuses = r.list("statuses", "[ready]");
        let require = r.list("require", "[estimate, acceptance_criteria, statement]");
        let had_statuses = layout.get("definition_of_ready.statuses").is_some();
        let had_require = layout.get("definition_of_ready.require").is_some();
        r.finish(&field::names(field::keys_under(
            field::CONFIG,
            "definition_of_ready",
        )));
        if had_statuses || !statuses.is_empty() {
            c.ready.statuses = statuses;
        }
        if had_require || !require.is_empty() {
            c.ready.require = require;
        }
        let known: Vec<&str> = ["acceptance_criteria", "statement"]
            .into_iter()
            .chain(field::story_names())
            .collect();
        for (i, req) in c.ready.require.iter().enumerate() {
            if !known.contains(&req.as_str()) {
                let f = finding_at(
                    &doc,
                    &layout,
                    &format!("definition_of_ready.require[{i}]"),
                    Rule::InvalidValue,
                    format!("`{req}` is not something a story can have"),
                );
                out.push(f.help(
                    "use `acceptance_criteria`, `statement`, or a story field such as `estimate`",
                ));
            }
        }
    }
    if let Some(m) = wip {
        for (k, v) in m {
            let (Value::String(status), Some(n)) = (&k, v.as_u64()) else {
                let key = k.as_str().unwrap_or("?").to_string();
                out.push(
                    finding_at(
                        &doc,
                        &layout,
                        &format!("wip_limits.{key}"),
                        Rule::WrongType,
                        "a WIP limit is a status and a whole number",
                    )
                    .help("write it like `in-progress: 4`"),
                );
                continue;
            };
            if !c.statuses.contains(status) {
                out.push(
                    finding_at(
                        &doc,
                        &layout,
                        &format!("wip_limits.{status}"),
                        Rule::UnknownStatus,
                        format!("WIP limit for `{status}`, which is not in `workflow.statuses`"),
                    )
                    .help("name a status of the workflow"),
                );
            }
            c.wip_limits.push((status.clone(), n as u32));
        }
    }
    if let Some(v) = scoring {
        c.scoring = parse_scoring(v, &doc, &layout, out);
    }
    if let Some(m) = rules {
        for (k, v) in m {
            let key = k.as_str().unwrap_or("?").to_string();
            let path = format!("rules.{key}");
            let Some(rule) = Rule::lookup(&key) else {
                let names = Rule::ALL.iter().map(|r| r.name());
                let help = match crate::model::suggest::did_you_mean(&key, names) {
                    Some(s) => format!("did you mean `{s}`? docs/checks.md lists every rule"),
                    None => "docs/checks.md lists every rule".into(),
                };
                out.push(
                    finding_at(
                        &doc,
                        &layout,
                        &path,
                        Rule::UnknownRule,
                        format!("no rule is named `{key}`"),
                    )
                    .help(help),
                );
                continue;
            };
            let level = match v.as_str() {
                Some("error") => RuleLevel::On(Severity::Error),
                Some("warning") => RuleLevel::On(Severity::Warning),
                Some("off") => RuleLevel::Off,
                _ => {
                    out.push(
                        finding_at(
                            &doc,
                            &layout,
                            &path,
                            Rule::InvalidValue,
                            format!("`{path}` must be `error`, `warning` or `off`"),
                        )
                        .help(format!("write it like `{key}: warning`")),
                    );
                    continue;
                }
            };
            c.rules.insert(rule, level);
        }
    }
    c.doc = Some(doc);
    c.layout = layout;
    c
}

fn parse_scoring(
    v: Value,
    doc: &Document,
    layout: &Layout,
    out: &mut Vec<Finding>,
) -> Option<ScoringModel> {
    let (name, weights) = match v {
        Value::String(s) => (s, None),
        Value::Mapping(m) => {
            let mut s = Fields::new(m, "scoring.", doc, layout, out);
            let name = s.required_text("model", false, "wsjf");
            let weights = s.mapping("weights", "{ business: 2, risk_reduction: 1 }");
            s.finish(&["model", "weights"]);
            (name?, weights)
        }
        other => {
            out.push(
                finding_at(
                    doc,
                    layout,
                    "scoring",
                    Rule::WrongType,
                    format!("`scoring` must name a model, but it is {}", kind_of(&other)),
                )
                .help("write it like `scoring: wsjf`"),
            );
            return None;
        }
    };
    let mut ws = Vec::new();
    for (k, w) in weights.filter(|_| name == "weighted").unwrap_or_default() {
        match (k.as_str(), w.as_f64()) {
            (Some(k), Some(w)) => ws.push((k.to_string(), w)),
            _ => out.push(
                finding_at(
                    doc,
                    layout,
                    "scoring.weights",
                    Rule::WrongType,
                    "each weight is a value field name and a number",
                )
                .help("write it like `business: 2`"),
            ),
        }
    }
    let model = match ScoringModel::named(&name, Some(ws)) {
        Ok(m) => m,
        Err(e) => {
            let (rule, help) = match &e {
                ModelError::Unknown(_) => (Rule::InvalidValue, e.hint()),
                ModelError::NoWeights => (
                    Rule::MissingField,
                    "add `weights: { business: 2, risk_reduction: 1 }`".to_string(),
                ),
            };
            let message = match &e {
                ModelError::NoWeights => "the weighted model needs `weights`".to_string(),
                other => other.to_string(),
            };
            out.push(finding_at(doc, layout, "scoring", rule, message).help(help));
            return None;
        }
    };
    Some(model)
}

#[cfg(test)]
mod tests {
    use super::in_folder;
    use std::path::Path;

    #[test]
    fn a_path_joined_to_the_root_is_found_in_the_folder_byte_for_byte() {
        for root in [
            "",
            ".",
            "..",
            ".backlog",
            "/repo/.backlog",
            "/repo/.backlog/",
            "/",
        ] {
            let root = Path::new(root);
            let joined = root.join("stories/S-1-a.md");
            assert_eq!(
                in_folder(root, &joined),
                Some(&b"stories/S-1-a.md"[..]),
                "{}",
                root.display()
            );
        }
        // Made otherwise: not found, so the caller reads the file again.
        let root = Path::new("/repo/.backlog");
        assert_eq!(in_folder(root, Path::new("/repo/.backlogs/S-1.md")), None);
        assert_eq!(
            in_folder(root, Path::new("/elsewhere/stories/S-1.md")),
            None
        );
    }
}
