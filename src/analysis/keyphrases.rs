//! Key phrases: noun-phrase-like runs of content words, scored by frequency,
//! position, length and their words' weight in English news.
//!
//! Candidates are n-grams of one to four adjacent tokens inside a sentence
//! that are not stopwords, contain a letter and are separated only by
//! whitespace (so no punctuation inside a phrase). Phrases with the same stems
//! are one phrase. The score is `count × position × length × idf`, where
//! position favours early first occurrences and idf is the mean over the
//! phrase's words of a hand-set weight (low for words that say nothing of a
//! topic: "said", "would", "monday") times the word's rarity in the
//! background model of English news (`background.rs`: hashed document
//! frequencies of Reuters-21578 and BBC News): a stem in at most 1% of its
//! documents weighs 1, a commoner one its IDF over that of the 1% point, at
//! least 0.2. Phrases start and end only on words whose hand-set weight is at
//! least 0.5. Phrases are chosen greedily, each round
//! counting only occurrences not inside an already chosen phrase, so a word
//! does not repeat the phrase it belongs to. Scores are normalised so the best is 1.
//!
//! A document going into a corpus (an ingest) is scored with the corpus's
//! document frequencies too: a stem's rarity is then the background rarity
//! and the same measure over the corpus, weighted `20 : N` for a corpus of
//! N documents, so a tenant's own vocabulary ("the company", a product name
//! in every document) sinks as its corpus grows. Stateless analysis uses the
//! background model alone.

use std::sync::LazyLock;

use super::background;
use super::segment::Tok;
use super::{CorpusFrequencies, KeyPhrase, Span, stem_key};
use rustc_hash::{FxHashMap, FxHashSet};

/// How many phrases are returned.
const TOP: usize = 10;
/// The longest phrase in tokens.
const MAX_WORDS: usize = 4;

/// Words so common in news, or so empty of topic, that they weigh little
/// (weight in 0..1, default 1).
const BACKGROUND: &str = "\
said:0.05 says:0.05 say:0.1 told:0.1 added:0.1 according:0.1 reporters:0.3 statement:0.4 also:0.05 \
would:0.05 could:0.05 going:0.1 get:0.1 getting:0.2 got:0.1 make:0.2 made:0.2 clear:0.3 seemed:0.1 \
seems:0.1 like:0.1 one:0.2 two:0.3 three:0.3 new:0.3 year:0.3 years:0.3 time:0.3 people:0.5 part:0.2 \
way:0.2 day:0.3 days:0.3 week:0.3 weeks:0.3 month:0.3 months:0.3 coming:0.3 including:0.1 well:0.1 \
many:0.1 much:0.1 told:0.1 think:0.2 want:0.2 know:0.2 take:0.2 took:0.3 use:0.2 used:0.2 need:0.2 \
news:0.4 report:0.4 reported:0.3 official:0.4 officials:0.4 government:0.6 country:0.5 world:0.5 \
monday:0.3 tuesday:0.3 wednesday:0.3 thursday:0.3 friday:0.3 saturday:0.3 sunday:0.3 today:0.2 \
yesterday:0.2 mr:0.1 mrs:0.1 ms:0.1 there's:0.05 we're:0.05 they're:0.05 it's:0.05 let's:0.05 \
able:0.1 already:0.1 here:0.1 there:0.1 clearly:0.1 directly:0.2 additional:0.3 some:0.05 \
any:0.05 specific:0.3 own:0.1 top:0.3 began:0.3 begin:0.3 both:0.05 seeking:0.3 gain:0.4 bring:0.2";

static BACKGROUND_WEIGHTS: LazyLock<FxHashMap<&'static str, f32>> = LazyLock::new(|| {
    BACKGROUND
        .split_whitespace()
        .filter_map(|pair| {
            let (w, v) = pair.split_once(':')?;
            Some((w, v.parse::<f32>().ok()?))
        })
        .collect()
});

fn weight(norm: &str) -> f32 {
    BACKGROUND_WEIGHTS.get(norm).copied().unwrap_or(1.0)
}

/// A stem in at most this share of the background model's news documents
/// counts in full; a commoner one in proportion to its IDF.
const RARE_SHARE: f32 = 0.01;
/// The least weight a stem gets for being common in news.
const COMMON_FLOOR: f32 = 0.2;

/// The background model and the IDF at which a stem counts in full.
static BACKGROUND_MODEL: LazyLock<Option<(background::Model<'static>, f32)>> =
    LazyLock::new(|| {
        let m = background::model().filter(|m| m.documents > 0)?;
        let n = m.documents as f32 + 1.0;
        Some((m, (n / (RARE_SHARE * n + 1.0)).ln()))
    });

/// How rare a stem is in English news, `COMMON_FLOOR..=1` (1: rare): its
/// IDF in the background model over the IDF of a stem in [`RARE_SHARE`] of
/// the documents.
fn rarity(stem: &str) -> f32 {
    let Some((m, _)) = *BACKGROUND_MODEL else {
        return 1.0;
    };
    relative_idf(m.documents, m.df(stem))
}

/// A stem's IDF in a collection of `documents` over the IDF of a stem in
/// [`RARE_SHARE`] of them, `COMMON_FLOOR..=1`; 1 for an empty collection.
fn relative_idf(documents: u32, df: u32) -> f32 {
    if documents == 0 {
        return 1.0;
    }
    let n = documents as f32 + 1.0;
    let full = (n / (RARE_SHARE * n + 1.0)).ln();
    let idf = (n / (df.min(documents) as f32 + 1.0)).ln();
    if full > 0.0 {
        (idf / full).clamp(COMMON_FLOOR, 1.0)
    } else {
        1.0
    }
}

/// The corpus size at which the corpus's document frequencies weigh as
/// much as the background model's; a corpus of N documents weighs
/// `N / (N + CORPUS_HALF_WEIGHT)`.
const CORPUS_HALF_WEIGHT: f32 = 20.0;

/// The rarity of each of `stems` (distinct), from the background model,
/// blended with the corpus's document frequencies when there is a corpus,
/// and the stems' keys ([`stem_key`]) ascending, without repeats.
fn rarities(stems: &[&str], corpus: Option<&dyn CorpusFrequencies>) -> (Vec<f32>, Vec<u32>) {
    let mut rarities: Vec<f32> = stems.iter().map(|s| rarity(s)).collect();
    let keys: Vec<u32> = stems.iter().map(|s| stem_key(s)).collect();
    if let Some(corpus) = corpus {
        let mut dfs = Vec::with_capacity(keys.len());
        let documents = corpus.frequencies(&keys, &mut dfs);
        if documents > 0 {
            let n = documents as f32;
            let share = n / (n + CORPUS_HALF_WEIGHT);
            for (r, &df) in rarities.iter_mut().zip(&dfs) {
                *r = (1.0 - share) * *r + share * relative_idf(documents, df);
            }
        }
    }
    let mut sorted = keys;
    sorted.sort_unstable();
    sorted.dedup();
    (rarities, sorted)
}

/// A candidate phrase: n-grams of the same stems, in the order of first use.
struct Candidate {
    /// The first token of its first occurrence.
    first: usize,
    words: usize,
    idf: f32,
    first_sentence: usize,
    /// Where its occurrences stand in the flat list of all occurrences.
    from: usize,
    to: usize,
}

/// Whether a token can be part of a phrase: no stopword, holds a letter and
/// is at least two characters long.
fn usable(t: &Tok) -> bool {
    !t.stop && t.alpha && t.norm.chars().nth(1).is_some()
}

/// Whether the tokens at `a` and `b` (adjacent) are separated by spaces alone.
fn spaces_between(text: &str, a: &Tok, b: &Tok) -> bool {
    text.get(a.span.end..b.span.start)
        .is_some_and(|g| !g.is_empty() && g.bytes().all(|c| c == b' '))
}

/// Extracts the top key phrases from the tokens of the masked text, and
/// the keys of the stems phrases are made of (for a corpus to count).
#[inline(never)]
pub(crate) fn extract(
    text: &str,
    tokens: &[Tok],
    sentence_count: usize,
    corpus: Option<&dyn CorpusFrequencies>,
) -> (Vec<KeyPhrase>, Vec<u32>) {
    // Phrases are told apart by their stems numbered, which is the same as
    // by their stems joined with spaces as long as no stem holds a space.
    let numbered = u32::try_from(tokens.len()).is_ok_and(|n| n < u32::MAX)
        && !tokens.iter().any(|t| t.stem.contains(' ') && usable(t));
    if numbered {
        extract_numbered(text, tokens, sentence_count, corpus)
    } else {
        extract_by_text_keys(text, tokens, sentence_count, corpus)
    }
}

/// [`extract`] with phrases keyed by the numbers of their stems: no string
/// per n-gram, and the number of uncovered occurrences of every phrase kept
/// up to date as phrases are chosen instead of counted again each round.
/// The candidates, their order and every score are those of
/// [`extract_by_text_keys`].
fn extract_numbered(
    text: &str,
    tokens: &[Tok],
    sentence_count: usize,
    corpus: Option<&dyn CorpusFrequencies>,
) -> (Vec<KeyPhrase>, Vec<u32>) {
    // Per token: its stem's number (from 1; 0 when the token is not usable)
    // and its background weight.
    // Sized ahead, so that it never grows (only looked up, never walked).
    let mut stem_ids: FxHashMap<&str, u32> =
        FxHashMap::with_capacity_and_hasher(tokens.len().min(1 << 14), rustc_hash::FxBuildHasher);
    // The stems by number - 1.
    let mut stems: Vec<&str> = Vec::with_capacity(tokens.len());
    let mut ids = vec![0u32; tokens.len()];
    let mut weights = vec![0f32; tokens.len()];
    for (k, t) in tokens.iter().enumerate() {
        if usable(t) {
            let next = u32::try_from(stem_ids.len() + 1).unwrap_or(u32::MAX);
            let id = *stem_ids.entry(t.stem.as_str()).or_insert(next);
            if id == next && stems.len() < id as usize {
                stems.push(t.stem.as_str());
            }
            ids[k] = id;
            weights[k] = weight(&t.norm);
        }
    }
    // Each stem's rarity, by its number - 1, looked up once per stem.
    let (rarities, stem_keys) = rarities(&stems, corpus);
    let idfs: Vec<f32> = ids
        .iter()
        .zip(&weights)
        .map(|(&id, &w)| match id {
            0 => 0.0,
            id => w * rarities.get(id as usize - 1).copied().unwrap_or(1.0),
        })
        .collect();
    // A phrase neither starts nor ends with a word that says nothing of the
    // topic ("said", "would").
    let edge_ok = |k: usize| weights[k] >= 0.5;

    // At most `MAX_WORDS` n-grams start at each usable token: sized for
    // that, so that none of these grows.
    let most = ids.iter().filter(|&&id| id != 0).count() * MAX_WORDS;
    let mut by_key: FxHashMap<u128, usize> =
        FxHashMap::with_capacity_and_hasher(most, rustc_hash::FxBuildHasher);
    let mut candidates: Vec<Candidate> = Vec::with_capacity(most);
    // Each counted n-gram as (first token, phrase), in the order found.
    let mut found: Vec<(usize, usize)> = Vec::with_capacity(most);
    // For the n-gram of `len` tokens at `start`, at `start * MAX_WORDS + len
    // - 1`: its phrase + 1 while not every token of it is covered, else 0.
    let mut open = vec![0usize; tokens.len() * MAX_WORDS];
    let mut i = 0;
    while i < tokens.len() {
        if ids[i] == 0 {
            i += 1;
            continue;
        }
        // The maximal run of usable tokens joined by spaces alone.
        let mut j = i + 1;
        while j < tokens.len()
            && ids[j] != 0
            && tokens[j].sentence == tokens[i].sentence
            && spaces_between(text, &tokens[j - 1], &tokens[j])
        {
            j += 1;
        }
        for start in i..j {
            if !edge_ok(start) {
                continue;
            }
            let mut key = 0u128;
            for len in 1..=MAX_WORDS.min(j - start) {
                let end = start + len;
                key |= u128::from(ids[end - 1]) << (32 * (len - 1));
                if !edge_ok(end - 1) {
                    continue;
                }
                let next = candidates.len();
                let phrase = *by_key.entry(key).or_insert(next);
                if phrase == next {
                    let idf = idfs[start..end].iter().sum::<f32>() / len as f32;
                    candidates.push(Candidate {
                        first: start,
                        words: len,
                        idf,
                        first_sentence: tokens[start].sentence,
                        from: 0,
                        to: 0,
                    });
                }
                found.push((start, phrase));
                open[start * MAX_WORDS + len - 1] = phrase + 1;
            }
        }
        i = j;
    }

    // The occurrences of each phrase together, in the order found.
    let mut free = vec![0usize; candidates.len()];
    for &(_, p) in &found {
        free[p] += 1;
    }
    let mut at = 0;
    for (c, &n) in candidates.iter_mut().zip(&free) {
        c.from = at;
        c.to = at;
        at += n;
    }
    let mut occurrences = vec![0usize; found.len()];
    for &(start, p) in &found {
        let c = &mut candidates[p];
        occurrences[c.to] = start;
        c.to += 1;
    }

    // In key order (stems joined by spaces), which breaks ties between equal
    // scores. Keys are unique, so the order is too.
    let mut keys = String::new();
    let mut key_at: Vec<(usize, usize)> = Vec::with_capacity(candidates.len());
    for c in &candidates {
        let from = keys.len();
        for (n, t) in tokens[c.first..c.first + c.words].iter().enumerate() {
            if n > 0 {
                keys.push(' ');
            }
            keys.push_str(&t.stem);
        }
        key_at.push((from, keys.len()));
    }
    // Sorted by their first eight bytes first (zero-padded, which orders
    // as the strings do), then by the whole key.
    let mut sorted: Vec<(u64, &str, usize)> = key_at
        .iter()
        .enumerate()
        .map(|(p, &(from, to))| {
            let key = keys.get(from..to).unwrap_or_default();
            let mut head = [0u8; 8];
            for (h, b) in head.iter_mut().zip(key.bytes()) {
                *h = b;
            }
            (u64::from_be_bytes(head), key, p)
        })
        .collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    let mut pool: Vec<usize> = sorted.iter().map(|&(_, _, p)| p).collect();

    let sentences = sentence_count.max(1) as f32;
    let score_of = |p: &Candidate, count: usize| {
        let position = 2.0 - (p.first_sentence as f32 / sentences).min(1.0);
        let length = 1.0 + 0.6 * (p.words as f32 - 1.0);
        count as f32 * position * length * p.idf
    };
    let mut scores: Vec<f32> = candidates
        .iter()
        .zip(&free)
        .map(|(c, &n)| score_of(c, n))
        .collect();
    // Greedy choice: each round takes the best phrase, counting only the
    // occurrences not already inside a chosen phrase, so "State" does not
    // repeat "Islamic State". Ties go to the first in the pool, which changes
    // order as chosen phrases are swapped out of it.
    let mut covered = vec![false; tokens.len()];
    let mut newly: Vec<usize> = Vec::new();
    let mut chosen: Vec<(f32, usize)> = Vec::new();
    let mut seen_text: Vec<String> = Vec::new();
    while chosen.len() < TOP && !pool.is_empty() {
        let mut best: Option<(f32, usize)> = None;
        for (idx, &p) in pool.iter().enumerate() {
            let score = scores[p];
            if free[p] > 0 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, idx));
            }
        }
        let Some((score, idx)) = best else { break };
        let p = pool.swap_remove(idx);
        let c = &candidates[p];
        let occ = occurrences.get(c.from..c.to).unwrap_or_default();
        let first = occ
            .iter()
            .copied()
            .find(|&s| {
                open.get(s * MAX_WORDS + c.words - 1)
                    .is_some_and(|&o| o != 0)
            })
            .unwrap_or_default();
        let shown = phrase_span(tokens, first, c.words)
            .and_then(|s| text.get(s.start..s.end))
            .unwrap_or_default()
            .to_lowercase();
        if seen_text.contains(&shown) {
            continue;
        }
        seen_text.push(shown);
        newly.clear();
        for &s in occ {
            for k in s..s + c.words {
                if let Some(cov) = covered.get_mut(k)
                    && !*cov
                {
                    *cov = true;
                    newly.push(k);
                }
            }
        }
        // The n-grams covered whole by this choice lose an occurrence.
        for &k in &newly {
            for start in k.saturating_sub(MAX_WORDS - 1)..=k {
                for len in k - start + 1..=MAX_WORDS {
                    let Some(slot) = open.get_mut(start * MAX_WORDS + len - 1) else {
                        continue;
                    };
                    if *slot == 0
                        || !covered
                            .get(start..start + len)
                            .is_some_and(|r| r.iter().all(|&v| v))
                    {
                        continue;
                    }
                    let q = *slot - 1;
                    *slot = 0;
                    free[q] -= 1;
                    scores[q] = score_of(&candidates[q], free[q]);
                }
            }
        }
        chosen.push((score, p));
    }
    let best = chosen
        .first()
        .map_or(1.0, |(s, _)| *s)
        .max(f32::MIN_POSITIVE);
    let phrases = chosen
        .into_iter()
        .map(|(score, p)| {
            let c = &candidates[p];
            let spans: Vec<Span> = occurrences
                .get(c.from..c.to)
                .unwrap_or_default()
                .iter()
                .filter_map(|&s| phrase_span(tokens, s, c.words))
                .collect();
            let first = spans.first().copied().unwrap_or_default();
            KeyPhrase {
                text: text
                    .get(first.start..first.end)
                    .unwrap_or_default()
                    .to_string(),
                score: (score / best).clamp(0.0, 1.0),
                count: u32::try_from(spans.len()).unwrap_or(u32::MAX),
                spans,
            }
        })
        .collect();
    (phrases, stem_keys)
}

struct Phrase {
    /// The first token of each occurrence.
    occurrences: Vec<usize>,
    words: usize,
    idf: f32,
    first_sentence: usize,
}

/// [`extract`] with phrases keyed by their stems joined with spaces, which
/// also holds when a stem has a space in it. The reference for
/// [`extract_numbered`].
fn extract_by_text_keys(
    text: &str,
    tokens: &[Tok],
    sentence_count: usize,
    corpus: Option<&dyn CorpusFrequencies>,
) -> (Vec<KeyPhrase>, Vec<u32>) {
    let mut phrases: FxHashMap<String, Phrase> = FxHashMap::default();
    let usable = |t: &Tok| !t.stop && t.alpha && t.norm.chars().count() >= 2;
    // Each usable stem once, in order of first use, and its rarity.
    let mut stems: Vec<&str> = Vec::new();
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    for t in tokens.iter().filter(|t| usable(t)) {
        if seen.insert(t.stem.as_str()) {
            stems.push(t.stem.as_str());
        }
    }
    let (rarity_list, keys) = rarities(&stems, corpus);
    let rarity_of: FxHashMap<&str, f32> = stems.iter().copied().zip(rarity_list).collect();
    // A phrase neither starts nor ends with a word that says nothing of the
    // topic ("said", "would").
    let weights: Vec<f32> = tokens.iter().map(|t| weight(&t.norm)).collect();
    let idfs: Vec<f32> = tokens
        .iter()
        .zip(&weights)
        .map(|(t, w)| w * rarity_of.get(t.stem.as_str()).copied().unwrap_or(0.0))
        .collect();
    let edge_ok = |k: usize| weights[k] >= 0.5;
    let mut key = String::new();
    let mut i = 0;
    while i < tokens.len() {
        if !usable(&tokens[i]) {
            i += 1;
            continue;
        }
        // The maximal run of usable tokens joined by spaces alone.
        let mut j = i + 1;
        while j < tokens.len()
            && usable(&tokens[j])
            && tokens[j].sentence == tokens[i].sentence
            && text
                .get(tokens[j - 1].span.end..tokens[j].span.start)
                .is_some_and(|g| !g.is_empty() && g.chars().all(|c| c == ' '))
        {
            j += 1;
        }
        for start in i..j {
            // The key of the n-gram at `start` grows by one stem per length.
            key.clear();
            for len in 1..=MAX_WORDS.min(j - start) {
                let end = start + len;
                if len > 1 {
                    key.push(' ');
                }
                key.push_str(&tokens[end - 1].stem);
                if !edge_ok(start) || !edge_ok(end - 1) {
                    continue;
                }
                if let Some(entry) = phrases.get_mut(key.as_str()) {
                    entry.occurrences.push(start);
                    continue;
                }
                let idf = idfs[start..end].iter().sum::<f32>() / len as f32;
                phrases.insert(
                    key.clone(),
                    Phrase {
                        occurrences: vec![start],
                        words: len,
                        idf,
                        first_sentence: tokens[start].sentence,
                    },
                );
            }
        }
        i = j;
    }

    let sentences = sentence_count.max(1) as f32;
    let score_of = |p: &Phrase, count: usize| {
        let position = 2.0 - (p.first_sentence as f32 / sentences).min(1.0);
        let length = 1.0 + 0.6 * (p.words as f32 - 1.0);
        count as f32 * position * length * p.idf
    };
    // In key order, which breaks ties between equal scores.
    let mut pool: Vec<(&String, &Phrase)> = phrases.iter().collect();
    pool.sort_unstable_by(|a, b| a.0.cmp(b.0));
    // Greedy choice: each round takes the best phrase, counting only the
    // occurrences not already inside a chosen phrase, so "State" does not
    // repeat "Islamic State".
    let mut covered = vec![false; tokens.len()];
    let mut chosen: Vec<(f32, &Phrase, Vec<usize>)> = Vec::new();
    let mut seen_text: FxHashSet<String> = FxHashSet::default();
    while chosen.len() < TOP && !pool.is_empty() {
        let mut best: Option<(f32, usize)> = None;
        for (idx, (_, p)) in pool.iter().enumerate() {
            let free = p
                .occurrences
                .iter()
                .filter(|&&s| !(s..s + p.words).all(|k| covered.get(k).copied().unwrap_or(false)))
                .count();
            let score = score_of(p, free);
            if free > 0 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, idx));
            }
        }
        let Some((score, idx)) = best else { break };
        let (_, p) = pool.swap_remove(idx);
        let free: Vec<usize> = p
            .occurrences
            .iter()
            .copied()
            .filter(|&s| !(s..s + p.words).all(|k| covered.get(k).copied().unwrap_or(false)))
            .collect();
        let first = free.first().copied().unwrap_or_default();
        let shown = phrase_span(tokens, first, p.words)
            .and_then(|s| text.get(s.start..s.end))
            .unwrap_or_default()
            .to_lowercase();
        if !seen_text.insert(shown) {
            continue;
        }
        for &s in &p.occurrences {
            for k in s..s + p.words {
                if let Some(c) = covered.get_mut(k) {
                    *c = true;
                }
            }
        }
        chosen.push((score, p, p.occurrences.clone()));
    }
    let best = chosen
        .first()
        .map_or(1.0, |(s, _, _)| *s)
        .max(f32::MIN_POSITIVE);
    let phrases = chosen
        .into_iter()
        .map(|(score, p, occurrences)| {
            let spans: Vec<Span> = occurrences
                .iter()
                .filter_map(|&s| phrase_span(tokens, s, p.words))
                .collect();
            let first = spans.first().copied().unwrap_or_default();
            KeyPhrase {
                text: text
                    .get(first.start..first.end)
                    .unwrap_or_default()
                    .to_string(),
                score: (score / best).clamp(0.0, 1.0),
                count: u32::try_from(spans.len()).unwrap_or(u32::MAX),
                spans,
            }
        })
        .collect();
    (phrases, keys)
}

fn phrase_span(tokens: &[Tok], start: usize, words: usize) -> Option<Span> {
    let first = tokens.get(start)?;
    let last = tokens.get(start + words.checked_sub(1)?)?;
    Some(Span::new(first.span.start, last.span.end))
}

#[cfg(test)]
mod tests {
    use super::super::segment;
    use super::*;

    fn phrases(text: &str) -> Vec<KeyPhrase> {
        let s = segment::sentences(text);
        let t = segment::tokens(text, &s, "en");
        extract(text, &t, s.len(), None).0
    }

    #[test]
    fn repeated_multiword_phrases_win() {
        let text = "Air strikes hit the city. More air strikes followed, officials said. The air strikes stopped at dawn.";
        let k = phrases(text);
        assert_eq!(k[0].text, "Air strikes");
        assert_eq!(k[0].count, 3);
        assert_eq!(k[0].score, 1.0);
        assert!(k.iter().all(|p| p.text != "said"));
        for p in &k {
            for s in &p.spans {
                assert!(text.get(s.start..s.end).is_some());
            }
        }
    }

    #[test]
    fn no_punctuation_inside_and_non_ascii() {
        let text = "Grève générale, grève générale à Zürich! Die Grève générale continue.";
        let k = phrases(text);
        assert!(k.iter().all(|p| !p.text.contains(',')));
        assert_eq!(k[0].text.to_lowercase(), "grève générale");
        assert_eq!(k[0].count, 3);
        assert!(phrases("").is_empty());
    }

    /// A small deterministic generator (64-bit LCG).
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) as usize) % n
        }
    }

    /// Text and tokens built at random from a small vocabulary, so that
    /// phrases repeat, scores tie, stems are shared by different words
    /// (with different weights), the same text has different stems, and
    /// stopwords, numbers, short words and punctuation break runs.
    fn generated(rng: &mut Lcg) -> (String, Vec<Tok>, usize) {
        // (text, stem, stop, alpha)
        const WORDS: &[(&str, &str, bool, bool)] = &[
            ("air", "air", false, true),
            ("Air", "air", false, true),
            ("strikes", "strike", false, true),
            ("strike", "strike", false, true),
            ("Strike", "strike", false, true),
            ("bank", "bank", false, true),
            ("bank", "banc", false, true),
            ("BANK", "bank", false, true),
            ("report", "report", false, true),
            ("reported", "report", false, true),
            ("said", "said", false, true),
            ("new", "new", false, true),
            ("government", "govern", false, true),
            ("officials", "offici", false, true),
            ("official", "offici", false, true),
            ("raqqa", "raqqa", false, true),
            ("grève", "grève", false, true),
            ("Σίσυφος", "σίσυφος", false, true),
            ("the", "the", true, true),
            ("of", "of", true, true),
            ("x", "x", false, true),
            ("1987", "1987", false, false),
        ];
        const GAPS: &[&str] = &[" ", " ", " ", " ", "  ", ", ", "\n", " - ", ". "];
        let n = rng.below(60);
        let mut text = String::new();
        let mut tokens = Vec::new();
        let mut sentence = 0;
        for k in 0..n {
            if k > 0 {
                let gap = GAPS[rng.below(GAPS.len())];
                text.push_str(gap);
                if gap == ". " {
                    sentence += 1;
                }
            }
            let (word, stem, stop, alpha) = WORDS[rng.below(WORDS.len())];
            let start = text.len();
            text.push_str(word);
            let norm = word.to_lowercase();
            tokens.push(Tok {
                span: Span::new(start, text.len()),
                valence: crate::analysis::sentiment::valence_of(&norm),
                key: crate::analysis::tagger::hash_str(&norm),
                norm: norm.into(),
                stem: stem.into(),
                stop,
                alpha,
                syllables: 1,
                sentence,
            });
        }
        (text, tokens, sentence + 1)
    }

    fn same(a: &[KeyPhrase], b: &[KeyPhrase]) -> bool {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                x.text == y.text
                    && x.score.to_bits() == y.score.to_bits()
                    && x.count == y.count
                    && x.spans == y.spans
            })
    }

    #[test]
    fn numbered_keys_choose_as_text_keys_do() {
        let mut rng = Lcg(7);
        for round in 0..20_000 {
            let (text, tokens, sentences) = generated(&mut rng);
            // Also with a sentence count that is not the true one.
            let count = if round % 3 == 0 {
                sentences
            } else {
                rng.below(8)
            };
            let fast = extract_numbered(&text, &tokens, count, None);
            let reference = extract_by_text_keys(&text, &tokens, count, None);
            assert!(
                same(&fast.0, &reference.0),
                "{text:?}\n{fast:?}\n{reference:?}"
            );
            assert_eq!(fast.1, reference.1);
        }
    }

    #[test]
    fn stems_with_spaces_are_keyed_by_text() {
        let text = "ab cd ab cd";
        let mk = |start: usize, end: usize, stem: &str| Tok {
            span: Span::new(start, end),
            norm: text[start..end].into(),
            stem: stem.into(),
            stop: false,
            alpha: true,
            syllables: 1,
            valence: crate::analysis::sentiment::valence_of(&text[start..end]),
            key: crate::analysis::tagger::hash_str(&text[start..end]),
            sentence: 0,
        };
        let tokens = vec![
            mk(0, 2, "a b"),
            mk(3, 5, "c"),
            mk(6, 8, "a"),
            mk(9, 11, "b c"),
        ];
        let k = extract(text, &tokens, 1, None).0;
        assert!(same(&k, &extract_by_text_keys(text, &tokens, 1, None).0));
        assert_eq!(k[0].count, 2);
    }

    /// A corpus of `documents` documents in which each listed stem occurs
    /// in `df` of them.
    #[derive(Debug)]
    struct Corpus {
        documents: u32,
        df: FxHashMap<u32, u32>,
    }

    impl Corpus {
        fn new(documents: u32, stems: &[(&str, u32)]) -> Corpus {
            Corpus {
                documents,
                df: stems.iter().map(|&(s, n)| (stem_key(s), n)).collect(),
            }
        }
    }

    impl CorpusFrequencies for Corpus {
        fn frequencies(&self, stems: &[u32], out: &mut Vec<u32>) -> u32 {
            out.clear();
            out.extend(stems.iter().map(|k| self.df.get(k).copied().unwrap_or(0)));
            self.documents
        }
    }

    fn rank(phrases: &[KeyPhrase], text: &str) -> usize {
        phrases
            .iter()
            .position(|p| p.text.eq_ignore_ascii_case(text))
            .unwrap_or(usize::MAX)
    }

    #[test]
    fn corpus_frequencies_sink_a_corpus_wide_word() {
        let text = "The refinery and the pipeline reopened. Workers at the pipeline and the refinery returned on Monday.";
        let s = segment::sentences(text);
        let t = segment::tokens(text, &s, "en");
        let stem = |word: &str| {
            t.iter()
                .find(|t| t.norm == word)
                .map(|t| t.stem.to_string())
                .unwrap_or_default()
        };
        let (pipeline, refinery) = (stem("pipeline"), stem("refinery"));
        let (alone, keys) = extract(text, &t, s.len(), None);
        // The stems are reported whatever the corpus, sorted and distinct.
        assert!(keys.contains(&stem_key(&pipeline)) && keys.contains(&stem_key(&refinery)));
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        // A corpus where every document speaks of pipelines, and one where
        // every document speaks of refineries.
        let pipelines = Corpus::new(200, &[(&pipeline, 200)]);
        let refineries = Corpus::new(200, &[(&refinery, 200)]);
        let (in_pipelines, keys_a) = extract(text, &t, s.len(), Some(&pipelines));
        let (in_refineries, keys_b) = extract(text, &t, s.len(), Some(&refineries));
        assert_eq!((&keys_a, &keys_b), (&keys, &keys));
        assert!(
            rank(&in_pipelines, "refinery") < rank(&in_pipelines, "pipeline"),
            "{in_pipelines:?}"
        );
        assert!(
            rank(&in_refineries, "pipeline") < rank(&in_refineries, "refinery"),
            "{in_refineries:?}"
        );
        // An empty corpus changes nothing.
        let (empty, _) = extract(text, &t, s.len(), Some(&Corpus::new(0, &[])));
        assert!(same(&empty, &alone));
        // Both ways of keying phrases agree with a corpus too.
        let fast = extract_numbered(text, &t, s.len(), Some(&pipelines));
        let reference = extract_by_text_keys(text, &t, s.len(), Some(&pipelines));
        assert!(same(&fast.0, &reference.0) && fast.1 == reference.1);
    }

    #[test]
    fn a_small_corpus_weighs_little() {
        assert!((relative_idf(0, 0) - 1.0).abs() < f32::EPSILON);
        assert!((relative_idf(1000, 0) - 1.0).abs() < f32::EPSILON);
        assert!((relative_idf(1000, 1000) - COMMON_FLOOR).abs() < f32::EPSILON);
        // A df above the corpus size (a store counting concurrently) is capped.
        assert!((relative_idf(10, 50) - COMMON_FLOOR).abs() < f32::EPSILON);
    }
}
