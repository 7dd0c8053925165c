//! `sprint new|plan|start` and `velocity`.

use std::io::Write;

use super::{CliError, Context, Exit, Outcome};
use crate::edit::line::{text_token, FieldEdit};
use crate::edit::write::{create_file, write_changes, FileChange, NewText};
use crate::model::date::Date;
use crate::plan::sprint::{commitment_token, new_sprint_text, plan_sprint, SprintError};
use crate::render::sprint::{self as render, SprintFormat};
use crate::source::Source;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Md,
}

impl From<Format> for SprintFormat {
    fn from(f: Format) -> SprintFormat {
        match f {
            Format::Text => SprintFormat::Text,
            Format::Json => SprintFormat::Json,
            Format::Md => SprintFormat::Md,
        }
    }
}

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
    }
}

fn new(ctx: &Context, a: NewArgs, out: &mut dyn Write) -> Outcome {
    let o = ctx.open_tree()?;
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
        super::set::refuse_broken(&o, &texts)?;
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
