//! The history index: computed events kept under the repository's git
//! directory (`.git/backlog/`), keyed by the tip commit, so a second `log`
//! is instant. When new commits arrive on top of the indexed tip, only they
//! are processed and the index is extended. The index is a cache: a missing,
//! stale or unreadable one is rebuilt, and nothing depends on it for
//! correctness.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::git::{CommitInfo, Git, GitError, Oid};
use crate::history::{build, build_walked, Event, History, Options, Subject};

const VERSION: u32 = 3;

/// An index in memory: the history up to `tip` (of the folder and walk
/// its file is named for).
struct Index {
    tip: Oid,
    history: History,
}

/// The index file's first line. Then one line of commits, then the events
/// in lines of [`EVENTS_PER_LINE`]: each line is a JSON document of its
/// own (JSON writes no raw line break), so the lines are read on every
/// core. A warm `log ID` on a history of 27,000 events read one 5.6 MB
/// document on one core (35 ms).
#[derive(Serialize, Deserialize)]
struct Head {
    version: u32,
    /// The tool version that wrote it: event rules may change between versions.
    tool: String,
    rel: PathBuf,
    all_parents: bool,
    tip: Oid,
    /// How many commits and events follow: a line taken out is noticed.
    commits: usize,
    events: usize,
}

const EVENTS_PER_LINE: usize = 1024;

fn index_path(git: &Git, rel: &Path, opts: &Options) -> PathBuf {
    index_path_of(git, rel, opts, VERSION)
}

/// Where the index of format `version` lives: an index of an older format
/// is removed when one is written, so none is left behind.
fn index_path_of(git: &Git, rel: &Path, opts: &Options, version: u32) -> PathBuf {
    let name: String = rel
        .to_string_lossy()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let mode = if opts.all_parents { "all" } else { "first" };
    git.git_dir()
        .join("backlog")
        .join(format!("history-v{version}-{name}-{mode}.json"))
}

/// Removes the indexes of older formats of this folder, of both walks.
fn remove_older(git: &Git, rel: &Path) {
    for all_parents in [false, true] {
        let opts = Options { all_parents };
        for version in 1..VERSION {
            let _ = std::fs::remove_file(index_path_of(git, rel, &opts, version));
        }
    }
}

/// Which events a command wants of the history: those about the subjects
/// the predicate keeps.
pub type Wanted<'a> = &'a (dyn Fn(&Subject) -> bool + Sync);

/// An event as the index holds it, its change not decoded: a command about
/// one story decodes only that story's changes (decoding every change was
/// most of a warm `log ID` on a history of 49,000 events).
#[derive(Deserialize)]
struct Undecoded<'a> {
    commit: usize,
    subject: Subject,
    #[serde(borrow)]
    change: &'a serde_json::value::RawValue,
}

/// The index at `path`; with `about`, when it is the index of that tip, only
/// the events `wanted` keeps (every event is still read, counted and its commit checked).
fn read(path: &Path, rel: &Path, opts: &Options, about: Option<(Oid, Wanted)>) -> Option<Index> {
    use rayon::prelude::*;
    // A plain file only: a FIFO put in its place would hold the command.
    let bytes = crate::source::read_plain(path, u64::MAX).ok()??;
    let mut lines = bytes.split(|&b| b == b'\n');
    let head: Head = serde_json::from_slice(lines.next()?).ok()?;
    let usable = head.version == VERSION
        && head.tool == env!("CARGO_PKG_VERSION")
        && head.rel == rel
        && head.all_parents == opts.all_parents;
    if !usable {
        return None;
    }
    // An index of another tip is extended and written again: all of it.
    let wanted = about.and_then(|(tip, wanted)| (tip == head.tip).then_some(wanted));
    let commits = lines.next()?;
    let chunks: Vec<&[u8]> = lines.filter(|l| !l.is_empty()).collect();
    // Each line's events kept, how many it held, and the commits of its
    // first and last event where they are in order (else the line is not
    // used): every event's commit is checked, not only those kept. A change
    // is decoded only for the events kept: one that does not decode is
    // noticed by the next command that decodes it (a whole `log`), which
    // rebuilds the index.
    type Line = (Vec<Event>, usize, Option<(usize, usize)>);
    let line = |c: &&[u8]| -> Option<Line> {
        let Some(wanted) = wanted else {
            let events = serde_json::from_slice::<Vec<Event>>(c).ok()?;
            let span = events.first().zip(events.last());
            let span = span.map(|(a, b)| (a.commit, b.commit));
            let count = events.len();
            return Some((events, count, span));
        };
        let all = serde_json::from_slice::<Vec<Undecoded>>(c).ok()?;
        if !all.windows(2).all(|w| w[0].commit <= w[1].commit) {
            return None;
        }
        let span = all
            .first()
            .zip(all.last())
            .map(|(a, b)| (a.commit, b.commit));
        let kept = all
            .iter()
            .filter(|e| wanted(&e.subject))
            .map(|e| {
                Some(Event {
                    commit: e.commit,
                    subject: e.subject.clone(),
                    change: serde_json::from_str(e.change.get()).ok()?,
                })
            })
            .collect::<Option<Vec<Event>>>()?;
        Some((kept, all.len(), span))
    };
    let (commits, chunks) = rayon::join(
        || serde_json::from_slice::<Vec<CommitInfo>>(commits).ok(),
        || chunks.par_iter().map(line).collect::<Vec<_>>(),
    );
    // Sized by the events read, never by the head's count: a file anyone can
    // edit said 10^17, and reserving that ended the run.
    let kept: usize = chunks.iter().flatten().map(|(kept, _, _)| kept.len()).sum();
    let mut events = Vec::with_capacity(kept);
    let (mut count, mut last) = (0, 0);
    for chunk in chunks {
        let (kept, held, span) = chunk?;
        if let Some((first, end)) = span {
            if first < last {
                return None;
            }
            last = end;
        }
        events.extend(kept);
        count += held;
    }
    let history = History {
        commits: commits?,
        events,
    };
    let in_range = count == 0 || last < history.commits.len();
    (history.commits.len() == head.commits
        && count == head.events
        && in_range
        && history.is_consistent())
    .then_some(Index {
        tip: head.tip,
        history,
    })
}

fn write(path: &Path, rel: &Path, opts: &Options, index: &Index) {
    use rayon::prelude::*;
    // A cache that cannot be written is only a slower next run.
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let head = Head {
        version: VERSION,
        tool: env!("CARGO_PKG_VERSION").to_string(),
        rel: rel.to_path_buf(),
        all_parents: opts.all_parents,
        tip: index.tip,
        commits: index.history.commits.len(),
        events: index.history.events.len(),
    };
    // The lines written on every core, then joined.
    let lines: Vec<Option<Vec<u8>>> = rayon::iter::once(json_line(&head))
        .chain(rayon::iter::once(json_line(&index.history.commits)))
        .chain(
            index
                .history
                .events
                .par_chunks(EVENTS_PER_LINE)
                .map(json_line),
        )
        .collect();
    let lines: Option<Vec<Vec<u8>>> = lines.into_iter().collect();
    // Not synced: a torn or empty index fails its counts and is built
    // again (the sync was most of the time of writing it).
    if let Some(lines) = lines {
        let _ = crate::edit::atomic::write_rebuildable(path, &lines.concat());
    }
}

/// `value` as one line of JSON; `None` when it cannot be written.
fn json_line(value: impl Serialize) -> Option<Vec<u8>> {
    let mut line = serde_json::to_vec(&value).ok()?;
    line.push(b'\n');
    Some(line)
}

/// The history of everything reachable from `tip`, from the index when it
/// covers it, extending or rebuilding the index as needed.
pub fn history_to(git: &Git, rel: &Path, tip: Oid, opts: &Options) -> Result<History, GitError> {
    history_where(git, rel, tip, opts, None)
}

/// [`history_to`] with only the events about the subjects `wanted` keeps
/// (every commit is kept): from an index of `tip`, the other events' changes
/// are not decoded.
pub fn history_about(
    git: &Git,
    rel: &Path,
    tip: Oid,
    opts: &Options,
    wanted: Wanted,
) -> Result<History, GitError> {
    let mut history = history_where(git, rel, tip, opts, Some(wanted))?;
    // Read whole where the index was extended or built.
    history.events.retain(|e| wanted(&e.subject));
    Ok(history)
}

fn history_where(
    git: &Git,
    rel: &Path,
    tip: Oid,
    opts: &Options,
    wanted: Option<Wanted>,
) -> Result<History, GitError> {
    let path = index_path(git, rel, opts);
    if let Some(mut index) = read(&path, rel, opts, wanted.map(|w| (tip, w))) {
        if index.tip == tip {
            return Ok(index.history);
        }
        // New commits on top of the indexed tip: process only them.
        let new = git.walk_commits(&[tip], &[index.tip], !opts.all_parents)?;
        let on_top = new
            .last()
            .is_some_and(|oldest| oldest.parents.first() == Some(&index.tip));
        if on_top {
            let more = build_walked(git, rel, new, opts)?;
            let offset = index.history.commits.len();
            index.history.commits.extend(more.commits);
            index
                .history
                .events
                .extend(more.events.into_iter().map(|mut e| {
                    e.commit += offset;
                    e
                }));
            index.tip = tip;
            write(&path, rel, opts, &index);
            return Ok(index.history);
        }
    }
    let history = build(git, rel, &[tip], &[], opts)?;
    let index = Index { tip, history };
    write(&path, rel, opts, &index);
    remove_older(git, rel);
    Ok(index.history)
}
