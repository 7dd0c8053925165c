//! `show` output: one story as text or JSON.

use std::io::{self, Write};

use super::text::printable;
use crate::model::field;
use crate::model::fmt_num;
use crate::model::score::format_score;
use crate::model::Story;
use crate::views::show::StoryView;

/// Output formats of `show`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowFormat {
    Text,
    Json,
}

pub fn render(w: &mut dyn Write, v: &StoryView, format: ShowFormat) -> io::Result<()> {
    if format == ShowFormat::Json {
        return super::json::value(w, v);
    }
    let r = &v.row;
    writeln!(w, "{}  {}", printable(r.id), printable(r.title))?;
    let field = |w: &mut dyn Write, name: &str, value: &str| {
        writeln!(w, "  {:<13} {}", format!("{name}:"), printable(value))
    };
    field(w, "kind", r.kind)?;
    field(w, "status", r.status)?;
    let rank = r.rank.as_deref().unwrap_or("none");
    field(
        w,
        "rank",
        &format!("{rank} (position {} of {})", r.position, v.of),
    )?;
    field(
        w,
        "estimate",
        &r.estimate.map(fmt_num).unwrap_or_else(|| "none".into()),
    )?;
    if let Some(m) = v.scoring_model {
        let score = match r.score {
            Some(s) => format_score(s),
            None => format!("unknown: missing {}", v.score_missing.join(", ")),
        };
        field(w, "score", &format!("{score} ({m})"))?;
    }
    for (name, value) in [("epic", r.epic), ("goal", r.goal), ("sprint", r.sprint)] {
        if let Some(value) = value {
            field(w, name, value)?;
        }
    }
    for (name, values) in [
        ("labels", r.labels.join(", ")),
        ("stakeholders", r.stakeholders.join(", ")),
        ("depends on", r.depends_on.join(", ")),
    ] {
        if !values.is_empty() {
            field(w, name, &values)?;
        }
    }
    for (name, links) in [
        ("blocked by", &v.blocked_by),
        ("blocks", &v.blocks),
        ("stories", &v.children),
    ] {
        if !links.is_empty() {
            let s: Vec<String> = links
                .iter()
                .map(|l| format!("{} ({})", l.id, l.status))
                .collect();
            field(w, name, &s.join(", "))?;
        }
    }
    field(w, "file", &r.file)?;
    if let Some(s) = &v.statement {
        writeln!(w)?;
        writeln!(w, "{}", printable(s))?;
    }
    for paragraph in &v.description {
        writeln!(w)?;
        writeln!(w, "{}", printable(paragraph))?;
    }
    if !v.acceptance_criteria.is_empty() {
        let done = v
            .acceptance_criteria
            .iter()
            .filter(|c| c.checked == Some(true))
            .count();
        writeln!(w)?;
        writeln!(
            w,
            "Acceptance criteria ({done} of {} checked):",
            v.acceptance_criteria.len()
        )?;
        for c in &v.acceptance_criteria {
            let mark = match c.checked {
                Some(true) => "[x]",
                Some(false) => "[ ]",
                None => " - ",
            };
            writeln!(w, "  {mark} {}", printable(&c.text))?;
        }
    }
    Ok(())
}

/// One story as lines of product terms, so `git diff` with `diff=backlog`
/// shows `-status: draft` / `+status: ready` instead of YAML.
pub fn textconv(out: &mut dyn Write, s: &Story) -> io::Result<()> {
    writeln!(out, "{}  {}", s.id, printable(&s.title))?;
    for field in field::story_names().filter(|f| !matches!(*f, "id" | "title")) {
        if let Some(v) = s.field_text(field) {
            writeln!(out, "{field}: {}", printable(&v))?;
        }
    }
    if let Some(st) = &s.statement {
        writeln!(out, "\n{}", printable(&st.sentence()))?;
    }
    if !s.criteria.is_empty() {
        writeln!(out, "\nAcceptance criteria:")?;
        for c in &s.criteria {
            let mark = match c.checked {
                Some(true) => "[x]",
                Some(false) => "[ ]",
                None => " - ",
            };
            writeln!(out, "  {mark} {}", printable(&c.text))?;
        }
    }
    Ok(())
}
