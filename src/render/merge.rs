//! What `merge-file` says on stderr: how the file was merged when it was
//! not field by field, each conflict with the values of each side, and
//! what to do about them.

use std::io::{self, Write};

use crate::edit::merge::{Conflict, LineReason, Merged, Method};

/// The report on one merged file, `path` as git names it. Nothing is said
/// of a clean field-by-field merge.
pub fn report(w: &mut dyn Write, path: &str, merged: &Merged) -> io::Result<()> {
    if let Method::Lines(reason) = &merged.method {
        let why = match reason {
            LineReason::NotABacklogFile => {
                "it is not a story or sprint file (below stories/ or sprints/)".to_string()
            }
            LineReason::Unparsable(side) => {
                format!("its front matter does not parse in the {side} version")
            }
            LineReason::NotInPlace(detail) => {
                format!("its fields could not be merged in place ({detail})")
            }
        };
        writeln!(w, "note: {path}: merged line by line, as plain text: {why}")?;
    }
    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(not set)".into());
    for c in &merged.conflicts {
        match c {
            Conflict::Field {
                field,
                line,
                base,
                ours,
                theirs,
            } => {
                let of = merged
                    .id
                    .as_ref()
                    .map_or(String::new(), |id| format!(" of {id}"));
                writeln!(
                    w,
                    "conflict: {path}:{line}: `{field}`{of} was changed on both sides"
                )?;
                writeln!(w, "  base:   {}", show(base))?;
                writeln!(w, "  ours:   {}", show(ours))?;
                writeln!(w, "  theirs: {}", show(theirs))?;
            }
            Conflict::Lines { start, end } => writeln!(
                w,
                "conflict: {path}:{start}: lines {start}-{end} were changed on both sides"
            )?,
        }
    }
    if !merged.conflicts.is_empty() {
        writeln!(
            w,
            "  help: in {path}, keep what you decide between each `<<<<<<<` and `>>>>>>>` and delete the marker lines (`backlog check` reports any left), then `git add {path}`"
        )?;
    }
    Ok(())
}
