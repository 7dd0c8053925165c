use std::io::Write;

use super::{Context, Exit, Outcome};
use crate::edit::fmt::normalise;
use crate::edit::write::{write_texts, NewText};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write nothing; list the files that would change and exit 1 if any.
    #[arg(long)]
    pub check: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let o = &ctx.open_tree()?;
    let s = &o.snapshot;
    let docs = s
        .stories
        .iter()
        .map(|x| (&x.doc, crate::model::field::story_order()))
        .chain(
            s.sprints
                .iter()
                .map(|x| (&x.doc, crate::model::field::SPRINT_ORDER)),
        );
    let mut changed = Vec::new();
    let mut skipped = 0;
    for (doc, order) in docs {
        match normalise(&doc.text, order) {
            Ok(text) if text != doc.text => changed.push(NewText {
                path: o.tree.fs_path(&doc.path),
                display: doc.path.clone(),
                original: doc.text.clone(),
                text,
            }),
            Ok(_) => {}
            Err(_) => skipped += 1,
        }
    }
    let verb = if args.check {
        "would reformat"
    } else {
        "reformatted"
    };
    if !args.check {
        write_texts(&changed)?;
    }
    for c in &changed {
        writeln!(out, "{verb} {}", c.display.display())?;
    }
    let unreadable = s.unreadable_ids.len() + skipped;
    if unreadable > 0 {
        writeln!(
            out,
            "left alone: {unreadable} files that do not parse (see `backlog check`)"
        )?;
    }
    if changed.is_empty() {
        writeln!(
            out,
            "all {} files are formatted",
            s.stories.len() + s.sprints.len()
        )?;
    }
    Ok(Exit::findings_if(args.check && !changed.is_empty()))
}
