//! `board` output: columns side by side fitted to the terminal, Markdown, JSON.
//!
//! The text board shows the open statuses as columns and collapses the done
//! ones into a footer line (their count and points): a board is for the work
//! still moving. Each column is as wide as its header and whole titles need,
//! or, when the terminal is narrower, shares the room out evenly. When the
//! columns do not fit side by side even with titles cut to [`MIN_TITLE`]
//! columns, they wrap into rows of as many as fit, in workflow order; ids,
//! statuses, counts and estimates are never cut, only titles (marked `…`).

use std::io::{self, Write};

use super::markdown::escape;
use super::text::{counted, printable, truncate, width_of, Style};
use super::Format;
use crate::model::fmt_num;
use crate::views::board::{Board, Column};

/// Columns a title keeps, at least, before the board wraps into rows.
pub const MIN_TITLE: usize = 8;
/// Spaces between two columns.
const GAP: usize = 2;

pub fn render(
    w: &mut dyn Write,
    board: &Board,
    format: Format,
    width: Option<usize>,
    style: Style,
) -> io::Result<()> {
    match format {
        Format::Text => text(w, board, width, style),
        Format::Json => super::json::value(w, board),
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
    let (count, painted_count) = match &c.wip {
        None => (n.to_string(), n.to_string()),
        Some(wip) => {
            let against = format!(
                "{}/{}{}",
                wip.count,
                wip.limit,
                if wip.over { " over" } else { "" }
            );
            let painted = if wip.over {
                style.paint("1;31", &against)
            } else {
                against.clone()
            };
            if wip.count == n {
                (against, painted)
            } else {
                (format!("{n} ({against})"), format!("{n} ({painted})"))
            }
        }
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

/// The widths one column needs: its widest id and estimate, and the whole
/// column with titles cut to [`MIN_TITLE`] and whole (headers are never cut).
struct Measure {
    id_w: usize,
    est_w: usize,
    /// Cards with titles cut to [`MIN_TITLE`].
    narrowest: usize,
    /// Cards with whole titles.
    natural: usize,
}

impl Measure {
    fn of(c: &Column, header: &Cell, points: &str) -> Measure {
        let id_w = c
            .cards
            .iter()
            .map(|k| width_of(&printable(&k.id)))
            .max()
            .unwrap_or(0);
        let est_w = c
            .cards
            .iter()
            .filter_map(|k| k.estimate.map(|e| fmt_num(e).len()))
            .max()
            .unwrap_or(0);
        let est_part = if est_w > 0 { est_w + 1 } else { 0 };
        let header_w = width_of(&header.plain).max(width_of(points));
        let title_w = c.cards.iter().map(|k| width_of(&printable(&k.title))).max();
        let card = |title: usize| id_w + 1 + title + est_part;
        Measure {
            id_w,
            est_w,
            narrowest: header_w.max(title_w.map_or(0, |t| card(t.min(MIN_TITLE)))),
            natural: header_w.max(title_w.map_or(0, card)),
        }
    }
}

/// The card lines of one column at `width`: id, title cut to fit, estimate
/// right-aligned (ids and estimates padded to the column's widest).
fn card_lines(c: &Column, m: &Measure, width: usize) -> Vec<String> {
    let est_part = if m.est_w > 0 { m.est_w + 1 } else { 0 };
    let title_w = width.saturating_sub(m.id_w + 1 + est_part).max(1);
    c.cards
        .iter()
        .map(|card| {
            let id = printable(&card.id);
            let mut line = format!("{id}{}", " ".repeat(m.id_w.saturating_sub(width_of(&id))));
            line.push(' ');
            let title = truncate(&printable(&card.title), title_w);
            line.push_str(&title);
            if m.est_w > 0 {
                let est = card.estimate.map(fmt_num).unwrap_or_default();
                let pad = title_w.saturating_sub(width_of(&title)) + 1 + m.est_w - est.len();
                line.push_str(&" ".repeat(pad));
                line.push_str(&est);
            }
            line.trim_end().to_string()
        })
        .collect()
}

/// Splits the columns into rows, each as many as fit side by side at their
/// narrowest (at least one), and gives each column of a row its width:
/// the row's spare room shared out evenly, no column wider than its whole
/// titles need. Without a width, one row at natural widths.
fn layout(measures: &[Measure], width: Option<usize>) -> Vec<Vec<(usize, usize)>> {
    let Some(total) = width else {
        return vec![measures.iter().map(|m| m.natural).enumerate().collect()];
    };
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut used = 0;
    for (i, m) in measures.iter().enumerate() {
        match rows.last_mut() {
            Some(row) if used + GAP + m.narrowest <= total => {
                row.push(i);
                used += GAP + m.narrowest;
            }
            _ => {
                rows.push(vec![i]);
                used = m.narrowest;
            }
        }
    }
    rows.into_iter()
        .map(|row| {
            let gaps = (row.len() - 1) * GAP;
            let at = |level: usize| -> Vec<usize> {
                row.iter()
                    .map(|&i| measures[i].narrowest.max(level.min(measures[i].natural)))
                    .collect()
            };
            let top = row.iter().map(|&i| measures[i].natural).max().unwrap_or(0);
            // The highest level at which the row still fits.
            let level = (0..=top)
                .rev()
                .find(|&l| at(l).iter().sum::<usize>() + gaps <= total)
                .unwrap_or(0);
            row.iter().copied().zip(at(level)).collect()
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
    let headers: Vec<(Cell, String)> = open.iter().map(|c| (header(c, style), points(c))).collect();
    let measures: Vec<Measure> = open
        .iter()
        .zip(&headers)
        .map(|(c, (h, p))| Measure::of(c, h, p))
        .collect();
    for (r, row) in layout(&measures, width).iter().enumerate() {
        if r > 0 {
            writeln!(w)?;
        }
        let widths: Vec<usize> = row.iter().map(|&(_, cw)| cw).collect();
        let mut lines: Vec<Vec<Cell>> = vec![
            row.iter()
                .map(|&(i, _)| Cell {
                    plain: headers[i].0.plain.clone(),
                    painted: headers[i].0.painted.clone(),
                })
                .collect(),
            row.iter()
                .map(|&(i, _)| Cell::plain(headers[i].1.clone()))
                .collect(),
            row.iter()
                .map(|&(_, cw)| Cell::plain("-".repeat(cw)))
                .collect(),
        ];
        let bodies: Vec<Vec<String>> = row
            .iter()
            .map(|&(i, cw)| card_lines(open[i], &measures[i], cw))
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
            writeln!(w, "{}", join(cells, &widths))?;
        }
    }
    let mut footer: Vec<String> = board
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
    if !board.epics.is_empty() {
        footer.push(format!(
            "{} not shown",
            counted(board.epics.len(), "epic", "epics")
        ));
    }
    if !footer.is_empty() {
        let one_line = footer.join("; ");
        let fits = width.is_none_or(|total| width_of(&one_line) <= total);
        let sep = if fits { "; " } else { "\n" };
        writeln!(w, "\n{}", footer.join(sep))?;
    }
    Ok(())
}

/// One line of a row of columns: each cell padded to its column's width
/// and `GAP` apart, nothing after the last cell with text.
fn join(cells: &[Cell], widths: &[usize]) -> String {
    let Some(last) = cells.iter().rposition(|c| !c.plain.is_empty()) else {
        return String::new();
    };
    let mut s = String::new();
    for (j, c) in cells.iter().enumerate().take(last + 1) {
        s.push_str(&c.painted);
        if j != last {
            let pad = widths[j].saturating_sub(width_of(&c.plain)) + GAP;
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
            writeln!(w, "- **{}** {}{est}", escape(&card.id), escape(&card.title))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn m(narrowest: usize, natural: usize) -> Measure {
        Measure {
            id_w: 4,
            est_w: 1,
            narrowest,
            natural,
        }
    }

    #[test]
    fn columns_wrap_into_rows_of_as_many_as_fit() {
        let ms = [m(16, 30), m(16, 30), m(20, 20), m(16, 16)];
        // 16 + 2 + 16 = 34 fits in 40, a third does not.
        let rows = layout(&ms, Some(40));
        let shape: Vec<Vec<usize>> = rows
            .iter()
            .map(|r| r.iter().map(|&(i, _)| i).collect())
            .collect();
        assert_eq!(shape, [vec![0, 1], vec![2, 3]]);
        // The spare room is shared evenly: 19 + 2 + 19 = 40.
        assert_eq!(rows[0], [(0, 19), (1, 19)]);
        // No column wider than its whole titles need.
        assert_eq!(rows[1], [(2, 20), (3, 16)]);
        // Without a width: one row, natural widths.
        assert_eq!(
            layout(&ms, None),
            [vec![(0, 30), (1, 30), (2, 20), (3, 16)]]
        );
        // Narrower than any column: one a row, never below its narrowest.
        assert_eq!(layout(&ms[..2], Some(10)), [vec![(0, 16)], vec![(1, 16)]]);
    }

    #[test]
    fn over_the_limit_reads_as_text_and_in_colour() {
        use crate::views::board::Wip;
        let mut c = Column {
            status: "in-progress".into(),
            done: false,
            in_workflow: true,
            cards: Vec::new(),
            points: 0.0,
            unestimated: 0,
            wip: Some(Wip {
                limit: 4,
                count: 5,
                over: true,
            }),
        };
        let plain = header(&c, Style { color: false });
        assert_eq!(plain.plain, "in-progress 0 (5/4 over)");
        assert_eq!(plain.painted, plain.plain);
        let coloured = header(&c, Style { color: true });
        assert_eq!(coloured.plain, plain.plain);
        assert_eq!(
            coloured.painted,
            "\x1b[1min-progress\x1b[0m 0 (\x1b[1;31m5/4 over\x1b[0m)"
        );
        c.wip = None;
        assert_eq!(header(&c, Style { color: false }).plain, "in-progress 0");
    }
}
