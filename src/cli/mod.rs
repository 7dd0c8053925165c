//! The `backlog` command line: parses arguments, resolves the context once,
//! calls the library and renders. One file per command, each alike: an
//! `Args` struct and a `run` that maps arguments to a library call. Exit
//! codes are decided in error.rs.

mod board;
mod check;
mod context;
mod diff;
mod error;
mod export;
mod fmt;
mod generated;
mod git_setup;
mod goal;
mod goals;
mod history;
mod import;
mod init;
mod list;
mod merge_file;
mod new;
mod rank;
mod render;
mod score;
mod set;
mod show;
mod sprint;
mod stakeholders;

use std::io::{self, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use context::{ColorChoice, Context, Opened};
pub use error::{CliError, ErrorKind, Exit, Outcome};

use crate::model::Snapshot;
use crate::render::text::TerminalSafe;

/// `--format` of the report commands (board, goals, log, blame, decisions, sprint,
/// velocity, forecast, stakeholders).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Md,
}

impl From<Format> for crate::render::Format {
    fn from(f: Format) -> crate::render::Format {
        match f {
            Format::Text => crate::render::Format::Text,
            Format::Json => crate::render::Format::Json,
            Format::Md => crate::render::Format::Md,
        }
    }
}

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

    /// Colour the output: auto (a terminal, unless NO_COLOR is set;
    /// CLICOLOR_FORCE forces it), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

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
    /// The board: a column per workflow status, cards in backlog order, WIP limits.
    Board(board::Args),
    /// The product, its vision, the Definition of Done, and each goal with its progress.
    Goals(goals::Args),
    /// Add a goal, or set a goal's title or status, in backlog.yaml.
    Goal(goal::Args),
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
    /// Sprints as commands: new, plan, start, review, close, show.
    Sprint(sprint::Args),
    /// Points committed and accepted per reviewed sprint, and their mean.
    Velocity(sprint::VelocityArgs),
    /// When each open story and each goal is likely done (50% and 85%).
    Forecast(sprint::ForecastArgs),
    /// Each stakeholder's stories, decisions, feedback and conflicts.
    Stakeholders(stakeholders::Args),
    /// Write a static site (HTML, no JavaScript) or one Markdown document of the backlog.
    Render(render::Args),
    /// Shell completions for bash, zsh, fish, powershell or elvish.
    Completions(generated::CompletionsArgs),
    /// The manual page of `backlog` or of one command, as roff (`backlog man | man -l -`).
    Man(generated::ManArgs),
    /// JSON Schema of a story's or sprint's front matter, or of backlog.yaml, for editors.
    Schema(generated::SchemaArgs),
    /// Bring in another tool's backlog: a Backlog.md folder or a Jira CSV export.
    Import(import::Args),
    /// Write the backlog in another tool's format: `export jira-csv > backlog.csv`.
    Export(export::Args),
    /// Git's merge driver for story and sprint files: merges them field by field.
    MergeFile(merge_file::Args),
    /// Make git merge story and sprint files with `merge-file` (.gitattributes, .git/config).
    GitSetup(git_setup::Args),
}

impl Cli {
    /// Whether the command is one of those that read the backlog through
    /// the story cache where there is one (`show`, `set`, `status`, `new`,
    /// a `rank` move), holding summaries of the other stories: a heap of a
    /// few megabytes at 10,000 stories, against hundreds for `check` at
    /// 100,000 or for the history. Without a cache (outside a repository)
    /// they read every file, and their heap is that of `list`.
    pub fn reads_through_story_cache(&self) -> bool {
        if self.at.is_some() {
            return false;
        }
        match &self.command {
            Command::Show(_) | Command::Set(_) | Command::Status(_) | Command::New(_) => true,
            Command::Rank(args) => args.id.is_some(),
            _ => false,
        }
    }
}

/// Runs the CLI with the process's arguments and returns the exit code;
/// `prepare` sees the parsed command line before it runs (the binary sets
/// up its memory for the command).
pub fn main(prepare: impl FnOnce(&Cli)) -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    prepare(&cli);
    let stdout = io::stdout();
    // Everything printed goes through the one terminal sanitiser, but a
    // file for another tool (`export … > backlog.csv`): its bytes are the
    // data, and a control character escaped would change it.
    let exact =
        matches!(cli.command, Command::Export(_)) && !std::io::IsTerminal::is_terminal(&stdout);
    let mut out: Box<dyn Write> = if exact {
        Box::new(io::BufWriter::new(stdout.lock()))
    } else {
        Box::new(TerminalSafe::new(io::BufWriter::new(stdout.lock())))
    };
    // A panic is a bug, never the user's fault: say so, exit 2, keep the
    // message (the default hook has already printed where it happened).
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let code = run(cli, &mut out)?;
        out.flush()?;
        Ok(code)
    }))
    .unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(CliError::internal(format!("unexpected failure: {what}")))
    });
    match result {
        Ok(exit) => exit.code(),
        Err(e) => {
            let _ = out.flush();
            let mut err = TerminalSafe::new(io::stderr().lock());
            let _ = e.report(&mut err);
            let _ = err.flush();
            e.exit_code()
        }
    }
}

/// Runs a parsed command line, writing its output to `out`.
pub fn run(cli: Cli, out: &mut dyn Write) -> Outcome {
    let writes = matches!(
        &cli.command,
        Command::Sprint(sprint::Args {
            command: sprint::SprintCommand::New(_)
                | sprint::SprintCommand::Start(_)
                | sprint::SprintCommand::Review(_)
                | sprint::SprintCommand::Close(_)
        }) | Command::Init(_)
            | Command::Goal(_)
            | Command::New(_)
            | Command::Set(_)
            | Command::Status(_)
            | Command::Fmt(_)
            | Command::Import(_)
            | Command::MergeFile(_)
            | Command::GitSetup(_)
    ) || matches!(&cli.command, Command::Rank(a) if rank::writes(a));
    if writes && cli.at.is_some() {
        return Err(CliError::new(
            "--at reads a past revision; this command changes the working tree",
        )
        .hint("drop --at, or use a read command (check, list, show, score)"));
    }
    if matches!(cli.command, Command::Diff(_)) && cli.at.is_some() {
        return Err(CliError::new(
            "`diff` takes its revisions as BASE..HEAD, not --at",
        ));
    }
    let ctx = Context::resolve(cli.dir, cli.at, cli.color)?;
    match cli.command {
        Command::Init(args) => init::run(&ctx, args, out),
        // Generated from the command definitions alone: no backlog needed.
        Command::Completions(args) => generated::completions(args, out),
        Command::Man(args) => generated::man(args, out),
        Command::Schema(args) => generated::schema(args, out),
        Command::Check(args) => check::run(&ctx, args, out),
        Command::List(args) => list::run(&ctx, args, out),
        Command::Board(args) => board::run(&ctx, args, out),
        Command::Goals(args) => goals::run(&ctx, args, out),
        Command::Goal(args) => goal::run(&ctx, args, out),
        Command::Show(args) => show::run(&ctx, args, out),
        Command::New(args) => new::run(&ctx, args, out),
        Command::Rank(args) => rank::run(&ctx, args, out),
        Command::Score(args) => score::run(&ctx, args, out),
        Command::Set(args) => set::run_set(&ctx, args, out),
        Command::Status(args) => set::run_status(&ctx, args, out),
        Command::Fmt(args) => fmt::run(&ctx, args, out),
        Command::Log(args) => history::run_log(&ctx, args, out),
        Command::Blame(args) => history::run_blame(&ctx, args, out),
        Command::Decisions(args) => history::run_decisions(&ctx, args, out),
        Command::Diff(args) => diff::run(&ctx, args, out),
        Command::Sprint(args) => sprint::run(&ctx, args, out),
        Command::Velocity(args) => sprint::velocity(&ctx, args, out),
        Command::Forecast(args) => sprint::forecast(&ctx, args, out),
        Command::Stakeholders(args) => stakeholders::run(&ctx, args, out),
        Command::Render(args) => render::run(&ctx, args, out),
        Command::Import(args) => import::run(&ctx, args, out),
        Command::Export(args) => export::run(&ctx, args, out),
        Command::MergeFile(args) => merge_file::run(&ctx, args, out),
        Command::GitSetup(args) => git_setup::run(&ctx, args, out),
    }
}

/// The story `id`, or an error that says why it cannot be edited: unknown,
/// or its file does not parse (with the `check` diagnostics for that file).
pub fn story<'a>(snapshot: &'a Snapshot, id: &str) -> Result<&'a crate::model::Story, CliError> {
    if let Some(s) = snapshot.story(id) {
        let all = snapshot.stories_with_id(id);
        if all.len() > 1 {
            let files: Vec<String> = all
                .iter()
                .map(|s| s.doc.path.display().to_string())
                .collect();
            return Err(CliError::new(format!(
                "`{id}` is the id of {} files: {}; nothing was done",
                all.len(),
                files.join(", ")
            ))
            .hint("give all but one of them an unused id (`backlog check` reports this as B026)"));
        }
        return Ok(s);
    }
    if snapshot.unreadable_ids.iter().any(|u| u.as_str() == id) {
        let wanted = crate::model::StoryId::new(id);
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
                name.strip_suffix(".md")
                    .is_some_and(|stem| wanted.names(stem))
            })
            .cloned()
            .collect();
        let mut text = Vec::new();
        let _ = crate::render::diagnostics::human_findings(&mut text, &findings);
        let text = String::from_utf8_lossy(&text);
        let body = text.trim_end();
        return Err(CliError::new(format!(
            "the file of `{id}` does not parse, so it cannot be used:\n\n{body}"
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the commands through the story cache keep huge pages
    /// (`src/main.rs`): not a whole-backlog command, nor one read at a
    /// revision, nor a `rank` that reorders everything.
    #[test]
    fn only_commands_through_the_story_cache_keep_huge_pages() {
        let through = |args: &[&str]| {
            let cli = Cli::try_parse_from(std::iter::once("backlog").chain(args.iter().copied()))
                .unwrap();
            cli.reads_through_story_cache()
        };
        for args in [
            &["show", "S-1"][..],
            &["set", "S-1", "estimate=3"],
            &["status", "S-1", "ready"],
            &["new", "A title"],
            &["rank", "S-1", "--top"],
            &["rank", "S-1", "--to", "3"],
            &["rank", "S-1", "--before", "S-2"],
            &["new", "A title", "--before", "S-2"],
        ] {
            assert!(through(args), "{args:?}");
        }
        for args in [
            &["check"][..],
            &["list"],
            &["log"],
            &["rank", "--rebalance"],
            &["rank", "--by", "wsjf"],
            &["--at", "HEAD", "show", "S-1"],
        ] {
            assert!(!through(args), "{args:?}");
        }
    }
}
