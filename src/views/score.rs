//! `score`: each open story's inputs and score under the configured model.

use serde::Serialize;

use crate::model::score::ScoringModel;
use crate::model::{Kind, Snapshot};

/// One story's scoring inputs and result.
#[derive(Clone, Debug, Serialize)]
pub struct ScoreRow {
    pub position: usize,
    pub id: String,
    pub title: String,
    /// Each input of the model with its value as written (`None`: missing).
    pub inputs: Vec<(String, Option<String>)>,
    pub score: Option<f64>,
    /// Inputs the model needs and the story lacks; never read as zero.
    pub missing: Vec<String>,
}

/// Scores of the ranked stories (epics are not scored; finished stories
/// only with `all`).
pub fn scores(s: &Snapshot, model: &ScoringModel, all: bool) -> Vec<ScoreRow> {
    let inputs = model.inputs();
    s.ranked()
        .into_iter()
        .enumerate()
        .filter(|(_, x)| x.kind != Kind::Epic && (all || !s.config.is_done(&x.status)))
        .map(|(i, x)| {
            let (score, missing) = match model.score(x) {
                Ok(v) => (Some(v), Vec::new()),
                Err(m) => (None, m),
            };
            ScoreRow {
                position: i + 1,
                id: x.id.to_string(),
                title: x.title.clone(),
                inputs: inputs
                    .iter()
                    .map(|k| (k.clone(), model.input(x, k)))
                    .collect(),
                score,
                missing,
            }
        })
        .collect()
}
