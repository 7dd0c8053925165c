//! The rules that need the base revision (`check --since`): decisions are
//! append-only, a reopened story says why, an id is not reused.

use crate::model::diagnostic::{Finding, Rule};
use crate::model::{fmt_num, Snapshot, Story};

/// The rules that need the base revision (`check --since BASE`): they compare
/// what was recorded in `base` with the working `new` snapshot. `today`
/// decides which sprint is running.
pub(super) fn since(
    base: &Snapshot,
    new: &Snapshot,
    today: crate::model::date::Date,
) -> Vec<Finding> {
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
        let before = old_sprint
            .review
            .as_ref()
            .map(|r| r.decisions.as_slice())
            .unwrap_or_default();
        for (j, (k, (decision, note))) in old.iter().enumerate() {
            let now = new_keys.iter().position(|(nk, _)| nk == k);
            // A note reworded in place is a correction when that entry now
            // says why (`amends:` added or changed with it); a decision
            // deleted or turned is never one, whatever another entry says.
            let says_why = now.is_some_and(|i| {
                let why = &decisions[i].amends;
                why.is_some() && before.get(j).is_none_or(|b| b.amends != *why)
            });
            let what = match now.map(|i| &new_keys[i].1) {
                None => format!("was deleted (it was `{decision}`)"),
                Some((d, _)) if d != decision => format!("was changed from `{decision}` to `{d}`"),
                Some((_, n)) if n != note && says_why => continue,
                Some((_, n)) if n != note => format!(
                    "had its note changed from \"{}\" to \"{}\"",
                    note.as_deref().unwrap_or(""),
                    n.as_deref().unwrap_or("")
                ),
                Some(_) => continue,
            };
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

    // B080 for feedback too: an item may gain the story it became, but is
    // never deleted or reworded.
    for old_sprint in &base.sprints {
        let Some(new_sprint) = new.sprint(&old_sprint.id) else {
            continue;
        };
        let keys = |s: &crate::model::Sprint| {
            s.review
                .as_ref()
                .map(crate::model::Review::feedback_keys)
                .unwrap_or_default()
        };
        let (old, now) = (keys(old_sprint), keys(new_sprint));
        for ((from, n), (note, _)) in &old {
            let what = match now.iter().find(|(k, _)| k.0 == *from && k.1 == *n) {
                None => "was deleted",
                Some((_, (new_note, _))) if new_note != note => "was reworded",
                Some(_) => continue,
            };
            out.push(
                new_sprint
                    .finding_at("review.feedback", Rule::DecisionRewritten, format!("the feedback from {from} in `{}` (\"{note}\") {what}; recorded feedback is append-only", new_sprint.id))
                    .help("restore it; to act on it, add `story: <id>` to the item, or record new feedback"),
            );
        }
    }

    // B085: a commitment is recorded once.
    for old_sprint in &base.sprints {
        let (Some(old), Some(new_sprint)) = (&old_sprint.commitment, new.sprint(&old_sprint.id))
        else {
            continue;
        };
        if new_sprint.commitment.as_ref() != Some(old) {
            let what = if new_sprint.commitment.is_none() {
                "was removed"
            } else {
                "was changed"
            };
            out.push(
                new_sprint
                    .finding_at("commitment", Rule::CommitmentRewritten, format!("the commitment of `{}` {what}; it is recorded once, at the start", new_sprint.id))
                    .help("restore it; scope changes show in `backlog sprint show` as added and removed stories"),
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
