use std::io::Write;

use super::{Context, Exit, Outcome};
use crate::model::diagnostic::Severity;
use crate::render::diagnostics::{self as report, Summary};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How to print findings: compiler-style text, one JSON document,
    /// GitHub Actions annotations, SARIF 2.1.0 (GitHub code scanning), or
    /// GitLab's code-quality report.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Also run the rules that compare with a base revision (decisions
    /// rewritten, done stories reopened without a note, ...), e.g.
    /// `--since origin/main`.
    #[arg(long, value_name = "BASE")]
    pub since: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
    Sarif,
    Gitlab,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let owned = ctx.snapshot_as_is()?;
    let snapshot = &owned;
    let findings = match &args.since {
        None => crate::check::check_on(snapshot, ctx.today),
        Some(base) => {
            let revisions = ctx.revisions(None)?;
            let commit = revisions.git.resolve(base)?;
            let base_snapshot = crate::load::revision::at_or_empty(&revisions, commit)?;
            crate::check::check_since(snapshot, &base_snapshot, ctx.today)
        }
    };
    let summary = Summary::new(
        &findings,
        snapshot.stories.len() + snapshot.unreadable_ids.len(),
        snapshot.sprints.len(),
    );
    match args.format {
        CheckFormat::Human => report::human(out, &findings, &summary),
        CheckFormat::Json => report::json(out, &findings, &summary),
        CheckFormat::Github => report::github(out, &findings, &summary),
        CheckFormat::Sarif => report::sarif(out, &findings),
        CheckFormat::Gitlab => report::gitlab(out, &findings),
    }?;
    let exit = Exit::findings_if(findings.iter().any(|f| f.severity == Severity::Error));
    // The process ends after this command: its memory goes back to the
    // system at once, rather than being freed one story at a time (a
    // measurable part of checking 100,000 stories).
    std::mem::forget(findings);
    std::mem::forget(owned);
    Ok(exit)
}
