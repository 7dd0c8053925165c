//! `init`: a starter backlog folder that passes `check` as it is.

use std::io;
use std::path::{Path, PathBuf};

use crate::edit::atomic::write_atomic;

/// backlog.yaml as `init` writes it: every section, commented.
pub const STARTER_CONFIG: &str = r#"# backlog.yaml: the product, its goals and the rules `backlog check` applies.
# Every field is described in docs/format.md.

product: My product
vision: >
  One or two sentences on who the product is for and why it matters.

# Story ids are this prefix, a dash and a number: S-1, S-2, ...
id_prefix: S

# Product goals. Stories point at one with `goal: G-1`.
goals:
  - { id: G-1, title: First customers use the product every week, status: active }

# Statuses in workflow order; `done` lists those that count as finished.
workflow:
  statuses: [draft, ready, in-progress, review, done]
  done: [done]

# What a story needs before it may be `ready` or planned into a sprint.
definition_of_ready:
  statuses: [ready]
  require: [estimate, acceptance_criteria, statement]

definition_of_done: |
  Code reviewed, tests pass in CI, acceptance criteria checked, released to production.

# Most stories allowed in a status at once.
wip_limits:
  in-progress: 3

# Prioritisation model: wsjf, rice, ice, moscow, value_effort, or
# { model: weighted, weights: { business: 2, risk_reduction: 1 } }.
scoring: wsjf

# Severity per rule (error, warning or off), by code or name; see docs/checks.md.
rules:
  rank-missing: warning
"#;

/// The example story `init` writes.
pub const STARTER_STORY: &str = r#"---
id: S-1
title: Sign up with an email address
kind: story
status: draft
rank: 10
estimate: 3
goal: G-1
labels: [onboarding]
value: { business: 8, time_criticality: 5, risk_reduction: 2, job_size: 3 }
---
As a **new visitor**, I want to sign up with my email address, so that I can start a trial
without talking to sales.

## Acceptance criteria
- [ ] Given a new email address, when I sign up, then I receive a confirmation email
- [ ] Given an address that is already registered, when I sign up, then I am asked to log in

## Notes
Anything that helps the team: links, sketches, open questions.
"#;

/// Why `init` did nothing.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{0} already exists; `init` never overwrites a backlog")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Creates `dir` with backlog.yaml, one story and an empty sprints folder.
/// Returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    let config = dir.join("backlog.yaml");
    if config.exists() || dir.join("stories").exists() {
        return Err(InitError::Exists(dir.to_path_buf()));
    }
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| InitError::Io { path, source }
    };
    let stories = dir.join("stories");
    let sprints = dir.join("sprints");
    std::fs::create_dir_all(&stories).map_err(io_err(&stories))?;
    std::fs::create_dir_all(&sprints).map_err(io_err(&sprints))?;
    let story = stories.join("S-1-sign-up-with-an-email-address.md");
    let keep = sprints.join(".gitkeep");
    write_atomic(&config, STARTER_CONFIG.as_bytes()).map_err(io_err(&config))?;
    write_atomic(&story, STARTER_STORY.as_bytes()).map_err(io_err(&story))?;
    write_atomic(&keep, b"").map_err(io_err(&keep))?;
    Ok(vec![config, story, keep])
}
