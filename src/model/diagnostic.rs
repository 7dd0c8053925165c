//! Findings: what `check` reports, with a stable code, a place and a hint.
//!
//! Every rule lives in the [`Rule`] table below so that its code, its name (as
//! used in `backlog.yaml`'s `rules:`), its default severity and its one-line
//! summary are declared once; docs/checks.md documents the same table.

use std::fmt;
use std::path::PathBuf;

use crate::syntax::document::Document;

/// How serious a finding is. `Error` fails `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! rules {
    ($( $variant:ident = $code:literal, $name:literal, $sev:ident, $summary:literal; )*) => {
        /// Every rule `check` knows. Codes and names are stable: CI configs and
        /// `rules:` overrides refer to them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $( $variant, )* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[ $( Rule::$variant, )* ];
            pub fn code(self) -> &'static str { match self { $( Rule::$variant => $code, )* } }
            pub fn name(self) -> &'static str { match self { $( Rule::$variant => $name, )* } }
            pub fn default_severity(self) -> Severity { match self { $( Rule::$variant => Severity::$sev, )* } }
            pub fn summary(self) -> &'static str { match self { $( Rule::$variant => $summary, )* } }
        }
    };
}

rules! {
    FrontMatterMissing = "B001", "front-matter-missing", Error, "A story or sprint file must start with a `---` line that opens its YAML front matter.";
    FrontMatterUnterminated = "B002", "front-matter-unterminated", Error, "The front matter opened by `---` must be closed by another `---` line.";
    YamlSyntax = "B003", "yaml-syntax", Error, "The front matter (or backlog.yaml) must be valid YAML.";
    NotAMapping = "B004", "not-a-mapping", Error, "The front matter must be a mapping of `field: value` lines.";
    DuplicateKey = "B005", "duplicate-key", Error, "A field may appear only once in the same mapping.";
    Unreadable = "B006", "unreadable-file", Error, "The file must be readable UTF-8 text.";
    TooLarge = "B007", "too-large", Error, "Story and sprint files are limited to 1 MiB, front matter to 64 KiB.";
    TooComplex = "B008", "too-complex", Error, "Front matter may not nest deeper than 32 levels nor use YAML anchors and aliases.";
    Symlink = "B009", "symlink", Error, "Symbolic links inside the backlog folder are not followed.";
    EmptyFile = "B010", "empty-file", Error, "A story or sprint file must not be empty.";
    MergeConflict = "B011", "merge-conflict", Error, "A file must not keep the conflict markers of an unfinished merge.";
    MissingField = "B020", "missing-field", Error, "A required field is missing.";
    WrongType = "B021", "wrong-type", Error, "A field has a value of the wrong type or form.";
    UnknownField = "B022", "unknown-field", Warning, "A field that the format does not define (custom fields start with `x-`).";
    UnknownStatus = "B023", "unknown-status", Error, "A status must be one of `workflow.statuses`.";
    BadId = "B024", "bad-id", Error, "Ids are the prefix, a dash and a number (`S-42`), sprint ids any word.";
    IdFileMismatch = "B025", "id-file-mismatch", Error, "A story file's name starts with its id; a sprint file's name is its id.";
    DuplicateId = "B026", "duplicate-id", Error, "Two stories (or two sprints, or two goals) share an id.";
    InvalidValue = "B027", "invalid-value", Error, "A field's value is not one of those allowed.";
    ControlCharacter = "B028", "control-character", Error, "Text may not contain terminal control characters or bidirectional overrides.";
    UnresolvedReference = "B030", "unresolved-reference", Error, "A reference to a story, epic, goal or sprint that does not exist.";
    EpicNotEpic = "B031", "epic-not-epic", Error, "`epic:` must name a story whose kind is `epic`.";
    DependencyCycle = "B032", "dependency-cycle", Error, "Stories that depend on each other in a cycle can never start.";
    RankMissing = "B040", "rank-missing", Warning, "An open story without a rank sorts last.";
    RankTie = "B041", "rank-tie", Warning, "Two open stories have the same rank, so their order is by id only.";
    NotReady = "B050", "not-ready", Error, "A story that is ready or planned into a sprint must meet the Definition of Ready.";
    OverCapacity = "B060", "over-capacity", Error, "The stories planned into a sprint add up to more points than its capacity.";
    WipLimit = "B061", "wip-limit", Warning, "More stories are in a status than its WIP limit allows.";
    DecisionNotInSprint = "B062", "decision-not-in-sprint", Error, "A review decision names a story that is not in that sprint.";
    AcceptedNotDone = "B063", "accepted-not-done", Error, "A story accepted at a review must be in a done status.";
    SprintDates = "B064", "sprint-dates", Error, "A sprint ends on or after its start, and sprints do not overlap.";
    CommittedTwice = "B066", "committed-twice", Error, "A story is in the commitments of two sprints whose dates overlap.";
    ConflictUnsettled = "B067", "conflict-unsettled", Warning, "Two stories in conflict have waited longer than `conflict_days` for a decision.";
    SprintClosed = "B065", "sprint-closed", Error, "A closed sprint takes no new stories: an unfinished story in it has a decision there.";
    StoryRoleMissing = "B090", "story-role-missing", Warning, "The story statement names no role (\"As a …\").";
    StoryMeansMissing = "B091", "story-means-missing", Warning, "The story statement says no means (\"I want …\", \"I can …\").";
    StoryNotAtomic = "B092", "story-not-atomic", Warning, "The means joins two or more goals (\"and\", \"or\", \"/\"): one story, one goal.";
    StoryNotMinimal = "B093", "story-not-minimal", Warning, "The statement carries more than the template: brackets, a second sentence, a repeated indicator.";
    StoryDuplicate = "B094", "story-duplicate", Warning, "Two stories have the same statement.";
    StoryNotUniform = "B095", "story-not-uniform", Warning, "The statement departs from the template most of the backlog uses.";
    CriteriaVague = "B096", "criteria-vague", Warning, "An acceptance criterion uses a word a tester cannot check (\"fast\", \"easy\", \"etc.\").";
    CriteriaNotGherkin = "B097", "criteria-not-gherkin", Warning, "With `quality.gherkin: true`, every criterion reads Given … When … Then ….";
    StoryTooBig = "B098", "story-too-big", Warning, "The estimate is above `quality.max_estimate`: split the story.";
    ConfigMissing = "B070", "config-missing", Error, "The backlog folder needs a backlog.yaml.";
    UnknownRule = "B071", "unknown-rule", Warning, "`rules:` names a rule that does not exist.";
    DecisionRewritten = "B080", "decision-rewritten", Error, "Review decisions are append-only: one recorded in the base was changed or deleted without an `amends:` note.";
    ReopenedWithoutNote = "B081", "reopened-without-note", Error, "A story that was done in the base is open again without a `reopened:` note.";
    RemovedFromRunningSprint = "B082", "removed-from-running-sprint", Error, "A story planned into the running sprint was deleted.";
    RunningSprintOverCapacity = "B083", "running-sprint-over-capacity", Error, "Scope was added to a running sprint beyond its capacity.";
    IdReused = "B084", "id-reused", Error, "An id of the base now names a different story.";
    CommitmentRewritten = "B085", "commitment-rewritten", Error, "A sprint's commitment recorded in the base was changed or removed.";
}

impl Rule {
    /// Finds a rule by its code (`B041`) or name (`rank-tie`).
    pub fn lookup(key: &str) -> Option<Rule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(key) || r.name() == key)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A place in a file, 1-based like editors and compilers count.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Path as shown to the user (relative to where the tool runs when possible).
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
}

/// One thing `check` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// The offending source line, shown under the location.
    pub source_line: Option<String>,
    /// How many characters to underline from `location.column`.
    pub width: usize,
    /// What to do about it.
    pub help: Option<String>,
    /// A second place that explains this one (the other file of a duplicate
    /// id), with what it is.
    pub related: Option<(Location, String)>,
}

impl Finding {
    pub fn new(rule: Rule, location: Location, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: rule.default_severity(),
            message: message.into(),
            location,
            source_line: None,
            width: 1,
            help: None,
            related: None,
        }
    }

    /// Points at a second place as well: `label` says what it is.
    pub fn related(mut self, location: Location, label: impl Into<String>) -> Finding {
        self.related = Some((location, label.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }
}

/// Longest part of a source line quoted under a finding.
const MAX_SHOWN_LINE: usize = 120;

/// Findings at a document's places. Here rather than in `syntax`, which
/// knows nothing of rules.
impl Document {
    pub fn location(&self, line: usize, column: usize) -> Location {
        Location {
            path: self.path.clone(),
            line,
            column,
        }
    }

    /// A finding at `line:column`, quoting that line and underlining the
    /// token that starts there.
    pub fn finding(
        &self,
        rule: Rule,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Finding {
        let text = self.line(line);
        let mut f = Finding::new(rule, self.location(line, column), message);
        if !text.is_empty() {
            let shown: String = text.chars().take(MAX_SHOWN_LINE).collect();
            let rest: String = shown.chars().skip(column.saturating_sub(1)).collect();
            f.width = token_width(&rest).max(1);
            f.source_line = Some(shown);
        }
        f
    }

    /// A finding that names a whole file (no line to point at).
    pub fn file_finding(&self, rule: Rule, message: impl Into<String>) -> Finding {
        Finding::new(rule, self.location(1, 1), message)
    }
}

/// Width of the value token at the start of `rest`: up to a comment or the end.
fn token_width(rest: &str) -> usize {
    let cut = rest.find(" #").unwrap_or(rest.len());
    rest[..cut].trim_end().chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/checks.md is the rule reference: every rule has a section there.
    #[test]
    fn every_rule_is_documented() {
        let docs = include_str!("../../docs/checks.md");
        for rule in Rule::ALL {
            let heading = format!(
                "### {} {} ({})",
                rule.code(),
                rule.name(),
                rule.default_severity().as_str()
            );
            assert!(docs.contains(&heading), "docs/checks.md lacks `{heading}`");
        }
    }

    #[test]
    fn codes_and_names_are_unique_and_found() {
        let mut codes: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Rule::ALL.len());
        assert_eq!(Rule::lookup("rank-tie"), Some(Rule::RankTie));
        assert_eq!(Rule::lookup("b041"), Some(Rule::RankTie));
        assert_eq!(Rule::lookup("nope"), None);
    }
}
