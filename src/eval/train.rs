//! `docsift train ner`: trains the entity tagger (averaged linear weights,
//! see `analysis::tagger`) on CoNLL files and writes `models/ner.bin`.
//!
//! The weights are learned online, token by token, with passive-aggressive
//! updates (Crammer et al., "Online Passive-Aggressive Algorithms", 2006):
//! when the best-scoring wrong tag is not beaten by a margin, the gold
//! tag's and its weights move by the smallest step after which it would be
//! (a perceptron moves by a fixed step, and only on a mistake), and the
//! weights are averaged over all steps as a perceptron's are.
//!
//! Each document is rebuilt as `docsift eval ner` rebuilds it, cleaned and
//! segmented exactly as the pipeline does, so the tagger learns on the
//! tokens it will see at run time; a CoNLL tag goes to every docsift token
//! inside its CoNLL token (a hyphenated "Bosnian-Serb" gives B-MISC I-MISC).
//! Training is deterministic: sentences are visited in an order shuffled by
//! a fixed-seed generator of our own (SplitMix64), so the model is the same
//! bytes on every machine.

use std::ops::Range;

use super::conll::{self, Chunk, Document};
use super::ner::Scorer;
use crate::analysis::tagger::{self, Doc, Model, N};
use crate::analysis::{cleanup, entities, segment};

/// A document ready for training or scoring the tagger alone.
pub struct Prepared {
    doc: Doc<'static>,
    gold: Vec<usize>,
    /// Per docsift token, the CoNLL token it lies in.
    conll_token: Vec<usize>,
    gold_chunks: Vec<Chunk>,
    /// Per docsift sentence, whether training visits it: in a copy with
    /// its headline rewritten in Title Case only that headline (the rest
    /// is the original's, already visited), else every sentence.
    visit: Vec<bool>,
}

fn type_index(label: &str) -> usize {
    match label {
        "PER" => 1,
        "ORG" => 2,
        "LOC" => 3,
        "MISC" => 4,
        _ => 0,
    }
}

const TYPE_NAMES: [&str; 5] = ["O", "PER", "ORG", "LOC", "MISC"];

/// Segments a CoNLL document as the pipeline would and gives each docsift
/// token its gold tag.
pub fn prepare(d: &Document) -> Prepared {
    let (text, spans) = d.text();
    let cleaned = cleanup::clean(&text);
    let masked = cleaned.masked.as_str();
    let sentences = segment::sentences(masked);
    let tokens = segment::tokens(masked, &sentences, "en");
    let shapes = segment::shapes(masked, &sentences, &tokens);
    let mut doc = entities::tagger_doc(masked, &tokens, &shapes).into_owned();
    if !d.rewritten_headlines.is_empty() {
        doc.set_wire();
    }
    let gold_chunks = d.gold_chunks();
    // Per CoNLL token: its entity type and whether it opens the entity.
    let mut per_conll = vec![(0usize, false); spans.len()];
    for c in &gold_chunks {
        for i in c.tokens.clone() {
            if let Some(x) = per_conll.get_mut(i) {
                *x = (type_index(&c.label), i == c.tokens.start);
            }
        }
    }
    let mut gold = Vec::with_capacity(tokens.len());
    let mut conll_token = Vec::with_capacity(tokens.len());
    for (k, t) in tokens.iter().enumerate() {
        let ci = conll::tokens_of(&spans, t.span.start, t.span.end).map_or(usize::MAX, |r| r.start);
        conll_token.push(ci);
        let (ty, opens) = per_conll.get(ci).copied().unwrap_or((0, false));
        let tag = if ty == 0 {
            0
        } else {
            let first_piece = k == 0 || conll_token.get(k - 1) != Some(&ci);
            let prev = gold.last().copied().unwrap_or(0);
            let new_sentence = k == 0 || tokens[k - 1].sentence != t.sentence;
            // No name runs on across a possessive (see `Doc::prev_for_allowed`).
            let after_possessive = doc.prev_for_allowed(k, 1) == 0;
            if (opens && first_piece)
                || new_sentence
                || after_possessive
                || tagger::tag_parts(prev).0 != ty
            {
                2 * ty - 1
            } else {
                2 * ty
            }
        };
        gold.push(tag);
    }
    // Which CoNLL sentence each CoNLL token is in.
    let conll_sentence: Vec<usize> = d
        .sentences
        .iter()
        .enumerate()
        .flat_map(|(k, s)| std::iter::repeat_n(k, s.len()))
        .collect();
    let mut visit = vec![d.rewritten_headlines.is_empty(); sentences.len()];
    if !d.rewritten_headlines.is_empty() {
        for (t, &ci) in tokens.iter().zip(&conll_token) {
            if conll_sentence
                .get(ci)
                .is_some_and(|k| d.rewritten_headlines.contains(k))
                && let Some(v) = visit.get_mut(t.sentence)
            {
                *v = true;
            }
        }
    }
    Prepared {
        doc,
        gold,
        conll_token,
        gold_chunks,
        visit,
    }
}

/// The tagger's chunks of a prepared document, as CoNLL token ranges.
fn predicted_chunks(p: &Prepared, tags: &[usize]) -> Vec<Chunk> {
    tagger::chunks(&p.doc, tags)
        .into_iter()
        .filter_map(|(first, end, t)| {
            let a = *p.conll_token.get(first)?;
            let b = *p.conll_token.get(end.checked_sub(1)?)?;
            (a != usize::MAX && b != usize::MAX && a <= b).then(|| Chunk {
                tokens: a..b + 1,
                label: TYPE_NAMES[t].to_string(),
            })
        })
        .collect()
}

/// Scores the tagger alone on prepared documents.
pub(crate) fn score(model: &Model, docs: &[Prepared]) -> Scorer {
    let mut s = Scorer::default();
    for p in docs {
        let tags = model.tag(&p.doc);
        s.add(&p.gold_chunks, &predicted_chunks(p, &tags));
    }
    s
}

/// SplitMix64: a tiny generator whose sequence is fixed by its seed.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// Averaged weights with lazy averaging.
struct Weights {
    w: Vec<[f32; N]>,
    total: Vec<[f64; N]>,
    stamp: Vec<[u32; N]>,
    clock: u32,
}

impl Weights {
    fn new() -> Self {
        let rows = 1usize << tagger::HASH_BITS;
        Weights {
            w: vec![[0.0; N]; rows],
            total: vec![[0.0; N]; rows],
            stamp: vec![[0; N]; rows],
            clock: 0,
        }
    }

    fn scores(&self, feats: &[u32]) -> [f32; N] {
        let mut s = [0.0f32; N];
        for &f in feats {
            for (a, b) in s.iter_mut().zip(&self.w[f as usize]) {
                *a += b;
            }
        }
        s
    }

    fn update(&mut self, feats: &[u32], label: usize, delta: f32) {
        for &f in feats {
            let f = f as usize;
            let age = f64::from(self.clock - self.stamp[f][label]);
            self.total[f][label] += age * f64::from(self.w[f][label]);
            self.stamp[f][label] = self.clock;
            self.w[f][label] += delta;
        }
    }

    /// The averaged weights, quantised to i16, and the scale used.
    fn quantised(&self) -> (Vec<[i16; N]>, f32) {
        let clock = f64::from(self.clock.max(1));
        let avg: Vec<[f32; N]> = self
            .w
            .iter()
            .zip(&self.total)
            .zip(&self.stamp)
            .map(|((w, t), s)| {
                let mut r = [0.0f32; N];
                for k in 0..N {
                    let total = t[k] + f64::from(self.clock - s[k]) * f64::from(w[k]);
                    r[k] = (total / clock) as f32;
                }
                r
            })
            .collect();
        let max = avg
            .iter()
            .flat_map(|r| r.iter())
            .fold(0.0f32, |m, x| m.max(x.abs()));
        let scale = if max > 0.0 { 32767.0 / max } else { 1.0 };
        let rows = avg
            .iter()
            .map(|r| {
                let mut q = [0i16; N];
                for k in 0..N {
                    q[k] = (r[k] * scale).round().clamp(-32767.0, 32767.0) as i16;
                }
                q
            })
            .collect();
        (rows, scale)
    }
}

/// By how much the gold tag must outscore every other allowed tag before a
/// token stops moving the weights. Linear weights only compare scores, so
/// its size sets only the units of the weights and of `--misc-prior`.
const MARGIN: f32 = 1.0;

/// The shares of token visits during which features are hidden (0 to 1).
#[derive(Clone, Copy, Default)]
pub struct Dropout {
    /// The word's own identity features.
    pub word: f64,
    /// The name list features.
    pub lists: f64,
}

/// What training prints after each epoch.
pub struct EpochReport {
    /// 1-based.
    pub epoch: usize,
    /// Tokens whose tag was wrong during the epoch.
    pub train_errors: usize,
    /// Tokens seen.
    pub train_tokens: usize,
    /// Micro F1 (PER/ORG/LOC) of the tagger alone on each dev set.
    pub dev_f1: Vec<f64>,
}

/// The positions, in [`tagger::Doc::static_features`]' output, of the
/// features that name the word itself (its form, its lower-case form, and
/// the bigrams and conjunctions holding it); word dropout hides them.
const WORD_IDENTITY: [usize; 6] = [1, 2, 15, 16, 19, 23];

/// Trains for `epochs` passes and returns the encoded model. `on_epoch`
/// is told how each epoch went, scored on `dev` (tagger alone).
///
/// With `word_dropout` above 0, each token is, with that probability, seen
/// without its word-identity features (drawn from the same seeded
/// generator), so that the model also learns the shape, affix and context
/// features that carry over to names it never saw. With `list_dropout`
/// above 0, a token with name list features is, with that probability,
/// seen without them, so that a name missing from the lists still looks
/// like a name.
///
/// Sentences are visited in a shuffled order, so what a word recalls of its
/// earlier occurrences in the document (see [`tagger::History`]) comes from
/// the model of the previous epoch, which tags every training document
/// after each epoch as the tagger would; the first epoch recalls nothing.
pub fn train(
    train: &[Prepared],
    dev: &[Vec<Prepared>],
    epochs: usize,
    seed: u64,
    dropout: Dropout,
    mut on_epoch: impl FnMut(&EpochReport),
) -> Vec<u8> {
    let below = |p: f64| (p.clamp(0.0, 1.0) * u64::MAX as f64) as u64;
    let drop_below = below(dropout.word);
    let list_below = below(dropout.lists);
    // The static features of every token, computed once, and how many of
    // them (the last) are name list features.
    let mut stat: Vec<Vec<(Vec<u32>, usize)>> = Vec::with_capacity(train.len());
    for p in train {
        let mut per_doc = Vec::with_capacity(p.doc.len());
        for i in 0..p.doc.len() {
            let mut f = Vec::with_capacity(48);
            p.doc.static_features(i, &mut f);
            per_doc.push((f, p.doc.list_feature_count(i)));
        }
        stat.push(per_doc);
    }
    let mut order: Vec<(usize, Range<usize>)> = train
        .iter()
        .enumerate()
        .flat_map(|(d, p)| {
            p.doc
                .sentences()
                .enumerate()
                .filter(|(k, _)| p.visit.get(*k).copied().unwrap_or(true))
                .map(move |(_, s)| (d, s))
        })
        .filter(|(_, s)| !s.is_empty())
        .collect();
    let mut rng = SplitMix(seed);
    let mut weights = Weights::new();
    let mut feats: Vec<u32> = Vec::with_capacity(64);
    let start = N;
    let mut bytes = Vec::new();
    // What each token recalls of its word's earlier tags in its document,
    // as the model of the previous epoch tagged it (none in the first).
    let mut recalls: Vec<Vec<Option<(usize, bool)>>> =
        train.iter().map(|p| vec![None; p.doc.len()]).collect();
    for epoch in 1..=epochs {
        rng.shuffle(&mut order);
        let mut errors = 0;
        let mut seen = 0;
        for (d, s) in &order {
            let p = &train[*d];
            let (mut prev, mut prev2) = (start, start);
            for i in s.clone() {
                feats.clear();
                let (own, lists) = &stat[*d][i];
                feats.extend_from_slice(own);
                if *lists > 0 && list_below > 0 && rng.next() < list_below {
                    feats.truncate(feats.len().saturating_sub(*lists));
                }
                if drop_below > 0 && rng.next() < drop_below {
                    for &k in WORD_IDENTITY.iter().rev() {
                        if k < feats.len() {
                            feats.swap_remove(k);
                        }
                    }
                }
                let recalled = recalls[*d].get(i).copied().flatten();
                p.doc.tag_features(i, prev, prev2, recalled, &mut feats);
                let scores = weights.scores(&feats);
                let mut best = 0;
                let before = p.doc.prev_for_allowed(i, prev);
                for k in 1..N {
                    if tagger::allowed(before, k) && scores[k] > scores[best] {
                        best = k;
                    }
                }
                let gold = p.gold[i];
                weights.clock += 1;
                seen += 1;
                if best != gold {
                    errors += 1;
                }
                // The best-scoring tag other than the gold one: when it is
                // not beaten by the margin, both move, by the smallest step
                // after which it would be.
                let rival = (0..N)
                    .filter(|&k| k != gold && tagger::allowed(before, k))
                    .max_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(b.cmp(&a)));
                if let Some(rival) = rival {
                    let short = MARGIN - (scores[gold] - scores[rival]);
                    if short > 0.0 {
                        let step = short / (2 * feats.len().max(1)) as f32;
                        weights.update(&feats, gold, step);
                        weights.update(&feats, rival, -step);
                    }
                }
                prev2 = prev;
                prev = best;
            }
        }
        let (rows, scale) = weights.quantised();
        let Some(model) = Model::from_rows(rows).map(|m| m.scaled(scale)) else {
            break;
        };
        if epoch < epochs {
            for (r, p) in recalls.iter_mut().zip(train) {
                *r = p.doc.recalls(&model.tag(&p.doc));
            }
        }
        let dev_f1 = dev
            .iter()
            .map(|docs| score(&model, docs).micro(&super::ner::MICRO_TYPES).f1())
            .collect();
        on_epoch(&EpochReport {
            epoch,
            train_errors: errors,
            train_tokens: seen,
            dev_f1,
        });
        if epoch == epochs {
            bytes = model.encode(scale);
        }
    }
    bytes
}

/// Adds `delta` to the B-MISC prior of an encoded model (see
/// `train ner --misc-prior`); `false` when the bytes are no model.
pub fn shift_misc_prior(bytes: &mut [u8], delta: f32) -> bool {
    let b_misc = tagger::LABELS.iter().position(|&l| l == "B-MISC");
    b_misc.is_some_and(|k| Model::shift_prior(bytes, k, delta))
}

/// Splits documents into the part kept for training and the held-out part:
/// every `every`-th document (the `every`-th, `2 * every`-th, ...) is held
/// out. `every == 0` holds nothing out.
pub fn hold_out(docs: Vec<Document>, every: usize) -> (Vec<Document>, Vec<Document>) {
    let mut kept = Vec::new();
    let mut held = Vec::new();
    for (i, d) in docs.into_iter().enumerate() {
        if every > 0 && (i + 1) % every == 0 {
            held.push(d);
        } else {
            kept.push(d);
        }
    }
    (kept, held)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gold_tags_follow_docsift_tokens() {
        let docs = conll::parse(
            "Bosnian-Serb B-MISC\nleader O\nRadovan B-PER\nKaradzic I-PER\nspoke O\n.\n",
        );
        let p = prepare(&docs[0]);
        // Bosnian, Serb, leader, Radovan, Karadzic, spoke.
        assert_eq!(p.gold, vec![7, 8, 0, 1, 2, 0]);
        assert_eq!(p.conll_token, vec![0, 0, 1, 2, 3, 4]);
        let chunks = predicted_chunks(&p, &p.gold);
        assert_eq!(chunks, p.gold_chunks);
    }

    #[test]
    fn hold_out_takes_every_nth() {
        let docs: Vec<Document> = (0..10)
            .map(|i| conll::parse(&format!("w{i} O\n")).remove(0))
            .collect();
        let (kept, held) = hold_out(docs, 5);
        assert_eq!((kept.len(), held.len()), (8, 2));
        assert_eq!(held[0].sentences[0][0].text, "w4");
        assert_eq!(held[1].sentences[0][0].text, "w9");
    }

    #[test]
    fn a_copy_with_its_headline_in_title_case_trains_as_a_wire_story() {
        let docs = conll::parse(
            "-DOCSTART- O\n\nEU B-ORG\nREJECTS O\nGERMAN B-MISC\nCALL O\n.\n\nThe O\nEU B-ORG\nsaid O\nno O\n.\n",
        );
        assert!(!prepare(&docs[0]).doc.is_prose(), "a line in capitals");
        let copy = docs[0].with_title_case_headlines().expect("a headline");
        let prepared = prepare(&copy);
        assert!(!prepared.doc.is_prose(), "still a wire story");
        assert_eq!(prepared.visit, [true, false], "only the headline");
        assert_eq!(prepare(&docs[0]).visit, [true, true]);
        // The same text read fresh (as the service reads today's news) is
        // prose: it has no line in capitals.
        let plain = conll::Document {
            rewritten_headlines: Vec::new(),
            ..copy
        };
        assert!(prepare(&plain).doc.is_prose());
    }

    #[test]
    fn training_learns_a_separable_toy_set_deterministically() {
        let text = "-DOCSTART- O\n\nJohn B-PER\nvisited O\nParis B-LOC\n\n\
                    -DOCSTART- O\n\nMary B-PER\nlikes O\nRome B-LOC\n";
        let docs = conll::parse(text);
        let prepared: Vec<Prepared> = docs.iter().map(prepare).collect();
        let none = Dropout::default();
        let a = train(&prepared, &[], 5, 7, none, |_| {});
        let b = train(&prepared, &[], 5, 7, none, |_| {});
        assert_eq!(a, b, "same data and seed, same bytes");
        let model = Model::decode(&a).expect("decodes");
        let s = score(&model, &prepared);
        assert_eq!(s.micro(&["PER", "LOC"]).f1(), 1.0);
        // Word dropout draws from the seeded generator: still the same
        // bytes for the same seed, but another model than without it.
        let half = Dropout {
            word: 0.5,
            lists: 0.0,
        };
        let c = train(&prepared, &[], 5, 7, half, |_| {});
        let d = train(&prepared, &[], 5, 7, half, |_| {});
        assert_eq!(c, d, "same data, seed and dropout, same bytes");
        assert_ne!(a, c, "dropout hides features on some visits");
        // "John" and "Paris" are in the name lists: hiding their list
        // features on some visits makes another model.
        let lists = Dropout {
            word: 0.0,
            lists: 0.5,
        };
        assert!(prepared[0].doc.list_feature_count(0) > 0, "John is listed");
        let e = train(&prepared, &[], 5, 7, lists, |_| {});
        assert_eq!(e, train(&prepared, &[], 5, 7, lists, |_| {}));
        assert_ne!(a, e, "list dropout hides the list features at times");
    }
}
