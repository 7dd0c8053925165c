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
    let kept = ammonia::Builder::default().clone_tags();
    // A tag HTML does not have (ammonia's default list is the HTML tags it
    // knows) is shown as the text it is: "a PDF named <INV-1>.pdf" keeps
    // its `<INV-1>`. An HTML tag stays HTML for the sanitiser, which keeps
    // or removes it (`<img>`, `<script>` and `<style>` with its content).
    let as_written = |html: &str| {
        let name = crate::syntax::body::html_tag_name(html).to_ascii_lowercase();
        !name.is_empty()
            && !kept.contains(name.as_str())
            && !matches!(name.as_str(), "script" | "style")
    };
    let events = Parser::new_ext(text, opts).map(|e| match e {
        pulldown_cmark::Event::InlineHtml(h) | pulldown_cmark::Event::Html(h) if as_written(&h) => {
            pulldown_cmark::Event::Text(h)
        }
        e => e,
    });
    html::push_html(&mut raw, events);
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
    fn raw_html_the_sanitiser_would_drop_is_shown_as_written() {
        let out = markdown("a PDF named <INV-1>.pdf, <kbd>Ctrl</kbd>\n\n<INV-2>\n");
        assert_eq!(
            out,
            "<p>a PDF named &lt;INV-1&gt;.pdf, <kbd>Ctrl</kbd></p>\n&lt;INV-2&gt;\n"
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
