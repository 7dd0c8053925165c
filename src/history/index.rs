//! The history index: computed events kept under the repository's git
//! directory (`.git/backlog/`), keyed by the tip commit, so a second `log`
//! is instant. When new commits arrive on top of the indexed tip, only they
//! are processed and the index is extended. The index is a cache: a missing,
//! stale or unreadable one is rebuilt, and nothing depends on it for
//! correctness.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::git::{Git, GitError, Oid};
use crate::history::{build, History, Options};

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Index {
    version: u32,
    /// The tool version that wrote it: event rules may change between versions.
    tool: String,
    rel: PathBuf,
    all_parents: bool,
    tip: Oid,
    history: History,
}

fn index_path(git: &Git, rel: &Path, opts: &Options) -> PathBuf {
    let name: String = rel
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mode = if opts.all_parents { "all" } else { "first" };
    git.git_dir()
        .join("backlog")
        .join(format!("history-v{VERSION}-{name}-{mode}.json"))
}

fn read(path: &Path, rel: &Path, opts: &Options) -> Option<Index> {
    let bytes = std::fs::read(path).ok()?;
    let index: Index = serde_json::from_slice(&bytes).ok()?;
    (index.version == VERSION
        && index.tool == env!("CARGO_PKG_VERSION")
        && index.rel == rel
        && index.all_parents == opts.all_parents
        && index.history.is_consistent())
    .then_some(index)
}

fn write(path: &Path, index: &Index) {
    // A cache that cannot be written is only a slower next run.
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(bytes) = serde_json::to_vec(index) {
        let _ = crate::edit::atomic::write_atomic(path, &bytes);
    }
}

/// The history of everything reachable from `tip`, from the index when it
/// covers it, extending or rebuilding the index as needed.
pub fn history_to(git: &Git, rel: &Path, tip: Oid, opts: &Options) -> Result<History, GitError> {
    let path = index_path(git, rel, opts);
    if let Some(mut index) = read(&path, rel, opts) {
        if index.tip == tip {
            return Ok(index.history);
        }
        // New commits on top of the indexed tip: process only them.
        let new = git.walk(&[tip], &[index.tip], !opts.all_parents)?;
        let on_top = match new.last() {
            Some(oldest) => git.commit(*oldest)?.parents.first() == Some(&index.tip),
            None => false,
        };
        if on_top {
            let more = build(git, rel, &[tip], &[index.tip], opts)?;
            let offset = index.history.commits.len();
            index.history.commits.extend(more.commits);
            index
                .history
                .events
                .extend(more.events.into_iter().map(|mut e| {
                    e.commit += offset;
                    e
                }));
            index.tip = tip;
            write(&path, &index);
            return Ok(index.history);
        }
    }
    let history = build(git, rel, &[tip], &[], opts)?;
    let index = Index {
        version: VERSION,
        tool: env!("CARGO_PKG_VERSION").to_string(),
        rel: rel.to_path_buf(),
        all_parents: opts.all_parents,
        tip,
        history,
    };
    write(&path, &index);
    Ok(index.history)
}
