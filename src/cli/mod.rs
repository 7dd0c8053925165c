//! The `backlog` command line: parses arguments, loads the snapshot and hands
//! it to the library. Exit codes: 0 ok, 1 findings (`check`), 2 usage or
//! internal error.

mod check;
mod init;
mod list;
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
    match cli.command {
        Command::Init(args) => init::run(cli.dir, args, out),
        Command::Check(args) => check::run(&open(cli.dir)?, args, out),
        Command::List(args) => list::run(&open(cli.dir)?, args, out),
        Command::Show(args) => show::run(&open(cli.dir)?, args, out),
    }
}

/// Finds the backlog folder and loads its working-tree snapshot.
fn open(dir: Option<PathBuf>) -> Result<Snapshot, CliError> {
    let cwd = std::env::current_dir()
        .map_err(|e| CliError::new(format!("cannot read the current directory: {e}")))?;
    let tree: WorkTree = discover(dir.as_deref(), &cwd).map_err(|e| {
        CliError::new(e.to_string()).hint(
            "run `backlog init` to create one, or point at one with --dir PATH (or BACKLOG_DIR)",
        )
    })?;
    crate::load::load(&tree).map_err(|e| CliError::new(e.to_string()))
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
