//! Rules on the backlog order: ranks present, unique, and sensible.

use std::collections::BTreeMap;

use super::Context;
use crate::model::diagnostic::{Finding, Rule};
use crate::model::Story;

pub(super) fn rank_rules(ctx: &Context, out: &mut Vec<Finding>) {
    let mut by_rank: BTreeMap<&crate::model::rank::Rank, Vec<&Story>> = BTreeMap::new();
    for story in ctx
        .s
        .stories
        .iter()
        .filter(|s| ctx.is_open(s) && !s.status.is_empty())
    {
        match &story.rank {
            Some(r) => by_rank.entry(r).or_default().push(story),
            // A rank that is written but unreadable was reported already.
            None if story.layout.get("rank").is_some() || !ctx.is_local(story) => {}
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
    for (rank, mut stories) in by_rank {
        if stories.len() < 2 {
            continue;
        }
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
