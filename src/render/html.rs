//! The one HTML escaper and the one sanitiser. Every text that goes into a
//! page (titles, notes, commit messages, author names, ids) passes through
//! [`escape`]; a story's or sprint's Markdown body passes through
//! [`markdown`], which renders it with pulldown-cmark and then cleans the
//! HTML with ammonia: raw `<script>`, event-handler attributes, `style`,
//! `javascript:` and `data:` URLs, images and anything else that could run
//! code or load a resource never reach the page.

use std::collections::HashSet;

/// Escapes text for HTML element content and double-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters (but tab and newline) have no place in a page.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Renders Markdown to sanitised HTML: the one way user Markdown becomes HTML.
pub fn markdown(text: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_TASKLISTS);
    let mut raw = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(text, opts));
    sanitise(&raw)
}

/// Cleans HTML with ammonia: its default allow-list (no script, no event
/// handlers, no style) minus images (a page must load nothing from
/// elsewhere), with links only to http, https and mailto, task-list
/// checkboxes kept (disabled), and `rel="noopener noreferrer"` on every link.
pub fn sanitise(html: &str) -> String {
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    let mut b = ammonia::Builder::default();
    b.rm_tags(["img"])
        .add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .set_tag_attribute_value("input", "disabled", "")
        .url_schemes(schemes)
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"));
    b.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<b a=\"x\">&'</b>"),
            "&lt;b a=&quot;x&quot;&gt;&amp;&#39;&lt;/b&gt;"
        );
    }

    #[test]
    fn markdown_cannot_run_or_load_anything() {
        let out = markdown(
            "Hi <script>alert(1)</script> <img src=x onerror=alert(2)>\n\n\
             [a](javascript:alert(3)) [b](data:text/html,x) [c](https://example.com)\n\n\
             <a href=\"#\" onclick=\"alert(4)\">d</a> <div style=\"x\">e</div>\n\n- [x] done",
        );
        for bad in [
            "<script",
            "alert(1)",
            "onerror",
            "javascript:",
            "data:",
            "onclick",
            "style=",
            "<img",
        ] {
            assert!(!out.contains(bad), "{bad} in {out}");
        }
        assert!(out.contains("href=\"https://example.com\""), "{out}");
        assert!(out.contains("checkbox"), "{out}");
    }
}
