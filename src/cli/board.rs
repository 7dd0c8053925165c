use std::io::Write;

use super::{CliError, Context, Exit, Format, Outcome};
use crate::render::board::render;
use crate::render::text::Style;
use crate::views::board::{board, sprint_scope, Scope};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the stories planned into this sprint; `current` is the sprint
    /// running today. Default: every story (done ones only counted).
    #[arg(long, value_name = "ID")]
    pub sprint: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let snapshot = &ctx.snapshot()?;
    let scope = match &args.sprint {
        None => Scope::All,
        Some(name) => sprint_scope(snapshot, name, ctx.today).map_err(|e| {
            let hint = e.hint();
            CliError::new(e.to_string()).hint(hint)
        })?,
    };
    let board = board(snapshot, &scope);
    let style = Style { color: ctx.color };
    render(out, &board, args.format.into(), ctx.width, style)?;
    Ok(Exit::Clean)
}
