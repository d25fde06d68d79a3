//! `docsift eval sentiment`: document sentiment scored on VADER's
//! human-rated sets (`NAME_GroundTruth.txt`: `id<TAB>mean rating -4..4<TAB>text`).
//!
//! Each snippet is analysed as one document by [`crate::analysis::analyze`]
//! with only sentiment on (the call the service makes), and its
//! document-level score (−1..1) is paired with the mean human rating. The
//! metric is Pearson's r per set. Another tool's scores can be read from a
//! JSON-lines file (`{"set": "NAME", "id": "...", "score": 0.3}`) and are
//! then scored by this same code; a snippet missing from it scores 0.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::analysis::{self, Features, Input};

/// The suffix of a set's file name.
const SUFFIX: &str = "_GroundTruth.txt";

/// Pearson's correlation coefficient of paired values (0 when fewer than two
/// pairs or when either side is constant).
pub fn pearson(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len().min(ys.len());
    if n < 2 {
        return 0.0;
    }
    let mx = xs.iter().take(n).sum::<f64>() / n as f64;
    let my = ys.iter().take(n).sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys).take(n) {
        let (dx, dy) = (x - mx, y - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// One rated snippet.
#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    /// Its id in the set.
    pub id: String,
    /// The mean human rating, −4..4.
    pub rating: f64,
    /// The text.
    pub text: String,
}

/// Parses a `*_GroundTruth.txt` file; lines that do not parse are skipped.
pub fn parse(text: &str) -> Vec<Snippet> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, '\t');
            let id = parts.next()?.trim();
            let rating = parts.next()?.trim().parse::<f64>().ok()?;
            let text = parts.next()?.trim();
            (!id.is_empty()).then(|| Snippet {
                id: id.to_string(),
                rating,
                text: text.to_string(),
            })
        })
        .collect()
}

/// docsift's document sentiment score of a text, as the service finds it.
pub fn predict(text: &str) -> f32 {
    let mut features = Features::none();
    features.sentiment = true;
    let a = analysis::analyze(&Input {
        text,
        title: None,
        language_hint: None,
        reference_date: chrono::NaiveDate::from_ymd_opt(2014, 1, 1).unwrap_or_default(),
        features,
        summary_sentences: 0,
    });
    a.sentiment.map_or(0.0, |s| s.score)
}

/// One line of a predictions file.
#[derive(Debug, Deserialize)]
struct PredictionLine {
    set: String,
    id: String,
    score: f64,
}

/// Reads a JSON-lines predictions file into (set, id) → score.
pub fn read_predictions(path: &Path) -> std::io::Result<BTreeMap<(String, String), f64>> {
    let lines: Vec<PredictionLine> = super::read_json_lines(path)?;
    Ok(lines
        .into_iter()
        .map(|p| ((p.set, p.id), p.score))
        .collect())
}

/// The figures of one set.
#[derive(Debug, Clone, Serialize)]
pub struct SetReport {
    /// The set's name (the file name without `_GroundTruth.txt`).
    pub set: String,
    /// Snippets scored.
    pub snippets: usize,
    /// Pearson's r between the score and the mean rating.
    pub pearson: f64,
    /// Share of snippets rated clearly positive or negative (|rating| ≥ 0.5)
    /// whose score has the same sign.
    pub sign_agreement: f64,
    /// Snippets analysed per second (docsift only; analysis calls alone).
    pub docs_per_s: Option<f64>,
}

/// The result of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The data directory.
    pub dir: String,
    /// Whose scores: "docsift" or the predictions file.
    pub system: String,
    /// One entry per set, in name order.
    pub sets: Vec<SetReport>,
}

impl Report {
    /// The report as a table.
    pub fn table(&self) -> String {
        let mut out = format!(
            "sets in {}, scores of {} (document score vs mean rating)\n\n{:<32} {:>8} {:>10} {:>8} {:>10}\n",
            self.dir, self.system, "set", "snippets", "pearson r", "sign", "docs/s"
        );
        for s in &self.sets {
            let speed = s
                .docs_per_s
                .map_or_else(|| "-".to_string(), |d| format!("{d:.0}"));
            out.push_str(&format!(
                "{:<32} {:>8} {:>10.4} {:>8.4} {:>10}\n",
                s.set, s.snippets, s.pearson, s.sign_agreement, speed
            ));
        }
        out
    }
}

/// The figures of paired scores and ratings.
fn set_report(set: String, scores: &[f64], ratings: &[f64], docs_per_s: Option<f64>) -> SetReport {
    let (mut polar, mut agree) = (0usize, 0usize);
    for (score, rating) in scores.iter().zip(ratings) {
        if rating.abs() >= 0.5 {
            polar += 1;
            if score.signum() == rating.signum() && *score != 0.0 {
                agree += 1;
            }
        }
    }
    SetReport {
        set,
        snippets: scores.len(),
        pearson: pearson(scores, ratings),
        sign_agreement: super::ratio(agree, polar),
        docs_per_s,
    }
}

/// The sets of `dir` (`*_GroundTruth.txt`), or only those named in `only`.
fn set_files(dir: &Path, only: &[String]) -> std::io::Result<Vec<(String, std::path::PathBuf)>> {
    let mut sets: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let set = name.strip_suffix(SUFFIX)?.to_string();
            (only.is_empty() || only.contains(&set)).then(|| (set, e.path()))
        })
        .collect();
    sets.sort();
    Ok(sets)
}

/// Scores the sets of `dir` (all, or those named in `only`): docsift's
/// document scores, or those of the predictions file.
pub fn evaluate(
    dir: &Path,
    only: &[String],
    predictions: Option<&Path>,
) -> std::io::Result<Report> {
    let external = predictions.map(read_predictions).transpose()?;
    analysis::warm_up();
    let mut sets = Vec::new();
    for (set, path) in set_files(dir, only)? {
        let snippets = parse(&String::from_utf8_lossy(&std::fs::read(&path)?));
        let mut spent = Duration::ZERO;
        let mut scores = Vec::with_capacity(snippets.len());
        for s in &snippets {
            let score = match &external {
                Some(map) => map
                    .get(&(set.clone(), s.id.clone()))
                    .copied()
                    .unwrap_or(0.0),
                None => {
                    let start = Instant::now();
                    let v = predict(&s.text);
                    spent += start.elapsed();
                    f64::from(v)
                }
            };
            scores.push(score);
        }
        let ratings: Vec<f64> = snippets.iter().map(|s| s.rating).collect();
        let speed = (external.is_none() && !spent.is_zero())
            .then(|| snippets.len() as f64 / spent.as_secs_f64());
        sets.push(set_report(set.clone(), &scores, &ratings, speed));
        // The news set's fifth that `docsift train sentiment` never sees:
        // the blind figure.
        if set == super::train_sentiment::NEWS_SET {
            let (held_scores, held_ratings): (Vec<f64>, Vec<f64>) = snippets
                .iter()
                .zip(scores.iter().zip(&ratings))
                .filter(|(s, _)| super::train_sentiment::held_out(&s.id))
                .map(|(_, (x, y))| (*x, *y))
                .unzip();
            sets.push(set_report(
                format!("{set} (held out)"),
                &held_scores,
                &held_ratings,
                None,
            ));
        }
    }
    Ok(Report {
        dir: dir.display().to_string(),
        system: predictions.map_or_else(|| "docsift".to_string(), |p| p.display().to_string()),
        sets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_on_hand_made_pairs() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]) - 1.0).abs() < 1e-12);
        assert!((pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        // x = 1,2,3,4 and y = 1,3,2,4: sxy = 4, sxx = syy = 5, r = 0.8.
        assert!((pearson(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0]) - 0.8).abs() < 1e-12);
        assert_eq!(pearson(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]), 0.0);
        assert_eq!(pearson(&[1.0], &[2.0]), 0.0);
    }

    #[test]
    fn parses_tab_separated_ratings() {
        let s = parse("1_1\t0.4\tIt is good.\nbad line\n1_2\t-1.5\tA\ttab.\n");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].id, "1_1");
        assert_eq!(s[0].rating, 0.4);
        assert_eq!(s[1].text, "A\ttab.");
    }

    #[test]
    fn docsift_scores_have_the_right_sign() {
        assert!(predict("The attacks killed 129 people.") < 0.0);
        assert!(predict("A wonderful, generous gift.") > 0.0);
    }
}
