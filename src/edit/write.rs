//! Writing edited story files safely: all edits are computed and verified
//! first, every file is re-read to make sure nobody changed it since it was
//! loaded, and only then is each one replaced atomically.

use std::path::{Path, PathBuf};

use crate::edit::atomic::{stage, write_atomic};
use crate::edit::line::{self as edit, EditError, FieldEdit};
use crate::model::Story;
use crate::source::WorkTree;

/// The edits to make to one file, against the text it had when loaded.
#[derive(Clone, Debug)]
pub struct FileChange {
    /// Where the file is on disk.
    pub path: PathBuf,
    /// How to name it in messages.
    pub display: PathBuf,
    /// Its text (without BOM) as loaded into the snapshot.
    pub original: String,
    pub edits: Vec<FieldEdit>,
    /// Canonical key order, to place added keys.
    pub order: &'static [&'static str],
}

impl FileChange {
    /// Edits to `sprint`'s file in `tree`.
    pub fn sprint(
        tree: &WorkTree,
        sprint: &crate::model::Sprint,
        edits: Vec<FieldEdit>,
    ) -> FileChange {
        FileChange {
            path: tree.fs_path(&sprint.doc.path),
            display: sprint.doc.path.clone(),
            original: sprint.doc.text.clone(),
            edits,
            order: crate::model::field::SPRINT_ORDER,
        }
    }

    /// Edits to `story`'s file in `tree`.
    pub fn story(tree: &WorkTree, story: &Story, edits: Vec<FieldEdit>) -> FileChange {
        FileChange {
            path: tree.fs_path(&story.doc.path),
            display: story.doc.path.clone(),
            original: story.doc.text.clone(),
            edits,
            order: crate::model::field::story_order(),
        }
    }
}

/// Why nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: {source}")]
    Edit {
        path: PathBuf,
        #[source]
        source: EditError,
    },
    #[error(
        "{path} changed on disk since it was read; nothing was written, run the command again"
    )]
    Changed { path: PathBuf },
    #[error("{path} already exists; nothing was written")]
    Exists { path: PathBuf },
    #[error("{path} is a symbolic link, which is never followed; nothing was written")]
    Symlink { path: PathBuf },
    #[error("{path} is read-only; nothing was written")]
    ReadOnly { path: PathBuf },
    #[error("cannot write {path}: {source}; nothing was written")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot replace {path}: {source}; {}", if not_restored.is_empty() { format!("the {restored} files already replaced were restored, so nothing changed") } else { format!("these files keep the new version: {}", not_restored.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")) })]
    PartlyWritten {
        path: PathBuf,
        #[source]
        source: std::io::Error,
        restored: usize,
        not_restored: Vec<PathBuf>,
    },
}

const BOM: &str = "\u{feff}";

/// Applies every change, or none if any edit fails or any file changed.
/// Returns the new text of each file, in order.
pub fn write_changes(changes: &[FileChange]) -> Result<Vec<String>, WriteError> {
    let texts = edited_texts(changes)?;
    write_texts(&texts)?;
    Ok(texts.into_iter().map(|t| t.text).collect())
}

/// The new text of every file the changes touch, verified, not yet written
/// (so the result can be checked before it is written).
pub fn edited_texts(changes: &[FileChange]) -> Result<Vec<NewText>, WriteError> {
    let mut texts = Vec::with_capacity(changes.len());
    for c in changes {
        let new_text =
            edit::apply(&c.original, &c.edits, c.order).map_err(|source| WriteError::Edit {
                path: c.display.clone(),
                source,
            })?;
        texts.push(NewText {
            path: c.path.clone(),
            display: c.display.clone(),
            original: c.original.clone(),
            text: new_text,
        });
    }
    Ok(texts)
}

/// A whole new text for a file, to replace the `original` it was made from.
#[derive(Clone, Debug)]
pub struct NewText {
    pub path: PathBuf,
    pub display: PathBuf,
    pub original: String,
    pub text: String,
}

/// A file to create, with its whole text.
#[derive(Clone, Debug)]
pub struct NewFile {
    pub path: PathBuf,
    pub display: PathBuf,
    pub text: String,
}

/// Writes every text, or none: see [`write_all`].
pub fn write_texts(texts: &[NewText]) -> Result<(), WriteError> {
    write_all(texts, &[])
}

/// Writes every edited text and creates every new file, or nothing:
/// nothing is written if any file changed on disk since it was read (up to
/// the moment before the renames), is
/// read-only, a new one exists already, or any cannot be staged (a full
/// disk); every file is written and synced beside its target before the
/// first rename; and if a rename fails part-way, the files already replaced
/// get their old bytes back and the files already created are removed. A
/// byte-order mark, the mode and (where the OS allows) the owner of each
/// edited file are kept.
pub fn write_all(texts: &[NewText], creates: &[NewFile]) -> Result<(), WriteError> {
    let mut ready = Vec::with_capacity(texts.len());
    for t in texts {
        let io = |source| WriteError::Io {
            path: t.display.clone(),
            source,
        };
        let on_disk = std::fs::read(&t.path).map_err(io)?;
        let text = String::from_utf8_lossy(&on_disk);
        let bom = text.starts_with(BOM);
        if text.strip_prefix(BOM).unwrap_or(&text) != t.original {
            return Err(WriteError::Changed {
                path: t.display.clone(),
            });
        }
        let meta = std::fs::metadata(&t.path).map_err(io)?;
        if meta.permissions().readonly() {
            return Err(WriteError::ReadOnly {
                path: t.display.clone(),
            });
        }
        ready.push((t, bom, meta, on_disk));
    }
    // Declared before the staged files: dropped after them, when the
    // folders it made are empty again.
    let mut made = MadeFolders(Vec::new());
    for c in creates {
        // Never write through a symlinked folder (`stories -> /elsewhere`).
        let parent = c.path.parent().unwrap_or(Path::new("."));
        if std::fs::symlink_metadata(parent).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(WriteError::Symlink {
                path: c.display.parent().unwrap_or(&c.display).to_path_buf(),
            });
        }
        if std::fs::symlink_metadata(&c.path).is_ok() {
            return Err(WriteError::Exists {
                path: c.display.clone(),
            });
        }
        // A backlog with no `stories/` yet gets it (one level, inside the
        // backlog folder; never a path through a link), taken away again
        // if the write does not happen.
        if std::fs::symlink_metadata(parent).is_err() {
            std::fs::create_dir(parent).map_err(|source| WriteError::Io {
                path: c.display.parent().unwrap_or(&c.display).to_path_buf(),
                source,
            })?;
            made.0.push(parent.to_path_buf());
        }
    }
    // Stage everything first: a full disk stops us here, with nothing changed.
    let mut staged = Vec::with_capacity(ready.len());
    for (t, bom, meta, _) in &ready {
        let bytes = if *bom {
            format!("{BOM}{}", t.text)
        } else {
            t.text.clone()
        };
        let s = stage(&t.path, bytes.as_bytes(), Some(meta)).map_err(|source| WriteError::Io {
            path: t.display.clone(),
            source,
        })?;
        staged.push(s);
    }
    let mut new_staged = Vec::with_capacity(creates.len());
    for c in creates {
        let s = stage(&c.path, c.text.as_bytes(), None).map_err(|source| WriteError::Io {
            path: c.display.clone(),
            source,
        })?;
        new_staged.push(s);
    }
    // Staging syncs every file, milliseconds in which another program may
    // save one of them: each is read again just before the renames, so a
    // save made meanwhile refuses the write instead of being lost.
    for (t, _, _, on_disk) in &ready {
        if std::fs::read(&t.path).ok().as_ref() != Some(on_disk) {
            return Err(WriteError::Changed {
                path: t.display.clone(),
            });
        }
    }
    for (n, s) in staged.into_iter().enumerate() {
        if let Err(source) = s.commit() {
            return Err(roll_back(&ready[..n], &[], &ready[n].0.display, source));
        }
    }
    for (n, s) in new_staged.into_iter().enumerate() {
        if let Err(source) = s.commit_new() {
            return Err(roll_back(
                &ready,
                &creates[..n],
                &creates[n].display,
                source,
            ));
        }
    }
    made.0.clear();
    Ok(())
}

/// Folders a write made for its new files; removed (when empty) unless
/// the write went through.
struct MadeFolders(Vec<PathBuf>);

impl Drop for MadeFolders {
    fn drop(&mut self) {
        for dir in self.0.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Puts back the files already replaced, and removes the files already
/// created, when a later rename failed; says exactly what state the files
/// are in.
fn roll_back(
    done: &[(&NewText, bool, std::fs::Metadata, Vec<u8>)],
    created: &[NewFile],
    failed: &Path,
    source: std::io::Error,
) -> WriteError {
    let mut not_restored = Vec::new();
    for c in created.iter().rev() {
        if std::fs::remove_file(&c.path).is_err() {
            not_restored.push(c.display.clone());
        }
    }
    for (t, _, meta, old) in done.iter().rev() {
        let restored = stage(&t.path, old, Some(meta)).and_then(|s| s.commit());
        if restored.is_err() {
            not_restored.push(t.display.clone());
        }
    }
    WriteError::PartlyWritten {
        path: failed.to_path_buf(),
        source,
        restored: done.len() + created.len() - not_restored.len(),
        not_restored,
    }
}

/// Creates a new file; refuses to replace one that exists.
pub fn create_file(path: &Path, display: &Path, text: &str) -> Result<(), WriteError> {
    // Never write through a symlinked folder (`stories -> /elsewhere`).
    let parent = path.parent().unwrap_or(Path::new("."));
    if std::fs::symlink_metadata(parent).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(WriteError::Symlink {
            path: display.parent().unwrap_or(display).to_path_buf(),
        });
    }
    if path.exists() {
        return Err(WriteError::Exists {
            path: display.to_path_buf(),
        });
    }
    write_atomic(path, text.as_bytes()).map_err(|source| WriteError::Io {
        path: display.to_path_buf(),
        source,
    })
}
