//! `sprint new|plan|start` and `velocity`.

use std::io::Write;

use super::Format;
use super::{CliError, Context, Exit, Outcome};
use crate::edit::line::{text_token, FieldEdit};
use crate::edit::write::{create_file, write_changes, FileChange, NewText};
use crate::model::date::Date;
use crate::plan::sprint::{commitment_token, new_sprint_text, plan_sprint, SprintError};
use crate::render::sprint as render;
use crate::render::text::counted;
use crate::source::Source;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: SprintCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum SprintCommand {
    /// Write sprints/ID.md with its dates, capacity and goal.
    New(NewArgs),
    /// Propose the top of the backlog that fits the sprint; --apply plans it.
    Plan(PlanArgs),
    /// Record the commitment (the stories and points planned now) in the sprint file.
    Start(StartArgs),
    /// Record the review: decisions and feedback appended, statuses set,
    /// follow-up and new stories written, as one change.
    Review(ReviewArgs),
    /// Close the sprint: unfinished stories go to the next sprint or back to
    /// the backlog, recorded in the sprint file.
    Close(CloseArgs),
    /// The sprint report: commitment vs scope (with the commits that changed
    /// it), done and remaining points, review, close, and the burndown.
    Show(ShowArgs),
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The sprint.
    pub id: String,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct CloseArgs {
    /// The sprint that ends.
    pub id: String,
    /// Plan its unfinished stories into this sprint (default: back to the backlog).
    #[arg(long, value_name = "SPRINT")]
    pub carry_over_to: Option<String>,
    /// Whether the sprint goal was met, as the team judged it at the review.
    #[arg(long, value_name = "yes|no", value_parser = ["yes", "no"])]
    pub goal_met: Option<String>,
    /// Write it even if it breaks a rule (the next sprint over its capacity).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Entries are read in order; --note, --follow-up and --new-follow-up belong to the --accept or --reject before them, --note, --story and --new-story to the --feedback before them:

  backlog sprint review 2026-S22 --accept S-8 --note \"Finance signed off\" \\
      --reject S-10 --note \"layout breaks on long invoices\" --new-follow-up \"PDF tables span pages\" \\
      --feedback \"support: wants bulk export\" --new-story \"Bulk export\"

Accepted stories get the first done status (one with unchecked acceptance criteria only with --force, as `status` asks), rejected ones go back to `ready`; new stories are ranked last. Earlier decisions are never rewritten: the sprint file only gains lines. To correct one, decide again with --amends WHY; a finished story rejected so gets `reopened: WHY`."
)]
pub struct ReviewArgs {
    /// The sprint reviewed.
    pub id: String,
    /// The day of the review (default: today); give it before the entries.
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Write it even if it breaks a rule `check` reports as an error, or
    /// accepts a story with unchecked acceptance criteria.
    #[arg(long)]
    pub force: bool,
    /// --accept ID | --reject ID | --feedback "WHO: NOTE", each with --note TEXT,
    /// --follow-up ID | --new-follow-up TITLE | --amends WHY (decisions),
    /// --story ID | --new-story TITLE (feedback).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        required = true,
        value_name = "ENTRY"
    )]
    pub entries: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The sprint's id, which names its file (e.g. 2026-S24).
    pub id: String,
    /// First day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub start: String,
    /// Last day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub end: String,
    /// Story points the team can take on.
    #[arg(long, value_name = "POINTS")]
    pub capacity: Option<String>,
    /// The sprint goal.
    #[arg(long, value_name = "TEXT")]
    pub goal: Option<String>,
    /// Write it even if it breaks a rule (overlapping another sprint).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    /// The sprint to fill.
    pub id: String,
    /// Points to fill up to (default: the sprint's capacity, else the mean
    /// velocity of the last three reviewed sprints).
    #[arg(long, value_name = "POINTS")]
    pub capacity: Option<String>,
    /// Set `sprint:` on the stories picked (one line in each file).
    #[arg(long)]
    pub apply: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct StartArgs {
    /// The sprint that starts.
    pub id: String,
}

#[derive(Debug, clap::Args)]
pub struct VelocityArgs {
    /// Only the last N reviewed sprints.
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn sprint_error(e: SprintError) -> CliError {
    let hint = e.hint();
    CliError::new(e.to_string()).hint(hint)
}

fn points(flag: &str, text: &Option<String>) -> Result<Option<f64>, CliError> {
    text.as_ref()
        .map(|t| {
            crate::model::score::parse_points(t).ok_or_else(|| {
                CliError::new(format!("{flag} `{t}` is not a number of zero or more"))
            })
        })
        .transpose()
}

fn date(flag: &str, text: &str) -> Result<Date, CliError> {
    Date::parse(text).ok_or_else(|| {
        CliError::new(format!("{flag} `{text}` is not a date")).hint("write it like 2026-11-30")
    })
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    match args.command {
        SprintCommand::New(a) => new(ctx, a, out),
        SprintCommand::Plan(a) => plan(ctx, a, out),
        SprintCommand::Start(a) => start(ctx, a, out),
        SprintCommand::Review(a) => review(ctx, a, out),
        SprintCommand::Close(a) => close(ctx, a, out),
        SprintCommand::Show(a) => show(ctx, a, out),
    }
}

fn new(ctx: &Context, a: NewArgs, out: &mut dyn Write) -> Outcome {
    let mut o = ctx.open_tree()?;
    let (start, end) = (date("--start", &a.start)?, date("--end", &a.end)?);
    let capacity = points("--capacity", &a.capacity)?;
    let text = new_sprint_text(&o.snapshot, &a.id, start, end, capacity, a.goal.as_deref())
        .map_err(sprint_error)?;
    let rel = std::path::Path::new("sprints").join(format!("{}.md", a.id));
    let display = o.tree.display_root().join(&rel);
    let path = o.tree.root().join(&rel);
    if !a.force {
        let texts = [NewText {
            path: path.clone(),
            display: display.clone(),
            original: String::new(),
            text: text.clone(),
        }];
        o.refuse_broken(&texts)?;
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| CliError::new(format!("cannot create {}: {e}", dir.display())))?;
    }
    create_file(&path, &display, &text)?;
    writeln!(out, "created {}", display.display())?;
    Ok(Exit::Clean)
}

fn plan(ctx: &Context, a: PlanArgs, out: &mut dyn Write) -> Outcome {
    let capacity = points("--capacity", &a.capacity)?;
    if !a.apply {
        let s = ctx.snapshot()?;
        let p = plan_sprint(&s, &a.id, capacity).map_err(sprint_error)?;
        render::plan(out, &p, false, a.format.into())?;
        return Ok(Exit::Clean);
    }
    let o = ctx.open_tree()?;
    let p = plan_sprint(&o.snapshot, &a.id, capacity).map_err(sprint_error)?;
    let changes: Vec<FileChange> = p
        .picked
        .iter()
        .map(|x| {
            let story = o.story(&x.id)?;
            let edit = FieldEdit {
                key: "sprint".into(),
                token: Some(text_token(&a.id)),
            };
            Ok(FileChange::story(&o.tree, story, vec![edit]))
        })
        .collect::<Result<_, CliError>>()?;
    write_changes(&changes)?;
    render::plan(out, &p, true, a.format.into())?;
    Ok(Exit::Clean)
}

fn start(ctx: &Context, a: StartArgs, out: &mut dyn Write) -> Outcome {
    let o = ctx.open_tree()?;
    let token = commitment_token(&o.snapshot, &a.id, ctx.today).map_err(sprint_error)?;
    let sprint = o
        .snapshot
        .sprint(&a.id)
        .ok_or_else(|| sprint_error(SprintError::Unknown(a.id.clone())))?;
    let edit = FieldEdit {
        key: "commitment".into(),
        token: Some(token.clone()),
    };
    write_changes(&[FileChange::sprint(&o.tree, sprint, vec![edit])])?;
    writeln!(out, "{}: commitment: {token}", a.id)?;
    Ok(Exit::Clean)
}

#[derive(Debug, clap::Args)]
pub struct ForecastArgs {
    /// Draw from the last N reviewed sprints' velocities only.
    #[arg(long, value_name = "N", conflicts_with = "velocity")]
    pub last: Option<usize>,
    /// Use this one velocity instead of the past ones.
    #[arg(long, value_name = "POINTS")]
    pub velocity: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn forecast(ctx: &Context, a: ForecastArgs, out: &mut dyn Write) -> Outcome {
    let s = ctx.snapshot()?;
    let fixed = points("--velocity", &a.velocity)?;
    // No sprint ever ends at a velocity of 0: the forecast would never end.
    if fixed.is_some_and(|v| v <= 0.0) {
        return Err(CliError::new("--velocity must be more than 0 points")
            .hint("give the points a sprint is expected to finish, e.g. --velocity 20"));
    }
    let f = crate::views::forecast::forecast(&s, a.last, fixed, ctx.today).map_err(|e| {
        CliError::new(e.to_string())
            .hint("record a sprint review with accepted stories, or give --velocity N")
    })?;
    render::forecast(out, &f, a.format.into())?;
    Ok(Exit::Clean)
}

pub fn velocity(ctx: &Context, a: VelocityArgs, out: &mut dyn Write) -> Outcome {
    let s = ctx.snapshot()?;
    let v = crate::views::velocity::velocity(&s, a.last);
    render::velocity(out, &v, a.format.into())?;
    Ok(Exit::Clean)
}

fn review(ctx: &Context, a: ReviewArgs, out: &mut dyn Write) -> Outcome {
    use crate::plan::review::{
        parse_entries, plan_review, reopened_edit, status_edit, ReviewError,
    };
    let fail = |e: ReviewError| {
        if let ReviewError::NotDone(why) = &e {
            let hint = why.hint();
            return CliError::new(format!("{e}; nothing was written")).hint(hint);
        }
        let hint = match &e {
            ReviewError::NotInSprint { .. } => "a decision is taken on a story of the sprint; `backlog list --sprint ID` shows them",
            ReviewError::Decided { .. } => "a recorded decision is never rewritten: add the correction with --amends \"why\" after the --accept or --reject",
            ReviewError::Closed(_) => "a closed sprint takes no more decisions",
            ReviewError::UnknownSprint(_) => "`backlog sprint new` creates one",
            ReviewError::NotReadBack { .. } => "this is a bug in backlog: please report it with the title; `backlog new` writes the story meanwhile",
            _ => "`backlog sprint review --help` shows how entries are written",
        };
        CliError::new(format!("{e}; nothing was written")).hint(hint)
    };
    // --force and --date may come after the entries too.
    let mut words = Vec::new();
    let (mut force, mut date_arg) = (a.force, a.date.clone());
    let mut it = a.entries.iter();
    while let Some(w) = it.next() {
        match w.as_str() {
            "--force" => force = true,
            "--date" => date_arg = it.next().cloned(),
            _ => words.push(w.clone()),
        }
    }
    let entries = parse_entries(&words).map_err(fail)?;
    let day = match &date_arg {
        Some(d) => date("--date", d)?,
        None => ctx.today,
    };
    let mut o = ctx.open_tree()?;
    let taken = ctx
        .revisions(None)
        .ok()
        .and_then(|r| r.git.story_names_in_branches(&r.rel).ok())
        .unwrap_or_default();
    let plan = plan_review(&o.snapshot, &a.id, &entries, day, &taken, force).map_err(fail)?;
    let sprint = o
        .snapshot
        .sprint(&a.id)
        .ok_or_else(|| sprint_error(SprintError::Unknown(a.id.clone())))?;
    let has_date = sprint.review.as_ref().is_some_and(|r| r.date.is_some());
    let day_text = day.to_string();
    let sprint_text = crate::edit::line::append_review(
        &sprint.doc.text,
        (!has_date).then_some(day_text.as_str()),
        &plan.decisions,
        &plan.feedback,
    )
    .map_err(|e| CliError::new(format!("{}: {e}", sprint.doc.path.display())))?;
    let mut texts = vec![NewText {
        path: o.tree.fs_path(&sprint.doc.path),
        display: sprint.doc.path.clone(),
        original: sprint.doc.text.clone(),
        text: sprint_text,
    }];
    let changes: Vec<FileChange> = plan
        .statuses
        .iter()
        .map(|c| {
            let mut edits = vec![status_edit(&c.status)];
            edits.extend(c.reopened.as_deref().map(reopened_edit));
            Ok(FileChange::story(
                &o.tree,
                o.story(c.story.as_str())?,
                edits,
            ))
        })
        .collect::<Result<_, CliError>>()?;
    texts.extend(crate::edit::write::edited_texts(&changes)?);
    let mut creates = Vec::new();
    for n in &plan.new_stories {
        let rel = std::path::Path::new("stories").join(&n.file_name);
        creates.push(crate::edit::write::NewFile {
            path: o.tree.root().join(&rel),
            display: o.tree.display_root().join(&rel),
            text: n.text.clone(),
        });
    }
    if !force {
        let mut all = texts.clone();
        all.extend(creates.iter().map(|c| NewText {
            path: c.path.clone(),
            display: c.display.clone(),
            original: String::new(),
            text: c.text.clone(),
        }));
        o.refuse_broken(&all)?;
    }
    crate::edit::write::write_all(&texts, &creates)?;
    writeln!(
        out,
        "{}: {} and {} recorded",
        a.id,
        counted(plan.decisions.len(), "decision", "decisions"),
        counted(plan.feedback.len(), "feedback item", "feedback items")
    )?;
    for c in &plan.statuses {
        writeln!(out, "{}: status = {}", c.story, c.status)?;
        if let Some(why) = &c.reopened {
            writeln!(out, "{}: reopened = {why}", c.story)?;
        }
    }
    for c in &creates {
        writeln!(out, "created {}", c.display.display())?;
    }
    Ok(Exit::Clean)
}

fn close(ctx: &Context, a: CloseArgs, out: &mut dyn Write) -> Outcome {
    let mut o = ctx.open_tree()?;
    let s = &o.snapshot;
    let sprint = s
        .sprint(&a.id)
        .ok_or_else(|| sprint_error(SprintError::Unknown(a.id.clone())))?;
    if let Some(c) = &sprint.closed {
        return Err(CliError::new(format!(
            "sprint `{}` was closed on {} already",
            a.id, c.date
        ))
        .hint("a close is recorded once; plan stories with `backlog set ID sprint=…`"));
    }
    if let Some(next) = &a.carry_over_to {
        if next == &a.id {
            return Err(
                CliError::new(format!("`{next}` is the sprint being closed"))
                    .hint("carry its unfinished stories over into the next sprint"),
            );
        }
        if s.sprint(next).is_none() {
            return Err(sprint_error(SprintError::Unknown(next.clone())));
        }
    }
    let unfinished: Vec<&crate::model::Story> = s
        .ranked()
        .into_iter()
        .filter(|x| x.sprint.as_deref() == Some(a.id.as_str()) && !s.config.is_done(&x.status))
        .collect();
    let ids: Vec<String> = unfinished.iter().map(|x| x.id.to_string()).collect();
    let mut record = format!(
        "{{ date: {}, carried_over: {}",
        ctx.today,
        crate::edit::line::list_token(&ids)
    );
    if let Some(next) = &a.carry_over_to {
        record.push_str(&format!(", to: {}", text_token(next)));
    }
    if let Some(g) = &a.goal_met {
        record.push_str(&format!(", goal_met: {}", g == "yes"));
    }
    record.push_str(" }");
    let mut changes = vec![FileChange::sprint(
        &o.tree,
        sprint,
        vec![FieldEdit {
            key: "closed".into(),
            token: Some(record),
        }],
    )];
    for x in &unfinished {
        let token = a.carry_over_to.as_deref().map(text_token);
        changes.push(FileChange::story(
            &o.tree,
            x,
            vec![FieldEdit {
                key: "sprint".into(),
                token,
            }],
        ));
    }
    let texts = crate::edit::write::edited_texts(&changes)?;
    if !a.force {
        o.refuse_broken(&texts)?;
    }
    crate::edit::write::write_texts(&texts)?;
    let to = a
        .carry_over_to
        .as_deref()
        .map(|n| format!("into {n}"))
        .unwrap_or_else(|| "back to the backlog".into());
    if ids.is_empty() {
        writeln!(out, "{}: closed; every story was finished", a.id)?;
    } else {
        writeln!(
            out,
            "{}: closed; {} carried over {to}: {}",
            a.id,
            ids.len(),
            ids.join(", ")
        )?;
    }
    Ok(Exit::Clean)
}

fn show(ctx: &Context, a: ShowArgs, out: &mut dyn Write) -> Outcome {
    use crate::source::revision::RevSpec;
    let s = ctx.snapshot()?;
    // History up to the same revision, when there is a repository: it
    // names the commits that changed the scope and draws the burndown.
    let history = ctx.revisions(None).ok().and_then(|r| {
        let spec = ctx.at.as_deref().map(RevSpec::parse);
        let tip = r.resolve(spec.as_ref()).ok()?.head;
        crate::history::index::history_to(&r.git, &r.rel, tip, &Default::default()).ok()
    });
    let report = crate::views::sprint_report::sprint_report(&s, &a.id, history.as_ref(), ctx.today)
        .ok_or_else(|| sprint_error(SprintError::Unknown(a.id.clone())))?;
    render::report(out, &report, a.format.into())?;
    Ok(Exit::Clean)
}
