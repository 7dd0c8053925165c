//! The common shape of a story body, read without the Markdown parser.
//!
//! Most bodies are a statement paragraph, an `## Acceptance criteria`
//! heading over a `- [ ]` list, and a few more headings and paragraphs of
//! plain words. [`events`] reads exactly that shape into the parser's own
//! events (those [`super::body`] gathers from), and says `None` to
//! everything else: an indented line, a control character (a tab, the `\r`
//! of a Windows line end), any other block (a quote, a fence, a numbered
//! list, a setext underline, raw HTML, a thematic break), and any inline
//! markup but `**strong words**` (code, links, entities, escapes, a lone
//! `*`, `_` outside a word). What it says `None` to goes to
//! `pulldown-cmark`, which stays the one meaning of Markdown here: a
//! property test in `body` holds that wherever this reads a body, what is
//! read from it is what the parser's events give.
//!
//! The events are the parser's, and so are the byte ranges the reading of
//! a body uses (where a paragraph starts and ends, where an item starts);
//! the ranges of a list's start, of an item's end before blank lines and of
//! a soft break after a space can be shorter than the parser's.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

/// A body's events with their byte ranges, as the parser's
/// `into_offset_iter` gives them (see the module's note on ranges), for the
/// events a body's reading looks at (not the paragraphs inside a loose
/// list's items).
pub type Events<'a> = Vec<(Event<'a>, Range<usize>)>;

/// The block the next line may continue.
#[derive(Clone, Copy)]
enum Open {
    Nothing,
    /// A paragraph from byte `start`; `event`: its start event's index.
    Paragraph {
        start: usize,
        event: usize,
    },
    /// A list item from byte `start`; `event`: its start event's index;
    /// whether a blank line followed it.
    Item {
        start: usize,
        event: usize,
        blank_after: bool,
    },
}

/// `body`'s events, when every line of it has the plain shape; `None`
/// otherwise (the caller then hands it to the parser).
pub fn events(body: &str) -> Option<Events<'_>> {
    let bytes = body.as_bytes();
    let mut out: Events = Vec::with_capacity(32);
    let mut open = Open::Nothing;
    // Where the last line that was not blank ended (past its newline).
    let mut last_end = 0;
    let mut at = 0;
    while at < body.len() {
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(body.len(), |i| at + i);
        let next = (end + 1).min(body.len());
        match classify(&body[at..end])? {
            Line::Blank => {
                match open {
                    Open::Paragraph { start, event } => {
                        end_block(&mut out, event, TagEnd::Paragraph, start..last_end);
                        open = Open::Nothing;
                    }
                    Open::Item { start, event, .. } => {
                        open = Open::Item {
                            start,
                            event,
                            blank_after: true,
                        }
                    }
                    Open::Nothing => {}
                }
                at = next;
                continue;
            }
            Line::Heading(level, words) => {
                close(&mut out, open, last_end);
                open = Open::Nothing;
                out.push((Event::Start(heading(level)), at..next));
                inline(&mut out, body, at + words.start..at + words.end)?;
                out.push((Event::End(TagEnd::Heading(level)), at..next));
            }
            Line::Item(marker, words) => {
                match open {
                    Open::Item { start, event, .. } => {
                        end_block(&mut out, event, TagEnd::Item, start..last_end);
                    }
                    other => {
                        close(&mut out, other, last_end);
                        out.push((Event::Start(Tag::List(None)), at..next));
                    }
                }
                open = Open::Item {
                    start: at,
                    event: out.len(),
                    blank_after: false,
                };
                out.push((Event::Start(Tag::Item), at..next));
                if let Some(checked) = marker {
                    out.push((Event::TaskListMarker(checked), at + 2..at + 5));
                }
                inline(&mut out, body, at + words.start..at + words.end)?;
            }
            Line::Text(words) => {
                match open {
                    // Words right after a paragraph's line or an item's go
                    // on with it (after an item: a lazy continuation line).
                    Open::Paragraph { .. }
                    | Open::Item {
                        blank_after: false, ..
                    } => {
                        let previous = &body[..last_end - 1];
                        let words_end = previous.trim_end_matches(' ').len();
                        let line_break = if previous.len() - words_end >= 2 {
                            Event::HardBreak
                        } else {
                            Event::SoftBreak
                        };
                        out.push((line_break, words_end..last_end));
                    }
                    other => {
                        close(&mut out, other, last_end);
                        open = Open::Paragraph {
                            start: at,
                            event: out.len(),
                        };
                        out.push((Event::Start(Tag::Paragraph), at..next));
                    }
                }
                inline(&mut out, body, at + words.start..at + words.end)?;
            }
        }
        last_end = next;
        at = next;
    }
    close(&mut out, open, last_end);
    Some(out)
}

/// Ends the open paragraph, or the open item and its list, at `end`.
fn close(out: &mut Events<'_>, open: Open, end: usize) {
    match open {
        Open::Nothing => {}
        Open::Paragraph { start, event } => end_block(out, event, TagEnd::Paragraph, start..end),
        Open::Item { start, event, .. } => {
            end_block(out, event, TagEnd::Item, start..end);
            out.push((Event::End(TagEnd::List(false)), start..end));
        }
    }
}

/// Ends the block whose start event is `out[event]` at `range`: the parser
/// gives the whole block's range on its start event and its end event
/// alike, known only now.
fn end_block(out: &mut Events<'_>, event: usize, end: TagEnd, range: Range<usize>) {
    out[event].1 = range.clone();
    out.push((Event::End(end), range));
}

fn heading(level: HeadingLevel) -> Tag<'static> {
    Tag::Heading {
        level,
        id: None,
        classes: Vec::new(),
        attrs: Vec::new(),
    }
}

/// One line of a plain body; its words as a range of the line.
enum Line {
    Blank,
    Heading(HeadingLevel, Range<usize>),
    /// `- ` and the item's words, with its task marker's state if it has one.
    Item(Option<bool>, Range<usize>),
    /// Words from the left margin.
    Text(Range<usize>),
}

/// `None` for a line of any other shape.
fn classify(line: &str) -> Option<Line> {
    let b = line.as_bytes();
    let words_end = line.trim_end_matches(' ').len();
    if words_end == 0 {
        return Some(Line::Blank);
    }
    match b[0] {
        b'#' => {
            let hashes = b.iter().take_while(|&&c| c == b'#').count();
            let level = match hashes {
                1 => HeadingLevel::H1,
                2 => HeadingLevel::H2,
                3 => HeadingLevel::H3,
                4 => HeadingLevel::H4,
                5 => HeadingLevel::H5,
                6 => HeadingLevel::H6,
                _ => return None,
            };
            if b.get(hashes) != Some(&b' ') {
                return None;
            }
            let start = hashes + b[hashes..].iter().take_while(|&&c| c == b' ').count();
            // A `#` in a heading may close it: the parser's to read.
            if start >= words_end || line[start..words_end].contains('#') {
                return None;
            }
            Some(Line::Heading(level, start..words_end))
        }
        b'-' => {
            if b.get(1) != Some(&b' ') {
                return None;
            }
            let (marker, start) = match b.get(2..6) {
                Some(b"[ ] ") => (Some(false), 6),
                Some(b"[x] " | b"[X] ") => (Some(true), 6),
                _ => (None, 2),
            };
            (start < words_end && starts_words(&b[start..]))
                .then_some(Line::Item(marker, start..words_end))
        }
        _ => starts_words(b).then_some(Line::Text(0..words_end)),
    }
}

/// Whether words start here: a letter, or digits that do not open a
/// numbered list (`1. `, `2)`).
fn starts_words(b: &[u8]) -> bool {
    match b.first() {
        Some(c) if c.is_ascii_alphabetic() => true,
        Some(c) if c.is_ascii_digit() => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            !(matches!(b.get(digits), Some(b'.' | b')'))
                && matches!(b.get(digits + 1), None | Some(b' ')))
        }
        _ => false,
    }
}

/// Bytes that may start inline markup, or that the parser reads otherwise
/// than as themselves (control characters, a tab): such a line is the
/// parser's, but for `*` and `_`, looked at where they stand.
const SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[0x7f] = true;
    let marks = b"\\`[<&*_";
    let mut i = 0;
    while i < marks.len() {
        t[marks[i] as usize] = true;
        i += 1;
    }
    t
};

/// The words of `range` (one line's) as text events: plain words, and
/// `**words**` as the words between. `None` for any other markup.
fn inline<'a>(out: &mut Events<'a>, body: &'a str, range: Range<usize>) -> Option<()> {
    let b = &body.as_bytes()[range.clone()];
    let base = range.start;
    let word = |j: usize| b.get(j).is_some_and(u8::is_ascii_alphanumeric);
    let mut from = 0;
    let mut i = 0;
    while i < b.len() {
        if !SPECIAL[usize::from(b[i])] {
            i += 1;
            continue;
        }
        match b[i] {
            // `_` between two letters or digits is a letter (`snake_case`).
            b'_' if i > 0 && word(i - 1) && word(i + 1) => i += 1,
            b'*' => {
                // `**` after a space (or the start), before a letter or digit
                let opens =
                    b.get(i + 1) == Some(&b'*') && (i == 0 || b[i - 1] == b' ') && word(i + 2);
                if !opens {
                    return None;
                }
                let inner = i + 2;
                let close = inner + memchr::memchr(b'*', &b[inner..])?;
                // … to `**` after a letter or digit, before the end, a space
                // or a punctuation mark that is only itself.
                let closes = b.get(close + 1) == Some(&b'*')
                    && word(close - 1)
                    && b.get(close + 2).is_none_or(|c| {
                        matches!(c, b' ' | b',' | b'.' | b';' | b':' | b'?' | b')')
                    });
                if !closes || b[inner..close].iter().any(|&c| SPECIAL[usize::from(c)]) {
                    return None;
                }
                if i > from {
                    out.push(text(body, base + from..base + i));
                }
                let strong = base + i..base + close + 2;
                out.push((Event::Start(Tag::Strong), strong.clone()));
                out.push(text(body, base + inner..base + close));
                out.push((Event::End(TagEnd::Strong), strong));
                i = close + 2;
                from = i;
            }
            _ => return None,
        }
    }
    if b.len() > from {
        out.push(text(body, base + from..range.end));
    }
    Some(())
}

fn text(body: &str, range: Range<usize>) -> (Event<'_>, Range<usize>) {
    (Event::Text(CowStr::Borrowed(&body[range.clone()])), range)
}
