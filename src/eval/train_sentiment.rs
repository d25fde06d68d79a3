//! `docsift train sentiment`: learns the sentiment stage's news lexicon
//! (`models/sentiment.bin`, see `analysis/sentiment.rs`) from VADER's
//! human-rated sets.
//!
//! Each snippet is cleaned and segmented as the pipeline does and scored by
//! VADER's rules on the rated lexicon alone; its features are then the
//! positive and the negative mass of those valences and, per word (neither
//! an intensifier nor a negation), the sum of the rule factors
//! ([`sentiment::context_factor`]: negation, "least", "but") of its
//! occurrences, all divided by the square root of the snippet's length in
//! words, as the document score is. A ridge regression (conjugate gradient
//! on the normal equations, in a fixed order, so the same bytes every time)
//! fits the mean human rating: the two mass weights become the positive and
//! the negative scale, each word's weight its learned valence, all divided
//! by the mean of the two mass weights so that they stay on VADER's scale.
//!
//! The news set (NYT editorial snippets) is split by the FNV-1a hash of the
//! snippet id: one in five ([`held_out`]) is never trained on and is scored
//! here and by `docsift eval sentiment` as the blind figure. The other sets
//! (tweets, movie and product reviews) are trained on with a small weight:
//! their wording differs from news, and alone they make the news figure
//! worse (see the README).

use std::collections::BTreeMap;
use std::path::Path;

use super::sentiment::{Snippet, parse, pearson};
use crate::analysis::{background, cleanup, segment, sentiment};

/// The news set of VADER's data, a fifth of which is held out.
pub const NEWS_SET: &str = "nytEditorialSnippets";

/// Whether a snippet of the news set is in its held-out fifth.
pub fn held_out(id: &str) -> bool {
    background::hash(id).is_multiple_of(5)
}

/// What training sees of one snippet.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Positive mass of the rated words under VADER's rules.
    pub pos: f32,
    /// Negative mass (positive number) of the same.
    pub neg: f32,
    /// Words (tokens).
    pub words: usize,
    /// Each word a learned valence could apply to, with its rule factor.
    pub contexts: Vec<(String, f32)>,
}

/// Segments a text as the pipeline does and gathers its features.
pub fn features(text: &str) -> Features {
    let cleaned = cleanup::clean(text);
    let masked = cleaned.masked.as_str();
    let spans = segment::sentences(masked);
    let tokens = segment::tokens(masked, &spans, "en");
    let mut per_sentence: Vec<Vec<&segment::Tok>> = vec![Vec::new(); spans.len()];
    for t in &tokens {
        if let Some(v) = per_sentence.get_mut(t.sentence) {
            v.push(t);
        }
    }
    let mut f = Features::default();
    for (toks, span) in per_sentence.iter().zip(&spans) {
        let raw = sentiment::score_with(masked, *span, toks, false);
        f.pos += raw.pos;
        f.neg += raw.neg;
        f.words += raw.words;
        f.contexts.extend(
            sentiment::contexts(toks)
                .into_iter()
                .map(|(t, c)| (t.norm.to_string(), c)),
        );
    }
    f
}

/// The settings of a training run.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The ridge penalty of a word's weight.
    pub lambda: f64,
    /// The weight of a snippet of a set other than the news set.
    pub other_weight: f64,
    /// Learned valences smaller than this (in absolute value) are dropped.
    pub min_valence: f64,
    /// Conjugate gradient iterations at most.
    pub iterations: usize,
}

/// One training example: sparse word features, the two masses, the rating.
struct Example {
    words: Vec<(usize, f64)>,
    pos: f64,
    neg: f64,
    rating: f64,
    weight: f64,
}

impl Example {
    fn new(f: &Features, vocab: &BTreeMap<String, usize>, rating: f64, weight: f64) -> Example {
        let d = (f.words.max(1) as f64).sqrt();
        let mut words: BTreeMap<usize, f64> = BTreeMap::new();
        for (w, c) in &f.contexts {
            if let Some(&j) = vocab.get(w) {
                *words.entry(j).or_default() += f64::from(*c) / d;
            }
        }
        Example {
            words: words.into_iter().collect(),
            pos: f64::from(f.pos) / d,
            neg: f64::from(f.neg) / d,
            rating,
            weight,
        }
    }

    /// The prediction of weights `w` (the two mass weights come last).
    fn dot(&self, w: &[f64]) -> f64 {
        let n = w.len();
        let mut s = w[n - 2] * self.pos + w[n - 1] * self.neg;
        for &(j, x) in &self.words {
            s += w[j] * x;
        }
        s
    }

    /// Adds `scale` times the example's features to `out`.
    fn add_to(&self, out: &mut [f64], scale: f64) {
        let n = out.len();
        out[n - 2] += scale * self.pos;
        out[n - 1] += scale * self.neg;
        for &(j, x) in &self.words {
            out[j] += scale * x;
        }
    }
}

/// Solves the weighted ridge regression by conjugate gradient: words are
/// penalised by `lambda`, the two masses barely (`lambda` × 1e-4).
fn ridge(examples: &[Example], dims: usize, lambda: f64, iterations: usize) -> Vec<f64> {
    let total: f64 = examples.iter().map(|e| e.weight).sum();
    let mean = examples.iter().map(|e| e.weight * e.rating).sum::<f64>() / total.max(1e-12);
    let penalty = |j: usize| {
        if j + 2 >= dims { lambda * 1e-4 } else { lambda }
    };
    let apply = |w: &[f64]| {
        let mut out: Vec<f64> = w.iter().enumerate().map(|(j, x)| penalty(j) * x).collect();
        for e in examples {
            e.add_to(&mut out, e.weight * e.dot(w));
        }
        out
    };
    let mut b = vec![0.0; dims];
    for e in examples {
        e.add_to(&mut b, e.weight * (e.rating - mean));
    }
    let dot = |a: &[f64], c: &[f64]| a.iter().zip(c).map(|(x, y)| x * y).sum::<f64>();
    let mut w = vec![0.0; dims];
    let mut r = b.clone();
    let mut p = r.clone();
    let mut rs = dot(&r, &r);
    let stop = 1e-12 * dot(&b, &b);
    for _ in 0..iterations {
        if rs <= stop {
            break;
        }
        let ap = apply(&p);
        let alpha = rs / dot(&p, &ap);
        for j in 0..dims {
            w[j] += alpha * p[j];
            r[j] -= alpha * ap[j];
        }
        let next = dot(&r, &r);
        for j in 0..dims {
            p[j] = r[j] + (next / rs) * p[j];
        }
        rs = next;
    }
    w
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct Trained {
    /// The model file's bytes.
    pub bytes: Vec<u8>,
    /// Snippets trained on, per set.
    pub trained: BTreeMap<String, usize>,
    /// Pearson's r of the learned model on the news set's held-out fifth.
    pub held_out_pearson: f64,
    /// The same for VADER's rules on the rated lexicon alone.
    pub held_out_baseline: f64,
    /// Snippets held out.
    pub held_out: usize,
    /// Learned valences kept.
    pub words: usize,
}

/// Trains on the sets of `dir` (`NAME_GroundTruth.txt`); `news` names the
/// set whose fifth is held out.
pub fn train(dir: &Path, news: &str, settings: Settings) -> std::io::Result<Trained> {
    let mut names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with("_GroundTruth.txt"))
        .collect();
    names.sort();
    let mut train_set: Vec<(Features, f64, f64)> = Vec::new();
    let mut held: Vec<(Features, f64)> = Vec::new();
    let mut trained = BTreeMap::new();
    for name in &names {
        let set = name.trim_end_matches("_GroundTruth.txt");
        let snippets: Vec<Snippet> =
            parse(&String::from_utf8_lossy(&std::fs::read(dir.join(name))?));
        let is_news = set == news;
        for s in snippets {
            let f = features(&s.text);
            if is_news && held_out(&s.id) {
                held.push((f, s.rating));
            } else {
                *trained.entry(set.to_string()).or_insert(0) += 1;
                let weight = if is_news { 1.0 } else { settings.other_weight };
                train_set.push((f, s.rating, weight));
            }
        }
    }
    let mut vocab: BTreeMap<String, usize> = BTreeMap::new();
    for (f, _, _) in &train_set {
        for (w, _) in &f.contexts {
            vocab.entry(w.clone()).or_insert(0);
        }
    }
    for (j, v) in vocab.values_mut().enumerate() {
        *v = j;
    }
    let dims = vocab.len() + 2;
    let examples: Vec<Example> = train_set
        .iter()
        .map(|(f, rating, weight)| Example::new(f, &vocab, *rating, *weight))
        .collect();
    let w = ridge(&examples, dims, settings.lambda, settings.iterations);
    // Positive valences weigh w_pos, negative ones −w_neg (a negative
    // valence adds to the negative mass); their mean is the unit.
    let (w_pos, w_neg) = (w[dims - 2], -w[dims - 1]);
    let unit = ((w_pos + w_neg) / 2.0).max(1e-6);
    let words: Vec<(&str, f32)> = vocab
        .iter()
        .filter_map(|(word, &j)| {
            let v = w[j] / unit;
            (v.abs() >= settings.min_valence).then_some((word.as_str(), v as f32))
        })
        .collect();
    let learned = sentiment::Learned {
        pos_scale: (w_pos / unit) as f32,
        neg_scale: (w_neg / unit) as f32,
        words,
    };
    // The held-out fifth, scored with the model as the pipeline would use
    // it (kept words only), and with the rated lexicon alone.
    let kept: BTreeMap<&str, f32> = learned.words.iter().copied().collect();
    let (mut pred, mut base, mut gold) = (Vec::new(), Vec::new(), Vec::new());
    for (f, rating) in &held {
        let d = (f.words.max(1) as f64).sqrt();
        let mut s = f64::from(learned.pos_scale) * f64::from(f.pos)
            - f64::from(learned.neg_scale) * f64::from(f.neg);
        for (word, c) in &f.contexts {
            s += f64::from(kept.get(word.as_str()).copied().unwrap_or(0.0) * c);
        }
        pred.push((s / d).tanh());
        base.push((f64::from(f.pos - f.neg) / d).tanh());
        gold.push(*rating);
    }
    Ok(Trained {
        bytes: learned.to_bytes(),
        trained,
        held_out_pearson: pearson(&pred, &gold),
        held_out_baseline: pearson(&base, &gold),
        held_out: held.len(),
        words: learned.words.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_out_is_about_a_fifth_and_stable() {
        let ids: Vec<String> = (0..5000).map(|i| format!("{i}_1")).collect();
        let held = ids.iter().filter(|id| held_out(id)).count();
        assert!((900..1100).contains(&held), "{held}");
        assert_eq!(held_out("17_3"), held_out("17_3"));
    }

    #[test]
    fn ridge_finds_the_word_that_carries_the_rating() {
        // Word 0 drives the rating, word 1 is noise-free filler.
        let mut examples = Vec::new();
        for i in 0..40 {
            let x = f64::from(i % 5) - 2.0;
            examples.push(Example {
                words: vec![(0, x), (1, 1.0)],
                pos: 0.0,
                neg: 0.0,
                rating: 2.0 * x + 0.5,
                weight: 1.0,
            });
        }
        let w = ridge(&examples, 4, 0.01, 100);
        assert!((w[0] - 2.0).abs() < 0.01, "{w:?}");
        assert!(w[1].abs() < 0.05, "{w:?}");
    }

    #[test]
    fn features_carry_the_rule_factors() {
        let f = features("The plan did not work. It was bad but brave.");
        let factor = |word: &str| f.contexts.iter().find(|(w, _)| w == word).map(|(_, c)| *c);
        assert!(factor("work").is_some_and(|c| c < 0.0));
        assert_eq!(factor("plan"), Some(1.0));
        assert_eq!(factor("brave"), Some(1.5));
        assert!(f.neg > 0.0 && f.pos > 0.0);
        assert!(factor("not").is_none());
        assert_eq!(f.words, 10);
    }
}
