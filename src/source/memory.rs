//! A backlog held in memory: for tests, and for a git revision's blobs.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::{listed_file, listed_in, points_outside, Entry, EntryKind, Source};

/// A backlog held in memory: for tests, and for callers that already have
/// the bytes (a git revision's blobs).
#[derive(Clone, Debug, Default)]
pub struct Memory {
    display: PathBuf,
    /// In the order they were added, each path once. A map ordered by path
    /// spent 16 ms comparing paths component by component to take a
    /// revision's 10,000 blobs.
    files: Vec<(PathBuf, Vec<u8>)>,
    /// Where each path is in `files`, hashed by the path (not a copy of it).
    places: hashbrown::HashTable<usize>,
    hasher: foldhash::fast::RandomState,
    /// `files` in path order, as a listing gives them: sorted when first
    /// listed after a change (in a few comparisons when the files were
    /// added in order, as a revision's are).
    order: OnceLock<Vec<usize>>,
    links: std::collections::BTreeMap<PathBuf, PathBuf>,
}

impl Memory {
    pub fn new(display: impl Into<PathBuf>) -> Memory {
        Memory {
            display: display.into(),
            ..Memory::default()
        }
    }

    /// A source from files read elsewhere: (path, bytes, is a symlink whose
    /// bytes are its target). Of a path given twice, the last counts.
    pub fn from_files(display: impl Into<PathBuf>, files: Vec<(PathBuf, Vec<u8>, bool)>) -> Memory {
        let mut mem = Memory::new(display);
        mem.files.reserve(files.len());
        mem.places = hashbrown::HashTable::with_capacity(files.len());
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

    /// Adds a file at `path`, relative to the backlog folder, or replaces
    /// its bytes.
    pub fn insert(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) {
        use std::hash::BuildHasher;
        let path = path.into();
        let bytes = bytes.into();
        let hash = self.hasher.hash_one(&path);
        let files = &self.files;
        let entry = self.places.entry(
            hash,
            |&at| files[at].0 == path,
            |&at| self.hasher.hash_one(&files[at].0),
        );
        match entry {
            hashbrown::hash_table::Entry::Occupied(at) => self.files[*at.get()].1 = bytes,
            hashbrown::hash_table::Entry::Vacant(place) => {
                place.insert(files.len());
                self.files.push((path, bytes));
                self.order = OnceLock::new();
            }
        }
    }

    /// The bytes of the file at `path`.
    fn bytes(&self, path: &Path) -> Option<&[u8]> {
        use std::hash::BuildHasher;
        let at = self
            .places
            .find(self.hasher.hash_one(path), |&at| self.files[at].0 == path)?;
        Some(&self.files[*at].1)
    }

    /// The places of `files` in path order.
    fn in_order(&self) -> &[usize] {
        self.order.get_or_init(|| {
            let mut order: Vec<usize> = (0..self.files.len()).collect();
            order.sort_by(|&a, &b| self.files[a].0.cmp(&self.files[b].0));
            order
        })
    }
}

/// `path.starts_with(dir)` for a `dir` of one part, on the bytes: the path
/// is `dir`, or `dir` and a separator, then the rest. Comparing part by
/// part was 5 ms of a 10,000-story `diff`, which lists four times.
fn under(dir: &str, path: &Path) -> bool {
    debug_assert!(!dir.is_empty() && !dir.contains(std::path::is_separator));
    path.as_os_str()
        .as_encoded_bytes()
        .strip_prefix(dir.as_bytes())
        .is_some_and(|rest| {
            rest.first()
                .is_none_or(|&b| std::path::is_separator(b.into()))
        })
}

impl Source for Memory {
    fn display_root(&self) -> &Path {
        &self.display
    }

    fn list_markdown(&self, dir: &str) -> io::Result<Vec<Entry>> {
        let files = self
            .in_order()
            .iter()
            .map(|&at| &self.files[at])
            .filter(|(p, _)| under(dir, p) && listed_file(dir, p))
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
            })
            .filter(|e| listed_in(dir, e));
        let mut all: Vec<Entry> = files.chain(links).collect();
        // The files are in order: only links need placing among them.
        if !self.links.is_empty() {
            all.sort_by(|a, b| a.path.cmp(&b.path));
        }
        Ok(all)
    }

    fn read(&self, path: &Path) -> io::Result<Option<Vec<u8>>> {
        Ok(self.bytes(path).map(<[u8]>::to_vec))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(mem: &Memory) -> Vec<String> {
        let entries = mem.list_markdown("stories").expect("lists");
        entries
            .iter()
            .map(|e| e.path.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn files_inserted_in_any_order_list_in_path_order_and_read_back() {
        let mut mem = Memory::new(".backlog");
        for name in ["S-3.md", "S-1.md", "S-2/x.md", "S-20.md", "S-1.md"] {
            mem.insert(format!("stories/{name}"), name.as_bytes().to_vec());
        }
        mem.insert("stories/S-1.md", b"again".to_vec());
        assert_eq!(
            listed(&mem),
            [
                "stories/S-1.md",
                "stories/S-2/x.md",
                "stories/S-20.md",
                "stories/S-3.md"
            ]
        );
        for (path, bytes) in [
            ("stories/S-1.md", &b"again"[..]),
            ("stories/S-2/x.md", b"S-2/x.md"),
            ("stories/S-20.md", b"S-20.md"),
            ("stories/S-3.md", b"S-3.md"),
        ] {
            let read = mem.read(Path::new(path)).expect("reads");
            assert_eq!(read.as_deref(), Some(bytes), "{path}");
        }
        assert_eq!(mem.read(Path::new("stories/S-4.md")).expect("reads"), None);
    }

    #[test]
    fn a_folder_holds_the_paths_a_path_comparison_says_it_holds() {
        for path in [
            "stories",
            "stories/S-1.md",
            "stories//S-1.md",
            "stories/sub/S-1.md",
            "storiesx/S-1.md",
            "stories.md",
            "./stories/S-1.md",
            "/stories/S-1.md",
            "sprints/S-1.md",
            "",
        ] {
            let p = Path::new(path);
            assert_eq!(under("stories", p), p.starts_with("stories"), "{path}");
        }
    }

    #[test]
    fn files_given_at_once_keep_the_last_of_a_path_twice() {
        let file = |name: &str, bytes: &[u8]| (PathBuf::from(name), bytes.to_vec(), false);
        let mem = Memory::from_files(
            ".backlog",
            vec![
                file("stories/b.md", b"b"),
                file("stories/a.md", b"first"),
                file("stories/a.md", b"last"),
            ],
        );
        assert_eq!(listed(&mem), ["stories/a.md", "stories/b.md"]);
        let read = mem.read(Path::new("stories/a.md")).expect("reads");
        assert_eq!(read.as_deref(), Some(&b"last"[..]));
    }
}
