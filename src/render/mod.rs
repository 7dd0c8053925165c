//! Renderers: the same data as terminal text, Markdown, JSON, CSV or GitHub
//! annotations. Renderers never recompute what they print.

pub mod changes;
pub mod diagnostics;
pub mod diff;
