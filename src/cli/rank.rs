use std::io::Write;

use super::{CliError, Context, Exit, Opened, Outcome};
use crate::model::score::ScoringModel;
use crate::model::{Snapshot, StoryId};
use crate::plan::reorder::{
    by_score, order_list, plan_move, plan_order, plan_rebalance, read_order_list, Target,
};
use crate::render::rank;

/// Where a story goes, relative to the others (shared by `rank` and `new`).
#[derive(Debug, clap::Args)]
pub struct Place {
    /// Before every unfinished story.
    #[arg(long)]
    pub top: bool,
    /// After every ranked story.
    #[arg(long)]
    pub bottom: bool,
    /// Just before this story.
    #[arg(long, value_name = "ID")]
    pub before: Option<String>,
    /// Just after this story.
    #[arg(long, value_name = "ID")]
    pub after: Option<String>,
}

impl Place {
    /// The target given, if any.
    pub fn target(&self) -> Option<Target> {
        if self.top {
            Some(Target::Top)
        } else if self.bottom {
            Some(Target::Bottom)
        } else if let Some(b) = &self.before {
            Some(Target::Before(b.clone()))
        } else {
            self.after.as_ref().map(|a| Target::After(a.clone()))
        }
    }
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("target").args(["top", "bottom", "before", "after", "to"]))]
pub struct Args {
    /// The story to move.
    pub id: Option<String>,
    #[command(flatten)]
    pub place: Place,
    /// At this position of the whole backlog (the `#` of `backlog list`).
    #[arg(long, value_name = "POSITION")]
    pub to: Option<usize>,
    /// Open $EDITOR (then $VISUAL, then vi) on the ranked list; on save,
    /// re-rank the fewest stories that make the new order true.
    #[arg(long, conflicts_with_all = ["id", "target", "rebalance", "by"])]
    pub edit: bool,
    /// Print the order a scoring model suggests beside today's order.
    #[arg(long, value_name = "MODEL", conflicts_with_all = ["id", "target", "rebalance"])]
    pub by: Option<String>,
    /// With --by: re-rank to the suggested order (fewest changes).
    #[arg(long, requires = "by")]
    pub apply: bool,
    /// Renumber every ranked story 10, 20, 30…
    #[arg(long, conflicts_with_all = ["id", "target"])]
    pub rebalance: bool,
    /// Say what would change, write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Whether the command line writes: all but a suggestion not applied
/// (`rank --by MODEL`), which reads any revision (`--at`).
pub fn writes(args: &Args) -> bool {
    args.by.is_none() || args.apply
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    if let Some(model) = args.by.as_deref().filter(|_| !args.apply) {
        let s = &ctx.snapshot()?;
        suggest(s, model, out)?;
        return Ok(Exit::Clean);
    }
    if args.edit || args.by.is_some() || args.rebalance {
        let o = &ctx.open_tree()?;
        if args.edit {
            return edit(o, args.dry_run, out);
        }
        if let Some(model) = &args.by {
            return by_model(o, model, args.apply && !args.dry_run, out);
        }
        let changes = plan_rebalance(&o.snapshot);
        // Written before any line says what changed: a refused write
        // prints only its error.
        if !args.dry_run {
            o.write_ranks(&changes)?;
        }
        writeln!(
            out,
            "rebalance: {} of {} ranked stories change rank ({} files)",
            changes.len(),
            o.snapshot
                .stories
                .iter()
                .filter(|s| s.rank.is_some())
                .count(),
            changes.len()
        )?;
        rank::changes(out, &o.snapshot, &changes)?;
        return Ok(Exit::Clean);
    }
    let Some(id) = args.id else {
        return Err(CliError::new("which story? give an id and where to put it")
            .hint("e.g. `backlog rank S-42 --before S-17`, or `backlog rank --edit`"));
    };
    let target = match (args.place.target(), args.to) {
        (Some(t), _) => t,
        (None, Some(p)) if p >= 1 => Target::To(p),
        (None, Some(_)) => return Err(CliError::new("positions start at 1")),
        (None, None) => {
            return Err(CliError::new(format!("where should `{id}` go?"))
                .hint("add --top, --bottom, --before ID, --after ID or --to POSITION"))
        }
    };
    let mut named = vec![id.as_str()];
    if let Target::Before(other) | Target::After(other) = &target {
        named.push(other);
    }
    let o = &mut ctx.open_tree_of(&named)?;
    for n in &named {
        o.story(n)?;
    }
    let m = o.plan_on_read(
        |s| Ok(plan_move(s, &id, &target)?),
        |s, m| {
            let mut ids = neighbours(s, Some(&m.id), m.new_position);
            ids.extend(m.changes.iter().map(|c| c.id.to_string()));
            ids
        },
    )?;
    if m.changes.is_empty() {
        writeln!(out, "{id} is already there (position {})", m.old_position)?;
        // Already last, and asked for a place past the end: said too.
        if let Some(note) = &m.note {
            ctx.note(&format!("note: {note}"));
        }
        return Ok(Exit::Clean);
    }
    // Written before any line says what changed: a refused write prints
    // only its error.
    if !args.dry_run {
        o.write_ranks(&m.changes)?;
    }
    if let Some(note) = &m.note {
        ctx.note(&format!("note: {note}"));
    }
    rank::changes(out, &o.snapshot, &m.changes)?;
    Ok(Exit::Clean)
}

/// The stories on either side of a story placed at 1-based `position` (with
/// `moved`, the story that moves there): the ranks its new rank is made
/// from, so they are read in full, not taken from the story cache.
pub fn neighbours(s: &Snapshot, moved: Option<&StoryId>, position: usize) -> Vec<String> {
    let at = position.saturating_sub(1);
    let places: Vec<usize> = at.checked_sub(1).into_iter().chain([at]).collect();
    s.ranked_at(&places, |x| Some(&x.id) == moved)
        .into_iter()
        .map(|x| x.id.to_string())
        .collect()
}

/// The model `--by` names; `weighted` takes its weights from backlog.yaml.
fn model_named(s: &Snapshot, name: &str) -> Result<ScoringModel, CliError> {
    let weights = match &s.config.scoring {
        Some(ScoringModel::Weighted(w)) => Some(w.clone()),
        _ => None,
    };
    Ok(ScoringModel::named(name, weights)?)
}

/// Prints the order a scoring model suggests beside today's, and gives it
/// (the scored stories, highest first).
fn suggest(s: &Snapshot, name: &str, out: &mut dyn Write) -> Result<Vec<StoryId>, CliError> {
    let model = model_named(s, name)?;
    let (scored, missing) = by_score(s, &model);
    crate::render::rank::suggested(out, s, &model, &scored, &missing)?;
    Ok(scored.iter().map(|(x, _)| x.id.clone()).collect())
}

fn by_model(o: &Opened, name: &str, apply: bool, out: &mut dyn Write) -> Outcome {
    let s = &o.snapshot;
    let desired = suggest(s, name, out)?;
    if apply {
        let changes = plan_order(s, &desired)?;
        o.write_ranks(&changes)?;
        writeln!(
            out,
            "\nre-ranked {} {}:",
            changes.len(),
            if changes.len() == 1 {
                "story"
            } else {
                "stories"
            }
        )?;
        rank::changes(out, s, &changes)?;
    }
    Ok(Exit::Clean)
}

fn edit(o: &Opened, dry_run: bool, out: &mut dyn Write) -> Outcome {
    let s = &o.snapshot;
    let text = order_list(s);
    // Named like git's rebase todo so editors pick plain-text mode; removed
    // when dropped, whatever happens.
    let file = tempfile::Builder::new()
        .prefix("backlog-rank-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| CliError::new(format!("cannot create a temporary file: {e}")))?;
    let path = file.path().to_path_buf();
    std::fs::write(&path, &text)
        .map_err(|e| CliError::new(format!("cannot write {}: {e}", path.display())))?;
    let result = run_editor(&path).and_then(|()| {
        std::fs::read_to_string(&path)
            .map_err(|e| CliError::new(format!("cannot read {}: {e}", path.display())))
    });
    drop(file);
    let edited = result?;
    let desired = read_order_list(s, &edited)
        .map_err(|e| CliError::new(format!("{e}; nothing was changed")))?;
    if desired.is_empty() {
        writeln!(out, "the list is empty; nothing was changed")?;
        return Ok(Exit::Clean);
    }
    let changes = plan_order(s, &desired)?;
    if changes.is_empty() {
        writeln!(out, "the order is unchanged")?;
        return Ok(Exit::Clean);
    }
    if !dry_run {
        o.write_ranks(&changes)?;
    }
    rank::changes(out, s, &changes)?;
    Ok(Exit::Clean)
}

/// Runs the user's editor on `path` like git does: `$EDITOR`, then
/// `$VISUAL`, then `vi`, through the shell so editors with arguments work.
fn run_editor(path: &std::path::Path) -> Result<(), CliError> {
    let editor = ["EDITOR", "VISUAL"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(path)
        .status()
        .map_err(|e| CliError::new(format!("cannot start the editor `{editor}`: {e}")))?;
    if !status.success() {
        return Err(CliError::new(format!(
            "the editor `{editor}` exited with {status}; nothing was changed"
        )));
    }
    Ok(())
}
