//! Renderers: the same data as terminal text, Markdown, JSON, CSV or GitHub
//! annotations. Renderers never recompute what they print.

pub mod board;
pub mod changes;
pub mod csv;
pub mod diagnostics;
pub mod diff;
pub mod goals;
pub mod history;
pub mod html;
pub mod jira_csv;
pub mod json;
pub mod list;
pub mod markdown;
pub mod merge;
pub mod rank;
pub mod schema;
pub mod score;
pub mod show;
pub mod site;
pub mod sprint;
pub mod stakeholders;
pub mod text;

/// The formats of the commands that print a report: terminal text,
/// Markdown (for a pull request or a wiki) and JSON (for tools).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Md,
}
