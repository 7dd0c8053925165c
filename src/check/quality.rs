//! Story quality: the syntactic checks of the Quality User Story framework
//! (Lucassen, Dalpiaz et al.) on the statement a story opens with, and
//! three of our own on its criteria and size. Each finding points at the
//! words it is about. Only stories of kind `story` are held to the
//! statement template; bugs, spikes, chores and epics are not.

use foldhash::{HashMap, HashMapExt};

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

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
/// Words that make a bare "so" an ends indicator ("so I can", "so we know").
const SUBJECTS: &[&str] = &[
    "i", "we", "you", "they", "he", "she", "it", "people", "users",
];

/// A statement with the places of its parts (byte offsets into `text`).
struct Parsed<'a> {
    /// The source text (offsets below are into it).
    text: &'a str,
    /// The same with line breaks as spaces, for matching.
    spaced: String,
    /// `spaced` in ASCII lowercase (same offsets), for fast searches.
    lower: String,
    /// The role indicator, if the statement opens with one.
    role: Option<&'static str>,
    /// The means indicator and where it starts.
    means: Option<(&'static str, usize)>,
    /// The ends indicator and where it starts (after the means).
    ends: Option<(&'static str, usize)>,
}

/// `word` (lowercase) in `lower` (lowercase) from `from`, at the start of a
/// word: a plain substring search, which is what makes the statement rules
/// cheap on a large backlog.
fn find_lower(lower: &str, word: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(i) = lower.get(at..)?.find(word) {
        let start = at + i;
        if start == 0 || !lower.as_bytes()[start - 1].is_ascii_alphanumeric() {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// The first of `words` (lowercase) in `lower` from `from`, at the start
/// of a word and where `accept` takes it (given the word and the text after
/// it), with where it starts; the longest where several start there. One
/// pass over the text's word starts, not one search for each word: the
/// same answer as the earliest of each word's first accepted place.
fn first_indicator(
    lower: &str,
    words: &[&'static str],
    from: usize,
    accept: impl Fn(&str, &str) -> bool,
) -> Option<(&'static str, usize)> {
    let b = lower.as_bytes();
    let mut first_bytes = [false; 256];
    for w in words {
        first_bytes[usize::from(w.as_bytes()[0])] = true;
    }
    (from..b.len())
        .filter(|&i| first_bytes[usize::from(b[i])])
        .filter(|&i| i == 0 || !b[i - 1].is_ascii_alphanumeric())
        .find_map(|i| {
            let rest = lower.get(i..)?;
            words
                .iter()
                .filter(|w| rest.starts_with(**w) && accept(w, &rest[w.len()..]))
                .max_by_key(|w| w.len())
                .map(|w| (*w, i))
        })
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
    // whitespace a space (same byte offsets), report on the source. Byte by
    // byte: an ASCII byte is a whole character, and swapping one for a
    // space keeps the text UTF-8.
    let mut bytes = source.as_bytes().to_vec();
    for b in &mut bytes {
        if b.is_ascii_whitespace() {
            *b = b' ';
        }
    }
    // The copy is UTF-8, as said: the fallback is never taken, and a
    // panic on a user's statement is not an option.
    let spaced = String::from_utf8(bytes).unwrap_or_else(|_| source.to_string());
    let lower = spaced.to_ascii_lowercase();
    let text = lower.as_str();
    let lead = text.len() - text.trim_start_matches(['*', '_', ' ']).len();
    let role = ROLE.iter().copied().find(|r| {
        text.get(lead..)
            .is_some_and(|t| t.len() >= r.len() && t[..r.len()].eq_ignore_ascii_case(r))
    });
    let means = first_indicator(text, MEANS, 0, |_, _| true);
    let after_means = means.map_or(0, |(m, i)| i + m.len());
    // "so that" and "in order to" are ends indicators wherever they are; a
    // bare "so" only where a subject follows ("so we can"), as it is
    // otherwise an adverb ("so little", "so far").
    let ends = first_indicator(text, ENDS, after_means, |e, rest| {
        e != "so " || SUBJECTS.contains(&rest.split(' ').next().unwrap_or(""))
    });
    Parsed {
        text: source,
        spaced,
        lower,
        role,
        means,
        ends,
    }
}

/// A finding at `len` bytes of a statement that starts at byte `start` of
/// the story's text, `offset` bytes in.
fn at(story: &Story, start: usize, offset: usize, len: usize, rule: Rule, msg: String) -> Finding {
    let (line, col) = story.doc.position(start + offset);
    let mut f = story.doc.finding(rule, line, col, msg);
    f.width = story.doc.text[start + offset..start + offset + len]
        .chars()
        .count()
        .max(1);
    f
}

/// The indicators a statement is written with, by kind; `-` for none.
#[derive(Clone, Copy)]
struct Template {
    role: &'static str,
    means: &'static str,
    ends: &'static str,
}

/// The statement as a duplicate check compares it: words only, any case.
fn normalised(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        // A word's own lowercase (a final sigma is the word's business).
        if word.is_ascii() {
            out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

/// The rules that read statements; when all are off the statements are not
/// parsed at all (what `check` costs without them: docs/benchmarks.md).
const STATEMENT_RULES: &[Rule] = &[
    Rule::StoryRoleMissing,
    Rule::StoryMeansMissing,
    Rule::StoryNotAtomic,
    Rule::StoryNotMinimal,
    Rule::StoryDuplicate,
    Rule::StoryNotUniform,
];

/// The rules that read a story's text itself (its statement's wording,
/// its criteria's lines), not only what the text parses to.
pub(super) fn text_rules() -> impl Iterator<Item = Rule> {
    STATEMENT_RULES
        .iter()
        .copied()
        .chain([Rule::CriteriaVague, Rule::CriteriaNotGherkin])
}

/// What the rules across statements (duplicates, uniform wording) keep of
/// one, once its own rules have run: not its two copies for matching
/// (`Parsed::spaced`, `Parsed::lower`; 18 of `check`'s 456 MB at 100,000
/// stories).
struct Kept<'a> {
    story: &'a Story,
    /// Where the statement starts in the story's file.
    start: usize,
    text: &'a str,
    /// A hash of the statement as a duplicate check compares it
    /// ([`normalised`]), if it has the four words a duplicate needs; the
    /// words themselves are compared only where two hashes meet (keeping
    /// them was 17.7 MB of `check`'s heap at 100,000 stories, by heaptrack).
    key: Option<u64>,
    /// Bytes of emphasis and spaces before its first word.
    lead: usize,
    role: Option<&'static str>,
    means: Option<(&'static str, usize)>,
    ends: Option<(&'static str, usize)>,
}

impl<'a> Kept<'a> {
    fn of(story: &'a Story, start: usize, p: &Parsed<'a>) -> Kept<'a> {
        let key = normalised(p.text);
        Kept {
            story,
            start,
            text: p.text,
            key: (key.split(' ').count() >= 4).then(|| key_hash(&key)),
            lead: p.lower.len() - p.lower.trim_start_matches(['*', '_', ' ']).len(),
            role: p.role,
            means: p.means,
            ends: p.ends,
        }
    }

    /// The template a statement follows, by kind of indicator: "As a" and
    /// "As an" are one role indicator. Means come in three kinds: a wish for
    /// an action ("I want to", "I would like to", "I need to", "I want to be
    /// able to"), a wish for a thing ("I want results stored", "I need a
    /// report") and an ability ("I can", "I am able to").
    fn template(&self) -> Template {
        let role = match self.role.map(str::trim) {
            Some("as a" | "as an") => "as a",
            Some(r) => r,
            None => "-",
        };
        let means = match self.means.map(|m| m.0.trim()) {
            Some(m) if m.starts_with("i can") || m.contains("able") && !m.starts_with("i want") => {
                "i can"
            }
            Some(m) if m.ends_with(" to") => "i want to",
            Some(_) => "i want",
            None => "-",
        };
        Template {
            role,
            means,
            ends: self.ends.map_or("-", |e| e.0.trim()),
        }
    }
}

pub(super) fn quality(ctx: &Context, out: &mut Vec<Finding>) {
    let cfg = &ctx.s.config;
    let statements_read = STATEMENT_RULES
        .iter()
        .any(|r| cfg.level(*r) != crate::model::RuleLevel::Off);
    // The stories whose own rules run: every one for `check`, the edited
    // ones for an edit's guard, beside thousands of summaries (for which
    // the results of the map below were 1.2 MB of fresh memory).
    let local: Vec<&Story> = ctx.s.stories.iter().filter(|s| ctx.is_local(s)).collect();
    // One automaton for the whole word list: every criterion is scanned
    // once, however long the list (ASCII letters in any case; other letters
    // as written in the list). For a few stories, the kind quickest to
    // build: the one quickest to search took a millisecond of every `new`.
    // An empty word is no word; a list beyond the automaton's limits (far
    // beyond any YAML file) is not matched rather than ending the run.
    let few = local.len() < 64;
    let vague_words = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(few.then_some(aho_corasick::AhoCorasickKind::NoncontiguousNFA))
        .build(
            cfg.quality
                .vague_words
                .iter()
                .filter(|w| !w.trim().is_empty())
                .map(|w| w.to_lowercase()),
        )
        .ok();
    // Each story's own checks, its statement's parse and rules are
    // independent: done in parallel, then taken in story order.
    // Findings and statements apart, so the statements stay where they
    // were collected (copying them into a list of their own kept both at
    // the peak of `check`, 12 MB at 100,000 stories by heaptrack).
    let (found, statements): (Vec<Vec<Finding>>, Vec<Option<Kept>>) = local
        .par_iter()
        .map(|&story| {
            let mut out = Vec::new();
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
                            .help(
                                "split it into stories that each deliver something a user can see",
                            ),
                    );
                }
            }
            criteria(story, cfg, vague_words.as_ref(), &mut out);
            if story.kind != Kind::Story || !statements_read {
                return (out, None);
            }
            let kept = story
                .opening
                .and_then(|(start, end)| Some((start, story.doc.text.get(start..end)?)))
                .map(|(start, text)| {
                    let p = parse(text);
                    statement_rules(story, start, &p, &mut out);
                    Kept::of(story, start, &p)
                });
            (out, kept)
        })
        .unzip();
    out.extend(found.into_iter().flatten());
    duplicates(&statements, out);
    uniform(&statements, out);
}

/// The rules on one statement: its role, means, and whether it is atomic
/// and minimal.
fn statement_rules(story: &Story, start: usize, p: &Parsed, out: &mut Vec<Finding>) {
    // A missing part is pointed at the statement's first word.
    let first_word = p.text.find([' ', '\n']).unwrap_or(p.text.len());
    if let Some((i, len)) = person_named(p) {
        out.push(
            at(
                story,
                start,
                i,
                len,
                Rule::StoryRoleMissing,
                format!(
                    "the statement of `{}` names a person (\"{}\"), not a role",
                    story.id,
                    &p.text[i..i + len]
                ),
            )
            .help("name the role this person plays: \"As a moderator, I want …\""),
        );
    } else if p.role.is_none() {
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
        return;
    };
    // Atomic: the means joins goals.
    let means_start = mi + means.len();
    let means_end = p.ends.map_or(p.text.len(), |e| e.1);
    let segment = &p.lower[means_start..means_end];
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
    if let Some(i) = bracket(p.text) {
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
    } else if let Some((i, mark)) = remark(&p.spaced) {
        out.push(
            at(
                story,
                start,
                i,
                mark.len(),
                Rule::StoryNotMinimal,
                format!(
                    "the statement of `{}` goes on after \"{}\"",
                    story.id,
                    mark.trim()
                ),
            )
            .help("keep the statement to role, means and ends; put lists and notes below it"),
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
fn second_action(lower: &str) -> Option<(usize, usize)> {
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
            // Two delimited options joined: "{0, 1, 2} or {1, 2, 4}".
            let bracketed = matches!(lower[..i].chars().last(), Some(')' | ']' | '}' | '"'))
                && matches!(rest.chars().next(), Some('(' | '[' | '{' | '"'));
            if ACTIONS.contains(&verb) || bracketed {
                return Some((i + 1, conj.trim().len()));
            }
            from = i + conj.len();
        }
    }
    None
}

/// A means or ends indicator given twice ("so that … so that", "I want … I want").
fn repeated(p: &Parsed) -> Option<(&'static str, usize)> {
    // The means indicator again, opening a clause of its own before the
    // ends ("I want to …, I want to …"); after a noun it starts a relative
    // clause ("… what kind of data I want to store") and inside the ends it
    // is part of the reason ("… which summit I want to attend").
    let (means, mi) = p.means?;
    let means_end = p.ends.map_or(p.spaced.len(), |e| e.1);
    let mut from = mi + means.len();
    while let Some(i) = find_lower(&p.lower, means, from).filter(|i| *i < means_end) {
        let before = p.lower[..i].trim_end();
        if before.ends_with([',', ';', '.']) || before.ends_with(" and") {
            return Some((means, i));
        }
        from = i + means.len();
    }
    // The ends indicator given again ("so that … so that"); a "so that"
    // after "so … " too. Another indicator in the ends ("so that I need
    // not convert formats in order to use it") is part of the reason.
    let (ends, ei) = p.ends?;
    let again: &[&'static str] = if ends == "so " {
        &["so that "]
    } else {
        &[ends]
    };
    again
        .iter()
        .filter_map(|e| find_lower(&p.lower, e, ei + ends.len()).map(|i| (*e, i)))
        .min_by_key(|(_, i)| *i)
}

/// Where a remark in brackets opens. A bracket glued to the word before
/// it marks a plural or a variant ("collection(s)", "f(x)"), not a remark.
fn bracket(text: &str) -> Option<usize> {
    text.match_indices(['(', '[', '{'])
        .map(|(i, _)| i)
        .find(|&i| {
            !text[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        })
}

/// Role nouns that are not agent nouns by their ending ("admin", not
/// "administrator"); see `person_named`.
const PLAIN_ROLES: &[&str] = &[
    "admin",
    "staff",
    "guest",
    "team",
    "member",
    "person",
    "public",
    "faculty",
    "nurse",
    "coach",
    "clerk",
    "host",
    "chef",
    "head",
    "lead",
    "chair",
    "dean",
    "child",
    "pupil",
    "tutor",
    "friend",
    "family",
    "patient",
    "client",
    "customer",
    "user",
    "officer",
    "volunteer",
    "employee",
];

/// Agent-noun endings: "moderator", "researcher", "librarian", "archivist",
/// "applicant", "student", "trainee", "volunteer".
const AGENT_ENDINGS: &[&str] = &[
    "er", "or", "ar", "ist", "ant", "ent", "ian", "ee", "eer", "ive",
];

/// A role that reads as a person's name ("As a Mike, …", "As Mike, …"): one
/// capitalised word (not an acronym, not CamelCase) that is neither an
/// agent noun by its ending nor a common plain role noun. Personas are
/// people; the framework asks for the role they play.
fn person_named(p: &Parsed) -> Option<(usize, usize)> {
    let role = p.role?;
    let lead = p.spaced.len() - p.spaced.trim_start_matches(['*', '_', ' ']).len();
    let from = lead + role.len();
    let rest = &p.spaced[from..];
    let word_len = rest
        .find(|c: char| !c.is_alphabetic())
        .unwrap_or(rest.len());
    let word = &rest[..word_len];
    // The role must be that one word: a comma or the means follows.
    let after = rest[word_len..].trim_start_matches(['*', '_']);
    if !(after.starts_with(',') || after.to_ascii_lowercase().starts_with(" i ")) {
        return None;
    }
    let mut chars = word.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    if !first_upper || word.chars().count() < 2 || !chars.all(char::is_lowercase) {
        return None;
    }
    let lower = word.to_lowercase();
    if PLAIN_ROLES.contains(&lower.as_str())
        || AGENT_ENDINGS.iter().any(|e| lower.ends_with(e))
        || lower.ends_with('s')
    {
        return None;
    }
    Some((from, word_len))
}

/// A remark the statement carries after a semicolon, a colon or a dash set
/// off by spaces ("…: Logo, title, trainers", "… - though there will be
/// rules"): the part after it is a note or a list, not the story.
fn remark(text: &str) -> Option<(usize, &'static str)> {
    let t = text.trim_end();
    [";", ":", " - ", " – ", " — "]
        .iter()
        .filter_map(|mark| {
            let i = first_mark(t, mark)?;
            let rest = t[i + mark.len()..].trim_start();
            // A mark before the next part of the template separates, it
            // does not add: "…; so that …", "…: I want to …".
            let lower = rest.to_ascii_lowercase();
            if ENDS.iter().chain(MEANS).any(|w| lower.starts_with(w)) {
                return None;
            }
            // Text must follow ("https://…" or a trailing ":" is not a remark).
            let followed = rest.chars().next().is_some_and(char::is_alphanumeric)
                && t[i + mark.len()..].starts_with(' ') | mark.starts_with(' ');
            followed.then_some((i, *mark))
        })
        .min_by_key(|(i, _)| *i)
}

/// Where `mark` (one character, or a dash between spaces) first stands in
/// `t`: what `t.find(mark)` says, by a search for its dash character rather
/// than a substring search.
fn first_mark(t: &str, mark: &str) -> Option<usize> {
    let dash = match mark.strip_prefix(' ').and_then(|m| m.strip_suffix(' ')) {
        Some(dash) => dash.chars().next()?,
        None => return t.find(mark),
    };
    let mut from = 0;
    while let Some(j) = t.get(from..)?.find(dash).map(|j| j + from) {
        let after = j + dash.len_utf8();
        if j > 0 && t.as_bytes()[j - 1] == b' ' && t[after..].starts_with(' ') {
            return Some(j - 1);
        }
        from = after;
    }
    None
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

/// The hash [`Kept::key`] holds: the same for the same words, on every run.
fn key_hash(normalised: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0).hash_one(normalised)
}

fn duplicates(statements: &[Option<Kept>], out: &mut Vec<Finding>) {
    // The first statement of each wording, by the hash of its words; a
    // second wording under a hash already taken (words differ, hashes
    // meet) waits in `others`, and wordings are told apart by their words.
    let mut first: HashMap<u64, (&Story, usize, &str)> = HashMap::with_capacity(statements.len());
    let mut others: Vec<(u64, (&Story, usize, &str))> = Vec::new();
    for k in statements.iter().flatten() {
        let Some(key) = k.key else {
            continue;
        };
        let mine = (k.story, k.start, k.text);
        let Some(&taken) = first.get(&key) else {
            first.insert(key, mine);
            continue;
        };
        let words = normalised(k.text);
        let same = std::iter::once(taken)
            .chain(others.iter().filter(|(h, _)| *h == key).map(|(_, o)| *o))
            .find(|o| normalised(o.2) == words);
        match same {
            Some((other, other_start, _)) => out.push(
                at(
                    k.story,
                    k.start,
                    0,
                    k.text.find('\n').unwrap_or(k.text.len()),
                    Rule::StoryDuplicate,
                    format!(
                        "`{}` has the same statement as `{}` in {}",
                        k.story.id,
                        other.id,
                        other.id_location().path.display()
                    ),
                )
                .help("merge the two stories, or say what sets them apart")
                .related(
                    {
                        let (line, col) = other.doc.position(other_start);
                        other.doc.location(line, col)
                    },
                    "the story with the same statement",
                ),
            ),
            None => others.push((key, mine)),
        }
    }
}

/// Stories whose template departs from the one most statements use, when
/// a clear majority (four in five of five or more statements) uses one.
/// The ends clause is optional in many templates, so it is held to the
/// common ends indicator only where it is there: a statement with or
/// without "so that" is not, by that alone, out of line.
fn uniform(statements: &[Option<Kept>], out: &mut Vec<Finding>) {
    let complete: Vec<(&Kept, Template)> = statements
        .iter()
        .flatten()
        .filter(|k| k.role.is_some() && k.means.is_some())
        .map(|k| (k, k.template()))
        .collect();
    /// The value most of `values` share, if four in five of five or more do.
    fn house<'a>(values: impl Iterator<Item = &'a str>) -> Option<&'a str> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let mut all = 0;
        for v in values {
            *counts.entry(v).or_default() += 1;
            all += 1;
        }
        let (common, n) = counts
            .into_iter()
            .max_by_key(|(v, n)| (*n, std::cmp::Reverse(*v)))?;
        (all >= 5 && n * 5 >= all * 4).then_some(common)
    }
    let opening = house(complete.iter().map(|(_, t)| t.role));
    let means = house(complete.iter().map(|(_, t)| t.means));
    let ends = house(complete.iter().map(|(_, t)| t.ends).filter(|e| *e != "-"));
    let departs = |common: Option<&str>, own: &str| common.is_some_and(|c| c != own);
    for (k, t) in &complete {
        let (story, start) = (k.story, &k.start);
        let ends_depart = t.ends != "-" && departs(ends, t.ends);
        if !(departs(opening, t.role) || departs(means, t.means) || ends_depart) {
            continue;
        }
        // Point at the first part that departs: its indicator.
        let (offset, len) = if departs(opening, t.role) {
            (k.lead, k.role.map_or(2, |r| r.trim_end().len()))
        } else if let (true, Some((m, i))) = (departs(means, t.means), k.means) {
            (i, m.trim_end().len())
        } else if let Some((e, i)) = k.ends {
            (i, e.trim_end().len())
        } else {
            (k.lead, 2)
        };
        // A statement without an ends clause is shown without one.
        let common_ends = if t.ends == "-" {
            "-"
        } else {
            ends.unwrap_or(t.ends)
        };
        out.push(
            at(
                story,
                *start,
                offset,
                len,
                Rule::StoryNotUniform,
                format!(
                    "`{}` reads \"{} … {} … {}\" where most stories read \"{} … {} … {}\"",
                    story.id,
                    t.role,
                    t.means,
                    t.ends,
                    opening.unwrap_or(t.role),
                    means.unwrap_or(t.means),
                    common_ends
                ),
            )
            .help("write it like the others, so stories read alike and compare easily"),
        );
    }
}

/// B096 and B097 on one story's acceptance criteria.
fn criteria(
    story: &Story,
    cfg: &crate::model::Config,
    vague_words: Option<&AhoCorasick>,
    out: &mut Vec<Finding>,
) {
    for c in &story.criteria {
        // Looked up only for a finding: the file's line index is built on
        // the first lookup, and most criteria have none.
        let line_text = || story.doc.line(c.line);
        // Whole words only: "fastest" is not "fast".
        let b = c.text.as_bytes();
        let vague = vague_words
            .into_iter()
            .flat_map(|ac| ac.find_overlapping_iter(c.text.as_str()))
            .find(|m| {
                (m.start() == 0 || !b[m.start() - 1].is_ascii_alphanumeric())
                    && b.get(m.end()).is_none_or(|c| !c.is_ascii_alphanumeric())
            })
            .map(|m| (m.start(), c.text[m.start()..m.end()].to_lowercase()));
        if let Some((at, w)) = vague {
            // The criterion's text as it stands on its line, then the word in it.
            let line_text = line_text();
            let col = line_text
                .find(c.text.as_str())
                .map(|base| base + at)
                .or_else(|| find_word(line_text, &w, 0))
                .map_or(1, |i| line_text[..i].chars().count() + 1);
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
                let line_text = line_text();
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Text made of the pieces the statement searches look for.
    fn statement_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("i want to ".to_string()),
            Just("i want ".to_string()),
            Just("i want to be able to ".to_string()),
            Just("i can ".to_string()),
            Just("so that ".to_string()),
            Just("so ".to_string()),
            Just("so we ".to_string()),
            Just("in order to ".to_string()),
            Just(" - ".to_string()),
            Just(" – ".to_string()),
            Just("—".to_string()),
            Just("; ".to_string()),
            Just(": ".to_string()),
            Just("Σ ".to_string()),
            "[a-zé ,.-]{0,6}",
        ];
        prop::collection::vec(piece, 0..10).prop_map(|p| p.concat())
    }

    proptest! {
        /// One pass finds what a search for each indicator found: the
        /// earliest accepted place, the longest indicator there.
        #[test]
        fn first_indicator_is_the_earliest_of_each_words_first(
            text in statement_text(),
            from in 0usize..8,
        ) {
            let from = (0..=from.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let so_subject = |e: &str, rest: &str| {
                e != "so " || SUBJECTS.contains(&rest.split(' ').next().unwrap_or(""))
            };
            for (words, accept) in [(MEANS, &(|_: &str, _: &str| true) as &dyn Fn(&str, &str) -> bool), (ENDS, &so_subject)] {
                let each = words
                    .iter()
                    .filter_map(|w| {
                        let mut at = from;
                        loop {
                            let i = find_lower(&text, w, at)?;
                            if accept(w, &text[i + w.len()..]) {
                                return Some((*w, i));
                            }
                            at = i + w.len();
                        }
                    })
                    .min_by_key(|(w, i)| (*i, std::cmp::Reverse(w.len())));
                prop_assert_eq!(first_indicator(&text, words, from, accept), each);
            }
        }

        #[test]
        fn first_mark_is_find(text in statement_text()) {
            for mark in [";", ":", " - ", " – ", " — "] {
                prop_assert_eq!(first_mark(&text, mark), text.find(mark));
            }
        }

        #[test]
        fn normalised_is_the_lowercase_words_joined(text in statement_text()) {
            let words: Vec<String> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect();
            prop_assert_eq!(normalised(&text), words.join(" "));
        }
    }
}
