use std::io::Write;

use super::{CliError, Context, Exit, Opened, Outcome};
use crate::model::score::{format_score, ScoringModel};
use crate::model::{Snapshot, StoryId};
use crate::plan::reorder::{
    by_score, order_after, plan_move, plan_order, plan_rebalance, RankChange, Target,
};

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

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let o = &ctx.open_tree()?;
    if args.edit {
        return edit(o, args.dry_run, out);
    }
    if let Some(model) = &args.by {
        return by_model(o, model, args.apply && !args.dry_run, out);
    }
    if args.rebalance {
        let changes = plan_rebalance(&o.snapshot);
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
        print_changes(&o.snapshot, &changes, out)?;
        if !args.dry_run {
            o.write_ranks(&changes)?;
        }
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
    o.story(&id)?;
    let m = plan_move(&o.snapshot, &id, &target)?;
    if m.changes.is_empty() {
        writeln!(out, "{id} is already there (position {})", m.old_position)?;
        return Ok(Exit::Clean);
    }
    if let Some(note) = &m.note {
        ctx.note(&format!("note: {note}"));
    }
    print_changes(&o.snapshot, &m.changes, out)?;
    if !args.dry_run {
        o.write_ranks(&m.changes)?;
    }
    Ok(Exit::Clean)
}

/// `S-42: position 16 -> 4, rank 12.5 -> 3.5`, one line per change.
fn print_changes(
    s: &Snapshot,
    changes: &[RankChange],
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let before: Vec<&StoryId> = s.ranked().iter().map(|x| &x.id).collect();
    let after: Vec<&StoryId> = order_after(s, changes).iter().map(|x| &x.id).collect();
    let pos = |v: &[&StoryId], id: &StoryId| v.iter().position(|x| *x == id).map_or(0, |p| p + 1);
    for c in changes {
        let old = c.old.as_ref().map_or("none".to_string(), |r| r.to_string());
        writeln!(
            out,
            "{}: position {} -> {}, rank {old} -> {}",
            c.id,
            pos(&before, &c.id),
            pos(&after, &c.id),
            c.new
        )?;
    }
    Ok(())
}

/// The model `--by` names; `weighted` takes its weights from backlog.yaml.
fn model_named(s: &Snapshot, name: &str) -> Result<ScoringModel, CliError> {
    let weights = match &s.config.scoring {
        Some(ScoringModel::Weighted(w)) => Some(w.clone()),
        _ => None,
    };
    Ok(ScoringModel::named(name, weights)?)
}

fn by_model(o: &Opened, name: &str, apply: bool, out: &mut dyn Write) -> Outcome {
    let s = &o.snapshot;
    let model = model_named(s, name)?;
    let (scored, missing) = by_score(s, &model);
    let positions: Vec<&StoryId> = s.ranked().iter().map(|x| &x.id).collect();
    let now = |id: &StoryId| positions.iter().position(|x| *x == id).map_or(0, |p| p + 1);
    writeln!(
        out,
        "order suggested by {} (highest score first), beside today's position:",
        model.name()
    )?;
    writeln!(
        out,
        "{:>4}  {:>4}  {:<8}  {:>7}  TITLE",
        "NEW", "NOW", "ID", "SCORE"
    )?;
    for (i, (story, score)) in scored.iter().enumerate() {
        writeln!(
            out,
            "{:>4}  {:>4}  {:<8}  {:>7}  {}",
            i + 1,
            now(&story.id),
            story.id,
            format_score(*score),
            story.title
        )?;
    }
    if !missing.is_empty() {
        writeln!(out, "\nnot scored, missing inputs (left where they are):")?;
        for (story, m) in &missing {
            writeln!(out, "  {}: {}", story.id, m.join(", "))?;
        }
    }
    if apply {
        let desired: Vec<StoryId> = scored.iter().map(|(x, _)| x.id.clone()).collect();
        let changes = plan_order(s, &desired)?;
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
        print_changes(s, &changes, out)?;
        o.write_ranks(&changes)?;
    }
    Ok(Exit::Clean)
}

const EDIT_HELP: &str = "# Reorder the lines: the first line is the top of the backlog.
# Deleting a line leaves that story where it is. Lines starting with # are ignored.
# Save and quit to apply; quit without saving (or empty the file) to cancel.
";

fn edit(o: &Opened, dry_run: bool, out: &mut dyn Write) -> Outcome {
    let s = &o.snapshot;
    let open: Vec<&crate::model::Story> = s
        .ranked()
        .into_iter()
        .filter(|x| !s.config.is_done(&x.status))
        .collect();
    let mut text = String::new();
    for story in &open {
        text.push_str(&format!("{:<8}  {}\n", story.id, story.title));
    }
    text.push('\n');
    text.push_str(EDIT_HELP);
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
    let mut desired = Vec::new();
    for (n, line) in edited.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let id = line.split_whitespace().next().unwrap_or("");
        if s.story(id).is_none() {
            return Err(CliError::new(format!(
                "line {}: no story has the id `{id}`; nothing was changed",
                n + 1
            )));
        }
        if desired.iter().any(|d: &StoryId| d.as_str() == id) {
            return Err(CliError::new(format!(
                "line {}: `{id}` appears twice; nothing was changed",
                n + 1
            )));
        }
        desired.push(StoryId::new(id));
    }
    if desired.is_empty() {
        writeln!(out, "the list is empty; nothing was changed")?;
        return Ok(Exit::Clean);
    }
    let changes = plan_order(s, &desired)?;
    if changes.is_empty() {
        writeln!(out, "the order is unchanged")?;
        return Ok(Exit::Clean);
    }
    print_changes(s, &changes, out)?;
    if !dry_run {
        o.write_ranks(&changes)?;
    }
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
