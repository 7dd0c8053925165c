//! Writes that would break the rules are refused: before an edit is
//! written, the backlog as it would be afterwards is checked, and any error
//! finding it does not have today is reported instead (unless `--force`).
//! Only the edited files are parsed again; every other story is reused.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::edit::write::NewText;
use crate::load::{load_reusing, LoadError, Reuse};
use crate::model::diagnostic::{Finding, Severity};
use crate::model::Snapshot;
use crate::source::{Memory, Source, WorkTree};

/// The error findings the backlog would have after `texts` are written that
/// it does not have now.
pub fn new_errors(
    now: &Snapshot,
    tree: &WorkTree,
    texts: &[NewText],
) -> Result<Vec<Finding>, LoadError> {
    let root = tree.display_root().to_path_buf();
    let rel = |display: &Path| -> PathBuf {
        display.strip_prefix(&root).unwrap_or(display).to_path_buf()
    };
    let changed: HashSet<PathBuf> = texts.iter().map(|t| rel(&t.display)).collect();
    let mut after = Memory::new(root.clone());
    // Every file of the folder: edited ones with their new text, stories
    // already parsed as placeholders (taken from `now`), the rest as on disk.
    let parsed: HashSet<PathBuf> = now.stories.iter().map(|s| rel(&s.doc.path)).collect();
    for dir in ["stories", "sprints"] {
        let entries = tree.list_markdown(dir).map_err(|source| LoadError {
            path: root.join(dir),
            source,
        })?;
        for e in entries {
            if let crate::source::EntryKind::Symlink { target, .. } = &e.kind {
                after.insert_link(e.path.clone(), target.clone());
            } else if changed.contains(&e.path) {
                continue;
            } else if parsed.contains(&e.path) {
                after.insert(e.path.clone(), Vec::new());
            } else if let Ok(Some(bytes)) = tree.read(&e.path) {
                after.insert(e.path.clone(), bytes);
            }
        }
    }
    if let Ok(Some(bytes)) = tree.read(Path::new("backlog.yaml")) {
        after.insert("backlog.yaml", bytes);
    }
    for t in texts {
        after.insert(rel(&t.display), t.text.clone().into_bytes());
    }
    let next = load_reusing(
        &after,
        Some(Reuse {
            previous: now,
            changed: &changed,
        }),
    )?;
    let key = |f: &Finding| (f.rule, f.location.path.clone(), f.message.clone());
    let today: HashSet<_> = crate::check::check(now)
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(key)
        .collect();
    Ok(crate::check::check(&next)
        .into_iter()
        .filter(|f| f.severity == Severity::Error && !today.contains(&key(f)))
        .collect())
}
