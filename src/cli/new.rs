use std::io::Write;

use super::context::refusal;
use super::{CliError, Context, Exit, Outcome};
use crate::edit::write::NewText;
use crate::model::Kind;
use crate::plan::new::{file_name, next_id, render, NewStory};
use crate::plan::reorder::{plan_insert, Target};
use crate::source::Source;

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("target").args(["top", "bottom", "before", "after"]))]
pub struct Args {
    /// The story's title.
    pub title: String,
    /// story, bug, spike, epic or chore.
    #[arg(long, default_value = "story")]
    pub kind: String,
    /// Who it is for: "As a <ROLE>".
    #[arg(long = "as", value_name = "ROLE", requires_all = ["want", "so_that"])]
    pub role: Option<String>,
    /// What they want: "I want <MEANS>".
    #[arg(long, value_name = "MEANS", requires_all = ["role", "so_that"])]
    pub want: Option<String>,
    /// Why: "so that <ENDS>".
    #[arg(long, value_name = "ENDS", requires_all = ["role", "want"])]
    pub so_that: Option<String>,
    /// Story points.
    #[arg(long, value_name = "POINTS")]
    pub estimate: Option<String>,
    /// A label (repeat for several).
    #[arg(long, value_name = "LABEL")]
    pub label: Vec<String>,
    /// Where to rank it (default: --bottom).
    #[command(flatten)]
    pub place: super::rank::Place,
    /// Write it even if the backlog would then break a rule `check` reports
    /// as an error (a WIP limit on the status new stories start in, an
    /// estimate above `quality.max_estimate` made an error).
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let target = args.place.target().unwrap_or(Target::Bottom);
    let named: Vec<&str> = match &target {
        Target::Before(other) | Target::After(other) => vec![other],
        _ => Vec::new(),
    };
    let o = &mut ctx.open_tree_of(&named)?;
    let kind = Kind::parse(&args.kind).ok_or_else(|| {
        CliError::new(format!("unknown kind `{}`", args.kind))
            .hint("use one of: story, bug, spike, epic, chore")
    })?;
    if args.title.chars().any(|c| c.is_control()) {
        return Err(
            CliError::new("the title holds a line break or another control character")
                .hint("a title is one line; put the rest into the story's description"),
        );
    }
    if args.title.trim().is_empty() {
        return Err(CliError::new("the title is empty")
            .hint("e.g. `backlog new \"Export invoices as PDF\"`"));
    }
    if let Some(e) = &args.estimate {
        if crate::model::score::parse_points(e).is_none() {
            return Err(CliError::new(format!(
                "estimate `{e}` is not a number of zero or more"
            )));
        }
    }
    for n in &named {
        o.story(n)?;
    }
    // Ids already taken on other branches, so two branches rarely collide.
    let (elsewhere, warning) = ctx.story_names_elsewhere();
    let story = NewStory {
        title: args.title.trim().to_string(),
        kind: Some(kind),
        role: args.role,
        want: args.want,
        so_that: args.so_that,
        estimate: args.estimate,
        labels: args.label,
    };
    // Planned again if the guard finds the story cache wrong and reads the
    // whole backlog: the place, the id and the count came from it.
    let (placement, id, count, display, path, text, rank_texts) = loop {
        let placement = o.plan_on_read(
            |s| Ok(plan_insert(s, &target)?),
            |s, p| {
                let mut ids = super::rank::neighbours(s, None, p.position);
                ids.extend(p.others.iter().map(|c| c.id.to_string()));
                ids
            },
        )?;
        let s = &o.snapshot;
        let count = s.stories.len() + 1;
        let id = next_id(s, &elsewhere);
        let status = s.config.first_status();
        let text = render(&story, &id, &status, placement.rank.as_ref(), ctx.today);
        crate::plan::new::read_back(&text, &id, &story.title, placement.rank.as_ref())
            .map_err(|e| CliError::internal(e.to_string()))?;
        let rel = std::path::Path::new("stories").join(file_name(&id, &story.title));
        let (display, path) = (o.tree.display_root().join(&rel), o.tree.root().join(&rel));
        let rank_texts = o.rank_texts(&placement.others)?;
        if args.force {
            break (placement, id, count, display, path, text, rank_texts);
        }
        let mut texts = rank_texts.clone();
        texts.push(NewText {
            path: path.clone(),
            display: display.clone(),
            original: String::new(),
            text: text.clone(),
        });
        let (broken, reread) = o.new_errors(&texts)?;
        if !reread {
            refusal(&broken)?;
            break (placement, id, count, display, path, text, rank_texts);
        }
    };
    // The texts the guard checked, the new file and its neighbours' new
    // ranks together, or nothing.
    crate::edit::write::write_all(
        &rank_texts,
        &[crate::edit::write::NewFile {
            path,
            display: display.clone(),
            text,
        }],
    )?;
    if let Some(w) = warning {
        ctx.note(&w);
    }
    if let Some(note) = &placement.note {
        ctx.note(&format!("note: {note}"));
    }
    writeln!(
        out,
        "created {} ({id}, position {} of {})",
        display.display(),
        placement.position,
        count
    )?;
    Ok(Exit::Clean)
}
