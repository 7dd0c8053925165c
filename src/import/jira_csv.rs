//! Reading Jira's "Export CSV (all fields)": one row per issue, repeated
//! column names (`Sprint`, `Labels`, `Watchers` …) read as lists, wiki
//! markup in descriptions turned into Markdown.

use std::collections::HashMap;
use std::path::Path;

use super::{one_line, wiki, Level, Problem, Source, Task};
use crate::model::date::Date;
use crate::model::score::parse_points;
use crate::model::Kind;

/// Columns tried for story points when none is named, in order.
pub const POINTS_COLUMNS: &[&str] = &[
    "Custom field (Story Points)",
    "Custom field (Story point estimate)",
    "Story Points",
    "Story point estimate",
];

/// The columns of the header, by name: every index a name appears at.
struct Columns(HashMap<String, Vec<usize>>);

impl Columns {
    fn all<'r>(&self, name: &str, row: &'r [String]) -> Vec<&'r str> {
        self.0
            .get(&name.to_lowercase())
            .map(|ix| {
                ix.iter()
                    .filter_map(|&i| row.get(i))
                    .map(|v| v.trim())
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    fn first<'r>(&self, name: &str, row: &'r [String]) -> Option<&'r str> {
        self.all(name, row).into_iter().next()
    }

    fn has(&self, name: &str) -> bool {
        self.0.contains_key(&name.to_lowercase())
    }
}

/// Jira's issue types as kinds; others become stories (the type is kept).
fn kind_of(issue_type: &str) -> Option<Kind> {
    match super::normal(issue_type).as_str() {
        "epic" => Some(Kind::Epic),
        "story" | "userstory" => Some(Kind::Story),
        "bug" | "defect" => Some(Kind::Bug),
        "task" | "subtask" | "technicaltask" | "chore" => Some(Kind::Chore),
        "spike" | "research" => Some(Kind::Spike),
        _ => None,
    }
}

/// Reads an export; `display` names the file in problems.
pub fn read(bytes: &[u8], display: &Path, points_columns: &[String]) -> Source {
    let mut src = Source {
        format: "jira",
        ..Source::default()
    };
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            src.problems.push(csv_problem(display, &e));
            return src;
        }
        None => {
            src.problems.push(
                Problem::new(Level::Refused, display, "is empty: no header row")
                    .help("export again with Export → Export CSV (all fields)"),
            );
            return src;
        }
    };
    let mut columns: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(name).trim().to_lowercase();
        columns.entry(name).or_default().push(i);
    }
    let columns = Columns(columns);
    for needed in ["Issue key", "Summary"] {
        if !columns.has(needed) {
            src.problems.push(
                Problem::new(
                    Level::Refused,
                    display,
                    format!("has no `{needed}` column, so no row can be imported"),
                )
                .at(1, 1)
                .help("export with Export → Export CSV (all fields), which has it"),
            );
            return src;
        }
    }
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for r in records {
        match r {
            Ok(rec) => {
                let line = rec.position().map_or(0, |p| line_at(bytes, p.byte()));
                let mut lossy = false;
                let row = rec
                    .iter()
                    .map(|c| match std::str::from_utf8(c) {
                        Ok(s) => s.to_string(),
                        Err(_) => {
                            lossy = true;
                            String::from_utf8_lossy(c).into_owned()
                        }
                    })
                    .collect();
                if lossy {
                    src.problems.push(
                        Problem::new(
                            Level::Warning,
                            display,
                            "a cell is not UTF-8; unreadable bytes became \u{fffd}",
                        )
                        .at(line, 1),
                    );
                }
                rows.push((line, row));
            }
            Err(e) => src.problems.push(csv_problem(display, &e)),
        }
    }
    // `Parent` holds the parent's issue id (a number) in newer exports.
    let key_of_id: HashMap<String, String> = rows
        .iter()
        .filter_map(|(_, r)| {
            Some((
                columns.first("Issue id", r)?.to_string(),
                columns.first("Issue key", r)?.to_uppercase(),
            ))
        })
        .collect();
    // Older exports link an epic only by its summary (`Parent summary`).
    let key_of_summary: HashMap<String, String> = rows
        .iter()
        .filter_map(|(_, r)| {
            Some((
                columns.first("Summary", r)?.to_string(),
                columns.first("Issue key", r)?.to_uppercase(),
            ))
        })
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (line, row) in &rows {
        let (line, row) = (*line, row.as_slice());
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let refuse = |m: String| Problem::new(Level::Refused, display, m).at(line, 1);
        let Some(key) = columns.first("Issue key", row).map(str::to_uppercase) else {
            src.problems.push(
                refuse("a row without an `Issue key`".into())
                    .help("every exported issue has a key; was the file edited?"),
            );
            continue;
        };
        if let Some(first) = seen.get(&key) {
            src.problems.push(
                refuse(format!(
                    "{key} is on line {first} already; this row is left out"
                ))
                .help("remove the repeated row, or export again"),
            );
            continue;
        }
        seen.insert(key.clone(), line);
        let title = one_line(columns.first("Summary", row).unwrap_or(""));
        if title.is_empty() {
            src.problems.push(
                refuse(format!("{key} has no Summary"))
                    .help("give the issue a summary in Jira, then export again"),
            );
            continue;
        }
        let issue_type = columns.first("Issue Type", row).unwrap_or("");
        let kind = kind_of(issue_type);
        let mut extra = Vec::new();
        if kind.is_none() && !issue_type.is_empty() {
            extra.push(("x-issue-type".to_string(), vec![issue_type.to_string()]));
        }
        let mut estimate = None;
        for col in points_columns {
            if let Some(v) = columns.first(col, row) {
                match parse_points(v) {
                    Some(p) => estimate = Some(p),
                    None => src.problems.push(
                        Problem::new(
                            Level::Warning,
                            display,
                            format!("{key}: `{col}` is `{v}`, not a number of points; left out"),
                        )
                        .at(line, 1),
                    ),
                }
                break;
            }
        }
        let parent = columns
            .first("Parent", row)
            .or_else(|| columns.first("Parent id", row))
            .map(|p| {
                key_of_id
                    .get(p)
                    .cloned()
                    .unwrap_or_else(|| p.to_uppercase())
            })
            .or_else(|| {
                columns
                    .first("Custom field (Epic Link)", row)
                    .or_else(|| columns.first("Epic Link", row))
                    .map(str::to_uppercase)
            })
            .or_else(|| {
                columns
                    .first("Parent summary", row)
                    .and_then(|p| key_of_summary.get(p).cloned())
            });
        for (col, field) in [
            ("Sprint", "x-sprint"),
            ("Assignee", "x-assignee"),
            ("Reporter", "x-reporter"),
            ("Fix versions", "x-fix-versions"),
            ("Fix Version/s", "x-fix-versions"),
        ] {
            let v: Vec<String> = columns.all(col, row).iter().map(|s| one_line(s)).collect();
            if !v.is_empty() {
                extra.push((field.to_string(), v));
            }
        }
        let created_text = columns.first("Created", row);
        let created = created_text.and_then(date);
        if let (Some(t), None) = (created_text, created) {
            src.problems.push(
                Problem::new(
                    Level::Warning,
                    display,
                    format!("{key}: Created `{t}` is no date this importer reads; left out"),
                )
                .at(line, 1),
            );
        }
        let mut body = columns
            .first("Description", row)
            .map(wiki::to_markdown)
            .unwrap_or_default();
        for col in ["Custom field (Acceptance Criteria)", "Acceptance Criteria"] {
            if let Some(ac) = columns.first(col, row) {
                body.push_str(&format!(
                    "\n\n## Acceptance criteria\n\n{}",
                    wiki::to_markdown(ac)
                ));
                break;
            }
        }
        let labels = columns
            .all("Labels", row)
            .iter()
            .flat_map(|l| l.split_whitespace())
            .map(str::to_string)
            .collect();
        let depends_on = columns
            .all("Inward issue link (Blocks)", row)
            .iter()
            .map(|k| k.to_uppercase())
            .collect();
        src.tasks.push(Task {
            origin: key,
            file: display.to_path_buf(),
            line,
            title,
            kind,
            status: columns.first("Status", row).unwrap_or("").to_string(),
            priority: columns.first("Priority", row).map(str::to_string),
            ordinal: None,
            labels,
            depends_on,
            parent,
            goal: None,
            estimate,
            created,
            extra,
            body,
        });
    }
    src
}

/// The 1-based line of the record at byte `at` (which may point at the
/// line ending before it).
fn line_at(bytes: &[u8], at: u64) -> usize {
    let mut at = usize::try_from(at).unwrap_or(usize::MAX).min(bytes.len());
    while bytes.get(at).is_some_and(|b| *b == b'\r' || *b == b'\n') {
        at += 1;
    }
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn csv_problem(display: &Path, e: &csv::Error) -> Problem {
    let line = e.position().map_or(1, |p| p.line() as usize);
    Problem::new(
        Level::Refused,
        display,
        format!("this row does not read as CSV: {e}"),
    )
    .at(line, 1)
    .help("the rest of the file was read; export again if rows are missing")
}

/// Jira's date formats: `27/Jan/25 1:58 PM`, `2025-01-27 13:58`,
/// `5/9/2025 18:57` (month first unless the first number is over 12).
pub fn date(text: &str) -> Option<Date> {
    let t = text.split_whitespace().next()?;
    if let Some(d) = t.get(..10).and_then(Date::parse) {
        return Some(d);
    }
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let year = |y: &str| -> Option<i32> {
        let n: i32 = y.parse().ok()?;
        Some(if y.len() == 2 { 2000 + n } else { n })
    };
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month_name = |m: &str| {
        let l = m.to_lowercase();
        MONTHS
            .iter()
            .position(|x| l.starts_with(x))
            .map(|p| p as u32 + 1)
    };
    let (y, m, d) = if let Some(m) = month_name(b) {
        (year(c)?, m, a.parse::<u32>().ok()?)
    } else {
        let (x, z): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
        if x > 12 {
            (year(c)?, z, x)
        } else {
            (year(c)?, x, z)
        }
    };
    Date::parse(&format!("{y:04}-{m:02}-{d:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = |t: &str| date(t).map(|d| d.to_string());
        assert_eq!(d("27/Jan/25 1:58 PM").as_deref(), Some("2025-01-27"));
        assert_eq!(d("5/9/2025 18:57").as_deref(), Some("2025-05-09"));
        assert_eq!(d("25/9/2025 18:57").as_deref(), Some("2025-09-25"));
        assert_eq!(d("2025-01-27T10:00:00").as_deref(), Some("2025-01-27"));
        assert_eq!(d("yesterday"), None);
        assert_eq!(d("31/Feb/25"), None);
    }
}
