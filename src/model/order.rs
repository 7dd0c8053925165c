//! The one backlog order, and the one longest-increasing-subsequence that
//! re-ranking (`rank --edit`, `rank --by`) and the pull-request diff (which
//! stories moved) both rest on.

use std::cmp::Ordering;

use super::rank::Rank;
use super::{Story, StoryId};

/// The backlog order: ranked stories by rank (exactly, as decimals), then
/// unranked ones; ties broken by id, so every reader sees one order.
pub fn backlog_order(a: (Option<&Rank>, &StoryId), b: (Option<&Rank>, &StoryId)) -> Ordering {
    match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| a.1.cmp(b.1))
}

/// `items` in backlog order ([`backlog_order`] of the story each holds),
/// stable, sorted on every core: by each rank's number first
/// (`Rank::order_key`, made once an item), in full only where two numbers
/// meet. Comparing ranks as decimal text in every comparison was most of
/// planning a move, and of ordering a history's every version.
pub fn in_backlog_order<T: Send>(items: Vec<T>, story: impl Fn(&T) -> &Story + Sync) -> Vec<T> {
    use rayon::slice::ParallelSliceMut;
    let number = |s: &Story| s.rank.as_ref().map_or(u128::MAX, Rank::order_key);
    let mut numbered: Vec<(u128, T)> = items.into_iter().map(|t| (number(story(&t)), t)).collect();
    numbered.par_sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| super::rank_order(story(&a.1), story(&b.1)))
    });
    numbered.into_iter().map(|(_, t)| t).collect()
}

/// Marks a heaviest strictly increasing subsequence of the present keys
/// (`None` never belongs to it). With every weight equal this is a longest
/// increasing subsequence; callers weigh items to prefer keeping some.
/// `follows(i)` lets item `i` extend a chain that ends at item `i - 1` even
/// though its key is not greater (ranks tied, ids in order).
/// O(n log n): a Fenwick tree of best chains over the keys' sorted order.
pub fn heaviest_increasing<K: Ord>(
    keys: &[Option<K>],
    weight: impl Fn(usize) -> u64,
    follows: impl Fn(usize) -> bool,
) -> Vec<bool> {
    // Each key's slot: its 1-based place among the distinct keys, from one
    // sort of the items (nearly sorted already when the keys are ranks in
    // backlog order) rather than a binary search per item.
    let mut by_key: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].is_some()).collect();
    by_key.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut slots = vec![0usize; keys.len()];
    let mut n = 0;
    for (j, &i) in by_key.iter().enumerate() {
        if j == 0 || keys[by_key[j - 1]] != keys[i] {
            n += 1;
        }
        slots[i] = n;
    }
    // tree[i]: (best weight, its key's slot, item index) of a chain ending at
    // a key of slot <= i. Among equally heavy chains the one ending at the
    // smaller key wins, as in patience sorting: it leaves the most room after.
    let better =
        |a: (u64, usize, usize), b: (u64, usize, usize)| a.0 > b.0 || (a.0 == b.0 && a.1 < b.1);
    let mut tree: Vec<(u64, usize, usize)> = vec![(0, usize::MAX, usize::MAX); n + 1];
    let mut best: Vec<u64> = vec![0; keys.len()];
    let mut prev: Vec<usize> = vec![usize::MAX; keys.len()];
    for (i, key) in keys.iter().enumerate() {
        if key.is_none() {
            continue;
        }
        let s = slots[i];
        let (mut q, mut found) = (s - 1, (0u64, usize::MAX, usize::MAX));
        while q > 0 {
            if better(tree[q], found) {
                found = tree[q];
            }
            q -= q & q.wrapping_neg();
        }
        if i > 0 && keys[i - 1].is_some() && follows(i) {
            let chained = (best[i - 1], s, i - 1);
            if better(chained, found) {
                found = chained;
            }
        }
        best[i] = found.0 + weight(i);
        prev[i] = found.2;
        let mut u = s;
        while u <= n {
            if better((best[i], s, i), tree[u]) {
                tree[u] = (best[i], s, i);
            }
            u += u & u.wrapping_neg();
        }
    }
    let mut keep = vec![false; keys.len()];
    let mut cur = (0..keys.len())
        .filter(|&i| keys[i].is_some())
        .map(|i| (i, slots[i]))
        .fold(None, |acc: Option<(u64, usize, usize)>, (i, s)| {
            let cand = (best[i], s, i);
            Some(acc.filter(|a| !better(cand, *a)).unwrap_or(cand))
        })
        .map(|(_, _, i)| i);
    while let Some(i) = cur {
        keep[i] = true;
        cur = (prev[i] != usize::MAX).then_some(prev[i]);
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(keys: &[Option<u32>]) -> Vec<u32> {
        let keep = heaviest_increasing(keys, |_| 1, |_| false);
        keys.iter()
            .zip(keep)
            .filter(|(_, k)| *k)
            .filter_map(|(v, _)| *v)
            .collect()
    }

    #[test]
    fn longest_run_is_kept() {
        assert_eq!(
            kept(&[Some(1), Some(5), Some(2), Some(3), Some(4)]).len(),
            4
        );
        assert_eq!(kept(&[Some(3), None, Some(1), Some(2)]), vec![1, 2]);
        assert_eq!(kept(&[]), Vec::<u32>::new());
        // Strictly increasing: equal keys are not both kept.
        assert_eq!(kept(&[Some(2), Some(2), Some(2)]).len(), 1);
    }

    /// The heaviest chain by the quadratic recurrence, for comparison:
    /// an item extends a chain ending at a smaller key, or at the item just
    /// before it where `follows` allows.
    fn heaviest_by_brute_force(
        keys: &[Option<u32>],
        weight: impl Fn(usize) -> u64,
        follows: impl Fn(usize) -> bool,
    ) -> u64 {
        let mut best = vec![0u64; keys.len()];
        for i in 0..keys.len() {
            let Some(k) = keys[i] else { continue };
            let before = (0..i)
                .filter(|&j| keys[j].is_some_and(|kj| kj < k || (j + 1 == i && follows(i))))
                .map(|j| best[j])
                .max()
                .unwrap_or(0);
            best[i] = before + weight(i);
        }
        best.into_iter().max().unwrap_or(0)
    }

    proptest::proptest! {
        /// Whatever the keys (repeated, missing, in any order) and the ties
        /// allowed between neighbours, the chain kept rises (or holds where
        /// a tie is allowed) and is as heavy as any.
        #[test]
        fn the_kept_chain_is_increasing_and_heaviest(
            keys in proptest::collection::vec(proptest::option::of(0u32..8), 0..24),
            weights in proptest::collection::vec(1u64..5, 24),
            ties in proptest::collection::vec(proptest::bool::ANY, 24),
        ) {
            let weight = |i: usize| weights[i];
            let follows = |i: usize| ties[i];
            let keep = heaviest_increasing(&keys, weight, follows);
            let chain: Vec<usize> = (0..keys.len()).filter(|&i| keep[i]).collect();
            proptest::prop_assert!(chain
                .windows(2)
                .all(|w| keys[w[0]] < keys[w[1]] || (w[0] + 1 == w[1] && follows(w[1]))));
            proptest::prop_assert!(chain.iter().all(|&i| keys[i].is_some()));
            let total: u64 = chain.iter().map(|&i| weight(i)).sum();
            proptest::prop_assert_eq!(total, heaviest_by_brute_force(&keys, weight, follows));
        }
    }

    #[test]
    fn weights_choose_among_equally_long_runs() {
        // [2, 1]: either alone is longest; the heavier one is kept.
        let keys = [Some(2), Some(1)];
        assert_eq!(
            heaviest_increasing(&keys, |i| 10 + i as u64, |_| false),
            vec![false, true]
        );
        assert_eq!(
            heaviest_increasing(&keys, |i| 11 - i as u64, |_| false),
            vec![true, false]
        );
    }

    #[test]
    fn an_allowed_tie_extends_the_chain_only_from_its_neighbour() {
        // 5 5 5 with ties allowed between neighbours: all kept.
        let tied = |keys: &[Option<u32>], i: usize| keys[i] == keys[i - 1];
        let keys = [Some(5), Some(5), Some(5)];
        assert_eq!(
            heaviest_increasing(&keys, |_| 1, |i| tied(&keys, i)),
            vec![true; 3]
        );
        // 5 9 5: the second 5 is not next to the first; 5 9 is kept.
        let keys = [Some(5), Some(9), Some(5)];
        let keep = heaviest_increasing(&keys, |_| 1, |i| tied(&keys, i));
        assert_eq!(keep, vec![true, true, false]);
    }

    #[test]
    fn ranked_before_unranked_then_by_id() {
        let r = Rank::parse("5").unwrap();
        let (a, b) = (StoryId::new("S-2"), StoryId::new("S-10"));
        assert_eq!(backlog_order((Some(&r), &b), (None, &a)), Ordering::Less);
        assert_eq!(
            backlog_order((Some(&r), &a), (Some(&r), &b)),
            Ordering::Less
        );
    }
}
