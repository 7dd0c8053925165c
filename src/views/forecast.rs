//! `forecast`: when each open story, and each goal, is likely done, as a
//! range. Sprint by sprint, a velocity is drawn from the past ones (a Monte
//! Carlo with a fixed seed, so the same backlog gives the same forecast);
//! a story is done in the sprint where the drawn velocities first cover the
//! points ranked above it and its own. The 50% and 85% marks are the
//! sprints by which half and 85 in 100 of the runs had it done.

use serde::Serialize;

use crate::model::date::Date;
use crate::model::{Kind, Snapshot};
use crate::views::velocity::{in_date_order, velocity};

/// Runs of the simulation.
const RUNS: usize = 2000;
/// Sprint length when no sprint says otherwise.
const DEFAULT_SPRINT_DAYS: i64 = 14;

/// Why there is no forecast.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ForecastError {
    #[error("no reviewed sprint with accepted points to take a velocity from")]
    NoVelocity,
}

/// By when, as sprints from now and as that sprint's last day.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Likely {
    pub sprints: usize,
    pub by: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StoryForecast {
    pub id: String,
    pub title: String,
    pub position: usize,
    pub points: Option<f64>,
    /// Points of the open stories up to and including this one.
    pub cumulative: f64,
    pub p50: Likely,
    pub p85: Likely,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GoalForecast {
    pub id: String,
    pub title: String,
    pub open_stories: usize,
    /// By when its last open story is likely done (`None`: nothing open).
    pub p50: Option<Likely>,
    pub p85: Option<Likely>,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Forecast {
    /// The velocities drawn from (or the one given).
    pub velocities: Vec<f64>,
    pub sprint_days: i64,
    pub stories: Vec<StoryForecast>,
    pub goals: Vec<GoalForecast>,
    /// Open stories without an estimate: counted as 0 points, named here.
    pub unestimated: Vec<String>,
}

/// A small, fixed-seed generator: forecasts must not change between runs.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// The forecast of `s`: from the last `last` reviewed sprints' accepted
/// points, or from one fixed `velocity`. Sprint 1 is the running sprint
/// when `today` falls in the latest one, else the one after it.
pub fn forecast(
    s: &Snapshot,
    last: Option<usize>,
    fixed: Option<f64>,
    today: Date,
) -> Result<Forecast, ForecastError> {
    let velocities: Vec<f64> = match fixed {
        Some(v) => vec![v],
        None => velocity(s, last).iter().map(|v| v.accepted).collect(),
    };
    if velocities.iter().all(|v| *v <= 0.0) {
        return Err(ForecastError::NoVelocity);
    }
    // Sprint k (1-based) ends `k` sprint lengths after the base day.
    // Sprint 1 is the sprint running today (not closed), else the next one
    // to start, else one starting today. Its length, rounded up to whole
    // weeks (a Monday-to-Friday sprint repeats every 14 days), is the cadence.
    let ordered = in_date_order(s);
    let dated = |sp: &&crate::model::Sprint| sp.start.zip(sp.end);
    let first = ordered
        .iter()
        .filter(|sp| sp.closed.is_none())
        .filter_map(|sp| dated(sp).map(|d| (sp, d)))
        .find(|(_, (start, end))| *start <= today && today <= *end)
        .or_else(|| {
            ordered
                .iter()
                .filter_map(|sp| dated(sp).map(|d| (sp, d)))
                .find(|(_, (start, _))| *start > today)
        });
    let length = |start: Date, end: Date| (end.days() - start.days() + 1).max(1);
    let weeks = |days: i64| ((days + 6) / 7) * 7;
    let (sprint_days, base) = match first {
        Some((_, (start, end))) => {
            let cadence = weeks(length(start, end));
            (cadence, end.days() - cadence)
        }
        None => {
            let cadence = ordered
                .last()
                .and_then(dated)
                .map_or(DEFAULT_SPRINT_DAYS, |(a, b)| weeks(length(a, b)));
            (cadence, today.days() - 1)
        }
    };
    let by = |k: usize| Some(Date::from_days(base + k as i64 * sprint_days).to_string());

    let open: Vec<_> = s
        .ranked()
        .into_iter()
        .enumerate()
        .filter(|(_, x)| x.kind != Kind::Epic && !s.config.is_done(&x.status))
        .collect();
    let mut cumulative = Vec::with_capacity(open.len());
    let mut total = 0.0;
    for (_, x) in &open {
        total += x.estimate.unwrap_or(0.0);
        cumulative.push(total);
    }
    // For each run, the sprint in which each story is done.
    let mut done_in: Vec<Vec<usize>> = vec![Vec::with_capacity(RUNS); open.len()];
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let runs = if velocities.len() == 1 { 1 } else { RUNS };
    for _ in 0..runs {
        let mut covered = 0.0;
        let mut sprint = 0;
        for (i, c) in cumulative.iter().enumerate() {
            while covered + 1e-9 < *c {
                let v = velocities[(rng.next() % velocities.len() as u64) as usize];
                covered += v;
                sprint += 1;
                if sprint > 10_000 {
                    break;
                }
            }
            done_in[i].push(sprint.max(1));
        }
    }
    let mark = |runs: &mut Vec<usize>, q: f64| {
        runs.sort_unstable();
        let k = runs[((runs.len() as f64 * q).ceil() as usize).clamp(1, runs.len()) - 1];
        Likely {
            sprints: k,
            by: by(k),
        }
    };
    let mut stories = Vec::with_capacity(open.len());
    for ((i, x), (c, mut runs)) in open.iter().zip(cumulative.iter().zip(done_in)) {
        stories.push(StoryForecast {
            id: x.id.to_string(),
            title: x.title.clone(),
            position: i + 1,
            points: x.estimate,
            cumulative: *c,
            p50: mark(&mut runs, 0.5),
            p85: mark(&mut runs, 0.85),
        });
    }
    let goals = s
        .config
        .goals
        .iter()
        .map(|g| {
            let mine: Vec<&StoryForecast> = stories
                .iter()
                .zip(&open)
                .filter(|(_, (_, x))| x.goal.as_deref() == Some(g.id.as_str()))
                .map(|(f, _)| f)
                .collect();
            let latest = |pick: fn(&StoryForecast) -> &Likely| {
                mine.iter()
                    .map(|f| pick(f))
                    .max_by_key(|l| l.sprints)
                    .cloned()
            };
            GoalForecast {
                id: g.id.clone(),
                title: g.title.clone(),
                open_stories: mine.len(),
                p50: latest(|f| &f.p50),
                p85: latest(|f| &f.p85),
            }
        })
        .collect();
    let unestimated = open
        .iter()
        .filter(|(_, x)| x.estimate.is_none())
        .map(|(_, x)| x.id.to_string())
        .collect();
    Ok(Forecast {
        velocities,
        sprint_days,
        stories,
        goals,
        unestimated,
    })
}
