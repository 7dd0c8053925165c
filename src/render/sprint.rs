//! `sprint plan` and `velocity` output.

use std::io::{self, Write};

use super::Format;

use serde::Serialize;

use super::markdown::escape;
use crate::model::fmt_num;
use crate::plan::sprint::{CapacityFrom, Planned, Skipped, SprintPlan};
use crate::views::velocity::SprintVelocity;

fn why(r: &Skipped) -> String {
    match r {
        Skipped::NotReady { gaps } => format!("not ready: {}", gaps.join("; ")),
        Skipped::Blocked { by } => format!("waits for {}", by.join(", ")),
        Skipped::DoesNotFit { points, left } => {
            format!(
                "{} points do not fit in the {} left",
                fmt_num(*points),
                fmt_num(*left)
            )
        }
        Skipped::Unestimated => "no estimate".into(),
        Skipped::Elsewhere { sprint } => format!("planned into {sprint}"),
    }
}

/// What the plan picked and skipped, and the points against capacity.
pub fn plan(w: &mut dyn Write, p: &SprintPlan, applied: bool, format: Format) -> io::Result<()> {
    let from = match p.capacity_from {
        CapacityFrom::Flag => "--capacity",
        CapacityFrom::SprintFile => "the sprint file",
        CapacityFrom::Velocity => "the mean velocity of the last reviewed sprints",
    };
    match format {
        Format::Json => super::json::value(w, p),
        Format::Md => {
            writeln!(
                w,
                "**{}**: {} of {} points{} (capacity from {from})\n",
                escape(&p.sprint),
                fmt_num(p.points),
                fmt_num(p.capacity),
                over_capacity(p)
            )?;
            writeln!(w, "| # | Story | Points | |\n| ---: | --- | ---: | --- |")?;
            for (x, mark) in p
                .planned
                .iter()
                .map(|x| (x, "planned"))
                .chain(p.picked.iter().map(|x| (x, "picked")))
            {
                writeln!(
                    w,
                    "| {} | **{}** {} | {} | {mark} |",
                    x.position,
                    x.id,
                    escape(&x.title),
                    x.points.map_or("-".into(), fmt_num)
                )?;
            }
            for (x, r) in &p.skipped {
                writeln!(
                    w,
                    "| {} | ~~**{}** {}~~ | {} | {} |",
                    x.position,
                    x.id,
                    escape(&x.title),
                    x.points.map_or("-".into(), fmt_num),
                    escape(&why(r))
                )?;
            }
            Ok(())
        }
        Format::Text => {
            writeln!(
                w,
                "{}: capacity {} (from {from})",
                p.sprint,
                fmt_num(p.capacity)
            )?;
            // One line per story: position, id, points, title (and why not).
            let line = |w: &mut dyn Write, x: &Planned, why: &str| {
                writeln!(
                    w,
                    "  {:>3}  {:<8} {:>4}  {}{why}",
                    x.position,
                    x.id,
                    x.points.map_or("-".into(), fmt_num),
                    x.title
                )
            };
            if !p.planned.is_empty() {
                writeln!(w, "\nalready planned")?;
                for x in &p.planned {
                    line(w, x, "")?;
                }
            }
            let verb = if applied {
                "planned now"
            } else {
                "picked (run with --apply to plan them)"
            };
            if p.picked.is_empty() {
                writeln!(w, "\nnothing more fits")?;
            } else {
                writeln!(w, "\n{verb}")?;
                for x in &p.picked {
                    line(w, x, "")?;
                }
            }
            if !p.skipped.is_empty() {
                writeln!(w, "\nskipped")?;
                for (x, r) in &p.skipped {
                    line(w, x, &format!(": {}", why(r)))?;
                }
            }
            writeln!(
                w,
                "\n{} of {} points{}",
                fmt_num(p.points),
                fmt_num(p.capacity),
                over_capacity(p)
            )
        }
    }
}

/// `: over capacity by N` when the plan's points exceed its capacity.
fn over_capacity(p: &SprintPlan) -> String {
    if p.points > p.capacity + 1e-9 {
        format!(": over capacity by {}", fmt_num(p.points - p.capacity))
    } else {
        String::new()
    }
}

/// Committed and accepted points per reviewed sprint, and their mean.
pub fn velocity(w: &mut dyn Write, v: &[SprintVelocity], format: Format) -> io::Result<()> {
    let mean = crate::views::velocity::average(v);
    match format {
        Format::Json => {
            #[derive(Serialize)]
            struct Report<'a> {
                sprints: &'a [SprintVelocity],
                mean_accepted: Option<f64>,
            }
            super::json::value(
                w,
                &Report {
                    sprints: v,
                    mean_accepted: mean,
                },
            )
        }
        Format::Md => {
            writeln!(
                w,
                "| Sprint | Dates | Committed | Accepted |\n| --- | --- | ---: | ---: |"
            )?;
            for s in v {
                writeln!(
                    w,
                    "| {} | {} – {} | {} | {} |",
                    escape(&s.sprint),
                    s.start.as_deref().unwrap_or("?"),
                    s.end.as_deref().unwrap_or("?"),
                    s.committed.map(fmt_num).unwrap_or_else(|| "–".into()),
                    fmt_num(s.accepted)
                )?;
            }
            if let Some(m) = mean {
                writeln!(w, "\nMean accepted: **{}** points per sprint", fmt_num(m))?;
            }
            Ok(())
        }
        Format::Text => {
            if v.is_empty() {
                return writeln!(
                    w,
                    "no reviewed sprints yet: velocity comes from review decisions"
                );
            }
            writeln!(
                w,
                "{:<10}  {:<23}  {:>9}  {:>8}",
                "SPRINT", "DATES", "COMMITTED", "ACCEPTED"
            )?;
            for s in v {
                let dates = format!(
                    "{} – {}",
                    s.start.as_deref().unwrap_or("?"),
                    s.end.as_deref().unwrap_or("?")
                );
                writeln!(
                    w,
                    "{:<10}  {:<23}  {:>9}  {:>8}",
                    s.sprint,
                    dates,
                    s.committed.map(fmt_num).unwrap_or_else(|| "-".into()),
                    fmt_num(s.accepted)
                )?;
            }
            if let Some(m) = mean {
                writeln!(w, "\nmean accepted: {} points per sprint", fmt_num(m))?;
            }
            Ok(())
        }
    }
}

fn likely(l: &crate::views::forecast::Likely) -> String {
    match &l.by {
        Some(d) => format!("{d} (+{})", l.sprints),
        None => format!("+{} sprints", l.sprints),
    }
}

/// `forecast`: each open story's likely sprint, then each goal's.
pub fn forecast(
    w: &mut dyn Write,
    f: &crate::views::forecast::Forecast,
    format: Format,
) -> io::Result<()> {
    let from = f
        .velocities
        .iter()
        .map(|v| fmt_num(*v))
        .collect::<Vec<_>>()
        .join(", ");
    match format {
        Format::Json => super::json::value(w, f),
        Format::Md => {
            writeln!(
                w,
                "Forecast from velocities {from} ({}-day sprints)\n",
                f.sprint_days
            )?;
            writeln!(
                w,
                "| # | Story | Points | 50% | 85% |\n| ---: | --- | ---: | --- | --- |"
            )?;
            for s in &f.stories {
                writeln!(
                    w,
                    "| {} | **{}** {} | {} | {} | {} |",
                    s.position,
                    s.id,
                    escape(&s.title),
                    s.points.map(fmt_num).unwrap_or_else(|| "?".into()),
                    likely(&s.p50),
                    likely(&s.p85)
                )?;
            }
            writeln!(
                w,
                "\n| Goal | Open | 50% | 85% |\n| --- | ---: | --- | --- |"
            )?;
            for g in &f.goals {
                writeln!(
                    w,
                    "| **{}** {} | {} | {} | {} |",
                    g.id,
                    escape(&g.title),
                    g.open_stories,
                    g.p50.as_ref().map(likely).unwrap_or_else(|| "done".into()),
                    g.p85.as_ref().map(likely).unwrap_or_else(|| "done".into())
                )?;
            }
            Ok(())
        }
        Format::Text => {
            writeln!(
                w,
                "forecast from velocities {from} ({}-day sprints; +N = sprints from now)",
                f.sprint_days
            )?;
            writeln!(
                w,
                "{:>3}  {:<8} {:>6} {:>6}  {:<18} {:<18} TITLE",
                "#", "ID", "POINTS", "CUMUL", "50%", "85%"
            )?;
            for s in &f.stories {
                writeln!(
                    w,
                    "{:>3}  {:<8} {:>6} {:>6}  {:<18} {:<18} {}",
                    s.position,
                    s.id,
                    s.points.map(fmt_num).unwrap_or_else(|| "?".into()),
                    fmt_num(s.cumulative),
                    likely(&s.p50),
                    likely(&s.p85),
                    s.title
                )?;
            }
            writeln!(w, "\ngoals")?;
            for g in &f.goals {
                let when = match (&g.p50, &g.p85) {
                    (Some(a), Some(b)) => format!("50% by {}, 85% by {}", likely(a), likely(b)),
                    _ => "no open stories".into(),
                };
                writeln!(
                    w,
                    "  {:<5} {}: {} open; {when}",
                    g.id, g.title, g.open_stories
                )?;
            }
            if !f.unestimated.is_empty() {
                writeln!(
                    w,
                    "\nwithout an estimate (counted as 0 points): {}",
                    f.unestimated.join(", ")
                )?;
            }
            Ok(())
        }
    }
}

/// `sprint show`: the report, and the burndown as data.
pub fn report(
    w: &mut dyn Write,
    r: &crate::views::sprint_report::SprintReport,
    format: Format,
) -> io::Result<()> {
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join(", ")
        }
    };
    let changes = |v: &[crate::views::sprint_report::ScopeChange]| -> String {
        if v.is_empty() {
            return "none".into();
        }
        v.iter()
            .map(|c| match (&c.commit, &c.date) {
                (Some(commit), Some(date)) => format!(
                    "{} ({commit}, {date}, {})",
                    c.story.id,
                    c.author.as_deref().unwrap_or("")
                ),
                _ => c.story.id.clone(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let scope_points: f64 = r.scope.iter().filter_map(|x| x.points).sum();
    match format {
        Format::Json => super::json::value(w, r),
        Format::Md | Format::Text => {
            let md = format == Format::Md;
            let (h, b) = if md { ("## ", "- ") } else { ("", "  ") };
            writeln!(
                w,
                "{h}{}{}",
                r.id,
                r.goal
                    .as_ref()
                    .map(|g| format!("  {}", if md { escape(g) } else { g.clone() }))
                    .unwrap_or_default()
            )?;
            if md {
                writeln!(w)?;
            }
            let running = if r.running { " (running)" } else { "" };
            writeln!(
                w,
                "{b}dates: {} – {}{running}",
                r.start.as_deref().unwrap_or("?"),
                r.end.as_deref().unwrap_or("?")
            )?;
            if let Some(c) = r.capacity {
                writeln!(w, "{b}capacity: {}", fmt_num(c))?;
            }
            match r.committed_points {
                Some(p) => writeln!(
                    w,
                    "{b}committed: {} points ({})",
                    fmt_num(p),
                    list(&r.committed)
                )?,
                None => writeln!(
                    w,
                    "{b}committed: not recorded (`backlog sprint start` records it)"
                )?,
            }
            writeln!(
                w,
                "{b}scope now: {} points in {}",
                fmt_num(scope_points),
                crate::render::text::counted(r.scope.len(), "story", "stories")
            )?;
            writeln!(w, "{b}added since the start: {}", changes(&r.added))?;
            writeln!(w, "{b}removed since the start: {}", changes(&r.removed))?;
            writeln!(
                w,
                "{b}done: {} points; remaining: {}",
                fmt_num(r.done_points),
                fmt_num(r.remaining_points)
            )?;
            if !r.accepted.is_empty() || !r.rejected.is_empty() {
                writeln!(
                    w,
                    "{b}review: accepted {}; rejected {}",
                    list(&r.accepted),
                    list(&r.rejected)
                )?;
            }
            if !r.carried_over.is_empty() {
                writeln!(w, "{b}carried over: {}", list(&r.carried_over))?;
            }
            if let Some(g) = r.goal_met {
                writeln!(w, "{b}goal met: {}", if g { "yes" } else { "no" })?;
            }
            if !r.burndown.is_empty() {
                if md {
                    writeln!(w, "\n| Day | Remaining |\n| --- | ---: |")?;
                    for (d, p) in &r.burndown {
                        writeln!(w, "| {d} | {} |", fmt_num(*p))?;
                    }
                } else {
                    writeln!(w, "\nburndown (remaining points at the end of each day)")?;
                    let top = r
                        .burndown
                        .iter()
                        .map(|(_, p)| *p)
                        .fold(0.0, f64::max)
                        .max(1.0);
                    for (d, p) in &r.burndown {
                        let bar = "#".repeat(((p / top) * 30.0).round() as usize);
                        writeln!(w, "  {d}  {:>5}  {bar}", fmt_num(*p))?;
                    }
                }
            }
            Ok(())
        }
    }
}
