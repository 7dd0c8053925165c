use std::io::Write;

use super::{io_error, CliError, Outcome};
use crate::model::Snapshot;
use crate::views::show::{render, view, ShowFormat};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The story's id, e.g. S-42.
    pub id: String,
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
}

pub fn run(snapshot: &Snapshot, args: Args, out: &mut dyn Write) -> Outcome {
    let Some(v) = view(snapshot, &args.id) else {
        let ids = snapshot.stories.iter().map(|s| s.id.as_str());
        let mut err = CliError::new(format!("no story has the id `{}`", args.id));
        if let Some(s) = crate::model::suggest::did_you_mean(&args.id, ids) {
            err = err.hint(format!("did you mean `{s}`?"));
        } else {
            err = err.hint("`backlog list` shows every story's id");
        }
        return Err(err);
    };
    render(out, &v, args.format).map_err(io_error)?;
    Ok(0)
}
