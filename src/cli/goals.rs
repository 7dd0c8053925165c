use std::io::Write;

use super::{Context, Exit, Outcome};
use crate::render::goals::{render, GoalsFormat};
use crate::views::goals::goals;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Md,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let snapshot = ctx.snapshot()?;
    let format = match args.format {
        Format::Text => GoalsFormat::Text,
        Format::Json => GoalsFormat::Json,
        Format::Md => GoalsFormat::Md,
    };
    render(out, &goals(&snapshot), format)?;
    Ok(Exit::Clean)
}
