use std::io::Write;

use super::{CliError, Context, Exit, Outcome};
use crate::render::show::{render, ShowFormat};
use crate::views::show::view;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The story's id, e.g. S-42.
    pub id: String,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let owned = ctx.snapshot_of(&[&args.id])?;
    let snapshot = &owned;
    let story = super::story(snapshot, &args.id)?;
    let v = view(snapshot, story.id.as_str())
        .ok_or_else(|| CliError::internal(format!("`{}` vanished from its snapshot", args.id)))?;
    let format = match args.format {
        Format::Text => ShowFormat::Text,
        Format::Json => ShowFormat::Json,
    };
    render(out, &v, format)?;
    // The process ends after this command: its memory goes back to the
    // system at once, rather than being freed one story at a time.
    std::mem::forget(v);
    std::mem::forget(owned);
    Ok(Exit::Clean)
}
