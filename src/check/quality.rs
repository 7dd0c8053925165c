//! Story quality: the syntactic checks of the Quality User Story framework
//! (Lucassen, Dalpiaz et al.) on the statement a story opens with, and
//! three of our own on its criteria and size. Each finding points at the
//! words it is about. Only stories of kind `story` are held to the
//! statement template; bugs, spikes, chores and epics are not.

use std::collections::HashMap;

use super::Context;
use crate::model::diagnostic::{Finding, Rule};
use crate::model::{Kind, Story};
use crate::syntax::body::find_ignore_case;

/// Indicators, longest first so the longest one found is the one reported.
const ROLE: &[&str] = &["as an ", "as a ", "as the ", "as "];
const MEANS: &[&str] = &[
    "i want to be able to ",
    "i would like to ",
    "i want to ",
    "i need to ",
    "i am able to ",
    "i'm able to ",
    "i can ",
    "i want ",
    "i need ",
    "i'd like ",
];
const ENDS: &[&str] = &["so that ", "in order to ", "so "];

/// A statement with the places of its parts (byte offsets into `text`).
struct Parsed<'a> {
    /// The source text (offsets below are into it).
    text: &'a str,
    /// The same with line breaks as spaces, for matching.
    spaced: String,
    /// The role indicator, if the statement opens with one.
    role: Option<&'static str>,
    /// The means indicator and where it starts.
    means: Option<(&'static str, usize)>,
    /// The ends indicator and where it starts (after the means).
    ends: Option<(&'static str, usize)>,
}

fn find_word(text: &str, word: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = find_ignore_case(text.get(at..)?, word) {
        let start = at + i;
        let before_ok = start == 0 || !text.as_bytes()[start - 1].is_ascii_alphanumeric();
        if before_ok {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

fn parse(source: &str) -> Parsed<'_> {
    // Indicators may be broken over lines: match on a copy with every ASCII
    // whitespace a space (same byte offsets), report on the source.
    let spaced: String = source
        .chars()
        .map(|c| if c.is_ascii_whitespace() { ' ' } else { c })
        .collect();
    let text = spaced.as_str();
    let lead = text.len() - text.trim_start_matches(['*', '_', ' ']).len();
    let role = ROLE.iter().copied().find(|r| {
        text.get(lead..)
            .is_some_and(|t| t.len() >= r.len() && t[..r.len()].eq_ignore_ascii_case(r))
    });
    let means = MEANS
        .iter()
        .filter_map(|m| find_word(text, m, 0).map(|i| (*m, i)))
        .min_by_key(|(m, i)| (*i, std::cmp::Reverse(m.len())));
    let after_means = means.map_or(0, |(m, i)| i + m.len());
    let ends = ENDS
        .iter()
        .filter_map(|e| find_word(text, e, after_means).map(|i| (*e, i)))
        .min_by_key(|(e, i)| (*i, std::cmp::Reverse(e.len())));
    Parsed {
        text: source,
        spaced: spaced.clone(),
        role,
        means,
        ends,
    }
}

/// The template a statement follows, by kind of indicator: "As a" and
/// "As an" are one role indicator; "I want", "I want to", "I would like",
/// "I need" one kind of means, "I can" and "I am able to" another.
fn template(p: &Parsed) -> (String, String, String) {
    let role = match p.role.map(str::trim) {
        Some("as a" | "as an") => "as a",
        Some(r) => r,
        None => "-",
    };
    let means = match p.means.map(|m| m.0.trim()) {
        Some(m) if m.starts_with("i can") || m.contains("able") => "i can",
        Some(_) => "i want",
        None => "-",
    };
    (
        role.to_string(),
        means.to_string(),
        p.ends.map_or("-", |e| e.0).trim().to_string(),
    )
}

/// The statement as a duplicate check compares it: words only, any case.
fn normalised(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn quality(ctx: &Context, out: &mut Vec<Finding>) {
    let cfg = &ctx.s.config;
    let mut statements: Vec<(&Story, usize, Parsed)> = Vec::new();
    for story in &ctx.s.stories {
        if let (Some(max), Some(est)) = (cfg.quality.max_estimate, story.estimate) {
            if est > max && story.kind != Kind::Epic {
                out.push(
                    story
                        .finding_at(
                            "estimate",
                            Rule::StoryTooBig,
                            format!(
                                "`{}` is estimated at {est}, above the {max} a story may be",
                                story.id
                            ),
                        )
                        .help("split it into stories that each deliver something a user can see"),
                );
            }
        }
        criteria(story, cfg, out);
        if story.kind != Kind::Story {
            continue;
        }
        let Some((start, end)) = story.opening else {
            continue;
        };
        let Some(text) = story.doc.text.get(start..end) else {
            continue;
        };
        statements.push((story, start, parse(text)));
    }
    // Findings at a span of the statement.
    let at = |story: &Story, start: usize, offset: usize, len: usize, rule: Rule, msg: String| {
        let (line, col) = story.doc.position(start + offset);
        let mut f = story.doc.finding(rule, line, col, msg);
        f.width = story.doc.text[start + offset..start + offset + len]
            .chars()
            .count()
            .max(1);
        f
    };
    for (story, start, p) in &statements {
        let (story, start) = (*story, *start);
        // A missing part is pointed at the statement's first word.
        let first_word = p.text.find([' ', '\n']).unwrap_or(p.text.len());
        if p.role.is_none() {
            out.push(
                at(
                    story,
                    start,
                    0,
                    first_word,
                    Rule::StoryRoleMissing,
                    format!("the statement of `{}` names no role", story.id),
                )
                .help("open it with who it is for: \"As a <role>, I want …\""),
            );
        }
        let Some((means, mi)) = p.means else {
            out.push(
                at(
                    story,
                    start,
                    0,
                    first_word,
                    Rule::StoryMeansMissing,
                    format!("the statement of `{}` says no means", story.id),
                )
                .help("say what is wanted: \"…, I want <what>, so that …\""),
            );
            continue;
        };
        // Atomic: the means joins goals.
        let means_start = mi + means.len();
        let means_end = p.ends.map_or(p.text.len(), |e| e.1);
        let segment = &p.spaced[means_start..means_end];
        let joint = second_action(segment);
        if let Some((i, len)) = joint {
            out.push(
                at(
                    story,
                    start,
                    means_start + i,
                    len,
                    Rule::StoryNotAtomic,
                    format!("the means of `{}` joins more than one goal", story.id),
                )
                .help("split it: one story for each thing wanted"),
            );
        }
        // Minimal: brackets, a repeated indicator, a second sentence.
        if let Some(i) = p.text.find(['(', '[', '{']) {
            out.push(
                at(
                    story,
                    start,
                    i,
                    1,
                    Rule::StoryNotMinimal,
                    format!("the statement of `{}` holds a remark in brackets", story.id),
                )
                .help("move the remark into the description or the acceptance criteria"),
            );
        } else if let Some((word, i)) = repeated(p) {
            out.push(
                at(
                    story,
                    start,
                    i,
                    word.trim().len(),
                    Rule::StoryNotMinimal,
                    format!(
                        "`{}` repeats \"{}\" in its statement",
                        story.id,
                        word.trim()
                    ),
                )
                .help("keep one indicator; a second \"so that\" is a second story or a remark"),
            );
        } else if let Some(i) = second_sentence(&p.spaced) {
            out.push(
                at(
                    story,
                    start,
                    i,
                    p.text[i..].find(' ').unwrap_or(p.text.len() - i),
                    Rule::StoryNotMinimal,
                    format!("the statement of `{}` goes on after its sentence", story.id),
                )
                .help("keep the statement to one sentence; put the rest below it"),
            );
        }
    }
    duplicates(&statements, out);
    uniform(&statements, out);
}

/// Verbs of action, in their base form: a conjunction followed by one of
/// them (or by "to" and one of them) joins two things to do — "add an item
/// and edit it" — where a conjunction inside a noun phrase ("name and
/// description", "dates and times") joins parts of one thing and is fine.
const ACTIONS: &[&str] = &[
    "access",
    "add",
    "approve",
    "archive",
    "assign",
    "attach",
    "book",
    "browse",
    "cancel",
    "change",
    "check",
    "choose",
    "close",
    "comment",
    "compare",
    "configure",
    "copy",
    "create",
    "define",
    "delete",
    "deposit",
    "download",
    "edit",
    "email",
    "enter",
    "export",
    "filter",
    "find",
    "generate",
    "get",
    "hide",
    "import",
    "invite",
    "link",
    "list",
    "log",
    "login",
    "manage",
    "mark",
    "merge",
    "modify",
    "move",
    "notify",
    "open",
    "order",
    "pay",
    "post",
    "print",
    "publish",
    "rate",
    "read",
    "receive",
    "record",
    "register",
    "reject",
    "remove",
    "rename",
    "reorder",
    "replace",
    "report",
    "request",
    "reset",
    "restore",
    "review",
    "run",
    "save",
    "schedule",
    "search",
    "see",
    "select",
    "send",
    "set",
    "share",
    "show",
    "sign",
    "sort",
    "start",
    "stop",
    "store",
    "submit",
    "subscribe",
    "tag",
    "track",
    "update",
    "upload",
    "validate",
    "verify",
    "view",
    "vote",
    "write",
];

/// The first conjunction in `segment` (the means) that starts a second
/// action: `and`, `or` or `&` followed by a verb of action, or a `/`
/// between two of them ("copy/paste" is one action and not reported).
fn second_action(segment: &str) -> Option<(usize, usize)> {
    let lower = segment.to_ascii_lowercase();
    for conj in [" and ", " or ", " & "] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(conj).map(|i| i + from) {
            let rest = &lower[i + conj.len()..];
            let mut words = rest
                .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
                .filter(|w| !w.is_empty());
            let first = words.next().unwrap_or("");
            let verb = if first == "to" || first == "then" || first == "also" {
                words.next().unwrap_or("")
            } else {
                first
            };
            if ACTIONS.contains(&verb) {
                return Some((i + 1, conj.trim().len()));
            }
            from = i + conj.len();
        }
    }
    None
}

/// A means or ends indicator given twice ("so that … so that", "I want … I want").
fn repeated(p: &Parsed) -> Option<(&'static str, usize)> {
    let (means, mi) = p.means?;
    if let Some(i) = find_word(&p.spaced, means, mi + means.len()) {
        return Some((means, i));
    }
    let (ends, ei) = p.ends?;
    ["so that ", "so "]
        .iter()
        .filter_map(|e| find_word(&p.spaced, e, ei + ends.len()).map(|i| (*e, i)))
        .min_by_key(|(_, i)| *i)
}

/// Where a second sentence starts: a full stop, `?` or `!` followed by a
/// space and more words (not an abbreviation like "e.g." or "etc.").
fn second_sentence(text: &str) -> Option<usize> {
    let t = text.trim_end();
    let b = t.as_bytes();
    for (i, c) in t.char_indices() {
        if !matches!(c, '.' | '?' | '!') || i + 2 >= b.len() || b[i + 1] != b' ' {
            continue;
        }
        let word_start = t[..i].rfind(' ').map_or(0, |s| s + 1);
        let word = t[word_start..i].to_ascii_lowercase();
        if ["e.g", "i.e", "etc", "vs", "mr", "dr", "no", "approx"].contains(&word.as_str())
            || word.len() == 1
        {
            continue;
        }
        let next = t[i + 2..].trim_start();
        if next.chars().next().is_some_and(|c| c.is_uppercase()) {
            return Some(i + 2 + (t[i + 2..].len() - next.len()));
        }
    }
    None
}

fn duplicates(statements: &[(&Story, usize, Parsed)], out: &mut Vec<Finding>) {
    let mut first: HashMap<String, &Story> = HashMap::new();
    for (story, _, p) in statements {
        let key = normalised(p.text);
        if key.split(' ').count() < 4 {
            continue;
        }
        match first.get(&key) {
            Some(other) => out.push(
                story
                    .finding_at(
                        "id",
                        Rule::StoryDuplicate,
                        format!("`{}` has the same statement as `{}`", story.id, other.id),
                    )
                    .help("merge the two stories, or say what sets them apart")
                    .related(other.id_location(), "the story with the same statement"),
            ),
            None => {
                first.insert(key, story);
            }
        }
    }
}

/// Stories whose template departs from the one most statements use, when
/// most do (at least half of five or more statements).
fn uniform(statements: &[(&Story, usize, Parsed)], out: &mut Vec<Finding>) {
    let complete: Vec<_> = statements
        .iter()
        .filter(|(_, _, p)| p.role.is_some() && p.means.is_some())
        .collect();
    if complete.len() < 5 {
        return;
    }
    // The ends clause is optional in many templates: a story without one is
    // not held to the others' ends indicator.
    let mut counts: HashMap<(String, String, String), usize> = HashMap::new();
    for (_, _, p) in &complete {
        *counts.entry(template(p)).or_default() += 1;
    }
    let Some((common, n)) = counts
        .iter()
        .max_by_key(|(t, n)| (**n, std::cmp::Reverse((*t).clone())))
    else {
        return;
    };
    // A clear majority only: with two templates in equal use there is no
    // house style to depart from.
    if *n * 10 < complete.len() * 7 {
        return;
    }
    for (story, start, p) in complete {
        let t = template(p);
        if &t == common || (t.0 == common.0 && t.1 == common.1 && t.2 == "-") {
            continue;
        }
        let (line, col) = story.doc.position(*start);
        let mut f = story.doc.finding(
            Rule::StoryNotUniform,
            line,
            col,
            format!(
                "`{}` reads \"{} … {} … {}\" where most stories read \"{} … {} … {}\"",
                story.id, t.0, t.1, t.2, common.0, common.1, common.2
            ),
        );
        f.width = p.text.find([' ', '\n']).unwrap_or(2).max(1);
        out.push(f.help("write it like the others, so stories read alike and compare easily"));
    }
}

/// B096 and B097 on one story's acceptance criteria.
fn criteria(story: &Story, cfg: &crate::model::Config, out: &mut Vec<Finding>) {
    for c in &story.criteria {
        let line_text = story.doc.line(c.line);
        let vague = cfg.quality.vague_words.iter().find_map(|w| {
            let w = w.to_lowercase();
            let at = find_word(&c.text.to_lowercase(), &w, 0)?;
            let after = c.text.as_bytes().get(at + w.len()).copied();
            after
                .is_none_or(|b| !b.is_ascii_alphanumeric())
                .then_some(w)
        });
        if let Some(w) = vague {
            let col = find_word(line_text, &w, 0).map_or(1, |i| line_text[..i].chars().count() + 1);
            let mut f = story.doc.finding(
                Rule::CriteriaVague,
                c.line,
                col,
                format!("\"{w}\" cannot be tested: how would a tester know?"),
            );
            f.width = w.chars().count();
            out.push(f.help("say it with a number or an observable result (\"within 2 seconds\", \"in 3 clicks\")"));
        }
        if cfg.quality.gherkin {
            let t = c.text.to_lowercase();
            let ok = t.starts_with("given ") && find_word(&t, "then ", 0).is_some();
            if !ok {
                let col = line_text
                    .find(|ch: char| ch.is_alphanumeric())
                    .map_or(1, |i| line_text[..i].chars().count() + 1);
                out.push(
                    story
                        .doc
                        .finding(
                            Rule::CriteriaNotGherkin,
                            c.line,
                            col,
                            "this criterion does not read Given … When … Then …",
                        )
                        .help("write it as \"Given <context>, when <action>, then <outcome>\""),
                );
            }
        }
    }
}
