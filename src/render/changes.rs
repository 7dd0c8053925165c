//! How a change reads in a log line, a diff or a Markdown table.

use crate::compare::changes::Change;
use crate::render::text::counted;

/// How a change reads in a log line.
pub fn describe(c: &Change) -> String {
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "none".into());
    let pos = |p: &Option<usize>| p.map_or("-".to_string(), |p| p.to_string());
    let quoted = |n: &Option<String>| n.as_ref().map(|n| format!(" ({n})")).unwrap_or_default();
    match c {
        Change::StoryAdded {
            title, position, ..
        } => format!(
            "added \"{title}\"{}",
            position
                .map(|p| format!(" at position {p}"))
                .unwrap_or_default()
        ),
        Change::StoryRemoved { title, .. } => format!("removed \"{title}\""),
        Change::StoryRenamed { from, to } => format!("file renamed {from} -> {to}"),
        Change::Rank {
            old,
            new,
            old_position,
            new_position,
        } => {
            format!(
                "rank {} -> {} (position {} -> {})",
                opt(old),
                opt(new),
                pos(old_position),
                pos(new_position)
            )
        }
        Change::Field { field, old, new } => format!("{field} {} -> {}", opt(old), opt(new)),
        Change::CriterionAdded { text } => format!("criterion added: {text}"),
        Change::CriterionRemoved { text } => format!("criterion removed: {text}"),
        Change::CriterionChecked {
            text,
            checked: true,
        } => format!("criterion checked: {text}"),
        Change::CriterionChecked {
            text,
            checked: false,
        } => format!("criterion unchecked: {text}"),
        Change::SprintCreated { goal } => format!("sprint created{}", quoted(goal)),
        Change::SprintRemoved => "sprint removed".into(),
        Change::SprintStarted {
            date,
            stories,
            points,
        } => format!(
            "sprint started{}: committed {points} points in {} ({})",
            date.as_ref()
                .map(|d| format!(" on {d}"))
                .unwrap_or_default(),
            counted(stories.len(), "story", "stories"),
            stories.join(", ")
        ),
        Change::SprintClosed {
            date,
            carried_over,
            to,
            goal_met,
        } => {
            let goal = match goal_met {
                Some(true) => "; goal met",
                Some(false) => "; goal not met",
                None => "",
            };
            let moved = if carried_over.is_empty() {
                String::new()
            } else {
                format!(
                    "; carried over {} into {}",
                    carried_over.join(", "),
                    to.as_deref().unwrap_or("the backlog")
                )
            };
            format!("sprint closed on {date}{goal}{moved}")
        }
        Change::DecisionRecorded {
            story,
            decision,
            note,
            amends,
        } => format!(
            "review decision: {story} {decision}{}{}",
            quoted(note),
            amends
                .as_ref()
                .map(|a| format!(" (amends: \"{a}\")"))
                .unwrap_or_default()
        ),
        Change::DecisionChanged {
            story,
            old_decision,
            old_note,
            decision,
            note,
        } => {
            format!(
                "review decision on {story} edited: {old_decision}{} -> {decision}{}",
                quoted(old_note),
                quoted(note)
            )
        }
        Change::DecisionRemoved {
            story,
            decision,
            note,
        } => format!(
            "review decision on {story} deleted: was {decision}{}",
            quoted(note)
        ),
        Change::FeedbackRecorded { from, note, story } => {
            format!(
                "feedback from {from}: {note}{}",
                story
                    .as_ref()
                    .map(|s| format!(" -> {s}"))
                    .unwrap_or_default()
            )
        }
        Change::FeedbackChanged {
            from,
            old_note,
            old_story,
            note,
            story,
        } => {
            let arrow =
                |s: &Option<String>| s.as_ref().map(|s| format!(" -> {s}")).unwrap_or_default();
            format!(
                "feedback from {from} edited: {old_note}{} => {note}{}",
                arrow(old_story),
                arrow(story)
            )
        }
        Change::FeedbackRemoved { from, note, story } => format!(
            "feedback from {from} deleted: was {note}{}",
            story
                .as_ref()
                .map(|s| format!(" -> {s}"))
                .unwrap_or_default()
        ),
        Change::ConfigChanged { setting, old, new } => format!("{setting}: {old} -> {new}"),
    }
}
