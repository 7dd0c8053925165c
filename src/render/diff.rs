//! Renderers of a [`Diff`]: text for a terminal (coloured when it is one),
//! Markdown for a pull-request comment, and JSON. All print the same data.

use std::io::{self, Write};

use crate::compare::changes::Change;
use crate::compare::diff::{signed, words_md, words_text, Diff};
use crate::model::fmt_num;
use crate::render::changes::describe;
use crate::render::markdown::escape as md;
use crate::render::text::{counted, Style};

/// `2 added, 1 removed, 3 moved (12 shifted), 4 changed`.
pub fn summary(d: &Diff) -> String {
    if d.is_empty() {
        return "no changes to the backlog".into();
    }
    let mut parts = Vec::new();
    if !d.added.is_empty() {
        parts.push(format!("{} added", d.added.len()));
    }
    if !d.removed.is_empty() {
        parts.push(format!("{} removed", d.removed.len()));
    }
    if !d.unreadable.is_empty() {
        parts.push(format!("{} could not be read", d.unreadable.len()));
    }
    if !d.moved.is_empty() {
        let shifted = if d.shifted > 0 {
            format!(
                " ({} other {} shifted)",
                d.shifted,
                if d.shifted == 1 { "story" } else { "stories" }
            )
        } else {
            String::new()
        };
        parts.push(format!("{} moved{shifted}", d.moved.len()));
    } else if d.shifted > 0 {
        parts.push(format!(
            "{} shifted",
            counted(d.shifted, "story", "stories")
        ));
    }
    if !d.changed.is_empty() {
        parts.push(format!(
            "{} changed",
            counted(d.changed.len(), "story", "stories")
        ));
    }
    if !d.scope.is_empty() {
        parts.push(format!(
            "{} re-scoped",
            counted(d.scope.len(), "sprint", "sprints")
        ));
    }
    let decisions = d
        .sprints
        .iter()
        .flat_map(|(_, c)| c)
        .filter(|c| {
            matches!(
                c,
                Change::DecisionRecorded { .. }
                    | Change::DecisionChanged { .. }
                    | Change::DecisionRemoved { .. }
            )
        })
        .count();
    if decisions > 0 {
        parts.push(counted(decisions, "review decision", "review decisions"));
    }
    if !d.config.is_empty() {
        parts.push(counted(
            d.config.len(),
            "setting changed",
            "settings changed",
        ));
    }
    parts.join(", ")
}

fn arrow(old: usize, new: usize) -> &'static str {
    match new.cmp(&old) {
        std::cmp::Ordering::Less => "up",
        std::cmp::Ordering::Greater => "down",
        std::cmp::Ordering::Equal => "same position: others moved too",
    }
}

/// Where a moved story now sits: `between S-16 and S-17`, `first, before S-2`.
fn between(m: &crate::compare::diff::Moved) -> String {
    match (&m.after, &m.before) {
        (Some(a), Some(b)) => format!("between {a} and {b}"),
        (None, Some(b)) => format!("first, before {b}"),
        (Some(a), None) => format!("last, after {a}"),
        (None, None) => String::new(),
    }
}

/// `2026-S23 (running): 24 -> 26 points (+2) of 30<over>; added S-31`.
fn scope_line(s: &crate::compare::diff::Scope, arrow: &str, over: &str) -> String {
    let running = if s.running { " (running)" } else { "" };
    let cap = s
        .capacity
        .map(|c| format!(" of {}", fmt_num(c)))
        .unwrap_or_default();
    let mut moves = Vec::new();
    if !s.added.is_empty() {
        moves.push(format!("added {}", s.added.join(", ")));
    }
    if !s.removed.is_empty() {
        moves.push(format!("removed {}", s.removed.join(", ")));
    }
    format!(
        "{}{running}: {} {arrow} {} points ({}){cap}{over}; {}",
        s.sprint,
        fmt_num(s.old_points),
        fmt_num(s.new_points),
        signed(s.new_points - s.old_points),
        moves.join("; ")
    )
}

pub fn text(w: &mut dyn Write, d: &Diff, st: Style) -> io::Result<()> {
    writeln!(
        w,
        "{}",
        st.bold(&format!(
            "backlog diff {}..{}: {}",
            d.base,
            d.head,
            summary(d)
        ))
    )?;
    if !d.base_findings.is_empty() {
        writeln!(
            w,
            "\nnote: {} in {} {} not parse and {} left out:",
            counted(d.base_findings.len(), "file", "files"),
            d.base,
            if d.base_findings.len() == 1 {
                "does"
            } else {
                "do"
            },
            if d.base_findings.len() == 1 {
                "is"
            } else {
                "are"
            }
        )?;
        for f in &d.base_findings {
            writeln!(
                w,
                "  {}:{}:{}: {}",
                f.location.path.display(),
                f.location.line,
                f.location.column,
                f.message
            )?;
        }
    }
    if !d.added.is_empty() {
        writeln!(w, "\nAdded")?;
        for a in &d.added {
            let pos = a
                .position
                .map(|p| format!("  (position {p})"))
                .unwrap_or_default();
            writeln!(
                w,
                "  {} {}  {}{pos}",
                st.green("+"),
                st.green(&a.id),
                a.title
            )?;
        }
    }
    if !d.removed.is_empty() {
        writeln!(w, "\nRemoved")?;
        for r in &d.removed {
            let pos = r
                .position
                .map(|p| format!("  (was position {p})"))
                .unwrap_or_default();
            writeln!(w, "  {} {}  {}{pos}", st.red("-"), st.red(&r.id), r.title)?;
        }
    }
    if !d.unreadable.is_empty() {
        writeln!(
            w,
            "\nCould not be read in {} (left as in {}; `backlog check` says why)",
            d.head, d.base
        )?;
        for r in &d.unreadable {
            writeln!(w, "  ? {}  {}", r.id, r.title)?;
        }
    }
    if !d.moved.is_empty() {
        writeln!(w, "\nMoved")?;
        for m in &d.moved {
            let between = format!("now {}", between(m));
            let rank = format!(
                "rank {} -> {}",
                m.old_rank.as_deref().unwrap_or("none"),
                m.new_rank.as_deref().unwrap_or("none")
            );
            writeln!(
                w,
                "  {}  {}  {} -> {} ({}), {rank}, {between}",
                st.yellow(&m.id),
                m.title,
                m.old_position,
                m.new_position,
                arrow(m.old_position, m.new_position)
            )?;
        }
    }
    if !d.changed.is_empty() {
        writeln!(w, "\nChanged")?;
        for c in &d.changed {
            writeln!(w, "  {}  {}", st.yellow(&c.id), c.title)?;
            for ch in &c.changes {
                writeln!(w, "      {}", describe(ch))?;
            }
            if let Some(s) = &c.statement {
                writeln!(w, "      statement: {}", words_text(s))?;
            }
        }
    }
    if !d.scope.is_empty() {
        writeln!(w, "\nSprint scope")?;
        for s in &d.scope {
            let over = if s.over_capacity {
                format!(", {}", st.red("over capacity"))
            } else {
                String::new()
            };
            writeln!(w, "  {}", scope_line(s, "->", &over))?;
        }
    }
    if !d.sprints.is_empty() {
        writeln!(w, "\nSprints and reviews")?;
        for (id, changes) in &d.sprints {
            for c in changes {
                writeln!(w, "  {id}  {}", describe(c))?;
            }
        }
    }
    if !d.config.is_empty() {
        writeln!(w, "\nConfiguration (backlog.yaml)")?;
        for c in &d.config {
            writeln!(w, "  {}", describe(c))?;
        }
    }
    Ok(())
}

/// Markdown made to be posted as a pull-request comment.
pub fn markdown(w: &mut dyn Write, d: &Diff) -> io::Result<()> {
    writeln!(w, "### Backlog changes\n")?;
    writeln!(
        w,
        "**{}** (`{}` → `{}`)",
        summary(d),
        md(&d.base),
        md(&d.head)
    )?;
    if !d.base_findings.is_empty() {
        writeln!(
            w,
            "\n> [!WARNING]\n> {} in `{}` could not be read and {} left out of the comparison.",
            counted(d.base_findings.len(), "file", "files"),
            md(&d.base),
            if d.base_findings.len() == 1 {
                "is"
            } else {
                "are"
            }
        )?;
    }
    if !d.moved.is_empty() {
        writeln!(
            w,
            "\n| Moved | Position | Now between |\n| --- | ---: | --- |"
        )?;
        for m in &d.moved {
            let dir = match m.new_position.cmp(&m.old_position) {
                std::cmp::Ordering::Less => "⬆",
                std::cmp::Ordering::Greater => "⬇",
                std::cmp::Ordering::Equal => "",
            };
            let between = between(m).trim_start_matches("between ").to_string();
            writeln!(
                w,
                "| **{}** {} | {} → {} {dir} | {} |",
                m.id,
                md(&m.title),
                m.old_position,
                m.new_position,
                between
            )?;
        }
    }
    if !d.added.is_empty() {
        writeln!(w, "\n**Added**\n")?;
        for a in &d.added {
            let pos = a
                .position
                .map(|p| format!(" (position {p})"))
                .unwrap_or_default();
            writeln!(w, "- **{}** {}{pos}", a.id, md(&a.title))?;
        }
    }
    if !d.removed.is_empty() {
        writeln!(w, "\n**Removed**\n")?;
        for r in &d.removed {
            writeln!(w, "- ~~**{}** {}~~", r.id, md(&r.title))?;
        }
    }
    if !d.unreadable.is_empty() {
        writeln!(
            w,
            "\n**Could not be read** in `{}` (compared as in `{}`; `backlog check` says why)\n",
            md(&d.head),
            md(&d.base)
        )?;
        for r in &d.unreadable {
            writeln!(w, "- **{}** {}", r.id, md(&r.title))?;
        }
    }
    if !d.scope.is_empty() {
        writeln!(w, "\n**Sprint scope**\n")?;
        for s in &d.scope {
            let over = if s.over_capacity {
                " — ⚠️ **over capacity**"
            } else {
                ""
            };
            writeln!(w, "- {}", scope_line(s, "→", over))?;
        }
    }
    if !d.sprints.is_empty() {
        writeln!(w, "\n**Sprints and reviews**\n")?;
        for (id, changes) in &d.sprints {
            for c in changes {
                writeln!(w, "- {id}: {}", md(&describe(c)))?;
            }
        }
    }
    if !d.changed.is_empty() {
        writeln!(
            w,
            "\n<details><summary>{} changed</summary>\n",
            counted(d.changed.len(), "story", "stories")
        )?;
        for c in &d.changed {
            writeln!(w, "- **{}** {}", c.id, md(&c.title))?;
            for ch in &c.changes {
                writeln!(w, "  - {}", md(&describe(ch)))?;
            }
            if let Some(s) = &c.statement {
                writeln!(w, "  - statement: {}", words_md(s))?;
            }
        }
        writeln!(w, "\n</details>")?;
    }
    if !d.config.is_empty() {
        writeln!(
            w,
            "\n<details><summary>backlog.yaml: {}</summary>\n",
            counted(d.config.len(), "setting changed", "settings changed")
        )?;
        for c in &d.config {
            writeln!(w, "- {}", md(&describe(c)))?;
        }
        writeln!(w, "\n</details>")?;
    }
    Ok(())
}

pub fn json(w: &mut dyn Write, d: &Diff) -> io::Result<()> {
    #[derive(serde::Serialize)]
    struct Report<'a> {
        version: u32,
        summary: String,
        #[serde(flatten)]
        diff: &'a Diff,
        base_unreadable: Vec<String>,
    }
    let report = Report {
        version: 1,
        summary: summary(d),
        diff: d,
        base_unreadable: d
            .base_findings
            .iter()
            .map(|f| {
                format!(
                    "{}:{}:{}: {}",
                    f.location.path.display(),
                    f.location.line,
                    f.location.column,
                    f.message
                )
            })
            .collect(),
    };
    super::json::value(w, &report)
}
