//! `new`: a story file from a template, with the next free id.

use std::collections::BTreeSet;

use crate::edit::line::{list_token, text_token};
use crate::model::date::Date;
use crate::model::rank::Rank;
use crate::model::{Kind, Snapshot, StoryId};

/// What the user gave for a new story.
#[derive(Clone, Debug, Default)]
pub struct NewStory {
    pub title: String,
    pub kind: Option<Kind>,
    pub role: Option<String>,
    pub want: Option<String>,
    pub so_that: Option<String>,
    pub estimate: Option<String>,
    pub labels: Vec<String>,
}

/// One more than the highest id number with the configured prefix among the
/// snapshot's stories and `other_names` (story file names seen elsewhere,
/// e.g. in other branches).
pub fn next_id(s: &Snapshot, other_names: &BTreeSet<String>) -> StoryId {
    let prefix = &s.config.id_prefix;
    let mut highest = 0u64;
    let mut consider = |id: &StoryId| {
        if let Some((p, n)) = id.parts() {
            if p == prefix {
                highest = highest.max(n);
            }
        }
    };
    s.stories.iter().for_each(|x| consider(&x.id));
    s.unreadable_ids.iter().for_each(&mut consider);
    for name in other_names {
        if let Some(id) = StoryId::from_file_name(name) {
            consider(&id);
        }
    }
    StoryId::new(format!("{prefix}-{}", highest + 1))
}

/// `S-42-export-invoices-as-pdf.md`.
pub fn file_name(id: &StoryId, title: &str) -> String {
    let mut slug = String::new();
    for c in title.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 48 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        format!("{id}.md")
    } else {
        format!("{id}-{slug}.md")
    }
}

/// The new file's text. Placeholders are HTML comments, so a fresh story
/// does not pass the Definition of Ready by accident.
pub fn render(
    n: &NewStory,
    id: &StoryId,
    status: &str,
    rank: Option<&Rank>,
    created: Date,
) -> String {
    let mut s = String::from("---\n");
    s.push_str(&format!("id: {id}\ntitle: {}\n", text_token(&n.title)));
    s.push_str(&format!(
        "kind: {}\n",
        n.kind.unwrap_or(Kind::Story).as_str()
    ));
    s.push_str(&format!("status: {}\n", text_token(status)));
    if let Some(r) = rank {
        s.push_str(&format!("rank: {r}\n"));
    }
    if let Some(e) = &n.estimate {
        s.push_str(&format!("estimate: {e}\n"));
    }
    if !n.labels.is_empty() {
        s.push_str(&format!("labels: {}\n", list_token(&n.labels)));
    }
    s.push_str(&format!("created: {created}\n---\n"));
    match (&n.role, &n.want, &n.so_that) {
        (Some(r), Some(w), Some(e)) => {
            s.push_str(&format!("As a **{r}**, I want {w}, so that {e}.\n"))
        }
        _ => s.push_str("<!-- As a <role>, I want <what>, so that <why>. -->\n"),
    }
    s.push_str(
        "\n## Acceptance criteria\n<!-- - [ ] Given <context>, when <action>, then <outcome> -->\n",
    );
    s
}

/// The new file does not read back as the story it was made for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the new story's file would not read back as written ({what}); nothing was written")]
pub struct NotReadBack {
    pub what: String,
}

/// Parses `text` as the loader will, and checks that it is the story meant:
/// every writer re-reads what it writes before writing it.
pub fn read_back(
    text: &str,
    id: &StoryId,
    title: &str,
    rank: Option<&Rank>,
) -> Result<(), NotReadBack> {
    let fail = |what: &str| NotReadBack { what: what.into() };
    let story = crate::load::story_from_bytes("new.md".into(), text.as_bytes().to_vec())
        .ok_or_else(|| fail("it does not parse"))?;
    if &story.id != id {
        return Err(fail("the id differs"));
    }
    if story.title != title {
        return Err(fail("the title differs"));
    }
    if story.rank.as_ref() != rank {
        return Err(fail("the rank differs"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids() {
        assert_eq!(
            file_name(&StoryId::new("S-3"), "Export: invoices as PDF!"),
            "S-3-export-invoices-as-pdf.md"
        );
        assert_eq!(file_name(&StoryId::new("S-3"), "!!!"), "S-3.md");
        assert_eq!(
            StoryId::from_file_name("S-42-x.md"),
            Some(StoryId::new("S-42"))
        );
        assert_eq!(
            StoryId::from_file_name("S-42.md"),
            Some(StoryId::new("S-42"))
        );
        assert_eq!(StoryId::from_file_name("S-4x.md"), None);
        // Names with another prefix, or no number, do not count.
        let names: BTreeSet<String> = ["SX-42.md", "S-4x.md", "S-7-a.md"].map(String::from).into();
        assert_eq!(next_id(&Snapshot::empty(), &names), StoryId::new("S-8"));
    }
}
