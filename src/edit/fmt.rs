//! `fmt`: normalise what is safe to normalise — field order (as in
//! docs/format.md), the `---` fences, a final newline — and nothing else.
//! Comments travel with the field below them; the body is never touched.

use crate::edit::line::EditError;
use crate::syntax::document::{self, Layout};

/// The normalised text, or why the file was left alone.
pub fn normalise(text: &str, order: &[&str]) -> Result<String, EditError> {
    let before = document::front_matter_mapping(text).ok_or(EditError::Unparsable)?;
    let fm = document::split(text).map_err(|_| EditError::Unparsable)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let newline = if lines.first().is_some_and(|l| l.ends_with("\r\n")) {
        "\r\n"
    } else {
        "\n"
    };
    let yaml_end = 1 + fm.yaml.split_inclusive('\n').count();

    let layout = Layout::scan(fm.yaml, fm.yaml_line);
    let mut starts: Vec<(usize, &str)> = layout.top_level().map(|(k, s)| (s.line - 1, k)).collect();
    starts.sort();
    // A field's block starts at the comment lines directly above its key.
    let block_start = |line: usize| {
        let mut s = line;
        while s > 1 && lines[s - 1].trim_start().starts_with('#') {
            s -= 1;
        }
        s
    };
    let first = starts.first().map_or(yaml_end, |&(l, _)| block_start(l));
    let mut blocks: Vec<(usize, usize, String)> = Vec::new();
    for (n, &(line, key)) in starts.iter().enumerate() {
        let start = block_start(line).max(first);
        let end = starts
            .get(n + 1)
            .map_or(yaml_end, |&(next, _)| block_start(next));
        let rank = order.iter().position(|o| *o == key).unwrap_or(order.len());
        blocks.push((rank, n, lines[start..end].concat()));
    }
    blocks.sort_by_key(|(rank, n, _)| (*rank, *n));

    let mut out = String::with_capacity(text.len() + 8);
    out.push_str("---");
    out.push_str(newline);
    out.extend(lines[1..first].iter().copied());
    for (_, _, block) in &blocks {
        out.push_str(block);
        if !block.ends_with('\n') {
            out.push_str(newline);
        }
    }
    out.push_str("---");
    out.push_str(newline);
    let body = lines
        .get(yaml_end + 1..)
        .map(|l| l.concat())
        .unwrap_or_default();
    out.push_str(&body);
    if !body.is_empty() && !body.ends_with('\n') {
        out.push_str(newline);
    }

    let after = document::front_matter_mapping(&out).ok_or(EditError::Unparsable)?;
    if !document::same_fields(&before, &after) {
        return Err(EditError::Unsafe { key: String::new() });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER: &[&str] = &["id", "title", "status", "rank"];

    #[test]
    fn orders_fields_and_keeps_comments_with_them() {
        let text = "---  \n# header\n\n# about the rank\nrank: 3\n# the title\ntitle: A\nid: S-1\nx-own: 1\nstatus: draft\n...\nBody";
        let out = normalise(text, ORDER).unwrap();
        assert_eq!(out, "---\n# header\n\nid: S-1\n# the title\ntitle: A\nstatus: draft\n# about the rank\nrank: 3\nx-own: 1\n---\nBody\n");
        assert_eq!(normalise(&out, ORDER).unwrap(), out);
    }

    #[test]
    fn keeps_crlf_and_multiline_values() {
        let text = "---\r\ntitle: A\r\nlabels:\r\n  - a\r\nid: S-1\r\n---\r\nBody\r\n";
        assert_eq!(
            normalise(text, ORDER).unwrap(),
            "---\r\nid: S-1\r\ntitle: A\r\nlabels:\r\n  - a\r\n---\r\nBody\r\n"
        );
    }
}
