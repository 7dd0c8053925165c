use std::io::Write;
use std::path::{Path, PathBuf};

use super::{CliError, Context, Exit, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The common ancestor's version of the file (git's `%O`).
    pub base: PathBuf,
    /// Our version (`%A`); the merged file replaces it.
    pub ours: PathBuf,
    /// Their version (`%B`).
    pub theirs: PathBuf,
    /// The file's path in the repository (`%P`): whether it is a story or a
    /// sprint, and the name in conflict markers and messages.
    pub path: Option<String>,
}

fn read(path: &Path) -> Result<String, CliError> {
    let bytes = std::fs::read(path)
        .map_err(|e| CliError::new(format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|_| {
        CliError::new(format!(
            "{} is not UTF-8 text; nothing was merged",
            path.display()
        ))
        .hint("merge this file by hand")
    })
}

pub fn run(ctx: &Context, args: Args, _out: &mut dyn Write) -> Outcome {
    let (base, ours, theirs) = (read(&args.base)?, read(&args.ours)?, read(&args.theirs)?);
    let merged = crate::edit::merge::merge(&base, &ours, &theirs, args.path.as_deref());
    let meta = std::fs::metadata(&args.ours)
        .map_err(|e| CliError::new(format!("cannot read {}: {e}", args.ours.display())))?;
    crate::edit::atomic::stage(&args.ours, merged.text.as_bytes(), Some(&meta))
        .and_then(|staged| staged.commit())
        .map_err(|e| CliError::new(format!("cannot write {}: {e}", args.ours.display())))?;
    let name = args
        .path
        .clone()
        .unwrap_or_else(|| args.ours.display().to_string());
    let mut report = Vec::new();
    crate::render::merge::report(&mut report, &name, &merged)?;
    let report = String::from_utf8_lossy(&report);
    if !report.is_empty() {
        ctx.note(report.trim_end());
    }
    Ok(Exit::findings_if(!merged.conflicts.is_empty()))
}
