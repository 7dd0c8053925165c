//! `goal new|set|status`: the goals of backlog.yaml, edited in place with
//! the same minimal, comment-keeping edits as stories.

use std::io::Write;

use super::{CliError, Context, Exit, Opened, Outcome};
use crate::edit::line::{append_list_item, flow_text_token, set_list_item_field};
use crate::edit::write::{write_texts, NewText};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: GoalCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum GoalCommand {
    /// Add a goal to backlog.yaml.
    New(NewArgs),
    /// Set a goal's title or status: `backlog goal set G-2 title="…"`.
    Set(SetArgs),
    /// Move a goal to a status (active, done, dropped, …).
    Status(StatusArgs),
}

#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// The goal's id, like G-4.
    pub id: String,
    /// What the goal is, in a sentence.
    pub title: String,
    #[arg(long, default_value = "active")]
    pub status: String,
}

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    pub id: String,
    /// `title=…` and/or `status=…`.
    #[arg(required = true, value_name = "FIELD=VALUE")]
    pub assignments: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    pub id: String,
    pub status: String,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let o = ctx.open_tree()?;
    let doc = o.snapshot.config.doc.clone().ok_or_else(|| {
        CliError::new("there is no backlog.yaml to hold goals").hint("`backlog init` writes one")
    })?;
    let (text, said) = match args.command {
        GoalCommand::New(a) => {
            if a.id.is_empty() || a.id.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(CliError::new(format!("`{}` is not a goal id", a.id))
                    .hint("goal ids are one word, like G-4"));
            }
            if a.title.trim().is_empty() || a.title.chars().any(|c| c.is_control()) {
                return Err(CliError::new("a goal's title is one line of text")
                    .hint("e.g. `backlog goal new G-4 \"Customers pay in their own currency\"`"));
            }
            if o.snapshot.config.goals.iter().any(|g| g.id == a.id) {
                return Err(CliError::new(format!("goal `{}` exists already", a.id))
                    .hint("pick another id, or `backlog goal set`"));
            }
            let item = format!(
                "{{ id: {}, title: {}, status: {} }}",
                flow_text_token(&a.id),
                flow_text_token(&a.title),
                flow_text_token(&a.status)
            );
            let text = append_list_item(&doc.text, "goals", &item)
                .map_err(|e| edit_error(&doc.path, e))?;
            (text, vec![format!("{}: added ({})", a.id, a.title)])
        }
        GoalCommand::Set(a) => {
            let index = goal_index(&o, &a.id)?;
            let mut text = doc.text.clone();
            let mut said = Vec::new();
            for asg in &a.assignments {
                let (k, v) = asg.split_once('=').ok_or_else(|| {
                    CliError::new(format!("`{asg}` is not `field=value`"))
                        .hint("write it like `status=done`")
                })?;
                let k = k.trim();
                if !matches!(k, "title" | "status") {
                    return Err(
                        CliError::new(format!("`{k}` is not a goal field you can set"))
                            .hint("a goal has a `title` and a `status`; its id names it"),
                    );
                }
                text = set_list_item_field(&text, "goals", index, k, &flow_text_token(v.trim()))
                    .map_err(|e| edit_error(&doc.path, e))?;
                said.push(format!("{}: {k} = {}", a.id, v.trim()));
            }
            (text, said)
        }
        GoalCommand::Status(a) => {
            let index = goal_index(&o, &a.id)?;
            let text = set_list_item_field(
                &doc.text,
                "goals",
                index,
                "status",
                &flow_text_token(&a.status),
            )
            .map_err(|e| edit_error(&doc.path, e))?;
            (text, vec![format!("{}: status = {}", a.id, a.status)])
        }
    };
    write_texts(&[NewText {
        path: o.tree.fs_path(&doc.path),
        display: doc.path.clone(),
        original: doc.text.clone(),
        text,
    }])?;
    for line in said {
        writeln!(out, "{line}")?;
    }
    Ok(Exit::Clean)
}

/// The goal's place in the `goals:` list.
fn goal_index(o: &Opened, id: &str) -> Result<usize, CliError> {
    let goals = &o.snapshot.config.goals;
    goals.iter().position(|g| g.id == id).ok_or_else(|| {
        let hint =
            match crate::model::suggest::did_you_mean(id, goals.iter().map(|g| g.id.as_str())) {
                Some(d) => format!("did you mean `{d}`?"),
                None => "`backlog goals` lists them".into(),
            };
        CliError::new(format!("no goal has the id `{id}`")).hint(hint)
    })
}

fn edit_error(path: &std::path::Path, e: crate::edit::line::EditError) -> CliError {
    CliError::new(format!("{}: {e}", path.display()))
}
