//! Terminal text: display widths (a CJK character or an emoji takes two
//! columns, a combining accent none) and cutting text to fit.

use unicode_width::UnicodeWidthStr;

/// Columns `s` takes in a terminal.
pub fn width_of(s: &str) -> usize {
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

    #[test]
    fn wide_characters_count_twice() {
        assert_eq!(width_of("Rechnung"), 8);
        assert_eq!(width_of("請求書"), 6);
        assert_eq!(truncate("請求書を出す", 7), "請求書…");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
