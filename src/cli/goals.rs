use std::io::Write;

use super::Format;
use super::{Context, Exit, Outcome};
use crate::render::goals::render;
use crate::views::goals::goals;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let snapshot = ctx.snapshot()?;
    render(out, &goals(&snapshot), args.format.into())?;
    Ok(Exit::Clean)
}
