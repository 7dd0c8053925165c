//! Text, below every other layer: splitting a file at its `---` fences,
//! refusing front matter that would make the YAML parser slow, finding where
//! each key sits (one position scanner), writing YAML tokens, and reading the
//! Markdown body (the plain shape of most bodies without the parser).
//! Nothing here knows about stories or rules.

pub mod body;
pub mod document;
pub mod flat;
pub mod plain;
pub mod text;
