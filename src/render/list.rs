//! `list` output: a table fitted to the terminal, JSON, Markdown, CSV.

use std::borrow::Cow;
use std::io::{self, Write};

use rayon::prelude::*;

use super::markdown::escape;
use super::text::{printable, truncate, width_of};
use crate::model::fmt_num;
use crate::model::score::format_score;
use crate::views::list::Row;

/// Output formats of `list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Json,
    Md,
    Csv,
}

const HEADERS: [&str; 8] = [
    "#", "ID", "RANK", "STATUS", "KIND", "EST", "SPRINT", "TITLE",
];

fn or_dash<'a>(v: Option<&'a str>) -> Cow<'a, str> {
    v.unwrap_or("-").into()
}

fn cells<'a>(r: &'a Row<'a>) -> [Cow<'a, str>; 8] {
    [
        r.position.to_string().into(),
        r.id.into(),
        or_dash(r.rank.as_deref()),
        r.status.into(),
        r.kind.into(),
        r.estimate.map_or("-".into(), |e| fmt_num(e).into()),
        or_dash(r.sprint),
        r.title.into(),
    ]
}

/// Renders `rows`; `width` limits the table to a terminal's columns.
pub fn render(
    w: &mut dyn Write,
    rows: &[Row],
    format: ListFormat,
    width: Option<usize>,
    with_score: bool,
) -> io::Result<()> {
    match format {
        ListFormat::Table => table(w, rows, width, with_score),
        ListFormat::Json => super::json::rows(w, rows),
        ListFormat::Md => markdown(w, rows, with_score),
        ListFormat::Csv => csv(w, rows, with_score),
    }
}

fn header(with_score: bool) -> Vec<&'static str> {
    let mut header = HEADERS.to_vec();
    if with_score {
        header.insert(7, "SCORE");
    }
    header
}

/// One row's cells, in [`header`]'s order.
fn row_cells<'a>(r: &'a Row<'a>, with_score: bool) -> Vec<Cow<'a, str>> {
    let mut c = Vec::with_capacity(HEADERS.len() + 1);
    c.extend(cells(r));
    if with_score {
        c.insert(7, r.score.map_or("-".into(), |s| format_score(s).into()));
    }
    c
}

fn table(
    w: &mut dyn Write,
    rows: &[Row],
    width: Option<usize>,
    with_score: bool,
) -> io::Result<()> {
    if rows.is_empty() {
        return writeln!(w, "no stories match");
    }
    let header = header(with_score);
    // Every cell made printable and measured once, rows on every core.
    let body: Vec<Vec<(Cow<str>, usize)>> = rows
        .par_iter()
        .map(|r| {
            row_cells(r, with_score)
                .into_iter()
                .map(|cell| {
                    let escaped = match printable(&cell) {
                        Cow::Owned(safe) => Some(safe),
                        Cow::Borrowed(_) => None,
                    };
                    let cell = escaped.map_or(cell, Cow::Owned);
                    let width = width_of(&cell);
                    (cell, width)
                })
                .collect()
        })
        .collect();
    let columns_in = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| width_of(h)).collect();
    for row in &body {
        for (w, (_, c)) in widths.iter_mut().zip(row) {
            *w = (*w).max(*c);
        }
    }
    let mut columns: Vec<usize> = (0..columns_in).collect();
    let title = columns_in - 1;
    // Narrow terminals lose the least useful columns first; #, ID and TITLE stay.
    const MIN_TITLE: usize = 16;
    let drop_order = ["KIND", "SCORE", "SPRINT", "RANK", "EST", "STATUS"];
    let fixed = |columns: &[usize]| -> usize {
        columns
            .iter()
            .filter(|&&c| c != title)
            .map(|&c| widths[c] + 2)
            .sum()
    };
    if let Some(total) = width {
        for name in drop_order {
            if fixed(&columns) + MIN_TITLE <= total {
                break;
            }
            columns.retain(|&c| header[c] != name);
        }
        widths[title] = widths[title].min(total.saturating_sub(fixed(&columns)).max(MIN_TITLE));
    }
    let right_aligned = |c: usize| matches!(header[c], "#" | "RANK" | "EST" | "SCORE");
    // One line, its trailing blanks dropped, added to `out`.
    let line = |out: &mut String, cells: &mut dyn Iterator<Item = (&str, usize)>| {
        let start = out.len();
        for (c, (cell, cell_width)) in cells.enumerate() {
            if !columns.contains(&c) {
                continue;
            }
            let cut;
            let (text, text_width) = if cell_width > widths[c] {
                cut = truncate(cell, widths[c]);
                (cut.as_str(), width_of(&cut))
            } else {
                (cell, cell_width)
            };
            if c == title {
                out.push_str(text);
                continue;
            }
            let pad = widths[c].saturating_sub(text_width);
            if right_aligned(c) {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(text);
            } else {
                out.push_str(text);
                out.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str("  ");
        }
        let kept = out[start..].trim_end().len();
        out.truncate(start + kept);
        out.push('\n');
    };
    let mut head = String::new();
    line(&mut head, &mut header.iter().map(|h| (*h, width_of(h))));
    w.write_all(head.as_bytes())?;
    // Lines made in blocks on every core, written in order.
    let blocks: Vec<String> = body
        .par_chunks(1024)
        .map(|rows| {
            let mut out = String::new();
            for row in rows {
                line(&mut out, &mut row.iter().map(|(c, width)| (&**c, *width)));
            }
            out
        })
        .collect();
    for block in blocks {
        w.write_all(block.as_bytes())?;
    }
    Ok(())
}

fn markdown(w: &mut dyn Write, rows: &[Row], with_score: bool) -> io::Result<()> {
    let header = header(with_score);
    writeln!(w, "| {} |", header.join(" | "))?;
    let aligns: Vec<&str> = header
        .iter()
        .map(|h| {
            if matches!(*h, "#" | "RANK" | "EST" | "SCORE") {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    writeln!(w, "| {} |", aligns.join(" | "))?;
    for row in rows {
        let escaped: Vec<String> = row_cells(row, with_score)
            .iter()
            .map(|c| escape(c))
            .collect();
        writeln!(w, "| {} |", escaped.join(" | "))?;
    }
    Ok(())
}

fn csv(w: &mut dyn Write, rows: &[Row], with_score: bool) -> io::Result<()> {
    let mut header = vec![
        "position", "id", "rank", "status", "kind", "estimate", "sprint", "title", "labels",
        "epic", "goal",
    ];
    if with_score {
        header.push("score");
    }
    write!(w, "{}", super::csv::line(&header))?;
    for r in rows {
        let mut fields = vec![
            r.position.to_string(),
            r.id.to_string(),
            r.rank.clone().unwrap_or_default(),
            r.status.to_string(),
            r.kind.to_string(),
            r.estimate.map(fmt_num).unwrap_or_default(),
            r.sprint.unwrap_or_default().to_string(),
            r.title.to_string(),
            r.labels.join(";"),
            r.epic.unwrap_or_default().to_string(),
            r.goal.unwrap_or_default().to_string(),
        ];
        if with_score {
            fields.push(r.score.map(format_score).unwrap_or_default());
        }
        write!(w, "{}", super::csv::line(&fields))?;
    }
    Ok(())
}
