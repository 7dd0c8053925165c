//! A backlog held in memory: for tests, and for a git revision's blobs.

use std::io;
use std::path::{Path, PathBuf};

use super::{listed_in, points_outside, Entry, EntryKind, Source};

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
            .filter(|(p, _)| p.starts_with(dir))
            .map(|(p, b)| Entry {
                path: p.clone(),
                kind: EntryKind::File {
                    size: Some(b.len() as u64),
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
        let mut all: Vec<Entry> = files.chain(links).filter(|e| listed_in(dir, e)).collect();
        all.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(all)
    }

    fn read(&self, path: &Path) -> io::Result<Option<Vec<u8>>> {
        Ok(self.files.get(path).cloned())
    }
}
