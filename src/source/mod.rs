//! Where a snapshot's files come from.
//!
//! A [`Source`] lists and reads the files of one backlog folder. The working
//! tree is one source; a git revision is another (read from objects, never
//! from the checkout), so loading, checking and rendering never care which.

use std::io;
use std::path::{Component, Path, PathBuf};

mod memory;
pub mod revision;
mod work_tree;

pub use memory::Memory;
pub use work_tree::{discover, walk_sorted, DiscoverError, WalkItem, WorkTree};
#[cfg(unix)]
pub use work_tree::{flat_markdown_names, listed_path, open_folder_fd};

/// What a listed path is. Symlinks are reported, never followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file; `size` is `None` where the listing did not look (the
    /// working tree lists from directory entries alone, without a `stat` per
    /// file: [`Source::read_limited`] finds a file that is too large).
    File {
        size: Option<u64>,
    },
    Symlink {
        target: PathBuf,
        outside: bool,
    },
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
    /// [`Source::read`], reading no more than `limit` bytes: a longer file
    /// is [`Limited::TooLarge`] with its size, and is not held in memory.
    fn read_limited(&self, path: &Path, limit: u64) -> io::Result<Option<Limited>> {
        Ok(self.read(path)?.map(|bytes| {
            if bytes.len() as u64 > limit {
                Limited::TooLarge(bytes.len() as u64)
            } else {
                Limited::Bytes(bytes)
            }
        }))
    }
}

/// What [`Source::read_limited`] read.
#[derive(Debug)]
pub enum Limited {
    Bytes(Vec<u8>),
    /// The file is longer than the limit: its size in bytes.
    TooLarge(u64),
}

/// Whether a file is a Markdown file by its name: the one rule for which
/// files of `stories/` and `sprints/` are read.
pub fn is_markdown(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "md")
}

/// The one rule for what a listing of a folder reports, whichever source it
/// comes from: Markdown files, and symlinks that look like Markdown files or
/// point outside the backlog folder (so `check` can refuse them). Anything
/// else (a `notes` link, an image) is not the backlog's business.
///
/// A listed folder that is itself a symlink is always reported (and never
/// followed): its stories would otherwise vanish without a word, or be read
/// and written outside the backlog folder.
pub fn listed_in(dir: &str, entry: &Entry) -> bool {
    match &entry.kind {
        EntryKind::File { .. } => listed_file(dir, &entry.path),
        EntryKind::Symlink { outside, .. } => {
            entry.path == Path::new(dir) || *outside || is_markdown(&entry.path)
        }
    }
}

/// [`listed_in`] for a plain file at `path`, told before an entry is made.
pub fn listed_file(dir: &str, path: &Path) -> bool {
    is_markdown(path) || path == Path::new(dir)
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
}
