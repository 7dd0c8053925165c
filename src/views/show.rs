//! `show ID`: one story with what the tool computes about it.

use serde::Serialize;

use crate::model::{Snapshot, Story};
use crate::views::list::{row, Row};

/// A story with its computed fields.
#[derive(Clone, Debug, Serialize)]
pub struct StoryView<'a> {
    #[serde(flatten)]
    pub row: Row<'a>,
    pub of: usize,
    pub scoring_model: Option<&'static str>,
    /// Inputs the scoring model lacks for this story.
    pub score_missing: Vec<String>,
    pub statement: Option<String>,
    /// The body's other paragraphs (outside the acceptance criteria).
    pub description: Vec<String>,
    pub acceptance_criteria: Vec<CriterionView>,
    /// Dependencies not yet in a done status.
    pub blocked_by: Vec<Link>,
    /// Open stories that depend on this one.
    pub blocks: Vec<Link>,
    /// Stories whose `epic:` is this one.
    pub children: Vec<Link>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CriterionView {
    pub text: String,
    pub checked: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Link {
    pub id: String,
    pub title: String,
    pub status: String,
}

pub fn link(s: &Story) -> Link {
    Link {
        id: s.id.to_string(),
        title: s.title.clone(),
        status: s.status.clone(),
    }
}

/// The view of story `id`, or `None` if no story has that id.
pub fn view<'a>(snapshot: &'a Snapshot, id: &str) -> Option<StoryView<'a>> {
    let story = snapshot.story(id)?;
    // Only this story's row: scoring or sorting the whole backlog to show
    // one is waste.
    let position = snapshot.position(story);
    let of = snapshot.stories.len();
    let dependents: Vec<&Story> = snapshot
        .stories
        .iter()
        .filter(|s| s.depends_on.iter().any(|d| d == &story.id))
        .collect();
    let children: Vec<&Story> = snapshot
        .stories
        .iter()
        .filter(|s| s.epic.as_ref() == Some(&story.id))
        .collect();
    Some(view_at(snapshot, story, position, of, dependents, children))
}

/// The view of `story` at `position` of `of` in the ranked backlog, given
/// the stories that depend on it and those whose epic it is (any order):
/// for callers that show many stories and look those up once.
pub fn view_at<'a>(
    snapshot: &Snapshot,
    story: &'a Story,
    position: usize,
    of: usize,
    dependents: Vec<&Story>,
    children: Vec<&Story>,
) -> StoryView<'a> {
    let row = row(snapshot, story, position);
    // Epics are ordered by their stories, not scored themselves.
    let model = snapshot
        .config
        .scoring
        .as_ref()
        .filter(|_| story.kind != crate::model::Kind::Epic);
    let score_missing = model.and_then(|m| m.score(story).err()).unwrap_or_default();
    let done = |s: &Story| snapshot.config.is_done(&s.status);
    let blocked_by = story
        .depends_on
        .iter()
        .filter_map(|d| snapshot.story(d.as_str()))
        .filter(|d| !done(d))
        .map(link)
        .collect();
    let mut blocks: Vec<&Story> = dependents.into_iter().filter(|s| !done(s)).collect();
    blocks.sort_by(|a, b| crate::model::rank_order(a, b));
    let mut children = children;
    children.sort_by(|a, b| crate::model::rank_order(a, b));
    StoryView {
        row,
        of,
        scoring_model: model.map(|m| m.name()),
        score_missing,
        statement: story.statement.as_ref().map(|s| s.sentence()),
        description: crate::syntax::document::split(&story.doc.text)
            .map(|fm| crate::syntax::body::read(fm.body, fm.body_line).description)
            .unwrap_or_default(),
        acceptance_criteria: story
            .criteria
            .iter()
            .map(|c| CriterionView {
                text: c.text.to_string(),
                checked: c.checked,
            })
            .collect(),
        blocked_by,
        blocks: blocks.into_iter().map(link).collect(),
        children: children.into_iter().map(link).collect(),
    }
}
