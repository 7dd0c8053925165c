//! `export jira-csv`: the backlog as a file Jira's CSV importer reads.

use std::io::Write;

use super::{Context, Exit, Outcome};
use crate::views::list::{rows, Filter};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub to: To,
}

#[derive(Debug, clap::Subcommand)]
pub enum To {
    /// A CSV file for Jira's CSV importer, in rank order (docs/import.md lists the columns).
    JiraCsv {
        /// Leave out stories in a done status.
        #[arg(long)]
        open: bool,
    },
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let snapshot = &ctx.snapshot()?;
    let To::JiraCsv { open } = args.to;
    let filter = Filter {
        open,
        ..Filter::default()
    };
    let rows = rows(snapshot, &filter);
    crate::render::jira_csv::render(out, snapshot, &rows)?;
    Ok(Exit::Clean)
}
