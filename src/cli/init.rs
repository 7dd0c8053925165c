use std::io::Write;
use std::path::PathBuf;

use super::{io_error, CliError, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(dir: Option<PathBuf>, _args: Args, out: &mut dyn Write) -> Outcome {
    let dir = dir.unwrap_or_else(|| PathBuf::from(".backlog"));
    let files = crate::plan::init::init(&dir).map_err(|e| CliError::new(e.to_string()))?;
    for f in files {
        writeln!(out, "created {}", f.display()).map_err(io_error)?;
    }
    writeln!(
        out,
        "next: edit {}/backlog.yaml, then run `backlog check`",
        dir.display()
    )
    .map_err(io_error)?;
    Ok(0)
}
