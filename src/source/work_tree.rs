//! The backlog folder on disk, and finding it like git finds `.git`.

use std::io;
use std::path::{Path, PathBuf};

use super::{is_markdown, listed_in, points_outside, Entry, EntryKind, Source};

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
        // The folder itself is looked at, not followed: `read_dir` would follow
        // a symlinked root.
        match std::fs::symlink_metadata(&base) {
            Ok(m) if m.file_type().is_symlink() => {
                let target = std::fs::read_link(&base)?;
                let path = PathBuf::from(dir);
                let outside = points_outside(&path, &target);
                return Ok(vec![Entry {
                    path,
                    kind: EntryKind::Symlink { target, outside },
                }]);
            }
            Ok(m) if m.is_dir() => {}
            _ => return Ok(Vec::new()),
        }
        #[cfg(unix)]
        if let Some(flat) = self.list_flat(dir) {
            return Ok(flat);
        }
        let mut out = Vec::new();
        self.walk(dir, &mut out)?;
        Ok(out)
    }

    /// Only a plain file, never a link: `backlog.yaml` and the other files
    /// read by name, not listed first.
    fn read(&self, path: &Path) -> io::Result<Option<Vec<u8>>> {
        super::read_plain(&self.root.join(path), u64::MAX)
    }

    fn read_limited(&self, path: &Path, limit: u64) -> io::Result<Option<super::Limited>> {
        match super::open_unblocked(&self.root.join(path), false)? {
            Some(file) => super::read_to_limit(file, limit).map(Some),
            None => Ok(None),
        }
    }
}

impl WorkTree {
    /// What [`WorkTree::walk`] lists of a folder that holds only plain
    /// files (the usual `stories/`), read through one handle of it.
    #[cfg(unix)]
    fn list_flat(&self, dir: &str) -> Option<Vec<Entry>> {
        let folder = open_folder_fd(&self.root.join(dir))?;
        let names = flat_markdown_names(&folder)?;
        Some(
            names
                .iter()
                .map(|name| Entry {
                    path: listed_path(dir, name),
                    kind: EntryKind::File { size: None },
                })
                .collect(),
        )
    }

    /// Lists `dir` and the folders below it, in the order
    /// of a path sort, from directory entries alone: their type comes from
    /// the entry (no `stat` per file), symlinks are reported and never
    /// followed, and sizes are left to [`Source::read_limited`].
    fn walk(&self, dir: &str, out: &mut Vec<Entry>) -> io::Result<()> {
        for item in walk_sorted(&self.root, Path::new(dir))? {
            let kind = if item.kind.is_symlink() {
                let target = std::fs::read_link(self.root.join(&item.path))?;
                let outside = points_outside(&item.path, &target);
                EntryKind::Symlink { target, outside }
            } else if item.kind.is_file() {
                EntryKind::File { size: None }
            } else if is_markdown(&item.path) {
                // Reported, not skipped unsaid.
                EntryKind::Special
            } else {
                continue;
            };
            let entry = Entry {
                path: item.path,
                kind,
            };
            if listed_in(dir, &entry) {
                out.push(entry);
            }
        }
        Ok(())
    }
}

/// Opens a folder for reading its entries and opening or stat'ing its
/// files by name, never through a link.
#[cfg(unix)]
pub fn open_folder_fd(path: &Path) -> Option<std::os::fd::OwnedFd> {
    use rustix::fs::{Mode, OFlags};
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    rustix::fs::open(path, flags, Mode::empty()).ok()
}

/// The Markdown file names in an open folder, in byte order (the order of
/// a path sort of their paths, as [`walk_sorted`] gives it); `None` when
/// the folder holds anything but plain files, or its listing does not say
/// what an entry is: the walk lists it then. The names are read from the
/// kernel's listing with no path joined for each (walkdir's was half of
/// listing 100,000 stories).
#[cfg(unix)]
pub fn flat_markdown_names(folder: &std::os::fd::OwnedFd) -> Option<Vec<Vec<u8>>> {
    let mut names = flat_markdown_names_unsorted(folder)?;
    names.sort_unstable();
    Some(names)
}

/// [`flat_markdown_names`] in the order the kernel lists them: for a
/// caller that only compares them with names it knows (sorting 10,000
/// names was a tenth of the instructions of `new`).
#[cfg(unix)]
pub fn flat_markdown_names_unsorted(folder: &std::os::fd::OwnedFd) -> Option<Vec<Vec<u8>>> {
    use rustix::fs::{Dir, FileType};
    let mut names: Vec<Vec<u8>> = Vec::new();
    for entry in Dir::read_from(folder).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        if entry.file_type() != FileType::RegularFile {
            return None;
        }
        if super::is_markdown_name(name) {
            names.push(name.to_vec());
        }
    }
    Some(names)
}

/// The path, relative to the backlog folder, of the file `name` in the
/// folder `dir` (`stories/NAME`), as a listing gives it.
#[cfg(unix)]
pub fn listed_path(dir: &str, name: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    let mut path = Vec::with_capacity(dir.len() + 1 + name.len());
    path.extend_from_slice(dir.as_bytes());
    path.push(b'/');
    path.extend_from_slice(name);
    std::ffi::OsString::from_vec(path).into()
}

/// One item [`walk_sorted`] found.
pub struct WalkItem {
    /// Relative to the root given to [`walk_sorted`].
    pub path: PathBuf,
    /// From the directory entry: no `stat`.
    pub kind: std::fs::FileType,
}

/// Everything below `root/rel` but the folders themselves, in the order of
/// a path sort (each folder's items by the bytes of their names, a folder's
/// contents right after its name), as `Path`'s own ordering and walkdir's
/// `sort_by_file_name` give it. Not git's order, which compares a folder as
/// `name/`. Links are listed, never followed. Sorted once at the end by
/// each path's bytes with the separators made the lowest byte, which is
/// that order: walkdir's own sort parses each name back out of its joined
/// path at every comparison, a sixth of `list` at 10,000 stories.
///
/// Each path walkdir makes is reused as the item's: cut to `root`'s
/// length, its separators swapped for the sort and back, so a listing
/// makes no allocation of its own per file.
pub fn walk_sorted(root: &Path, rel: &Path) -> io::Result<Vec<WalkItem>> {
    let base = root.join(rel);
    let base_bytes = base.as_os_str().as_encoded_bytes();
    // Where the part below `root` starts in a listed path: `rel` ends the
    // folder walked, whatever `Path::join` put between it and `root`.
    let cut = base_bytes.len() - rel.as_os_str().len().min(base_bytes.len());
    let mut keyed: Vec<(Vec<u8>, std::fs::FileType)> = Vec::new();
    for item in walkdir::WalkDir::new(&base)
        .follow_links(false)
        .min_depth(1)
    {
        let item = item.map_err(io::Error::other)?;
        let kind = item.file_type();
        if kind.is_dir() {
            continue;
        }
        let mut key = item.into_path().into_os_string().into_encoded_bytes();
        if key.len() <= cut || !key.starts_with(base_bytes) {
            continue;
        }
        key.drain(..cut);
        for b in &mut key {
            if std::path::is_separator(*b as char) {
                *b = 0;
            }
        }
        keyed.push((key, kind));
    }
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(keyed
        .into_iter()
        .map(|(mut key, kind)| {
            for b in &mut key {
                if *b == 0 {
                    *b = std::path::MAIN_SEPARATOR as u8;
                }
            }
            // SAFETY: `key` is the encoding of an `OsStr` with a prefix
            // cut off where `rel` begins (a boundary `Path::join` made between
            // two whole encodings), and ASCII bytes swapped for other ASCII
            // bytes (separators for NUL and back): both keep it well formed.
            let path = unsafe { std::ffi::OsString::from_encoded_bytes_unchecked(key) };
            WalkItem {
                path: PathBuf::from(path),
                kind,
            }
        })
        .collect())
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

    /// A folder of plain files is listed through its handle exactly as the
    /// walk lists it (the same entries, the same order); a folder with a
    /// subfolder or a link in it is left to the walk.
    #[cfg(unix)]
    #[test]
    fn a_flat_folder_lists_as_the_walk_lists_it() {
        let dir = tempfile::tempdir().unwrap();
        let stories = dir.path().join("stories");
        std::fs::create_dir_all(&stories).unwrap();
        for file in [
            "b.md",
            "a.md",
            "a-b.md",
            "notes.txt",
            ".hidden.md",
            "Z.md",
            "\u{e9}.md",
            "md",
            "x.MD",
        ] {
            std::fs::write(stories.join(file), "").unwrap();
        }
        let tree = WorkTree::new(dir.path().to_path_buf(), PathBuf::from(".backlog"));
        let walked = |tree: &WorkTree| {
            let mut out = Vec::new();
            tree.walk("stories", &mut out).unwrap();
            out.into_iter().map(|e| e.path).collect::<Vec<_>>()
        };
        let flat: Vec<PathBuf> = tree
            .list_flat("stories")
            .expect("a flat folder")
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(flat, walked(&tree));
        assert_eq!(flat.len(), 6, "{flat:?}");
        std::fs::create_dir(stories.join("a")).unwrap();
        assert!(tree.list_flat("stories").is_none());
        std::fs::remove_dir(stories.join("a")).unwrap();
        std::os::unix::fs::symlink("b.md", stories.join("c.md")).unwrap();
        assert!(tree.list_flat("stories").is_none());
    }

    /// A folder's contents sort right after its name, before any sibling
    /// that only starts with it (`a/x.md` before `a-b.md`, though `-` is a
    /// lower byte than `/`): the order of a path sort, as listings had it
    /// before they were sorted by bytes.
    #[test]
    fn a_folder_sorts_before_siblings_its_name_begins() {
        let dir = tempfile::tempdir().unwrap();
        let stories = dir.path().join("stories");
        std::fs::create_dir_all(stories.join("a")).unwrap();
        for file in ["b.md", "a.md", "a-b.md", "a/x.md"] {
            std::fs::write(stories.join(file), "").unwrap();
        }
        let listed: Vec<PathBuf> = walk_sorted(dir.path(), Path::new("stories"))
            .unwrap()
            .into_iter()
            .map(|item| item.path)
            .collect();
        let expected: Vec<PathBuf> = ["a/x.md", "a-b.md", "a.md", "b.md"]
            .iter()
            .map(|f| Path::new("stories").join(f))
            .collect();
        assert_eq!(listed, expected);
    }

    /// The listing's paths are the same however the root is spelled: the
    /// part below it is cut from each path walkdir makes, by its length.
    #[test]
    fn the_listing_is_the_same_however_the_root_is_spelled() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("stories/a")).unwrap();
        for file in ["b.md", "a/x.md"] {
            std::fs::write(dir.path().join("stories").join(file), "").unwrap();
        }
        let listed = |root: &Path| -> Vec<PathBuf> {
            walk_sorted(root, Path::new("stories"))
                .unwrap()
                .into_iter()
                .map(|item| item.path)
                .collect()
        };
        let plain = listed(dir.path());
        assert_eq!(
            plain,
            [Path::new("stories/a/x.md"), Path::new("stories/b.md")]
        );
        let text = dir.path().to_str().unwrap();
        for spelled in [
            format!("{text}/"),
            format!("{text}//"),
            format!("{text}/."),
            format!("{text}/stories/.."),
        ] {
            assert_eq!(listed(Path::new(&spelled)), plain, "{spelled}");
        }
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
