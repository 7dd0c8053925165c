//! `check`: every rule over a whole snapshot. Rules never stop at the first
//! problem; each finding names the file and line to fix.

use std::collections::HashSet;

mod dependencies;
mod quality;
mod ranks;
mod since;
mod sprints;
mod stories;

use dependencies::dependency_cycles;
use ranks::rank_rules;
use since::since;
use sprints::{committed_twice, sprint_rules};
pub use stories::readiness_gaps;
use stories::{story_rules, wip_limits};

use crate::model::diagnostic::Finding;
use crate::model::{RuleLevel, Snapshot, Story, StoryId};

/// What `check` found, in file and line order, with `rules:` overrides applied.
pub fn check(snapshot: &Snapshot) -> Vec<Finding> {
    finish(&snapshot.config, rules(snapshot, &|_| true))
}

/// [`check`] for an edit's guard on a snapshot with summarised stories
/// (`load::cache`): the rules on one story run only on the stories
/// `local` names (those read in full, and those that point at them); the
/// rules across stories (duplicate ids, rank ties, cycles, sprints and
/// their capacity, WIP limits) run on every story.
pub fn check_where(snapshot: &Snapshot, local: &(dyn Fn(&Story) -> bool + Sync)) -> Vec<Finding> {
    finish(&snapshot.config, rules(snapshot, local))
}

/// Whether a rule that reads every story's text (the wording rules) is an
/// error under `config`: an edit refused by such a rule must have read
/// every story, not summaries of them (`load::cache`).
pub fn reads_every_text(config: &crate::model::Config) -> bool {
    quality::text_rules()
        .any(|r| config.level(r) == RuleLevel::On(crate::model::diagnostic::Severity::Error))
}

/// Whether a rule across stories could see the change of one story from
/// `before` to `after`. Those rules read of a story its id, rank, kind,
/// links (epic, dependencies, conflicts) and sprint; its estimate when it
/// is in a sprint (capacity); whether its status is empty or done (rank
/// ties, a closed sprint's open stories, review decisions); its status
/// itself where a WIP limit counts it; and its statement (duplicate and
/// uniform wording). A change they cannot see changes no finding but the
/// story's own, which its own file and the backlog's settings and sprints
/// decide: then an edit's guard needs that story alone
/// (`cli::Context::open_story`). A property test holds this list to the
/// rules (`plan::guard`); `plan::guard::consulted` is its other side: the
/// stories such a rule consults about an edited one.
pub fn seen_across(config: &crate::model::Config, before: &Story, after: &Story) -> bool {
    fn status<'s>(config: &crate::model::Config, s: &'s Story) -> (bool, bool, Option<&'s str>) {
        let limited = config.wip_limits.iter().any(|(st, _)| st == &s.status);
        (
            config.is_done(&s.status),
            s.status.is_empty(),
            limited.then_some(s.status.as_str()),
        )
    }
    let estimate = |s: &Story| s.sprint.as_ref().map(|_| s.estimate.map(f64::to_bits));
    fn statement(s: &Story) -> Option<&str> {
        s.opening
            .and_then(|(start, end)| s.doc.text.get(start..end))
    }
    before.id != after.id
        || before.rank != after.rank
        || before.kind != after.kind
        || before.epic != after.epic
        || before.depends_on != after.depends_on
        || before.conflicts_with != after.conflicts_with
        || before.sprint != after.sprint
        || estimate(before) != estimate(after)
        || status(config, before) != status(config, after)
        || statement(before) != statement(after)
}

/// [`check`] plus the rules that depend on the day (`check` itself, where
/// `today` is known: a conflict waiting too long).
pub fn check_on(snapshot: &Snapshot, today: crate::model::date::Date) -> Vec<Finding> {
    let mut out = rules(snapshot, &|_| true);
    out.extend(dated(snapshot, today));
    finish(&snapshot.config, out)
}

/// [`check_on`] plus the rules that compare with `base` (`check --since`).
pub fn check_since(
    snapshot: &Snapshot,
    base: &Snapshot,
    today: crate::model::date::Date,
) -> Vec<Finding> {
    let mut out = rules(snapshot, &|_| true);
    out.extend(dated(snapshot, today));
    out.extend(since(base, snapshot, today));
    finish(&snapshot.config, out)
}

/// B067: conflicts unsettled for longer than `conflict_days`.
fn dated(s: &Snapshot, today: crate::model::date::Date) -> Vec<Finding> {
    let Some(limit) = s.config.conflict_days else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let decided = |id: &StoryId| {
        s.sprints
            .iter()
            .filter_map(|sp| sp.review.as_ref())
            .any(|r| r.decisions.iter().any(|d| &d.story == id))
    };
    for a in &s.stories {
        for (i, bid) in a.conflicts_with.iter().enumerate() {
            let Some(b) = s.story(bid.as_str()) else {
                continue;
            };
            let key = if a.id < b.id {
                (a.id.clone(), b.id.clone())
            } else {
                (b.id.clone(), a.id.clone())
            };
            if !seen.insert(key) {
                continue;
            }
            let settled = s.config.is_done(&a.status)
                || s.config.is_done(&b.status)
                || decided(&a.id)
                || decided(&b.id);
            let (Some(ca), Some(cb)) = (a.created, b.created) else {
                continue;
            };
            let since = ca.max(cb);
            let age = today.days() - since.days();
            if !settled && age > i64::from(limit) {
                out.push(
                    a.finding_at(
                        &format!("conflicts_with[{i}]"),
                        crate::model::diagnostic::Rule::ConflictUnsettled,
                        format!("`{}` and `{}` have been in conflict for {age} days (since {since}), longer than {limit}", a.id, b.id),
                    )
                    .help("settle it: record a decision at a review, or drop one side"),
                );
            }
        }
    }
    out
}

/// Every finding of the snapshot alone, before `rules:` levels apply; the
/// rules on one story only where `local` says.
fn rules(snapshot: &Snapshot, local: &(dyn Fn(&Story) -> bool + Sync)) -> Vec<Finding> {
    let mut out = snapshot.load_findings.clone();
    let ctx = Context::new(snapshot, local);
    // The rules side by side on both cores, in four groups (no rule reads
    // another's findings); their findings are then taken in the same order
    // as one after the other. Four, not two: in an edit's guard the quality
    // rules see one story, and the structural ones, one after the other on
    // one core, were the whole of its time.
    let rules_of = |rules: &[fn(&Context, &mut Vec<Finding>)]| {
        let mut out = Vec::new();
        for rule in rules {
            rule(&ctx, &mut out);
        }
        out
    };
    let ((stories, ranks), (links, quality)) = rayon::join(
        || rayon::join(|| rules_of(&[story_rules]), || rules_of(&[rank_rules])),
        || {
            rayon::join(
                || rules_of(&[dependency_cycles, sprint_rules, committed_twice]),
                || rules_of(&[quality::quality]),
            )
        },
    );
    for found in [stories, ranks, links, quality] {
        out.extend(found);
    }
    wip_limits(&ctx, &mut out);
    out
}

pub(crate) struct Context<'a> {
    pub(crate) s: &'a Snapshot,
    unreadable: HashSet<&'a str>,
    local: &'a (dyn Fn(&Story) -> bool + Sync),
}

impl<'a> Context<'a> {
    fn new(s: &'a Snapshot, local: &'a (dyn Fn(&Story) -> bool + Sync)) -> Context<'a> {
        Context {
            s,
            unreadable: s.unreadable_ids.iter().map(|i| i.as_str()).collect(),
            local,
        }
    }

    /// Whether the rules on one story run on `story`.
    pub(crate) fn is_local(&self, story: &Story) -> bool {
        (self.local)(story)
    }

    /// Whether a reference to `id` should be reported as dangling.
    pub(crate) fn dangling(&self, id: &StoryId) -> bool {
        self.s.story(id.as_str()).is_none() && !self.unreadable.contains(id.as_str())
    }

    pub(crate) fn is_open(&self, story: &Story) -> bool {
        !self.s.config.is_done(&story.status)
    }
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
    use super::dependencies::{cycle_through, strongly_connected};
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
