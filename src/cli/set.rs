use std::io::Write;

use super::{Context, Exit, Opened, Outcome};
use crate::edit::line::FieldEdit;
use crate::edit::write::{edited_texts, write_texts, FileChange};
use crate::model::field::{self, FieldType};
use crate::plan::set::{check_status, parse_assignment, plan_set};

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The story's id.
    pub id: String,
    /// `field=value` (lists comma-separated, `value.business=8` for scoring
    /// inputs, `field=` to remove a field).
    #[arg(required = true, value_name = "FIELD=VALUE")]
    pub assignments: Vec<String>,
    /// Write even if the change breaks a rule `check` reports as an error
    /// (the Definition of Ready, a sprint's capacity, a closed sprint, a done
    /// status with unchecked acceptance criteria).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The story's id.
    pub id: String,
    /// One of the workflow's statuses.
    pub status: String,
    /// Write even if the change breaks a rule `check` reports as an error
    /// (the Definition of Ready, a sprint's capacity, a closed sprint, a done
    /// status with unchecked acceptance criteria).
    #[arg(long)]
    pub force: bool,
}

fn write(
    o: &mut Opened,
    id: &str,
    edits: Vec<FieldEdit>,
    force: bool,
    out: &mut dyn Write,
) -> Outcome {
    let st = o.read(o.story(id)?)?;
    let change = FileChange::story(&o.tree, st, edits.clone());
    let texts = edited_texts(std::slice::from_ref(&change))?;
    if !force {
        o.refuse_broken(&texts)?;
    }
    write_texts(&texts)?;
    for e in edits {
        match e.token {
            Some(t) => writeln!(out, "{id}: {} = {t}", e.key),
            None => writeln!(out, "{id}: {} removed", e.key),
        }?;
    }
    Ok(Exit::Clean)
}

pub fn run_set(ctx: &Context, args: SetArgs, out: &mut dyn Write) -> Outcome {
    let assignments: Vec<_> = args
        .assignments
        .iter()
        .map(|a| parse_assignment(a))
        .collect();
    // A value naming other stories (`epic=`, `depends_on=`) is checked
    // against them: the whole backlog is read for it. Any other plan reads
    // the story, the settings and the sprints only.
    let names_stories = assignments.iter().flatten().any(|(key, _)| {
        field::story_field(key)
            .is_some_and(|f| matches!(f.ty, FieldType::Epic | FieldType::Stories))
    });
    let o = &mut if names_stories {
        ctx.open_tree_of(&[&args.id])?
    } else {
        ctx.open_story(&args.id)?
    };
    let st = o.story(&args.id)?;
    // A malformed assignment is reported after an unknown id.
    let assignments = assignments.into_iter().collect::<Result<Vec<_>, _>>()?;
    let edits = plan_set(&o.snapshot, st, &assignments, args.force)?;
    write(o, &args.id, edits, args.force, out)
}

pub fn run_status(ctx: &Context, args: StatusArgs, out: &mut dyn Write) -> Outcome {
    let o = &mut ctx.open_story(&args.id)?;
    let st = o.story(&args.id)?;
    check_status(&o.snapshot, st, &args.status, args.force)?;
    if st.status == args.status {
        writeln!(out, "{}: already `{}`", args.id, args.status)?;
        return Ok(Exit::Clean);
    }
    let edits = vec![FieldEdit {
        key: "status".into(),
        token: Some(crate::edit::line::text_token(&args.status)),
    }];
    write(o, &args.id, edits, args.force, out)
}
