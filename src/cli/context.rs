//! What every command may need from its surroundings, resolved once before
//! the command runs: the current folder, `--dir` and `--at`, the terminal's
//! width, whether to colour, and today's date. Commands take it as data, so
//! nothing below the CLI asks the environment.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use super::error::CliError;
use crate::edit::lock::{WriteLock, DEFAULT_WAIT};
use crate::edit::write::FileChange;
use crate::load::cache::{Light, Purpose, Summaries};
use crate::load::revision;
use crate::model::date::Date;
use crate::model::diagnostic::Finding;
use crate::model::{Snapshot, Story};
use crate::plan::reorder::RankChange;
use crate::source::revision::Revisions;
use crate::source::{discover, Source, WorkTree};

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub struct Context {
    pub cwd: PathBuf,
    /// `--dir` or `BACKLOG_DIR`.
    pub dir: Option<PathBuf>,
    /// `--at REV`.
    pub at: Option<String>,
    /// Columns for tables: the terminal's width, else `$COLUMNS`, else unlimited.
    pub width: Option<usize>,
    pub color: bool,
    pub today: Date,
    /// Whether `today` was pinned by `BACKLOG_TODAY` (not the clock's).
    pub today_pinned: bool,
    /// How long a writer waits for another (`BACKLOG_LOCK_WAIT` seconds).
    pub lock_wait: Duration,
}

impl Context {
    /// Reads the environment once.
    pub fn resolve(
        dir: Option<PathBuf>,
        at: Option<String>,
        color: ColorChoice,
    ) -> Result<Context, CliError> {
        let cwd = std::env::current_dir()
            .map_err(|e| CliError::new(format!("cannot read the current directory: {e}")))?;
        let tty = io::stdout().is_terminal();
        let width = tty
            .then(terminal_size::terminal_size)
            .flatten()
            .map(|(terminal_size::Width(w), _)| w as usize)
            .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()));
        let set = |var: &str| std::env::var_os(var).is_some_and(|v| !v.is_empty() && v != "0");
        let color = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !set("NO_COLOR") && (set("CLICOLOR_FORCE") || tty),
        };
        let pinned = std::env::var("BACKLOG_TODAY")
            .ok()
            .and_then(|d| Date::parse(&d));
        Ok(Context {
            cwd,
            dir,
            at,
            width,
            color,
            // BACKLOG_TODAY pins "today" for reproducible reports and tests.
            today: pinned.unwrap_or_else(Date::today),
            today_pinned: pinned.is_some(),
            lock_wait: std::env::var("BACKLOG_LOCK_WAIT")
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map_or(DEFAULT_WAIT, Duration::from_secs_f64),
        })
    }

    /// Story file names on other branches, so that new ids (`new`,
    /// `import`) rarely collide with work not merged yet; with the note to
    /// show when the branches cannot be read.
    pub fn story_names_elsewhere(&self) -> (std::collections::BTreeSet<String>, Option<String>) {
        let Ok(revisions) = self.revisions(None) else {
            return Default::default();
        };
        match revisions.git.story_names_in_branches(&revisions.rel) {
            Ok(names) => (names, None),
            Err(e) => (
                Default::default(),
                Some(format!("note: could not read other branches ({e}); new ids are only unique in this working tree")),
            ),
        }
    }

    /// A note for the user beside the data: to stderr, so pipes get data only.
    pub fn note(&self, text: &str) {
        let mut err = crate::render::text::TerminalSafe::new(io::stderr().lock());
        let _ = writeln!(err, "{text}");
        let _ = err.flush();
    }

    /// The backlog folder on disk: `--dir`, else the nearest `.backlog`.
    pub fn work_tree(&self) -> Result<WorkTree, CliError> {
        Ok(discover(self.dir.as_deref(), &self.cwd)?)
    }

    /// The repository and the backlog folder in it; `rev` is the revision
    /// whose tree is searched when the working tree has no `.backlog`.
    pub fn revisions(&self, rev: Option<&str>) -> Result<Revisions, CliError> {
        Ok(Revisions::open(
            self.dir.as_deref(),
            &self.cwd,
            rev.or(self.at.as_deref()),
        )?)
    }

    /// The snapshot a read command works on (the working tree, or with
    /// `--at` that revision): a backlog.yaml that does not parse stops the
    /// command, and files that could not be read are named on stderr, so a
    /// broken file never just vanishes from the output.
    pub fn snapshot(&self) -> Result<Snapshot, CliError> {
        self.said(self.snapshot_as_is()?)
    }

    /// [`Context::snapshot`] without story bodies (statements, criteria
    /// left empty), for commands that show fields only: `list`.
    pub fn snapshot_fields(&self) -> Result<Snapshot, CliError> {
        if self.at.is_some() {
            return self.snapshot();
        }
        self.said(crate::load::load_fields(&self.work_tree()?)?)
    }

    /// A snapshot checked usable, with its unread files named on stderr.
    fn said(&self, snapshot: Snapshot) -> Result<Snapshot, CliError> {
        usable(&snapshot)?;
        self.warn_unread(&snapshot);
        Ok(snapshot)
    }

    /// The snapshot for a command about the stories `ids` (`show`): read
    /// through the story cache, those stories in full, the others
    /// summarised (see `load::cache`). Like [`Context::snapshot`] otherwise.
    pub fn snapshot_of(&self, ids: &[&str]) -> Result<Snapshot, CliError> {
        if self.at.is_some() {
            return self.snapshot();
        }
        let tree = self.work_tree()?;
        let Some(file) = story_cache(&tree) else {
            return self.snapshot();
        };
        self.said(crate::load::cache::load(&tree, &file, ids, Purpose::Read)?.snapshot)
    }

    /// Names on stderr the files that could not be read, so a broken file
    /// never just vanishes from the output.
    fn warn_unread(&self, snapshot: &Snapshot) {
        let unread = snapshot.unread_files();
        if unread.is_empty() {
            return;
        }
        let mut text = format!(
            "warning: {} left out: {} could not be read",
            if unread.len() == 1 {
                "1 file is".to_string()
            } else {
                format!("{} files are", unread.len())
            },
            if unread.len() == 1 { "it" } else { "they" }
        );
        for f in &unread {
            text.push_str(&format!(
                "\n  {}:{}:{}: {}",
                f.location.path.display(),
                f.location.line,
                f.location.column,
                f.message
            ));
        }
        text.push_str("\n  help: `backlog check` shows each problem with its fix");
        self.note(&text);
    }

    /// The snapshot with nothing said about it: for `check`, whose report
    /// is exactly those findings.
    pub fn snapshot_as_is(&self) -> Result<Snapshot, CliError> {
        let Some(rev) = &self.at else {
            return Ok(crate::load::load(&self.work_tree()?)?);
        };
        let revisions = self.revisions(Some(rev))?;
        let commit = revisions.git.resolve(rev)?;
        revision::at(&revisions, commit)?.ok_or_else(|| {
            CliError::new(format!(
                "revision `{rev}` ({}) has no backlog folder at {}",
                commit.short(),
                revisions.display.display()
            ))
            .hint("check the revision, or name the folder with --dir PATH")
        })
    }

    /// The working tree and its snapshot, for commands that write: the
    /// backlog's write lock is taken first, so the snapshot is what this
    /// command's edits apply to, whatever else runs.
    pub fn open_tree(&self) -> Result<Opened, CliError> {
        let tree = self.work_tree()?;
        let lock = WriteLock::acquire(tree.root(), tree.display_root(), self.lock_wait)?;
        let snapshot = crate::load::load(&tree)?;
        Opened::new(tree, lock, snapshot, Summaries::default(), false)
    }

    /// [`Context::open_tree`] for an edit of the stories `ids` (`set`,
    /// `status`, a `rank` move, `new`): read through the story cache, those
    /// stories in full and the others summarised, unless a rule that reads
    /// every story's text is an error (then every file is read).
    pub fn open_tree_of(&self, ids: &[&str]) -> Result<Opened, CliError> {
        let tree = self.work_tree()?;
        let lock = WriteLock::acquire(tree.root(), tree.display_root(), self.lock_wait)?;
        let (snapshot, summaries) = for_edit_of(&tree, ids)?;
        Opened::new(tree, lock, snapshot, summaries, false)
    }

    /// [`Context::open_tree_of`] for an edit of story `id` alone (`set`,
    /// `status`): its snapshot holds that story, the settings and the
    /// sprints, and no other story is read (`load::one_story::one_story`),
    /// until the guard finds the edit to be one a rule across stories sees
    /// ([`Opened::new_errors`]). Where the story cannot be found alone, as
    /// [`Context::open_tree_of`].
    pub fn open_story(&self, id: &str) -> Result<Opened, CliError> {
        let tree = self.work_tree()?;
        let lock = WriteLock::acquire(tree.root(), tree.display_root(), self.lock_wait)?;
        let alone = match story_cache(&tree) {
            Some(cache) => crate::load::one_story::one_story(&tree, &cache, id)?,
            None => None,
        };
        let (snapshot, summaries, alone) = match alone {
            Some(snapshot) => (snapshot, Summaries::default(), true),
            None => {
                let (snapshot, summaries) = for_edit_of(&tree, &[id])?;
                (snapshot, summaries, false)
            }
        };
        Opened::new(tree, lock, snapshot, summaries, alone)
    }
}

/// The snapshot of [`Context::open_tree_of`], loaded under the lock.
fn for_edit_of(tree: &WorkTree, ids: &[&str]) -> Result<(Snapshot, Summaries), CliError> {
    if let Some(file) = story_cache(tree) {
        let Light {
            snapshot,
            summaries,
        } = crate::load::cache::load(tree, &file, ids, Purpose::Edit)?;
        if summaries.is_empty() || !crate::check::reads_every_text(&snapshot.config) {
            return Ok((snapshot, summaries));
        }
    }
    Ok((crate::load::load(tree)?, Summaries::default()))
}

/// The story cache's file for the backlog in `tree`: in the git directory
/// of the repository it is in. None outside a repository, or off Unix (the
/// cache's key needs the change time and inode, which only Unix gives), or
/// where the folder's place in the repository cannot be told: then the
/// command reads every file, as it always may.
fn story_cache(tree: &WorkTree) -> Option<std::path::PathBuf> {
    if !cfg!(unix) {
        return None;
    }
    let git = crate::git::Git::discover(tree.root()).ok()?;
    let root = tree.root().canonicalize().ok()?;
    let rel = root.strip_prefix(git.work_dir()).ok()?;
    Some(crate::load::cache::file_for(git.git_dir(), rel))
}

/// Refuses a snapshot whose backlog.yaml does not parse: its workflow,
/// done statuses and scoring model would silently be the defaults.
fn usable(snapshot: &Snapshot) -> Result<(), CliError> {
    if !snapshot.config.unreadable {
        return Ok(());
    }
    let findings: Vec<_> = snapshot
        .load_findings
        .iter()
        .filter(|f| {
            f.location
                .path
                .file_name()
                .is_some_and(|n| n == "backlog.yaml")
        })
        .cloned()
        .collect();
    let mut text = Vec::new();
    let _ = crate::render::diagnostics::human_findings(&mut text, &findings);
    let text = String::from_utf8_lossy(&text);
    Err(CliError::new(format!(
        "backlog.yaml does not parse, so the workflow, done statuses and scoring model are unknown:\n\n{}",
        text.trim_end()
    ))
    .hint("fix backlog.yaml (see the finding above), then run the command again"))
}

/// A loaded working tree, for commands that write; the write lock is held
/// as long as this lives.
pub struct Opened {
    pub tree: WorkTree,
    /// Never freed: the process ends after the command, and freeing
    /// 10,000 stories one by one was a twentieth of an edit's time.
    pub snapshot: std::mem::ManuallyDrop<Snapshot>,
    /// Stories of `snapshot` taken from the story cache, text unread:
    /// never written before [`Opened::complete`] reads them.
    summaries: Summaries,
    /// `snapshot` holds the one story an edit is of, and no other
    /// ([`Context::open_story`]).
    alone: bool,
    _lock: WriteLock,
}

impl Opened {
    /// The snapshot opened for an edit, refused if its settings do not parse.
    fn new(
        tree: WorkTree,
        lock: WriteLock,
        snapshot: Snapshot,
        summaries: Summaries,
        alone: bool,
    ) -> Result<Opened, CliError> {
        usable(&snapshot)?;
        Ok(Opened {
            tree,
            snapshot: std::mem::ManuallyDrop::new(snapshot),
            summaries,
            alone,
            _lock: lock,
        })
    }

    /// The story `id`, or an error that says why it cannot be edited.
    pub fn story(&self, id: &str) -> Result<&Story, CliError> {
        super::story(&self.snapshot, id)
    }

    /// When the snapshot holds the edited story alone and `texts` change
    /// what a rule across stories reads of it (`check::seen_across`), or
    /// would not read as a story, loads the backlog as
    /// [`Context::open_tree_of`] does, under the lock already held, and
    /// says so. What `set` and `status` plan reads nothing of other stories
    /// (a value naming them opens the whole backlog first), so their texts
    /// stand; only the guard needs the others.
    fn widen_if_seen(&mut self, texts: &[crate::edit::write::NewText]) -> Result<bool, CliError> {
        if !self.alone {
            return Ok(false);
        }
        let seen = texts.iter().any(|t| {
            let before = self
                .snapshot
                .stories
                .iter()
                .find(|s| s.doc.path == t.display);
            let after =
                crate::load::story_from_bytes(t.display.clone(), t.text.clone().into_bytes());
            match (before, after) {
                (Some(before), Some(after)) => {
                    crate::check::seen_across(&self.snapshot.config, before, &after)
                }
                _ => true,
            }
        });
        if !seen {
            return Ok(false);
        }
        let ids: Vec<String> = self
            .snapshot
            .stories
            .iter()
            .map(|s| s.id.to_string())
            .collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let (snapshot, summaries) = for_edit_of(&self.tree, &ids)?;
        usable(&snapshot)?;
        drop(std::mem::ManuallyDrop::into_inner(std::mem::replace(
            &mut self.snapshot,
            std::mem::ManuallyDrop::new(snapshot),
        )));
        self.summaries = summaries;
        self.alone = false;
        Ok(true)
    }

    /// Reads the stories `ids` in full where they are summaries (and if one
    /// disagrees with the cache, the whole backlog again: then true).
    fn complete(&mut self, ids: &[&str]) -> Result<bool, CliError> {
        Ok(self
            .summaries
            .complete(&mut self.snapshot, &self.tree, ids)?)
    }

    /// Plans an edit on stories read in full: `plan` runs on the snapshot,
    /// and the stories it would write or rests on (`touched`) are read in
    /// full. When they agree with their summaries the plan stands, so
    /// `plan` must read of other stories only what a summary holds (id,
    /// title, kind, status, rank, estimate, epic, sprint, links); when the
    /// cache was wrong and the whole backlog was read again, it runs again.
    pub fn plan_on_read<T>(
        &mut self,
        plan: impl Fn(&Snapshot) -> Result<T, CliError>,
        touched: impl Fn(&Snapshot, &T) -> Vec<String>,
    ) -> Result<T, CliError> {
        loop {
            let planned = plan(&self.snapshot)?;
            let ids = touched(&self.snapshot, &planned);
            let summarised: Vec<&str> = ids
                .iter()
                .map(String::as_str)
                .filter(|id| {
                    self.snapshot
                        .stories_with_id(id)
                        .iter()
                        .any(|s| self.summaries.contains(s))
                })
                .collect();
            if summarised.is_empty() {
                return Ok(planned);
            }
            if !self.complete(&summarised)? {
                return Ok(planned);
            }
        }
    }

    /// Writes rank changes: one line of one file per story, all or nothing.
    pub fn write_ranks(&self, changes: &[RankChange]) -> Result<(), CliError> {
        crate::edit::write::write_changes(&self.rank_files(changes)?)?;
        Ok(())
    }

    /// The texts of the files rank changes would write, for the guard.
    pub fn rank_texts(
        &self,
        changes: &[RankChange],
    ) -> Result<Vec<crate::edit::write::NewText>, CliError> {
        Ok(crate::edit::write::edited_texts(
            &self.rank_files(changes)?,
        )?)
    }

    fn rank_files(&self, changes: &[RankChange]) -> Result<Vec<FileChange>, CliError> {
        changes
            .iter()
            .map(|c| {
                let s = self.story(c.id.as_str())?;
                let edit = crate::edit::line::FieldEdit {
                    key: "rank".into(),
                    token: Some(c.new.to_string()),
                };
                Ok(FileChange::story(&self.tree, self.read(s)?, vec![edit]))
            })
            .collect()
    }

    /// `story`, which is about to be written: never a summary.
    pub fn read<'a>(&self, story: &'a Story) -> Result<&'a Story, CliError> {
        if self.summaries.contains(story) {
            return Err(CliError::internal(format!(
                "{} was to be written without being read",
                story.doc.path.display()
            )));
        }
        Ok(story)
    }

    /// Refuses texts that would add an error finding to the backlog, printing
    /// the findings (`--force` skips this).
    pub fn refuse_broken(&mut self, texts: &[crate::edit::write::NewText]) -> Result<(), CliError> {
        refusal(&self.new_errors(texts)?.0)
    }

    /// The error findings `texts` would add to the backlog
    /// (`plan::guard::new_errors`), each shown from its file, never from a
    /// summary of it; and whether the whole backlog was read again on the
    /// way (the cache was wrong, or the story opened alone turned out not
    /// to be enough: what was planned on it is planned again).
    pub fn new_errors(
        &mut self,
        texts: &[crate::edit::write::NewText],
    ) -> Result<(Vec<Finding>, bool), CliError> {
        let mut reread = self.widen_if_seen(texts)?;
        if !self.summaries.is_empty() {
            let consulted = crate::plan::guard::consulted(&self.snapshot, texts);
            let ids: Vec<&str> = consulted.iter().map(String::as_str).collect();
            reread |= self.complete(&ids)?;
        }
        // A refusal on a summarised story reads that story and runs again.
        loop {
            let summary = |s: &Story| self.summaries.contains(s);
            let broken =
                crate::plan::guard::new_errors(&mut self.snapshot, &self.tree, texts, &summary)?;
            let on_summaries: Vec<String> = self
                .snapshot
                .stories
                .iter()
                .filter(|s| summary(s) && broken.iter().any(|f| f.location.path == s.doc.path))
                .map(|s| s.id.to_string())
                .collect();
            if on_summaries.is_empty() {
                return Ok((broken, reread));
            }
            let ids: Vec<&str> = on_summaries.iter().map(String::as_str).collect();
            reread |= self.complete(&ids)?;
        }
    }
}

/// The refusal of a write that would add the error findings `broken`
/// (none: no refusal).
pub fn refusal(broken: &[Finding]) -> Result<(), CliError> {
    if broken.is_empty() {
        return Ok(());
    }
    let mut text = Vec::new();
    crate::render::diagnostics::human_findings(&mut text, broken)?;
    let text = String::from_utf8_lossy(&text);
    Err(CliError::new(format!(
        "the change would break {}, so nothing was written:\n\n{}",
        if broken.len() == 1 { "a rule" } else { "rules" },
        text.trim_end()
    ))
    .hint("do what the finding says first, or pass --force to write it anyway"))
}
