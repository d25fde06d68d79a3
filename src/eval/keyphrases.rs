//! `docsift eval keyphrases`: key phrases scored on KPCrowd-style data
//! (`docs/NAME.txt` texts, `keys/NAME.key` one gold phrase a line).
//!
//! **Protocol.** A phrase, gold or predicted, is lower-cased, every
//! character that is not a letter or a digit becomes a space (punctuation
//! stripped), and each remaining word is stemmed with the Snowball English
//! stemmer (Porter2, `rust-stemmers`); the stems joined by one space are the
//! phrase's key. Empty keys are dropped and equal keys count once, on both
//! sides. Of the predictions, the first ten distinct keys are kept. Per
//! document, precision is matches over kept predictions, recall matches over
//! gold keys, F1 their harmonic mean (0 when either is 0, and 0 for a
//! document with no prediction); P, R and F1@10 are averaged over the
//! documents that have at least one gold key.
//!
//! The predictions are docsift's own (each text analysed by
//! [`crate::analysis::analyze`] with only key phrases on, the call the
//! service makes), or another tool's read from a JSON-lines file
//! (`{"doc": "NAME", "keyphrases": ["...", ...]}`), so that both are scored
//! by this same code.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

use crate::analysis::{self, Features, Input};

/// How many predictions count.
pub const AT: usize = 10;

/// The protocol's key of a phrase: lower-cased, punctuation stripped, each
/// word stemmed, joined by single spaces.
pub fn key(stemmer: &Stemmer, phrase: &str) -> String {
    let lower = phrase.to_lowercase();
    let cleaned: String = lower
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut out = String::new();
    for word in cleaned.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&stemmer.stem(word));
    }
    out
}

/// Precision, recall and F1 of one document's predictions (in rank order)
/// against its gold phrases, under the protocol of the module doc.
pub fn score_document(stemmer: &Stemmer, gold: &[String], predicted: &[String]) -> (f64, f64, f64) {
    let gold: HashSet<String> = gold
        .iter()
        .map(|g| key(stemmer, g))
        .filter(|k| !k.is_empty())
        .collect();
    let mut kept: Vec<String> = Vec::new();
    for p in predicted {
        let k = key(stemmer, p);
        if !k.is_empty() && !kept.contains(&k) {
            kept.push(k);
            if kept.len() == AT {
                break;
            }
        }
    }
    let hits = kept.iter().filter(|k| gold.contains(*k)).count();
    let p = super::ratio(hits, kept.len());
    let r = super::ratio(hits, gold.len());
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

/// One line of a predictions file.
#[derive(Debug, Deserialize)]
struct PredictionLine {
    doc: String,
    keyphrases: Vec<String>,
}

/// Reads a JSON-lines predictions file into document name → phrases.
pub fn read_predictions(path: &Path) -> std::io::Result<BTreeMap<String, Vec<String>>> {
    let lines: Vec<PredictionLine> = super::read_json_lines(path)?;
    Ok(lines.into_iter().map(|p| (p.doc, p.keyphrases)).collect())
}

/// docsift's key phrases of a text, as the service finds them, best first.
pub fn predict(text: &str) -> Vec<String> {
    let mut features = Features::none();
    features.keyphrases = true;
    let a = analysis::analyze(&Input {
        text,
        title: None,
        language_hint: None,
        reference_date: chrono::NaiveDate::from_ymd_opt(2012, 1, 1).unwrap_or_default(),
        features,
        summary_sentences: 0,
    });
    a.keyphrases.into_iter().map(|k| k.text).collect()
}

/// The result of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The data directory.
    pub dir: String,
    /// Whose predictions: "docsift" or the predictions file.
    pub system: String,
    /// Documents scored (with at least one gold phrase).
    pub documents: usize,
    /// Mean gold phrases (distinct keys) per document.
    pub gold_per_document: f64,
    /// Mean precision@10.
    pub precision: f64,
    /// Mean recall@10.
    pub recall: f64,
    /// Mean F1@10.
    pub f1: f64,
    /// Documents analysed per second (docsift's own predictions only: the
    /// analysis calls alone, one thread).
    pub docs_per_s: Option<f64>,
    /// Per document F1@10 (name → F1), for `--json`.
    pub per_document: BTreeMap<String, f64>,
}

impl Report {
    /// The report as a table.
    pub fn table(&self) -> String {
        let speed = self
            .docs_per_s
            .map_or_else(String::new, |d| format!("speed: {d:.0} docs/s\n"));
        format!(
            "{} documents from {} ({:.1} gold phrases each), predictions of {}\n\n\
             P@{AT} {:.4}  R@{AT} {:.4}  F1@{AT} {:.4}\n{speed}",
            self.documents,
            self.dir,
            self.gold_per_document,
            self.system,
            self.precision,
            self.recall,
            self.f1,
        )
    }
}

/// Reads a file as UTF-8, replacing invalid bytes.
fn read_lossy(path: &Path) -> std::io::Result<String> {
    Ok(String::from_utf8_lossy(&std::fs::read(path)?).into_owned())
}

/// Scores the documents of `dir`: docsift's predictions, or those of the
/// file (a document missing from it counts as predicting nothing).
pub fn evaluate(dir: &Path, predictions: Option<&Path>) -> std::io::Result<Report> {
    let stemmer = Stemmer::create(Algorithm::English);
    let external = predictions.map(read_predictions).transpose()?;
    let mut names: Vec<String> = std::fs::read_dir(dir.join("docs"))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_suffix(".txt").map(str::to_string)
        })
        .collect();
    names.sort();
    analysis::warm_up();
    let mut spent = Duration::ZERO;
    let (mut sum_p, mut sum_r, mut sum_f, mut gold_total) = (0.0, 0.0, 0.0, 0usize);
    let mut per_document = BTreeMap::new();
    for name in &names {
        let gold: Vec<String> = read_lossy(&dir.join("keys").join(format!("{name}.key")))?
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let gold_keys: HashSet<String> = gold
            .iter()
            .map(|g| key(&stemmer, g))
            .filter(|k| !k.is_empty())
            .collect();
        if gold_keys.is_empty() {
            continue;
        }
        let predicted = match &external {
            Some(map) => map.get(name).cloned().unwrap_or_default(),
            None => {
                let text = read_lossy(&dir.join("docs").join(format!("{name}.txt")))?;
                let start = Instant::now();
                let p = predict(&text);
                spent += start.elapsed();
                p
            }
        };
        let (p, r, f) = score_document(&stemmer, &gold, &predicted);
        sum_p += p;
        sum_r += r;
        sum_f += f;
        gold_total += gold_keys.len();
        per_document.insert(name.clone(), f);
    }
    let n = per_document.len();
    let mean = |s: f64| if n == 0 { 0.0 } else { s / n as f64 };
    Ok(Report {
        dir: dir.display().to_string(),
        system: predictions.map_or_else(|| "docsift".to_string(), |p| p.display().to_string()),
        documents: n,
        gold_per_document: super::ratio(gold_total, n),
        precision: mean(sum_p),
        recall: mean(sum_r),
        f1: mean(sum_f),
        docs_per_s: (external.is_none() && !spent.is_zero())
            .then(|| n as f64 / spent.as_secs_f64()),
        per_document,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn keys_lowercase_strip_punctuation_and_stem() {
        let s = Stemmer::create(Algorithm::English);
        assert_eq!(key(&s, "Air Strikes!"), "air strike");
        assert_eq!(key(&s, "3-Day  Phestival"), "3 day phestiv");
        assert_eq!(key(&s, "the U.S. elections"), "the u s elect");
        assert_eq!(key(&s, "--"), "");
        assert_eq!(key(&s, "Zürich's Grève"), "zürich s grève");
    }

    #[test]
    fn f1_at_10_counts_distinct_keys_and_only_the_first_ten() {
        let s = Stemmer::create(Algorithm::English);
        let gold = strings(&["air strikes", "Raqqa", "Islamic State", "Raqqa."]);
        // "Air strike" and "air-strikes" are the same key: one prediction.
        let predicted = strings(&["Air strike", "air-strikes", "Paris", "raqqa"]);
        let (p, r, f) = score_document(&s, &gold, &predicted);
        assert!((p - 2.0 / 3.0).abs() < 1e-12);
        assert!((r - 2.0 / 3.0).abs() < 1e-12);
        assert!((f - 2.0 / 3.0).abs() < 1e-12);
        // A match ranked eleventh does not count.
        let mut many: Vec<String> = (0..10).map(|i| format!("word{i}")).collect();
        many.push("raqqa".to_string());
        assert_eq!(score_document(&s, &gold, &many), (0.0, 0.0, 0.0));
        // Nothing predicted: all zero, never NaN.
        assert_eq!(score_document(&s, &gold, &[]), (0.0, 0.0, 0.0));
        let (p, r, f) = score_document(&s, &gold, &strings(&["islamic states"]));
        assert_eq!(p, 1.0);
        assert!((r - 1.0 / 3.0).abs() < 1e-12);
        assert!((f - 0.5).abs() < 1e-12);
    }

    #[test]
    fn predictions_file_reads_json_lines() {
        let dir = std::env::temp_dir().join(format!("docsift-kp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let file = dir.join("p.jsonl");
        std::fs::write(
            &file,
            "{\"doc\": \"a\", \"keyphrases\": [\"x y\", \"z\"]}\n\n{\"doc\": \"b\", \"keyphrases\": []}\n",
        )
        .unwrap_or_default();
        let map = read_predictions(&file).unwrap_or_default();
        assert_eq!(map.get("a"), Some(&strings(&["x y", "z"])));
        assert_eq!(map.get("b"), Some(&Vec::new()));
        std::fs::write(&file, "{\"doc\": 1}\n").unwrap_or_default();
        assert!(read_predictions(&file).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
