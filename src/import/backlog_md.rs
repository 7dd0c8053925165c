//! Reading a Backlog.md project (<https://github.com/MrLesk/Backlog.md>):
//! `backlog/config.yml`, tasks in `tasks/`, `completed/`, `drafts/`,
//! `archive/tasks/`, `archive/drafts/`, milestones in `milestones/` and
//! `archive/milestones/`. Front matter that is not strict YAML (unquoted
//! `@name`, unquoted colons) is read line by line rather than refused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_yaml::Value;

use super::{natural_key, one_line, GoalSource, Level, Problem, Source, Task};
use crate::model::date::Date;
use crate::model::Kind;
use crate::syntax::document::{prescan, split, SplitError};

/// Task folders, in the order that decides which file owns a colliding id.
const TASK_FOLDERS: &[&str] = &[
    "tasks",
    "completed",
    "drafts",
    "archive/tasks",
    "archive/drafts",
];

/// Folders of Backlog.md that hold no tasks.
const OTHER_FOLDERS: &[&str] = &["decisions", "docs", "archive/decisions", "archive/docs"];

/// Largest file read.
const MAX_BYTES: u64 = 1 << 20;

/// The folder is not a Backlog.md project.
#[derive(Debug, thiserror::Error)]
#[error("{path} is not a Backlog.md project: it has no backlog/config.yml and no tasks/ folder")]
pub struct NotBacklogMd {
    pub path: PathBuf,
}

/// The Backlog.md folder in `dir`: `dir/backlog`, or `dir` itself.
pub fn locate(dir: &Path) -> Result<PathBuf, NotBacklogMd> {
    let looks = |d: &Path| d.join("config.yml").is_file() || d.join("tasks").is_dir();
    let inner = dir.join("backlog");
    if looks(&inner) {
        Ok(inner)
    } else if looks(dir) {
        Ok(dir.to_path_buf())
    } else {
        Err(NotBacklogMd {
            path: dir.to_path_buf(),
        })
    }
}

/// Reads every task and milestone of the Backlog.md folder `root`; paths in
/// problems are `display` joined with the file's place in the folder.
pub fn read(root: &Path, display: &Path) -> Source {
    let mut src = Source {
        format: "backlog-md",
        ..Source::default()
    };
    let config = std::fs::read_to_string(root.join("config.yml"))
        .ok()
        .and_then(|t| serde_yaml::from_str::<Value>(&t).ok());
    let setting = |k: &str| {
        config
            .as_ref()
            .and_then(|c| c.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let default_status = setting("default_status").unwrap_or_else(|| "To Do".into());
    for folder in TASK_FOLDERS {
        for (rel, bytes) in files(root, display, folder, &mut src.problems) {
            let path = display.join(&rel);
            if let Some(t) = read_task(&path, &bytes, folder, &default_status, &mut src.problems) {
                src.tasks.push(t);
            }
        }
    }
    for (folder, done) in [("milestones", false), ("archive/milestones", true)] {
        for (rel, bytes) in files(root, display, folder, &mut src.problems) {
            let path = display.join(&rel);
            if let Some(g) = read_milestone(&path, &bytes, done, &mut src.problems) {
                src.goals.push(g);
            }
        }
    }
    for folder in OTHER_FOLDERS {
        let n = files(root, display, folder, &mut Vec::new())
            .iter()
            .filter(|(rel, _)| !is_readme(rel))
            .count();
        if n > 0 {
            src.problems.push(
                Problem::new(
                    Level::Skipped,
                    display.join(folder),
                    format!(
                        "{n} {} not imported: a backlog holds stories, not {folder}",
                        if n == 1 { "file is" } else { "files are" }
                    ),
                )
                .help("keep them beside the code (e.g. docs/), where they are"),
            );
        }
    }
    let prefix = setting("task_prefix").unwrap_or_else(|| "task".into());
    resolve_links(&mut src, &prefix.to_uppercase());
    src
}

fn is_readme(rel: &Path) -> bool {
    rel.file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case("readme.md"))
}

/// The `*.md` files directly in `root/folder`, by name, with their bytes;
/// what cannot be read is reported.
fn files(
    root: &Path,
    display: &Path,
    folder: &str,
    problems: &mut Vec<Problem>,
) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
        return Vec::new();
    };
    let mut names: Vec<_> = entries.filter_map(Result::ok).collect();
    names.sort_by_key(|e| e.file_name());
    let mut out = Vec::new();
    for e in names {
        let name = e.file_name();
        let rel = Path::new(folder).join(&name);
        if !name.to_string_lossy().to_lowercase().ends_with(".md") {
            continue;
        }
        let Ok(meta) = std::fs::symlink_metadata(e.path()) else {
            continue;
        };
        let refuse = |m: &str| Problem::new(Level::Refused, display.join(&rel), m);
        if meta.file_type().is_symlink() {
            problems.push(
                refuse("a symbolic link, which is never followed")
                    .help("copy the file it points to in its place"),
            );
        } else if !meta.is_file() {
            continue;
        } else if meta.len() > MAX_BYTES {
            problems.push(refuse(&format!(
                "{} bytes; a task file is at most 1 MiB",
                meta.len()
            )));
        } else {
            match std::fs::read(e.path()) {
                Ok(b) => out.push((rel, b)),
                Err(err) => problems.push(refuse(&format!("cannot be read: {err}"))),
            }
        }
    }
    out
}

/// A front-matter field: its value and the 1-based line of its key.
struct Field {
    value: Value,
    line: usize,
}

/// Reads front matter: as YAML, or, where that fails, line by line.
fn fields(
    path: &Path,
    yaml: &str,
    first_line: usize,
    problems: &mut Vec<Problem>,
) -> HashMap<String, Field> {
    let layout = crate::syntax::document::Layout::scan(yaml, first_line);
    let line_of = |k: &str| layout.get(k).map_or(first_line, |s| s.line);
    let strict = match prescan(yaml) {
        Ok(()) => serde_yaml::from_str::<Value>(yaml).map_err(|e| {
            let (l, c) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
            (l + first_line - 1, c, e.to_string())
        }),
        Err(r) => Err((first_line, 1, r.message)),
    };
    match strict {
        Ok(Value::Mapping(m)) => m
            .into_iter()
            .filter_map(|(k, v)| {
                let k = k.as_str()?.to_string();
                let line = line_of(&k);
                Some((k, Field { value: v, line }))
            })
            .collect(),
        Ok(_) => HashMap::new(),
        Err((line, column, message)) => {
            let message = message.split(" at line ").next().unwrap_or("").to_string();
            problems.push(
                Problem::new(
                    Level::Warning,
                    path,
                    format!("front matter is not strict YAML ({message}); read line by line"),
                )
                .at(line.max(1), column.max(1))
                .help(
                    "quote values that start with `@` or hold `: ` so other YAML tools read it too",
                ),
            );
            lenient(yaml, first_line)
        }
    }
}

/// One value as YAML if it reads as such, else as the text written.
fn scalar(raw: &str) -> Value {
    let raw = raw.trim();
    if raw.is_empty() {
        return Value::Null;
    }
    if prescan(raw).is_ok() {
        if let Ok(v) = serde_yaml::from_str::<Value>(raw) {
            if !matches!(v, Value::Mapping(_)) {
                return v;
            }
        }
    }
    Value::String(raw.to_string())
}

/// `key: value` lines and block lists under them, each value read alone.
fn lenient(yaml: &str, first_line: usize) -> HashMap<String, Field> {
    let mut out: HashMap<String, Field> = HashMap::new();
    let mut current: Option<String> = None;
    for (n, line) in yaml.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t', '-']) {
            if let Some((k, v)) = line.split_once(':') {
                let k = k.trim().to_string();
                out.insert(
                    k.clone(),
                    Field {
                        value: scalar(v),
                        line: first_line + n,
                    },
                );
                current = Some(k);
                continue;
            }
        }
        if let (Some(item), Some(k)) = (trimmed.strip_prefix('-'), &current) {
            if let Some(f) = out.get_mut(k) {
                let v = scalar(item);
                match &mut f.value {
                    Value::Sequence(s) => s.push(v),
                    other => *other = Value::Sequence(vec![v]),
                }
            }
        }
    }
    out
}

/// A value as texts: a list's items, a comma-separated text's parts.
fn texts(v: &Value) -> Vec<String> {
    match v {
        Value::Sequence(s) => s.iter().filter_map(as_text).collect(),
        Value::Null => Vec::new(),
        other => as_text(other)
            .map(|t| {
                t.split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `back-12 - Some-title.md` → (`BACK-12`, `Some title`).
fn from_file_name(path: &Path) -> (Option<String>, Option<String>) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match stem.split_once(" - ") {
        Some((id, title)) => (
            Some(id.trim().to_uppercase()).filter(|i| !i.is_empty() && !i.contains(' ')),
            Some(title.replace('-', " ")).filter(|t| !t.trim().is_empty()),
        ),
        None => (None, None),
    }
}

fn read_task(
    path: &Path,
    bytes: &[u8],
    folder: &str,
    default_status: &str,
    problems: &mut Vec<Problem>,
) -> Option<Task> {
    let refuse = |m: &str| Problem::new(Level::Refused, path, m);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            problems.push(
                refuse("is not UTF-8 text")
                    .at(line, 1)
                    .help("save the file as UTF-8, then import again"),
            );
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fm = match split(text) {
        Ok(fm) => fm,
        Err(e) => {
            if is_readme(path) {
                problems.push(Problem::new(
                    Level::Skipped,
                    path,
                    "the folder's readme, not a task",
                ));
                return None;
            }
            let why = match e {
                SplitError::Empty => "is empty",
                SplitError::Missing => "has no front matter (no `---` on its first line)",
                SplitError::Unterminated => "has front matter with no closing `---`",
            };
            problems.push(
                refuse(&format!("{why}, so it has no id, title or status"))
                    .at(1, 1)
                    .help(
                        "add `id:`, `title:` and `status:` between `---` lines, then import again",
                    ),
            );
            return None;
        }
    };
    let f = fields(path, fm.yaml, fm.yaml_line, problems);
    let get = |k: &str| f.get(k).map(|x| &x.value);
    let (name_id, name_title) = from_file_name(path);
    let origin = match get("id").and_then(as_text) {
        Some(id) => id.to_uppercase(),
        None => match name_id {
            Some(id) => {
                problems.push(
                    Problem::new(
                        Level::Warning,
                        path,
                        format!("has no `id:`; took `{id}` from the file name"),
                    )
                    .at(fm.yaml_line, 1),
                );
                id
            }
            None => {
                problems.push(
                    refuse("has no `id:`, and its file name holds none")
                        .at(fm.yaml_line, 1)
                        .help("add `id:` to its front matter, then import again"),
                );
                return None;
            }
        },
    };
    let line = f.get("id").map_or(fm.yaml_line, |x| x.line);
    let title = match get("title").and_then(as_text).map(|t| one_line(&t)) {
        Some(t) if !t.is_empty() => t,
        _ => match name_title {
            Some(t) => {
                problems.push(
                    Problem::new(
                        Level::Warning,
                        path,
                        format!("{origin}: has no `title:`; took it from the file name"),
                    )
                    .at(line, 1),
                );
                one_line(&t)
            }
            None => {
                problems.push(
                    refuse(&format!("{origin}: has no `title:`"))
                        .at(line, 1)
                        .help("add `title:` to its front matter, then import again"),
                );
                return None;
            }
        },
    };
    let written = get("status").and_then(as_text);
    let mut status = written
        .clone()
        .unwrap_or_else(|| default_status.to_string());
    if written.is_none() {
        problems.push(
            Problem::new(
                Level::Warning,
                path,
                format!("{origin}: has no `status:`; took the default `{status}`"),
            )
            .at(line, 1),
        );
    }
    if folder.ends_with("drafts") && !folder.starts_with("archive") {
        status = "Draft".into();
    } else if folder.starts_with("archive") && super::normal(&status) != "done" {
        status = "Archived".into();
    }
    let kind = get("type")
        .and_then(as_text)
        .map(|t| match super::normal(&t).as_str() {
            "bug" | "defect" => Kind::Bug,
            "chore" | "task" | "maintenance" => Kind::Chore,
            "spike" | "research" => Kind::Spike,
            "epic" => Kind::Epic,
            _ => Kind::Story,
        });
    let number = |k: &str| match get(k) {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let created = get("created_date")
        .and_then(as_text)
        .and_then(|t| t.get(..10).and_then(Date::parse));
    let mut extra = Vec::new();
    for (k, name) in [
        ("assignee", "x-assignee"),
        ("reporter", "x-reporter"),
        ("references", "x-references"),
    ] {
        let v = get(k).map(texts).unwrap_or_default();
        if !v.is_empty() {
            extra.push((name.to_string(), v));
        }
    }
    let list_type = get("type").and_then(as_text);
    if let (Some(t), Some(k)) = (&list_type, kind) {
        if super::normal(t) != k.as_str() {
            extra.push(("x-type".into(), vec![t.clone()]));
        }
    }
    Some(Task {
        origin,
        file: path.to_path_buf(),
        line,
        title,
        kind,
        status,
        priority: get("priority").and_then(as_text),
        ordinal: number("ordinal"),
        labels: get("labels").map(texts).unwrap_or_default(),
        depends_on: get("dependencies").map(texts).unwrap_or_default(),
        parent: get("parent_task_id")
            .or_else(|| get("parent"))
            .and_then(as_text),
        goal: get("milestone").and_then(as_text),
        estimate: None,
        created,
        extra,
        body: clean_body(fm.body),
    })
}

fn read_milestone(
    path: &Path,
    bytes: &[u8],
    done: bool,
    problems: &mut Vec<Problem>,
) -> Option<GoalSource> {
    let text = String::from_utf8_lossy(bytes);
    let Ok(fm) = split(&text) else {
        if is_readme(path) {
            problems.push(Problem::new(
                Level::Skipped,
                path,
                "the folder's readme, not a milestone",
            ));
        } else {
            problems.push(
                Problem::new(Level::Refused, path, "a milestone without front matter")
                    .at(1, 1)
                    .help("add `id:` and `title:` between `---` lines"),
            );
        }
        return None;
    };
    let f = fields(path, fm.yaml, fm.yaml_line, problems);
    let id = f.get("id").and_then(|x| as_text(&x.value));
    let title = f
        .get("title")
        .and_then(|x| as_text(&x.value))
        .map(|t| one_line(&t));
    match (id, title) {
        (Some(id), Some(title)) if !title.is_empty() => Some(GoalSource {
            key: id.to_lowercase(),
            title,
            done,
        }),
        _ => {
            problems.push(
                Problem::new(Level::Refused, path, "a milestone needs `id:` and `title:`")
                    .at(fm.yaml_line, 1),
            );
            None
        }
    }
}

/// The body without Backlog.md's section markers, acceptance criteria
/// without their `#1` numbers.
fn clean_body(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    for line in body.lines() {
        let t = line.trim();
        if t.starts_with("<!--")
            && t.ends_with("-->")
            && (t.contains(":BEGIN") || t.contains(":END"))
        {
            continue;
        }
        let mut l = line.to_string();
        for check in ["- [ ] #", "- [x] #", "- [X] #"] {
            if let Some(rest) = line.strip_prefix(check) {
                let digits = rest.chars().take_while(char::is_ascii_digit).count();
                if digits > 0 && rest[digits..].starts_with(' ') {
                    l = format!("{}{}", &check[..6], &rest[digits + 1..]);
                }
            }
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

/// Numbers of an id: `task-345.01` → [345, 1].
fn numbers(id: &str) -> Vec<u64> {
    natural_key(id)
        .into_iter()
        .filter(|(_, n)| *n != u64::MAX)
        .map(|(_, n)| n)
        .collect()
}

/// Colliding ids get a key of their own; links written with an old prefix
/// (`task-12` for `BACK-12`) or leading zeros (`.01`) find their task.
fn resolve_links(src: &mut Source, prefix: &str) {
    let mut owner: HashMap<String, usize> = HashMap::new();
    for i in 0..src.tasks.len() {
        let id = src.tasks[i].origin.clone();
        if let Some(&first) = owner.get(&id) {
            let folder = src.tasks[i]
                .file
                .parent()
                .and_then(|p| p.file_name())
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            let first_file = src.tasks[first].file.clone();
            let t = &mut src.tasks[i];
            t.origin = format!("{id}@{}", archive_place(&t.file, &folder));
            src.problems.push(
                Problem::new(
                    Level::Warning,
                    &t.file,
                    format!(
                        "id {id} is also the id of {}; imported as a story of its own, with key {}",
                        first_file.display(),
                        t.origin
                    ),
                )
                .at(t.line, 1),
            );
        } else {
            owner.insert(id, i);
        }
    }
    let by_numbers: HashMap<Vec<u64>, Vec<String>> =
        owner.keys().fold(HashMap::new(), |mut m, id| {
            m.entry(numbers(id)).or_default().push(id.clone());
            m
        });
    let find = |r: &str| -> String {
        let up = r.trim().to_uppercase();
        if owner.contains_key(&up) {
            return up;
        }
        if numbers(&up).is_empty() {
            return up;
        }
        // The same numbers under another prefix (`task-3` for `BACK-3`):
        // the project's own prefix first, else the only candidate.
        let candidates = by_numbers
            .get(&numbers(&up))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let own = candidates
            .iter()
            .find(|c| c.split('-').next() == Some(prefix));
        match (own, candidates) {
            (Some(c), _) => c.clone(),
            (None, [one]) => one.clone(),
            _ => up,
        }
    };
    for t in &mut src.tasks {
        t.depends_on = t.depends_on.iter().map(|d| find(d)).collect();
        t.parent = t.parent.as_deref().map(find);
        if let Some(g) = &t.goal {
            // `M3 - GUI` names milestone m-3.
            let g = g.trim();
            let lower = g.to_lowercase();
            let digits: String = lower
                .strip_prefix('m')
                .map(|r| r.trim_start_matches('-'))
                .unwrap_or("")
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let key =
                if !digits.is_empty() && src.goals.iter().any(|x| x.key == format!("m-{digits}")) {
                    format!("m-{digits}")
                } else {
                    lower
                };
            t.goal = Some(match src.goals.iter().find(|x| x.key == key) {
                Some(x) => x.key.clone(),
                None => g.to_string(),
            });
        }
    }
}

/// `archive/tasks` for a file in it: where a colliding task lives.
fn archive_place(file: &Path, folder: &str) -> String {
    let parent = file.parent().and_then(|p| p.parent());
    match parent.and_then(|p| p.file_name()) {
        Some(a) if a == "archive" => format!("archive/{folder}"),
        _ => folder.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_front_matter() {
        let f = lenient(
            "id: BACK-1\nassignee: @MrLesk\nlabels:\n  - a\n  - b\ntitle: A: B\n",
            2,
        );
        assert_eq!(as_text(&f["assignee"].value).as_deref(), Some("@MrLesk"));
        assert_eq!(texts(&f["labels"].value), ["a", "b"]);
        assert_eq!(as_text(&f["title"].value).as_deref(), Some("A: B"));
        assert_eq!(f["title"].line, 7);
    }

    #[test]
    fn bodies_lose_markers_and_numbers() {
        assert_eq!(
            clean_body("<!-- AC:BEGIN -->\n- [x] #1 Works\n- [ ] #12 Also\n<!-- AC:END -->\n"),
            "- [x] Works\n- [ ] Also\n"
        );
    }
}
