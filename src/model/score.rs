//! Prioritisation models: a score per story from its `value:` inputs.
//!
//! A missing input is never read as zero: the score is withheld and the
//! missing fields are named, so a product owner sees what to fill in.

use crate::model::Story;

/// A model name that names no model.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("unknown scoring model `{0}`")]
    Unknown(String),
    #[error("the weighted model needs weights")]
    NoWeights,
}

impl ModelError {
    pub fn hint(&self) -> String {
        match self {
            ModelError::Unknown(_) => format!("use one of: {}", ScoringModel::NAMES.join(", ")),
            ModelError::NoWeights => {
                "configure `scoring: { model: weighted, weights: { business: 2, risk_reduction: 1 } }` in backlog.yaml".into()
            }
        }
    }
}

/// Story points as written: a finite number of zero or more. The one
/// reading of an estimate, for `set`, `new` and the loader's checks alike.
pub fn parse_points(text: &str) -> Option<f64> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
}

/// The scoring model configured under `scoring:` in backlog.yaml.
#[derive(Clone, Debug, PartialEq)]
pub enum ScoringModel {
    /// Weighted Shortest Job First: (business + time_criticality +
    /// risk_reduction) / job_size (job size falls back to `estimate`).
    Wsjf,
    /// reach × impact × confidence / effort (effort falls back to `estimate`).
    Rice,
    /// impact × confidence × ease.
    Ice,
    /// must (4), should (3), could (2), wont (1) from `value.moscow`.
    Moscow,
    /// business / effort (effort falls back to `estimate`).
    ValueEffort,
    /// Σ weight × value field.
    Weighted(Vec<(String, f64)>),
}

impl ScoringModel {
    pub const NAMES: [&'static str; 6] =
        ["wsjf", "rice", "ice", "moscow", "value_effort", "weighted"];

    /// The model called `name` (one of [`ScoringModel::NAMES`]); the
    /// weighted model takes `weights`, which must not be empty.
    pub fn named(
        name: &str,
        weights: Option<Vec<(String, f64)>>,
    ) -> Result<ScoringModel, ModelError> {
        Ok(match name {
            "wsjf" => ScoringModel::Wsjf,
            "rice" => ScoringModel::Rice,
            "ice" => ScoringModel::Ice,
            "moscow" => ScoringModel::Moscow,
            "value_effort" => ScoringModel::ValueEffort,
            "weighted" => match weights {
                Some(w) if !w.is_empty() => ScoringModel::Weighted(w),
                _ => return Err(ModelError::NoWeights),
            },
            other => return Err(ModelError::Unknown(other.to_string())),
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            ScoringModel::Wsjf => "wsjf",
            ScoringModel::Rice => "rice",
            ScoringModel::Ice => "ice",
            ScoringModel::Moscow => "moscow",
            ScoringModel::ValueEffort => "value_effort",
            ScoringModel::Weighted(_) => "weighted",
        }
    }

    /// The inputs the model reads, as `value.` keys (size falls back to estimate).
    pub fn inputs(&self) -> Vec<String> {
        let v: &[&str] = match self {
            ScoringModel::Wsjf => &["business", "time_criticality", "risk_reduction", "job_size"],
            ScoringModel::Rice => &["reach", "impact", "confidence", "effort"],
            ScoringModel::Ice => &["impact", "confidence", "ease"],
            ScoringModel::Moscow => &["moscow"],
            ScoringModel::ValueEffort => &["business", "effort"],
            ScoringModel::Weighted(w) => return w.iter().map(|(k, _)| k.clone()).collect(),
        };
        v.iter().map(|s| s.to_string()).collect()
    }

    /// One input of `story` as shown in tables (`5`, `must`, `3*` when the
    /// size comes from `estimate`).
    pub fn input(&self, story: &Story, key: &str) -> Option<String> {
        match story.value.get(key) {
            Some(crate::model::ValueField::Number(n)) => Some(format_score(*n)),
            Some(crate::model::ValueField::Text(t)) => Some(t.clone()),
            None if matches!(key, "job_size" | "effort")
                && !matches!(self, ScoringModel::Weighted(_)) =>
            {
                story.estimate.map(|e| format!("{}*", format_score(e)))
            }
            None => None,
        }
    }

    /// The formula in words, for headers.
    pub fn formula(&self) -> String {
        match self {
            ScoringModel::Wsjf => {
                "(business + time_criticality + risk_reduction) / job_size".into()
            }
            ScoringModel::Rice => "reach * impact * confidence / effort".into(),
            ScoringModel::Ice => "impact * confidence * ease".into(),
            ScoringModel::Moscow => "must 4, should 3, could 2, wont 1".into(),
            ScoringModel::ValueEffort => "business / effort".into(),
            ScoringModel::Weighted(w) => w
                .iter()
                .map(|(k, x)| format!("{} * {k}", format_score(*x)))
                .collect::<Vec<_>>()
                .join(" + "),
        }
    }

    /// The story's score, or the inputs it lacks.
    pub fn score(&self, story: &Story) -> Result<f64, Vec<String>> {
        let mut missing = Vec::new();
        let mut get = |key: &str| {
            let v = story.number(key);
            if v.is_none() {
                missing.push(format!("value.{key}"));
            }
            v.unwrap_or(0.0)
        };
        let size_or_estimate = |key: &str, missing: &mut Vec<String>| {
            story.number(key).or(story.estimate).or_else(|| {
                missing.push(format!("value.{key} (or estimate)"));
                None
            })
        };
        let result = match self {
            ScoringModel::Wsjf => {
                let cod = get("business") + get("time_criticality") + get("risk_reduction");
                size_or_estimate("job_size", &mut missing).map(|s| cod / s)
            }
            ScoringModel::Rice => {
                let p = get("reach") * get("impact") * get("confidence");
                size_or_estimate("effort", &mut missing).map(|e| p / e)
            }
            ScoringModel::Ice => Some(get("impact") * get("confidence") * get("ease")),
            ScoringModel::Moscow => match story.value.get("moscow") {
                Some(crate::model::ValueField::Text(t)) => moscow_bucket(t),
                _ => {
                    missing.push("value.moscow".into());
                    None
                }
            },
            ScoringModel::ValueEffort => {
                let v = get("business");
                size_or_estimate("effort", &mut missing).map(|e| v / e)
            }
            ScoringModel::Weighted(weights) => {
                Some(weights.iter().map(|(k, w)| w * get(k)).sum::<f64>())
            }
        };
        match result {
            Some(v) if missing.is_empty() && v.is_finite() => Ok(v),
            Some(_) if missing.is_empty() => Err(vec!["a non-zero divisor".into()]),
            _ => Err(missing),
        }
    }
}

/// MoSCoW bucket as a number, highest first.
pub fn moscow_bucket(text: &str) -> Option<f64> {
    match text.to_ascii_lowercase().as_str() {
        "must" => Some(4.0),
        "should" => Some(3.0),
        "could" => Some(2.0),
        "wont" | "won't" => Some(1.0),
        _ => None,
    }
}

/// A score as shown in tables: at most two decimals, no trailing zeros.
pub fn format_score(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}
