use std::io::Write;

use super::{io_error, story, write_error, CliError, Opened, Outcome};
use crate::edit::line::FieldEdit;
use crate::edit::write::{write_changes, FileChange};
use crate::plan::set::{check_status, parse_assignment, plan_set, SetError};

#[derive(Debug, clap::Args)]
pub struct SetArgs {
    /// The story's id.
    pub id: String,
    /// `field=value` (lists comma-separated, `value.business=8` for scoring
    /// inputs, `field=` to remove a field).
    #[arg(required = true, value_name = "FIELD=VALUE")]
    pub assignments: Vec<String>,
    /// Allow a done status with unchecked acceptance criteria.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The story's id.
    pub id: String,
    /// One of the workflow's statuses.
    pub status: String,
    /// Allow a done status with unchecked acceptance criteria.
    #[arg(long)]
    pub force: bool,
}

fn refused(e: SetError) -> CliError {
    let mut c = CliError::new(format!("{}; nothing was written", e.message));
    c.hint = e.hint;
    c
}

fn write(o: &Opened, id: &str, edits: Vec<FieldEdit>, out: &mut dyn Write) -> Outcome {
    let st = story(&o.snapshot, id)?;
    let change = FileChange::story(&o.tree, st, edits.clone());
    write_changes(std::slice::from_ref(&change)).map_err(write_error)?;
    for e in edits {
        match e.token {
            Some(t) => writeln!(out, "{id}: {} = {t}", e.key),
            None => writeln!(out, "{id}: {} removed", e.key),
        }
        .map_err(io_error)?;
    }
    Ok(0)
}

pub fn run_set(o: &Opened, args: SetArgs, out: &mut dyn Write) -> Outcome {
    let st = story(&o.snapshot, &args.id)?;
    let assignments = args
        .assignments
        .iter()
        .map(|a| parse_assignment(a))
        .collect::<Result<Vec<_>, _>>()
        .map_err(refused)?;
    let edits = plan_set(&o.snapshot, st, &assignments, args.force).map_err(refused)?;
    write(o, &args.id, edits, out)
}

pub fn run_status(o: &Opened, args: StatusArgs, out: &mut dyn Write) -> Outcome {
    let st = story(&o.snapshot, &args.id)?;
    check_status(&o.snapshot, st, &args.status, args.force).map_err(refused)?;
    if st.status == args.status {
        writeln!(out, "{}: already `{}`", args.id, args.status).map_err(io_error)?;
        return Ok(0);
    }
    let edits = vec![FieldEdit {
        key: "status".into(),
        token: Some(crate::edit::line::text_token(&args.status)),
    }];
    write(o, &args.id, edits, out)
}
