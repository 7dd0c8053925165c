//! What an edit should be, worked out from a snapshot before anything is
//! written: rank moves and re-ranking, `set`/`status` assignments, new
//! stories, the starter folder.

pub mod git_setup;
pub mod guard;
pub mod init;
pub mod new;
pub mod reorder;
pub mod review;
pub mod set;
pub mod sprint;
