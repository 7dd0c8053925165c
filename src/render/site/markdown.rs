//! `render --format md`: the site's content as one Markdown document
//! (`BACKLOG.md`), for reading on a forge. The sections reuse the Markdown
//! renderers of `goals`, `list`, `sprint show`, `velocity`, `forecast`,
//! `stakeholders` and `decisions`; every other text goes through the one
//! Markdown escaper.

use std::io::{self, Write};

use super::super::changes::describe;
use super::super::list::ListFormat;
use super::super::markdown::escape;
use super::super::Format;
use crate::model::fmt_num;
use crate::model::score::format_score;
use crate::views::site::{Site, DRIFT_ROWS};

/// The whole site as one Markdown document.
pub fn render(w: &mut dyn Write, site: &Site) -> io::Result<()> {
    super::super::goals::markdown(w, &site.goals)?;
    match &site.origin {
        Some(o) => writeln!(
            w,
            "_As of {}; history up to commit `{}` of {}._\n",
            site.today, o.commit, o.date
        )?,
        None => writeln!(w, "_As of {}; no git history was read._\n", site.today)?,
    }
    writeln!(w, "## Ranked backlog\n")?;
    super::super::list::render(w, &site.rows, ListFormat::Md, None, true)?;

    writeln!(w, "\n## Board\n")?;
    if let Some(all) = site.boards.first() {
        for col in &all.columns {
            let limit = col
                .wip_limit
                .map(|l| format!(" (WIP limit {l})"))
                .unwrap_or_default();
            let ids: Vec<String> = col
                .stories
                .iter()
                .map(|&k| escape(site.rows[k].id))
                .collect();
            writeln!(
                w,
                "- **{}**{limit}: {}",
                escape(&col.status),
                if ids.is_empty() {
                    "–".to_string()
                } else {
                    ids.join(", ")
                }
            )?;
        }
    }

    writeln!(w, "\n# Sprints\n")?;
    for p in &site.sprints {
        super::super::sprint::report(w, &p.report, Format::Md)?;
        writeln!(w)?;
    }
    writeln!(w, "## Velocity\n")?;
    super::super::sprint::velocity(w, &site.velocity, Format::Md)?;
    writeln!(w, "\n## Forecast\n")?;
    match &site.forecast {
        Ok(f) => super::super::sprint::forecast(w, f, Format::Md)?,
        Err(why) => writeln!(w, "No forecast: {}.", escape(why))?,
    }

    writeln!(w, "\n# Decisions and feedback\n")?;
    if site.has_history {
        super::super::history::decisions(w, &site.decisions, Format::Md)?;
    } else {
        writeln!(
            w,
            "No git history was read; each sprint above lists its review."
        )?;
    }

    writeln!(w, "\n# Stakeholders\n")?;
    let all: Vec<_> = site
        .stakeholders
        .iter()
        .map(|p| p.stakeholder.clone())
        .collect();
    super::super::stakeholders::render(w, &all, Format::Md)?;

    writeln!(w, "\n# Priority drift\n")?;
    match site.drift.model {
        None => writeln!(w, "No scoring model is configured.")?,
        Some(model) => {
            writeln!(
                w,
                "Drift = place by rank − place by {model} score among the {} open scored stories \
                 (positive: ranked lower than the score says); the {DRIFT_ROWS} largest.\n",
                site.drift.scored
            )?;
            writeln!(
                w,
                "| # | Story | Score | By rank | By score | Drift |\n| ---: | --- | ---: | ---: | ---: | ---: |"
            )?;
            for r in &site.drift.rows {
                writeln!(
                    w,
                    "| {} | **{}** {} | {} | {} | {} | {:+} |",
                    r.position,
                    escape(&r.id),
                    escape(&r.title),
                    format_score(r.score),
                    r.rank_place,
                    r.score_place,
                    r.drift
                )?;
            }
        }
    }

    writeln!(w, "\n# Stories\n")?;
    for p in &site.stories {
        let r = &p.view.row;
        writeln!(w, "## {} {}\n", escape(r.id), escape(r.title))?;
        if let Some(s) = &p.view.statement {
            writeln!(w, "{}\n", escape(s))?;
        }
        let mut facts = vec![
            format!("status {}", escape(r.status)),
            format!("position {} of {}", r.position, p.view.of),
        ];
        if let Some(e) = r.estimate {
            facts.push(format!("{} points", fmt_num(e)));
        }
        if let Some(s) = r.score {
            facts.push(format!("score {}", format_score(s)));
        }
        if let Some(s) = &r.sprint {
            facts.push(format!("sprint {}", escape(s)));
        }
        if !r.stakeholders.is_empty() {
            facts.push(format!("for {}", escape(&r.stakeholders.join(", "))));
        }
        writeln!(w, "{}\n", facts.join(" · "))?;
        for c in &p.view.acceptance_criteria {
            let mark = match c.checked {
                Some(true) => "☑ ",
                Some(false) => "☐ ",
                None => "",
            };
            writeln!(w, "- {mark}{}", escape(&c.text))?;
        }
        if !p.view.acceptance_criteria.is_empty() {
            writeln!(w)?;
        }
        for (what, links) in [
            ("Depends on", &p.dependencies),
            ("Depended on by", &p.dependents),
        ] {
            if !links.is_empty() {
                let ids: Vec<String> = links
                    .iter()
                    .map(|l| format!("{} ({})", escape(&l.id), escape(&l.status)))
                    .collect();
                writeln!(w, "{what}: {}\n", ids.join(", "))?;
            }
        }
        if !p.timeline.is_empty() {
            writeln!(
                w,
                "| Date | Change | Author | Commit | Message |\n| --- | --- | --- | --- | --- |"
            )?;
            for e in &p.timeline {
                writeln!(
                    w,
                    "| {} | {}{} | {} | `{}` | {} |",
                    e.date,
                    escape(&describe(e.change)),
                    e.sprint
                        .as_ref()
                        .map(|s| format!(" at the review of {}", escape(s)))
                        .unwrap_or_default(),
                    escape(e.author),
                    e.commit,
                    escape(e.summary)
                )?;
            }
            writeln!(w)?;
        }
    }
    Ok(())
}
