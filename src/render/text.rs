//! Terminal text: display widths (a CJK character or an emoji takes two
//! columns, a combining accent none) and cutting text to fit.

use std::io;

use unicode_width::UnicodeWidthStr;

/// `s` made safe to print to a terminal: every control character (escape
/// sequences that retitle or clear the terminal, bells, carriage returns,
/// line breaks inside a one-line value) is shown escaped, as `\u{1b}`, never
/// sent. Every human renderer prints user text through this.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// What a one-line value may not print raw: whatever a terminal obeys
/// ([`crate::model::is_terminal_control`]), and tabs and line breaks.
pub fn is_unsafe(c: char) -> bool {
    crate::model::is_terminal_control(c) || c == '\t' || c == '\n'
}

/// A writer that makes everything written through it safe for a terminal:
/// the one sanitiser between user text and stdout/stderr. Line breaks,
/// tabs and colour codes (SGR: `ESC [ … m`) pass; every other control
/// character, and bidirectional overrides, are written escaped (`\u{1b}`).
/// JSON never holds raw control characters, so every format can go through.
pub struct TerminalSafe<W: io::Write> {
    inner: W,
    /// An escape sequence seen so far, kept until it is known to be colour.
    pending: Vec<u8>,
}

impl<W: io::Write> TerminalSafe<W> {
    pub fn new(inner: W) -> TerminalSafe<W> {
        TerminalSafe {
            inner,
            pending: Vec::new(),
        }
    }

    /// Writes an unfinished escape sequence out, escaped.
    fn spill(&mut self) -> io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.inner
            .write_all(printable(&String::from_utf8_lossy(&pending)).as_bytes())
    }
}

/// The bytes that may start what [`TerminalSafe`] escapes or holds back:
/// control characters but line break and tab, DEL, and the lead bytes of
/// C1 controls and bidirectional overrides. Output is mostly none of these,
/// and a look-up a byte is what skipping it costs.
const SUSPECT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b != b'\n' as usize && b != b'\t' as usize;
        b += 1;
    }
    table[0x7f] = true;
    table[0xc2] = true;
    table[0xe2] = true;
    table
};

/// How many bytes at the start of `buf` make one character
/// [`TerminalSafe`] escapes (an escape sequence starts with the first),
/// if they do.
fn unsafe_len(buf: &[u8]) -> Option<usize> {
    match *buf.first()? {
        b'\n' | b'\t' => None,
        0x00..=0x1f | 0x7f => Some(1),
        // C1 controls (U+0080..U+009F) in UTF-8.
        0xc2 if buf.get(1).is_some_and(|n| (0x80..=0x9f).contains(n)) => Some(2),
        // Bidirectional overrides U+202A..U+202E and U+2066..U+2069.
        0xe2 if matches!(
            (buf.get(1), buf.get(2)),
            (Some(0x80), Some(0xaa..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
        ) =>
        {
            Some(3)
        }
        _ => None,
    }
}

impl<W: io::Write> io::Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        let mut i = 0;
        while i < buf.len() {
            if self.pending.is_empty() {
                // Straight to the next byte that may start something unsafe.
                match buf[i..].iter().position(|&b| SUSPECT[usize::from(b)]) {
                    Some(skip) => i += skip,
                    None => break,
                }
            }
            let b = buf[i];
            if !self.pending.is_empty() {
                self.pending.push(b);
                let len = self.pending.len();
                if len == 2 && b != b'[' {
                    self.spill()?;
                } else if len > 2 && b == b'm' {
                    self.inner.write_all(&std::mem::take(&mut self.pending))?;
                } else if len > 2 && !(b.is_ascii_digit() || b == b';') || len > 32 {
                    self.spill()?;
                }
                i += 1;
                start = i;
                continue;
            }
            let Some(len) = unsafe_len(&buf[i..]) else {
                i += 1;
                continue;
            };
            self.inner.write_all(&buf[start..i])?;
            if b == 0x1b {
                self.pending.push(b);
            } else {
                let text = String::from_utf8_lossy(&buf[i..i + len]);
                self.inner.write_all(printable(&text).as_bytes())?;
            }
            i += len;
            start = i;
        }
        self.inner.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.spill()?;
        }
        self.inner.flush()
    }
}

/// `1 story`, `2 stories`: a count with its noun.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Columns `s` takes in a terminal. Printable ASCII, what most cells are,
/// takes one column a byte, without looking characters up.
pub fn width_of(s: &str) -> usize {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len();
    }
    s.width()
}

/// Cuts `s` to at most `max` columns, marking the cut with `…`.
pub fn truncate(s: &str, max: usize) -> String {
    if width_of(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table the writer skips by and the check it makes byte by byte
    /// agree: a byte the table passes over is never the start of something
    /// escaped, whatever follows it.
    #[test]
    fn bytes_skipped_as_safe_start_nothing_escaped() {
        let after: [&[u8]; 6] = [&[], &[0x80], &[0x9f], &[0x80, 0xaa], &[0x81, 0xa6], b"["];
        for b in 0..=255u8 {
            for rest in after {
                let buf = [&[b][..], rest].concat();
                if unsafe_len(&buf).is_some() {
                    assert!(
                        SUSPECT[usize::from(b)],
                        "byte {b:#04x} is escaped but skipped"
                    );
                }
            }
        }
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(printable("plain"), "plain");
        assert_eq!(
            printable("\u{1b}]0;pwned\u{7}\u{1b}[2J"),
            "\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"
        );
        assert_eq!(printable("a\nb\tc"), "a\\nb\\tc");
        assert_eq!(printable("abc\u{202e}def"), "abc\\u{202e}def");
    }

    #[test]
    fn the_terminal_gets_colour_but_no_other_control() {
        use std::io::Write;
        let mut out = TerminalSafe::new(Vec::new());
        write!(
            out,
            "\u{1b}[32m+\u{1b}[0m S-1 \u{1b}]0;pwned\u{7}\u{1b}[2J\r\u{202e}x\u{85}\n\tok"
        )
        .unwrap();
        out.flush().unwrap();
        assert_eq!(
            String::from_utf8(out.inner).unwrap(),
            "\u{1b}[32m+\u{1b}[0m S-1 \\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\r\\u{202e}x\\u{85}\n\tok"
        );
    }

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(width_of("Rechnung"), 8);
        assert_eq!(width_of("請求書"), 6);
        assert_eq!(truncate("請求書を出す", 7), "請求書…");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}

/// Terminal colours, or none: one place for the escape codes `diff` and
/// `board` use (the choice itself is made once, in the CLI's context).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// `s` in SGR `code`; plain without colour, and an empty `s` stays empty.
    pub fn paint(&self, code: &str, s: &str) -> String {
        if self.color && !s.is_empty() {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    pub fn green(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn red(&self, s: &str) -> String {
        self.paint("31", s)
    }
    pub fn yellow(&self, s: &str) -> String {
        self.paint("33", s)
    }
    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
}
