//! Planning rank changes: single moves, minimal re-ranking for a whole new
//! order, rebalancing, and the order a scoring model suggests. Plans are
//! data; writing them is [`crate::edit::write`]'s job.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::model::order::{backlog_order, heaviest_increasing};
use crate::model::rank::Rank;
use crate::model::score::ScoringModel;
use crate::model::{Kind, Snapshot, Story, StoryId};

/// One story's new rank.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankChange {
    pub id: StoryId,
    pub old: Option<Rank>,
    pub new: Rank,
}

/// Where `rank` moves a story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Before every unfinished story (finished ones keep their place).
    Top,
    /// After every ranked story.
    Bottom,
    Before(String),
    After(String),
    /// A 1-based position in the whole backlog, as `list` numbers it.
    To(usize),
}

/// A planned move of one story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub id: StoryId,
    pub changes: Vec<RankChange>,
    pub old_position: usize,
    pub new_position: usize,
    /// Said to the user: a tie that had to be broken.
    pub note: Option<String>,
}

/// Why a plan cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("no story has the id `{0}`")]
    UnknownId(String),
    #[error("`{0}` cannot be placed relative to itself")]
    SelfReference(String),
    #[error("`{0}` has no rank, so nothing can be placed after it; rank it first")]
    UnrankedNeighbour(String),
    #[error("`{0}` appears twice")]
    Duplicate(String),
}

fn find<'a>(s: &'a Snapshot, id: &str) -> Result<&'a Story, PlanError> {
    s.story(id)
        .ok_or_else(|| PlanError::UnknownId(id.to_string()))
}

/// Plans moving `id` to `target`, changing as few ranks as possible: its
/// own, and more only where neighbours share a rank and must be told apart.
pub fn plan_move(s: &Snapshot, id: &str, target: &Target) -> Result<Move, PlanError> {
    let story = find(s, id)?;
    let old_position = s.position(story);
    let p = place(s, Some(story), target)?;
    let mut changes = Vec::new();
    if let Some(new) = p.rank {
        changes.push(RankChange {
            id: story.id.clone(),
            old: story.rank.clone(),
            new,
        });
    }
    changes.extend(p.others);
    Ok(Move {
        id: story.id.clone(),
        changes,
        old_position,
        new_position: p.position,
        note: p.note,
    })
}

/// Where a new story goes: its rank, and any tied neighbours that must move.
pub fn plan_insert(s: &Snapshot, target: &Target) -> Result<Placement, PlanError> {
    place(s, None, target)
}

/// The outcome of placing a story among the others.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// The story's new rank; `None` when its rank already puts it there.
    pub rank: Option<Rank>,
    /// Other stories re-ranked so the order holds (they shared a rank).
    pub others: Vec<RankChange>,
    /// 1-based position in the whole backlog afterwards.
    pub position: usize,
    pub note: Option<String>,
}

/// Places `mover` (or, with `None`, a new story) at `target`: the wanted
/// order is the ranked backlog with the story at its new index, and the
/// fewest rank changes that make exactly that order true are planned by the
/// same re-ranking as `rank --edit`, preferring to change the mover.
fn place(s: &Snapshot, mover: Option<&Story>, target: &Target) -> Result<Placement, PlanError> {
    let others: Vec<&Story> = s
        .ranked()
        .into_iter()
        .filter(|x| mover.is_none_or(|m| m.id != x.id))
        .collect();
    let index_of = |other: &str| -> Result<usize, PlanError> {
        if mover.is_some_and(|m| m.id.as_str() == other) {
            return Err(PlanError::SelfReference(other.to_string()));
        }
        others
            .iter()
            .position(|x| x.id.as_str() == other)
            .ok_or_else(|| PlanError::UnknownId(other.to_string()))
    };
    let ranked_count = others.iter().filter(|x| x.rank.is_some()).count();
    let i = match target {
        Target::Top => others
            .iter()
            .position(|x| !s.config.is_done(&x.status))
            .unwrap_or(others.len()),
        Target::Bottom => ranked_count,
        Target::Before(other) => index_of(other)?,
        Target::After(other) => index_of(other)? + 1,
        Target::To(p) => p.saturating_sub(1).min(others.len()),
    };
    if let Some(l) = i.checked_sub(1).map(|j| others[j]) {
        if l.rank.is_none() {
            return Err(PlanError::UnrankedNeighbour(l.id.to_string()));
        }
    }
    // The ranked stories in their new order; the mover is the one entry
    // that must end up ranked.
    let mut wanted: Vec<Entry> = others[..ranked_count]
        .iter()
        .map(|x| Entry {
            id: Some(&x.id),
            rank: x.rank.as_ref(),
        })
        .collect();
    wanted.insert(
        i,
        Entry {
            id: mover.map(|m| &m.id),
            rank: mover.and_then(|m| m.rank.as_ref()),
        },
    );
    let mut new_ranks = rerank(&wanted, Some(i), std::iter::empty);
    let rank = new_ranks[i].take();
    let others: Vec<RankChange> = new_ranks
        .into_iter()
        .zip(&wanted)
        .filter_map(|(new, e)| {
            let new = new?;
            let story = s.story(e.id?.as_str())?;
            Some(RankChange {
                id: story.id.clone(),
                old: story.rank.clone(),
                new,
            })
        })
        .collect();
    // A position past the end is the last one, said so (`i` is clamped).
    let past_end = match target {
        Target::To(p) if *p > i + 1 => Some(format!(
            "position {p} is past the end of the backlog; placed last, at {}",
            i + 1
        )),
        _ => None,
    };
    let made_room = match others.as_slice() {
        [] => None,
        [one] => {
            let tied = wanted.iter().filter_map(|e| e.id).find(|id| {
                **id != one.id && s.story(id.as_str()).is_some_and(|x| x.rank == one.old)
            });
            Some(format!(
                "`{}` shared rank {} with `{}`; moved to {} to make room",
                one.id,
                one.old.as_ref().map(|r| r.to_string()).unwrap_or_default(),
                tied.map(|t| t.to_string()).unwrap_or_default(),
                one.new
            ))
        }
        many => Some(format!(
            "{} stories that shared a rank were re-ranked to make room",
            many.len()
        )),
    };
    let note = match (past_end, made_room) {
        (Some(a), Some(b)) => Some(format!("{a}; {b}")),
        (a, b) => a.or(b),
    };
    Ok(Placement {
        rank,
        others,
        position: i + 1,
        note,
    })
}

/// Which of `ranks` keep theirs: a heaviest increasing chain, the `mover`
/// weighing half as much as any other story. One story placed among others
/// whose ranks already increase (the usual move) needs no search: the
/// others all keep theirs, and the mover keeps its own only where it falls
/// strictly between its new neighbours (any chain through it otherwise
/// drops a neighbour, which weighs more). A tie with a neighbour, or any
/// other order, takes the search. The search sorted every rank for a move
/// of one story.
fn kept(
    ranks: &[Option<&Rank>],
    mover: Option<usize>,
    follows: impl Fn(usize) -> bool,
) -> Vec<bool> {
    if let Some(keep) = mover.and_then(|m| one_placed(ranks, m)) {
        return keep;
    }
    heaviest_increasing(ranks, |i| if Some(i) == mover { 1 } else { 2 }, follows)
}

/// [`kept`] without the search, when every rank but the `mover`'s is
/// present and greater than the one before it, and the mover's ties
/// neither neighbour; `None` otherwise.
fn one_placed(ranks: &[Option<&Rank>], mover: usize) -> Option<Vec<bool>> {
    let others = ranks
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != mover)
        .map(|(_, r)| *r);
    let mut last: Option<&Rank> = None;
    for r in others {
        let r = r?;
        if last.is_some_and(|l| l >= r) {
            return None;
        }
        last = Some(r);
    }
    let before = mover.checked_sub(1).and_then(|j| ranks[j]);
    let after = ranks.get(mover + 1).copied().flatten();
    let fits = match ranks.get(mover).copied().flatten() {
        None => false,
        Some(r) if before == Some(r) || after == Some(r) => return None,
        Some(r) => before.is_none_or(|b| b < r) && after.is_none_or(|a| r < a),
    };
    let mut keep = vec![true; ranks.len()];
    if let Some(k) = keep.get_mut(mover) {
        *k = fits;
    }
    Some(keep)
}

/// A story in a wanted order: its id (`None` for a story not written yet)
/// and its rank today.
struct Entry<'a> {
    id: Option<&'a StoryId>,
    rank: Option<&'a Rank>,
}

/// The fewest new ranks that make `wanted` the backlog order: the heaviest
/// run of stories whose (rank, id) already increase keeps its ranks (tied
/// neighbours may stay tied when their ids are in order), and every other
/// story gets a rank between its new neighbours. `mover` weighs less, so a
/// move changes the story moved rather than its neighbours. `unlisted` gives
/// the ranks of stories not in the list, which still bound its two ends.
/// Returns each entry's new rank, `None` where it keeps its own.
fn rerank<'a, I: Iterator<Item = &'a Rank>>(
    wanted: &[Entry],
    mover: Option<usize>,
    unlisted: impl Fn() -> I,
) -> Vec<Option<Rank>> {
    let ranks: Vec<Option<&Rank>> = wanted.iter().map(|e| e.rank).collect();
    let in_id_order = |a: &Entry, b: &Entry| matches!((a.id, b.id), (Some(x), Some(y)) if x < y);
    let mut keep = kept(&ranks, mover, |i| {
        ranks[i] == ranks[i - 1] && in_id_order(&wanted[i - 1], &wanted[i])
    });
    // Unranked stories left at the end, in id order, can stay unranked (but
    // not the story being placed: unranked, it would sort after the rest).
    let mut tail = wanted.len();
    while tail > 0
        && wanted[tail - 1].rank.is_none()
        && wanted[tail - 1].id.is_some()
        && mover != Some(tail - 1)
        && (tail == wanted.len() || in_id_order(&wanted[tail - 1], &wanted[tail]))
    {
        tail -= 1;
    }
    for k in keep.iter_mut().skip(tail) {
        *k = true;
    }
    // The rank of the next kept, ranked story after each entry (one pass
    // from the right, so a long list stays linear).
    let mut next_kept: Vec<Option<&Rank>> = vec![None; wanted.len()];
    for j in (0..wanted.len().saturating_sub(1)).rev() {
        let n = j + 1;
        next_kept[j] = if keep[n] && wanted[n].rank.is_some() {
            wanted[n].rank
        } else {
            next_kept[n]
        };
    }
    let mut new_ranks: Vec<Option<Rank>> = vec![None; wanted.len()];
    // Borrowed from the kept stories, not copied at each one on the way.
    let mut last: Option<Cow<'_, Rank>> = None;
    for j in 0..wanted.len() {
        if keep[j] {
            last = wanted[j].rank.map(Cow::Borrowed).or(last);
            continue;
        }
        let hi = next_kept[j];
        let new = match (last.as_deref(), hi) {
            (None, None) => Rank::from_int(10),
            (Some(l), None) => match unlisted().filter(|r| *r > l).min() {
                Some(u) => Rank::between(l, u),
                None => Rank::above(l),
            },
            (None, Some(h)) => match unlisted().filter(|r| *r < h).max() {
                Some(u) => Rank::between(u, h),
                None => Rank::below(h),
            },
            (Some(l), Some(h)) => Rank::between(l, h),
        };
        last = Some(Cow::Owned(new.clone()));
        new_ranks[j] = Some(new);
    }
    new_ranks
}

/// Plans the fewest rank changes that make `desired` (a sub-list of the
/// backlog, in the wanted order) hold: see [`rerank`].
pub fn plan_order(s: &Snapshot, desired: &[StoryId]) -> Result<Vec<RankChange>, PlanError> {
    let mut seen = std::collections::HashSet::new();
    let mut stories = Vec::with_capacity(desired.len());
    for id in desired {
        if !seen.insert(id.as_str()) {
            return Err(PlanError::Duplicate(id.to_string()));
        }
        stories.push(find(s, id.as_str())?);
    }
    let wanted: Vec<Entry> = stories
        .iter()
        .map(|x| Entry {
            id: Some(&x.id),
            rank: x.rank.as_ref(),
        })
        .collect();
    // At either end of the list, stories that are not listed (finished
    // ones, deleted lines) still bound the gap, so "first" means just
    // before the first listed story, not before the whole backlog.
    let unlisted = || {
        s.stories
            .iter()
            .filter(|x| !seen.contains(x.id.as_str()))
            .filter_map(|x| x.rank.as_ref())
    };
    Ok(rerank(&wanted, None, unlisted)
        .into_iter()
        .zip(&stories)
        .filter_map(|(new, story)| {
            Some(RankChange {
                id: story.id.clone(),
                old: story.rank.clone(),
                new: new?,
            })
        })
        .collect())
}

/// Renumbers every ranked story 10, 20, 30… in backlog order; only stories
/// whose rank changes are listed.
pub fn plan_rebalance(s: &Snapshot) -> Vec<RankChange> {
    s.ranked()
        .into_iter()
        .filter(|x| x.rank.is_some())
        .enumerate()
        .filter_map(|(k, x)| {
            let new = Rank::from_int(10 * (k as i64 + 1));
            (x.rank.as_ref() != Some(&new)).then(|| RankChange {
                id: x.id.clone(),
                old: x.rank.clone(),
                new,
            })
        })
        .collect()
}

/// A story the model cannot score, with the inputs it lacks.
pub type Unscored<'a> = (&'a Story, Vec<String>);

/// The order a scoring model suggests for the unfinished stories (epics
/// excluded): highest score first, ties in today's order. Stories missing
/// inputs are returned apart, with what they lack.
pub fn by_score<'a>(
    s: &'a Snapshot,
    model: &ScoringModel,
) -> (Vec<(&'a Story, f64)>, Vec<Unscored<'a>>) {
    // Stories come in today's order, and the sort below is stable, so equal
    // scores keep today's order.
    let mut scored = Vec::new();
    let mut missing = Vec::new();
    for story in s.ranked() {
        if s.config.is_done(&story.status) || story.kind == Kind::Epic {
            continue;
        }
        match model.score(story) {
            Ok(v) => scored.push((story, v)),
            Err(m) => missing.push((story, m)),
        }
    }
    scored.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
    (scored, missing)
}

/// The backlog order after `changes`, for reporting positions.
pub fn order_after<'a>(s: &'a Snapshot, changes: &[RankChange]) -> Vec<&'a Story> {
    use rayon::slice::ParallelSliceMut;
    let new: HashMap<&str, &Rank> = changes.iter().map(|c| (c.id.as_str(), &c.new)).collect();
    // Each story's rank looked up once, not at every comparison.
    let mut v: Vec<(Option<&Rank>, &Story)> = s
        .stories
        .iter()
        .map(|x| (new.get(x.id.as_str()).copied().or(x.rank.as_ref()), x))
        .collect();
    v.par_sort_by(|(ra, a), (rb, b)| backlog_order((*ra, &a.id), (*rb, &b.id)));
    v.into_iter().map(|(_, x)| x).collect()
}

const ORDER_LIST_HELP: &str = "# Reorder the lines: the first line is the top of the backlog.
# Deleting a line leaves that story where it is. Lines starting with # are ignored.
# Save and quit to apply; quit without saving (or empty the file) to cancel.
";

/// The text `rank --edit` opens in an editor: one unfinished story a line,
/// top of the backlog first, then how to use it (like `git rebase -i`).
pub fn order_list(s: &Snapshot) -> String {
    let mut text = String::new();
    for story in s
        .ranked()
        .into_iter()
        .filter(|x| !s.config.is_done(&x.status))
    {
        text.push_str(&format!("{:<8}  {}\n", story.id, story.title));
    }
    text.push('\n');
    text.push_str(ORDER_LIST_HELP);
    text
}

/// A line of an edited order list that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderListError {
    #[error("line {line}: no story has the id `{id}`")]
    UnknownId { line: usize, id: String },
    #[error("line {line}: `{id}` appears twice")]
    Twice { line: usize, id: String },
}

/// The order an edited list asks for: the first word of every line that is
/// not blank or a `#` comment, each a known id, each once.
pub fn read_order_list(s: &Snapshot, text: &str) -> Result<Vec<StoryId>, OrderListError> {
    let mut desired: Vec<StoryId> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let id = line.split_whitespace().next().unwrap_or("");
        if s.story(id).is_none() {
            return Err(OrderListError::UnknownId {
                line: n + 1,
                id: id.to_string(),
            });
        }
        if desired.iter().any(|d| d.as_str() == id) {
            return Err(OrderListError::Twice {
                line: n + 1,
                id: id.to_string(),
            });
        }
        desired.push(StoryId::new(id));
    }
    Ok(desired)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]
        /// Wherever a move is planned without the search, the search keeps
        /// the same ranks: others increasing or tied, ranks missing, the
        /// mover anywhere, ranked or not, ids in order or not.
        #[test]
        fn one_story_placed_keeps_what_the_search_keeps(
            ranks in proptest::collection::vec(proptest::option::weighted(0.95, 0u32..40), 1..12),
            mover in 0usize..12,
            ids_in_order in proptest::collection::vec(any::<bool>(), 12),
            sorted in any::<bool>(),
        ) {
            let mut ranks = ranks;
            if sorted {
                ranks.sort();
            }
            let mover = mover % ranks.len();
            let ranks: Vec<Option<Rank>> = ranks.iter().map(|r| r.map(|r| Rank::from_int(r.into()))).collect();
            let refs: Vec<Option<&Rank>> = ranks.iter().map(Option::as_ref).collect();
            let follows = |i: usize| refs[i] == refs[i - 1] && ids_in_order[i];
            let searched = heaviest_increasing(&refs, |i| if i == mover { 1 } else { 2 }, follows);
            if let Some(fast) = one_placed(&refs, mover) {
                prop_assert_eq!(&fast, &searched, "{:?}, mover {}", ranks, mover);
            }
            prop_assert_eq!(kept(&refs, Some(mover), follows), searched);
        }
    }
}
