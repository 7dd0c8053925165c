//! `check`: every rule over a whole snapshot. Rules never stop at the first
//! problem; each finding names the file and line to fix.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::diagnostic::{Finding, Rule};
use crate::model::suggest::did_you_mean;
use crate::model::{fmt_num, DecisionKind, Kind, RuleLevel, Snapshot, Story, StoryId};

/// What `check` found, in file and line order, with `rules:` overrides applied.
pub fn check(snapshot: &Snapshot) -> Vec<Finding> {
    finish(&snapshot.config, rules(snapshot))
}

/// [`check`] plus the rules that compare with `base` (`check --since`).
pub fn check_since(
    snapshot: &Snapshot,
    base: &Snapshot,
    today: crate::model::date::Date,
) -> Vec<Finding> {
    let mut out = rules(snapshot);
    out.extend(since(base, snapshot, today));
    finish(&snapshot.config, out)
}

/// Every finding of the snapshot alone, before `rules:` levels apply.
fn rules(snapshot: &Snapshot) -> Vec<Finding> {
    let mut out = snapshot.load_findings.clone();
    let ctx = Context::new(snapshot);
    story_rules(&ctx, &mut out);
    rank_rules(&ctx, &mut out);
    dependency_cycles(&ctx, &mut out);
    sprint_rules(&ctx, &mut out);
    wip_limits(&ctx, &mut out);
    out
}

struct Context<'a> {
    s: &'a Snapshot,
    unreadable: HashSet<&'a str>,
}

impl<'a> Context<'a> {
    fn new(s: &'a Snapshot) -> Context<'a> {
        Context {
            s,
            unreadable: s.unreadable_ids.iter().map(|i| i.as_str()).collect(),
        }
    }

    /// Whether a reference to `id` should be reported as dangling.
    fn dangling(&self, id: &StoryId) -> bool {
        self.s.story(id.as_str()).is_none() && !self.unreadable.contains(id.as_str())
    }

    fn is_open(&self, story: &Story) -> bool {
        !self.s.config.is_done(&story.status)
    }
}

fn story_rules(ctx: &Context, out: &mut Vec<Finding>) {
    let cfg = &ctx.s.config;
    let mut first_with_id: HashMap<&str, &Story> = HashMap::new();
    let sprint_ids: HashSet<&str> = ctx.s.sprints.iter().map(|s| s.id.as_str()).collect();
    for story in &ctx.s.stories {
        let id = story.id.as_str();
        match story.id.parts() {
            Some((prefix, _)) if prefix == cfg.id_prefix => {}
            _ => out.push(
                story
                    .finding_at("id", Rule::BadId, format!("`{id}` is not a story id"))
                    .help(format!(
                        "ids are `{}-` and a number without leading zeros, like `{}-42`",
                        cfg.id_prefix, cfg.id_prefix
                    )),
            ),
        }
        let stem = story
            .doc
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        if stem != id && !stem.starts_with(&format!("{id}-")) {
            out.push(
                story
                    .finding_at(
                        "id",
                        Rule::IdFileMismatch,
                        format!("id `{id}` does not match the file name `{stem}.md`"),
                    )
                    .help(format!(
                        "rename the file to `{id}-<title>.md`, or correct the id"
                    )),
            );
        }
        if let Some(first) = first_with_id.get(id) {
            out.push(
                story
                    .finding_at(
                        "id",
                        Rule::DuplicateId,
                        format!("id `{id}` is also used by {}", first.doc.path.display()),
                    )
                    .help("give one of the two stories an unused id, and rename its file to match")
                    .related(first.id_location(), "the first story with this id"),
            );
        } else {
            first_with_id.insert(id, story);
        }
        if !story.status.is_empty() && !cfg.statuses.contains(&story.status) {
            let hint = did_you_mean(&story.status, cfg.statuses.iter().map(|s| s.as_str()))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            out.push(
                story
                    .finding_at(
                        "status",
                        Rule::UnknownStatus,
                        format!("status `{}` is not in the workflow", story.status),
                    )
                    .help(format!(
                        "{hint}the workflow's statuses are: {}",
                        cfg.statuses.join(", ")
                    )),
            );
        }
        if let Some(epic) = &story.epic {
            match ctx.s.story(epic.as_str()) {
                Some(e) if e.kind != Kind::Epic => out.push(
                    story
                        .finding_at(
                            "epic",
                            Rule::EpicNotEpic,
                            format!("`{epic}` is a {}, not an epic", e.kind.as_str()),
                        )
                        .help(format!(
                            "point `epic:` at an epic, or set `kind: epic` in {}",
                            e.doc.path.display()
                        )),
                ),
                None if ctx.dangling(epic) => out.push(
                    story
                        .finding_at(
                            "epic",
                            Rule::UnresolvedReference,
                            format!("epic `{epic}` does not exist"),
                        )
                        .help("name an existing epic's id"),
                ),
                _ => {}
            }
        }
        for (i, dep) in story.depends_on.iter().enumerate() {
            if ctx.dangling(dep) {
                out.push(
                    story
                        .finding_at(
                            &format!("depends_on[{i}]"),
                            Rule::UnresolvedReference,
                            format!("`{id}` depends on `{dep}`, which does not exist"),
                        )
                        .help("remove the dependency or correct the id"),
                );
            }
        }
        if let Some(goal) = &story.goal {
            if !cfg.goals.iter().any(|g| &g.id == goal) {
                let known: Vec<&str> = cfg.goals.iter().map(|g| g.id.as_str()).collect();
                out.push(
                    story
                        .finding_at(
                            "goal",
                            Rule::UnresolvedReference,
                            format!("goal `{goal}` is not defined in backlog.yaml"),
                        )
                        .help(if known.is_empty() {
                            "define goals under `goals:` in backlog.yaml".to_string()
                        } else {
                            format!("the goals are: {}", known.join(", "))
                        }),
                );
            }
        }
        if let Some(sprint) = &story.sprint {
            if !sprint_ids.contains(sprint.as_str()) {
                out.push(
                    story
                        .finding_at(
                            "sprint",
                            Rule::UnresolvedReference,
                            format!("sprint `{sprint}` does not exist"),
                        )
                        .help(format!(
                            "create sprints/{sprint}.md, or correct the sprint id"
                        )),
                );
            }
        }
        definition_of_ready(ctx, story, out);
    }
}

fn definition_of_ready(ctx: &Context, story: &Story, out: &mut Vec<Finding>) {
    let cfg = &ctx.s.config;
    if story.kind == Kind::Epic || story.status.is_empty() {
        return;
    }
    let by_status = cfg.ready.statuses.contains(&story.status);
    let by_sprint = story.sprint.is_some() && ctx.is_open(story);
    if !by_status && !by_sprint {
        return;
    }
    let mut gaps = Vec::new();
    for req in &cfg.ready.require {
        match req.as_str() {
            "estimate" if story.estimate.is_none() => gaps.push("no `estimate`".to_string()),
            "estimate" => {}
            "acceptance_criteria" if story.criteria.is_empty() => gaps.push(
                "no acceptance criteria (a list under an `## Acceptance criteria` heading)".into(),
            ),
            "acceptance_criteria" => {}
            "statement" if story.kind == Kind::Story => match &story.statement {
                None => gaps.push("no story statement (\"As a …, I want …, so that …\")".into()),
                Some(st) if !st.is_complete() => {
                    let part = if st.role.is_empty() {
                        "who it is for (As a …)"
                    } else if st.means.is_empty() {
                        "what is wanted (I want …)"
                    } else {
                        "why (so that …)"
                    };
                    gaps.push(format!(
                        "the story statement on line {} lacks {part}",
                        st.line
                    ));
                }
                Some(_) => {}
            },
            "statement" => {}
            field => {
                if story.layout.get(field).is_none() {
                    gaps.push(format!("no `{field}`"));
                }
            }
        }
    }
    if gaps.is_empty() {
        return;
    }
    let (field, why) = if by_status {
        ("status", format!("is `{}`", story.status))
    } else {
        (
            "sprint",
            format!(
                "is planned into sprint `{}`",
                story.sprint.as_deref().unwrap_or("")
            ),
        )
    };
    out.push(
        story
            .finding_at(
                field,
                Rule::NotReady,
                format!(
                    "`{}` {why} but does not meet the Definition of Ready: {}",
                    story.id,
                    gaps.join("; ")
                ),
            )
            .help("complete the story, or move it back to an earlier status"),
    );
}

fn rank_rules(ctx: &Context, out: &mut Vec<Finding>) {
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
            None if story.layout.get("rank").is_some() => {}
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

/// Tarjan's strongly connected components over `depends_on`; every component
/// with a cycle is reported once, at its smallest id, with the cycle spelt out.
fn dependency_cycles(ctx: &Context, out: &mut Vec<Finding>) {
    let stories: Vec<&Story> = {
        // One story per id (duplicates are reported elsewhere).
        let mut v: Vec<&Story> = ctx
            .s
            .stories
            .iter()
            .filter(|x| {
                ctx.s
                    .story(x.id.as_str())
                    .is_some_and(|f| std::ptr::eq(f, *x))
            })
            .collect();
        v.sort_by(|a, b| a.id.cmp(&b.id));
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
fn cycle_through(start: usize, edges: &[Vec<usize>], members: &HashSet<usize>) -> Vec<usize> {
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
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
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

/// Sprints are a time box of one team: they follow each other without overlap.
fn sprint_overlaps(ctx: &Context, out: &mut Vec<Finding>) {
    let mut dated: Vec<&crate::model::Sprint> = ctx
        .s
        .sprints
        .iter()
        .filter(|s| matches!((s.start, s.end), (Some(a), Some(b)) if a <= b))
        .collect();
    dated.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    for pair in dated.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        if let (Some(prev_end), Some(next_start)) = (prev.end, next.start) {
            if next_start <= prev_end {
                out.push(
                    next.finding_at(
                        "start",
                        Rule::SprintDates,
                        format!("sprint `{}` starts on {next_start}, before sprint `{}` ends on {prev_end}", next.id, prev.id),
                    )
                    .help("start the sprint after the previous one ends"),
                );
            }
        }
    }
}

fn sprint_rules(ctx: &Context, out: &mut Vec<Finding>) {
    sprint_overlaps(ctx, out);
    let cfg = &ctx.s.config;
    let mut seen: HashMap<&str, &crate::model::Sprint> = HashMap::new();
    for sprint in &ctx.s.sprints {
        let stem = sprint
            .doc
            .path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        if stem != sprint.id {
            out.push(
                sprint
                    .finding_at(
                        "id",
                        Rule::IdFileMismatch,
                        format!(
                            "sprint id `{}` does not match the file name `{stem}.md`",
                            sprint.id
                        ),
                    )
                    .help(format!(
                        "name the file `{}.md`, or correct the id",
                        sprint.id
                    )),
            );
        }
        if let Some(first) = seen.get(sprint.id.as_str()) {
            out.push(
                sprint
                    .finding_at(
                        "id",
                        Rule::DuplicateId,
                        format!(
                            "sprint id `{}` is also used by {}",
                            sprint.id,
                            first.doc.path.display()
                        ),
                    )
                    .help("give each sprint its own id")
                    .related(first.id_location(), "the first sprint with this id"),
            );
        } else {
            seen.insert(&sprint.id, sprint);
        }
        if let (Some(start), Some(end)) = (sprint.start, sprint.end) {
            if end < start {
                out.push(
                    sprint
                        .finding_at(
                            "end",
                            Rule::SprintDates,
                            format!("sprint ends on {end}, before it starts on {start}"),
                        )
                        .help("swap or correct the dates"),
                );
            }
        }
        if let Some(capacity) = sprint.capacity {
            let points = ctx.s.planned_points(&sprint.id);
            if points > capacity + 1e-9 {
                out.push(
                    sprint
                        .finding_at("capacity", Rule::OverCapacity, format!("sprint `{}` plans {} points, over its capacity of {}", sprint.id, fmt_num(points), fmt_num(capacity)))
                        .help("move stories out of the sprint (`sprint:` field), or raise the capacity if the team agreed to"),
                );
            }
        }
        let Some(review) = &sprint.review else {
            continue;
        };
        for d in &review.decisions {
            let Some(story) = ctx.s.story(d.story.as_str()) else {
                if ctx.dangling(&d.story) {
                    out.push(
                        sprint
                            .finding_at(
                                &format!("{}.story", d.path),
                                Rule::UnresolvedReference,
                                format!("decision names `{}`, which does not exist", d.story),
                            )
                            .help("correct the story id"),
                    );
                }
                continue;
            };
            let in_sprint = story.sprint.as_deref() == Some(sprint.id.as_str());
            let carried_on =
                d.decision == DecisionKind::Rejected && carried_on_after(ctx, story, sprint);
            if !in_sprint && !carried_on {
                let now = match &story.sprint {
                    Some(s) => format!("its `sprint:` is `{s}`"),
                    None => "it has no `sprint:`".into(),
                };
                out.push(
                    sprint
                        .finding_at(
                            &format!("{}.story", d.path),
                            Rule::DecisionNotInSprint,
                            format!(
                                "decision on `{}`, which is not in sprint `{}` ({now})",
                                d.story, sprint.id
                            ),
                        )
                        .help(format!(
                            "set `sprint: {}` in {}, or record the decision in the right sprint",
                            sprint.id,
                            story.doc.path.display()
                        )),
                );
            }
            if d.decision == DecisionKind::Accepted && !cfg.is_done(&story.status) {
                out.push(
                    sprint
                        .finding_at(
                            &format!("{}.decision", d.path),
                            Rule::AcceptedNotDone,
                            format!(
                                "`{}` was accepted but its status is `{}`",
                                d.story, story.status
                            ),
                        )
                        .help(format!(
                            "set `status:` to {} in {}, or record the decision as `rejected`",
                            cfg.done.join(" or "),
                            story.doc.path.display()
                        )),
                );
            }
            if let Some(f) = &d.follow_up {
                if ctx.dangling(f) {
                    out.push(
                        sprint
                            .finding_at(
                                &format!("{}.follow_up", d.path),
                                Rule::UnresolvedReference,
                                format!("follow-up story `{f}` does not exist"),
                            )
                            .help("create the follow-up story first, then name its id"),
                    );
                }
            }
        }
        for fb in &review.feedback {
            if let Some(s) = &fb.story {
                if ctx.dangling(s) {
                    out.push(
                        sprint
                            .finding_at(
                                &format!("{}.story", fb.path),
                                Rule::UnresolvedReference,
                                format!("feedback names story `{s}`, which does not exist"),
                            )
                            .help("create the story first, then name its id"),
                    );
                }
            }
        }
    }
}

/// A rejected story goes back to the backlog: it may since have no sprint or
/// a later one.
fn carried_on_after(ctx: &Context, story: &Story, sprint: &crate::model::Sprint) -> bool {
    match &story.sprint {
        None => true,
        Some(id) => match (ctx.s.sprint(id).and_then(|s| s.start), sprint.start) {
            (Some(later), Some(this)) => later > this,
            _ => false,
        },
    }
}

fn wip_limits(ctx: &Context, out: &mut Vec<Finding>) {
    let cfg = &ctx.s.config;
    let Some(doc) = &cfg.doc else { return };
    for (status, limit) in &cfg.wip_limits {
        let mut ids: Vec<&StoryId> = ctx
            .s
            .stories
            .iter()
            .filter(|s| &s.status == status)
            .map(|s| &s.id)
            .collect();
        if ids.len() > *limit as usize {
            ids.sort();
            let list: Vec<&str> = ids.iter().map(|i| i.as_str()).collect();
            out.push(
                crate::model::finding_at(
                    doc,
                    &cfg.layout,
                    &format!("wip_limits.{status}"),
                    Rule::WipLimit,
                    format!(
                        "{} stories are `{status}`, over the WIP limit of {limit}: {}",
                        ids.len(),
                        list.join(", ")
                    ),
                )
                .help("finish work before starting more, or raise the limit if the team agreed to"),
            );
        }
    }
}

/// The rules that need the base revision (`check --since BASE`): they compare
/// what was recorded in `base` with the working `new` snapshot. `today`
/// decides which sprint is running.
fn since(base: &Snapshot, new: &Snapshot, today: crate::model::date::Date) -> Vec<Finding> {
    let mut out = Vec::new();

    // B080: decisions are append-only.
    for old_sprint in &base.sprints {
        let Some(new_sprint) = new.sprint(&old_sprint.id) else {
            continue;
        };
        let old = old_sprint
            .review
            .as_ref()
            .map(crate::model::Review::decision_keys)
            .unwrap_or_default();
        let new_keys = new_sprint
            .review
            .as_ref()
            .map(crate::model::Review::decision_keys)
            .unwrap_or_default();
        let decisions = new_sprint
            .review
            .as_ref()
            .map(|r| r.decisions.as_slice())
            .unwrap_or_default();
        let amended = |story: &str| {
            decisions
                .iter()
                .any(|d| d.story.as_str() == story && d.amends.is_some())
        };
        for (k, (decision, note)) in &old {
            let now = new_keys.iter().position(|(nk, _)| nk == k);
            let what = match now.map(|i| &new_keys[i].1) {
                None => format!("was deleted (it was `{decision}`)"),
                Some((d, _)) if d != decision => format!("was changed from `{decision}` to `{d}`"),
                Some((_, n)) if n != note => format!(
                    "had its note changed from \"{}\" to \"{}\"",
                    note.as_deref().unwrap_or(""),
                    n.as_deref().unwrap_or("")
                ),
                Some(_) => continue,
            };
            if amended(&k.0) {
                continue;
            }
            // decision_keys keeps the order of the decisions list.
            let at = now.map_or("review.decisions".to_string(), |i| {
                decisions[i].path.clone()
            });
            out.push(
                new_sprint
                    .finding_at(&at, Rule::DecisionRewritten, format!("the review decision on `{}` in `{}` {what}; recorded decisions are append-only", k.0, new_sprint.id))
                    .help(format!("restore it, and record the correction as a new entry with a reason: `- {{ story: {}, decision: …, amends: <why> }}`", k.0)),
            );
        }
    }

    for old_story in &base.stories {
        let new_story = new.story(old_story.id.as_str());
        match new_story {
            Some(s) => {
                // B081: reopened without a note.
                if base.config.is_done(&old_story.status)
                    && !new.config.is_done(&s.status)
                    && s.reopened.is_none()
                {
                    out.push(
                        s.finding_at("status", Rule::ReopenedWithoutNote, format!("`{}` was `{}` and is `{}` again without a note", s.id, old_story.status, s.status))
                            .help("add a line `reopened: <why>` so the audit trail says why finished work came back"),
                    );
                }
                // B084: the same id for a different story.
                let stem = |st: &Story| {
                    st.doc
                        .path
                        .file_stem()
                        .map(|x| x.to_string_lossy().into_owned())
                        .unwrap_or_default()
                };
                let other_created =
                    matches!((old_story.created, s.created), (Some(a), Some(b)) if a != b);
                let other_story = old_story.title != s.title && stem(old_story) != stem(s);
                if other_created || other_story {
                    out.push(
                        s.finding_at("id", Rule::IdReused, format!("id `{}` was \"{}\" in the base and is now \"{}\"", s.id, old_story.title, s.title))
                            .help("ids are identities in the audit trail: give the new story the next free id (`backlog new`)"),
                    );
                }
            }
            None => {
                // B082: removed from the running sprint.
                let sprint = old_story
                    .sprint
                    .as_deref()
                    .and_then(|id| new.sprint(id).or_else(|| base.sprint(id)));
                if let Some(sp) = sprint.filter(|sp| sp.is_running(today)) {
                    let target = new.sprint(&sp.id).unwrap_or(sp);
                    out.push(
                        target
                            .finding_at("id", Rule::RemovedFromRunningSprint, format!("`{}` (\"{}\") was deleted while it is planned into the running sprint `{}`", old_story.id, old_story.title, sp.id))
                            .help("take it out of the sprint at the review (`status: dropped` keeps the record), instead of deleting the file"),
                    );
                }
            }
        }
    }

    // B083: scope added to a running sprint beyond capacity.
    for sprint in new.sprints.iter().filter(|s| s.is_running(today)) {
        let (before, after) = (
            base.planned_points(&sprint.id),
            new.planned_points(&sprint.id),
        );
        if let Some(cap) = sprint.capacity {
            if after > before + 1e-9 && after > cap + 1e-9 {
                out.push(
                    sprint
                        .finding_at("capacity", Rule::RunningSprintOverCapacity, format!("scope added to the running sprint `{}`: {} -> {} points, over its capacity of {}", sprint.id, fmt_num(before), fmt_num(after), fmt_num(cap)))
                        .help("agree the change with the team and take other work out, or plan it into the next sprint"),
                );
            }
        }
    }
    out
}

/// Applies `rules:` levels and sorts, as [`check`] does for its own findings.
fn finish(config: &crate::model::Config, findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter_map(|mut f| match config.level(f.rule) {
            RuleLevel::Off => None,
            RuleLevel::On(sev) => {
                f.severity = sev;
                Some(f)
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.location, a.rule, &a.message).cmp(&(&b.location, b.rule, &b.message)));
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles_and_ignores_dags() {
        let edges = vec![vec![1], vec![2], vec![0], vec![0], vec![4]];
        let comps = strongly_connected(&edges);
        let mut big: Vec<Vec<usize>> = comps.into_iter().filter(|c| c.len() > 1).collect();
        big[0].sort();
        assert_eq!(big, vec![vec![0, 1, 2]]);
        let members: HashSet<usize> = [0, 1, 2].into();
        assert_eq!(cycle_through(0, &edges, &members), vec![0, 1, 2, 0]);
    }

    #[test]
    fn long_chains_do_not_overflow() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> = (0..n)
            .map(|i| if i + 1 < n { vec![i + 1] } else { vec![0] })
            .collect();
        let comps = strongly_connected(&edges);
        assert_eq!(comps.len(), 1);
    }
}
