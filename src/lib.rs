//! `backlog`: a Git-native, plain-text product backlog.
//!
//! Stories are Markdown files with YAML front matter in a `.backlog/` folder.
//! A [`model::Snapshot`] is loaded from a [`source::Source`] and every command
//! is a function of snapshots: [`check::check`], [`list::rows`],
//! [`show::view`]. The `backlog` binary is a thin layer in [`cli`].

pub mod body;
pub mod check;
pub mod cli;
pub mod date;
pub mod diagnostic;
pub mod diff;
pub mod diff_report;
pub mod document;
pub mod edit;
pub mod fields;
pub mod fmt;
pub mod fsutil;
pub mod git;
pub mod history;
pub mod history_index;
pub mod init;
pub mod list;
pub mod load;
pub mod model;
pub mod new;
pub mod rank;
pub mod reorder;
pub mod report;
#[cfg(test)]
mod robustness;
pub mod score;
pub mod set;
pub mod show;
pub mod source;
pub mod suggest;
pub mod write;
