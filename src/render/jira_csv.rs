//! `export jira-csv`: the backlog as a CSV file for Jira's CSV importer
//! (System → External System Import → CSV). docs/import.md lists the
//! columns and how to map them in the importer's wizard.

use std::io::{self, Write};

use super::csv::line;
use crate::model::{fmt_num, Kind, Snapshot};
use crate::views::list::Row;

/// Jira's issue type for a kind.
pub fn issue_type(kind: &str) -> &'static str {
    match Kind::parse(kind) {
        Some(Kind::Epic) => "Epic",
        Some(Kind::Bug) => "Bug",
        Some(Kind::Story) | None => "Story",
        Some(Kind::Spike | Kind::Chore) => "Task",
    }
}

/// Jira's three status categories: done statuses are `Done`, statuses
/// named like "progress", "review", "doing" or "test" are `In Progress`,
/// the rest `To Do`.
pub fn jira_status(s: &Snapshot, status: &str) -> &'static str {
    let n = status.to_lowercase();
    if s.config.done.iter().any(|d| d == status) {
        "Done"
    } else if ["progress", "review", "doing", "test"]
        .iter()
        .any(|w| n.contains(w))
    {
        "In Progress"
    } else {
        "To Do"
    }
}

/// The number of an id (`S-42` → `42`), Jira's `Issue Id`; the id itself
/// where it has no number.
fn issue_id(id: &str) -> String {
    crate::model::StoryId::new(id)
        .parts()
        .map_or_else(|| id.to_string(), |(_, n)| n.to_string())
}

/// Writes `rows` (in rank order) as Jira CSV.
pub fn render(w: &mut dyn Write, s: &Snapshot, rows: &[Row]) -> io::Result<()> {
    let labels = rows
        .iter()
        .map(|r| r.labels.len())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut header = vec![
        "Issue Id",
        "Parent Id",
        "Issue Type",
        "Summary",
        "Status",
        "Story Points",
        "Created",
    ];
    header.extend(std::iter::repeat_n("Labels", labels));
    header.push("Description");
    write!(w, "{}", line(&header))?;
    for r in rows {
        let body = s
            .story(r.id)
            .and_then(|st| crate::syntax::document::split(&st.doc.text).ok())
            .map(|fm| fm.body.trim().to_string())
            .unwrap_or_default();
        let created = s
            .story(r.id)
            .and_then(|st| st.created)
            .map(|d| d.to_string())
            .unwrap_or_default();
        let mut cells = vec![
            issue_id(r.id),
            r.epic.map(issue_id).unwrap_or_default(),
            issue_type(r.kind).to_string(),
            r.title.to_string(),
            jira_status(s, r.status).to_string(),
            r.estimate.map(fmt_num).unwrap_or_default(),
            created,
        ];
        for i in 0..labels {
            // Jira labels are one word.
            cells.push(
                r.labels
                    .get(i)
                    .map(|l| l.split_whitespace().collect::<Vec<_>>().join("_"))
                    .unwrap_or_default(),
            );
        }
        cells.push(body);
        write!(w, "{}", line(&cells))?;
    }
    Ok(())
}
