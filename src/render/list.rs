//! `list` output: a table fitted to the terminal, JSON, Markdown, CSV.

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

fn cells(r: &Row) -> [String; 8] {
    [
        r.position.to_string(),
        r.id.clone(),
        r.rank.clone().unwrap_or_else(|| "-".into()),
        r.status.clone(),
        r.kind.to_string(),
        r.estimate.map(fmt_num).unwrap_or_else(|| "-".into()),
        r.sprint.clone().unwrap_or_else(|| "-".into()),
        r.title.clone(),
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

fn header_and_cells(rows: &[Row], with_score: bool) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = HEADERS.iter().map(|s| s.to_string()).collect();
    if with_score {
        header.insert(7, "SCORE".into());
    }
    let body = rows
        .iter()
        .map(|r| {
            let mut c = cells(r).to_vec();
            if with_score {
                c.insert(7, r.score.map(format_score).unwrap_or_else(|| "-".into()));
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
    let (header, body) = header_and_cells(rows, with_score);
    let body: Vec<Vec<String>> = body
        .into_iter()
        .map(|r| r.iter().map(|c| printable(c).into_owned()).collect())
        .collect();
    let mut columns: Vec<usize> = (0..header.len()).collect();
    let cell_width = |c: usize| {
        body.iter()
            .map(|r| width_of(&r[c]))
            .chain([width_of(&header[c])])
            .max()
            .unwrap_or(0)
    };
    let title = header.len() - 1;
    // Narrow terminals lose the least useful columns first; #, ID and TITLE stay.
    const MIN_TITLE: usize = 16;
    let drop_order = ["KIND", "SCORE", "SPRINT", "RANK", "EST", "STATUS"];
    if let Some(total) = width {
        for name in drop_order {
            let fixed: usize = columns
                .iter()
                .filter(|&&c| c != title)
                .map(|&c| cell_width(c) + 2)
                .sum();
            if fixed + MIN_TITLE <= total {
                break;
            }
            columns.retain(|&c| header[c] != name);
        }
    }
    let mut widths: Vec<usize> = (0..header.len()).map(cell_width).collect();
    if let Some(total) = width {
        let fixed: usize = columns
            .iter()
            .filter(|&&c| c != title)
            .map(|&c| widths[c] + 2)
            .sum();
        widths[title] = widths[title].min(total.saturating_sub(fixed).max(MIN_TITLE));
    }
    let right_aligned = |c: usize| matches!(header[c].as_str(), "#" | "RANK" | "EST" | "SCORE");
    let line = |cells: &[String]| {
        let mut s = String::new();
        for &c in &columns {
            let text = truncate(&cells[c], widths[c]);
            if c == title {
                s.push_str(&text);
                continue;
            }
            let pad = " ".repeat(widths[c].saturating_sub(width_of(&text)));
            if right_aligned(c) {
                s.push_str(&pad);
                s.push_str(&text);
            } else {
                s.push_str(&text);
                s.push_str(&pad);
            }
            s.push_str("  ");
        }
        s.trim_end().to_string()
    };
    writeln!(w, "{}", line(&header))?;
    for row in &body {
        writeln!(w, "{}", line(row))?;
    }
    Ok(())
}

fn markdown(w: &mut dyn Write, rows: &[Row], with_score: bool) -> io::Result<()> {
    let (header, body) = header_and_cells(rows, with_score);
    writeln!(w, "| {} |", header.join(" | "))?;
    let aligns: Vec<&str> = header
        .iter()
        .map(|h| {
            if matches!(h.as_str(), "#" | "RANK" | "EST" | "SCORE") {
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
            r.id.clone(),
            r.rank.clone().unwrap_or_default(),
            r.status.clone(),
            r.kind.to_string(),
            r.estimate.map(fmt_num).unwrap_or_default(),
            r.sprint.clone().unwrap_or_default(),
            r.title.clone(),
            r.labels.join(";"),
            r.epic.clone().unwrap_or_default(),
            r.goal.clone().unwrap_or_default(),
        ];
        if with_score {
            fields.push(r.score.map(format_score).unwrap_or_default());
        }
        write!(w, "{}", super::csv::line(&fields))?;
    }
    Ok(())
}
