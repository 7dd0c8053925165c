//! Jira wiki markup to Markdown: the common parts (headings, bold, italic,
//! monospace, code and noformat blocks, quotes, bullet and numbered lists,
//! links, rules). Anything else is kept as written.

/// Converts Jira wiki markup to Markdown.
pub fn to_markdown(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<String> = Vec::new();
    // Inside {code} or {noformat}: the closing tag.
    let mut block: Option<&str> = None;
    let mut quote = false;
    for line in text.split('\n') {
        let t = line.trim();
        if let Some(end) = block {
            if let Some(i) = line.find(end) {
                let before = &line[..i];
                if !before.trim().is_empty() {
                    out.push(before.to_string());
                }
                out.push("```".into());
                block = None;
                let after = line[i + end.len()..].trim();
                if !after.is_empty() {
                    out.push(inline(after));
                }
            } else {
                out.push(line.to_string());
            }
            continue;
        }
        if let Some((tag, lang, rest)) = opening(t) {
            out.push(format!("```{lang}"));
            let end = if tag == "code" {
                "{code}"
            } else {
                "{noformat}"
            };
            match rest.find(end) {
                Some(i) => {
                    if !rest[..i].is_empty() {
                        out.push(rest[..i].to_string());
                    }
                    out.push("```".into());
                }
                None => {
                    if !rest.is_empty() {
                        out.push(rest.to_string());
                    }
                    block = Some(end);
                }
            }
            continue;
        }
        if t == "{quote}" {
            quote = !quote;
            continue;
        }
        let converted = block_line(line);
        out.push(if quote {
            format!("> {converted}")
        } else {
            converted
        });
    }
    if block.is_some() {
        out.push("```".into());
    }
    let mut s = out.join("\n");
    s.truncate(s.trim_end().len());
    s
}

/// `{code:java}rest` → ("code", "java", "rest"); `{noformat}` alike.
fn opening(t: &str) -> Option<(&'static str, String, &str)> {
    for tag in ["code", "noformat"] {
        let Some(rest) = t.strip_prefix('{').and_then(|r| r.strip_prefix(tag)) else {
            continue;
        };
        let close = rest.find('}')?;
        let params = &rest[..close];
        if !(params.is_empty() || params.starts_with(':')) {
            continue;
        }
        // The language is the first parameter without `=` (`{code:java}`).
        let lang = params
            .trim_start_matches(':')
            .split('|')
            .find(|p| !p.contains('=') && !p.is_empty())
            .filter(|_| tag == "code")
            .unwrap_or("")
            .to_string();
        return Some((tag, lang, &rest[close + 1..]));
    }
    None
}

/// Headings, list items and rules; then inline markup.
fn block_line(line: &str) -> String {
    let t = line.trim_start();
    for n in 1..=6 {
        if let Some(rest) = t.strip_prefix(&format!("h{n}.")) {
            return format!("{} {}", "#".repeat(n), inline(rest.trim()));
        }
    }
    if t == "----" {
        return "* * *".into();
    }
    let marks: String = t
        .chars()
        .take_while(|c| *c == '*' || *c == '#' || *c == '-')
        .collect();
    if !marks.is_empty()
        && t[marks.len()..].starts_with(' ')
        && !(marks.starts_with('-') && marks.len() > 1)
    {
        // Each enclosing level indents by its marker's width.
        let indent: usize = marks
            .chars()
            .take(marks.chars().count() - 1)
            .map(|m| if m == '#' { 3 } else { 2 })
            .sum();
        let item = if marks.ends_with('#') { "1." } else { "-" };
        return format!(
            "{}{item} {}",
            " ".repeat(indent),
            inline(t[marks.len()..].trim())
        );
    }
    inline(line)
}

/// Whether the character before a markup sign allows it to open.
fn opens_after(prev: Option<char>) -> bool {
    prev.is_none_or(|c| c.is_whitespace() || "([{\"'>,;:".contains(c))
}

/// Bold, italic, monospace and links within one line.
pub fn inline(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        // {{monospace}}
        if c == '{' && chars.get(i + 1) == Some(&'{') {
            if let Some(end) = find(&chars, i + 2, &['}', '}']) {
                let inner: String = chars[i + 2..end].iter().collect();
                out.push('`');
                out.push_str(&inner);
                out.push('`');
                i = end + 2;
                continue;
            }
        }
        // [text|url] and [url]
        if c == '[' {
            if let Some(end) = chars[i + 1..]
                .iter()
                .position(|x| *x == ']')
                .map(|p| p + i + 1)
            {
                let inner: String = chars[i + 1..end].iter().collect();
                let parts: Vec<&str> = inner.split('|').collect();
                let url = |u: &str| {
                    u.starts_with("http://")
                        || u.starts_with("https://")
                        || u.starts_with("mailto:")
                };
                match parts.as_slice() {
                    [text, link, ..] if url(link.trim()) => {
                        out.push_str(&format!("[{}]({})", text.trim(), link.trim()));
                        i = end + 1;
                        continue;
                    }
                    [link] if url(link.trim()) => {
                        out.push_str(&format!("<{}>", link.trim()));
                        i = end + 1;
                        continue;
                    }
                    _ => {}
                }
            }
        }
        // *bold* and _italic_
        if (c == '*' || c == '_') && opens_after(prev) {
            let next = chars.get(i + 1);
            if next.is_some_and(|n| !n.is_whitespace() && *n != c) {
                if let Some(end) = closing(&chars, i + 1, c) {
                    let inner: String = chars[i + 1..end].iter().collect();
                    let mark = if c == '*' { "**" } else { "*" };
                    out.push_str(mark);
                    out.push_str(&inline(&inner));
                    out.push_str(mark);
                    i = end + 1;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn find(chars: &[char], from: usize, pat: &[char]) -> Option<usize> {
    (from..chars.len().saturating_sub(pat.len() - 1)).find(|&j| chars[j..j + pat.len()] == *pat)
}

/// The closing `mark` of a span opened before `from`: not after a space,
/// and followed by a space, punctuation or the end.
fn closing(chars: &[char], from: usize, mark: char) -> Option<usize> {
    (from + 1..chars.len()).find(|&j| {
        chars[j] == mark
            && !chars[j - 1].is_whitespace()
            && chars
                .get(j + 1)
                .is_none_or(|n| !n.is_alphanumeric() && *n != mark)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_markup() {
        let wiki = "h2. Steps\r\n* one *bold* and _it_\r\n** two {{code}}\r\n# first\r\n## second\r\nSee [docs|https://example.com/d] or [https://example.com].\r\n{code:java}\r\nint *x* = 1;\r\n{code}\r\n{noformat}raw _x_{noformat}\r\n{quote}\r\nsaid\r\n{quote}";
        assert_eq!(
            to_markdown(wiki),
            "## Steps\n- one **bold** and *it*\n  - two `code`\n1. first\n   1. second\nSee [docs](https://example.com/d) or <https://example.com>.\n```java\nint *x* = 1;\n```\n```\nraw _x_\n```\n> said"
        );
    }

    #[test]
    fn plain_text_stays() {
        assert_eq!(
            inline("a * b, snake_case_name, 2*3*4"),
            "a * b, snake_case_name, 2*3*4"
        );
        assert_eq!(
            to_markdown("{code}\nnever closed"),
            "```\nnever closed\n```"
        );
    }
}
