//! Words read out of a file's body (an acceptance criterion, a part of the
//! story statement): a slice of the file's own text where they stand in it
//! as they are, else a copy of their own. At 100,000 stories the criteria
//! and statements copied out of files that stay loaded anyway were 48 MB of
//! `check`'s 300 MB.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use super::document::Document;

/// Read-only text, used as a `&str`.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    /// `len` bytes of `doc`'s text from `start`, on character boundaries.
    In {
        doc: Arc<Document>,
        start: u32,
        len: u32,
    },
    Own(Box<str>),
}

impl Text {
    /// `words` as a slice of `doc`'s text, searched for in `within` (a
    /// byte range of it on character boundaries); a copy where they do not
    /// stand there as they are (joined across lines, markup taken out).
    pub fn found_in(doc: &Arc<Document>, within: std::ops::Range<usize>, words: String) -> Text {
        let found = doc
            .text
            .get(within.clone())
            .filter(|_| !words.is_empty())
            .and_then(|place| find_words(place, &words))
            .and_then(|at| {
                Some(Repr::In {
                    doc: Arc::clone(doc),
                    start: u32::try_from(within.start + at).ok()?,
                    len: u32::try_from(words.len()).ok()?,
                })
            });
        Text(found.unwrap_or_else(|| Repr::Own(words.into_boxed_str())))
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // The range was found in this very text, which never changes.
            Repr::In { doc, start, len } => {
                let start = *start as usize;
                &doc.text[start..start + *len as usize]
            }
            Repr::Own(s) => s,
        }
    }
}

/// Where `words` first stand in `place`. They are nearly always at one of
/// the first places their first byte is (after a list marker, at the start
/// of a paragraph), so those are tried first: setting up the general search
/// was most of the cost of a story's criteria. Eight tries at most, then
/// the general search, so the cost stays linear whatever the text.
fn find_words(place: &str, words: &str) -> Option<usize> {
    let (haystack, needle) = (place.as_bytes(), words.as_bytes());
    let &first = needle.first()?;
    let mut from = 0;
    for _ in 0..8 {
        // A byte that starts a character never continues one: `at` is a
        // character boundary.
        let at = from + memchr::memchr(first, haystack.get(from..)?)?;
        if haystack[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    place.find(words)
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(Repr::Own(Box::default()))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Repr::Own(s.into_boxed_str()))
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Arc<Document> {
        Arc::new(Document::new("S-1.md".into(), text.to_string()))
    }

    #[test]
    fn words_standing_in_the_file_are_a_slice_of_it() {
        let d = doc("- [ ] Given a user, when they pay, then a receipt\n");
        let t = Text::found_in(&d, 0..d.text.len(), "Given a user, when they pay".into());
        assert!(matches!(t.0, Repr::In { start: 6, .. }));
        assert_eq!(t, "Given a user, when they pay");
    }

    #[test]
    fn words_joined_across_lines_are_their_own_copy() {
        let d = doc("- Given a user,\n  when they pay\n");
        let t = Text::found_in(&d, 0..d.text.len(), "Given a user, when they pay".into());
        assert!(matches!(t.0, Repr::Own(_)));
        assert_eq!(t, "Given a user, when they pay");
    }

    #[test]
    fn words_past_the_first_tries_are_still_found() {
        let d = doc("a a a a a a a a a a a b\n");
        let t = Text::found_in(&d, 0..d.text.len(), "a b".into());
        assert!(matches!(t.0, Repr::In { start: 20, .. }));
        assert_eq!(t, "a b");
    }

    #[test]
    fn words_are_looked_for_only_within_their_range() {
        let d = doc("pay\n- when they\n");
        let t = Text::found_in(&d, 4..d.text.len(), "pay".into());
        assert!(matches!(t.0, Repr::Own(_)));
        assert_eq!(t, "pay");
    }
}
