//! Rules on each story: fields, references, the Definition of Ready, WIP limits.

use std::collections::HashSet;

use super::Context;
use crate::model::diagnostic::{Finding, Rule};
use crate::model::suggest::did_you_mean;
use crate::model::{Kind, Story, StoryId};

pub(super) fn story_rules(ctx: &Context, out: &mut Vec<Finding>) {
    let cfg = &ctx.s.config;
    let sprint_ids: HashSet<&str> = ctx.s.sprints.iter().map(|s| s.id.as_str()).collect();
    for story in &ctx.s.stories {
        let id = story.id.as_str();
        // The first story with the id, from the snapshot's index of ids.
        let first = ctx.s.story(id).filter(|first| !std::ptr::eq(*first, story));
        if let Some(first) = first {
            out.push(
                story
                    .finding_at(
                        "id",
                        Rule::DuplicateId,
                        format!("id `{id}` is also used by {}", first.doc.path.display()),
                    )
                    .help("give one of the two stories an unused id, and rename its file to match")
                    .related(first.id_location(), "the first story with this id"),
            );
        }
        if !ctx.is_local(story) {
            continue;
        }
        for field in crate::model::field::STORY {
            if let Some(text) = (field.text)(story) {
                control_characters(&text, out, |m| {
                    story.finding_at(field.name, Rule::ControlCharacter, m)
                });
            }
        }
        match story.id.parts() {
            Some((prefix, _)) if prefix == cfg.id_prefix => {}
            _ => out.push(
                story
                    .finding_at("id", Rule::BadId, format!("`{id}` is not a story id"))
                    .help(format!(
                        "ids are `{}-` and a number without leading zeros, like `{}-42`",
                        cfg.id_prefix, cfg.id_prefix
                    )),
            ),
        }
        // Lossy, not "" where the name is not UTF-8: the id at its start
        // is ASCII, and the name is shown as near as it can be.
        let stem = story
            .doc
            .path
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default();
        if !story.id.names(&stem) {
            out.push(
                story
                    .finding_at(
                        "id",
                        Rule::IdFileMismatch,
                        format!("id `{id}` does not match the file name `{stem}.md`"),
                    )
                    .help(format!(
                        "rename the file to `{id}-<title>.md`, or correct the id"
                    )),
            );
        }
        // Settings that did not load are defaults: a story's status and
        // goal are not judged by them (backlog.yaml's own finding says why).
        if !story.status.is_empty() && !cfg.unreadable && !cfg.statuses.contains(&story.status) {
            let hint = did_you_mean(&story.status, cfg.statuses.iter().map(|s| s.as_str()))
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            out.push(
                story
                    .finding_at(
                        "status",
                        Rule::UnknownStatus,
                        format!("status `{}` is not in the workflow", story.status),
                    )
                    .help(format!(
                        "{hint}the workflow's statuses are: {}",
                        cfg.statuses.join(", ")
                    )),
            );
        }
        if let Some(epic) = &story.epic {
            match ctx.s.story(epic.as_str()) {
                Some(e) if e.kind != Kind::Epic => out.push(
                    story
                        .finding_at(
                            "epic",
                            Rule::EpicNotEpic,
                            format!("`{epic}` is a {}, not an epic", e.kind.as_str()),
                        )
                        .help(format!(
                            "point `epic:` at an epic, or set `kind: epic` in {}",
                            e.doc.path.display()
                        )),
                ),
                None if ctx.dangling(epic) => out.push(
                    story
                        .finding_at(
                            "epic",
                            Rule::UnresolvedReference,
                            format!("epic `{epic}` does not exist"),
                        )
                        .help("name an existing epic's id"),
                ),
                _ => {}
            }
        }
        for (i, dep) in story.depends_on.iter().enumerate() {
            if ctx.dangling(dep) {
                out.push(
                    story
                        .finding_at(
                            &format!("depends_on[{i}]"),
                            Rule::UnresolvedReference,
                            format!("`{id}` depends on `{dep}`, which does not exist"),
                        )
                        .help("remove the dependency or correct the id"),
                );
            }
        }
        for (i, other) in story.conflicts_with.iter().enumerate() {
            let at = format!("conflicts_with[{i}]");
            if other == &story.id {
                out.push(
                    story
                        .finding_at(
                            &at,
                            Rule::InvalidValue,
                            format!("`{id}` cannot conflict with itself"),
                        )
                        .help("name the story that wants the opposite"),
                );
            } else if ctx.dangling(other) {
                out.push(
                    story
                        .finding_at(
                            &at,
                            Rule::UnresolvedReference,
                            format!("`{id}` conflicts with `{other}`, which does not exist"),
                        )
                        .help("remove the conflict or correct the id"),
                );
            }
        }
        if let Some(goal) = story.goal.as_ref().filter(|_| !cfg.unreadable) {
            if !cfg.goals.iter().any(|g| &g.id == goal) {
                let known: Vec<&str> = cfg.goals.iter().map(|g| g.id.as_str()).collect();
                out.push(
                    story
                        .finding_at(
                            "goal",
                            Rule::UnresolvedReference,
                            format!("goal `{goal}` is not defined in backlog.yaml"),
                        )
                        .help(if known.is_empty() {
                            "define goals under `goals:` in backlog.yaml".to_string()
                        } else {
                            format!("the goals are: {}", known.join(", "))
                        }),
                );
            }
        }
        if let Some(sprint) = &story.sprint {
            if !sprint_ids.contains(sprint.as_str()) {
                out.push(
                    story
                        .finding_at(
                            "sprint",
                            Rule::UnresolvedReference,
                            format!("sprint `{sprint}` does not exist"),
                        )
                        .help(format!(
                            "create sprints/{sprint}.md, or correct the sprint id"
                        )),
                );
            }
        }
        definition_of_ready(ctx, story, out);
    }
}

pub(super) fn definition_of_ready(ctx: &Context, story: &Story, out: &mut Vec<Finding>) {
    let cfg = &ctx.s.config;
    if story.kind == Kind::Epic || story.status.is_empty() {
        return;
    }
    let by_status = cfg.ready.statuses.contains(&story.status);
    let by_sprint = story.sprint.is_some() && ctx.is_open(story);
    if !by_status && !by_sprint {
        return;
    }
    let gaps = readiness_gaps(cfg, story);
    if gaps.is_empty() {
        return;
    }
    let (field, why) = if by_status {
        ("status", format!("is `{}`", story.status))
    } else {
        (
            "sprint",
            format!(
                "is planned into sprint `{}`",
                story.sprint.as_deref().unwrap_or("")
            ),
        )
    };
    out.push(
        story
            .finding_at(
                field,
                Rule::NotReady,
                format!(
                    "`{}` {why} but does not meet the Definition of Ready: {}",
                    story.id,
                    gaps.join("; ")
                ),
            )
            .help("complete the story, or move it back to an earlier status"),
    );
}

pub(super) fn wip_limits(ctx: &Context, out: &mut Vec<Finding>) {
    let cfg = &ctx.s.config;
    let Some(doc) = &cfg.doc else { return };
    for (status, limit) in &cfg.wip_limits {
        let mut ids: Vec<&StoryId> = ctx
            .s
            .stories
            .iter()
            // Epics are containers, not work in progress.
            .filter(|s| &s.status == status && s.kind != crate::model::Kind::Epic)
            .map(|s| &s.id)
            .collect();
        if ids.len() > *limit as usize {
            ids.sort();
            let list: Vec<&str> = ids.iter().map(|i| i.as_str()).collect();
            out.push(
                crate::model::finding_at(
                    doc,
                    &cfg.layout,
                    &format!("wip_limits.{status}"),
                    Rule::WipLimit,
                    format!(
                        "{} stories are `{status}`, over the WIP limit of {limit}: {}",
                        ids.len(),
                        list.join(", ")
                    ),
                )
                .help("finish work before starting more, or raise the limit if the team agreed to"),
            );
        }
    }
}

/// B028: a finding (made by `at`) when `text` holds a character a terminal
/// would obey rather than show.
pub(super) fn control_characters(
    text: &str,
    out: &mut Vec<Finding>,
    at: impl FnOnce(String) -> Finding,
) {
    if let Some(c) = text.chars().find(|c| crate::model::is_terminal_control(*c)) {
        out.push(
            at(format!(
                "the text holds the control character U+{:04X}",
                c as u32
            ))
            .help("delete it; the tool prints it escaped, but other tools may not"),
        );
    }
}

/// What `story` lacks to meet the Definition of Ready (empty: it is ready).
/// `check` reports it for ready and planned stories; `sprint plan` skips
/// stories that are not ready, saying why.
pub fn readiness_gaps(cfg: &crate::model::Config, story: &Story) -> Vec<String> {
    let mut gaps = Vec::new();
    // Scanned once, and only for a required field without a rule of its own.
    let layout = std::cell::OnceCell::new();
    for req in &cfg.ready.require {
        match req.as_str() {
            "estimate" if story.estimate.is_none() => gaps.push("no `estimate`".to_string()),
            "estimate" => {}
            "acceptance_criteria" if story.criteria.is_empty() => gaps.push(
                "no acceptance criteria (a list under an `## Acceptance criteria` heading)".into(),
            ),
            "acceptance_criteria" => {}
            "statement" if story.kind == Kind::Story => match &story.statement {
                None => gaps.push("no story statement (\"As a …, I want …, so that …\")".into()),
                Some(st) if !st.is_complete() => {
                    let part = if st.role.is_empty() {
                        "who it is for (As a …)"
                    } else if st.means.is_empty() {
                        "what is wanted (I want …)"
                    } else {
                        "why (so that …)"
                    };
                    gaps.push(format!(
                        "the story statement on line {} lacks {part}",
                        st.line
                    ));
                }
                Some(_) => {}
            },
            "statement" => {}
            field => {
                if layout.get_or_init(|| story.layout()).get(field).is_none() {
                    gaps.push(format!("no `{field}`"));
                }
            }
        }
    }
    gaps
}
