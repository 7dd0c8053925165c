//! A snapshot of one story, for an edit that no rule across stories can
//! see (`check::seen_across`): the backlog's settings, its sprints and the
//! one story file named for the id. Of the other story files only the ids
//! they say are needed (an id in two files refuses an edit), and those come
//! from the story cache where its entries hold.

use std::path::Path;

use rayon::prelude::*;

use crate::model::{Snapshot, StoryId};
use crate::source::{Source, WorkTree};

use super::LoadError;

/// The snapshot of `id` alone, from the one file of the `stories/` folder
/// named for it (`S-42-….md` or `S-42.md`), when no other story file says
/// `id: S-42`: the story cache at `cache` tells that of every file whose
/// entry holds, and the others are read. `None` when the whole backlog must
/// be read instead: the cache cannot tell (there is none yet, or the folder
/// holds a subfolder or a link) or is to be written again (enough of its
/// entries went stale, `cache::may_say`), no file or two files are named for the
/// id, another file says it (the edit is refused then, as `check` reports
/// B026), or the story, the settings or a sprint loads with a finding.
pub fn one_story(tree: &WorkTree, cache: &Path, id: &str) -> Result<Option<Snapshot>, LoadError> {
    let Some(listed) = super::cache::may_say(tree, cache, id) else {
        return Ok(None);
    };
    let story_id = StoryId::new(id);
    let named: Vec<usize> = (0..listed.len())
        .filter(|&i| {
            let stem = listed[i].0.path.file_stem().and_then(|s| s.to_str());
            stem.is_some_and(|stem| story_id.names(stem))
        })
        .collect();
    let [own] = named[..] else {
        return Ok(None);
    };
    let another_says = listed.par_iter().enumerate().any(|(i, (entry, may))| {
        *may && i != own
            && tree.read(&entry.path).ok().flatten().is_some_and(|bytes| {
                let display = tree.display_root().join(&entry.path);
                super::story_fields_from_bytes(display, bytes).is_some_and(|s| s.id.as_str() == id)
            })
    });
    if another_says {
        return Ok(None);
    }
    let entry = &listed[own].0;
    let snapshot = super::load_known_as(
        tree,
        Some(std::slice::from_ref(entry)),
        &|_| super::BodyRead::Full,
        &|_, _| None,
    )?;
    let alone = snapshot.load_findings.is_empty()
        && snapshot.unreadable_ids.is_empty()
        && matches!(snapshot.stories.as_slice(), [story] if story.id.as_str() == id);
    Ok(alone.then_some(snapshot))
}
