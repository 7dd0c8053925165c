use std::io::Write;

use super::{CliError, Context, Exit, Outcome};
use crate::views::score::scores;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Include finished stories.
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let s = &ctx.snapshot()?;
    let Some(model) = &s.config.scoring else {
        return Err(CliError::new("no scoring model is configured").hint("add `scoring: wsjf` (or rice, ice, moscow, value_effort, weighted) to backlog.yaml; docs/prioritisation.md explains each"));
    };
    let rows = scores(s, model, args.all);
    match args.format {
        Format::Json => crate::render::score::json(out, model, &rows)?,
        Format::Table => crate::render::score::table(out, model, &rows)?,
    }
    Ok(Exit::Clean)
}
