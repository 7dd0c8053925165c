//! Rules on sprint files: dates, capacity, overlaps, review decisions.

use std::collections::HashMap;

use super::Context;
use crate::model::diagnostic::{Finding, Rule};
use crate::model::{fmt_num, DecisionKind, Story};

/// Sprints are a time box of one team: they follow each other without overlap.
pub(super) fn sprint_overlaps(ctx: &Context, out: &mut Vec<Finding>) {
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

/// B066: a story in the commitments of two sprints that overlap in time.
pub(super) fn committed_twice(ctx: &Context, out: &mut Vec<Finding>) {
    let committed: Vec<&crate::model::Sprint> = ctx
        .s
        .sprints
        .iter()
        .filter(|s| s.commitment.is_some() && s.start.is_some() && s.end.is_some())
        .collect();
    for (i, a) in committed.iter().enumerate() {
        for b in &committed[i + 1..] {
            let overlap = a.start <= b.end && b.start <= a.end;
            if !overlap {
                continue;
            }
            let (ca, cb) = (a.commitment.as_ref(), b.commitment.as_ref());
            for id in ca.map(|c| c.stories.as_slice()).unwrap_or_default() {
                if cb.is_some_and(|c| c.stories.contains(id)) {
                    out.push(
                        b.finding_at(
                            "commitment",
                            Rule::CommittedTwice,
                            format!("`{id}` is in the commitments of `{}` and `{}`, which overlap", a.id, b.id),
                        )
                        .help("a story is committed to one sprint at a time; fix the sprint dates or the earlier commitment"),
                    );
                }
            }
        }
    }
}

pub(super) fn sprint_rules(ctx: &Context, out: &mut Vec<Finding>) {
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
        if let Some(goal) = &sprint.goal {
            super::stories::control_characters(goal, out, |m| {
                sprint.finding_at("goal", Rule::ControlCharacter, m)
            });
        }
        // B065: a closed sprint keeps no unfinished story without a decision
        // (close carries them over; anything added later is scope after the end).
        if let Some(closed) = &sprint.closed {
            let decided = |id: &crate::model::StoryId| {
                sprint
                    .review
                    .as_ref()
                    .is_some_and(|r| r.decisions.iter().any(|d| &d.story == id))
            };
            for story in ctx.s.planned(&sprint.id) {
                if ctx.is_open(story) && !decided(&story.id) {
                    out.push(
                        story
                            .finding_at(
                                "sprint",
                                Rule::SprintClosed,
                                format!(
                                    "`{}` is unfinished in {}, which was closed on {}",
                                    story.id, sprint.id, closed.date
                                ),
                            )
                            .help("plan it into an open sprint, or back into the backlog (`sprint:` removed)"),
                    );
                }
            }
        }
        let Some(review) = &sprint.review else {
            continue;
        };
        for d in &review.decisions {
            for (key, text) in [("note", &d.note), ("amends", &d.amends)] {
                if let Some(text) = text {
                    super::stories::control_characters(text, out, |m| {
                        sprint.finding_at(&format!("{}.{key}", d.path), Rule::ControlCharacter, m)
                    });
                }
            }
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
            // A later entry on the same story (a correction) decides instead.
            let superseded = review
                .decisions
                .iter()
                .rev()
                .find(|x| x.story == d.story)
                .is_some_and(|last| !std::ptr::eq(last, d));
            let in_sprint = story.sprint.as_deref() == Some(sprint.id.as_str());
            let carried_on =
                d.decision == DecisionKind::Rejected && carried_on_after(ctx, story, sprint);
            // Whether the story was in the sprint is asked of the entry that
            // decides: an acceptance corrected to a rejection, then carried
            // over, was in it.
            if !in_sprint && !carried_on && !superseded {
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
            if d.decision == DecisionKind::Accepted && !superseded && !cfg.is_done(&story.status) {
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
                            "set `status:` to {} in {}; if the acceptance was a mistake, add a new entry `- {{ story: {}, decision: rejected, amends: <why> }}` (recorded decisions are never rewritten)",
                            cfg.done.join(" or "),
                            story.doc.path.display(),
                            d.story
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
            for (key, text) in [("from", &fb.from), ("note", &fb.note)] {
                super::stories::control_characters(text, out, |m| {
                    sprint.finding_at(&format!("{}.{key}", fb.path), Rule::ControlCharacter, m)
                });
            }
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
pub(super) fn carried_on_after(
    ctx: &Context,
    story: &Story,
    sprint: &crate::model::Sprint,
) -> bool {
    match &story.sprint {
        None => true,
        Some(id) => match (ctx.s.sprint(id).and_then(|s| s.start), sprint.start) {
            (Some(later), Some(this)) => later > this,
            _ => false,
        },
    }
}
