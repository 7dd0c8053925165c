//! The CLI's one error type. Its kind decides the exit code; library errors
//! convert into it with `From`, keeping their hint.
//!
//! Exit codes: 0 success (and a closed output pipe), 1 findings (`check`,
//! `fmt --check`, conflicts left by `merge-file`), 2 an error the user can act on, 2 an internal error, which
//! also asks for a bug report.

use std::io;

use crate::edit::lock::LockError;
use crate::edit::write::WriteError;
use crate::git::GitError;
use crate::load::revision::AtError;
use crate::load::LoadError;
use crate::model::score::ModelError;
use crate::plan::git_setup::SetupError;
use crate::plan::init::InitError;
use crate::plan::reorder::PlanError;
use crate::plan::set::SetError;
use crate::source::revision::RevisionError;
use crate::source::DiscoverError;

/// How a command ended, when it ran to completion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Done; nothing to report.
    Clean,
    /// Done; it found problems (exit 1).
    Findings,
}

impl Exit {
    pub fn code(self) -> i32 {
        match self {
            Exit::Clean => 0,
            Exit::Findings => 1,
        }
    }

    /// `Findings` when `found`.
    pub fn findings_if(found: bool) -> Exit {
        if found {
            Exit::Findings
        } else {
            Exit::Clean
        }
    }
}

/// What a command returns.
pub type Outcome = Result<Exit, CliError>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad arguments, bad state, a refused edit: the message says what to do.
    User,
    /// Something that should not happen: exit 2 and ask for a bug report.
    Internal,
    /// The reader of our output went away (`backlog list | head`): exit 0.
    BrokenPipe,
}

/// An error that ends the command.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CliError {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(message: impl Into<String>) -> CliError {
        CliError {
            kind: ErrorKind::User,
            message: message.into(),
            hint: None,
        }
    }

    pub fn internal(message: impl Into<String>) -> CliError {
        CliError {
            kind: ErrorKind::Internal,
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }

    fn with_hint(message: impl Into<String>, hint: Option<String>) -> CliError {
        CliError {
            kind: ErrorKind::User,
            message: message.into(),
            hint,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            ErrorKind::BrokenPipe => 0,
            ErrorKind::User | ErrorKind::Internal => 2,
        }
    }

    /// What stderr shows.
    pub fn report(&self, w: &mut dyn io::Write) -> io::Result<()> {
        if self.kind == ErrorKind::BrokenPipe {
            return Ok(());
        }
        writeln!(w, "error: {}", self.message)?;
        if let Some(h) = &self.hint {
            writeln!(w, "  help: {h}")?;
        }
        if self.kind == ErrorKind::Internal {
            writeln!(
                w,
                "  note: this is a bug in backlog {}; please report it with the command you ran",
                env!("CARGO_PKG_VERSION")
            )?;
        }
        Ok(())
    }
}

/// Writing output failed: a closed pipe is not a failure.
impl From<io::Error> for CliError {
    fn from(e: io::Error) -> CliError {
        if e.kind() == io::ErrorKind::BrokenPipe {
            CliError {
                kind: ErrorKind::BrokenPipe,
                message: "broken pipe".into(),
                hint: None,
            }
        } else {
            CliError::new(format!("cannot write output: {e}"))
        }
    }
}

impl From<GitError> for CliError {
    fn from(e: GitError) -> CliError {
        let hint = e.hint();
        CliError::with_hint(e.to_string(), hint)
    }
}

impl From<RevisionError> for CliError {
    fn from(e: RevisionError) -> CliError {
        match e {
            RevisionError::Git(g) => g.into(),
            RevisionError::NotFound { .. } => CliError::new(e.to_string())
                .hint("check the revision, or name the folder with --dir PATH"),
            other => CliError::new(other.to_string()),
        }
    }
}

impl From<DiscoverError> for CliError {
    fn from(e: DiscoverError) -> CliError {
        CliError::new(e.to_string()).hint(
            "run `backlog init` to create one, or point at one with --dir PATH (or BACKLOG_DIR)",
        )
    }
}

impl From<LoadError> for CliError {
    fn from(e: LoadError) -> CliError {
        CliError::new(e.to_string())
    }
}

impl From<AtError> for CliError {
    fn from(e: AtError) -> CliError {
        match e {
            AtError::Git(g) => g.into(),
            AtError::Load(l) => l.into(),
        }
    }
}

impl From<WriteError> for CliError {
    fn from(e: WriteError) -> CliError {
        CliError::new(e.to_string())
    }
}

impl From<LockError> for CliError {
    fn from(e: LockError) -> CliError {
        let hint = match &e {
            LockError::Busy { .. } => {
                "writers to one backlog take turns: run the command again when that one is done"
            }
            LockError::Io { .. } => "check that the folder exists and can be read",
        };
        CliError::new(e.to_string()).hint(hint)
    }
}

impl From<PlanError> for CliError {
    fn from(e: PlanError) -> CliError {
        CliError::new(e.to_string())
    }
}

impl From<InitError> for CliError {
    fn from(e: InitError) -> CliError {
        CliError::new(e.to_string())
    }
}

impl From<ModelError> for CliError {
    fn from(e: ModelError) -> CliError {
        let hint = e.hint();
        CliError::new(e.to_string()).hint(hint)
    }
}

/// A refused `set` or `status`: nothing was written.
impl From<SetError> for CliError {
    fn from(e: SetError) -> CliError {
        let hint = e.hint();
        CliError::new(format!("{e}; nothing was written")).hint(hint)
    }
}

impl From<SetupError> for CliError {
    fn from(e: SetupError) -> CliError {
        match e {
            SetupError::Git(g) => g.into(),
            other => CliError::new(other.to_string()),
        }
    }
}
