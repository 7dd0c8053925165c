//! The `backlog` command line: parses arguments, loads the snapshot and hands
//! it to the library. Exit codes: 0 ok, 1 findings (`check`), 2 usage or
//! internal error.

mod check;
mod diff;
mod fmt;
mod history;
mod init;
mod list;
mod new;
mod rank;
mod score;
mod set;
mod show;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::model::Snapshot;
use crate::source::{discover, WorkTree};

/// A Git-native, plain-text product backlog.
///
/// Stories are Markdown files with YAML front matter in a `.backlog/` folder,
/// found by walking up from the current directory like `.git`.
#[derive(Debug, Parser)]
#[command(
    name = "backlog",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The backlog folder to use instead of the nearest `.backlog/`.
    #[arg(long, global = true, env = "BACKLOG_DIR", value_name = "PATH")]
    pub dir: Option<PathBuf>,

    /// Read the backlog as it was at this git revision (`HEAD~3`, a tag, a
    /// branch, a commit id), straight from git objects, without touching the
    /// working tree. For read commands only.
    #[arg(long, global = true, value_name = "REV")]
    pub at: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a starter `.backlog/` (config, one story) in the current folder.
    Init(init::Args),
    /// Check every file against every rule; exit 1 if there are errors.
    Check(check::Args),
    /// List stories in rank order, with filters.
    List(list::Args),
    /// Show one story with its position, score and dependencies.
    Show(show::Args),
    /// Write a new story from a template, with the next free id.
    New(new::Args),
    /// Move a story in the ranked backlog, or re-rank many (--edit, --by, --rebalance).
    Rank(rank::Args),
    /// Print each story's score under the configured prioritisation model.
    Score(score::Args),
    /// Set fields of a story: `backlog set S-42 estimate=5 labels=billing,export`.
    Set(set::SetArgs),
    /// Move a story to another status of the workflow.
    Status(set::StatusArgs),
    /// Normalise field order, fences and final newlines (`--check` for CI).
    Fmt(fmt::Args),
    /// The audit trail: who changed what in which commit (rank moves with positions).
    Log(history::LogArgs),
    /// Each field of a story with the commit that last set its current value.
    Blame(history::BlameArgs),
    /// Every sprint-review decision and feedback item with the commit that recorded it.
    Decisions(history::DecisionsArgs),
    /// Compare two versions of the backlog in product terms (for pull requests).
    Diff(diff::Args),
}

/// An error that ends the command with exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }
}

/// The exit code of a command that ran to completion.
pub type Outcome = Result<i32, CliError>;

/// Runs the CLI with the process's arguments and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = run(cli, &mut out).and_then(|code| {
        out.flush().map_err(io_error)?;
        Ok(code)
    });
    match result {
        Ok(code) => code,
        Err(e) if e.message == BROKEN_PIPE => 0,
        Err(e) => {
            let mut err = io::stderr().lock();
            let _ = writeln!(err, "error: {}", e.message);
            if let Some(h) = e.hint {
                let _ = writeln!(err, "  help: {h}");
            }
            2
        }
    }
}

const BROKEN_PIPE: &str = "broken pipe";

/// Maps an output error; a closed pipe (`backlog list | head`) is not a failure.
pub fn io_error(e: io::Error) -> CliError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CliError::new(BROKEN_PIPE)
    } else {
        CliError::new(format!("cannot write output: {e}"))
    }
}

/// Runs a parsed command line, writing its output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Outcome {
    let writes = matches!(
        cli.command,
        Command::Init(_)
            | Command::New(_)
            | Command::Rank(_)
            | Command::Set(_)
            | Command::Status(_)
            | Command::Fmt(_)
    );
    if writes && cli.at.is_some() {
        return Err(CliError::new(
            "--at reads a past revision; this command changes the working tree",
        )
        .hint("drop --at, or use a read command (check, list, show, score)"));
    }
    let at = cli.at.as_deref();
    match cli.command {
        Command::Init(args) => init::run(cli.dir, args, out),
        Command::Check(args) => check::run(&open(cli.dir.clone(), at)?, cli.dir, args, out),
        Command::List(args) => list::run(&open(cli.dir, at)?, args, out),
        Command::Show(args) => show::run(&open(cli.dir, at)?, args, out),
        Command::New(args) => new::run(&open_tree(cli.dir)?, args, out),
        Command::Rank(args) => rank::run(&open_tree(cli.dir)?, args, out),
        Command::Score(args) => score::run(&open(cli.dir, at)?, args, out),
        Command::Set(args) => set::run_set(&open_tree(cli.dir)?, args, out),
        Command::Status(args) => set::run_status(&open_tree(cli.dir)?, args, out),
        Command::Fmt(args) => fmt::run(&open_tree(cli.dir)?, args, out),
        Command::Log(args) => history::run_log(cli.dir, at, args, out),
        Command::Blame(args) => history::run_blame(cli.dir, at, args, out),
        Command::Decisions(args) => history::run_decisions(cli.dir, at, args, out),
        Command::Diff(args) => {
            if at.is_some() {
                return Err(CliError::new(
                    "`diff` takes its revisions as BASE..HEAD, not --at",
                ));
            }
            diff::run(cli.dir, args, out)
        }
    }
}

/// The backlog folder on disk: `--dir`/`BACKLOG_DIR`, else the nearest `.backlog`.
pub fn work_tree(dir: Option<PathBuf>) -> Result<WorkTree, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::new(format!("cannot read the current directory: {e}")))?;
    discover(dir.as_deref(), &cwd).map_err(|e| {
        CliError::new(e.to_string()).hint(
            "run `backlog init` to create one, or point at one with --dir PATH (or BACKLOG_DIR)",
        )
    })
}

/// A loaded working tree, for commands that write.
pub struct Opened {
    pub tree: WorkTree,
    pub snapshot: Snapshot,
}

fn open_tree(dir: Option<PathBuf>) -> Result<Opened, CliError> {
    let tree = work_tree(dir)?;
    let snapshot = crate::load::load(&tree).map_err(|e| CliError::new(e.to_string()))?;
    Ok(Opened { tree, snapshot })
}

/// The story `id`, or an error that says why it cannot be edited: unknown,
/// or its file does not parse (with the `check` diagnostics for that file).
pub fn story<'a>(snapshot: &'a Snapshot, id: &str) -> Result<&'a crate::model::Story, CliError> {
    if let Some(s) = snapshot.story(id) {
        return Ok(s);
    }
    if snapshot.unreadable_ids.iter().any(|u| u.as_str() == id) {
        let findings: Vec<crate::model::diagnostic::Finding> = snapshot
            .load_findings
            .iter()
            .filter(|f| {
                let name = f
                    .location
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                name == format!("{id}.md") || name.starts_with(&format!("{id}-"))
            })
            .cloned()
            .collect();
        let mut text = Vec::new();
        let _ = crate::render::diagnostics::human_findings(&mut text, &findings);
        let text = String::from_utf8_lossy(&text);
        let body = text.trim_end();
        return Err(CliError::new(format!(
            "the file of `{id}` does not parse, so it is not changed:\n\n{body}"
        ))
        .hint("fix the file (see the finding above), then run the command again"));
    }
    let ids = snapshot.stories.iter().map(|s| s.id.as_str());
    let hint = match crate::model::suggest::did_you_mean(id, ids) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "`backlog list` shows every story's id".into(),
    };
    Err(CliError::new(format!("no story has the id `{id}`")).hint(hint))
}

/// Writes rank changes: one line of one file per story.
pub fn write_ranks(
    o: &Opened,
    changes: &[crate::plan::reorder::RankChange],
) -> Result<(), CliError> {
    let files: Vec<crate::edit::write::FileChange> = changes
        .iter()
        .map(|c| {
            let s = story(&o.snapshot, c.id.as_str())?;
            let edit = crate::edit::line::FieldEdit {
                key: "rank".into(),
                token: Some(c.new.to_string()),
            };
            Ok(crate::edit::write::FileChange::story(
                &o.tree,
                s,
                vec![edit],
            ))
        })
        .collect::<Result<_, CliError>>()?;
    crate::edit::write::write_changes(&files).map_err(write_error)?;
    Ok(())
}

pub fn write_error(e: crate::edit::write::WriteError) -> CliError {
    CliError::new(e.to_string())
}

/// Finds the backlog folder and loads its snapshot: from the working tree,
/// or with `at` from that git revision.
fn open(dir: Option<PathBuf>, at: Option<&str>) -> Result<Snapshot, CliError> {
    if let Some(rev) = at {
        return open_at(dir, rev);
    }
    let tree = work_tree(dir)?;
    crate::load::load(&tree).map_err(|e| CliError::new(e.to_string()))
}

pub fn git_error(e: crate::git::GitError) -> CliError {
    CliError {
        message: e.message,
        hint: e.hint,
    }
}

/// The backlog at revision `rev`: the folder is looked for in the
/// revision's tree the way it is on disk (`--dir`, else `.backlog` in the
/// current folder or the nearest folder above it).
fn open_at(dir: Option<PathBuf>, rev: &str) -> Result<Snapshot, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::new(format!("cannot read the current directory: {e}")))?;
    let git = crate::git::Git::discover(&cwd).map_err(git_error)?;
    let commit = git.resolve(rev).map_err(git_error)?;
    let tree = git.commit(commit).map_err(git_error)?.tree;
    let outside = || CliError::new("the backlog folder is outside the repository");
    let (rel, display) = match dir {
        Some(d) => (git.relative(&d).ok_or_else(outside)?, d),
        None => {
            let here = git.relative(&cwd).ok_or_else(outside)?;
            let mut found = None;
            for ancestor in here.ancestors() {
                let candidate = ancestor.join(".backlog");
                if git.subtree(tree, &candidate).map_err(git_error)?.is_some() {
                    found = Some(candidate);
                    break;
                }
            }
            let rel = found.ok_or_else(|| {
                CliError::new(format!(
                    "revision `{rev}` ({}) has no .backlog folder here or above",
                    commit.short()
                ))
                .hint("check the revision, or name the folder with --dir PATH")
            })?;
            let display = relative_between(&here, &rel);
            (rel, display)
        }
    };
    let source = git
        .source_at(commit, &rel, &display)
        .map_err(git_error)?
        .ok_or_else(|| {
            CliError::new(format!(
                "revision `{rev}` ({}) has no backlog folder at {}",
                commit.short(),
                display.display()
            ))
        })?;
    crate::load::load(&source).map_err(|e| CliError::new(e.to_string()))
}

/// The path from folder `from` to `to`, both relative to the same root.
fn relative_between(from: &std::path::Path, to: &std::path::Path) -> PathBuf {
    let a: Vec<_> = from.components().collect();
    let b: Vec<_> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c);
    }
    out
}

/// Columns available for a table: the terminal's width when stdout is one,
/// else `$COLUMNS` if set, else unlimited.
fn output_width() -> Option<usize> {
    if io::stdout().is_terminal() {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
            return Some(w as usize);
        }
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
}
