//! `rank` output: the moves a plan makes, and the order a model suggests.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::model::score::{format_score, ScoringModel};
use crate::model::{Snapshot, Story, StoryId};
use crate::plan::reorder::{order_after, RankChange, Unscored};

/// `S-42: position 16 -> 4, rank 12.5 -> 3.5`, one line per change.
pub fn changes(out: &mut dyn Write, s: &Snapshot, changes: &[RankChange]) -> io::Result<()> {
    let places = places(s, changes);
    for (c, (before, after)) in changes.iter().zip(places) {
        let old = c.old.as_ref().map_or("none".to_string(), |r| r.to_string());
        writeln!(
            out,
            "{}: position {before} -> {after}, rank {old} -> {}",
            c.id, c.new
        )?;
    }
    Ok(())
}

/// Each changed story's 1-based place before and after `changes` (0 for
/// an id no story has). A move changes a story or a few: their places are
/// counted, as sorting 10,000 stories twice was a tenth of a `rank`; a
/// rebalance changes many, and two sorts serve them all.
fn places(s: &Snapshot, changes: &[RankChange]) -> Vec<(usize, usize)> {
    const COUNTED: usize = 8;
    if changes.len() <= COUNTED {
        // The last change of an id, as a map of them keeps it.
        let new_rank = |x: &Story| changes.iter().rev().find(|c| c.id == x.id).map(|c| &c.new);
        return changes
            .iter()
            .map(|c| match s.story(c.id.as_str()) {
                Some(story) => (
                    s.position(story),
                    s.position_ranked_by(story, |x| new_rank(x).or(x.rank.as_ref())),
                ),
                None => (0, 0),
            })
            .collect();
    }
    let before = places_by_id(s.ranked().iter().map(|x| &x.id));
    let after = places_by_id(order_after(s, changes).iter().map(|x| &x.id));
    let pos =
        |places: &HashMap<&StoryId, usize>, id: &StoryId| places.get(id).copied().unwrap_or(0);
    changes
        .iter()
        .map(|c| (pos(&before, &c.id), pos(&after, &c.id)))
        .collect()
}

/// Each id's 1-based place in `order`, the first where it is there twice:
/// one pass, where a search of the order for every change of a rebalance
/// was quadratic.
fn places_by_id<'a>(order: impl Iterator<Item = &'a StoryId>) -> HashMap<&'a StoryId, usize> {
    let mut places = HashMap::new();
    for (i, id) in order.enumerate() {
        places.entry(id).or_insert(i + 1);
    }
    places
}

/// `rank --by MODEL`: the suggested order beside today's positions, and the
/// stories the model cannot score (left where they are).
pub fn suggested(
    out: &mut dyn Write,
    s: &Snapshot,
    model: &ScoringModel,
    scored: &[(&Story, f64)],
    missing: &[Unscored],
) -> io::Result<()> {
    let positions = places_by_id(s.ranked().iter().map(|x| &x.id));
    let now = |id: &StoryId| positions.get(id).copied().unwrap_or(0);
    writeln!(
        out,
        "order suggested by {} (highest score first), beside today's position:",
        model.name()
    )?;
    writeln!(
        out,
        "{:>4}  {:>4}  {:<8}  {:>7}  TITLE",
        "NEW", "NOW", "ID", "SCORE"
    )?;
    for (i, (story, score)) in scored.iter().enumerate() {
        writeln!(
            out,
            "{:>4}  {:>4}  {:<8}  {:>7}  {}",
            i + 1,
            now(&story.id),
            story.id,
            format_score(*score),
            story.title
        )?;
    }
    if !missing.is_empty() {
        writeln!(out, "\nnot scored, missing inputs (left where they are):")?;
        for (story, m) in missing {
            writeln!(out, "  {}: {}", story.id, m.join(", "))?;
        }
    }
    Ok(())
}
