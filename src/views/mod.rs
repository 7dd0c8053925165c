//! The data a read command shows, computed from snapshots and histories;
//! turning it into text, Markdown or JSON is `render`'s job.

pub mod board;
pub mod forecast;
pub mod goals;
pub mod history;
pub mod list;
pub mod score;
pub mod show;
pub mod site;
pub mod sprint_report;
pub mod stakeholders;
pub mod velocity;
