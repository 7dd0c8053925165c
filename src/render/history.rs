//! `log`, `blame` and `decisions` output: text, Markdown and JSON of the
//! same rows (views/history.rs).

use std::io::{self, Write};

use super::Format;

use serde::Serialize;

use super::changes::describe;
use super::markdown::escape;
use super::text::{truncate, width_of};
use crate::compare::changes::Change;
use crate::history::{Event, History, Subject};
use crate::views::history::{date_of, subject_name, BlameLine, DecisionEntry};

#[derive(Serialize)]
struct JsonEvent<'a> {
    commit: String,
    date: String,
    author: &'a str,
    email: &'a str,
    summary: &'a str,
    subject: &'a Subject,
    change: &'a Change,
}

/// `log`: events grouped under their commit.
pub fn log(
    w: &mut dyn Write,
    history: &History,
    events: &[&Event],
    format: Format,
) -> io::Result<()> {
    match format {
        Format::Json => {
            let rows: Vec<JsonEvent> = events
                .iter()
                .map(|e| {
                    let c = &history.commits[e.commit];
                    JsonEvent {
                        commit: c.id.to_string(),
                        date: date_of(c).to_string(),
                        author: &c.author,
                        email: &c.email,
                        summary: &c.summary,
                        subject: &e.subject,
                        change: &e.change,
                    }
                })
                .collect();
            super::json::rows(w, &rows)
        }
        Format::Md => {
            writeln!(w, "| Commit | Date | Author | Item | Change | Message |")?;
            writeln!(w, "| --- | --- | --- | --- | --- | --- |")?;
            for e in events {
                let c = &history.commits[e.commit];
                writeln!(
                    w,
                    "| `{}` | {} | {} | {} | {} | {} |",
                    c.id.short(),
                    date_of(c),
                    escape(&c.author),
                    escape(&subject_name(&e.subject)),
                    escape(&describe(&e.change)),
                    escape(&c.summary)
                )?;
            }
            Ok(())
        }
        Format::Text => {
            if events.is_empty() {
                writeln!(w, "no changes match")?;
            }
            let mut last = None;
            for e in events {
                if last != Some(e.commit) {
                    if last.is_some() {
                        writeln!(w)?;
                    }
                    let c = &history.commits[e.commit];
                    writeln!(
                        w,
                        "{}  {}  {}  {}",
                        c.id.short(),
                        date_of(c),
                        c.author,
                        c.summary
                    )?;
                    last = Some(e.commit);
                }
                writeln!(
                    w,
                    "    {:<9} {}",
                    subject_name(&e.subject),
                    describe(&e.change)
                )?;
            }
            Ok(())
        }
    }
}

/// `blame`: one line per field.
pub fn blame(w: &mut dyn Write, lines: &[BlameLine], format: Format) -> io::Result<()> {
    match format {
        Format::Json => super::json::value(w, &lines),
        Format::Md => {
            writeln!(w, "| Field | Value | Commit | Date | Author | Message |")?;
            writeln!(w, "| --- | --- | --- | --- | --- | --- |")?;
            for l in lines {
                writeln!(
                    w,
                    "| {} | {} | `{}` | {} | {} | {} |",
                    l.field,
                    escape(&l.value),
                    l.commit,
                    l.date,
                    escape(l.author),
                    escape(l.summary)
                )?;
            }
            Ok(())
        }
        Format::Text => {
            const MAX_VALUE: usize = 40;
            let values: Vec<String> = lines
                .iter()
                .map(|l| truncate(&l.value, MAX_VALUE))
                .collect();
            let width = values.iter().map(|v| width_of(v)).max().unwrap_or(0);
            for (l, v) in lines.iter().zip(&values) {
                let pad = " ".repeat(width - width_of(v));
                writeln!(
                    w,
                    "{:<12} {v}{pad}  {}  {}  {}  {}",
                    l.field, l.commit, l.date, l.author, l.summary
                )?;
            }
            Ok(())
        }
    }
}

/// `decisions`: grouped by sprint, amended ones marked.
pub fn decisions(w: &mut dyn Write, entries: &[DecisionEntry], format: Format) -> io::Result<()> {
    match format {
        Format::Json => super::json::value(w, &entries),
        Format::Md => {
            writeln!(w, "| Sprint | Decision | Commit | Date | Author |")?;
            writeln!(w, "| --- | --- | --- | --- | --- |")?;
            for e in entries {
                let mark = if e.amended { " (amended)" } else { "" };
                writeln!(
                    w,
                    "| {} | {}{mark} | `{}` | {} | {} |",
                    escape(&e.sprint),
                    escape(&describe(e.what)),
                    e.commit,
                    e.date,
                    escape(e.author)
                )?;
            }
            Ok(())
        }
        Format::Text => {
            if entries.is_empty() {
                writeln!(w, "no review decisions recorded")?;
            }
            let mut sprints: Vec<&str> = entries.iter().map(|e| e.sprint.as_str()).collect();
            sprints.sort();
            sprints.dedup();
            for (n, sprint) in sprints.iter().enumerate() {
                if n > 0 {
                    writeln!(w)?;
                }
                writeln!(w, "{sprint}")?;
                for e in entries.iter().filter(|e| e.sprint == *sprint) {
                    let mark = if e.amended { "*" } else { " " };
                    writeln!(
                        w,
                        "  {mark} {}  {}  {}  {}",
                        describe(e.what),
                        e.commit,
                        e.date,
                        e.author
                    )?;
                }
            }
            if entries.iter().any(|e| e.amended) {
                writeln!(
                    w,
                    "\n* amended after it was first recorded: the lines above show every version"
                )?;
            }
            Ok(())
        }
    }
}
