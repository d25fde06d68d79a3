//! Highlighting: the best fragment of a field with the matched query terms
//! as byte spans.
//!
//! tantivy's `SnippetGenerator` highlights single terms only and starts its
//! fragments at the first match; this highlighter also marks whole phrase
//! occurrences and prefix matches, and puts context on both sides.

use std::collections::HashMap;

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::Span;

/// What to look for in a field's tokens (already analysed: lower-cased, folded,
/// stemmed like the index).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Matcher {
    /// One token.
    Term(String),
    /// Tokens in order, with up to `slop` other tokens in between in all.
    Phrase {
        /// The tokens.
        terms: Vec<String>,
        /// How many other tokens may stand between them.
        slop: u32,
    },
    /// A word starting with this (lower-cased and folded, not stemmed).
    Prefix(String),
}

/// A token of the field and where it stands.
struct Tok {
    /// As indexed (stemmed).
    text: String,
    /// Lower-cased and folded but not stemmed, for prefixes.
    word: String,
    start: usize,
    end: usize,
}

/// Highlights text analysed as the index analyses titles and bodies.
#[derive(Clone)]
pub(crate) struct Highlighter {
    /// The stemming analyzer of titles and bodies.
    text: TextAnalyzer,
    /// The same without stemming, for prefixes.
    words: TextAnalyzer,
}

/// A match of the text: its byte range and its weight (phrases outweigh terms).
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    weight: usize,
}

impl Highlighter {
    /// Builds a highlighter from the stemming analyzer and the same analyzer
    /// without stemming (both must split text into the same tokens).
    pub(crate) fn new(text: TextAnalyzer, words: TextAnalyzer) -> Highlighter {
        Highlighter { text, words }
    }

    /// Finds the best fragment of about `max_chars` characters of `text` and
    /// the byte spans of the matches in it; `None` when nothing matches.
    pub(crate) fn highlight(
        &self,
        text: &str,
        matchers: &[Matcher],
        max_chars: usize,
    ) -> Option<(String, Vec<Span>)> {
        highlight(self, text, matchers, max_chars)
    }
}

fn highlight(
    highlighter: &Highlighter,
    text: &str,
    matchers: &[Matcher],
    max_chars: usize,
) -> Option<(String, Vec<Span>)> {
    if matchers.is_empty() || text.is_empty() {
        return None;
    }
    let max_chars = max_chars.max(1);
    let tokens = tokenize(highlighter, text);
    let hits = find_hits(&tokens, matchers);
    if hits.is_empty() {
        return None;
    }
    // The best window: the run of consecutive hits, starting at some hit,
    // that fits in `max_chars` characters and weighs the most; the first
    // such run wins ties, so results are deterministic.
    let mut best = (0usize, 0usize, 0usize);
    for first in 0..hits.len() {
        let mut weight = 0;
        let mut last = first;
        for (index, hit) in hits.iter().enumerate().skip(first) {
            let span_chars = char_count(text, hits[first].start, hit.end);
            if index > first && span_chars > max_chars {
                break;
            }
            weight += hit.weight;
            last = index;
        }
        if weight > best.0 {
            best = (weight, first, last);
        }
    }
    let (_, first, last) = best;
    let (start, end) = window(text, hits[first].start, hits[last].end, max_chars);
    let fragment = text.get(start..end)?.to_string();
    let spans = hits[first..=last]
        .iter()
        .filter(|hit| hit.start >= start && hit.end <= end)
        .map(|hit| Span::new(hit.start - start, hit.end - start))
        .collect();
    Some((fragment, spans))
}

fn tokenize(highlighter: &Highlighter, text: &str) -> Vec<Tok> {
    let mut words = HashMap::new();
    let mut analyzer = highlighter.words.clone();
    analyzer.token_stream(text).process(&mut |token| {
        words.insert(token.offset_from, token.text.clone());
    });
    let mut analyzer = highlighter.text.clone();
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    stream.process(&mut |token| {
        // Offsets come from the tokenizer and are char boundaries of `text`;
        // checking keeps a faulty analyzer from producing unsliceable spans.
        if token.offset_from < token.offset_to
            && token.offset_to <= text.len()
            && text.is_char_boundary(token.offset_from)
            && text.is_char_boundary(token.offset_to)
        {
            out.push(Tok {
                text: token.text.clone(),
                word: words.remove(&token.offset_from).unwrap_or_default(),
                start: token.offset_from,
                end: token.offset_to,
            });
        }
    });
    out
}

/// Every match of every matcher, sorted and with overlaps merged.
fn find_hits(tokens: &[Tok], matchers: &[Matcher]) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        for matcher in matchers {
            match matcher {
                Matcher::Term(term) if token.text == *term => hits.push(Hit {
                    start: token.start,
                    end: token.end,
                    weight: 1,
                }),
                Matcher::Prefix(prefix) if token.word.starts_with(prefix.as_str()) => {
                    hits.push(Hit {
                        start: token.start,
                        end: token.end,
                        weight: 1,
                    })
                }
                Matcher::Phrase { terms, slop } => {
                    if let Some(last) = phrase_at(tokens, index, terms, *slop) {
                        hits.push(Hit {
                            start: token.start,
                            end: tokens[last].end,
                            weight: 2 * terms.len(),
                        });
                    }
                }
                _ => {}
            }
        }
    }
    hits.sort_by_key(|hit| (hit.start, std::cmp::Reverse(hit.end)));
    let mut merged: Vec<Hit> = Vec::with_capacity(hits.len());
    for hit in hits {
        match merged.last_mut() {
            Some(previous) if hit.start < previous.end => {
                previous.end = previous.end.max(hit.end);
                previous.weight = previous.weight.max(hit.weight);
            }
            _ => merged.push(hit),
        }
    }
    merged
}

/// Whether the phrase starts at token `first`; returns its last token.
fn phrase_at(tokens: &[Tok], first: usize, terms: &[String], slop: u32) -> Option<usize> {
    let (head, rest) = terms.split_first()?;
    if tokens.get(first)?.text != *head {
        return None;
    }
    let mut budget = slop as usize;
    let mut current = first;
    for term in rest {
        let mut found = None;
        for gap in 0..=budget {
            let candidate = current + 1 + gap;
            match tokens.get(candidate) {
                Some(token) if token.text == *term => {
                    found = Some((candidate, gap));
                    break;
                }
                Some(_) => {}
                None => break,
            }
        }
        let (next, gap) = found?;
        budget -= gap;
        current = next;
    }
    Some(current)
}

fn char_count(text: &str, start: usize, end: usize) -> usize {
    text.get(start..end).map_or(0, |s| s.chars().count())
}

/// Widens `[start, end)` to about `max_chars` characters, half the spare
/// before and half after, then trims partial words at the edges.
fn window(text: &str, start: usize, end: usize, max_chars: usize) -> (usize, usize) {
    let spare = max_chars.saturating_sub(char_count(text, start, end));
    let before = spare / 2;
    let mut new_start = start;
    let mut taken = 0;
    for (index, _) in text[..start].char_indices().rev() {
        if taken == before {
            break;
        }
        new_start = index;
        taken += 1;
    }
    let after = spare - taken;
    let mut new_end = end;
    for (count, c) in text[end..].chars().enumerate() {
        if count == after {
            break;
        }
        new_end += c.len_utf8();
    }
    // Do not start or end in the middle of a word: move the edges to the
    // nearest whitespace inside the window, never past the matches.
    if new_start > 0 && !text[..new_start].ends_with(char::is_whitespace) {
        if let Some(space) = text[new_start..start].find(char::is_whitespace) {
            new_start += space;
        } else {
            new_start = start;
        }
    }
    if new_end < text.len() && !text[new_end..].starts_with(char::is_whitespace) {
        match text[end..new_end].rfind(char::is_whitespace) {
            Some(space) => new_end = end + space,
            None => new_end = end,
        }
    }
    // Leading and trailing whitespace carries nothing.
    while new_start < start {
        match text[new_start..].chars().next() {
            Some(c) if c.is_whitespace() => new_start += c.len_utf8(),
            _ => break,
        }
    }
    while new_end > end {
        match text[..new_end].chars().next_back() {
            Some(c) if c.is_whitespace() => new_end -= c.len_utf8(),
            _ => break,
        }
    }
    (new_start, new_end)
}

#[cfg(test)]
mod tests {
    use super::super::index::{name_analyzer, text_analyzer};
    use super::*;

    fn highlighter() -> Highlighter {
        Highlighter::new(text_analyzer(), name_analyzer())
    }

    fn check(text: &str, matchers: &[Matcher], max_chars: usize) -> (String, Vec<String>) {
        let (fragment, spans) = highlighter()
            .highlight(text, matchers, max_chars)
            .expect("a highlight");
        let words = spans
            .iter()
            .map(|span| fragment[span.start..span.end].to_string())
            .collect();
        (fragment, words)
    }

    #[test]
    fn stemmed_terms_are_highlighted_with_non_ascii_around() {
        let text = "Café Zürich: airstrikes 🚀 hit Zürich again, said Ünal.";
        let (fragment, words) = check(text, &[Matcher::Term("airstrik".into())], 200);
        assert_eq!(fragment, text);
        assert_eq!(words, vec!["airstrikes"]);
    }

    #[test]
    fn folded_terms_match_accented_words() {
        let text = "Café Zürich airstrikes 🚀";
        let (_, words) = check(text, &[Matcher::Term("zurich".into())], 100);
        assert_eq!(words, vec!["Zürich"]);
    }

    #[test]
    fn phrases_are_highlighted_whole_and_only_as_phrases() {
        let text = "The air was clear. Then air strikes began; strikes went on.";
        let matcher = Matcher::Phrase {
            terms: vec!["air".into(), "strike".into()],
            slop: 0,
        };
        let (_, words) = check(text, &[matcher], 200);
        assert_eq!(words, vec!["air strikes"]);
    }

    #[test]
    fn sloppy_phrases_allow_words_in_between() {
        let text = "air and sea strikes";
        let matcher = Matcher::Phrase {
            terms: vec!["air".into(), "strike".into()],
            slop: 2,
        };
        assert_eq!(
            check(text, std::slice::from_ref(&matcher), 100).1,
            vec!["air and sea strikes"]
        );
        let strict = Matcher::Phrase {
            terms: vec!["air".into(), "strike".into()],
            slop: 1,
        };
        assert!(highlighter().highlight(text, &[strict], 100).is_none());
    }

    #[test]
    fn fragments_are_bounded_and_keep_context() {
        let filler = "lorem ipsum dolor sit amet ".repeat(20);
        let text = format!("{filler}the ceasefire held überall {filler}");
        let (fragment, words) = check(&text, &[Matcher::Prefix("ceasef".into())], 60);
        assert!(fragment.chars().count() <= 60, "{fragment:?}");
        assert!(fragment.contains("the ceasefire held"), "{fragment:?}");
        assert_eq!(words, vec!["ceasefire"]);
        assert!(!fragment.starts_with(' ') && !fragment.ends_with(' '));
    }

    #[test]
    fn the_densest_window_wins() {
        let filler = "word ".repeat(40);
        let text = format!("peace {filler} peace talks peace {filler}");
        let (_, words) = check(&text, &[Matcher::Term("peac".into())], 30);
        assert_eq!(words, vec!["peace", "peace"]);
    }

    #[test]
    fn nothing_matching_gives_none() {
        assert!(
            highlighter()
                .highlight("abc", &[Matcher::Term("x".into())], 10)
                .is_none()
        );
        assert!(
            highlighter()
                .highlight("", &[Matcher::Term("x".into())], 10)
                .is_none()
        );
        assert!(highlighter().highlight("abc", &[], 10).is_none());
    }
}
