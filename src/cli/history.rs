//! `log`, `blame` and `decisions`: the audit trail read from git.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use super::{git_error, io_error, CliError, Outcome};
use crate::compare::changes::Change;
use crate::git::{CommitInfo, Git, Oid};
use crate::history::{build, Event, History, Options, Subject};
use crate::model::date::Date;
use crate::render::changes::describe;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum HistoryFormat {
    Text,
    Json,
    Md,
}

#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// Story or sprint ids to show, and/or a revision range (`v1.0..HEAD`).
    #[arg(value_name = "ID|RANGE")]
    pub args: Vec<String>,
    /// Only changes of this field (rank, status, estimate, sprint, epic,
    /// goal, labels, title, criteria, added, removed, renamed, decision,
    /// feedback, config…); repeat for several.
    #[arg(long, value_name = "FIELD")]
    pub field: Vec<String>,
    /// The priority audit: every rank change with old and new position.
    #[arg(long)]
    pub priority: bool,
    /// Only commits on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only commits on or before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only commits whose author name or email contains this text.
    #[arg(long, value_name = "TEXT")]
    pub author: Option<String>,
    /// Oldest first.
    #[arg(long)]
    pub reverse: bool,
    /// Follow merged branches' own commits too (default: first parent only).
    #[arg(long)]
    pub all_parents: bool,
    #[arg(long, value_enum, default_value_t = HistoryFormat::Text)]
    pub format: HistoryFormat,
}

#[derive(Debug, clap::Args)]
pub struct BlameArgs {
    /// The story's id.
    pub id: String,
    #[arg(long, value_enum, default_value_t = HistoryFormat::Text)]
    pub format: HistoryFormat,
}

#[derive(Debug, clap::Args)]
pub struct DecisionsArgs {
    /// Only this sprint's review.
    pub sprint: Option<String>,
    #[arg(long, value_enum, default_value_t = HistoryFormat::Text)]
    pub format: HistoryFormat,
}

/// The repository, the backlog folder's path inside it, and the folder on disk.
pub struct Repo {
    pub git: Git,
    pub rel: PathBuf,
    pub tree: crate::source::WorkTree,
}

impl Repo {
    /// The backlog at `commit`, shown with the same paths as the working
    /// tree; an empty backlog if the revision has none.
    pub fn snapshot_at(&self, commit: Oid) -> Result<Option<crate::model::Snapshot>, CliError> {
        use crate::source::Source;
        let source = self
            .git
            .source_at(commit, &self.rel, self.tree.display_root())
            .map_err(git_error)?;
        source
            .map(|m| crate::load::load(&m).map_err(|e| CliError::new(e.to_string())))
            .transpose()
    }
}

pub fn repo(dir: Option<PathBuf>) -> Result<Repo, CliError> {
    let tree = super::work_tree(dir)?;
    let git = Git::discover(tree.root()).map_err(git_error)?;
    let rel = git
        .relative(tree.root())
        .ok_or_else(|| CliError::new("the backlog folder is outside the repository"))?;
    Ok(Repo { git, rel, tree })
}

fn date_of(c: &CommitInfo) -> Date {
    Date::from_days((c.time + i64::from(c.offset)).div_euclid(86_400))
}

fn parse_date(flag: &str, s: &Option<String>) -> Result<Option<Date>, CliError> {
    s.as_ref()
        .map(|d| {
            Date::parse(d).ok_or_else(|| {
                CliError::new(format!("{flag} `{d}` is not a date"))
                    .hint("write it like 2026-11-02")
            })
        })
        .transpose()
}

/// Tips and hidden commits of a range argument (`A..B`, `A..`, `..B`), or HEAD.
fn range(
    git: &Git,
    range: Option<&str>,
    at: Option<&str>,
) -> Result<(Vec<Oid>, Vec<Oid>), CliError> {
    match range {
        Some(r) => {
            let (a, b) = r.split_once("..").expect("a range");
            let b = if b.is_empty() { "HEAD" } else { b };
            let tip = git.resolve(b).map_err(git_error)?;
            let hidden = if a.is_empty() {
                vec![]
            } else {
                vec![git.resolve(a).map_err(git_error)?]
            };
            Ok((vec![tip], hidden))
        }
        None => Ok((
            vec![git.resolve(at.unwrap_or("HEAD")).map_err(git_error)?],
            vec![],
        )),
    }
}

#[derive(Serialize)]
struct JsonEvent<'a> {
    commit: String,
    date: String,
    author: &'a str,
    email: &'a str,
    summary: &'a str,
    subject: &'a Subject,
    change: &'a Change,
}

fn subject_name(s: &Subject) -> String {
    match s {
        Subject::Story(id) | Subject::Sprint(id) => id.clone(),
        Subject::Config => "backlog.yaml".into(),
    }
}

pub fn run_log(
    dir: Option<PathBuf>,
    at: Option<&str>,
    args: LogArgs,
    out: &mut dyn Write,
) -> Outcome {
    let r = repo(dir)?;
    let (ranges, ids): (Vec<&String>, Vec<&String>) =
        args.args.iter().partition(|a| a.contains(".."));
    if ranges.len() > 1 {
        return Err(CliError::new("give at most one revision range"));
    }
    let (tips, hidden) = range(&r.git, ranges.first().map(|s| s.as_str()), at)?;
    let since = parse_date("--since", &args.since)?;
    let until = parse_date("--until", &args.until)?;
    let opts = Options {
        all_parents: args.all_parents,
    };
    // Whole histories come from the index (.git/backlog); ranges are built.
    let history = if hidden.is_empty() {
        crate::history::index::history_to(&r.git, &r.rel, tips[0], &opts)
    } else {
        build(&r.git, &r.rel, &tips, &hidden, &opts)
    }
    .map_err(git_error)?;
    let mut fields = args.field.clone();
    if args.priority {
        fields.push("rank".into());
    }
    let author = args.author.as_ref().map(|a| a.to_lowercase());
    let keep = |e: &Event| {
        let c = &history.commits[e.commit];
        let d = date_of(c);
        (ids.is_empty() || ids.iter().any(|id| **id == subject_name(&e.subject) || matches!(&e.change, Change::DecisionRecorded { story, .. } | Change::DecisionChanged { story, .. } | Change::DecisionRemoved { story, .. } if story == *id)))
            && (fields.is_empty() || fields.iter().any(|f| f == e.change.field()))
            && since.is_none_or(|s| d >= s)
            && until.is_none_or(|u| d <= u)
            && author.as_ref().is_none_or(|a| c.author.to_lowercase().contains(a) || c.email.to_lowercase().contains(a))
    };
    let mut events: Vec<&Event> = history.events.iter().filter(|e| keep(e)).collect();
    if !args.reverse {
        // Newest commit first; within a commit, the natural order (stable sort).
        events.sort_by_key(|e| std::cmp::Reverse(e.commit));
    }
    print_events(&history, &events, args.format, out)
}

fn print_events(
    history: &History,
    events: &[&Event],
    format: HistoryFormat,
    out: &mut dyn Write,
) -> Outcome {
    let w = io_error;
    match format {
        HistoryFormat::Json => {
            let rows: Vec<JsonEvent> = events
                .iter()
                .map(|e| {
                    let c = &history.commits[e.commit];
                    JsonEvent {
                        commit: c.id.to_string(),
                        date: date_of(c).to_string(),
                        author: &c.author,
                        email: &c.email,
                        summary: &c.summary,
                        subject: &e.subject,
                        change: &e.change,
                    }
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows).map_err(|e| io_error(e.into()))?;
            writeln!(out).map_err(w)?;
        }
        HistoryFormat::Md => {
            writeln!(out, "| Commit | Date | Author | Item | Change | Message |").map_err(w)?;
            writeln!(out, "| --- | --- | --- | --- | --- | --- |").map_err(w)?;
            let esc = |s: &str| s.replace('|', "\\|");
            for e in events {
                let c = &history.commits[e.commit];
                writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {} | {} |",
                    c.id.short(),
                    date_of(c),
                    esc(&c.author),
                    esc(&subject_name(&e.subject)),
                    esc(&describe(&e.change)),
                    esc(&c.summary)
                )
                .map_err(w)?;
            }
        }
        HistoryFormat::Text => {
            if events.is_empty() {
                writeln!(out, "no changes match").map_err(w)?;
            }
            let mut last = None;
            for e in events {
                if last != Some(e.commit) {
                    if last.is_some() {
                        writeln!(out).map_err(w)?;
                    }
                    let c = &history.commits[e.commit];
                    writeln!(
                        out,
                        "{}  {}  {}  {}",
                        c.id.short(),
                        date_of(c),
                        c.author,
                        c.summary
                    )
                    .map_err(w)?;
                    last = Some(e.commit);
                }
                writeln!(
                    out,
                    "    {:<9} {}",
                    subject_name(&e.subject),
                    describe(&e.change)
                )
                .map_err(w)?;
            }
        }
    }
    Ok(0)
}

#[derive(Serialize)]
struct BlameLine<'a> {
    field: &'a str,
    value: String,
    commit: String,
    date: String,
    author: &'a str,
    summary: &'a str,
}

/// The first-parent history up to `at` (default HEAD), from the index.
fn head_history(dir: Option<PathBuf>, at: Option<&str>) -> Result<(Repo, Oid, History), CliError> {
    let r = repo(dir)?;
    let (tips, _) = range(&r.git, None, at)?;
    let history = crate::history::index::history_to(&r.git, &r.rel, tips[0], &Options::default())
        .map_err(git_error)?;
    Ok((r, tips[0], history))
}

pub fn run_blame(
    dir: Option<PathBuf>,
    at: Option<&str>,
    args: BlameArgs,
    out: &mut dyn Write,
) -> Outcome {
    let (r, tip, history) = head_history(dir, at)?;
    let source = r.git.source_at(tip, &r.rel, &r.rel).map_err(git_error)?;
    let snapshot = source
        .map(|m| crate::load::load(&m))
        .transpose()
        .map_err(|e| CliError::new(e.to_string()))?
        .ok_or_else(|| CliError::new("the revision has no backlog folder"))?;
    let Some(story) = snapshot.story(&args.id) else {
        return Err(CliError::new(format!(
            "no story has the id `{}` at {}",
            args.id,
            at.unwrap_or("HEAD")
        ))
        .hint("blame reads committed history; commit the story first"));
    };
    let mine: Vec<&Event> = history
        .events
        .iter()
        .filter(|e| e.subject == Subject::Story(args.id.clone()))
        .collect();
    let mut lines = Vec::new();
    for &field in crate::load::STORY_FIELDS {
        // Blame says who set the kind even when it is the default.
        let value = if field == "kind" && story.layout.get("kind").is_none() {
            None
        } else {
            story.field_text(field)
        };
        let Some(value) = value else { continue };
        // The latest event that set this value: a change of the field, or
        // the story's (re)appearance.
        let last = mine
            .iter()
            .rev()
            .find(|e| e.change.field() == field || matches!(e.change, Change::StoryAdded { .. }));
        let Some(e) = last else { continue };
        let c = &history.commits[e.commit];
        lines.push(BlameLine {
            field,
            value,
            commit: c.id.short(),
            date: date_of(c).to_string(),
            author: &c.author,
            summary: &c.summary,
        });
    }
    let w = io_error;
    match args.format {
        HistoryFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &lines).map_err(|e| io_error(e.into()))?;
            writeln!(out).map_err(w)?;
        }
        HistoryFormat::Md => {
            writeln!(out, "| Field | Value | Commit | Date | Author | Message |\n| --- | --- | --- | --- | --- | --- |").map_err(w)?;
            for l in &lines {
                writeln!(
                    out,
                    "| {} | {} | `{}` | {} | {} | {} |",
                    l.field,
                    l.value.replace('|', "\\|"),
                    l.commit,
                    l.date,
                    l.author,
                    l.summary.replace('|', "\\|")
                )
                .map_err(w)?;
            }
        }
        HistoryFormat::Text => {
            let width = lines
                .iter()
                .map(|l| l.value.chars().count().min(40))
                .max()
                .unwrap_or(0);
            for l in &lines {
                let v = crate::views::list::truncate(&l.value, 40);
                writeln!(
                    out,
                    "{:<12} {:<width$}  {}  {}  {}  {}",
                    l.field, v, l.commit, l.date, l.author, l.summary
                )
                .map_err(w)?;
            }
        }
    }
    Ok(0)
}

#[derive(Serialize)]
struct DecisionEntry<'a> {
    sprint: String,
    story: Option<String>,
    what: &'a Change,
    commit: String,
    date: String,
    author: &'a str,
    summary: &'a str,
    /// The decision was edited or deleted after it was first recorded.
    amended: bool,
}

pub fn run_decisions(
    dir: Option<PathBuf>,
    at: Option<&str>,
    args: DecisionsArgs,
    out: &mut dyn Write,
) -> Outcome {
    let (_, _, history) = head_history(dir, at)?;
    let relevant = |e: &&Event| {
        matches!(
            e.change,
            Change::DecisionRecorded { .. }
                | Change::DecisionChanged { .. }
                | Change::DecisionRemoved { .. }
                | Change::FeedbackRecorded { .. }
        ) && args
            .sprint
            .as_ref()
            .is_none_or(|s| e.subject == Subject::Sprint(s.clone()))
    };
    let events: Vec<&Event> = history.events.iter().filter(relevant).collect();
    let story_of = |c: &Change| match c {
        Change::DecisionRecorded { story, .. }
        | Change::DecisionChanged { story, .. }
        | Change::DecisionRemoved { story, .. } => Some(story.clone()),
        _ => None,
    };
    let amended: std::collections::HashSet<(String, String)> = events
        .iter()
        .filter(|e| {
            matches!(
                e.change,
                Change::DecisionChanged { .. } | Change::DecisionRemoved { .. }
            )
        })
        .filter_map(|e| story_of(&e.change).map(|s| (subject_name(&e.subject), s)))
        .collect();
    let entries: Vec<DecisionEntry> = events
        .iter()
        .map(|e| {
            let c = &history.commits[e.commit];
            let story = story_of(&e.change);
            DecisionEntry {
                sprint: subject_name(&e.subject),
                amended: story
                    .as_ref()
                    .is_some_and(|s| amended.contains(&(subject_name(&e.subject), s.clone()))),
                story,
                what: &e.change,
                commit: c.id.short(),
                date: date_of(c).to_string(),
                author: &c.author,
                summary: &c.summary,
            }
        })
        .collect();
    let w = io_error;
    match args.format {
        HistoryFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &entries).map_err(|e| io_error(e.into()))?;
            writeln!(out).map_err(w)?;
        }
        HistoryFormat::Md => {
            writeln!(
                out,
                "| Sprint | Decision | Commit | Date | Author |\n| --- | --- | --- | --- | --- |"
            )
            .map_err(w)?;
            for e in &entries {
                let mark = if e.amended { " (amended)" } else { "" };
                writeln!(
                    out,
                    "| {} | {}{mark} | `{}` | {} | {} |",
                    e.sprint,
                    describe(e.what).replace('|', "\\|"),
                    e.commit,
                    e.date,
                    e.author
                )
                .map_err(w)?;
            }
        }
        HistoryFormat::Text => {
            if entries.is_empty() {
                writeln!(out, "no review decisions recorded").map_err(w)?;
            }
            let mut sprints: Vec<&str> = entries.iter().map(|e| e.sprint.as_str()).collect();
            sprints.sort();
            sprints.dedup();
            for (n, sprint) in sprints.iter().enumerate() {
                if n > 0 {
                    writeln!(out).map_err(w)?;
                }
                writeln!(out, "{sprint}").map_err(w)?;
                for e in entries.iter().filter(|e| e.sprint == *sprint) {
                    let mark = if e.amended { "*" } else { " " };
                    writeln!(
                        out,
                        "  {mark} {}  {}  {}  {}",
                        describe(e.what),
                        e.commit,
                        e.date,
                        e.author
                    )
                    .map_err(w)?;
                }
            }
            if !amended.is_empty() {
                writeln!(
                    out,
                    "\n* amended after it was first recorded: the lines above show every version"
                )
                .map_err(w)?;
            }
        }
    }
    Ok(0)
}
