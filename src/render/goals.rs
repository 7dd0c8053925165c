//! `goals` output: text, Markdown (for a wiki or the top of `list --format
//! md`) and JSON.

use std::io::{self, Write};

use super::Format;

use super::markdown::escape;
use crate::model::fmt_num;
use crate::views::goals::{GoalProgress, Goals};

fn progress(g: &GoalProgress) -> String {
    let unknown = if g.unestimated > 0 {
        format!(", {} unestimated", g.unestimated)
    } else {
        String::new()
    };
    format!(
        "{}/{} stories, {}/{} points{unknown}",
        g.stories_done,
        g.stories,
        fmt_num(g.points_done),
        fmt_num(g.points)
    )
}

pub fn render(w: &mut dyn Write, v: &Goals, format: Format) -> io::Result<()> {
    match format {
        Format::Json => super::json::value(w, v),
        Format::Md => markdown(w, v),
        Format::Text => {
            writeln!(
                w,
                "{}",
                if v.product.is_empty() {
                    "(no product name)"
                } else {
                    &v.product
                }
            )?;
            if let Some(vision) = &v.vision {
                writeln!(w, "  vision: {vision}")?;
            }
            if let Some(dod) = &v.definition_of_done {
                writeln!(w, "  definition of done: {dod}")?;
            }
            writeln!(w)?;
            if v.goals.is_empty() {
                return writeln!(w, "no goals yet: add them under `goals:` in backlog.yaml");
            }
            let width = v
                .goals
                .iter()
                .map(|g| g.title.chars().count())
                .max()
                .unwrap_or(0);
            let sw = v.goals.iter().map(|g| g.status.len()).max().unwrap_or(0);
            for g in &v.goals {
                writeln!(
                    w,
                    "{:<5} {:<width$}  {:<sw$}  {}",
                    g.id,
                    g.title,
                    g.status,
                    progress(g)
                )?;
            }
            Ok(())
        }
    }
}

/// The product, vision, Definition of Done and goals as Markdown.
pub fn markdown(w: &mut dyn Write, v: &Goals) -> io::Result<()> {
    if !v.product.is_empty() {
        writeln!(w, "# {}\n", escape(&v.product))?;
    }
    if let Some(vision) = &v.vision {
        writeln!(w, "> {}\n", escape(vision))?;
    }
    if let Some(dod) = &v.definition_of_done {
        writeln!(w, "**Definition of Done:** {}\n", escape(dod))?;
    }
    if !v.goals.is_empty() {
        writeln!(w, "| Goal | Status | Progress |\n| --- | --- | --- |")?;
        for g in &v.goals {
            writeln!(
                w,
                "| **{}** {} | {} | {} |",
                escape(&g.id),
                escape(&g.title),
                escape(&g.status),
                progress(g)
            )?;
        }
        writeln!(w)?;
    }
    Ok(())
}
