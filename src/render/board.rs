//! `board` output: columns side by side fitted to the terminal, Markdown, JSON.
//!
//! The text board shows the open statuses as columns and collapses the done
//! ones into a footer line (their count and points): a board is for the work
//! still moving. Every column gets the same width: as wide as its widest
//! card needs, else the terminal's width shared out. When the columns do not
//! fit side by side even with titles cut to [`MIN_TITLE`] columns, they wrap
//! into rows of as many as fit, in workflow order; ids, statuses and
//! estimates are never cut, only titles (marked `…`).

use std::io::{self, Write};

use super::markdown::escape;
use super::text::{counted, printable, truncate, width_of};
use super::Format;
use crate::model::fmt_num;
use crate::views::board::{Board, Column};

/// Columns a title keeps, at least, before the board wraps into rows.
pub const MIN_TITLE: usize = 8;
/// Spaces between two columns.
const GAP: usize = 2;

/// Terminal colours, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color && !s.is_empty() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
}

pub fn render(
    w: &mut dyn Write,
    board: &Board,
    format: Format,
    width: Option<usize>,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Text => text(w, board, width, style),
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, board).map_err(io::Error::from)?;
            writeln!(w)
        }
        Format::Md => markdown(w, board),
    }
}

/// A piece of a line: its text as it shows, and as it is written (with
/// colour codes, which take no columns).
struct Cell {
    plain: String,
    painted: String,
}

impl Cell {
    fn plain(s: String) -> Cell {
        Cell {
            painted: s.clone(),
            plain: s,
        }
    }
}

/// `in-progress 3/4`, `in-progress 5/4 over`; with a sprint's board whose
/// column holds fewer than the whole backlog's count: `in-progress 2 (5/4 over)`.
fn header(c: &Column, style: Style) -> Cell {
    let status = printable(&c.status).into_owned();
    let n = c.cards.len();
    let (count, over) = match &c.wip {
        None => (n.to_string(), false),
        Some(wip) => {
            let against = format!(
                "{}/{}{}",
                wip.count,
                wip.limit,
                if wip.over { " over" } else { "" }
            );
            if wip.count == n {
                (against, wip.over)
            } else {
                (format!("{n} ({against})"), wip.over)
            }
        }
    };
    let painted_count = if over {
        style.paint("1;31", &count)
    } else {
        count.clone()
    };
    Cell {
        plain: format!("{status} {count}"),
        painted: format!("{} {painted_count}", style.paint("1", &status)),
    }
}

/// `47 pts`, `0 pts, 2 no est.`; `not in workflow` for a stray status.
fn points(c: &Column) -> String {
    let mut s = format!("{} pts", fmt_num(c.points));
    if c.unestimated > 0 {
        s.push_str(&format!(", {} no est.", c.unestimated));
    }
    if !c.in_workflow {
        s = format!("not in workflow; {s}");
    }
    s
}

/// The card lines of one column at `width`: id, title cut to fit, estimate
/// right-aligned (ids and estimates padded to the board's widest).
fn card_lines(c: &Column, id_w: usize, est_w: usize, width: usize) -> Vec<String> {
    let est_part = if est_w > 0 { est_w + 1 } else { 0 };
    let title_w = width.saturating_sub(id_w + 1 + est_part).max(1);
    c.cards
        .iter()
        .map(|card| {
            let id = printable(&card.id);
            let mut line = format!("{id}{}", " ".repeat(id_w.saturating_sub(width_of(&id))));
            line.push(' ');
            let title = truncate(&printable(&card.title), title_w);
            line.push_str(&title);
            if est_w > 0 {
                let est = card.estimate.map(fmt_num).unwrap_or_default();
                let pad = title_w - width_of(&title) + 1 + est_w - width_of(&est);
                line.push_str(&" ".repeat(pad));
                line.push_str(&est);
            }
            line.trim_end().to_string()
        })
        .collect()
}

fn text(w: &mut dyn Write, board: &Board, width: Option<usize>, style: Style) -> io::Result<()> {
    if let Some(s) = &board.sprint {
        let mut line = format!("sprint {}", s.id);
        let mut facts = Vec::new();
        if let (Some(a), Some(b)) = (&s.start, &s.end) {
            facts.push(format!("{a} to {b}"));
        }
        if let Some(c) = s.capacity {
            facts.push(format!("capacity {} pts", fmt_num(c)));
        }
        if !facts.is_empty() {
            line.push_str(&format!(" ({})", facts.join(", ")));
        }
        if let Some(g) = &s.goal {
            line.push_str(&format!(": {g}"));
        }
        let line = printable(&line).into_owned();
        let line = match width {
            Some(total) => truncate(&line, total.max(MIN_TITLE)),
            None => line,
        };
        writeln!(w, "{line}\n")?;
    }
    let open: Vec<&Column> = board.columns.iter().filter(|c| !c.done).collect();
    let cards = || open.iter().flat_map(|c| &c.cards);
    let id_w = cards()
        .map(|c| width_of(&printable(&c.id)))
        .max()
        .unwrap_or(0);
    let est_w = cards()
        .filter_map(|c| c.estimate.map(|e| fmt_num(e).len()))
        .max()
        .unwrap_or(0);
    let est_part = if est_w > 0 { est_w + 1 } else { 0 };
    let headers: Vec<(Cell, String)> = open.iter().map(|c| (header(c, style), points(c))).collect();
    let header_w = headers
        .iter()
        .map(|(h, p)| width_of(&h.plain).max(width_of(p)))
        .max()
        .unwrap_or(0);
    let narrowest = header_w.max(id_w + 1 + MIN_TITLE + est_part);
    let natural = header_w.max(
        cards()
            .map(|c| id_w + 1 + width_of(&printable(&c.title)) + est_part)
            .max()
            .unwrap_or(0),
    );
    let n = open.len().max(1);
    let (per_row, col_w) = match width {
        None => (n, natural),
        Some(total) => {
            let fits = |k: usize| k * narrowest + (k - 1) * GAP <= total;
            let per_row = (1..=n).rev().find(|&k| fits(k)).unwrap_or(1);
            let shared = total.saturating_sub((per_row - 1) * GAP) / per_row;
            (per_row, natural.min(shared.max(narrowest)))
        }
    };
    for (i, row) in open.chunks(per_row).enumerate() {
        if i > 0 {
            writeln!(w)?;
        }
        let at = i * per_row;
        let mut lines: Vec<Vec<Cell>> = vec![
            row.iter()
                .enumerate()
                .map(|(j, _)| {
                    let h = &headers[at + j].0;
                    Cell {
                        plain: h.plain.clone(),
                        painted: h.painted.clone(),
                    }
                })
                .collect(),
            (0..row.len())
                .map(|j| Cell::plain(truncate(&headers[at + j].1, col_w)))
                .collect(),
            row.iter().map(|_| Cell::plain("-".repeat(col_w))).collect(),
        ];
        let bodies: Vec<Vec<String>> = row
            .iter()
            .map(|c| card_lines(c, id_w, est_w, col_w))
            .collect();
        let height = bodies.iter().map(Vec::len).max().unwrap_or(0);
        for k in 0..height {
            lines.push(
                bodies
                    .iter()
                    .map(|b| Cell::plain(b.get(k).cloned().unwrap_or_default()))
                    .collect(),
            );
        }
        for cells in &lines {
            writeln!(w, "{}", join(cells, col_w))?;
        }
    }
    let done: Vec<String> = board
        .columns
        .iter()
        .filter(|c| c.done)
        .map(|c| match c.cards.len() {
            0 => format!("{}: 0", printable(&c.status)),
            n => format!(
                "{}: {}, {} pts",
                printable(&c.status),
                counted(n, "story", "stories"),
                fmt_num(c.points)
            ),
        })
        .collect();
    let mut footer = Vec::new();
    if !done.is_empty() {
        footer.push(done.join("; "));
    }
    if !board.epics.is_empty() {
        footer.push(format!(
            "{} not shown (`backlog list --kind epic` lists them)",
            counted(board.epics.len(), "epic", "epics")
        ));
    }
    if !footer.is_empty() {
        writeln!(w, "\n{}", footer.join("\n"))?;
    }
    Ok(())
}

/// One line of a row of columns: each cell padded to `col_w` and `GAP`
/// apart, nothing after the last cell with text.
fn join(cells: &[Cell], col_w: usize) -> String {
    let last = cells.iter().rposition(|c| !c.plain.is_empty());
    let mut s = String::new();
    for (j, c) in cells.iter().enumerate() {
        if Some(j) > last || last.is_none() {
            break;
        }
        s.push_str(&c.painted);
        if Some(j) != last {
            let pad = col_w.saturating_sub(width_of(&c.plain)) + GAP;
            s.push_str(&" ".repeat(pad));
        }
    }
    s
}

fn markdown(w: &mut dyn Write, board: &Board) -> io::Result<()> {
    match &board.sprint {
        Some(s) => {
            writeln!(w, "## Board of sprint {}", escape(&s.id))?;
            if let Some(g) = &s.goal {
                writeln!(w, "\nGoal: {}", escape(g))?;
            }
        }
        None => writeln!(w, "## Board")?,
    }
    for c in &board.columns {
        let mut facts = vec![
            counted(c.cards.len(), "story", "stories"),
            format!("{} points", fmt_num(c.points)),
        ];
        if c.unestimated > 0 {
            facts.push(format!("{} without estimate", c.unestimated));
        }
        if let Some(wip) = &c.wip {
            facts.push(format!(
                "WIP {}/{}{}",
                wip.count,
                wip.limit,
                if wip.over { ", over the limit" } else { "" }
            ));
        }
        if !c.in_workflow {
            facts.push("not in the workflow".into());
        }
        writeln!(w, "\n### {} ({})", escape(&c.status), facts.join(", "))?;
        if c.done || c.cards.is_empty() {
            continue;
        }
        writeln!(w)?;
        for card in &c.cards {
            let est = card
                .estimate
                .map(|e| format!(" ({} pts)", fmt_num(e)))
                .unwrap_or_default();
            writeln!(
                w,
                "- **{}** {}{est}",
                escape(&card.id),
                escape(&card.title)
            )?;
        }
    }
    if !board.epics.is_empty() {
        writeln!(
            w,
            "\n{} not shown: {}",
            counted(board.epics.len(), "epic", "epics"),
            board
                .epics
                .iter()
                .map(|e| escape(e))
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    Ok(())
}
