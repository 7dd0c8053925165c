//! `git-setup` (and the end of `init`): wire `backlog merge-file` into git
//! as the merge driver of the backlog's files. Two things: a line in the
//! repository's `.gitattributes` (committed, so the whole team has it) and
//! the driver in the clone's `.git/config` (git never takes commands from
//! a repository's files, so each clone sets it once). Both are added only
//! when missing, so running it twice changes nothing.

use std::path::{Path, PathBuf};

use crate::edit::atomic::write_atomic;
use crate::git::{ConfigValue, Git, GitError};

/// The driver's command line, in git's placeholders.
pub const DRIVER: &str = "backlog merge-file %O %A %B %P";
/// The driver's description, which git shows in some messages.
pub const DRIVER_NAME: &str = "backlog: stories and sprints merged field by field";

/// Why the set-up stopped.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("the backlog folder {0} is not inside the repository's working tree")]
    Outside(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// What the set-up found or did, for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The attributes line, and whether it was added now.
    Attributes { line: String, added: bool },
    /// A config key (`merge.backlog.driver`), the value wanted, and what
    /// became of it.
    Config {
        key: String,
        value: String,
        outcome: ConfigValue,
    },
}

/// The set-up for the backlog folder `dir` (absolute) in the repository
/// around it. Returns each step in order.
pub fn git_setup(dir: &Path) -> Result<Vec<Step>, SetupError> {
    let git = Git::discover(dir)?;
    let rel = git
        .relative(dir)
        .ok_or_else(|| SetupError::Outside(dir.to_path_buf()))?;
    let folder: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let pattern = if folder.is_empty() {
        "**/*.md".to_string()
    } else {
        format!("{}/**/*.md", folder.join("/"))
    };
    let line = format!("{pattern} merge=backlog");
    let mut steps = vec![Step::Attributes {
        added: add_attribute(&git.work_dir().join(".gitattributes"), &pattern, &line)?,
        line,
    }];
    let wanted = [("name", DRIVER_NAME), ("driver", DRIVER)];
    let (outcomes, bytes) = git.local_config_with("merge", "backlog", &wanted)?;
    if let Some(bytes) = bytes {
        let path = git.config_path();
        write_atomic(&path, &bytes).map_err(|source| SetupError::Io { path, source })?;
    }
    for ((key, value), outcome) in wanted.iter().zip(outcomes) {
        steps.push(Step::Config {
            key: format!("merge.backlog.{key}"),
            value: value.to_string(),
            outcome,
        });
    }
    Ok(steps)
}

/// Appends `line` to the attributes file unless a line for `pattern`
/// already sets `merge=backlog`. Returns whether it was added.
fn add_attribute(path: &Path, pattern: &str, line: &str) -> Result<bool, SetupError> {
    let io = |source| SetupError::Io {
        path: PathBuf::from(".gitattributes"),
        source,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io(e)),
    };
    let present = text.lines().any(|l| {
        let mut words = l.split_whitespace();
        words.next() == Some(pattern) && words.any(|w| w == "merge=backlog")
    });
    if present {
        return Ok(false);
    }
    let mut new = text.clone();
    if !new.is_empty() && !new.ends_with('\n') {
        new.push('\n');
    }
    new.push_str(line);
    new.push('\n');
    write_atomic(path, new.as_bytes()).map_err(io)?;
    Ok(true)
}
