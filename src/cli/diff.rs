use std::io::Write;
use std::path::PathBuf;

use super::{CliError, Context, Exit, Outcome};
use crate::compare::diff::diff;
use crate::load::revision;
use crate::model::Snapshot;
use crate::render::diff as diff_report;
use crate::render::text::Style;
use crate::source::revision::RevSpec;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to compare: nothing (the merge base with the default branch
    /// against the working tree), `BASE` (against the working tree),
    /// `BASE..HEAD` (two revisions) or `BASE...HEAD` (from their merge base).
    #[arg(value_name = "BASE[..HEAD]")]
    pub spec: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Print one story file in product terms, for git's textconv
    /// (`git config diff.backlog.textconv "backlog diff --textconv"`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["spec"])]
    pub textconv: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Text,
    Md,
    Json,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    if let Some(file) = &args.textconv {
        return textconv(file, out);
    }
    let spec = args.spec.as_deref().map(RevSpec::parse);
    let head_rev = match &spec {
        Some(RevSpec::Range { head, .. } | RevSpec::FromMergeBase { head, .. }) => {
            Some(head.as_str())
        }
        _ => None,
    };
    let revisions = ctx.revisions(head_rev)?;
    let working_tree =
        || -> Result<Snapshot, CliError> { Ok(crate::load::load(&ctx.work_tree()?)?) };
    let (base_name, base, head_name, head) = match &spec {
        None => {
            let (name, default) = revisions.git.default_branch().ok_or_else(|| {
                CliError::new("no default branch to compare with (origin/HEAD, main or master)")
                    .hint("name the base: `backlog diff BASE` or `backlog diff BASE..HEAD`")
            })?;
            let head = revisions.git.resolve("HEAD")?;
            let base = revisions.git.merge_base(head, default)?;
            (
                format!("merge-base({name}, HEAD)"),
                revision::at_or_empty(&revisions, base)?,
                "working tree".to_string(),
                working_tree()?,
            )
        }
        Some(RevSpec::Rev(rev)) => {
            let commit = revisions.git.resolve(rev)?;
            (
                rev.clone(),
                revision::at_or_empty(&revisions, commit)?,
                "working tree".to_string(),
                working_tree()?,
            )
        }
        Some(s @ (RevSpec::Range { base, head } | RevSpec::FromMergeBase { base, head })) => {
            let r = revisions.resolve(Some(s))?;
            let (old, new) = revision::pair(&revisions, r.base.unwrap_or(r.head), r.head)?;
            let name = match s {
                RevSpec::FromMergeBase { .. } => format!("merge-base({base}, {head})"),
                _ => base.clone(),
            };
            (name, old, head.clone(), new)
        }
    };
    let d = diff(&base, &head, &base_name, &head_name, ctx.today);
    match args.format {
        DiffFormat::Text => diff_report::text(out, &d, Style { color: ctx.color }),
        DiffFormat::Md => diff_report::markdown(out, &d),
        DiffFormat::Json => diff_report::json(out, &d),
    }?;
    // The process ends after this command: its memory goes back to the
    // system at once, rather than being freed one story at a time.
    std::mem::forget(d);
    std::mem::forget((base, head));
    Ok(Exit::Clean)
}

/// One story file as lines of product terms, for git's textconv; a file
/// that is not a readable story is shown as it is.
fn textconv(file: &std::path::Path, out: &mut dyn Write) -> Outcome {
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::new(format!("cannot read {}: {e}", file.display())))?;
    match crate::load::story_from_bytes(file.to_path_buf(), bytes.clone()) {
        Some(story) => crate::render::show::textconv(out, &story)?,
        None => out.write_all(&bytes)?,
    }
    Ok(Exit::Clean)
}
