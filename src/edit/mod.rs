//! Changing files on disk: line-level front-matter edits that change only the
//! bytes they must, `fmt`, and atomic, all-or-nothing writes.

pub mod atomic;
pub mod fmt;
pub mod line;
pub mod lock;
pub mod merge;
pub mod write;
