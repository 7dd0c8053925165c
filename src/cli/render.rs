//! `render`: the static site (HTML) or one Markdown document of the backlog.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::{CliError, Context, Exit, Outcome};
use crate::edit::atomic::write_atomic;
use crate::source::revision::RevSpec;
use crate::views::history::date_of;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SiteFormat {
    /// A folder of HTML pages with one stylesheet; open index.html.
    Html,
    /// One Markdown document (BACKLOG.md), for reading on a forge.
    Md,
}

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:

  backlog render --out site                 # then open site/index.html
  backlog --at v1.0 render --out site-v1.0  # the backlog as it was at a tag
  backlog render --format md --out BACKLOG.md")]
pub struct Args {
    /// The folder to write the site into (created if needed; files of the
    /// site are overwritten, nothing else is touched). With `--format md`,
    /// the file to write (a folder gets BACKLOG.md); without it, stdout.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = SiteFormat::Html)]
    pub format: SiteFormat,
}

/// `path` made absolute with every existing part resolved (links
/// followed), so that two spellings of one folder compare equal.
fn resolved(cwd: &Path, path: &Path) -> PathBuf {
    let abs = cwd.join(path);
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            let mut out = real;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return abs,
        }
    }
}

/// Refuses an output inside the backlog folder (the site would become
/// part of the backlog) or inside any folder named `.backlog`.
fn refuse_inside_backlog(ctx: &Context, out: &Path) -> Result<(), CliError> {
    let target = resolved(&ctx.cwd, out);
    let lexical = ctx.cwd.join(out);
    let named = |p: &Path| {
        p.components()
            .any(|c| matches!(c, Component::Normal(n) if n == ".backlog"))
    };
    let backlog = ctx.work_tree().ok().map(|t| resolved(&ctx.cwd, t.root()));
    if named(&target) || named(&lexical) || backlog.is_some_and(|b| target.starts_with(b)) {
        return Err(CliError::new(format!(
            "refusing to write into `{}`: it is inside the backlog folder",
            out.display()
        ))
        .hint("render into a folder outside .backlog/, e.g. `--out site`"));
    }
    Ok(())
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    if let Some(o) = &args.out {
        refuse_inside_backlog(ctx, o)?;
    }
    let snapshot = ctx.snapshot()?;
    // History up to the same revision, when there is a repository: story
    // timelines, decisions, scope commits and burndowns come from it.
    let history = ctx.revisions(None).ok().and_then(|r| {
        let spec = ctx.at.as_deref().map(RevSpec::parse);
        let tip = r.resolve(spec.as_ref()).ok()?.head;
        crate::history::index::history_to(&r.git, &r.rel, tip, &Default::default()).ok()
    });
    // A past revision is shown as of its commit's day, so it renders the
    // same bytes whenever it is rendered; the working tree as of today.
    let today = match (&ctx.at, history.as_ref().and_then(|h| h.commits.last())) {
        (Some(_), Some(tip)) if !ctx.today_pinned => date_of(tip),
        _ => ctx.today,
    };
    let site = crate::views::site::site(&snapshot, history.as_ref(), today);
    match args.format {
        SiteFormat::Md => {
            let mut text = Vec::new();
            crate::render::site::markdown::render(&mut text, &site)?;
            match &args.out {
                None => out.write_all(&text)?,
                Some(path) => {
                    let file = if path.is_dir() {
                        path.join("BACKLOG.md")
                    } else {
                        path.clone()
                    };
                    write_atomic(&file, &text).map_err(|e| {
                        CliError::new(format!("cannot write {}: {e}", file.display()))
                    })?;
                    ctx.note(&format!("wrote {}", file.display()));
                }
            }
        }
        SiteFormat::Html => {
            let Some(dir) = &args.out else {
                return Err(
                    CliError::new("the HTML site needs a folder to be written to")
                        .hint("give one with --out, e.g. `backlog render --out site`"),
                );
            };
            let files = crate::render::site::render(&site);
            std::fs::create_dir_all(dir).map_err(|e| {
                let hint = if dir.exists() && !dir.is_dir() {
                    "--out names the folder the site is written to, and this is a file; name a folder"
                } else {
                    "name a folder you may write to with --out"
                };
                CliError::new(format!("cannot create {}: {e}", dir.display())).hint(hint)
            })?;
            for f in &files {
                let path = dir.join(&f.name);
                write_atomic(&path, &f.bytes)
                    .map_err(|e| CliError::new(format!("cannot write {}: {e}", path.display())))?;
            }
            ctx.note(&format!(
                "wrote {} files to {}; open {}",
                files.len(),
                dir.display(),
                dir.join("index.html").display()
            ));
        }
    }
    Ok(Exit::Clean)
}
