//! The backlog as data: a [`Snapshot`] of config, stories and sprints, each
//! value remembering where in which file it was written.

pub mod date;
pub mod diagnostic;
pub mod field;
pub mod order;
pub mod rank;
pub mod score;
pub mod suggest;

pub use crate::syntax::body::{Criterion, Statement};

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use crate::model::date::Date;
use crate::model::diagnostic::{Finding, Location, Rule, Severity};
use crate::model::rank::Rank;
use crate::model::score::ScoringModel;
use crate::syntax::document::{Document, Layout};

/// A story id such as `S-42`. Ordered by prefix, then numerically, so `S-9`
/// comes before `S-10`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StoryId(String);

impl StoryId {
    pub fn new(s: impl Into<String>) -> StoryId {
        StoryId(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a story file whose name without `.md` is `stem` is named for
    /// this id: `S-42` or `S-42-…` (what B027 asks of every story file).
    pub fn names(&self, stem: &str) -> bool {
        stem.strip_prefix(self.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('-'))
    }

    /// The id a story file's name starts with: `S-42` from
    /// `S-42-export-invoices.md` (the leading parts up to the first number).
    pub fn from_file_name(name: &str) -> Option<StoryId> {
        let stem = name.strip_suffix(".md").unwrap_or(name);
        let parts: Vec<&str> = stem.split('-').collect();
        let n = parts
            .iter()
            .position(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))?;
        (n > 0).then(|| StoryId::new(parts[..=n].join("-")))
    }

    /// The prefix and number when the id is well formed (`S`, `42`).
    pub fn parts(&self) -> Option<(&str, u64)> {
        let (prefix, num) = self.0.rsplit_once('-')?;
        let valid_prefix = !prefix.is_empty()
            && prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !valid_prefix || num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if num.len() > 1 && num.starts_with('0') {
            return None;
        }
        Some((prefix, num.parse().ok()?))
    }

    /// A key that sorts as ids do (`Ord`), computed once: for sorting many
    /// ids with `sort_by_cached_key` instead of re-reading both ids' parts
    /// in every comparison.
    pub fn sort_key(&self) -> SortKey<'_> {
        match self.parts() {
            Some((prefix, n)) => (false, prefix, n, &self.0),
            None => (true, "", 0, &self.0),
        }
    }
}

/// What [`StoryId::sort_key`] gives: whether the id lacks a `PREFIX-N`
/// form, its prefix, its number, the id itself.
pub type SortKey<'a> = (bool, &'a str, u64, &'a str);

impl Ord for StoryId {
    fn cmp(&self, other: &StoryId) -> Ordering {
        match (self.parts(), other.parts()) {
            (Some((pa, na)), Some((pb, nb))) => pa.cmp(pb).then(na.cmp(&nb)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => self.0.cmp(&other.0),
        }
        .then_with(|| self.0.cmp(&other.0))
    }
}

impl PartialOrd for StoryId {
    fn partial_cmp(&self, other: &StoryId) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for StoryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// What kind of backlog item a story is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Story,
    Bug,
    Spike,
    Epic,
    Chore,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Story, Kind::Bug, Kind::Spike, Kind::Epic, Kind::Chore];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Story => "story",
            Kind::Bug => "bug",
            Kind::Spike => "spike",
            Kind::Epic => "epic",
            Kind::Chore => "chore",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A story file, as far as it could be read.
#[derive(Clone, Debug)]
pub struct Story {
    pub id: StoryId,
    pub title: String,
    pub kind: Kind,
    pub status: String,
    pub rank: Option<Rank>,
    pub estimate: Option<f64>,
    pub epic: Option<StoryId>,
    pub goal: Option<String>,
    pub labels: Vec<String>,
    pub depends_on: Vec<StoryId>,
    /// Stories that want the opposite (two stakeholders in conflict); the
    /// relation reads both ways.
    pub conflicts_with: Vec<StoryId>,
    pub stakeholders: Vec<String>,
    /// Scoring inputs: numbers, and `moscow` as its bucket name.
    pub value: ValueMap,
    pub sprint: Option<String>,
    pub created: Option<Date>,
    /// Why a finished story was opened again.
    pub reopened: Option<String>,
    pub statement: Option<Statement>,
    /// Byte range in the file of the body's first paragraph (the statement,
    /// or what stands where it should be), for the story-quality rules.
    pub opening: Option<(usize, usize)>,
    pub criteria: Vec<Criterion>,
    /// The file as read; its text is empty for a story read for its fields
    /// only (`list`, history) or summarised (`load::cache`).
    pub doc: Arc<Document>,
}

/// One entry of a story's `value:` map.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueField {
    Number(f64),
    Text(String),
}

/// A story's `value:` inputs by name, in name order: a sorted list, as a
/// story has a handful (a B-tree's first node was 500 bytes a story).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValueMap(Vec<(String, ValueField)>);

impl ValueMap {
    /// Sets `key` (a second value for a key replaces the first).
    pub fn insert(&mut self, key: String, value: ValueField) {
        match self.0.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }

    pub fn get(&self, key: &str) -> Option<&ValueField> {
        let i = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        Some(&self.0[i].1)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The inputs in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ValueField)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// A number without a needless `.0` (estimates, points, capacities).
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else if v.abs() >= 1e15 {
        // Twenty digits read back as text, not a number: the YAML loader
        // takes only integers that fit 64 bits. `1e20` reads back as itself.
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

impl Story {
    /// The texts of the acceptance criteria not checked off (`- [ ]`):
    /// what moving the story to done asks about.
    pub fn unchecked_criteria(&self) -> Vec<String> {
        self.criteria
            .iter()
            .filter(|c| c.checked == Some(false))
            .map(|c| c.text.to_string())
            .collect()
    }

    /// A front-matter field's value as one line of text, as `log`, `blame`,
    /// `diff` and the git textconv show it; `None` when the field is absent.
    pub fn field_text(&self, field: &str) -> Option<String> {
        field::story_field(field).and_then(|f| (f.text)(self))
    }

    /// A finding pointing at `field` (or the nearest enclosing key), else at
    /// the first line of the file.
    pub fn finding_at(&self, field: &str, rule: Rule, message: impl Into<String>) -> Finding {
        finding_at(&self.doc, &self.layout(), field, rule, message)
    }

    /// Where the `id` field is written (the file's first line if nowhere).
    pub fn id_location(&self) -> Location {
        self.finding_at("id", Rule::DuplicateId, "").location
    }

    /// Where each front-matter key is written, scanned from the text when
    /// asked: a story does not keep its layout, which only findings and a
    /// few rules look at (the layouts were 55 MB of `check`'s heap at
    /// 100,000 stories, by heaptrack). Empty for a story whose text was not
    /// kept.
    pub fn layout(&self) -> Layout {
        match crate::syntax::document::split(&self.doc.text) {
            Ok(fm) => Layout::scan(fm.yaml, fm.yaml_line),
            Err(_) => Layout::default(),
        }
    }

    pub fn number(&self, key: &str) -> Option<f64> {
        match self.value.get(key) {
            Some(ValueField::Number(n)) => Some(*n),
            _ => None,
        }
    }
}

/// A finding at the value of `path` in `doc`, falling back to the file.
pub fn finding_at(
    doc: &Document,
    layout: &Layout,
    path: &str,
    rule: Rule,
    message: impl Into<String>,
) -> Finding {
    if let Some(slot) = layout.get(path) {
        let col = if slot.raw.is_empty() {
            slot.key_column
        } else {
            slot.value_column
        };
        return doc.finding(rule, slot.line, col, message);
    }
    // Not a block-style key: look inside the nearest enclosing flow value.
    let mut prefix = path;
    while let Some(cut) = prefix.rfind(['.', '[']) {
        prefix = &prefix[..cut];
        let Some(slot) = layout.get(prefix) else {
            continue;
        };
        let line = doc.line(slot.line);
        return match crate::syntax::document::locate_in_flow(
            line,
            slot.value_column,
            &path[prefix.len()..],
        ) {
            Some((col, width)) => {
                let mut f = doc.finding(rule, slot.line, col, message);
                f.width = width;
                f
            }
            None => doc.finding(rule, slot.line, slot.value_column, message),
        };
    }
    doc.finding(rule, 1, 1, message)
}

/// A sprint-review decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub story: StoryId,
    pub decision: DecisionKind,
    pub note: Option<String>,
    pub follow_up: Option<StoryId>,
    /// Why this entry corrects an earlier decision.
    pub amends: Option<String>,
    /// Layout path of this entry (`review.decisions[0]`).
    pub path: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecisionKind {
    Accepted,
    Rejected,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Accepted => "accepted",
            DecisionKind::Rejected => "rejected",
        }
    }
}

/// Stakeholder feedback heard at a review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Feedback {
    pub from: String,
    pub note: String,
    pub story: Option<StoryId>,
    pub path: String,
}

#[derive(Clone, Debug, Default)]
pub struct Review {
    pub date: Option<Date>,
    pub decisions: Vec<Decision>,
    pub feedback: Vec<Feedback>,
}

impl Review {
    /// Decisions keyed by (story, occurrence), with their decision and note,
    /// in the order of the decisions list.
    pub fn decision_keys(&self) -> Vec<DecisionKey> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        self.decisions
            .iter()
            .map(|d| {
                let n = seen.entry(d.story.to_string()).or_insert(0);
                *n += 1;
                (
                    (d.story.to_string(), *n),
                    (d.decision.as_str().to_string(), d.note.clone()),
                )
            })
            .collect()
    }
}

impl Review {
    /// Feedback items keyed by (from, occurrence), with their note and the
    /// story they became: editing an item in place is a change of that key.
    pub fn feedback_keys(&self) -> Vec<FeedbackKey> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        self.feedback
            .iter()
            .map(|f| {
                let n = seen.entry(f.from.clone()).or_insert(0);
                *n += 1;
                (
                    (f.from.clone(), *n),
                    (f.note.clone(), f.story.as_ref().map(|s| s.to_string())),
                )
            })
            .collect()
    }
}

/// A feedback item by (from, occurrence), with its note and story.
pub type FeedbackKey = ((String, usize), (String, Option<String>));

/// A decision by (story, occurrence), with its decision and note.
pub type DecisionKey = ((String, usize), (String, Option<String>));

/// A sprint file.
#[derive(Clone, Debug)]
pub struct Sprint {
    pub id: String,
    pub goal: Option<String>,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub capacity: Option<f64>,
    /// What the team committed to when the sprint started (`sprint start`).
    pub commitment: Option<Commitment>,
    pub review: Option<Review>,
    /// Recorded by `sprint close`: no story is planned into it any more.
    pub closed: Option<Closed>,
    pub doc: Arc<Document>,
    pub layout: Arc<Layout>,
}

/// The scope a sprint started with, recorded in its file so the sprint
/// report is a function of the files at any later revision.
#[derive(Clone, Debug, PartialEq)]
pub struct Commitment {
    pub date: Option<Date>,
    pub stories: Vec<StoryId>,
    pub points: f64,
}

/// How a sprint ended (`sprint close`).
#[derive(Clone, Debug, PartialEq)]
pub struct Closed {
    pub date: Date,
    /// Unfinished stories moved on at the close.
    pub carried_over: Vec<StoryId>,
    /// Where they went: a sprint id, or `None` for the backlog.
    pub to: Option<String>,
    /// Whether the sprint goal was met, as the team judged it.
    pub goal_met: Option<bool>,
}

impl Sprint {
    /// Whether the sprint runs on `today`: within its dates, and not closed
    /// (a sprint closed before its end runs no more).
    pub fn is_running(&self, today: Date) -> bool {
        self.closed.is_none()
            && matches!((self.start, self.end), (Some(a), Some(b)) if a <= today && today <= b)
    }

    pub fn finding_at(&self, field: &str, rule: Rule, message: impl Into<String>) -> Finding {
        finding_at(&self.doc, &self.layout, field, rule, message)
    }

    /// Where the `id` field is written (the file's first line if nowhere).
    pub fn id_location(&self) -> Location {
        self.finding_at("id", Rule::DuplicateId, "").location
    }
}

/// A product goal from backlog.yaml.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Goal {
    pub id: String,
    pub title: String,
    pub status: String,
}

/// Settings of the story-quality rules (`quality:` in backlog.yaml).
#[derive(Clone, Debug, PartialEq)]
pub struct Quality {
    /// Words that make a criterion untestable (B096 criteria-vague).
    pub vague_words: Vec<String>,
    /// Criteria must read Given/When/Then (B097 criteria-not-gherkin).
    pub gherkin: bool,
    /// Estimates above this ask for a split (B098 story-too-big).
    pub max_estimate: Option<f64>,
}

/// Words and phrases a tester cannot check: each is vague about how much,
/// how fast or how well. Overridable with `quality.vague_words`.
pub const VAGUE_WORDS: &[&str] = &[
    "fast",
    "quick",
    "quickly",
    "slow",
    "easy",
    "easily",
    "simple",
    "user-friendly",
    "user friendly",
    "intuitive",
    "flexible",
    "efficient",
    "efficiently",
    "robust",
    "seamless",
    "seamlessly",
    "appropriate",
    "as appropriate",
    "as needed",
    "if needed",
    "etc",
    "etc.",
    "and so on",
    "some",
    "several",
    "many",
    "various",
    "reasonable",
    "adequate",
    "good",
    "nice",
    "better",
    "best",
    "properly",
    "correctly",
    "normal",
    "sufficient",
    "optimal",
    "as soon as possible",
    "asap",
    "state of the art",
];

impl Default for Quality {
    fn default() -> Quality {
        Quality {
            vague_words: VAGUE_WORDS.iter().map(|w| w.to_string()).collect(),
            gherkin: false,
            max_estimate: None,
        }
    }
}

/// What a story needs before it may be `ready` or planned into a sprint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefinitionOfReady {
    /// Statuses whose stories must meet it (besides any story in a sprint).
    pub statuses: Vec<String>,
    /// `estimate`, `acceptance_criteria`, `statement`, or any field name.
    pub require: Vec<String>,
}

/// How a rule's findings are reported, per `rules:` in backlog.yaml.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

/// backlog.yaml, with defaults for what it leaves out.
#[derive(Clone, Debug)]
pub struct Config {
    pub product: String,
    pub vision: Option<String>,
    pub id_prefix: String,
    pub goals: Vec<Goal>,
    pub statuses: Vec<String>,
    pub done: Vec<String>,
    pub ready: DefinitionOfReady,
    pub definition_of_done: Option<String>,
    pub wip_limits: Vec<(String, u32)>,
    /// Days a conflict between stories may stay unsettled (B067); `None`: no limit.
    pub conflict_days: Option<u32>,
    /// Settings of the story-quality rules.
    pub quality: Quality,
    pub scoring: Option<ScoringModel>,
    pub rules: BTreeMap<Rule, RuleLevel>,
    pub doc: Option<Arc<Document>>,
    pub layout: Arc<Layout>,
    /// backlog.yaml exists but does not parse: every setting above is a
    /// default, so commands that depend on it stop rather than guess.
    pub unreadable: bool,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            product: String::new(),
            vision: None,
            id_prefix: "S".into(),
            goals: Vec::new(),
            statuses: ["draft", "ready", "in-progress", "review", "done"]
                .map(String::from)
                .to_vec(),
            done: vec!["done".into()],
            ready: DefinitionOfReady {
                statuses: vec!["ready".into()],
                require: ["estimate", "acceptance_criteria", "statement"]
                    .map(String::from)
                    .to_vec(),
            },
            definition_of_done: None,
            wip_limits: Vec::new(),
            conflict_days: None,
            quality: Quality::default(),
            scoring: None,
            rules: BTreeMap::new(),
            doc: None,
            layout: Arc::new(Layout::default()),
            unreadable: false,
        }
    }
}

impl Config {
    /// The status a new story starts in: the workflow's first.
    pub fn first_status(&self) -> String {
        self.statuses
            .first()
            .cloned()
            .unwrap_or_else(|| "draft".into())
    }

    pub fn is_done(&self, status: &str) -> bool {
        self.done.iter().any(|d| d == status)
    }

    pub fn level(&self, rule: Rule) -> RuleLevel {
        self.rules
            .get(&rule)
            .copied()
            .unwrap_or(RuleLevel::On(rule.default_severity()))
    }
}

/// Everything read from one backlog folder at one moment (working tree or
/// revision): the one model every command is a function of.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub config: Config,
    /// In file order; see [`Snapshot::ranked`] for backlog order.
    pub stories: Vec<Story>,
    pub sprints: Vec<Sprint>,
    /// Ids of story files that could not be read, taken from their file
    /// names, so that references to them do not cascade into more findings.
    pub unreadable_ids: Vec<StoryId>,
    /// Problems found while loading (syntax, types, unreadable files).
    pub load_findings: Vec<Finding>,
    /// Index of `stories` by id (first story with each id, and how many
    /// carry it), built on first lookup: commands look stories up by id in
    /// loops over the backlog.
    pub by_id: std::sync::OnceLock<IdIndex>,
}

impl Snapshot {
    /// A backlog with nothing in it: the base side of a diff against a
    /// revision that had no backlog folder yet.
    pub fn empty() -> Snapshot {
        Snapshot {
            config: Config::default(),
            stories: Vec::new(),
            sprints: Vec::new(),
            unreadable_ids: Vec::new(),
            load_findings: Vec::new(),
            by_id: Default::default(),
        }
    }

    /// Stories in backlog order: by rank (exactly), unranked last, ties by id.
    pub fn ranked(&self) -> Vec<&Story> {
        order::in_backlog_order(self.stories.iter().collect(), |s| *s)
    }

    /// Where `story` stands in backlog order, counted from 1: the place
    /// [`Snapshot::ranked`] gives the first story with its id, found without
    /// sorting the backlog.
    pub fn position(&self, story: &Story) -> usize {
        self.position_ranked_by(story, |s| s.rank.as_ref())
    }

    /// [`Snapshot::position`] in the order the ranks `rank_of` gives each
    /// story: where a plan's new ranks, not yet written, put it.
    pub fn position_ranked_by<'a>(
        &'a self,
        story: &'a Story,
        rank_of: impl Fn(&'a Story) -> Option<&'a Rank>,
    ) -> usize {
        let key = |s: &'a Story| (rank_of(s), &s.id);
        let first = self
            .stories
            .iter()
            .filter(|s| s.id == story.id)
            .min_by(|a, b| order::backlog_order(key(a), key(b)))
            .unwrap_or(story);
        let first = key(first);
        let before = self
            .stories
            .iter()
            .filter(|s| order::backlog_order(key(s), first) == Ordering::Less)
            .count();
        before + 1
    }

    /// The stories at 0-based places `places` of backlog order (those that
    /// exist), found by selection, without sorting the backlog: each is the
    /// one [`Snapshot::ranked`] has there.
    pub fn ranked_at(&self, places: &[usize], skip: impl Fn(&Story) -> bool) -> Vec<&Story> {
        // Ties broken by file order, as the stable sort of `ranked` does.
        let mut order: Vec<(usize, &Story)> = self
            .stories
            .iter()
            .enumerate()
            .filter(|(_, s)| !skip(s))
            .collect();
        let cmp =
            |a: &(usize, &Story), b: &(usize, &Story)| rank_order(a.1, b.1).then(a.0.cmp(&b.0));
        let mut out = Vec::new();
        for &place in places {
            if place < order.len() {
                let (_, nth, _) = order.select_nth_unstable_by(place, cmp);
                out.push(nth.1);
            }
        }
        out
    }

    pub fn story(&self, id: &str) -> Option<&Story> {
        self.id_index()
            .get(&self.stories, id)
            .map(|(i, _)| &self.stories[i])
    }

    fn id_index(&self) -> &IdIndex {
        self.by_id.get_or_init(|| IdIndex::of(&self.stories))
    }

    /// Story and sprint files that could not be read at all (their content
    /// is missing from this snapshot), each with its first finding.
    pub fn unread_files(&self) -> Vec<&Finding> {
        if !self
            .load_findings
            .iter()
            .any(|f| f.severity == Severity::Error)
        {
            return Vec::new();
        }
        let loaded: std::collections::HashSet<&std::path::Path> = self
            .stories
            .iter()
            .map(|s| s.doc.path.as_path())
            .chain(self.sprints.iter().map(|s| s.doc.path.as_path()))
            .chain(self.config.doc.iter().map(|d| d.path.as_path()))
            .collect();
        let mut seen = std::collections::HashSet::new();
        self.load_findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .filter(|f| !loaded.contains(f.location.path.as_path()))
            .filter(|f| seen.insert(f.location.path.clone()))
            .collect()
    }

    /// Every story that carries `id` (more than one is a duplicate id that
    /// `check` reports, and that no edit may guess between).
    pub fn stories_with_id(&self, id: &str) -> Vec<&Story> {
        self.places_of_id(id)
            .into_iter()
            .map(|i| &self.stories[i])
            .collect()
    }

    /// Whether two stories carry the same id (a file copied and its id
    /// left as it was).
    pub fn shares_an_id(&self) -> bool {
        self.id_index().table.iter().any(|&(_, count)| count > 1)
    }

    /// Where in `stories` the stories that carry `id` are.
    pub fn places_of_id(&self, id: &str) -> Vec<usize> {
        match self.id_index().get(&self.stories, id) {
            None => Vec::new(),
            Some((i, 1)) => vec![i],
            // Only a duplicated id pays for the scan.
            Some((i, _)) => (i..self.stories.len())
                .filter(|&j| self.stories[j].id.as_str() == id)
                .collect(),
        }
    }

    pub fn sprint(&self, id: &str) -> Option<&Sprint> {
        self.sprints.iter().find(|s| s.id == id)
    }

    /// The stories planned into sprint `id` (its `sprint:` field), in file order.
    pub fn planned(&self, id: &str) -> Vec<&Story> {
        self.stories
            .iter()
            .filter(|s| s.sprint.as_deref() == Some(id))
            .collect()
    }

    /// The points planned into sprint `id` (unestimated stories count 0).
    pub fn planned_points(&self, id: &str) -> f64 {
        self.planned(id).iter().filter_map(|s| s.estimate).sum()
    }
}

/// A character a terminal obeys rather than shows: C0/C1 controls, DEL,
/// and bidirectional overrides. Tabs and line breaks are written by the
/// format itself and are not counted here.
pub fn is_terminal_control(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Stories by id: for each id, the first story that carries it and how
/// many do. Entries are places in the stories, hashed by their ids, so no
/// id is copied: it is built for every command about one story, over every
/// id of the backlog (copying 10,000 ids was most of `show`'s lookup).
#[derive(Clone, Debug, Default)]
pub struct IdIndex {
    table: hashbrown::HashTable<(u32, u32)>,
    /// Seeded per process, as std's maps are: ids are the user's text.
    hasher: foldhash::fast::RandomState,
}

impl IdIndex {
    fn hash(&self, id: &str) -> u64 {
        use std::hash::BuildHasher;
        self.hasher.hash_one(id)
    }

    fn of(stories: &[Story]) -> IdIndex {
        use std::hash::BuildHasher;
        let hasher = foldhash::fast::RandomState::default();
        let id_hash = |at: u32| hasher.hash_one(stories[at as usize].id.as_str());
        let mut table = hashbrown::HashTable::with_capacity(stories.len());
        for (i, s) in stories.iter().enumerate() {
            let id = s.id.as_str();
            let at = u32::try_from(i).expect("a backlog holds fewer than 4 billion stories");
            table
                .entry(
                    hasher.hash_one(id),
                    |&(first, _): &(u32, u32)| stories[first as usize].id.as_str() == id,
                    |&(first, _)| id_hash(first),
                )
                .or_insert((at, 0))
                .get_mut()
                .1 += 1;
        }
        IdIndex { table, hasher }
    }

    /// The first story with `id` in `stories` (those the index was built
    /// over) and how many carry it.
    fn get(&self, stories: &[Story], id: &str) -> Option<(usize, usize)> {
        self.table
            .find(self.hash(id), |&(at, _)| {
                stories[at as usize].id.as_str() == id
            })
            .map(|&(at, n)| (at as usize, n as usize))
    }
}

/// The one backlog ordering.
pub fn rank_order(a: &Story, b: &Story) -> Ordering {
    order::backlog_order((a.rank.as_ref(), &a.id), (b.rank.as_ref(), &b.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_numerically() {
        let mut v = ["S-10", "S-9", "S-100", "X-1", "junk"]
            .map(StoryId::new)
            .to_vec();
        v.sort();
        let s: Vec<&str> = v.iter().map(|i| i.as_str()).collect();
        assert_eq!(s, ["S-9", "S-10", "S-100", "X-1", "junk"]);
        assert!(StoryId::new("S-007").parts().is_none());
        assert_eq!(StoryId::new("ACME-UI-3").parts(), Some(("ACME-UI", 3)));
    }

    #[test]
    fn sort_key_sorts_as_ids_do() {
        let ids = [
            "S-10", "S-9", "S-100", "X-1", "junk", "S-007", "S-", "-1", "A-B-2", "A-2", "", "S-9x",
        ]
        .map(StoryId::new);
        for a in &ids {
            for b in &ids {
                assert_eq!(a.sort_key().cmp(&b.sort_key()), a.cmp(b), "{a} vs {b}");
            }
        }
    }

    fn snapshot_of(stories: &[(&str, Option<&str>)]) -> Snapshot {
        let mut s = Snapshot::empty();
        for (i, (id, rank)) in stories.iter().enumerate() {
            s.stories.push(Story {
                id: StoryId::new(id.to_string()),
                title: "T".into(),
                kind: Kind::Story,
                status: "draft".into(),
                rank: rank.map(|r| Rank::parse(r).expect("a rank")),
                estimate: None,
                epic: None,
                goal: None,
                labels: Vec::new(),
                depends_on: Vec::new(),
                conflicts_with: Vec::new(),
                stakeholders: Vec::new(),
                value: Default::default(),
                sprint: None,
                created: None,
                reopened: None,
                statement: None,
                opening: None,
                criteria: Vec::new(),
                doc: Arc::new(Document::new(format!("{i}.md").into(), String::new())),
            });
        }
        s
    }

    proptest::proptest! {
        /// `show`'s count gives every story the place the sorted backlog
        /// gives the first story with its id: ranks tied, missing or
        /// negative, ids written twice.
        #[test]
        fn a_place_counted_is_the_place_sorted(
            stories in proptest::collection::vec(
                (0u8..6, proptest::option::of(-3i8..4)),
                1..12,
            ),
        ) {
            let ids: Vec<String> = stories.iter().map(|(n, _)| format!("S-{n}")).collect();
            let ranks: Vec<Option<String>> =
                stories.iter().map(|(_, r)| r.map(|r| format!("{r}"))).collect();
            let given: Vec<(&str, Option<&str>)> = ids
                .iter()
                .zip(&ranks)
                .map(|(id, r)| (id.as_str(), r.as_deref()))
                .collect();
            let s = snapshot_of(&given);
            let ranked = s.ranked();
            for story in &s.stories {
                let sorted = ranked.iter().position(|r| r.id == story.id).unwrap() + 1;
                proptest::prop_assert_eq!(s.position(story), sorted, "{}", story.id);
            }
            // And each place holds the story the sort puts there, ties and
            // ids written twice included.
            let places: Vec<usize> = (0..ranked.len() + 2).collect();
            let selected = s.ranked_at(&places, |_| false);
            proptest::prop_assert_eq!(selected.len(), ranked.len());
            for (a, b) in selected.iter().zip(&ranked) {
                proptest::prop_assert!(std::ptr::eq(*a, *b));
            }
            // With other ranks for some stories (a plan not yet written):
            // the place the backlog sorted by those ranks gives.
            let planned: Vec<Option<Rank>> = stories
                .iter()
                .map(|(n, r)| {
                    (n % 2 == 0).then(|| Rank::parse(&format!("{}", r.unwrap_or(9) * -2)).unwrap())
                })
                .collect();
            fn rank_in<'a>(s: &'a Snapshot, planned: &'a [Option<Rank>], x: &'a Story) -> Option<&'a Rank> {
                let i = s.stories.iter().position(|y| std::ptr::eq(x, y)).unwrap();
                planned[i].as_ref().or(x.rank.as_ref())
            }
            let rank_of = |x| rank_in(&s, &planned, x);
            let mut sorted: Vec<&Story> = s.stories.iter().collect();
            sorted.sort_by(|a, b| order::backlog_order((rank_of(a), &a.id), (rank_of(b), &b.id)));
            for story in &s.stories {
                let place = sorted.iter().position(|r| r.id == story.id).unwrap() + 1;
                proptest::prop_assert_eq!(s.position_ranked_by(story, rank_of), place, "{}", story.id);
            }
        }
    }
}
