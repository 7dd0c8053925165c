use std::io::Write;
use std::path::PathBuf;

use super::{CliError, Context, Exit, Outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Create it even though a backlog folder above this one would be found
    /// first (a second, nested backlog).
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    if ctx.dir.is_none() && !args.force {
        // Commands run here would keep finding the backlog above.
        let found = crate::source::discover(None, &ctx.cwd).ok();
        // One right here is `init`'s own "already exists" case.
        if let Some(existing) = found.filter(|t| t.root() != ctx.cwd.join(".backlog")) {
            use crate::source::Source;
            return Err(CliError::new(format!(
                "there is already a backlog at {}, which commands run here use",
                existing.display_root().display()
            ))
            .hint("use that one, or pass --force to create a second backlog here"));
        }
    }
    let dir = ctx.dir.clone().unwrap_or_else(|| PathBuf::from(".backlog"));
    let files = crate::plan::init::init(&dir)?;
    for f in files {
        writeln!(out, "created {}", f.display())?;
    }
    // In a git repository, stories and sprints merge field by field.
    match crate::plan::git_setup::git_setup(&ctx.cwd.join(&dir)) {
        Ok(steps) => super::git_setup::print(&steps, out)?,
        Err(crate::plan::git_setup::SetupError::Git(crate::git::GitError::NotARepository {
            ..
        })) => writeln!(
            out,
            "not in a git repository: after `git init`, run `backlog git-setup` so that git merges stories field by field"
        )?,
        Err(e) => ctx.note(&format!(
            "warning: git was not set up to merge stories field by field: {e}; see `backlog git-setup`"
        )),
    }
    writeln!(
        out,
        "next: edit {}/backlog.yaml, then run `backlog check`",
        dir.display()
    )?;
    Ok(Exit::Clean)
}
