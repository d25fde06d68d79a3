//! `docsift eval langid`: language identification scored on lingua's test
//! sets (`single-words/`, `word-pairs/`, `sentences/`, each one file per
//! ISO 639-1 code with one sample a line), with the language stage the
//! service runs and no hint.

use std::path::Path;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::ratio;

use crate::analysis::langid::Model;
use crate::analysis::{self, Features, Input, language};

/// The subfolders read, in this order, when present.
pub const SETS: [&str; 3] = ["single-words", "word-pairs", "sentences"];

/// One language of one set.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageRow {
    /// The ISO 639-1 code the file is named by.
    pub code: String,
    /// Samples.
    pub texts: usize,
    /// Samples identified as `code`.
    pub correct: usize,
    /// `correct / texts`.
    pub accuracy: f64,
}

/// One set (a subfolder).
#[derive(Debug, Clone, Serialize)]
pub struct SetReport {
    /// The subfolder's name.
    pub set: String,
    /// Languages (files) read.
    pub languages: usize,
    /// Samples.
    pub texts: usize,
    /// Accuracy over all samples: a language docsift does not know counts
    /// as wrong on each of its samples.
    pub accuracy: f64,
    /// Samples whose answer was marked reliable.
    pub reliable: usize,
    /// Accuracy over the samples marked reliable.
    pub reliable_accuracy: f64,
    /// Seconds spent in the analysis calls (one thread).
    pub seconds: f64,
    /// Milliseconds per sample.
    pub ms_per_text: f64,
    /// Each language, by code.
    pub by_language: Vec<LanguageRow>,
}

/// The result of an evaluation run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The directory read.
    pub dir: String,
    /// How many languages the language stage can answer.
    pub known_languages: usize,
    /// Each set found.
    pub sets: Vec<SetReport>,
}

impl Report {
    /// A plain-text table.
    pub fn table(&self) -> String {
        let mut s = format!(
            "{} (docsift knows {} languages)\n\n{:<14} {:>5} {:>7} {:>8} {:>9} {:>9} {:>9}\n",
            self.dir,
            self.known_languages,
            "set",
            "langs",
            "texts",
            "accuracy",
            "reliable",
            "rel. acc",
            "ms/text"
        );
        for r in &self.sets {
            s.push_str(&format!(
                "{:<14} {:>5} {:>7} {:>8.4} {:>8.1}% {:>9.4} {:>9.4}\n",
                r.set,
                r.languages,
                r.texts,
                r.accuracy,
                ratio(r.reliable, r.texts) * 100.0,
                r.reliable_accuracy,
                r.ms_per_text
            ));
        }
        s
    }
}

/// The language stage's answer for one text: its code and whether it was
/// called reliable. With a `model`, the stage's detection runs with it
/// directly instead of through the pipeline.
pub(crate) fn identify(text: &str, model: Option<&Model<'_>>) -> (String, bool) {
    if let Some(model) = model {
        let l = language::detect_with(model, text, None);
        return (l.code, l.reliable);
    }
    let mut features = Features::none();
    features.language = true;
    let analysis = analysis::analyze(&Input {
        text,
        title: None,
        language_hint: None,
        reference_date: chrono::NaiveDate::default(),
        features,
        summary_sentences: 0,
    });
    analysis
        .language
        .map_or_else(|| ("und".to_string(), false), |l| (l.code, l.reliable))
}

/// Scores one set: `files` are `(code, samples)` pairs.
pub(crate) fn score_set(
    set: &str,
    files: &[(String, Vec<String>)],
    model: Option<&Model<'_>>,
) -> SetReport {
    let mut elapsed = Duration::ZERO;
    let (mut texts, mut correct, mut reliable, mut reliable_correct) = (0, 0, 0, 0);
    let mut by_language = Vec::new();
    for (code, samples) in files {
        let mut ok = 0;
        for sample in samples {
            let started = Instant::now();
            let (got, is_reliable) = identify(sample, model);
            elapsed += started.elapsed();
            let right = got == *code;
            ok += usize::from(right);
            if is_reliable {
                reliable += 1;
                reliable_correct += usize::from(right);
            }
        }
        texts += samples.len();
        correct += ok;
        by_language.push(LanguageRow {
            code: code.clone(),
            texts: samples.len(),
            correct: ok,
            accuracy: ratio(ok, samples.len()),
        });
    }
    let seconds = elapsed.as_secs_f64();
    SetReport {
        set: set.to_string(),
        languages: files.len(),
        texts,
        accuracy: ratio(correct, texts),
        reliable,
        reliable_accuracy: ratio(reliable_correct, reliable),
        seconds,
        ms_per_text: if texts == 0 {
            0.0
        } else {
            seconds * 1000.0 / texts as f64
        },
        by_language,
    }
}

/// Reads and scores every set of `dir` (see [`SETS`]), with the embedded
/// model or the one in the file `model`.
pub fn evaluate(dir: &Path, model: Option<&Path>) -> std::io::Result<Report> {
    let bytes = model.map(std::fs::read).transpose()?;
    let model = bytes
        .as_deref()
        .map(|b| Model::parse(b).and_then(|m| m.validate().map(|()| m)))
        .transpose()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    // Build the lazily built tables before timing, as a server does on its
    // first request.
    let _ = identify(
        "Warm-up: the language stage reads this sentence.",
        model.as_ref(),
    );
    let mut sets = Vec::new();
    for set in SETS {
        let folder = dir.join(set);
        if !folder.is_dir() {
            continue;
        }
        let mut paths: Vec<_> = std::fs::read_dir(&folder)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        paths.sort();
        let mut files = Vec::new();
        for path in paths {
            let code = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path)?;
            let samples = text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect();
            files.push((code, samples));
        }
        sets.push(score_set(set, &files, model.as_ref()));
    }
    if sets.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("none of {} in it", SETS.join(", ")),
        ));
    }
    Ok(Report {
        dir: dir.display().to_string(),
        known_languages: language::language_count(),
        sets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_known_and_unknown_languages() {
        let files = vec![
            (
                "en".to_string(),
                vec![
                    "The government said on Monday that it would raise taxes on fuel.".to_string(),
                    "They have been waiting for the train since early this morning.".to_string(),
                ],
            ),
            (
                "de".to_string(),
                vec![
                    "Die Regierung hat am Montag angekündigt, die Steuern zu erhöhen.".to_string(),
                ],
            ),
            // A code no detector answers: every sample is wrong.
            ("xx".to_string(), vec!["Bonjour tout le monde".to_string()]),
        ];
        let r = score_set("sentences", &files, None);
        assert_eq!((r.languages, r.texts), (3, 4));
        assert_eq!(r.by_language[0].correct, 2);
        assert_eq!(r.by_language[1].correct, 1);
        assert_eq!(r.by_language[2].correct, 0);
        assert!((r.accuracy - 0.75).abs() < 1e-9);
        let reliable = files
            .iter()
            .flat_map(|(_, samples)| samples)
            .filter(|t| identify(t, None).1)
            .count();
        assert_eq!(r.reliable, reliable);
    }

    #[test]
    fn a_folder_without_sets_is_an_error() {
        let dir = std::env::temp_dir().join(format!("docsift-langid-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        assert!(evaluate(&dir, None).is_err());
        std::fs::create_dir_all(dir.join("single-words")).expect("set dir");
        std::fs::write(dir.join("single-words/en.txt"), "government\n\nweather\n").expect("write");
        let report = evaluate(&dir, None).expect("report");
        assert_eq!(report.sets.len(), 1);
        assert_eq!(report.sets[0].texts, 2);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
