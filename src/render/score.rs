//! `score` output, and the order a model suggests (`rank --by`).

use std::io::{self, Write};

use serde::Serialize;

use crate::model::score::{format_score, ScoringModel};
use crate::views::score::ScoreRow;

/// `score` as JSON: the model, its formula, and every row.
pub fn json(w: &mut dyn Write, model: &ScoringModel, rows: &[ScoreRow]) -> io::Result<()> {
    #[derive(Serialize)]
    struct Report<'a> {
        model: &'a str,
        formula: &'a str,
        stories: &'a [ScoreRow],
    }
    let report = Report {
        model: model.name(),
        formula: &model.formula(),
        stories: rows,
    };
    super::json::value(w, &report)
}

/// `score` as a table: inputs, score, title; missing inputs listed below.
pub fn table(w: &mut dyn Write, model: &ScoringModel, rows: &[ScoreRow]) -> io::Result<()> {
    let inputs = model.inputs();
    writeln!(w, "{}: {}", model.name(), model.formula())?;
    let widths: Vec<usize> = inputs.iter().map(|k| k.len().max(4)).collect();
    let mut header = format!("{:>3}  {:<8}", "#", "ID");
    for (k, wd) in inputs.iter().zip(&widths) {
        header.push_str(&format!("  {k:>wd$}"));
    }
    header.push_str(&format!("  {:>6}  TITLE", "SCORE"));
    writeln!(w, "{header}")?;
    for r in rows {
        let mut line = format!("{:>3}  {:<8}", r.position, r.id);
        for ((_, v), wd) in r.inputs.iter().zip(&widths) {
            line.push_str(&format!("  {:>wd$}", v.as_deref().unwrap_or("?")));
        }
        let score = r.score.map(format_score).unwrap_or_else(|| "-".into());
        line.push_str(&format!("  {score:>6}  {}", r.title));
        writeln!(w, "{line}")?;
    }
    let missing: Vec<&ScoreRow> = rows.iter().filter(|r| r.score.is_none()).collect();
    if !missing.is_empty() {
        writeln!(
            w,
            "\nnot scored (? = missing input, never counted as zero):"
        )?;
        for r in missing {
            writeln!(w, "  {}: {}", r.id, r.missing.join(", "))?;
        }
    }
    Ok(())
}
