use std::io::Write;

use super::{Context, Exit, Outcome};
use crate::git::ConfigValue;
use crate::plan::git_setup::Step;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub fn run(ctx: &Context, _args: Args, out: &mut dyn Write) -> Outcome {
    let tree = ctx.work_tree()?;
    let steps = crate::plan::git_setup::git_setup(tree.root())?;
    print(&steps, out)?;
    Ok(Exit::Clean)
}

/// Says what the set-up wrote and what was there already.
pub fn print(steps: &[Step], out: &mut dyn Write) -> std::io::Result<()> {
    for step in steps {
        match step {
            Step::Attributes { line, added: true } => {
                writeln!(out, "wrote `{line}` to .gitattributes (commit it: the whole team merges stories this way)")?
            }
            Step::Attributes { line, added: false } => {
                writeln!(out, "unchanged: .gitattributes has `{line}`")?
            }
            Step::Config {
                key,
                value,
                outcome: ConfigValue::Set,
            } => writeln!(out, "wrote `{key} = {value}` to .git/config")?,
            Step::Config {
                key,
                value,
                outcome: ConfigValue::Unchanged,
            } => writeln!(out, "unchanged: .git/config has `{key} = {value}`")?,
            Step::Config {
                key,
                outcome: ConfigValue::Kept(v),
                ..
            } => writeln!(out, "kept: .git/config has `{key} = {v}`, set before")?,
        }
    }
    Ok(())
}
