//! Writes that would break the rules are refused: before an edit is
//! written, the backlog as it would be afterwards is checked, and any error
//! finding it does not have today is reported instead (unless `--force`).
//! Only the edited files are parsed again; every other story is reused.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::edit::write::NewText;
use crate::load::{load_reusing, LoadError, Reuse};
use crate::model::diagnostic::{Finding, Severity};
use crate::model::{Snapshot, Story, StoryId};
use crate::source::{Memory, Source, WorkTree};

/// The error findings the backlog would have after `texts` are written that
/// it does not have now. `summary` tells the stories of `now` whose text
/// was not read (`load::cache`): the rules on one story skip those, unless
/// they point at an edited story. `now` is left as it was given.
pub fn new_errors(
    now: &mut Snapshot,
    tree: &WorkTree,
    texts: &[NewText],
    summary: &(dyn Fn(&Story) -> bool + Sync),
) -> Result<Vec<Finding>, LoadError> {
    let root = tree.display_root().to_path_buf();
    if let Some(found) = new_story_errors(now, &root.join("stories"), texts, summary) {
        return Ok(found);
    }
    let now: &Snapshot = now;
    let rel = |display: &Path| -> PathBuf {
        display.strip_prefix(&root).unwrap_or(display).to_path_buf()
    };
    let changed: crate::load::PathSet = texts.iter().map(|t| rel(&t.display)).collect();
    let mut after = Memory::new(root.clone());
    // Every file of the folder: edited ones with their new text, stories
    // already parsed as placeholders (taken from `now`), the rest as on disk.
    // As the load looks them up (`load::in_folder`): a placeholder where
    // the story is not found would be read as an empty file.
    let parsed: HashSet<&[u8]> = now
        .stories
        .iter()
        .filter_map(|s| crate::load::in_folder(&root, &s.doc.path))
        .collect();
    for dir in ["stories", "sprints"] {
        let entries = tree.list_markdown(dir).map_err(|source| LoadError {
            path: root.join(dir),
            source,
        })?;
        for e in entries {
            if let crate::source::EntryKind::Symlink { target, .. } = &e.kind {
                after.insert_link(e.path.clone(), target.clone());
            } else if changed.contains(&e.path) {
                continue;
            } else if parsed.contains(e.path.as_os_str().as_encoded_bytes()) {
                after.insert(e.path.clone(), Vec::new());
            } else if let Ok(Some(bytes)) = tree.read(&e.path) {
                after.insert(e.path.clone(), bytes);
            }
        }
    }
    if let Ok(Some(bytes)) = tree.read(Path::new("backlog.yaml")) {
        after.insert("backlog.yaml", bytes);
    }
    for t in texts {
        after.insert(rel(&t.display), t.text.clone().into_bytes());
    }
    let next = load_reusing(
        &after,
        Some(Reuse {
            previous: now,
            changed: &changed,
        }),
    )?;
    Ok(errors_added(crate::check::check(&next), || {
        crate::check::check(now)
    }))
}

/// The error findings of `after` that the backlog does not have `today`.
/// Today's backlog is checked only when there are errors after the edit to
/// tell apart from its own (most edits leave none: one rule pass, not two).
fn errors_added(mut after: Vec<Finding>, today: impl FnOnce() -> Vec<Finding>) -> Vec<Finding> {
    after.retain(|f| f.severity == Severity::Error);
    if after.is_empty() {
        return after;
    }
    let key = |f: &Finding| (f.rule, f.location.path.clone(), f.message.clone());
    let today: HashSet<_> = today()
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(key)
        .collect();
    after.retain(|f| !today.contains(&key(f)));
    after
}

/// [`new_errors`] when every text is a story: an edit of one `now` has,
/// or a new file in the stories folder. Those stories are parsed and
/// swapped into `now` (new ones put in their place in path order) for the
/// check, then taken out again (a copy of a snapshot of 10,000 summaries
/// was a tenth of `set`), and nothing else is read. `None`, with `now`
/// untouched, when a text is anything else (a sprint, a file that is there
/// but did not load, a story that would no longer parse).
fn new_story_errors(
    now: &mut Snapshot,
    stories_dir: &Path,
    texts: &[NewText],
    summary: &(dyn Fn(&Story) -> bool + Sync),
) -> Option<Vec<Finding>> {
    // The index of the story each text replaces, if any.
    let places: Vec<Option<usize>> = texts
        .iter()
        .map(|t| {
            now.stories
                .iter()
                .position(|s| same_path(&s.doc.path, &t.display))
        })
        .collect();
    // Each new story is put in its place by moving the ones after it, in
    // the room the load left: fine for the one `new` writes, not for an
    // import of hundreds, which takes the general way.
    if places.iter().filter(|i| i.is_none()).count() > crate::load::ROOM_FOR_NEW {
        return None;
    }
    let mut edits = Vec::new();
    for (t, replaces) in texts.iter().zip(places) {
        let loaded_badly = || {
            now.load_findings
                .iter()
                .any(|f| same_path(&f.location.path, &t.display))
        };
        if replaces.is_none() && (t.display.parent() != Some(stories_dir) || loaded_badly()) {
            return None;
        }
        let (story, findings) =
            crate::load::story_with_findings(t.display.clone(), t.text.clone().into_bytes());
        edits.push((replaces, story?, findings, &t.display));
    }
    let edited: HashSet<StoryId> = edits
        .iter()
        .flat_map(|(i, story, _, _)| {
            i.map(|i| now.stories[i].id.clone())
                .into_iter()
                .chain([story.id.clone()])
        })
        .collect();
    let points_at_edited = |s: &Story| {
        s.epic
            .iter()
            .chain(&s.depends_on)
            .chain(&s.conflicts_with)
            .any(|r| edited.contains(r))
    };
    let local = |s: &Story| !summary(s) || points_at_edited(s);

    // The index by id holds while every edited story keeps its id and no
    // story is added; otherwise it is set aside and given back after.
    let index_holds = edits
        .iter()
        .all(|(i, story, _, _)| i.is_some_and(|i| now.stories[i].id == story.id));
    let index = (!index_holds).then(|| std::mem::take(&mut now.by_id));
    let findings_now = now.load_findings.clone();
    let mut replaced = Vec::new();
    let mut added = Vec::new();
    // Edits first (each at the index it was found at), then new stories in
    // path order, each put after the ones before it.
    edits.sort_by(|a, b| (a.0.is_none(), a.3).cmp(&(b.0.is_none(), b.3)));
    for (i, story, findings, display) in edits {
        match i {
            Some(i) => replaced.push((i, std::mem::replace(&mut now.stories[i], story))),
            None => {
                let at = now
                    .stories
                    .partition_point(|s| s.doc.path.as_path() < display.as_path());
                now.stories.insert(at, story);
                added.push(at);
            }
        }
        now.load_findings.retain(|f| f.location.path != *display);
        now.load_findings.extend(findings);
    }
    let after = crate::check::check_where(now, &local);
    // In reverse: each story added went in after the ones before it.
    for at in added.into_iter().rev() {
        now.stories.remove(at);
    }
    for (i, story) in replaced.into_iter().rev() {
        now.stories[i] = story;
    }
    now.load_findings = findings_now;
    if let Some(index) = index {
        now.by_id = index;
    }

    Some(errors_added(after, || {
        crate::check::check_where(now, &local)
    }))
}

/// Whether two paths as the load made them (the display root joined with a
/// listed path) are the same, byte for byte: `Path`'s own comparison walks
/// the components of every two paths that differ, 10,000 times an edit.
fn same_path(a: &Path, b: &Path) -> bool {
    a.as_os_str() == b.as_os_str()
}

/// The stories the rules across stories consult about an edit of the
/// stories in `texts` (before and after it): those sharing its id, sprint,
/// rank, or a status with a WIP limit; those it points at, and those its
/// dependencies lead to; those pointing at it. Read in full before the
/// guard runs on a snapshot of summaries, so those rules see the files.
/// `check::seen_across` is the other side: what those rules read of the
/// edited story; both follow the rules in `check/`.
pub fn consulted(now: &Snapshot, texts: &[NewText]) -> Vec<String> {
    let mut versions: Vec<Story> = Vec::new();
    for t in texts {
        if let Some(old) = now
            .stories
            .iter()
            .find(|s| same_path(&s.doc.path, &t.display))
        {
            versions.push(old.clone());
        }
        let (new, _) =
            crate::load::story_with_findings(t.display.clone(), t.text.clone().into_bytes());
        versions.extend(new);
    }
    let limited = |status: &str| now.config.wip_limits.iter().any(|(s, _)| s == status);
    let mut out: HashSet<String> = HashSet::new();
    let mut follow: Vec<&StoryId> = Vec::new();
    for v in &versions {
        follow.extend(v.epic.iter().chain(&v.depends_on).chain(&v.conflicts_with));
    }
    // One pass over the stories for all the versions: each story is read
    // from memory once.
    for s in &now.stories {
        let consults = |v: &Story| {
            let shares = s.id == v.id
                || (v.sprint.is_some() && s.sprint == v.sprint)
                || (v.rank.is_some() && s.rank == v.rank)
                || (s.status == v.status && limited(&s.status));
            shares
                || s.epic
                    .iter()
                    .chain(&s.depends_on)
                    .chain(&s.conflicts_with)
                    .any(|r| *r == v.id)
        };
        if versions.iter().any(consults) {
            out.insert(s.id.to_string());
        }
    }
    // Where the dependencies lead (a new cycle runs through them).
    let mut seen: HashSet<&StoryId> = HashSet::new();
    while let Some(id) = follow.pop() {
        if !seen.insert(id) {
            continue;
        }
        out.insert(id.to_string());
        for s in now.stories_with_id(id.as_str()) {
            follow.extend(&s.depends_on);
        }
    }
    let mut out: Vec<String> = out.into_iter().collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::line::{apply, FieldEdit};
    use proptest::prelude::*;

    /// Settings with a WIP limit, a Definition of Ready, and every rule
    /// that warns by default made an error (the guard refuses errors only).
    const CONFIG: &str = "product: P\nid_prefix: S\ngoals:\n  - { id: G-1, title: One, status: active }\n\
        workflow:\n  statuses: [draft, ready, in-progress, done]\n  done: [done]\n\
        definition_of_ready:\n  statuses: [ready]\n  require: [estimate, acceptance_criteria, statement]\n\
        wip_limits:\n  in-progress: 1\n\
        rules: { rank-missing: error, rank-tie: error, wip-limit: error, story-role-missing: error, \
        story-means-missing: error, story-not-atomic: error, story-not-minimal: error, \
        story-duplicate: error, story-not-uniform: error, criteria-vague: error, \
        criteria-not-gherkin: error, story-too-big: error }\n";
    /// A sprint with a small capacity, and a closed one whose review
    /// accepted S-1 and S-2.
    const SPRINTS: [(&str, &str); 2] = [
        (
            "sprints/2026-S1.md",
            "---\nid: 2026-S1\nstart: 2026-11-02\nend: 2026-11-13\ncapacity: 5\n---\n",
        ),
        (
            "sprints/2026-S0.md",
            "---\nid: 2026-S0\nstart: 2026-10-19\nend: 2026-10-30\ncapacity: 20\nreview:\n  date: 2026-10-30\n  decisions:\n    - { story: S-1, decision: accepted }\n    - { story: S-2, decision: accepted }\nclosed: { date: 2026-10-30, carried_over: [] }\n---\n",
        ),
    ];
    const STATUSES: [&str; 6] = ["draft", "ready", "in-progress", "done", "later", "''"];
    const STATEMENTS: [&str; 3] = [
        "As a clerk, I want to send invoices, so that I get paid.",
        "As a clerk, I want to print invoices, so that I can file them.",
        "",
    ];

    /// One generated story file: its file's id, the id it says, and its fields.
    #[derive(Clone, Debug)]
    struct Gen {
        id: usize,
        says: usize,
        epic_kind: bool,
        status: usize,
        rank: Option<u8>,
        estimate: Option<u8>,
        sprint: Option<usize>,
        epic: Option<usize>,
        depends_on: Vec<usize>,
        conflicts_with: Option<usize>,
        statement: usize,
        checked: bool,
    }

    fn story_text(g: &Gen) -> String {
        let mut t = format!("---\nid: S-{}\ntitle: Story {}\n", g.says, g.id);
        if g.epic_kind {
            t.push_str("kind: epic\n");
        }
        t.push_str(&format!("status: {}\n", STATUSES[g.status]));
        if let Some(r) = g.rank {
            t.push_str(&format!("rank: {r}\n"));
        }
        if let Some(e) = g.estimate {
            t.push_str(&format!("estimate: {e}\n"));
        }
        if let Some(e) = g.epic {
            t.push_str(&format!("epic: S-{e}\n"));
        }
        if !g.depends_on.is_empty() {
            let ids: Vec<String> = g.depends_on.iter().map(|d| format!("S-{d}")).collect();
            t.push_str(&format!("depends_on: [{}]\n", ids.join(", ")));
        }
        if let Some(c) = g.conflicts_with {
            t.push_str(&format!("conflicts_with: [S-{c}]\n"));
        }
        if let Some(s) = g.sprint {
            t.push_str(&format!("sprint: 2026-S{s}\n"));
        }
        t.push_str("---\n");
        t.push_str(STATEMENTS[g.statement]);
        t.push_str(&format!(
            "\n\n## Acceptance criteria\n- [{}] Given an invoice, when I send it, then it is sent\n",
            if g.checked { "x" } else { " " }
        ));
        t
    }

    fn gen_story(n: usize) -> impl Strategy<Value = Gen> {
        (
            (1..=n, 0..10usize, any::<bool>(), 0..STATUSES.len()),
            (
                proptest::option::of(1..4u8),
                proptest::option::of(prop_oneof![Just(1u8), Just(3), Just(8)]),
                proptest::option::of(0..2usize),
                proptest::option::of(1..=n),
            ),
            (
                proptest::collection::vec(1..=n, 0..3),
                proptest::option::of(1..=n),
                0..STATEMENTS.len(),
                any::<bool>(),
            ),
        )
            .prop_map(
                |(
                    (id, odd, epic_kind, status),
                    (rank, estimate, sprint, epic),
                    (deps, conflicts, st, ch),
                )| {
                    Gen {
                        id,
                        // Now and then a file that says another id.
                        says: if odd == 0 { id % 3 + 1 } else { id },
                        epic_kind: epic_kind && odd < 3,
                        status,
                        rank,
                        estimate,
                        sprint,
                        epic,
                        depends_on: deps,
                        conflicts_with: conflicts,
                        statement: st,
                        checked: ch,
                    }
                },
            )
    }

    /// An edit `set` or `status` may make of one field.
    fn gen_edit() -> impl Strategy<Value = FieldEdit> {
        let token = |key: &'static str, values: &'static [&'static str]| {
            proptest::sample::select(values).prop_map(move |v| FieldEdit {
                key: key.into(),
                token: (!v.is_empty()).then(|| v.to_string()),
            })
        };
        prop_oneof![
            token(
                "status",
                &["draft", "ready", "in-progress", "done", "later", "''"]
            ),
            token("estimate", &["", "1", "3", "8", "13"]),
            token("title", &["Renamed", "Story 1"]),
            token("labels", &["", "[ui]", "[ui, api]"]),
            token("goal", &["", "G-1", "G-9"]),
            token("created", &["", "2026-10-01"]),
            token("value.business", &["", "8"]),
            token("x-team", &["", "blue"]),
            token("rank", &["", "1", "2", "5"]),
            token("sprint", &["", "2026-S0", "2026-S1"]),
            token("kind", &["story", "epic", "bug"]),
            token("id", &["S-1", "S-9"]),
            token("epic", &["", "S-1", "S-2"]),
            token("depends_on", &["", "[S-1]", "[S-2, S-3]"]),
            token("conflicts_with", &["", "[S-1]", "[S-4]"]),
        ]
    }

    /// The error findings the edit adds, by rule, file and message, as the
    /// guard tells them apart.
    fn added(files: &[(String, String)], edited: &str, after: &str) -> Vec<String> {
        let load = |replace: bool| {
            let mut mem = Memory::new(".backlog");
            for (path, text) in files {
                let text = if replace && path == edited {
                    after
                } else {
                    text
                };
                mem.insert(path.as_str(), text.as_bytes().to_vec());
            }
            crate::load::load(&mem).expect("loads")
        };
        let (before, after) = (load(false), load(true));
        let mut found: Vec<String> =
            errors_added(crate::check::check(&after), || crate::check::check(&before))
                .iter()
                .map(|f| format!("{:?} {} {}", f.rule, f.location.path.display(), f.message))
                .collect();
        found.sort();
        found
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// An edit `check::seen_across` says no rule across stories sees
        /// adds the same errors to the story alone (with the settings and
        /// sprints) as to the whole backlog: what lets `set` and `status`
        /// guard it on that story alone.
        #[test]
        fn an_edit_unseen_across_stories_adds_the_errors_it_adds_to_the_whole_backlog(
            stories in proptest::collection::vec(gen_story(6), 1..6),
            pick in any::<proptest::sample::Index>(),
            edit in gen_edit(),
            statement in proptest::option::of(0..STATEMENTS.len()),
        ) {
            let mut files: Vec<(String, String)> = vec![("backlog.yaml".into(), CONFIG.into())];
            files.extend(SPRINTS.iter().map(|(p, t)| (p.to_string(), t.to_string())));
            let mut paths = std::collections::HashSet::new();
            for (i, g) in stories.iter().enumerate() {
                let path = format!("stories/S-{}-story-{i}.md", g.id);
                paths.insert(path.clone());
                files.push((path, story_text(g)));
            }
            // As `set` and `status` find a story alone: the one file named
            // for its id, which says that id, and no other file says it.
            let k = pick.index(stories.len());
            let g = &stories[k];
            let shared = stories
                .iter()
                .enumerate()
                .any(|(i, o)| i != k && (o.id == g.id || o.says == g.id));
            if g.says != g.id || shared {
                return Ok(());
            }
            let (edited, text) = files[3 + k].clone();
            let Ok(mut after) = apply(&text, std::slice::from_ref(&edit), crate::model::field::story_order()) else {
                return Ok(());
            };
            // Now and then the statement too (no command of one field
            // changes it; what reads it across stories is held all the same).
            if let Some(new) = statement {
                let old = STATEMENTS[stories[k].statement];
                let at = after.find("---\n").and_then(|a| Some(a + 4 + after[a + 4..].find("---\n")? + 4));
                if let Some(at) = at {
                    after.replace_range(at..at + old.len(), STATEMENTS[new]);
                }
            }
            let whole = crate::load::load(&{
                let mut mem = Memory::new(".backlog");
                for (p, t) in &files {
                    mem.insert(p.as_str(), t.as_bytes().to_vec());
                }
                mem
            }).expect("loads");
            let display = Path::new(".backlog").join(&edited);
            let before_story = whole.stories.iter().find(|s| s.doc.path == display);
            let after_story = crate::load::story_from_bytes(display.clone(), after.clone().into_bytes());
            let (Some(b), Some(a)) = (before_story, after_story) else {
                return Ok(());
            };
            if crate::check::seen_across(&whole.config, b, &a) {
                return Ok(());
            }
            let alone: Vec<(String, String)> = files
                .iter()
                .filter(|(p, _)| !paths.contains(p) || *p == edited)
                .cloned()
                .collect();
            prop_assert_eq!(added(&files, &edited, &after), added(&alone, &edited, &after));
        }
    }
}
