//! Where a snapshot's files come from.
//!
//! A [`Source`] lists and reads the files of one backlog folder. The working
//! tree is one source; a git revision is another (read from objects, never
//! from the checkout), so loading, checking and rendering never care which.

use std::io;
use std::path::{Component, Path, PathBuf};

/// What a listed path is. Symlinks are reported, never followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File { size: u64 },
    Symlink { target: PathBuf, outside: bool },
}

/// A file below the backlog folder, by its path relative to that folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    pub kind: EntryKind,
}

/// Read access to one backlog folder.
pub trait Source: Sync {
    /// The folder's path as shown to users, used to prefix file paths.
    fn display_root(&self) -> &Path;
    /// Every `.md` file below `dir` (relative to the backlog folder), sorted by path.
    fn list_markdown(&self, dir: &str) -> io::Result<Vec<Entry>>;
    /// Reads a file, relative to the backlog folder. `Ok(None)` when it does not exist.
    fn read(&self, path: &Path) -> io::Result<Option<Vec<u8>>>;
}

/// The backlog folder on disk.
#[derive(Clone, Debug)]
pub struct WorkTree {
    root: PathBuf,
    display: PathBuf,
}

impl WorkTree {
    /// `display` is how `root` is shown in diagnostics (usually relative to the
    /// current directory).
    pub fn new(root: PathBuf, display: PathBuf) -> WorkTree {
        WorkTree { root, display }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file on disk for a path as shown in diagnostics.
    pub fn fs_path(&self, display: &Path) -> PathBuf {
        match display.strip_prefix(&self.display) {
            Ok(rel) => self.root.join(rel),
            Err(_) => display.to_path_buf(),
        }
    }
}

impl Source for WorkTree {
    fn display_root(&self) -> &Path {
        &self.display
    }

    fn list_markdown(&self, dir: &str) -> io::Result<Vec<Entry>> {
        let base = self.root.join(dir);
        if !base.is_dir() {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let walker = walkdir::WalkDir::new(&base)
            .follow_links(false)
            .sort_by_file_name();
        for item in walker {
            let item = item.map_err(io::Error::other)?;
            let ft = item.file_type();
            let rel = match item.path().strip_prefix(&self.root) {
                Ok(rel) => rel.to_path_buf(),
                Err(_) => continue,
            };
            if ft.is_symlink() {
                let target = std::fs::read_link(item.path())?;
                let outside = points_outside(&rel, &target);
                if is_markdown(&rel) || outside {
                    out.push(Entry {
                        path: rel,
                        kind: EntryKind::Symlink { target, outside },
                    });
                }
            } else if ft.is_file() && is_markdown(&rel) {
                let size = item.metadata().map_err(io::Error::other)?.len();
                out.push(Entry {
                    path: rel,
                    kind: EntryKind::File { size },
                });
            }
        }
        Ok(out)
    }

    fn read(&self, path: &Path) -> io::Result<Option<Vec<u8>>> {
        match std::fs::read(self.root.join(path)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A backlog held in memory: for tests, and for callers that already have
/// the bytes (a git revision's blobs).
#[derive(Clone, Debug, Default)]
pub struct Memory {
    display: PathBuf,
    files: std::collections::BTreeMap<PathBuf, Vec<u8>>,
    links: std::collections::BTreeMap<PathBuf, PathBuf>,
}

impl Memory {
    pub fn new(display: impl Into<PathBuf>) -> Memory {
        Memory {
            display: display.into(),
            files: Default::default(),
            links: Default::default(),
        }
    }

    /// A source from files read elsewhere: (path, bytes, is a symlink whose
    /// bytes are its target).
    pub fn from_files(display: impl Into<PathBuf>, files: Vec<(PathBuf, Vec<u8>, bool)>) -> Memory {
        let mut mem = Memory::new(display);
        for (path, bytes, link) in files {
            if link {
                let target = PathBuf::from(String::from_utf8_lossy(&bytes).into_owned());
                mem.insert_link(path, target);
            } else {
                mem.insert(path, bytes);
            }
        }
        mem
    }

    /// Adds a symbolic link at `path` pointing to `target`.
    pub fn insert_link(&mut self, path: impl Into<PathBuf>, target: PathBuf) {
        self.links.insert(path.into(), target);
    }

    /// Adds a file at `path`, relative to the backlog folder.
    pub fn insert(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        self.files.insert(path.into(), bytes.into());
    }
}

impl Source for Memory {
    fn display_root(&self) -> &Path {
        &self.display
    }

    fn list_markdown(&self, dir: &str) -> io::Result<Vec<Entry>> {
        let files = self
            .files
            .iter()
            .filter(|(p, _)| p.starts_with(dir) && is_markdown(p))
            .map(|(p, b)| Entry {
                path: p.clone(),
                kind: EntryKind::File {
                    size: b.len() as u64,
                },
            });
        let links = self
            .links
            .iter()
            .filter(|(p, _)| p.starts_with(dir))
            .map(|(p, t)| Entry {
                path: p.clone(),
                kind: EntryKind::Symlink {
                    target: t.clone(),
                    outside: points_outside(p, t),
                },
            });
        let mut all: Vec<Entry> = files.chain(links).collect();
        all.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(all)
    }

    fn read(&self, path: &Path) -> io::Result<Option<Vec<u8>>> {
        Ok(self.files.get(path).cloned())
    }
}

fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// Whether a link at `link` (relative to the backlog folder) with `target`
/// resolves outside the folder, judged lexically so nothing is followed.
pub fn points_outside(link: &Path, target: &Path) -> bool {
    if target.is_absolute() {
        return true;
    }
    let mut depth: i64 = link.components().count() as i64 - 1;
    for c in target.components() {
        match c {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            _ => return true,
        }
        if depth < 0 {
            return true;
        }
    }
    false
}

/// Errors finding the backlog folder.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("no .backlog folder in {start} or any folder above it")]
    NotFound { start: PathBuf },
    #[error("{path} is not a folder")]
    NotADirectory { path: PathBuf },
    #[error("cannot read the current directory: {0}")]
    Cwd(io::Error),
}

/// Finds the backlog folder: `explicit` (from `--dir` or `BACKLOG_DIR`) when
/// given, else the first `.backlog` found walking up from `cwd`, like git does.
pub fn discover(explicit: Option<&Path>, cwd: &Path) -> Result<WorkTree, DiscoverError> {
    if let Some(dir) = explicit {
        let root = cwd.join(dir);
        if !root.is_dir() {
            return Err(DiscoverError::NotADirectory {
                path: dir.to_path_buf(),
            });
        }
        return Ok(WorkTree::new(root, dir.to_path_buf()));
    }
    for ancestor in cwd.ancestors() {
        let candidate = ancestor.join(".backlog");
        if candidate.is_dir() {
            let display = pathdiff(&candidate, cwd);
            return Ok(WorkTree::new(candidate, display));
        }
    }
    Err(DiscoverError::NotFound {
        start: cwd.to_path_buf(),
    })
}

/// `path` relative to `base` when `path` lies below an ancestor of `base`.
fn pathdiff(path: &Path, base: &Path) -> PathBuf {
    for (ups, ancestor) in base.ancestors().enumerate() {
        if let Ok(rest) = path.strip_prefix(ancestor) {
            let mut out = PathBuf::new();
            for _ in 0..ups {
                out.push("..");
            }
            out.push(rest);
            return out;
        }
    }
    path.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_links_lexically() {
        let link = Path::new("stories/S-1.md");
        assert!(!points_outside(link, Path::new("S-2.md")));
        assert!(!points_outside(link, Path::new("../sprints/x.md")));
        assert!(points_outside(link, Path::new("../../secret.md")));
        assert!(points_outside(link, Path::new("/etc/passwd")));
    }

    #[test]
    fn relative_display_paths() {
        assert_eq!(
            pathdiff(Path::new("/a/b/.backlog"), Path::new("/a/b/c/d")),
            PathBuf::from("../../.backlog")
        );
        assert_eq!(
            pathdiff(Path::new("/a/.backlog"), Path::new("/a")),
            PathBuf::from(".backlog")
        );
    }
}
