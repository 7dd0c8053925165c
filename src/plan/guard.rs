//! Writes that would break the rules are refused: before an edit is
//! written, the backlog as it would be afterwards is checked, and any error
//! finding it does not have today is reported instead (unless `--force`).
//! Only the edited files are parsed again; every other story is reused.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::edit::write::NewText;
use crate::load::{load_reusing, LoadError, Reuse};
use crate::model::diagnostic::{Finding, Severity};
use crate::model::{Snapshot, Story, StoryId};
use crate::source::{Memory, Source, WorkTree};

/// The error findings the backlog would have after `texts` are written that
/// it does not have now. `summary` tells the stories of `now` whose text
/// was not read (`load::cache`): the rules on one story skip those, unless
/// they point at an edited story. `now` is left as it was given.
pub fn new_errors(
    now: &mut Snapshot,
    tree: &WorkTree,
    texts: &[NewText],
    summary: &(dyn Fn(&Story) -> bool + Sync),
) -> Result<Vec<Finding>, LoadError> {
    let root = tree.display_root().to_path_buf();
    if let Some(found) = new_story_errors(now, &root.join("stories"), texts, summary) {
        return Ok(found);
    }
    let now: &Snapshot = now;
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
    Ok(errors_added(crate::check::check(&next), || {
        crate::check::check(now)
    }))
}

/// The error findings of `after` that the backlog does not have `today`.
/// Today's backlog is checked only when there are errors after the edit to
/// tell apart from its own (most edits leave none: one rule pass, not two).
fn errors_added(mut after: Vec<Finding>, today: impl FnOnce() -> Vec<Finding>) -> Vec<Finding> {
    after.retain(|f| f.severity == Severity::Error);
    if after.is_empty() {
        return after;
    }
    let key = |f: &Finding| (f.rule, f.location.path.clone(), f.message.clone());
    let today: HashSet<_> = today()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(key)
        .collect();
    after.retain(|f| !today.contains(&key(f)));
    after
}

/// [`new_errors`] when every text is a story: an edit of one `now` has,
/// or a new file in the stories folder. Those stories are parsed and
/// swapped into `now` (new ones put in their place in path order) for the
/// check, then taken out again (a copy of a snapshot of 10,000 summaries
/// was a tenth of `set`), and nothing else is read. `None`, with `now`
/// untouched, when a text is anything else (a sprint, a file that is there
/// but did not load, a story that would no longer parse).
fn new_story_errors(
    now: &mut Snapshot,
    stories_dir: &Path,
    texts: &[NewText],
    summary: &(dyn Fn(&Story) -> bool + Sync),
) -> Option<Vec<Finding>> {
    // The index of the story each text replaces, if any.
    let places: Vec<Option<usize>> = texts
        .iter()
        .map(|t| {
            now.stories
                .iter()
                .position(|s| same_path(&s.doc.path, &t.display))
        })
        .collect();
    // Each new story is put in its place by moving the ones after it, in
    // the room the load left: fine for the one `new` writes, not for an
    // import of hundreds, which takes the general way.
    if places.iter().filter(|i| i.is_none()).count() > crate::load::ROOM_FOR_NEW {
        return None;
    }
    let mut edits = Vec::new();
    for (t, replaces) in texts.iter().zip(places) {
        let loaded_badly = || {
            now.load_findings
                .iter()
                .any(|f| same_path(&f.location.path, &t.display))
        };
        if replaces.is_none() && (t.display.parent() != Some(stories_dir) || loaded_badly()) {
            return None;
        }
        let (story, findings) =
            crate::load::story_with_findings(t.display.clone(), t.text.clone().into_bytes());
        edits.push((replaces, story?, findings, &t.display));
    }
    let edited: HashSet<StoryId> = edits
        .iter()
        .flat_map(|(i, story, _, _)| {
            i.map(|i| now.stories[i].id.clone())
                .into_iter()
                .chain([story.id.clone()])
        })
        .collect();
    let points_at_edited = |s: &Story| {
        s.epic
            .iter()
            .chain(&s.depends_on)
            .chain(&s.conflicts_with)
            .any(|r| edited.contains(r))
    };
    let local = |s: &Story| !summary(s) || points_at_edited(s);

    // The index by id holds while every edited story keeps its id and no
    // story is added; otherwise it is set aside and given back after.
    let index_holds = edits
        .iter()
        .all(|(i, story, _, _)| i.is_some_and(|i| now.stories[i].id == story.id));
    let index = (!index_holds).then(|| std::mem::take(&mut now.by_id));
    let findings_now = now.load_findings.clone();
    let mut replaced = Vec::new();
    let mut added = Vec::new();
    // Edits first (each at the index it was found at), then new stories in
    // path order, each put after the ones before it.
    edits.sort_by(|a, b| (a.0.is_none(), a.3).cmp(&(b.0.is_none(), b.3)));
    for (i, story, findings, display) in edits {
        match i {
            Some(i) => replaced.push((i, std::mem::replace(&mut now.stories[i], story))),
            None => {
                let at = now
                    .stories
                    .partition_point(|s| s.doc.path.as_path() < display.as_path());
                now.stories.insert(at, story);
                added.push(at);
            }
        }
        now.load_findings.retain(|f| f.location.path != *display);
        now.load_findings.extend(findings);
    }
    let after = crate::check::check_where(now, &local);
    // In reverse: each story added went in after the ones before it.
    for at in added.into_iter().rev() {
        now.stories.remove(at);
    }
    for (i, story) in replaced.into_iter().rev() {
        now.stories[i] = story;
    }
    now.load_findings = findings_now;
    if let Some(index) = index {
        now.by_id = index;
    }

    Some(errors_added(after, || {
        crate::check::check_where(now, &local)
    }))
}

/// Whether two paths as the load made them (the display root joined with a
/// listed path) are the same, byte for byte: `Path`'s own comparison walks
/// the components of every two paths that differ, 10,000 times an edit.
fn same_path(a: &Path, b: &Path) -> bool {
    a.as_os_str() == b.as_os_str()
}

/// The stories the rules across stories consult about an edit of the
/// stories in `texts` (before and after it): those sharing its id, sprint,
/// rank, or a status with a WIP limit; those it points at, and those its
/// dependencies lead to; those pointing at it. Read in full before the
/// guard runs on a snapshot of summaries, so those rules see the files.
pub fn consulted(now: &Snapshot, texts: &[NewText]) -> Vec<String> {
    let mut versions: Vec<Story> = Vec::new();
    for t in texts {
        if let Some(old) = now
            .stories
            .iter()
            .find(|s| same_path(&s.doc.path, &t.display))
        {
            versions.push(old.clone());
        }
        let (new, _) =
            crate::load::story_with_findings(t.display.clone(), t.text.clone().into_bytes());
        versions.extend(new);
    }
    let limited = |status: &str| now.config.wip_limits.iter().any(|(s, _)| s == status);
    let mut out: HashSet<String> = HashSet::new();
    let mut follow: Vec<&StoryId> = Vec::new();
    for v in &versions {
        follow.extend(v.epic.iter().chain(&v.depends_on).chain(&v.conflicts_with));
    }
    // One pass over the stories for all the versions: each story is read
    // from memory once.
    for s in &now.stories {
        let consults = |v: &Story| {
            let shares = s.id == v.id
                || (v.sprint.is_some() && s.sprint == v.sprint)
                || (v.rank.is_some() && s.rank == v.rank)
                || (s.status == v.status && limited(&s.status));
            shares
                || s.epic
                    .iter()
                    .chain(&s.depends_on)
                    .chain(&s.conflicts_with)
                    .any(|r| *r == v.id)
        };
        if versions.iter().any(consults) {
            out.insert(s.id.to_string());
        }
    }
    // Where the dependencies lead (a new cycle runs through them).
    let mut seen: HashSet<&StoryId> = HashSet::new();
    while let Some(id) = follow.pop() {
        if !seen.insert(id) {
            continue;
        }
        out.insert(id.to_string());
        for s in now.stories_with_id(id.as_str()) {
            follow.extend(&s.depends_on);
        }
    }
    let mut out: Vec<String> = out.into_iter().collect();
    out.sort();
    out
}
