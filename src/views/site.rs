//! `render`: everything the static site shows, gathered once from a
//! snapshot and (when the backlog is in git) its history up to the same
//! revision. Each page's data comes from the existing views (list, show,
//! goals, sprint report, velocity, forecast, stakeholders, decisions); this
//! module only picks and groups. The history is read once: every story's
//! timeline comes from one pass over its events, never one pass per story.

use std::collections::HashMap;

use crate::compare::changes::Change;
use crate::history::{History, Subject};
use crate::model::date::Date;
use crate::model::{Kind, Snapshot, Sprint, Story};
use crate::views::forecast::{forecast, Forecast};
use crate::views::goals::{goals, Goals};
use crate::views::history::{date_of, decisions, DecisionEntry};
use crate::views::list::{row, Row};
use crate::views::show::{link, view_at, Link, StoryView};
use crate::views::sprint_report::{sprint_report, SprintReport};
use crate::views::stakeholders::{stakeholders, Stakeholder};
use crate::views::velocity::{in_date_order, velocity, SprintVelocity};

/// How many stories the priority-drift table lists at most.
pub const DRIFT_ROWS: usize = 25;

/// The commit a site was rendered from.
#[derive(Clone, Debug)]
pub struct Origin {
    pub commit: String,
    pub date: String,
}

/// One entry of a story's timeline: a change with its commit.
#[derive(Clone, Debug)]
pub struct TimelineEntry<'h> {
    pub commit: String,
    pub date: String,
    pub author: &'h str,
    pub summary: &'h str,
    /// The sprint, for a review decision (recorded in the sprint's file).
    pub sprint: Option<String>,
    pub change: &'h Change,
}

/// One story's page.
#[derive(Clone, Debug)]
pub struct StoryPage<'a> {
    pub view: StoryView<'a>,
    /// Every story it depends on, done or not, in the order written.
    pub dependencies: Vec<Link>,
    /// Every story that depends on it, in rank order.
    pub dependents: Vec<Link>,
    /// The Markdown body as written (rendered sanitised).
    pub body: &'a str,
    /// Oldest first.
    pub timeline: Vec<TimelineEntry<'a>>,
}

/// One sprint's page.
#[derive(Clone, Debug)]
pub struct SprintPage<'a> {
    pub sprint: &'a Sprint,
    pub report: SprintReport,
    /// The free notes below the front matter.
    pub notes: &'a str,
}

/// A board: the stories of each workflow status (of one sprint, or all).
#[derive(Clone, Debug)]
pub struct Board {
    pub sprint: Option<String>,
    pub columns: Vec<Column>,
}

#[derive(Clone, Debug)]
pub struct Column {
    pub status: String,
    pub wip_limit: Option<u32>,
    /// Indexes into [`Site::rows`], in rank order.
    pub stories: Vec<usize>,
}

/// A story whose place in the ranked backlog differs from its place in
/// score order.
#[derive(Clone, Debug, PartialEq)]
pub struct DriftRow {
    pub position: usize,
    pub id: String,
    pub title: String,
    pub score: f64,
    /// 1-based place among the scored open stories, by rank.
    pub rank_place: usize,
    /// 1-based place among the same stories, by score (highest first; equal
    /// scores keep their rank order).
    pub score_place: usize,
    /// `rank_place - score_place`: positive means ranked lower than its
    /// score says, negative ranked higher.
    pub drift: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Drift {
    pub model: Option<&'static str>,
    /// Open, non-epic stories with a score.
    pub scored: usize,
    /// The largest drifts first (ties in rank order), at most [`DRIFT_ROWS`].
    pub rows: Vec<DriftRow>,
}

/// A stakeholder's page: the stakeholders view, with each open story's forecast.
#[derive(Clone, Debug)]
pub struct StakeholderPage {
    pub stakeholder: Stakeholder,
    /// For each of `stakeholder.open`, by index: its row in the forecast.
    pub forecast: Vec<Option<usize>>,
}

/// Everything the site shows.
#[derive(Clone, Debug)]
pub struct Site<'a> {
    pub goals: Goals,
    /// The whole ranked backlog.
    pub rows: Vec<Row<'a>>,
    pub stories: Vec<StoryPage<'a>>,
    /// In date order.
    pub sprints: Vec<SprintPage<'a>>,
    /// The sprint running on `today`, else the next one to start.
    pub current_sprint: Option<usize>,
    /// All stories, then one board per sprint (in date order).
    pub boards: Vec<Board>,
    pub velocity: Vec<SprintVelocity>,
    pub forecast: Result<Forecast, String>,
    /// Every review decision and feedback item, newest first.
    pub decisions: Vec<DecisionEntry<'a>>,
    pub stakeholders: Vec<StakeholderPage>,
    pub drift: Drift,
    /// Whether a git history was read (timelines, decisions, burndowns).
    pub has_history: bool,
    pub origin: Option<Origin>,
    pub today: Date,
}

/// The site of `s`, with `history` up to the same revision when there is one.
pub fn site<'a>(s: &'a Snapshot, history: Option<&'a History>, today: Date) -> Site<'a> {
    let ranked = s.ranked();
    let rows: Vec<Row> = ranked
        .iter()
        .enumerate()
        .map(|(i, x)| row(s, x, i + 1))
        .collect();

    // Who depends on whom and whose epic is whom, looked up once.
    let mut dependents: HashMap<&str, Vec<&Story>> = HashMap::new();
    let mut children: HashMap<&str, Vec<&Story>> = HashMap::new();
    for x in &ranked {
        for d in &x.depends_on {
            dependents.entry(d.as_str()).or_default().push(x);
        }
        if let Some(e) = &x.epic {
            children.entry(e.as_str()).or_default().push(x);
        }
    }
    let mut timelines = timelines(history);
    let stories = ranked
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let id = x.id.as_str();
            let deps = dependents.get(id).cloned().unwrap_or_default();
            StoryPage {
                dependencies: x
                    .depends_on
                    .iter()
                    .filter_map(|d| s.story(d.as_str()))
                    .map(link)
                    .collect(),
                dependents: deps.iter().map(|d| link(d)).collect(),
                view: view_at(
                    s,
                    x,
                    i + 1,
                    ranked.len(),
                    deps,
                    children.get(id).cloned().unwrap_or_default(),
                ),
                body: crate::syntax::document::split(&x.doc.text)
                    .map(|fm| fm.body)
                    .unwrap_or(""),
                timeline: timelines.remove(id).unwrap_or_default(),
            }
        })
        .collect();

    let ordered = in_date_order(s);
    let sprints: Vec<SprintPage> = ordered
        .iter()
        .filter_map(|sp| {
            Some(SprintPage {
                sprint: sp,
                report: sprint_report(s, &sp.id, history, today)?,
                notes: crate::syntax::document::split(&sp.doc.text)
                    .map(|fm| fm.body)
                    .unwrap_or(""),
            })
        })
        .collect();
    let current_sprint = sprints
        .iter()
        .position(|p| p.sprint.is_running(today))
        .or_else(|| {
            sprints.iter().position(|p| {
                p.sprint.closed.is_none() && p.sprint.start.is_some_and(|d| d > today)
            })
        });

    let board = |sprint: Option<&str>| Board {
        sprint: sprint.map(str::to_string),
        columns: s
            .config
            .statuses
            .iter()
            .map(|status| Column {
                status: status.clone(),
                wip_limit: s
                    .config
                    .wip_limits
                    .iter()
                    .find(|(st, _)| st == status)
                    .map(|(_, n)| *n),
                stories: rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| {
                        r.status == status && sprint.is_none_or(|sp| r.sprint == Some(sp))
                    })
                    .map(|(i, _)| i)
                    .collect(),
            })
            .collect(),
    };
    let mut boards = vec![board(None)];
    boards.extend(sprints.iter().map(|p| board(Some(&p.sprint.id))));

    let forecast = forecast(s, None, None, today).map_err(|e| e.to_string());
    let forecast_row: HashMap<&str, usize> = match &forecast {
        Ok(f) => f
            .stories
            .iter()
            .enumerate()
            .map(|(i, x)| (x.id.as_str(), i))
            .collect(),
        Err(_) => HashMap::new(),
    };
    let stakeholders = stakeholders(s, None)
        .into_iter()
        .map(|st| StakeholderPage {
            forecast: st
                .open
                .iter()
                .map(|x| forecast_row.get(x.id.as_str()).copied())
                .collect(),
            stakeholder: st,
        })
        .collect();

    let mut all_decisions = history.map(|h| decisions(h, None)).unwrap_or_default();
    all_decisions.reverse();
    Site {
        goals: goals(s),
        drift: drift(s, &ranked),
        rows,
        stories,
        sprints,
        current_sprint,
        boards,
        velocity: velocity(s, None),
        forecast,
        decisions: all_decisions,
        stakeholders,
        has_history: history.is_some(),
        origin: history.and_then(|h| h.commits.last()).map(|c| Origin {
            commit: c.id.short(),
            date: date_of(c).to_string(),
        }),
        today,
    }
}

/// Every story's timeline, from one pass over the history: its own events,
/// and the review decisions taken on it (events of a sprint file).
fn timelines(history: Option<&History>) -> HashMap<&str, Vec<TimelineEntry<'_>>> {
    let mut out: HashMap<&str, Vec<TimelineEntry>> = HashMap::new();
    let Some(h) = history else {
        return out;
    };
    for e in &h.events {
        let (story, sprint) = match (&e.subject, &e.change) {
            (Subject::Story(id), _) => (id.as_str(), None),
            (
                Subject::Sprint(sp),
                Change::DecisionRecorded { story, .. }
                | Change::DecisionChanged { story, .. }
                | Change::DecisionRemoved { story, .. },
            ) => (story.as_str(), Some(sp.clone())),
            _ => continue,
        };
        let c = &h.commits[e.commit];
        out.entry(story).or_default().push(TimelineEntry {
            commit: c.id.short(),
            date: date_of(c).to_string(),
            author: &c.author,
            summary: &c.summary,
            sprint,
            change: &e.change,
        });
    }
    out
}

/// The priority drift: each open, non-epic, scored story's place by rank
/// against its place by score, largest differences first.
pub fn drift(s: &Snapshot, ranked: &[&Story]) -> Drift {
    let Some(model) = s.config.scoring.as_ref() else {
        return Drift {
            model: None,
            scored: 0,
            rows: Vec::new(),
        };
    };
    // (position in the backlog, story, score), in rank order.
    let scored: Vec<(usize, &Story, f64)> = ranked
        .iter()
        .enumerate()
        .filter(|(_, x)| x.kind != Kind::Epic && !s.config.is_done(&x.status))
        .filter_map(|(i, x)| model.score(x).ok().map(|v| (i + 1, *x, v)))
        .filter(|(_, _, v)| v.is_finite())
        .collect();
    let mut by_score: Vec<usize> = (0..scored.len()).collect();
    // Stable: equal scores keep their rank order, so a tie is no drift.
    by_score.sort_by(|a, b| scored[*b].2.total_cmp(&scored[*a].2));
    let mut score_place = vec![0; scored.len()];
    for (place, i) in by_score.into_iter().enumerate() {
        score_place[i] = place + 1;
    }
    let mut rows: Vec<DriftRow> = scored
        .iter()
        .enumerate()
        .map(|(i, (position, x, score))| DriftRow {
            position: *position,
            id: x.id.to_string(),
            title: x.title.clone(),
            score: *score,
            rank_place: i + 1,
            score_place: score_place[i],
            drift: (i + 1) as i64 - score_place[i] as i64,
        })
        .filter(|r| r.drift != 0)
        .collect();
    rows.sort_by_key(|r| (std::cmp::Reverse(r.drift.unsigned_abs()), r.rank_place));
    rows.truncate(DRIFT_ROWS);
    Drift {
        model: Some(model.name()),
        scored: scored.len(),
        rows,
    }
}
