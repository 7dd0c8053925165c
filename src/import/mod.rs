//! Importing other tools' backlogs: Backlog.md folders and Jira CSV exports.
//!
//! Each reader turns its input into format-neutral [`Task`]s and
//! [`Problem`]s without touching the backlog; [`plan`] then maps them onto a
//! snapshot (new ids with the backlog's prefix, statuses through the status
//! table, ranks after the current bottom, goals for milestones) and returns
//! the files to create and the new backlog.yaml text. Nothing here writes:
//! the CLI writes the plan through `edit::write` under the write lock.
//!
//! Idempotence: every story made here carries `x-imported-from:
//! <format>:<original id>`; a task whose key is already in the backlog is
//! left as it is. docs/import.md has the tables and the decisions.

pub mod backlog_md;
pub mod jira_csv;
pub mod wiki;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::PathBuf;

use crate::edit::line::{append_list_item, flow_text_token, list_token, text_token};
use crate::model::date::Date;
use crate::model::rank::Rank;
use crate::model::{fmt_num, Kind, Snapshot, StoryId};

/// The field that names where a story came from.
pub const IMPORTED_FROM: &str = "x-imported-from";

/// One task of the source, read but not yet mapped.
#[derive(Clone, Debug, Default)]
pub struct Task {
    /// The original id (`BACK-12`, `NAS-7`), upper case.
    pub origin: String,
    /// The file (or CSV row) it came from, and the line.
    pub file: PathBuf,
    pub line: usize,
    pub title: String,
    pub kind: Option<Kind>,
    /// The status as the source writes it.
    pub status: String,
    /// `high`, `medium`, `low` (or Jira's names), as written.
    pub priority: Option<String>,
    pub ordinal: Option<f64>,
    pub labels: Vec<String>,
    /// Original ids of the tasks it depends on.
    pub depends_on: Vec<String>,
    /// The original id of its parent task (or epic).
    pub parent: Option<String>,
    /// Key of the goal (milestone) it serves: a [`GoalSource::key`] or a name.
    pub goal: Option<String>,
    pub estimate: Option<f64>,
    pub created: Option<Date>,
    /// Custom fields to keep (`x-<name>`), each a list of texts.
    pub extra: Vec<(String, Vec<String>)>,
    /// The Markdown body.
    pub body: String,
}

/// A milestone that becomes a goal.
#[derive(Clone, Debug)]
pub struct GoalSource {
    /// What tasks call it (`m-3`), lower case.
    pub key: String,
    pub title: String,
    pub done: bool,
}

/// What a reader found.
#[derive(Clone, Debug, Default)]
pub struct Source {
    /// `backlog-md` or `jira`: the first part of `x-imported-from`.
    pub format: &'static str,
    pub tasks: Vec<Task>,
    pub goals: Vec<GoalSource>,
    pub problems: Vec<Problem>,
}

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// The file or row was not imported.
    Refused,
    /// Imported, with something worth knowing.
    Warning,
    /// Not a task at all (a folder readme), passed over.
    Skipped,
}

/// A file or row that was refused, or imported with a warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub level: Level,
    pub path: PathBuf,
    /// 1-based line and column, where there is one.
    pub at: Option<(usize, usize)>,
    pub message: String,
    pub help: Option<String>,
}

impl Problem {
    pub fn new(level: Level, path: impl Into<PathBuf>, message: impl Into<String>) -> Problem {
        Problem {
            level,
            path: path.into(),
            at: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Problem {
        self.at = Some((line, column));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Problem {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Refused => "refused",
            Level::Warning => "warning",
            Level::Skipped => "skipped",
        };
        write!(f, "{level}: {}", self.path.display())?;
        if let Some((l, c)) = self.at {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(h) = &self.help {
            write!(f, "\n  help: {h}")?;
        }
        Ok(())
    }
}

/// A status the user maps by hand: `--status "In Review=review"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusOverride {
    pub from: String,
    pub to: String,
}

/// A `--status` that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    #[error("`{0}` is not `SOURCE=STATUS`")]
    NotAssignment(String),
    #[error("`{to}` is not a status of this backlog's workflow ({})", statuses.join(", "))]
    UnknownStatus { to: String, statuses: Vec<String> },
}

/// Parses `--status` values against the backlog's workflow.
pub fn status_overrides(
    s: &Snapshot,
    values: &[String],
) -> Result<Vec<StatusOverride>, OptionError> {
    values
        .iter()
        .map(|v| {
            let (from, to) = v
                .rsplit_once('=')
                .filter(|(f, t)| !f.trim().is_empty() && !t.trim().is_empty())
                .ok_or_else(|| OptionError::NotAssignment(v.clone()))?;
            let to = to.trim().to_string();
            if !s.config.statuses.contains(&to) {
                return Err(OptionError::UnknownStatus {
                    to,
                    statuses: s.config.statuses.clone(),
                });
            }
            Ok(StatusOverride {
                from: from.trim().to_string(),
                to,
            })
        })
        .collect()
}

/// `In Progress`, `in-progress` and `IN_PROGRESS` alike: lower case letters
/// and digits only.
fn normal(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The default status table: source statuses (normalised) and the target
/// statuses to try, in order. `FIRST`, `DONE` and `LAST_DONE` stand for the
/// workflow's first status, first done status and last done status.
const STATUS_TABLE: &[(&[&str], &[&str])] = &[
    (
        &["draft", "idea", "new", "triage"],
        &["draft", "idea", "FIRST"],
    ),
    (
        &[
            "todo",
            "open",
            "backlog",
            "tobedone",
            "reopened",
            "selectedfordevelopment",
        ],
        &["draft", "todo", "to-do", "backlog", "FIRST"],
    ),
    (&["ready", "readyfordevelopment"], &["draft", "FIRST"]),
    (
        &["inprogress", "doing", "indevelopment", "started", "wip"],
        &["in-progress", "doing"],
    ),
    (
        &[
            "inreview",
            "review",
            "codereview",
            "qa",
            "testing",
            "intesting",
        ],
        &["review", "in-review", "in-progress"],
    ),
    (
        &[
            "done",
            "closed",
            "resolved",
            "complete",
            "completed",
            "fixed",
            "released",
        ],
        &["done", "DONE"],
    ),
    (
        &[
            "wontdo",
            "wontfix",
            "cancelled",
            "canceled",
            "rejected",
            "duplicate",
            "archived",
            "dropped",
            "obsolete",
            "invalid",
        ],
        &["dropped", "cancelled", "LAST_DONE"],
    ),
];

/// The target status for a source status: the user's override, else the
/// default table; `None` when neither names a status of the workflow.
pub fn map_status(s: &Snapshot, overrides: &[StatusOverride], source: &str) -> Option<String> {
    let n = normal(source);
    if let Some(o) = overrides.iter().rev().find(|o| normal(&o.from) == n) {
        return Some(o.to.clone());
    }
    let statuses = &s.config.statuses;
    // A status the workflow has by name maps to itself, except `ready`,
    // which must not skip the Definition of Ready.
    if n != "ready" {
        if let Some(same) = statuses.iter().find(|t| normal(t) == n) {
            return Some(same.clone());
        }
    }
    let (_, targets) = STATUS_TABLE
        .iter()
        .find(|(from, _)| from.contains(&n.as_str()))?;
    targets.iter().find_map(|t| match *t {
        "FIRST" => statuses.first().cloned(),
        "DONE" => s.config.done.first().cloned(),
        "LAST_DONE" => s.config.done.last().cloned(),
        name => statuses.iter().find(|x| normal(x) == normal(name)).cloned(),
    })
}

/// `BACK-2` before `BACK-10`, `BACK-10` before `BACK-10.1`: numbers compare
/// as numbers.
pub fn natural_key(id: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut chars = id.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n: u64 = c.to_digit(10).unwrap_or(0).into();
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(d.into());
                chars.next();
            }
            out.push((std::mem::take(&mut text), n));
        } else {
            text.push(c);
        }
    }
    if !text.is_empty() {
        out.push((text, u64::MAX));
    }
    out
}

/// Priority as a sort position: higher priorities first, none last.
fn priority_order(p: Option<&str>) -> u8 {
    // The first word: Jira writes `High (P1)`.
    let first = p.and_then(|p| p.split_whitespace().next()).map(normal);
    match first.as_deref() {
        Some("highest" | "blocker" | "critical" | "urgent" | "p0") => 0,
        Some("high" | "major" | "p1") => 1,
        Some("medium" | "normal" | "p2") => 2,
        Some("low" | "minor" | "p3") => 3,
        Some("lowest" | "trivial" | "p4") => 4,
        _ => 5,
    }
}

/// A story file to create, under `stories/`.
#[derive(Clone, Debug)]
pub struct NewStory {
    pub id: StoryId,
    pub origin: String,
    pub file_name: String,
    pub text: String,
}

/// What an import would do.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    pub creates: Vec<NewStory>,
    /// backlog.yaml's new text, when goals are added.
    pub config: Option<String>,
    /// Goals added: id and title.
    pub goals: Vec<(String, String)>,
    /// Tasks already in the backlog (matched on `x-imported-from`).
    pub unchanged: usize,
    pub problems: Vec<Problem>,
}

/// The `x-imported-from` key of every story that has one.
pub fn imported_keys(s: &Snapshot) -> HashMap<String, StoryId> {
    let mut out = HashMap::new();
    for story in &s.stories {
        // Scanned only where the key is written at all.
        if !story.doc.text.contains(IMPORTED_FROM) {
            continue;
        }
        let layout = story.layout();
        let Some(slot) = layout.get(IMPORTED_FROM) else {
            continue;
        };
        let value = serde_yaml::from_str::<String>(slot.raw)
            .unwrap_or_else(|_| crate::syntax::document::unquote(slot.raw).to_string());
        out.entry(value.to_uppercase())
            .or_insert_with(|| story.id.clone());
    }
    out
}

/// Maps `src` onto the snapshot: the stories to create and the goals to add.
/// `elsewhere` holds story file names taken on other branches (as for `new`).
pub fn plan(
    s: &Snapshot,
    src: Source,
    overrides: &[StatusOverride],
    elsewhere: &BTreeSet<String>,
) -> Plan {
    let mut plan = Plan {
        problems: src.problems,
        ..Plan::default()
    };
    let key = |origin: &str| format!("{}:{}", src.format, origin).to_uppercase();
    let existing = imported_keys(s);

    // Statuses first: a task whose status maps nowhere is refused.
    let mut tasks: Vec<(Task, String)> = Vec::new();
    for t in src.tasks {
        if t.status.trim().is_empty() {
            let first = s.config.statuses.first().cloned().unwrap_or_default();
            plan.problems.push(
                Problem::new(
                    Level::Warning,
                    &t.file,
                    format!(
                        "{}: has no status; took `{first}`, the workflow's first",
                        t.origin
                    ),
                )
                .at(t.line, 1),
            );
            tasks.push((t, first));
            continue;
        }
        match map_status(s, overrides, &t.status) {
            Some(status) => tasks.push((t, status)),
            None => plan.problems.push(
                Problem::new(
                    Level::Refused,
                    &t.file,
                    format!(
                        "{}: status `{}` maps to no status of this backlog",
                        t.origin, t.status
                    ),
                )
                .at(t.line, 1)
                .help(format!(
                    "map it with --status \"{}=STATUS\" (one of: {})",
                    t.status,
                    s.config.statuses.join(", ")
                )),
            ),
        }
    }

    // Ids: existing ones by key, new ones in the source's own order.
    let mut ids: HashMap<String, StoryId> = HashMap::new();
    let mut fresh: Vec<usize> = Vec::new();
    for (i, (t, _)) in tasks.iter().enumerate() {
        match existing.get(&key(&t.origin)) {
            Some(id) => {
                ids.insert(t.origin.to_uppercase(), id.clone());
            }
            None => fresh.push(i),
        }
    }
    plan.unchanged = tasks.len() - fresh.len();
    fresh.sort_by_key(|&i| natural_key(&tasks[i].0.origin.to_uppercase()));
    let first = crate::plan::new::next_id(s, elsewhere);
    let (prefix, start) = first
        .parts()
        .map(|(p, n)| (p.to_string(), n))
        .unwrap_or_else(|| (s.config.id_prefix.clone(), 1));
    for (n, &i) in fresh.iter().enumerate() {
        let id = StoryId::new(format!("{prefix}-{}", start + n as u64));
        ids.insert(tasks[i].0.origin.to_uppercase(), id);
    }
    let kinds: HashMap<String, Kind> = tasks
        .iter()
        .map(|(t, _)| (t.origin.to_uppercase(), t.kind.unwrap_or(Kind::Story)))
        .collect();

    // Goals: a milestone's goal is the goal with its title, else a new one.
    let mut goal_ids: HashMap<String, String> = HashMap::new();
    let mut config_text = s.config.doc.as_ref().map(|d| d.text.clone());
    let mut next_goal = next_goal_number(s);
    let titles: BTreeMap<String, &GoalSource> =
        src.goals.iter().map(|g| (g.key.clone(), g)).collect();
    let mut wanted: Vec<(String, String, bool)> = src
        .goals
        .iter()
        .map(|g| (g.key.clone(), g.title.clone(), g.done))
        .collect();
    for &i in &fresh {
        if let Some(g) = &tasks[i].0.goal {
            let k = g.to_lowercase();
            if !titles.contains_key(&k) && !wanted.iter().any(|(w, _, _)| *w == k) {
                wanted.push((k, g.clone(), false));
            }
        }
    }
    for (k, title, done) in wanted {
        if let Some(g) = s.config.goals.iter().find(|g| g.title == title) {
            goal_ids.insert(k, g.id.clone());
            continue;
        }
        if let Some((id, _)) = plan.goals.iter().find(|(_, t)| *t == title) {
            goal_ids.insert(k, id.clone());
            continue;
        }
        let Some(text) = &config_text else {
            plan.problems.push(Problem::new(
                Level::Warning,
                "backlog.yaml",
                format!("milestone `{title}` was not made a goal: there is no backlog.yaml"),
            ));
            continue;
        };
        let id = format!("G-{next_goal}");
        let item = format!(
            "{{ id: {id}, title: {}, status: {} }}",
            flow_text_token(&title),
            if done { "achieved" } else { "active" }
        );
        match append_list_item(text, "goals", &item) {
            Ok(t) => {
                config_text = Some(t);
                next_goal += 1;
                goal_ids.insert(k, id.clone());
                plan.goals.push((id, title));
            }
            Err(e) => plan.problems.push(
                Problem::new(
                    Level::Warning,
                    "backlog.yaml",
                    format!("milestone `{title}` was not made a goal: {e}"),
                )
                .help("write `goals:` as a block list in backlog.yaml, then import again"),
            ),
        }
    }
    if !plan.goals.is_empty() {
        plan.config = config_text;
    }

    // Ranks: unfinished new stories after the current bottom, by ordinal,
    // then priority, then original id.
    let mut ranked: Vec<usize> = fresh
        .iter()
        .copied()
        .filter(|&i| !s.config.done.contains(&tasks[i].1))
        .collect();
    ranked.sort_by(|&a, &b| {
        let (ta, tb) = (&tasks[a].0, &tasks[b].0);
        let ord = |o: Option<f64>| o.filter(|x| x.is_finite());
        match (ord(ta.ordinal), ord(tb.ordinal)) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then(priority_order(ta.priority.as_deref()).cmp(&priority_order(tb.priority.as_deref())))
        .then_with(|| {
            natural_key(&ta.origin.to_uppercase()).cmp(&natural_key(&tb.origin.to_uppercase()))
        })
    });
    let mut ranks: HashMap<usize, Rank> = HashMap::new();
    let mut last = s.stories.iter().filter_map(|x| x.rank.clone()).max();
    for i in ranked {
        let r = match &last {
            Some(l) => Rank::above(l),
            None => Rank::from_int(1),
        };
        ranks.insert(i, r.clone());
        last = Some(r);
    }

    for &i in &fresh {
        let (t, status) = &tasks[i];
        let id = ids[&t.origin.to_uppercase()].clone();
        let mut unresolved = Vec::new();
        let mut depends = Vec::new();
        for d in &t.depends_on {
            match ids.get(&d.to_uppercase()) {
                Some(x) if *x != id => {
                    if !depends.contains(x) {
                        depends.push(x.clone());
                    }
                }
                Some(_) => {}
                None => unresolved.push(d.clone()),
            }
        }
        if !unresolved.is_empty() {
            plan.problems.push(
                Problem::new(
                    Level::Warning,
                    &t.file,
                    format!(
                        "{}: depends on {}, which {} not in the import; kept as x-unresolved-dependencies",
                        t.origin,
                        unresolved.join(", "),
                        if unresolved.len() == 1 { "is" } else { "are" }
                    ),
                )
                .at(t.line, 1),
            );
        }
        let parent = t.parent.as_ref().map(|p| {
            let up = p.to_uppercase();
            (p, ids.get(&up), kinds.get(&up).copied())
        });
        let mut epic = None;
        let mut extra: Vec<(String, Vec<String>)> = Vec::new();
        extra.push((
            IMPORTED_FROM.into(),
            vec![format!("{}:{}", src.format, t.origin)],
        ));
        match parent {
            Some((_, Some(pid), Some(Kind::Epic))) => epic = Some(pid.clone()),
            Some((_, Some(pid), _)) => extra.push(("x-parent".into(), vec![pid.to_string()])),
            Some((p, None, _)) => extra.push(("x-parent".into(), vec![p.clone()])),
            None => {}
        }
        if !unresolved.is_empty() {
            extra.push(("x-unresolved-dependencies".into(), unresolved));
        }
        if let Some(p) = &t.priority {
            extra.push(("x-priority".into(), vec![p.clone()]));
        }
        extra.extend(t.extra.iter().cloned());
        let goal = t
            .goal
            .as_ref()
            .and_then(|g| goal_ids.get(&g.to_lowercase()));
        let story = Rendered {
            id: &id,
            title: &t.title,
            kind: t.kind.unwrap_or(Kind::Story),
            status,
            rank: ranks.get(&i),
            estimate: t.estimate,
            epic: epic.as_ref(),
            goal: goal.map(String::as_str),
            labels: &t.labels,
            depends_on: &depends,
            created: t.created,
            extra: &extra,
            body: &t.body,
        };
        let text = story.text();
        if let Err(e) = crate::plan::new::read_back(&text, &id, &t.title, ranks.get(&i)) {
            plan.problems.push(
                Problem::new(Level::Refused, &t.file, format!("{}: {e}", t.origin))
                    .at(t.line, 1)
                    .help("this is a bug in the importer; please report it with the file"),
            );
            continue;
        }
        plan.creates.push(NewStory {
            file_name: crate::plan::new::file_name(&id, &t.title),
            id,
            origin: t.origin.clone(),
            text,
        });
    }
    plan.problems
        .sort_by(|a, b| (a.level, &a.path, a.at).cmp(&(b.level, &b.path, b.at)));
    plan
}

fn next_goal_number(s: &Snapshot) -> u64 {
    s.config
        .goals
        .iter()
        .filter_map(|g| g.id.strip_prefix("G-")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1
}

/// A story's fields and body, written as a file.
struct Rendered<'a> {
    id: &'a StoryId,
    title: &'a str,
    kind: Kind,
    status: &'a str,
    rank: Option<&'a Rank>,
    estimate: Option<f64>,
    epic: Option<&'a StoryId>,
    goal: Option<&'a str>,
    labels: &'a [String],
    depends_on: &'a [StoryId],
    created: Option<Date>,
    extra: &'a [(String, Vec<String>)],
    body: &'a str,
}

impl Rendered<'_> {
    fn text(&self) -> String {
        let mut s = String::from("---\n");
        s.push_str(&format!("id: {}\n", self.id));
        s.push_str(&format!("title: {}\n", text_token(self.title)));
        s.push_str(&format!("kind: {}\n", self.kind.as_str()));
        s.push_str(&format!("status: {}\n", text_token(self.status)));
        if let Some(r) = self.rank {
            s.push_str(&format!("rank: {r}\n"));
        }
        if let Some(e) = self.estimate {
            s.push_str(&format!("estimate: {}\n", fmt_num(e)));
        }
        if let Some(e) = self.epic {
            s.push_str(&format!("epic: {e}\n"));
        }
        if let Some(g) = self.goal {
            s.push_str(&format!("goal: {}\n", text_token(g)));
        }
        if !self.labels.is_empty() {
            s.push_str(&format!("labels: {}\n", list_token(self.labels)));
        }
        if !self.depends_on.is_empty() {
            let ids: Vec<String> = self.depends_on.iter().map(|i| i.to_string()).collect();
            s.push_str(&format!("depends_on: {}\n", list_token(&ids)));
        }
        if let Some(c) = self.created {
            s.push_str(&format!("created: {c}\n"));
        }
        for (k, v) in self.extra {
            match v.as_slice() {
                [one] if k == IMPORTED_FROM || k == "x-parent" || k == "x-priority" => {
                    s.push_str(&format!("{k}: {}\n", text_token(one)))
                }
                _ => s.push_str(&format!("{k}: {}\n", list_token(v))),
            }
        }
        s.push_str("---\n");
        let body = self.body.trim_matches('\n');
        if !body.is_empty() {
            s.push_str(body);
            s.push('\n');
        }
        s
    }
}

/// A one-line title from any text: control characters become spaces.
pub fn one_line(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_naturally() {
        let mut v = vec!["BACK-10", "BACK-2", "BACK-10.1", "BACK-1"];
        v.sort_by_key(|x| natural_key(x));
        assert_eq!(v, ["BACK-1", "BACK-2", "BACK-10", "BACK-10.1"]);
    }

    #[test]
    fn the_default_status_table() {
        let s = Snapshot::empty();
        let m = |x: &str| map_status(&s, &[], x);
        assert_eq!(m("To Do").as_deref(), Some("draft"));
        assert_eq!(m("In Progress").as_deref(), Some("in-progress"));
        assert_eq!(m("Done").as_deref(), Some("done"));
        assert_eq!(m("Won't Do").as_deref(), Some("done"));
        assert_eq!(m("ready").as_deref(), Some("draft"));
        assert_eq!(m("Blocked"), None);
        let o = [StatusOverride {
            from: "blocked".into(),
            to: "review".into(),
        }];
        assert_eq!(map_status(&s, &o, "Blocked").as_deref(), Some("review"));
    }
}
