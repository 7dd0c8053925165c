//! `import backlog-md DIR`, `import jira-csv FILE`: other tools' backlogs as
//! stories (the mapping is `import/`; docs/import.md explains it).

use std::io::Write;
use std::path::PathBuf;

use super::{CliError, Context, Exit, Outcome};
use crate::edit::write::{write_all, NewFile, NewText};
use crate::import::{self, Level};
use crate::render::text::counted;
use crate::source::Source;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub from: From,
}

#[derive(Debug, clap::Subcommand)]
pub enum From {
    /// A Backlog.md project: the folder holding `backlog/` (or `backlog/` itself).
    BacklogMd {
        /// The project folder.
        #[arg(value_name = "DIR")]
        folder: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// A Jira "Export CSV (all fields)" file.
    JiraCsv {
        /// The exported file.
        #[arg(value_name = "FILE")]
        export: PathBuf,
        /// The column holding story points (repeat; the first filled one
        /// wins). Default: "Custom field (Story Points)", "Custom field
        /// (Story point estimate)", "Story Points", "Story point estimate".
        #[arg(long, value_name = "COLUMN")]
        points_column: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Debug, clap::Args)]
pub struct Common {
    /// Map a source status to one of this backlog's (repeat):
    /// `--status "In Review=review"`. Overrides the default table.
    #[arg(long = "status", value_name = "SOURCE=STATUS")]
    pub statuses: Vec<String>,
    /// Say what would be imported; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let mut o = ctx.open_tree()?;
    let s = &o.snapshot;
    let (input, common, src) = match args.from {
        From::BacklogMd {
            folder: dir,
            common,
        } => {
            let path = ctx.cwd.join(&dir);
            let root = import::backlog_md::locate(&path).map_err(|_| {
                CliError::new(format!(
                    "{} is not a Backlog.md project: it has no backlog/config.yml and no backlog/tasks/",
                    dir.display()
                ))
                .hint("name the folder that holds `backlog/`")
            })?;
            let display = dir.join(root.strip_prefix(&path).unwrap_or(&root));
            let src = import::backlog_md::read(&root, &display);
            (dir, common, src)
        }
        From::JiraCsv {
            export: file,
            points_column,
            common,
        } => {
            let bytes = std::fs::read(ctx.cwd.join(&file))
                .map_err(|e| CliError::new(format!("cannot read {}: {e}", file.display())))?;
            let columns = if points_column.is_empty() {
                import::jira_csv::POINTS_COLUMNS
                    .iter()
                    .map(|c| c.to_string())
                    .collect()
            } else {
                points_column
            };
            let src = import::jira_csv::read(&bytes, &file, &columns);
            (file, common, src)
        }
    };
    let overrides = import::status_overrides(s, &common.statuses).map_err(|e| {
        CliError::new(e.to_string()).hint("write it like --status \"In Review=review\"")
    })?;
    let format = src.format;
    // Ids already taken on other branches, as `new` avoids them.
    let (elsewhere, warning) = ctx.story_names_elsewhere();
    if let Some(w) = warning {
        ctx.note(&w);
    }
    let plan = import::plan(s, src, &overrides, &elsewhere);
    let report = |problems: &[import::Problem]| {
        for p in problems {
            ctx.note(&p.to_string());
        }
    };
    report(&plan.problems);
    let refused = plan
        .problems
        .iter()
        .filter(|p| p.level == Level::Refused)
        .count();
    let stories_dir = o.tree.root().join("stories");
    if std::fs::symlink_metadata(&stories_dir).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(CliError::new(format!(
            "{} is a symbolic link, which is never followed; nothing was written",
            o.tree.display_root().join("stories").display()
        )));
    }
    let mut texts = Vec::new();
    if let (Some(text), Some(doc)) = (&plan.config, &s.config.doc) {
        texts.push(NewText {
            path: o.tree.fs_path(&doc.path),
            display: doc.path.clone(),
            original: doc.text.clone(),
            text: text.clone(),
        });
    }
    let creates: Vec<NewFile> = plan
        .creates
        .iter()
        .map(|c| NewFile {
            path: stories_dir.join(&c.file_name),
            display: o.tree.display_root().join("stories").join(&c.file_name),
            text: c.text.clone(),
        })
        .collect();
    let mut all = texts.clone();
    all.extend(creates.iter().map(|c| NewText {
        path: c.path.clone(),
        display: c.display.clone(),
        original: String::new(),
        text: c.text.clone(),
    }));
    if !all.is_empty() {
        o.refuse_broken(&all)
            .map_err(|e| CliError { hint: None, ..e })?;
    }
    let summary = summary(&plan, format, &input, refused, common.dry_run);
    if !common.dry_run && !all.is_empty() {
        std::fs::create_dir_all(&stories_dir).map_err(|e| {
            CliError::new(format!(
                "cannot create {}: {e}",
                o.tree.display_root().join("stories").display()
            ))
        })?;
        write_all(&texts, &creates)?;
    }
    writeln!(out, "{summary}")?;
    Ok(Exit::findings_if(refused > 0))
}

fn summary(
    plan: &import::Plan,
    format: &str,
    input: &std::path::Path,
    refused: usize,
    dry_run: bool,
) -> String {
    let n = plan.creates.len();
    let verb = if dry_run { "would import" } else { "imported" };
    let mut text = format!(
        "{verb} {} from {} ({format})",
        counted(n, "story", "stories"),
        input.display()
    );
    if let (Some(a), Some(b)) = (plan.creates.first(), plan.creates.last()) {
        text.push_str(&if n == 1 {
            format!(" as {}", a.id)
        } else {
            format!(" as {}..{}", a.id, b.id)
        });
    }
    if !plan.goals.is_empty() {
        let goals: Vec<String> = plan
            .goals
            .iter()
            .map(|(id, title)| format!("{id} {title}"))
            .collect();
        text.push_str(&format!(
            "\n{} {}: {}",
            if dry_run { "would add" } else { "added" },
            counted(plan.goals.len(), "goal", "goals"),
            goals.join("; ")
        ));
    }
    if plan.unchanged > 0 {
        text.push_str(&format!(
            "\n{} already imported, left as {}",
            plan.unchanged,
            if plan.unchanged == 1 {
                "it is"
            } else {
                "they are"
            }
        ));
    }
    if refused > 0 {
        text.push_str(&format!(
            "\n{refused} refused (see above); fix them and import again: what is imported already is kept"
        ));
    }
    text
}
