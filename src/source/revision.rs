//! The revision service: one way to name revisions and one way to find the
//! backlog folder in a revision and read it as a [`Source`].
//!
//! Every command that reads git (`--at`, `log`, `blame`, `decisions`, `diff`,
//! `check --since`, and the sprint and render work built on them) goes
//! through [`Revisions`], so the rules below hold everywhere:
//!
//! - `REV` is anything git names a commit by (`HEAD~3`, a tag, a branch, an id).
//! - `A..B` is the commits reachable from B and not from A; compared, A is the
//!   base and B the head. `A...B` is the same from their merge base. An
//!   omitted side means `HEAD`, as in git (`main..` = `main..HEAD`).
//! - The backlog folder is `--dir` (or `BACKLOG_DIR`) when given, read at the
//!   same path in every revision; otherwise the first `.backlog` found walking
//!   up from the current folder, on disk or, where the working tree has none,
//!   in the revision the command reads.

use std::path::{Path, PathBuf};

use super::Memory;
use crate::git::{Git, GitError, Oid};

/// A revision or a range of revisions, as the user wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RevSpec {
    /// One commit.
    Rev(String),
    /// `BASE..HEAD`.
    Range { base: String, head: String },
    /// `BASE...HEAD`: from the merge base of the two.
    FromMergeBase { base: String, head: String },
}

impl RevSpec {
    pub fn parse(text: &str) -> RevSpec {
        let side = |s: &str| {
            if s.is_empty() {
                "HEAD".to_string()
            } else {
                s.to_string()
            }
        };
        if let Some((a, b)) = text.split_once("...") {
            RevSpec::FromMergeBase {
                base: side(a),
                head: side(b),
            }
        } else if let Some((a, b)) = text.split_once("..") {
            RevSpec::Range {
                base: side(a),
                head: side(b),
            }
        } else {
            RevSpec::Rev(text.to_string())
        }
    }

    /// Whether an argument is a range rather than an id (`log v1.0..HEAD S-3`).
    pub fn is_range(text: &str) -> bool {
        text.contains("..")
    }
}

/// Why the backlog folder could not be found in the repository.
#[derive(Debug, thiserror::Error)]
pub enum RevisionError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("the backlog folder {path} is outside the repository")]
    Outside { path: PathBuf },
    #[error("no .backlog folder here or above, on disk or at `{rev}`")]
    NotFound { rev: String },
    #[error("cannot read the current directory: {0}")]
    Cwd(std::io::Error),
}

/// Resolved revisions: their commits, and the commits a walk visits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// What to compare against, when the spec names two sides.
    pub base: Option<Oid>,
    pub head: Oid,
    /// Walk: commits reachable from `tips` but not from `hidden`.
    pub tips: Vec<Oid>,
    pub hidden: Vec<Oid>,
}

/// The repository and where the backlog folder sits in it.
pub struct Revisions {
    pub git: Git,
    /// The backlog folder's path inside the repository.
    pub rel: PathBuf,
    /// How the folder is shown to users: the same path as the working tree's.
    pub display: PathBuf,
}

impl Revisions {
    /// Opens the repository around `cwd` and finds the backlog folder by the
    /// one rule of this module; `rev` is the revision whose tree is searched
    /// when the working tree has no `.backlog` (HEAD when `None`).
    pub fn open(
        dir: Option<&Path>,
        cwd: &Path,
        rev: Option<&str>,
    ) -> Result<Revisions, RevisionError> {
        // The repository around the folder named, else around `cwd`.
        let start = dir.map(|d| cwd.join(d)).filter(|p| p.is_dir());
        let git = Git::discover(start.as_deref().unwrap_or(cwd))?;
        let outside = |p: &Path| RevisionError::Outside {
            path: p.to_path_buf(),
        };
        if let Some(d) = dir {
            let rel = git.relative(&cwd.join(d)).ok_or_else(|| outside(d))?;
            return Ok(Revisions {
                git,
                rel,
                display: d.to_path_buf(),
            });
        }
        let here = git.relative(cwd).ok_or_else(|| outside(cwd))?;
        let rev = rev.unwrap_or("HEAD");
        // The revision's tree, if it resolves (a new repository has no HEAD).
        let tree = git.resolve(rev).and_then(|c| git.commit(c)).map(|c| c.tree);
        for ancestor in here.ancestors() {
            let candidate = ancestor.join(".backlog");
            let on_disk = git.work_dir().join(&candidate).is_dir();
            let in_rev = match &tree {
                Ok(t) => git.subtree(*t, &candidate)?.is_some(),
                Err(_) => false,
            };
            if on_disk || in_rev {
                let display = relative_between(&here, &candidate);
                return Ok(Revisions {
                    git,
                    rel: candidate,
                    display,
                });
            }
        }
        match tree {
            Err(e) => Err(e.into()),
            Ok(_) => Err(RevisionError::NotFound {
                rev: rev.to_string(),
            }),
        }
    }

    /// The commits a spec names (`None`: HEAD).
    pub fn resolve(&self, spec: Option<&RevSpec>) -> Result<Resolved, GitError> {
        let one = |rev: &str| self.git.resolve(rev);
        Ok(match spec {
            None => {
                let head = one("HEAD")?;
                Resolved {
                    base: None,
                    head,
                    tips: vec![head],
                    hidden: vec![],
                }
            }
            Some(RevSpec::Rev(r)) => {
                let head = one(r)?;
                Resolved {
                    base: None,
                    head,
                    tips: vec![head],
                    hidden: vec![],
                }
            }
            Some(RevSpec::Range { base, head }) => {
                let (b, h) = (one(base)?, one(head)?);
                Resolved {
                    base: Some(b),
                    head: h,
                    tips: vec![h],
                    hidden: vec![b],
                }
            }
            Some(RevSpec::FromMergeBase { base, head }) => {
                let (b, h) = (one(base)?, one(head)?);
                let mb = self.git.merge_base(b, h)?;
                Resolved {
                    base: Some(mb),
                    head: h,
                    tips: vec![b, h],
                    hidden: vec![mb],
                }
            }
        })
    }

    /// The id of the backlog folder's tree at `commit`, if it has one.
    pub fn folder_tree(&self, commit: Oid) -> Result<Option<Oid>, GitError> {
        let tree = self.git.commit(commit)?.tree;
        self.git.subtree(tree, &self.rel)
    }

    /// The backlog folder at `commit`, read from git objects, shown with the
    /// same paths as the working tree; `None` if the revision has none.
    pub fn source_at(&self, commit: Oid) -> Result<Option<Memory>, GitError> {
        source_at(&self.git, commit, &self.rel, &self.display)
    }

    /// The files below `stories/` at `commit` whose names carry `id`
    /// (`S-22-import-customers.md`, `S-22.md`), as (display path, bytes):
    /// one story found without reading the others.
    pub fn story_files_named(
        &self,
        commit: Oid,
        id: &str,
    ) -> Result<Vec<(PathBuf, Vec<u8>)>, GitError> {
        let tree = self.git.commit(commit)?.tree;
        let Some(folder) = self.git.subtree(tree, &self.rel)? else {
            return Ok(Vec::new());
        };
        let Some(stories) = self.git.subtree(folder, Path::new("stories"))? else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (path, blob, is_link) in self.git.files(stories)? {
            let named = path
                .file_name()
                .and_then(|n| crate::model::StoryId::from_file_name(&n.to_string_lossy()))
                .is_some_and(|named| named.as_str() == id);
            if named && !is_link {
                let shown = self.display.join("stories").join(&path);
                out.push((shown, self.git.blob(blob)?));
            }
        }
        Ok(out)
    }
}

/// The backlog folder `rel` of `commit` as a source shown as `display`:
/// every blob below it, read straight from git objects.
pub fn source_at(
    git: &Git,
    commit: Oid,
    rel: &Path,
    display: &Path,
) -> Result<Option<Memory>, GitError> {
    let tree = git.commit(commit)?.tree;
    let Some(folder) = git.subtree(tree, rel)? else {
        return Ok(None);
    };
    let files = git.files(folder)?;
    Ok(Some(Memory::from_files(display, git.read_all(files)?)))
}

/// The path from folder `from` to `to`, both relative to the same root.
fn relative_between(from: &Path, to: &Path) -> PathBuf {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_omitted_side_means_head() {
        let range = |b: &str, h: &str| RevSpec::Range {
            base: b.into(),
            head: h.into(),
        };
        assert_eq!(RevSpec::parse("v1..v2"), range("v1", "v2"));
        assert_eq!(RevSpec::parse("main.."), range("main", "HEAD"));
        assert_eq!(RevSpec::parse("..main"), range("HEAD", "main"));
        assert_eq!(
            RevSpec::parse("main...topic"),
            RevSpec::FromMergeBase {
                base: "main".into(),
                head: "topic".into()
            }
        );
        assert_eq!(RevSpec::parse("HEAD~2"), RevSpec::Rev("HEAD~2".into()));
    }

    #[test]
    fn relative_paths_between_folders() {
        assert_eq!(
            relative_between(Path::new("a/b"), Path::new("a/.backlog")),
            PathBuf::from("../.backlog")
        );
        assert_eq!(
            relative_between(Path::new(""), Path::new(".backlog")),
            PathBuf::from(".backlog")
        );
    }
}
