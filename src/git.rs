//! Every use of `gix` lives here: gix publishes breaking releases about
//! monthly, so one module absorbs them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A repository that holds a backlog folder.
pub struct Repo {
    repo: gix::Repository,
    /// The backlog folder relative to the work tree, with `/` separators.
    backlog: PathBuf,
}

/// A git failure, in words.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct GitError(String);

fn err(e: impl std::fmt::Display) -> GitError {
    GitError(e.to_string())
}

impl Repo {
    /// The repository containing `backlog_dir`, if there is one.
    pub fn discover(backlog_dir: &Path) -> Option<Repo> {
        let repo = gix::discover(backlog_dir).ok()?;
        let workdir = repo.workdir()?.canonicalize().ok()?;
        let backlog = backlog_dir
            .canonicalize()
            .ok()?
            .strip_prefix(&workdir)
            .ok()?
            .to_path_buf();
        Some(Repo { repo, backlog })
    }

    /// File names under the backlog's `stories/` in every local and
    /// remote-tracking branch (names only: no blob is read).
    pub fn story_names_in_branches(&self) -> Result<BTreeSet<String>, GitError> {
        let mut names = BTreeSet::new();
        let platform = self.repo.references().map_err(err)?;
        let stories = self.backlog.join("stories");
        for iter in [
            platform.local_branches().map_err(err)?,
            platform.remote_branches().map_err(err)?,
        ] {
            for reference in iter {
                let Ok(mut reference) = reference else {
                    continue;
                };
                let Ok(tree) = reference.peel_to_tree() else {
                    continue;
                };
                let Ok(Some(entry)) = tree.lookup_entry_by_path(&stories) else {
                    continue;
                };
                let Ok(Ok(root)) = entry.object().map(|o| o.try_into_tree()) else {
                    continue;
                };
                let mut pending = vec![root];
                while let Some(tree) = pending.pop() {
                    for e in tree.iter().flatten() {
                        if e.mode().is_tree() {
                            if let Ok(Ok(sub)) = e.object().map(|o| o.try_into_tree()) {
                                pending.push(sub);
                            }
                        } else {
                            names.insert(e.filename().to_string());
                        }
                    }
                }
            }
        }
        Ok(names)
    }
}
