//! What the tool reads out of a story's Markdown body: the story statement
//! and the acceptance criteria. The body itself is never rewritten.

use std::sync::Arc;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::document::Document;
use super::text::Text;

/// The parts of a body the rules look at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Body {
    pub statement: Option<Statement>,
    pub criteria: Vec<Criterion>,
    /// Whether an "Acceptance criteria" heading exists (even if empty).
    pub has_criteria_section: bool,
    /// The free text: paragraphs outside the acceptance criteria, other
    /// than the statement, as plain text (the story's description).
    pub description: Vec<String>,
    /// The first paragraph outside the criteria, where a statement is
    /// written (whether it follows the template or not): its byte range in
    /// the body, for rules that point at words in it.
    pub opening: Option<(usize, usize)>,
}

/// Reads `body`, whose first line is line `first_line` of the file.
pub fn read(body: &str, first_line: usize) -> Body {
    read_with(body, first_line, Gather::All, None)
}

/// `body` as a story is loaded: statement, opening and acceptance criteria,
/// not the description (which only `show` prints, reading the body again),
/// so the words of no other paragraph are gathered and joined.
/// The body is `doc`'s text from byte `start`: the words gathered are
/// slices of it where they stand in it as they are ([`Text`]), as a loaded
/// story keeps its file's text anyway.
pub fn read_story(doc: &Arc<Document>, start: usize, first_line: usize) -> Body {
    let body = doc.text.get(start..).unwrap_or("");
    read_with(body, first_line, Gather::Story, Some((doc, start)))
}

/// What a read of a body gathers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gather {
    All,
    Story,
    Criteria,
}

/// Only the acceptance criteria of `body` (and whether it has the section),
/// read from all of it: what [`read_criteria_from`] is held to in tests.
#[cfg(test)]
fn read_criteria(body: &str, first_line: usize) -> Body {
    read_with(body, first_line, Gather::Criteria, None)
}

/// Only the acceptance criteria of `body` (and whether it has the section):
/// no statement, description or opening, as history compares criteria only.
/// `mentions` are the byte offsets of every place it says "criteria"
/// (ignoring ASCII case), in order. Only the part that can hold criteria is
/// read ([`criteria_part`]): a long body's other paragraphs were most of
/// the time history spent in bodies.
pub fn read_criteria_from(body: &str, first_line: usize, mentions: &[usize]) -> Body {
    let (start, end) = criteria_part(body, mentions);
    let skipped_lines = memchr::memchr_iter(b'\n', &body.as_bytes()[..start]).count();
    read_with(
        &body[start..end],
        first_line + skipped_lines,
        Gather::Criteria,
        None,
    )
}

/// The byte range of `body` that reads to the same criteria as all of it.
///
/// It starts at the line of the first mention when the line before is
/// blank, the line itself is not indented, and nothing before opens a block
/// that a blank line does not close (a code fence, raw HTML) or defines a
/// link the rest could use: CommonMark closes every other block there.
///
/// It ends before the first heading after that line when the line is an
/// ATX heading (`## Acceptance criteria`), no other line says "criteria",
/// the closing heading is of its level or above and starts its line, nothing
/// before it opens a fence or raw HTML (so it is a heading, which closes
/// every list and quote), and nothing after it defines a link.
///
/// Each side is cut only where no line it skips could be a heading whose
/// words are not as written ([`plain_headings`]), and nothing is cut where
/// a `\r` alone ends a line.
fn criteria_part(body: &str, mentions: &[usize]) -> (usize, usize) {
    let Some(line_start) = mentions
        .first()
        .and_then(|&m| body.get(..m))
        .map(|b| b.rfind('\n').map_or(0, |i| i + 1))
    else {
        return (0, body.len());
    };
    // A `\r` alone ends a line where the checks below see none.
    let bytes = body.as_bytes();
    if body
        .match_indices('\r')
        .any(|(i, _)| bytes.get(i + 1) != Some(&b'\n'))
    {
        return (0, body.len());
    }
    let opens_block = |text: &str| ["```", "~~~", "<"].iter().any(|p| text.contains(p));
    let blank = |line: &str| line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r'));
    let before = &body[..line_start];
    let previous = before
        .strip_suffix('\n')
        .map_or("", |b| b.rsplit('\n').next().unwrap_or(""));
    let indented = body[line_start..].starts_with([' ', '\t']);
    let before_opens = opens_block(before);
    let start = if line_start > 0
        && blank(previous)
        && !indented
        && !before_opens
        && !before.contains("]:")
        && plain_headings(before)
    {
        line_start
    } else {
        0
    };
    let end = section_end(body, line_start, mentions)
        .filter(|&end| {
            // The part before the first mention was looked at above.
            !before_opens
                && !opens_block(&body[line_start..end])
                && !body[end..].contains("]:")
                && plain_headings(&body[end..])
        })
        .unwrap_or(body.len());
    (start, end)
}

/// Whether no line of `text` can be a heading whose words differ from what
/// is written (so a criteria heading there would say "criteria" as such):
/// no setext underline, and no `#` line with markup, an entity or an escape
/// (`## Acceptance crit*eria*` is a criteria heading).
fn plain_headings(text: &str) -> bool {
    // Only where a `#`, `=` or `-` is the first character of its line: a
    // look at every line's start was a twentieth of a cold `log`.
    let bytes = text.as_bytes();
    memchr::memchr3_iter(b'#', b'=', b'-', bytes).all(|at| {
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        if !bytes[line_start..at]
            .iter()
            .all(|&b| b == b' ' || b == b'\t')
        {
            return true;
        }
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let line = &bytes[at..line_end];
        let heading_like = if bytes[at] == b'#' {
            line.iter()
                .any(|b| matches!(b, b'*' | b'_' | b'`' | b'&' | b'[' | b'<' | b'\\'))
        } else {
            line.iter()
                .all(|b| matches!(b, b'=' | b'-' | b' ' | b'\t' | b'\r'))
        };
        !heading_like
    })
}

/// Where the next heading of the ATX heading starting at `line_start`'s
/// level or above starts, when no line after the heading says "criteria".
fn section_end(body: &str, line_start: usize, mentions: &[usize]) -> Option<usize> {
    let atx_level = |line: &str| {
        let level = line.bytes().take_while(|&b| b == b'#').count();
        let after = line.as_bytes().get(level).copied();
        ((1..=6).contains(&level) && matches!(after, None | Some(b' ' | b'\t' | b'\r' | b'\n')))
            .then_some(level)
    };
    let level = atx_level(&body[line_start..])?;
    let heading_end = body[line_start..].find('\n').map(|i| line_start + i + 1)?;
    if mentions.last().is_some_and(|&m| m >= heading_end) {
        return None;
    }
    let rest = &body[heading_end..];
    let mut at = heading_end;
    for line in rest.split_inclusive('\n') {
        if atx_level(line).is_some_and(|l| l <= level) {
            return Some(at);
        }
        at += line.len();
    }
    None
}

/// `owner`: the document `body` is part of, and where in its text the body
/// starts, when what is gathered may be slices of it.
fn read_with(
    body: &str,
    first_line: usize,
    gather: Gather,
    owner: Option<(&Arc<Document>, usize)>,
) -> Body {
    // A body of the plain shape gives the parser's events without it.
    match super::plain::events(body) {
        Some(events) => gather_from(events, body, first_line, gather, owner),
        None => gather_from(parse(body), body, first_line, gather, owner),
    }
}

/// The parser's events of `body`, with their byte ranges.
fn parse(body: &str) -> impl Iterator<Item = (Event<'_>, std::ops::Range<usize>)> {
    Parser::new_ext(body, Options::ENABLE_TASKLISTS).into_offset_iter()
}

/// What `gather` asks of the body whose `events` these are.
fn gather_from<'a>(
    events: impl IntoIterator<Item = (Event<'a>, std::ops::Range<usize>)>,
    body: &str,
    first_line: usize,
    gather: Gather,
    owner: Option<(&Arc<Document>, usize)>,
) -> Body {
    // Words as a slice of the owner where they stand within `range` of the
    // body, else their own copy.
    let share = |range: std::ops::Range<usize>, words: String| match owner {
        Some((doc, start)) => Text::found_in(doc, start + range.start..start + range.end, words),
        None => Text::from(words),
    };
    // Line starts once (on first use), then a binary search per lookup:
    // counting newlines from the start for every paragraph made a body of
    // many short paragraphs quadratic.
    let starts = std::cell::OnceCell::new();
    let line_of = |offset: usize| {
        let starts: &Vec<usize> =
            starts.get_or_init(|| body.match_indices('\n').map(|(i, _)| i + 1).collect());
        first_line + starts.partition_point(|&s| s <= offset)
    };
    let mut out = Body::default();

    let mut heading: Option<(HeadingLevel, String)> = None;
    let mut criteria_level: Option<HeadingLevel> = None;
    let mut paragraph: Option<(usize, String, std::ops::Range<usize>)> = None;
    let mut list_depth = 0usize;
    let mut item: Option<Item> = None;

    for (event, range) in events {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level, String::new()));
                if criteria_level.is_some_and(|l| level <= l) {
                    criteria_level = None;
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text)) = heading.take() {
                    if text
                        .trim()
                        .trim_end_matches(':')
                        .eq_ignore_ascii_case("acceptance criteria")
                    {
                        criteria_level = Some(level);
                        out.has_criteria_section = true;
                    }
                }
            }
            // Past the statement, a story's load gathers no more paragraphs.
            Event::Start(Tag::Paragraph)
                if list_depth == 0
                    && (gather == Gather::All
                        || gather == Gather::Story && out.statement.is_none()) =>
            {
                paragraph = Some((line_of(range.start), String::new(), range.clone()));
                if out.opening.is_none() && criteria_level.is_none() {
                    out.opening = Some((range.start, range.end));
                }
            }
            Event::End(TagEnd::Paragraph) if list_depth == 0 => {
                if let Some((line, text, range)) = paragraph.take() {
                    if criteria_level.is_none() {
                        let share = |part: String| share(range.clone(), part);
                        match parse_statement(&text, line, &share) {
                            Some(st) if out.statement.is_none() => out.statement = Some(st),
                            Some(_) => {}
                            None if gather == Gather::All => {
                                let text = join_words(text);
                                if !text.is_empty() {
                                    out.description.push(text);
                                }
                            }
                            None => {}
                        }
                    }
                }
            }
            Event::Start(Tag::List(_)) => {
                list_depth += 1;
                if let Some(c) = item.as_mut() {
                    c.text.push(' ');
                }
            }
            Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
            Event::Start(Tag::Item) if list_depth == 1 && criteria_level.is_some() => {
                item = Some(Item {
                    text: String::new(),
                    checked: None,
                    line: line_of(range.start),
                });
            }
            Event::End(TagEnd::Item) if list_depth == 1 => {
                if let Some(c) = item.take() {
                    let text = join_words(c.text);
                    if !text.is_empty() {
                        out.criteria.push(Criterion {
                            text: share(range, text),
                            checked: c.checked,
                            line: c.line,
                        });
                    }
                }
            }
            Event::TaskListMarker(checked) => {
                if let Some(c) = item.as_mut() {
                    if c.checked.is_none() && c.text.is_empty() {
                        c.checked = Some(checked);
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                push_text(&mut heading, &mut paragraph, &mut item, &t)
            }
            // A tag is words the author wrote: "a PDF named <INV-1>.pdf"
            // keeps its `<INV-1>` (CommonMark reads it as HTML). A comment
            // (`<!-- ask Sam -->`) is a note to readers of the file.
            Event::InlineHtml(t) if !html_tag_name(&t).is_empty() => {
                push_text(&mut heading, &mut paragraph, &mut item, &t)
            }
            Event::Html(t) if !html_tag_name(&t).is_empty() => {
                let line = t.trim_end_matches(['\n', '\r']).replace(['\n', '\r'], " ");
                push_text(&mut heading, &mut paragraph, &mut item, " ");
                push_text(&mut heading, &mut paragraph, &mut item, &line)
            }
            Event::SoftBreak | Event::HardBreak => {
                push_text(&mut heading, &mut paragraph, &mut item, " ")
            }
            _ => {}
        }
    }
    // Kept with the story: at its length, not the list's last doubling.
    out.criteria.shrink_to_fit();
    out
}

/// The name of the tag a piece of raw HTML opens with (`div` of `<div a>`,
/// of `</div>`); empty for a comment, a declaration, a processing
/// instruction or other text.
pub fn html_tag_name(html: &str) -> &str {
    let rest = html.trim_start();
    let rest = rest.strip_prefix("</").or_else(|| rest.strip_prefix('<'));
    let Some(rest) = rest.filter(|r| r.starts_with(|c: char| c.is_ascii_alphabetic())) else {
        return "";
    };
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// A criterion while its list item is read: its words as they come.
struct Item {
    text: String,
    checked: Option<bool>,
    line: usize,
}

fn push_text(
    heading: &mut Option<(HeadingLevel, String)>,
    paragraph: &mut Option<(usize, String, std::ops::Range<usize>)>,
    item: &mut Option<Item>,
    t: &str,
) {
    if let Some((_, h)) = heading.as_mut() {
        h.push_str(t);
    } else if let Some(c) = item.as_mut() {
        c.text.push_str(t);
    } else if let Some((_, p, _)) = paragraph.as_mut() {
        p.push_str(t);
    }
}

/// Reads "As a <role>, I want <means>, so that <ends>" (case-insensitive;
/// "As an" too). A paragraph that starts with "As a" but lacks a part gives a
/// statement with that part empty, so the Definition of Ready can say which.
/// `share` makes each part's text (a slice of the file where it can be).
fn parse_statement(text: &str, line: usize, share: &dyn Fn(String) -> Text) -> Option<Statement> {
    // The first word must be "as": most paragraphs are not statements, and
    // joining their words first cost more than the parse of a long body.
    if !starts_with_ignore_case(text.trim_start(), "as") {
        return None;
    }
    let text = join_words(text.to_owned());
    // The indicators are ASCII and matched ignoring ASCII case on the text
    // itself: offsets found in a lowercased copy do not fit the original
    // when lowercasing changes a character's length (the Kelvin sign).
    let rest_at = ["as an ", "as a "]
        .iter()
        .find_map(|p| starts_with_ignore_case(&text, p).then_some(p.len()))?;
    let article = if rest_at == "as an ".len() { "an" } else { "a" };
    let want = find_ignore_case(&text[rest_at..], "i want").map(|i| i + rest_at);
    let so = find_ignore_case(&text, "so that");
    let clean = |s: &str| {
        s.trim()
            .trim_matches(|c: char| c == ',' || c == '.' || c.is_whitespace())
            .to_string()
    };
    let (role, means, ends) = match (want, so) {
        (Some(w), Some(s)) if s > w => (
            clean(&text[rest_at..w]),
            clean(&text[w + 6..s]),
            clean(&text[s + 7..]),
        ),
        (Some(w), _) => (
            clean(&text[rest_at..w]),
            clean(&text[w + 6..]),
            String::new(),
        ),
        (None, _) => (clean(&text[rest_at..]), String::new(), String::new()),
    };
    Some(Statement {
        article,
        role: share(role),
        means: share(means),
        ends: share(ends),
        line,
    })
}

/// `text`'s words joined by single spaces, as
/// `split_whitespace().collect::<Vec<_>>().join(" ")`: `text` itself when
/// its words are so joined already (most criteria, one line each), else
/// byte by byte where the text is ASCII (the usual case). Every criterion
/// and statement is joined, and the byte loop was a tenth of `check`'s
/// reading of bodies.
fn join_words(text: String) -> String {
    let b = text.as_bytes();
    // Printable ASCII only (no other whitespace), no space at either end,
    // none after another.
    let joined = b.iter().all(|c| (b' '..=b'~').contains(c))
        && b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && memchr::memmem::find(b, b"  ").is_none();
    if joined {
        return text;
    }
    join_words_of(&text)
}

/// [`join_words`] of text that needs joining.
fn join_words_of(text: &str) -> String {
    if !text.is_ascii() {
        return text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    // The ASCII characters `char::is_whitespace` holds.
    let space = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (space(b), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                if !out.is_empty() {
                    out.push(' ');
                }
                // ASCII: every index is a character boundary.
                out.push_str(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[s..]);
    }
    out
}

fn starts_with_ignore_case(text: &str, ascii: &str) -> bool {
    text.as_bytes()
        .get(..ascii.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(ascii.as_bytes()))
}

/// Byte offset of the first match of the ASCII `needle`, ignoring ASCII
/// case; always a character boundary, since the match is ASCII.
pub fn find_ignore_case(text: &str, needle: &str) -> Option<usize> {
    let (h, n) = (text.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return Some(0);
    };
    let last = h.len().checked_sub(n.len())?;
    // Scan for the first byte in either case, compare the rest only there:
    // linear in practice, where comparing a window at every byte was not.
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut at = 0;
    while at <= last {
        at += h[at..=last]
            .iter()
            .position(|&b| b == lower || b == upper)?;
        if h[at + 1..at + n.len()].eq_ignore_ascii_case(rest) {
            return Some(at);
        }
        at += 1;
    }
    None
}

/// "As a <role>, I want <means>, so that <ends>", as read from the body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Statement {
    /// "a" or "an", as the author wrote it ("a user", "an hourly worker").
    pub article: &'static str,
    pub role: Text,
    pub means: Text,
    pub ends: Text,
    /// 1-based line in the file.
    pub line: usize,
}

impl Statement {
    /// The statement as one sentence: "As an account owner, I want …, so that …".
    /// The article is the author's: "a user", not a guess of "an user".
    pub fn sentence(&self) -> String {
        format!(
            "As {} {}, I want {}, so that {}",
            self.article, self.role, self.means, self.ends
        )
    }

    pub fn is_complete(&self) -> bool {
        !self.role.is_empty() && !self.means.is_empty() && !self.ends.is_empty()
    }
}

/// One acceptance criterion (a list item under "Acceptance criteria").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criterion {
    pub text: Text,
    /// `Some(checked)` for `- [ ]` / `- [x]` items, `None` for plain items.
    pub checked: Option<bool>,
    pub line: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(words: String) -> Text {
        Text::from(words)
    }

    /// Wherever the plain reader reads a body, what is gathered from its
    /// events is what is gathered from the parser's: every part of the body,
    /// as a story keeps it and in full.
    mod plain_shape {
        use super::*;
        use proptest::prelude::*;

        /// Lines of the plain shape.
        const PLAIN: &[&str] = &[
            "",
            "   ",
            "As a **bookkeeper**, I want to search customers in bulk,",
            "so that I can finish the month-end close.",
            "As an admin I want logs so that I can see",
            "As a",
            "## Acceptance criteria",
            "# Acceptance Criteria:",
            "### Notes",
            "#### Acceptance criteria",
            "- [ ] Given a cart, when I pay, then I get a receipt",
            "- [x] Given 32 selected (0)",
            "- [X] done",
            "- plain item",
            "- item with **strong** words",
            "Raised at the customer day.  ",
            "words with snake_case and 2026 and a_b",
            "a **b** c **d**",
            "2026 was a year",
            "10.5 percent",
            "caf\u{e9} au lait",
        ];

        /// Lines just outside the plain shape.
        const OTHER: &[&str] = &[
            "**Bold** start",
            "x **unclosed",
            "x **a*b**",
            "x ** spaced**",
            "x **a **",
            "x **y**z",
            "(**y**)",
            "x **y**!",
            "3 * 4",
            "1. numbered",
            "2) other",
            "---",
            "===",
            "- - -",
            "* star item",
            "> quote",
            "    code",
            "  lazy indented",
            "<div>",
            "[link]: /x",
            "see [docs](x)",
            "a & b",
            "a `code` b",
            "x\\y",
            "#nohash",
            "####### seven",
            "## heading ##",
            "##",
            "- [ ]",
            "- [x] ",
            "-",
            "- ",
            "Tab\there",
            "a__b",
            "_a_",
            "end\r",
        ];

        fn line() -> impl Strategy<Value = &'static str> {
            prop_oneof![
                12 => proptest::sample::select(PLAIN),
                1 => proptest::sample::select(OTHER),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 8192, ..ProptestConfig::default() })]
            #[test]
            fn the_plain_reader_gathers_what_the_parser_gathers(
                lines in proptest::collection::vec(line(), 0..14),
                newline_at_end in any::<bool>(),
            ) {
                let mut body = lines.join("\n");
                if newline_at_end {
                    body.push('\n');
                }
                if let Some(events) = crate::syntax::plain::events(&body) {
                    for gather in [Gather::All, Gather::Story, Gather::Criteria] {
                        let plain = gather_from(events.clone(), &body, 3, gather, None);
                        let parsed = gather_from(parse(&body), &body, 3, gather, None);
                        prop_assert_eq!(plain, parsed, "{:?}", body);
                    }
                }
            }
        }

        #[test]
        fn a_body_in_the_documented_shape_is_read_without_the_parser() {
            let body = "As a **finance clerk**, I want to export an invoice as PDF, so that I can send it\n\
                        to a customer.\n\n## Acceptance criteria\n\n- [ ] Given an invoice, when I choose\n\
                        Export, then a PDF downloads\n- [x] Given 3 invoices (0)\n\n## Notes\n\
                        Raised at the customer day; keep snake_case names.\n";
            assert!(crate::syntax::plain::events(body).is_some());
            let plain = read(body, 1);
            assert_eq!(plain, gather_from(parse(body), body, 1, Gather::All, None));
            assert_eq!(plain.criteria.len(), 2);
            assert!(plain
                .statement
                .is_some_and(|s| s.role.as_str() == "finance clerk"));
        }
    }

    mod separable {
        use super::*;
        use proptest::prelude::*;

        /// Lines of every block kind, and headings and paragraphs that
        /// mention criteria.
        const LINES: &[&str] = &[
            "",
            "   ",
            "\t",
            "Some words",
            "Acceptance criteria",
            "## Acceptance criteria",
            "# Acceptance Criteria:",
            "   ## Acceptance criteria",
            "Criteria follow",
            "---",
            "===",
            "- [ ] pay by card",
            "- [x] get a receipt",
            "* plain item",
            "1. numbered",
            "  - nested item",
            "    indented code",
            "> quoted",
            "> - [ ] quoted item",
            "```",
            "~~~",
            "<div>",
            "</div>",
            "<!-- note",
            "-->",
            "[ref]: https://example.com",
            "see [the docs][ref]",
            "- [ ] see [the docs][ref]",
            "### Deeper",
            "#nospace",
            "####### seven",
            "  ## indented heading",
            "## Notes",
            "x\r  ## Acceptance criteria",
            "\r\t- [ ] a",
            "## Acceptance crit*eria*",
            "## Acceptance cr`i`teria",
            "Acceptance crit_eria_",
            "## Criteria notes",
            "# Other",
            "\r",
        ];

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]
            #[test]
            fn reading_from_the_first_mention_reads_the_criteria_the_whole_body_has(
                lines in proptest::collection::vec(proptest::sample::select(LINES), 0..16)
            ) {
                let body = lines.join("\n");
                let lower = body.to_ascii_lowercase();
                let mentions: Vec<usize> = lower.match_indices("criteria").map(|(i, _)| i).collect();
                if !mentions.is_empty() {
                    prop_assert_eq!(
                        read_criteria_from(&body, 3, &mentions),
                        read_criteria(&body, 3)
                    );
                }
            }
        }
    }

    /// Found in review: a line that a lone `\r` ends, and criteria headings
    /// whose word is split by markup.
    #[test]
    fn a_lone_carriage_return_or_a_marked_up_heading_reads_the_whole_body() {
        for body in [
            "- x\n\n\r  ## Acceptance criteria\n  - [ ] a\n",
            "- x\n\n\r\t## Acceptance criteria\n\t- [ ] a\n",
            "## Acceptance crit*eria*\n- [ ] a\n\n## Criteria notes\n",
            "## Acceptance criteria\n- [ ] a\n\n## Notes\n\n## Acceptance cr`i`teria\n- [ ] b\n",
        ] {
            let mentions: Vec<usize> = body
                .to_ascii_lowercase()
                .match_indices("criteria")
                .map(|(i, _)| i)
                .collect();
            assert_eq!(
                read_criteria_from(body, 1, &mentions),
                read_criteria(body, 1),
                "{body:?}"
            );
        }
    }

    #[test]
    fn a_link_defined_after_the_criteria_section_still_reads_as_a_link() {
        let body = "## Acceptance criteria\n- [ ] see [the docs][ref]\n\n## Notes\n\n[ref]: https://example.com\n";
        let mentions = [body.find("criteria").unwrap()];
        let read = read_criteria_from(body, 1, &mentions);
        assert_eq!(read.criteria[0].text, "see the docs");
        assert_eq!(read, read_criteria(body, 1));
    }

    #[test]
    fn a_kelvin_sign_does_not_crash_the_statement_reader() {
        let s = parse_statement(
            "As a K\u{212a}\u{e9}\u{e9} I want x \u{130}\u{130} so that y",
            3,
            &own,
        )
        .unwrap();
        assert_eq!(s.role, "K\u{212a}\u{e9}\u{e9}");
        assert_eq!(s.means, "x \u{130}\u{130}");
        assert_eq!(s.ends, "y");
        let s = parse_statement("AS AN Über-admin, I WANT ß, SO THAT ok", 1, &own).unwrap();
        assert_eq!(
            (s.role.as_str(), s.means.as_str(), s.ends.as_str()),
            ("Über-admin", "ß", "ok")
        );
    }

    #[test]
    fn reads_statement_and_criteria() {
        let body = "As a **finance clerk**, I want to export an invoice as PDF,\nso that I can send it.\n\n## Acceptance criteria\n- [ ] Given an invoice, when I export, then a PDF downloads\n- [x] It is named after the invoice\n  - nested note\n\n## Notes\n- not a criterion\n";
        let b = read(body, 10);
        let s = b.statement.unwrap();
        assert_eq!(s.role, "finance clerk");
        assert_eq!(s.means, "to export an invoice as PDF");
        assert_eq!(s.ends, "I can send it");
        assert_eq!(s.line, 10);
        assert_eq!(b.criteria.len(), 2);
        assert_eq!(b.criteria[0].checked, Some(false));
        assert_eq!(b.criteria[0].line, 14);
        assert_eq!(b.criteria[1].checked, Some(true));
        assert_eq!(
            b.criteria[1].text,
            "It is named after the invoice nested note"
        );
    }

    #[test]
    fn incomplete_statement_keeps_what_it_has() {
        let s = parse_statement("As an admin, I want logs", 1, &own).unwrap();
        assert_eq!(
            (s.role.as_str(), s.means.as_str(), s.ends.as_str()),
            ("admin", "logs", "")
        );
        assert!(parse_statement("Fix the crash", 1, &own).is_none());
    }

    #[test]
    fn words_are_joined_as_split_whitespace_joins_them() {
        for t in [
            "",
            "   ",
            "one",
            " As  a\tuser,\n\x0b\x0cI want\r\nit ",
            "caf\u{e9} \u{a0} na\u{ef}ve\u{2003}x",
            "a\u{85}b",
            "Given a cart, when I pay, then I get a receipt",
            "ends with a space ",
            " starts with one",
            "two  spaces",
            "a\x7fb",
        ] {
            let want = t.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(join_words(t.to_string()), want, "{t:?}");
        }
    }
}
