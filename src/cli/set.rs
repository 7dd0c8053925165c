use std::io::Write;

use super::{CliError, Context, Exit, Opened, Outcome};
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

/// What became of an edit given to [`write`].
enum Written {
    Done,
    /// The story was opened alone and the edit is one a rule across
    /// stories sees: the whole backlog is loaded now, nothing was written,
    /// and the edit is to be planned again on it (once: the backlog is not
    /// alone any more).
    PlanAgain,
}

/// Writes `edits` to story `id`, guarded unless `force`.
fn write(
    o: &mut Opened,
    id: &str,
    edits: Vec<FieldEdit>,
    force: bool,
    out: &mut dyn Write,
) -> Result<Written, CliError> {
    let st = o.read(o.story(id)?)?;
    let change = FileChange::story(&o.tree, st, edits.clone());
    let texts = edited_texts(std::slice::from_ref(&change))?;
    if !force {
        // Only the guard reads other stories: a forced write is the same
        // whatever they say.
        if o.widen_if_seen(&[id], &texts)? {
            return Ok(Written::PlanAgain);
        }
        o.refuse_broken(&texts)?;
    }
    write_texts(&texts)?;
    for e in edits {
        match e.token {
            Some(t) => writeln!(out, "{id}: {} = {t}", e.key),
            None => writeln!(out, "{id}: {} removed", e.key),
        }?;
    }
    Ok(Written::Done)
}

pub fn run_set(ctx: &Context, args: SetArgs, out: &mut dyn Write) -> Outcome {
    let assignments: Vec<_> = args
        .assignments
        .iter()
        .map(|a| parse_assignment(a))
        .collect();
    // A value naming other stories (`epic=`, `depends_on=`) is checked
    // against them: the whole backlog is read for it.
    let names_stories = assignments.iter().flatten().any(|(key, _)| {
        field::story_field(key)
            .is_some_and(|f| matches!(f.ty, FieldType::Epic | FieldType::Stories))
    });
    let o = &mut if names_stories {
        ctx.open_tree_of(&[&args.id])?
    } else {
        ctx.open_story(&args.id)?
    };
    loop {
        let st = o.story(&args.id)?;
        // A malformed assignment is reported after an unknown id.
        let assignments = assignments.iter().cloned().collect::<Result<Vec<_>, _>>()?;
        let edits = plan_set(&o.snapshot, st, &assignments, args.force)?;
        if let Written::Done = write(o, &args.id, edits, args.force, out)? {
            return Ok(Exit::Clean);
        }
    }
}

pub fn run_status(ctx: &Context, args: StatusArgs, out: &mut dyn Write) -> Outcome {
    let o = &mut ctx.open_story(&args.id)?;
    loop {
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
        if let Written::Done = write(o, &args.id, edits, args.force, out)? {
            return Ok(Exit::Clean);
        }
    }
}
