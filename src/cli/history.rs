//! `log`, `blame` and `decisions`: the audit trail read from git.

use std::io::Write;

use super::Format;
use super::{CliError, Context, Exit, Outcome};
use crate::history::index::{history_about, history_to, Wanted};
use crate::history::{build, History, Options, Subject};
use crate::model::date::Date;
use crate::render::history as render;
use crate::source::revision::{RevSpec, Revisions};
use crate::views::history::{blame, decisions, log, LogFilter};

#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// Story or sprint ids to show, and/or a revision range (`v1.0..HEAD`;
    /// an omitted side means HEAD, `A...B` starts at their merge base).
    #[arg(value_name = "ID|RANGE")]
    pub args: Vec<String>,
    /// Only changes of this field (rank, status, estimate, sprint, epic,
    /// goal, labels, title, criteria, added, removed, renamed, decision,
    /// feedback, config…); repeat for several.
    #[arg(long, value_name = "FIELD")]
    pub field: Vec<String>,
    /// The priority audit: every rank change with old and new position.
    #[arg(long)]
    pub priority: bool,
    /// Only commits on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only commits on or before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only commits whose author name or email contains this text.
    #[arg(long, value_name = "TEXT")]
    pub author: Option<String>,
    /// Oldest first.
    #[arg(long)]
    pub reverse: bool,
    /// Follow merged branches' own commits too (default: first parent only).
    #[arg(long)]
    pub all_parents: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct BlameArgs {
    /// The story's id.
    pub id: String,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct DecisionsArgs {
    /// Only this sprint's review.
    pub sprint: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn parse_date(flag: &str, s: &Option<String>) -> Result<Option<Date>, CliError> {
    s.as_ref()
        .map(|d| {
            Date::parse(d).ok_or_else(|| {
                CliError::new(format!("{flag} `{d}` is not a date"))
                    .hint("write it like 2026-11-02")
            })
        })
        .transpose()
}

/// The history up to `--at` (default HEAD), from the index, with the
/// revisions it was read through.
fn history_at(
    ctx: &Context,
    opts: &Options,
) -> Result<(Revisions, crate::git::Oid, History), CliError> {
    history_at_about(ctx, opts, None)
}

/// [`history_at`]; with `wanted`, only the events about the subjects it
/// keeps ([`history_about`]).
fn history_at_about(
    ctx: &Context,
    opts: &Options,
    wanted: Option<Wanted>,
) -> Result<(Revisions, crate::git::Oid, History), CliError> {
    let revisions = ctx.revisions(None)?;
    let spec = ctx.at.as_deref().map(RevSpec::parse);
    let tip = revisions.resolve(spec.as_ref())?.head;
    let (git, rel) = (&revisions.git, &revisions.rel);
    let history = match wanted {
        Some(wanted) => history_about(git, rel, tip, opts, wanted)?,
        None => history_to(git, rel, tip, opts)?,
    };
    Ok((revisions, tip, history))
}

pub fn run_log(ctx: &Context, args: LogArgs, out: &mut dyn Write) -> Outcome {
    let (ranges, ids): (Vec<&String>, Vec<&String>) =
        args.args.iter().partition(|a| RevSpec::is_range(a));
    if ranges.len() > 1 {
        return Err(CliError::new("give at most one revision range"));
    }
    let opts = Options {
        all_parents: args.all_parents,
    };
    let mut fields = args.field.clone();
    if args.priority {
        fields.push("rank".into());
    }
    let filter = LogFilter {
        ids: ids.into_iter().cloned().collect(),
        fields,
        since: parse_date("--since", &args.since)?,
        until: parse_date("--until", &args.until)?,
        author: args.author.clone(),
        reverse: args.reverse,
    };
    // Whole histories come from the index (.git/backlog); ranges are built.
    let about = |s: &Subject| filter.wants(s);
    let wanted: Option<Wanted> = (!filter.ids.is_empty()).then_some(&about);
    let history = match ranges.first() {
        None => history_at_about(ctx, &opts, wanted)?.2,
        Some(range) => {
            let spec = RevSpec::parse(range);
            let head = match &spec {
                RevSpec::Range { head, .. } | RevSpec::FromMergeBase { head, .. } => head.clone(),
                RevSpec::Rev(r) => r.clone(),
            };
            let revisions = ctx.revisions(Some(&head))?;
            let r = revisions.resolve(Some(&spec))?;
            build(&revisions.git, &revisions.rel, &r.tips, &r.hidden, &opts)?
        }
    };
    // An id the history never mentions is a typo, not "no changes".
    for id in &filter.ids {
        let known = history
            .events
            .iter()
            .any(|e| crate::views::history::mentions(e, id));
        if !known {
            // Every subject's name, to suggest one: the whole history.
            let history = match (ranges.first(), wanted) {
                (None, Some(_)) => history_at(ctx, &opts)?.2,
                _ => history,
            };
            let names: std::collections::BTreeSet<String> = history
                .events
                .iter()
                .map(|e| crate::views::history::subject_name(&e.subject))
                .collect();
            let hint =
                match crate::model::suggest::did_you_mean(id, names.iter().map(|n| n.as_str())) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "`backlog list` shows the stories, `backlog log` every change".into(),
                };
            return Err(CliError::new(format!(
                "no story or sprint `{id}` appears in this history"
            ))
            .hint(hint));
        }
    }
    let events = log(&history, &filter);
    render::log(out, &history, &events, args.format.into())?;
    // The process ends after this command: its memory goes back to the
    // system at once, rather than being freed one event at a time.
    drop(events);
    std::mem::forget(history);
    Ok(Exit::Clean)
}

pub fn run_blame(ctx: &Context, args: BlameArgs, out: &mut dyn Write) -> Outcome {
    let mine = |s: &Subject| matches!(s, Subject::Story(id) if *id == args.id);
    let (revisions, tip, history) = history_at_about(ctx, &Options::default(), Some(&mine))?;
    // The file named for the story first; the whole backlog only when no
    // such file holds it (or to say what the id might have been).
    if let Some(story) = crate::load::revision::story_at(&revisions, tip, &args.id)? {
        render::blame(out, &blame(&history, &story), args.format.into())?;
        return Ok(Exit::Clean);
    }
    let snapshot = crate::load::revision::at(&revisions, tip)?
        .ok_or_else(|| CliError::new("the revision has no backlog folder"))?;
    let Some(story) = snapshot.story(&args.id) else {
        let on_disk = ctx
            .work_tree()
            .ok()
            .and_then(|t| crate::load::load(&t).ok())
            .is_some_and(|s| s.story(&args.id).is_some());
        let ids = snapshot.stories.iter().map(|s| s.id.as_str());
        let hint = if on_disk {
            "blame reads committed history; commit the story first".to_string()
        } else {
            match crate::model::suggest::did_you_mean(&args.id, ids) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "`backlog list` shows every story's id".into(),
            }
        };
        return Err(CliError::new(format!(
            "no story has the id `{}` at {}",
            args.id,
            ctx.at.as_deref().unwrap_or("HEAD")
        ))
        .hint(hint));
    };
    render::blame(out, &blame(&history, story), args.format.into())?;
    Ok(Exit::Clean)
}

pub fn run_decisions(ctx: &Context, args: DecisionsArgs, out: &mut dyn Write) -> Outcome {
    let sprints = |s: &Subject| crate::views::history::decisions_read(s, args.sprint.as_deref());
    let (_, _, history) = history_at_about(ctx, &Options::default(), Some(&sprints))?;
    let entries = decisions(&history, args.sprint.as_deref());
    render::decisions(out, &entries, args.format.into())?;
    Ok(Exit::Clean)
}
