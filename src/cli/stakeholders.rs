use std::io::Write;

use super::Format;
use super::{CliError, Context, Exit, Outcome};
use crate::render::stakeholders::render;
use crate::views::stakeholders::stakeholders;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only this stakeholder.
    pub name: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub fn run(ctx: &Context, args: Args, out: &mut dyn Write) -> Outcome {
    let s = ctx.snapshot()?;
    let all = stakeholders(&s, args.name.as_deref());
    if let (Some(name), true) = (&args.name, all.is_empty()) {
        let known: Vec<String> = stakeholders(&s, None).into_iter().map(|x| x.name).collect();
        let hint = match crate::model::suggest::did_you_mean(name, known.iter().map(|k| k.as_str()))
        {
            Some(d) => format!("did you mean `{d}`?"),
            None => format!("the stakeholders are: {}", known.join(", ")),
        };
        return Err(CliError::new(format!(
            "no story or feedback names the stakeholder `{name}`"
        ))
        .hint(hint));
    }
    render(out, &all, args.format.into())?;
    Ok(Exit::Clean)
}
