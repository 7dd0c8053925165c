//! `backlog completions` and `backlog man`: shell completions and manual
//! pages generated from the same clap definitions as `--help`, so the three
//! never disagree. Neither needs a backlog.

use std::io::Write;

use clap::CommandFactory;

use super::{Cli, CliError, Exit, Outcome};

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Writes the completion script for `args.shell` to `out`.
pub fn completions(args: CompletionsArgs, out: &mut dyn Write) -> Outcome {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "backlog", out);
    Ok(Exit::Clean)
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// The command to write the page of (`list`, or `sprint new`); without
    /// it, the page of `backlog` itself, which lists every command.
    #[arg(value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// Writes the roff source of one manual page to `out` (`backlog man | man -l -`).
pub fn man(args: ManArgs, out: &mut dyn Write) -> Outcome {
    let mut page = Cli::command();
    for (depth, name) in args.command.iter().enumerate() {
        let Some(sub) = page.find_subcommand(name) else {
            let names: Vec<&str> = page.get_subcommands().map(|c| c.get_name()).collect();
            let within = args.command[..depth].join(" ");
            let hint = if names.is_empty() {
                format!("`backlog {within}` has no commands of its own")
            } else {
                format!("one of: {}", names.join(", "))
            };
            return Err(CliError::new(format!(
                "no command `{}`",
                args.command[..=depth].join(" ")
            ))
            .hint(hint));
        };
        page = sub.clone();
    }
    // A command's page is named after its whole command line: backlog-sprint-new(1).
    let title = std::iter::once("backlog")
        .chain(args.command.iter().map(String::as_str))
        .collect::<Vec<_>>();
    if !args.command.is_empty() {
        page = page
            .version(env!("CARGO_PKG_VERSION"))
            .display_name(title.join("-"))
            .bin_name(title.join(" "));
    }
    clap_mangen::Man::new(page)
        .title(title.join("-"))
        .render(out)?;
    Ok(Exit::Clean)
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SchemaFile {
    /// The front matter of a story.
    Story,
    /// The front matter of a sprint file.
    Sprint,
    /// backlog.yaml.
    Config,
}

#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// Which file the schema describes.
    #[arg(value_enum, default_value = "story")]
    pub file: SchemaFile,
}

/// Writes the JSON Schema of a story, a sprint or backlog.yaml to `out`.
pub fn schema(args: SchemaArgs, out: &mut dyn Write) -> Outcome {
    use crate::render::schema::{schema, SchemaOf};
    let of = match args.file {
        SchemaFile::Story => SchemaOf::Story,
        SchemaFile::Sprint => SchemaOf::Sprint,
        SchemaFile::Config => SchemaOf::Config,
    };
    let text = serde_json::to_string_pretty(&schema(of)).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")?;
    Ok(Exit::Clean)
}
