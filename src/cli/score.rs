use std::io::Write;

use serde::Serialize;

use super::{io_error, CliError, Outcome};
use crate::model::score::format_score;
use crate::model::{Kind, Snapshot};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Include finished stories.
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t = ScoreFormat::Table)]
    pub format: ScoreFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ScoreFormat {
    Table,
    Json,
}

#[derive(Serialize)]
struct Row {
    position: usize,
    id: String,
    title: String,
    inputs: Vec<(String, Option<String>)>,
    score: Option<f64>,
    missing: Vec<String>,
}

pub fn run(s: &Snapshot, args: Args, out: &mut dyn Write) -> Outcome {
    let Some(model) = &s.config.scoring else {
        return Err(CliError::new("no scoring model is configured").hint("add `scoring: wsjf` (or rice, ice, moscow, value_effort, weighted) to backlog.yaml; docs/prioritisation.md explains each"));
    };
    let inputs = model.inputs();
    let rows: Vec<Row> = s
        .ranked()
        .into_iter()
        .enumerate()
        .filter(|(_, x)| x.kind != Kind::Epic && (args.all || !s.config.is_done(&x.status)))
        .map(|(i, x)| {
            let (score, missing) = match model.score(x) {
                Ok(v) => (Some(v), Vec::new()),
                Err(m) => (None, m),
            };
            Row {
                position: i + 1,
                id: x.id.to_string(),
                title: x.title.clone(),
                inputs: inputs
                    .iter()
                    .map(|k| (k.clone(), model.input(x, k)))
                    .collect(),
                score,
                missing,
            }
        })
        .collect();
    if args.format == ScoreFormat::Json {
        #[derive(Serialize)]
        struct Report<'a> {
            model: &'a str,
            formula: &'a str,
            stories: &'a [Row],
        }
        serde_json::to_writer_pretty(
            &mut *out,
            &Report {
                model: model.name(),
                formula: &model.formula(),
                stories: &rows,
            },
        )
        .map_err(|e| io_error(e.into()))?;
        writeln!(out).map_err(io_error)?;
        return Ok(0);
    }
    let w = io_error;
    writeln!(out, "{}: {}", model.name(), model.formula()).map_err(w)?;
    let widths: Vec<usize> = inputs.iter().map(|k| k.len().max(4)).collect();
    let mut header = format!("{:>3}  {:<8}", "#", "ID");
    for (k, wd) in inputs.iter().zip(&widths) {
        header.push_str(&format!("  {k:>wd$}"));
    }
    header.push_str(&format!("  {:>6}  TITLE", "SCORE"));
    writeln!(out, "{header}").map_err(w)?;
    for r in &rows {
        let mut line = format!("{:>3}  {:<8}", r.position, r.id);
        for ((_, v), wd) in r.inputs.iter().zip(&widths) {
            line.push_str(&format!("  {:>wd$}", v.as_deref().unwrap_or("?")));
        }
        let score = r.score.map(format_score).unwrap_or_else(|| "-".into());
        line.push_str(&format!("  {score:>6}  {}", r.title));
        writeln!(out, "{line}").map_err(w)?;
    }
    let missing: Vec<&Row> = rows.iter().filter(|r| r.score.is_none()).collect();
    if !missing.is_empty() {
        writeln!(
            out,
            "\nnot scored (? = missing input, never counted as zero):"
        )
        .map_err(w)?;
        for r in missing {
            writeln!(out, "  {}: {}", r.id, r.missing.join(", ")).map_err(w)?;
        }
    }
    Ok(0)
}
