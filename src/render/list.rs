//! `list` output: a table fitted to the terminal, JSON, Markdown, CSV.

use std::borrow::Cow;
use std::io::{self, Write};

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
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, rows).map_err(io::Error::from)?;
            writeln!(w)
        }
        ListFormat::Md => markdown(w, rows, with_score),
        ListFormat::Csv => csv(w, rows, with_score),
    }
}

fn header_and_cells<'a>(
    rows: &'a [Row<'a>],
    with_score: bool,
) -> (Vec<&'static str>, Vec<Vec<Cow<'a, str>>>) {
    let mut header = HEADERS.to_vec();
    if with_score {
        header.insert(7, "SCORE");
    }
    let body = rows
        .iter()
        .map(|r| {
            let mut c = Vec::with_capacity(header.len());
            c.extend(cells(r));
            if with_score {
                c.insert(7, r.score.map_or("-".into(), |s| format_score(s).into()));
            }
            c
        })
        .collect();
    (header, body)
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
    let (header, mut body) = header_and_cells(rows, with_score);
    for row in &mut body {
        for cell in row.iter_mut() {
            if let Cow::Owned(safe) = printable(cell) {
                *cell = Cow::Owned(safe);
            }
        }
    }
    let columns_in = header.len();
    // Every cell's width, measured once.
    let cell_widths: Vec<usize> = body
        .iter()
        .flat_map(|r| r.iter().map(|c| width_of(c)))
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| width_of(h)).collect();
    for row in cell_widths.chunks(columns_in) {
        for (w, &c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c);
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
    let mut line = String::new();
    let mut write_line = |cells: &mut dyn Iterator<Item = (&str, usize)>| -> io::Result<()> {
        line.clear();
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
                line.push_str(text);
                continue;
            }
            let pad = widths[c].saturating_sub(text_width);
            if right_aligned(c) {
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(text);
            } else {
                line.push_str(text);
                line.extend(std::iter::repeat_n(' ', pad));
            }
            line.push_str("  ");
        }
        writeln!(w, "{}", line.trim_end())
    };
    write_line(&mut header.iter().map(|h| (*h, width_of(h))))?;
    for (row, row_widths) in body.iter().zip(cell_widths.chunks(columns_in)) {
        write_line(&mut row.iter().map(|c| &**c).zip(row_widths.iter().copied()))?;
    }
    Ok(())
}

fn markdown(w: &mut dyn Write, rows: &[Row], with_score: bool) -> io::Result<()> {
    let (header, body) = header_and_cells(rows, with_score);
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
    for row in body {
        let escaped: Vec<String> = row.iter().map(|c| escape(c)).collect();
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
