//! `rank` output: the moves a plan makes, and the order a model suggests.

use std::io::{self, Write};

use crate::model::score::{format_score, ScoringModel};
use crate::model::{Snapshot, Story, StoryId};
use crate::plan::reorder::{order_after, RankChange, Unscored};

/// `S-42: position 16 -> 4, rank 12.5 -> 3.5`, one line per change.
pub fn changes(out: &mut dyn Write, s: &Snapshot, changes: &[RankChange]) -> io::Result<()> {
    let before: Vec<&StoryId> = s.ranked().iter().map(|x| &x.id).collect();
    let after: Vec<&StoryId> = order_after(s, changes).iter().map(|x| &x.id).collect();
    let pos = |v: &[&StoryId], id: &StoryId| v.iter().position(|x| *x == id).map_or(0, |p| p + 1);
    for c in changes {
        let old = c.old.as_ref().map_or("none".to_string(), |r| r.to_string());
        writeln!(
            out,
            "{}: position {} -> {}, rank {old} -> {}",
            c.id,
            pos(&before, &c.id),
            pos(&after, &c.id),
            c.new
        )?;
    }
    Ok(())
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
    let positions: Vec<&StoryId> = s.ranked().iter().map(|x| &x.id).collect();
    let now = |id: &StoryId| positions.iter().position(|x| *x == id).map_or(0, |p| p + 1);
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
