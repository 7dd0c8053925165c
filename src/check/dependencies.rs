//! Dependency cycles, found as strongly connected components.

use std::collections::{HashMap, HashSet};

use super::Context;
use crate::model::diagnostic::{Finding, Rule};
use crate::model::Story;

/// Tarjan's strongly connected components over `depends_on`; every component
/// with a cycle is reported once, at its smallest id, with the cycle spelt out.
pub(super) fn dependency_cycles(ctx: &Context, out: &mut Vec<Finding>) {
    let stories: Vec<&Story> = {
        // One story per id (duplicates are reported elsewhere). Only a
        // story that depends on one that depends on another can be on a
        // cycle (the next story on it does): the others are left out of the
        // graph (most stories, and an edit checks twice).
        let depending: foldhash::HashSet<&str> = ctx
            .s
            .stories
            .iter()
            .filter(|x| !x.depends_on.is_empty())
            .map(|x| x.id.as_str())
            .collect();
        let mut v: Vec<&Story> = ctx
            .s
            .stories
            .iter()
            .filter(|x| x.depends_on.iter().any(|d| depending.contains(d.as_str())))
            .filter(|x| {
                ctx.s
                    .story(x.id.as_str())
                    .is_some_and(|f| std::ptr::eq(f, *x))
            })
            .collect();
        v.sort_by_cached_key(|s| s.id.sort_key());
        v
    };
    let index_of: HashMap<&str, usize> = stories
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = stories
        .iter()
        .map(|s| {
            s.depends_on
                .iter()
                .filter_map(|d| index_of.get(d.as_str()).copied())
                .collect()
        })
        .collect();
    for component in strongly_connected(&edges) {
        let self_loop = component.len() == 1 && edges[component[0]].contains(&component[0]);
        if component.len() < 2 && !self_loop {
            continue;
        }
        let members: HashSet<usize> = component.iter().copied().collect();
        let start = *component.iter().min().unwrap_or(&component[0]);
        let cycle = cycle_through(start, &edges, &members);
        let names: Vec<&str> = cycle.iter().map(|&i| stories[i].id.as_str()).collect();
        let story = stories[start];
        let next = stories[cycle[1]].id.as_str();
        let dep_index = story
            .depends_on
            .iter()
            .position(|d| d.as_str() == next)
            .unwrap_or(0);
        out.push(
            story
                .finding_at(
                    &format!("depends_on[{dep_index}]"),
                    Rule::DependencyCycle,
                    format!("dependency cycle: {}", names.join(" -> ")),
                )
                .help("remove one of these dependencies; stories in a cycle can never start"),
        );
    }
}

/// A path `start -> … -> start` inside one component (BFS, so shortest).
pub(super) fn cycle_through(
    start: usize,
    edges: &[Vec<usize>],
    members: &HashSet<usize>,
) -> Vec<usize> {
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for &m in &edges[n] {
            if !members.contains(&m) {
                continue;
            }
            if m == start {
                let mut path = vec![start];
                let mut cur = n;
                while cur != start {
                    path.push(cur);
                    cur = parent[&cur];
                }
                path.push(start);
                let last = path.len() - 1;
                path[1..last].reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(m) {
                e.insert(n);
                queue.push_back(m);
            }
        }
    }
    vec![start, start]
}

/// Iterative Tarjan: no recursion, so a 10,000-long chain cannot overflow the stack.
pub(super) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if *child < edges[v].len() {
                let w = edges[v][*child];
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                out.push(comp);
            }
        }
    }
    out
}
