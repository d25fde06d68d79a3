//! `docsift eval ner`: the entity stage scored on CoNLL files, at entity
//! level the way conlleval does it (a mention counts only with its exact
//! token span and type).
//!
//! Each document's text is rebuilt from its tokens (joined by one space, one
//! sentence a line) and analysed by [`crate::analysis::analyze`] with only
//! the entity feature, the call the service makes. Every mention of every
//! entity is a prediction, mapped to CoNLL types by [`conll_label`] and to
//! the tokens it covers by [`conll::tokens_of`].

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::ratio;

use super::conll::{self, Chunk, Document};
use crate::analysis::{self, EntityType, Features, Input};

/// The CoNLL type of a docsift entity type, or `None` for types CoNLL does
/// not annotate.
///
/// - PERSON → PER; ORGANIZATION → ORG; LOCATION → LOC.
/// - GROUP (nationalities, demonyms: CoNLL labels "French" MISC), EVENT and
///   OTHER (works, products, other names) → MISC.
/// - DATE, TIME, NUMBER, QUANTITY, MONEY, PERCENT, EMAIL, URL, PHONE have no
///   CoNLL counterpart and are ignored.
pub fn conll_label(t: EntityType) -> Option<&'static str> {
    match t {
        EntityType::Person => Some("PER"),
        EntityType::Organization => Some("ORG"),
        EntityType::Location => Some("LOC"),
        EntityType::Group | EntityType::Event | EntityType::Other => Some("MISC"),
        EntityType::Date
        | EntityType::Time
        | EntityType::Number
        | EntityType::Quantity
        | EntityType::Money
        | EntityType::Percent
        | EntityType::Email
        | EntityType::Url
        | EntityType::Phone => None,
    }
}

/// The types scored together as the headline micro average.
pub const MICRO_TYPES: [&str; 3] = ["PER", "ORG", "LOC"];

/// Matches of one type or one group of types.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Gold entities.
    pub gold: usize,
    /// Predicted entities.
    pub predicted: usize,
    /// Predicted entities with the exact span and type of a gold one.
    pub correct: usize,
}

impl Counts {
    /// Correct over predicted (0 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }

    /// Correct over gold (0 when there is no gold entity).
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }

    /// The harmonic mean of precision and recall (0 when both are 0).
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn add(&mut self, other: Counts) {
        self.gold += other.gold;
        self.predicted += other.predicted;
        self.correct += other.correct;
    }
}

/// Per-type counts, accumulated over documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scorer {
    by_type: BTreeMap<String, Counts>,
}

impl Scorer {
    /// Adds one document's gold and predicted chunks. Duplicate predictions
    /// (two mentions over the same tokens with the same type) count once.
    pub fn add(&mut self, gold: &[Chunk], predicted: &[Chunk]) {
        let gold: HashSet<&Chunk> = gold.iter().collect();
        let predicted: HashSet<&Chunk> = predicted.iter().collect();
        for g in &gold {
            self.by_type.entry(g.label.clone()).or_default().gold += 1;
        }
        for p in &predicted {
            let c = self.by_type.entry(p.label.clone()).or_default();
            c.predicted += 1;
            if gold.contains(p) {
                c.correct += 1;
            }
        }
    }

    /// The counts of one type.
    pub fn of(&self, label: &str) -> Counts {
        self.by_type.get(label).copied().unwrap_or_default()
    }

    /// The summed counts of several types.
    pub fn micro(&self, labels: &[&str]) -> Counts {
        let mut total = Counts::default();
        for l in labels {
            total.add(self.of(l));
        }
        total
    }
}

/// The scores of one type or group, as printed.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The type, or the group's name.
    pub label: String,
    /// The counts.
    #[serde(flatten)]
    pub counts: Counts,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

impl Row {
    fn new(label: &str, counts: Counts) -> Self {
        Row {
            label: label.to_string(),
            counts,
            precision: counts.precision(),
            recall: counts.recall(),
            f1: counts.f1(),
        }
    }
}

/// The result of an evaluation run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The files read.
    pub files: Vec<String>,
    /// Documents scored.
    pub documents: usize,
    /// Tokens in them.
    pub tokens: usize,
    /// PER, ORG, LOC, MISC, then the micro averages over PER/ORG/LOC and
    /// over all four.
    pub rows: Vec<Row>,
    /// Seconds spent in the analysis calls (one thread).
    pub seconds: f64,
    /// Tokens over those seconds.
    pub tokens_per_second: f64,
}

impl Report {
    /// Builds the report from the scorer and the time measured.
    pub fn new(
        files: Vec<String>,
        documents: usize,
        tokens: usize,
        scorer: &Scorer,
        elapsed: Duration,
    ) -> Self {
        let mut rows: Vec<Row> = ["PER", "ORG", "LOC", "MISC"]
            .iter()
            .map(|l| Row::new(l, scorer.of(l)))
            .collect();
        rows.push(Row::new("micro PER/ORG/LOC", scorer.micro(&MICRO_TYPES)));
        rows.push(Row::new(
            "micro with MISC",
            scorer.micro(&["PER", "ORG", "LOC", "MISC"]),
        ));
        let seconds = elapsed.as_secs_f64();
        Report {
            files,
            documents,
            tokens,
            rows,
            seconds,
            tokens_per_second: if seconds > 0.0 {
                tokens as f64 / seconds
            } else {
                0.0
            },
        }
    }

    /// A plain-text table.
    pub fn table(&self) -> String {
        let mut s = format!(
            "{} documents, {} tokens from {}\n\n{:<20} {:>6} {:>6} {:>6} {:>7} {:>7} {:>7}\n",
            self.documents,
            self.tokens,
            self.files.join(", "),
            "type",
            "gold",
            "pred",
            "ok",
            "P",
            "R",
            "F1"
        );
        for r in &self.rows {
            s.push_str(&format!(
                "{:<20} {:>6} {:>6} {:>6} {:>7.4} {:>7.4} {:>7.4}\n",
                r.label,
                r.counts.gold,
                r.counts.predicted,
                r.counts.correct,
                r.precision,
                r.recall,
                r.f1
            ));
        }
        s.push_str(&format!(
            "\nentity analysis: {:.3} s on one thread, {:.0} tokens/s\n",
            self.seconds, self.tokens_per_second
        ));
        s
    }
}

/// The entity-only analysis of one text, as the service runs it.
pub fn analyse_entities(text: &str) -> analysis::Analysis {
    let mut features = Features::none();
    features.entities = true;
    analysis::analyze(&Input {
        text,
        title: None,
        language_hint: Some("en"),
        reference_date: chrono::NaiveDate::from_ymd_opt(1996, 8, 30).unwrap_or_default(),
        features,
        summary_sentences: 0,
    })
}

/// The predicted chunks of a document, and the time its analysis took.
pub fn predict(doc: &Document) -> (Vec<Chunk>, Duration) {
    let (text, spans) = doc.text();
    let started = Instant::now();
    let analysis = analyse_entities(&text);
    let elapsed = started.elapsed();
    let mut out = Vec::new();
    for e in &analysis.entities {
        let Some(label) = conll_label(e.entity_type) else {
            continue;
        };
        for m in &e.mentions {
            if let Some(tokens) = conll::tokens_of(&spans, m.span.start, m.span.end) {
                out.push(Chunk {
                    tokens,
                    label: label.to_string(),
                });
            }
        }
    }
    (out, elapsed)
}

/// Scores the entity stage on documents.
///
/// With `explain`, each predicted entity that no gold entity matches
/// exactly and each gold entity missed is written to standard error, with
/// its words and the entities of the other side that overlap it.
pub fn evaluate(files: Vec<String>, docs: &[Document], explain: bool) -> Report {
    // The lazily built tables (gazetteer automaton, tagger model) are built
    // once before timing, as a server builds them on its first request.
    let _ = analyse_entities("Warm-up: Angela Merkel visited Paris.");
    let mut scorer = Scorer::default();
    let mut elapsed = Duration::ZERO;
    let mut tokens = 0;
    for (number, doc) in docs.iter().enumerate() {
        let (predicted, took) = predict(doc);
        elapsed += took;
        tokens += doc.token_count();
        let gold = doc.gold_chunks();
        if explain {
            for line in explain_document(number, doc, &gold, &predicted) {
                eprintln!("{line}");
            }
        }
        scorer.add(&gold, &predicted);
    }
    Report::new(files, docs.len(), tokens, &scorer, elapsed)
}

/// One document's errors, a line each (see [`evaluate`]).
fn explain_document(
    number: usize,
    doc: &Document,
    gold: &[Chunk],
    predicted: &[Chunk],
) -> Vec<String> {
    let words: Vec<&str> = doc
        .sentences
        .iter()
        .flatten()
        .map(|t| t.text.as_str())
        .collect();
    let show = |c: &Chunk| {
        format!(
            "{} \"{}\"",
            c.label,
            words.get(c.tokens.clone()).unwrap_or_default().join(" ")
        )
    };
    let overlapping = |c: &Chunk, others: &[Chunk]| {
        let found: Vec<String> = others
            .iter()
            .filter(|o| o.tokens.start < c.tokens.end && c.tokens.start < o.tokens.end)
            .map(show)
            .collect();
        if found.is_empty() {
            "nothing".to_string()
        } else {
            found.join(", ")
        }
    };
    let mut lines = Vec::new();
    let mut reported = HashSet::new();
    for p in predicted {
        if !gold.contains(p) && reported.insert(p) {
            lines.push(format!(
                "doc {number}: wrong {} (gold: {})",
                show(p),
                overlapping(p, gold)
            ));
        }
    }
    for g in gold {
        if !predicted.contains(g) {
            lines.push(format!(
                "doc {number}: missed {} (found: {})",
                show(g),
                overlapping(g, predicted)
            ));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunk(r: std::ops::Range<usize>, l: &str) -> Chunk {
        Chunk {
            tokens: r,
            label: l.to_string(),
        }
    }

    #[test]
    fn exact_span_and_type_are_needed() {
        let mut s = Scorer::default();
        let gold = [chunk(0..2, "PER"), chunk(3..4, "LOC"), chunk(5..6, "ORG")];
        let pred = [
            chunk(0..2, "PER"),  // right
            chunk(3..5, "LOC"),  // span too long
            chunk(5..6, "LOC"),  // wrong type
            chunk(5..6, "LOC"),  // duplicate, counted once
            chunk(8..9, "MISC"), // spurious
        ];
        s.add(&gold, &pred);
        assert_eq!(
            s.of("PER"),
            Counts {
                gold: 1,
                predicted: 1,
                correct: 1
            }
        );
        assert_eq!(
            s.of("LOC"),
            Counts {
                gold: 1,
                predicted: 2,
                correct: 0
            }
        );
        let micro = s.micro(&MICRO_TYPES);
        assert_eq!((micro.gold, micro.predicted, micro.correct), (3, 3, 1));
        assert!((micro.precision() - 1.0 / 3.0).abs() < 1e-9);
        assert!((micro.f1() - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.of("MISC").predicted, 1);
        assert_eq!(s.of("MISC").f1(), 0.0);
    }

    #[test]
    fn scores_a_small_document_end_to_end() {
        let docs = conll::parse(
            "-DOCSTART- O\n\nAngela B-PER\nMerkel I-PER\nvisited O\nFrance B-LOC\non O\nMonday O\n.\n",
        );
        let report = evaluate(vec!["inline".into()], &docs, false);
        assert_eq!(report.tokens, 7);
        let loc = &report.rows[2];
        assert_eq!(loc.label, "LOC");
        assert_eq!(loc.counts.gold, 1);
        assert_eq!(loc.counts.correct, 1, "{report:#?}");
        // Dates are not CoNLL entities, so "Monday" is no false positive.
        let micro = &report.rows[4];
        assert_eq!(micro.counts.predicted, micro.counts.correct, "{report:#?}");
    }

    #[test]
    fn explain_lists_wrong_and_missed_entities() {
        let docs = conll::parse("-DOCSTART- O\n\nBig B-ORG\nBank I-ORG\nrose O\n.\n");
        let gold = docs[0].gold_chunks();
        let predicted = vec![Chunk {
            tokens: 1..2,
            label: "PER".into(),
        }];
        assert_eq!(
            explain_document(3, &docs[0], &gold, &predicted),
            [
                "doc 3: wrong PER \"Bank\" (gold: ORG \"Big Bank\")",
                "doc 3: missed ORG \"Big Bank\" (found: PER \"Bank\")",
            ]
        );
        assert!(explain_document(0, &docs[0], &gold, &gold).is_empty());
    }
}
