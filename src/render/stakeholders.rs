//! `stakeholders` output: text, Markdown, JSON.

use std::io::{self, Write};

use super::Format;

use super::markdown::escape;
use crate::views::stakeholders::{Conflict, Stakeholder, StoryRef};

fn side(s: &StoryRef) -> String {
    let pos = s
        .position
        .map(|p| format!("#{p}"))
        .unwrap_or_else(|| "unranked".into());
    let who = if s.stakeholders.is_empty() {
        "no stakeholder".to_string()
    } else {
        s.stakeholders.join(", ")
    };
    format!("{} {} ({}, {pos}; {who})", s.id, s.title, s.status)
}

fn conflict_line(c: &Conflict) -> String {
    let settled = if let Some(d) = c.decisions.last() {
        format!(
            "settled at the {} review: {} {}{}",
            d.sprint,
            d.story,
            d.decision,
            d.note
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default()
        )
    } else if c.settled {
        "settled: one side is finished".into()
    } else {
        "open: no decision recorded".into()
    };
    format!("{} <> {}: {settled}", side(&c.a), side(&c.b))
}

pub fn render(w: &mut dyn Write, all: &[Stakeholder], format: Format) -> io::Result<()> {
    match format {
        Format::Json => super::json::value(w, all),
        Format::Md => {
            for s in all {
                writeln!(w, "## {}\n", escape(&s.name))?;
                if !s.open.is_empty() {
                    writeln!(w, "| # | Story | Status |\n| ---: | --- | --- |")?;
                    for x in &s.open {
                        let pos = x.position.map(|p| p.to_string()).unwrap_or_default();
                        writeln!(
                            w,
                            "| {pos} | **{}** {} | {} |",
                            x.id,
                            escape(&x.title),
                            escape(&x.status)
                        )?;
                    }
                    writeln!(w)?;
                }
                for d in &s.decisions {
                    writeln!(
                        w,
                        "- {}: **{}** {}{}",
                        escape(&d.sprint),
                        d.story,
                        d.decision,
                        d.note
                            .as_ref()
                            .map(|n| format!(" — {}", escape(n)))
                            .unwrap_or_default()
                    )?;
                }
                for f in &s.feedback {
                    let became = f
                        .story
                        .as_ref()
                        .map(|x| {
                            format!(
                                " → **{x}** ({})",
                                escape(f.story_status.as_deref().unwrap_or("?"))
                            )
                        })
                        .unwrap_or_default();
                    writeln!(
                        w,
                        "- feedback at {}: {}{became}",
                        escape(&f.sprint),
                        escape(&f.note)
                    )?;
                }
                for c in &s.conflicts {
                    writeln!(w, "- conflict: {}", escape(&conflict_line(c)))?;
                }
                writeln!(w)?;
            }
            Ok(())
        }
        Format::Text => {
            if all.is_empty() {
                return writeln!(
                    w,
                    "no stakeholders named: add `stakeholders: [...]` to stories"
                );
            }
            for (n, s) in all.iter().enumerate() {
                if n > 0 {
                    writeln!(w)?;
                }
                writeln!(w, "{}", s.name)?;
                if s.open.is_empty() {
                    writeln!(w, "  no open stories")?;
                }
                for x in &s.open {
                    let pos = x
                        .position
                        .map(|p| p.to_string())
                        .unwrap_or_else(|| "-".into());
                    writeln!(w, "  {pos:>3}  {:<6} {:<12} {}", x.id, x.status, x.title)?;
                }
                for d in &s.decisions {
                    writeln!(
                        w,
                        "  decision at {}: {} {}{}",
                        d.sprint,
                        d.story,
                        d.decision,
                        d.note
                            .as_ref()
                            .map(|n| format!(" ({n})"))
                            .unwrap_or_default()
                    )?;
                }
                for f in &s.feedback {
                    let became = f
                        .story
                        .as_ref()
                        .map(|x| {
                            format!(
                                " -> {x} ({})",
                                f.story_status.as_deref().unwrap_or("no such story")
                            )
                        })
                        .unwrap_or_else(|| " (not turned into a story yet)".into());
                    writeln!(w, "  feedback at {}: {}{became}", f.sprint, f.note)?;
                }
                for c in &s.conflicts {
                    writeln!(w, "  conflict: {}", conflict_line(c))?;
                }
            }
            Ok(())
        }
    }
}
