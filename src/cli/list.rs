use std::io::Write;

use super::{CliError, Context, Exit, Outcome};
use crate::render::list::{render, ListFormat};
use crate::views::list::{rows, Filter};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Md,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only stories with this status (repeat for several).
    #[arg(long, value_name = "STATUS")]
    pub status: Vec<String>,
    /// Only stories planned into this sprint.
    #[arg(long, value_name = "SPRINT")]
    pub sprint: Vec<String>,
    /// Only stories with this label.
    #[arg(long, value_name = "LABEL")]
    pub label: Vec<String>,
    /// Only stories of this epic.
    #[arg(long, value_name = "ID")]
    pub epic: Vec<String>,
    /// Only stories of this kind (story, bug, spike, epic, chore).
    #[arg(long, value_name = "KIND")]
    pub kind: Vec<String>,
    /// Only stories serving this goal.
    #[arg(long, value_name = "GOAL")]
    pub goal: Vec<String>,
    /// Only stories this stakeholder asked for.
    #[arg(long, value_name = "NAME")]
    pub stakeholder: Vec<String>,
    /// Leave out stories in a done status.
    #[arg(long)]
    pub open: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let owned = ctx.snapshot_fields()?;
    let snapshot = &owned;
    let filter = Filter {
        status: args.status,
        sprint: args.sprint,
        label: args.label,
        epic: args.epic,
        kind: args.kind,
        goal: args.goal,
        stakeholder: args.stakeholder,
        open: args.open,
    };
    filter.validate(snapshot).map_err(|e| {
        let hint = e.hint();
        CliError::new(e.to_string()).hint(hint)
    })?;
    let rows = rows(snapshot, &filter);
    let with_score = snapshot.config.scoring.is_some();
    let format = match args.format {
        Format::Table => ListFormat::Table,
        Format::Json => ListFormat::Json,
        Format::Md => ListFormat::Md,
        Format::Csv => ListFormat::Csv,
    };
    if format == ListFormat::Md {
        // A page about the backlog starts with what it is for.
        crate::render::goals::markdown(out, &crate::views::goals::goals(snapshot))?;
    }
    render(out, &rows, format, ctx.width, with_score)?;
    // The process ends after this command: its memory goes back to the
    // system at once, rather than being freed one story at a time.
    std::mem::forget(rows);
    std::mem::forget(owned);
    Ok(Exit::Clean)
}
