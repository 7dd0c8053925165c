//! `backlog`: a Git-native, plain-text product backlog.
//!
//! Stories are Markdown files with YAML front matter in a `.backlog/` folder.
//! A [`model::Snapshot`] is loaded from a [`source::Source`] (the working tree
//! or any git revision) and every command is a function of snapshots.
//!
//! The folders are layers; each uses only the ones listed below it
//! (`tests/cli/layers.rs` holds the code to this):
//!
//! ```text
//! cli       parse arguments, resolve context once, call a command, render, exit code
//! render    text tables, diagnostics (also SARIF, GitLab), Markdown, JSON, CSV, Jira CSV, schemas,
//!           the static site (HTML, SVG, one Markdown document)
//! import    other tools' backlogs (Backlog.md, Jira CSV) mapped onto a snapshot
//! plan      what an edit should be: rank moves, set, new, init, git-setup, sprints
//! views     data for list, board, show, score, goals, velocity, log, blame, decisions, the site
//! history   snapshots along commits: typed events, positions, the index
//! compare   changes between two snapshots, the pull-request diff
//! check     every rule over a snapshot; rules that need a base revision
//! load      a Snapshot from a Source, typed reading of fields, a revision's snapshot,
//!           the story cache for one-story commands
//! edit      line-level edits of front matter, atomic multi-file writes, fmt
//! source    the Source trait: work tree, memory, a git revision; revision names
//! git       the only user of gix: commits, trees, blobs, diffs, merge bases
//! model     pure data: Snapshot, ids, story, sprint, config, rank, date,
//!           score, findings, the field table, the one backlog order
//! syntax    text: front-matter split, prescan, the position scanner, the
//!           Markdown body
//! ```
//!
//! docs/architecture.md follows one command through the layers.

pub mod check;
pub mod cli;
pub mod compare;
pub mod edit;
pub mod git;
pub mod history;
pub mod import;
pub mod load;
pub mod model;
pub mod plan;
pub mod render;
pub mod source;
pub mod syntax;
pub mod views;
