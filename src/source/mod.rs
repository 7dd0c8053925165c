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
pub use work_tree::{
    flat_markdown_names, flat_markdown_names_unsorted, listed_path, open_folder_fd,
};

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
    /// A FIFO, device or socket named like a story: never opened (a FIFO
    /// would wait for a writer), reported as a file that cannot be read.
    Special,
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

/// Opens the file at `path` for reading without waiting on it: a FIFO
/// named like a backlog file would hold the command (and its write lock)
/// until something wrote to it. `Ok(None)` where nothing is there. With
/// `plain_only` anything but a plain file is an error, so that a device
/// (`/dev/zero` never ends) is never read, and a link is not followed:
/// for the files of ours in the git directory, and for `backlog.yaml`.
/// Without it no `stat` is made: a story file was listed as a plain file
/// a moment before, and a FIFO put in its place reads as empty.
pub fn open_unblocked(path: &Path, plain_only: bool) -> io::Result<Option<std::fs::File>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let no_link = if plain_only { libc::O_NOFOLLOW } else { 0 };
        options.custom_flags(libc::O_NONBLOCK | no_link);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        #[cfg(unix)]
        Err(e) if plain_only && e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(not_plain("a symbolic link"))
        }
        Err(e) => return Err(e),
    };
    if plain_only && !file.metadata()?.is_file() {
        return Err(not_plain("not a plain file"));
    }
    Ok(Some(file))
}

/// Why a file that is not a plain one is not read: said alike of
/// `backlog.yaml` and of a FIFO or device named like a story.
pub const NEVER_READ: &str = "a FIFO, device, folder or link is never read";

fn not_plain(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{what} ({NEVER_READ})"),
    )
}

/// The bytes of the plain file at `path` ([`open_unblocked`] with
/// `plain_only`), when it holds at most `limit`: `Ok(None)` where nothing
/// is there, an error (`InvalidData`) where it is longer. For the files
/// read by name: `backlog.yaml`, the story cache, the history index.
pub fn read_plain(path: &Path, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let Some(file) = open_unblocked(path, true)? else {
        return Ok(None);
    };
    match read_to_limit(file, limit)? {
        Limited::Bytes(bytes) => Ok(Some(bytes)),
        Limited::TooLarge(size) => Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{size} bytes, more than the {limit} read"),
        )),
    }
}

/// Reads an open file to its end, stopping past `limit` bytes. A story
/// file fits the first read, through a buffer on the stack, so that the
/// bytes kept are allocated at their length without asking the size first
/// (no `stat`). A longer file (the story cache, the history index) is read
/// straight into room made for the size its handle gives: grown 16 KB at
/// a time, a 1.5 MB cache was copied a dozen times over, a seventh of
/// `set`.
pub fn read_to_limit(mut file: std::fs::File, limit: u64) -> io::Result<Limited> {
    use std::io::Read as _;
    let mut chunk = [0u8; 16 * 1024];
    let mut bytes = Vec::new();
    // Two reads through the buffer: a story file's bytes, then its end.
    for _ in 0..2 {
        let n = loop {
            match file.read(&mut chunk) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // A FIFO with a writer that has written nothing yet.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break 0,
                Err(e) => return Err(e),
            }
        };
        if n == 0 {
            return Ok(Limited::Bytes(bytes));
        }
        bytes.extend_from_slice(&chunk[..n]);
        if bytes.len() as u64 > limit {
            return Ok(Limited::TooLarge(size_of(&file, bytes.len() as u64)));
        }
    }
    let read = bytes.len() as u64;
    let hint = file.metadata().map_or(0, |m| m.len()).clamp(read, limit);
    // The size is a hint: room a sparse file claims is not insisted on.
    let room = usize::try_from(hint - read).unwrap_or(usize::MAX);
    let _ = bytes.try_reserve(room.saturating_add(1));
    let rest = (limit - read).saturating_add(1);
    match (&mut file).take(rest).read_to_end(&mut bytes) {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
        Err(e) => return Err(e),
    }
    if bytes.len() as u64 > limit {
        return Ok(Limited::TooLarge(size_of(&file, bytes.len() as u64)));
    }
    Ok(Limited::Bytes(bytes))
}

/// The size of an open file, or `read` when its handle does not say.
fn size_of(file: &std::fs::File, read: u64) -> u64 {
    file.metadata().map_or(read, |m| m.len().max(read))
}

/// A path as output shows it on every system: folders separated by `/`.
/// Only the system's own separator is replaced: on Unix a `\` is part of a
/// file's name (`S-29-dark\mode.md`), and shown as `/` it named a file
/// that is not there.
pub fn portable_path(p: &Path) -> std::borrow::Cow<'_, str> {
    let text = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        return text;
    }
    std::borrow::Cow::Owned(text.replace(std::path::MAIN_SEPARATOR, "/"))
}

/// Whether a file is a Markdown file by its name: the one rule for which
/// files of `stories/` and `sprints/` are read.
pub fn is_markdown(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| is_markdown_name(name.as_encoded_bytes()))
}

/// [`is_markdown`] of a bare file name, from its bytes: `.md` ends it, after
/// at least one byte (`.md` alone is a hidden file with no extension, as
/// `Path::extension` has it).
/// Finding the extension of a `Path` parsed it into components, a thirtieth
/// of the instructions of listing a folder.
pub fn is_markdown_name(name: &[u8]) -> bool {
    name.len() > 3 && name.ends_with(b".md")
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
        EntryKind::File { .. } | EntryKind::Special => listed_file(dir, &entry.path),
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

    /// A file longer than the buffer is read whole, in one piece however
    /// long, and one past the limit is refused with its real size, at any
    /// length: the story cache and the history index are megabytes.
    #[test]
    fn long_files_read_whole_and_past_the_limit_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        for len in [0, 1, 16 * 1024, 16 * 1024 + 1, 32 * 1024, 40_000, 1_500_000] {
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            match read_to_limit(std::fs::File::open(&path).unwrap(), 2_000_000).unwrap() {
                Limited::Bytes(read) => assert!(read == bytes, "{len} bytes read back wrong"),
                Limited::TooLarge(size) => panic!("{len} bytes refused as {size}"),
            }
            // Without a limit (`read_plain(path, u64::MAX)`), and at the
            // file's own length, the file is read whole.
            for limit in [u64::MAX, len as u64] {
                match read_to_limit(std::fs::File::open(&path).unwrap(), limit).unwrap() {
                    Limited::Bytes(read) => assert!(read == bytes, "{len} bytes under {limit}"),
                    Limited::TooLarge(size) => {
                        panic!("{len} bytes refused as {size} under {limit}")
                    }
                }
            }
            for limit in [0, 100, 16 * 1024, 20_000, 32 * 1024] {
                if len <= limit {
                    continue;
                }
                match read_to_limit(std::fs::File::open(&path).unwrap(), limit as u64).unwrap() {
                    Limited::TooLarge(size) => assert_eq!(size, len as u64),
                    Limited::Bytes(read) => {
                        panic!("{len} bytes read as {} under {limit}", read.len())
                    }
                }
            }
        }
    }

    /// A name is Markdown exactly when `Path::extension` says `md`, in a
    /// folder or not.
    #[test]
    fn a_name_is_markdown_when_its_extension_is() {
        for name in [
            "a.md",
            ".md",
            "..md",
            "...md",
            "md",
            ".hidden.md",
            "x.MD",
            "a.md.txt",
            "a.mdx",
            "a..md",
            "a.",
            ".",
            "..",
            "é.md",
            "a b.md",
            "a.md.md",
        ] {
            for path in [name.to_string(), format!("stories/{name}")] {
                let path = Path::new(&path);
                let by_extension = path.extension().is_some_and(|e| e == "md");
                assert_eq!(is_markdown(path), by_extension, "{path:?}");
            }
            let by_extension = Path::new(name).extension().is_some_and(|e| e == "md");
            assert_eq!(is_markdown_name(name.as_bytes()), by_extension, "{name}");
        }
    }

    #[test]
    fn judges_links_lexically() {
        let link = Path::new("stories/S-1.md");
        assert!(!points_outside(link, Path::new("S-2.md")));
        assert!(!points_outside(link, Path::new("../sprints/x.md")));
        assert!(points_outside(link, Path::new("../../secret.md")));
        assert!(points_outside(link, Path::new("/etc/passwd")));
    }
}
