//! Rules on the backlog order: ranks present, unique, and sensible.

use super::Context;
use crate::model::diagnostic::{Finding, Rule};
use crate::model::Story;

pub(super) fn rank_rules(ctx: &Context, out: &mut Vec<Finding>) {
    // Ranked stories sorted by rank, ties side by side: one vector, not a
    // tree of one vector per rank. By each rank's number first
    // (`Rank::order_key`), in full where two numbers meet, as the backlog
    // order sorts: comparing ranks as text was a third of an edit's guard.
    let mut ranked: Vec<(u128, &crate::model::rank::Rank, &Story)> =
        Vec::with_capacity(ctx.s.stories.len());
    for story in ctx
        .s
        .stories
        .iter()
        .filter(|s| ctx.is_open(s) && !s.status.is_empty())
    {
        match &story.rank {
            Some(r) => ranked.push((r.order_key(), r, story)),
            // A rank that is written but unreadable was reported already.
            None if !ctx.is_local(story) || story.layout().get("rank").is_some() => {}
            None => out.push(
                story
                    .finding_at(
                        "id",
                        Rule::RankMissing,
                        format!("`{}` has no rank, so it sorts last", story.id),
                    )
                    .help("add a `rank:` line with a decimal number (lower comes first)"),
            ),
        }
    }
    ranked.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    for tie in ranked.chunk_by(|a, b| a.0 == b.0 && a.1.cmp(b.1).is_eq()) {
        if tie.len() < 2 {
            continue;
        }
        let rank = tie[0].1;
        let mut stories: Vec<&Story> = tie.iter().map(|(_, _, s)| *s).collect();
        stories.sort_by(|a, b| a.id.cmp(&b.id));
        // Stories sharing an id are reported as duplicates, not as ties.
        stories.dedup_by(|a, b| a.id == b.id);
        let first = stories[0];
        for s in stories.iter().skip(1) {
            out.push(
                s.finding_at(
                    "rank",
                    Rule::RankTie,
                    format!("`{}` has rank {rank}, the same as `{}`", s.id, first.id),
                )
                .help("give one of them a rank between its neighbours so the order is explicit"),
            );
        }
    }
}
