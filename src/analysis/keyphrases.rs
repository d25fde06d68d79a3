//! Key phrases: noun-phrase-like runs of content words, scored by frequency,
//! position, length and a small background IDF.
//!
//! Candidates are n-grams of one to four adjacent tokens inside a sentence
//! that are not stopwords, contain a letter and are separated only by
//! whitespace (so no punctuation inside a phrase). Phrases with the same stems
//! are one phrase. The score is `count × position × length × idf`, where
//! position favours early first occurrences and idf is low for words that
//! are common in all news. Phrases are chosen greedily, each round
//! counting only occurrences not inside an already chosen phrase, so a word
//! does not repeat the phrase it belongs to. Scores are normalised so the best is 1.
//! A later issue replaces the built-in IDF with corpus document frequencies.

use std::sync::LazyLock;

use super::segment::Tok;
use super::{KeyPhrase, Span};
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

struct Phrase {
    /// (first token index, token count) of each occurrence.
    occurrences: Vec<usize>,
    words: usize,
    idf: f32,
    first_sentence: usize,
}

/// Extracts the top key phrases from the tokens of the masked text.
pub(crate) fn extract(text: &str, tokens: &[Tok], sentence_count: usize) -> Vec<KeyPhrase> {
    let mut phrases: FxHashMap<String, Phrase> = FxHashMap::default();
    let usable = |t: &Tok| !t.stop && t.alpha && t.norm.chars().count() >= 2;
    // A phrase neither starts nor ends with a word that says nothing of the
    // topic ("said", "would").
    let weights: Vec<f32> = tokens.iter().map(|t| weight(&t.norm)).collect();
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
                let idf = weights[start..end].iter().sum::<f32>() / len as f32;
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
    chosen
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
        .collect()
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
        extract(text, &t, s.len())
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
}
