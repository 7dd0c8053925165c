use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use super::history::repo;
use super::{git_error, io_error, CliError, Outcome};
use crate::compare::diff::diff;
use crate::model::date::Date;
use crate::model::Snapshot;
use crate::render::diff::{self as diff_report, Style};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to compare: nothing (the merge base with the default branch
    /// against the working tree), `BASE` (against the working tree),
    /// `BASE..HEAD` (two revisions) or `BASE...HEAD` (from their merge base).
    #[arg(value_name = "BASE[..HEAD]")]
    pub spec: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Colour the text output: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub fn run(dir: Option<PathBuf>, args: Args, out: &mut dyn Write) -> Outcome {
    if let Some(file) = &args.textconv {
        return textconv(file, out);
    }
    let r = repo(dir)?;
    let load_rev = |rev: crate::git::Oid| -> Result<Snapshot, CliError> {
        Ok(r.snapshot_at(rev)?.unwrap_or_else(Snapshot::empty))
    };
    let (base_name, base, head_name, head) = match args.spec.as_deref() {
        None => {
            let (name, default) = r.git.default_branch().ok_or_else(|| {
                CliError::new("no default branch to compare with (origin/HEAD, main or master)")
                    .hint("name the base: `backlog diff BASE` or `backlog diff BASE..HEAD`")
            })?;
            let head = r.git.resolve("HEAD").map_err(git_error)?;
            let base = r.git.merge_base(head, default).map_err(git_error)?;
            (
                format!("merge-base({name}, HEAD)"),
                load_rev(base)?,
                "working tree".to_string(),
                crate::load::load(&r.tree).map_err(|e| CliError::new(e.to_string()))?,
            )
        }
        Some(spec) => {
            if let Some((a, b)) = spec.split_once("...") {
                let b = if b.is_empty() { "HEAD" } else { b };
                let (ia, ib) = (
                    r.git.resolve(a).map_err(git_error)?,
                    r.git.resolve(b).map_err(git_error)?,
                );
                let base = r.git.merge_base(ia, ib).map_err(git_error)?;
                let (base, head) = load_pair(&r, base, ib)?;
                (format!("merge-base({a}, {b})"), base, b.to_string(), head)
            } else if let Some((a, b)) = spec.split_once("..") {
                let b = if b.is_empty() { "HEAD" } else { b };
                let a = if a.is_empty() { "HEAD" } else { a };
                let (ia, ib) = (
                    r.git.resolve(a).map_err(git_error)?,
                    r.git.resolve(b).map_err(git_error)?,
                );
                let (base, head) = load_pair(&r, ia, ib)?;
                (a.to_string(), base, b.to_string(), head)
            } else {
                let ia = r.git.resolve(spec).map_err(git_error)?;
                (
                    spec.to_string(),
                    load_rev(ia)?,
                    "working tree".to_string(),
                    crate::load::load(&r.tree).map_err(|e| CliError::new(e.to_string()))?,
                )
            }
        }
    };
    let d = diff(&base, &head, &base_name, &head_name, Date::today());
    match args.format {
        DiffFormat::Text => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            diff_report::text(out, &d, Style { color })
        }
        DiffFormat::Md => diff_report::markdown(out, &d),
        DiffFormat::Json => diff_report::json(out, &d),
    }
    .map_err(io_error)?;
    Ok(0)
}

/// Both revisions' snapshots; the second re-parses only the files that
/// differ between the two trees.
fn load_pair(
    r: &super::history::Repo,
    base: crate::git::Oid,
    head: crate::git::Oid,
) -> Result<(Snapshot, Snapshot), CliError> {
    let base_snapshot = r.snapshot_at(base)?.unwrap_or_else(Snapshot::empty);
    let tree_of = |c| -> Result<Option<crate::git::Oid>, CliError> {
        let t = r.git.commit(c).map_err(git_error)?.tree;
        r.git.subtree(t, &r.rel).map_err(git_error)
    };
    let (bt, ht) = (tree_of(base)?, tree_of(head)?);
    let Some(ht) = ht else {
        return Ok((base_snapshot, Snapshot::empty()));
    };
    let changed: std::collections::HashSet<PathBuf> = r
        .git
        .diff(bt, Some(ht))
        .map_err(git_error)?
        .into_iter()
        .map(|d| d.path)
        .collect();
    let files = r.git.files(ht).map_err(git_error)?;
    // Read only changed blobs; unchanged stories come from the base snapshot.
    let root = crate::source::Source::display_root(&r.tree).to_path_buf();
    let parsed: std::collections::HashSet<&std::path::Path> = base_snapshot
        .stories
        .iter()
        .map(|s| s.doc.path.as_path())
        .collect();
    let is_reused = |p: &PathBuf| !changed.contains(p) && parsed.contains(root.join(p).as_path());
    let wanted: Vec<_> = files
        .iter()
        .filter(|(p, _, _)| !is_reused(p))
        .cloned()
        .collect();
    let mut mem =
        crate::source::Memory::from_files(root.clone(), r.git.read_all(wanted).map_err(git_error)?);
    for (path, _, _) in files.iter().filter(|(p, _, _)| is_reused(p)) {
        // Listed so the loader sees it; its story is taken from the base.
        mem.insert(path.clone(), Vec::new());
    }
    let reuse = crate::load::Reuse {
        previous: &base_snapshot,
        changed: &changed,
    };
    let head_snapshot =
        crate::load::load_reusing(&mem, Some(reuse)).map_err(|e| CliError::new(e.to_string()))?;
    Ok((base_snapshot, head_snapshot))
}

/// One story file as lines of product terms, so `git diff` with
/// `diff=backlog` shows `-status: draft` / `+status: ready`.
fn textconv(file: &std::path::Path, out: &mut dyn Write) -> Outcome {
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::new(format!("cannot read {}: {e}", file.display())))?;
    let w = io_error;
    let Some(s) = crate::load::story_from_bytes(file.to_path_buf(), bytes.clone()) else {
        // Not a readable story: show it as it is.
        out.write_all(&bytes).map_err(w)?;
        return Ok(0);
    };
    writeln!(out, "{}  {}", s.id, s.title).map_err(w)?;
    for field in crate::load::STORY_FIELDS
        .iter()
        .filter(|f| !matches!(**f, "id" | "title"))
    {
        if let Some(v) = s.field_text(field) {
            writeln!(out, "{field}: {v}").map_err(w)?;
        }
    }
    if let Some(st) = &s.statement {
        writeln!(out, "\n{}", st.sentence()).map_err(w)?;
    }
    if !s.criteria.is_empty() {
        writeln!(out, "\nAcceptance criteria:").map_err(w)?;
        for c in &s.criteria {
            let mark = match c.checked {
                Some(true) => "[x]",
                Some(false) => "[ ]",
                None => " - ",
            };
            writeln!(out, "  {mark} {}", c.text).map_err(w)?;
        }
    }
    Ok(0)
}
