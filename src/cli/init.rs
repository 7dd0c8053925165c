use std::io::Write;
use std::path::PathBuf;

use super::{Context, Exit, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Context, _args: Args, out: &mut dyn Write) -> Outcome {
    let dir = ctx.dir.clone().unwrap_or_else(|| PathBuf::from(".backlog"));
    let files = crate::plan::init::init(&dir)?;
    for f in files {
        writeln!(out, "created {}", f.display())?;
    }
    writeln!(
        out,
        "next: edit {}/backlog.yaml, then run `backlog check`",
        dir.display()
    )?;
    Ok(Exit::Clean)
}
