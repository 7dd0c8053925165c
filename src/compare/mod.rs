//! Two snapshots compared: the typed changes between them (used by history
//! along commits and by the pull-request diff) and the diff itself.

pub mod changes;
pub mod diff;
