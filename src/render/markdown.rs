//! The one Markdown escaper: every text that goes into a Markdown table cell
//! or list item (titles, notes, commit messages, author names) passes here,
//! so a title like `a | b` or `<script>` cannot break a table or a page.

/// Escapes text for a Markdown table cell or list item: Markdown's inline
/// punctuation is backslash-escaped, `<` becomes `&lt;` (no raw HTML), and
/// line breaks become spaces (a cell is one line).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '*' | '_' | '`' | '[' | ']' | '#' | '~' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_cells() {
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(escape("<script>x</script>"), "&lt;script>x&lt;/script>");
        assert_eq!(escape("two\nlines"), "two lines");
        assert_eq!(escape("a\\|b"), "a\\\\\\|b");
        assert_eq!(escape("S-1_draft [x]"), "S-1\\_draft \\[x\\]");
    }
}
