//! Highlighting: the best fragment of a field with the matched query terms
//! as byte spans.
//!
//! tantivy's `SnippetGenerator` highlights single terms only and starts its
//! fragments at the first match; this highlighter also marks whole phrase
//! occurrences and prefix matches, and puts context on both sides.

use tantivy::tokenizer::TextAnalyzer;

use super::index;

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

/// A token of the field: where it stands and what it matches.
#[derive(Debug, Clone, Copy)]
struct Tok {
    /// The index in [`Terms::terms`] of the token's stem, if it is one of them.
    term: Option<usize>,
    /// Whether the unstemmed word starts with one of the prefixes.
    prefixed: bool,
    start: usize,
    end: usize,
}

/// The distinct stemmed terms of the matchers, and their prefixes.
struct Terms<'a> {
    terms: Vec<&'a str>,
    prefixes: Vec<&'a str>,
    /// The first bytes of the terms: the English stemmer never changes a
    /// word's first letter, so a word starting otherwise needs no stemming.
    term_starts: [bool; 256],
    /// The first bytes of the prefixes.
    prefix_starts: [bool; 256],
}

impl<'a> Terms<'a> {
    fn new(matchers: &'a [Matcher]) -> Terms<'a> {
        let mut terms: Vec<&str> = Vec::new();
        let mut prefixes: Vec<&str> = Vec::new();
        for matcher in matchers {
            match matcher {
                Matcher::Term(term) => terms.push(term),
                Matcher::Phrase { terms: words, .. } => {
                    terms.extend(words.iter().map(String::as_str));
                }
                Matcher::Prefix(prefix) => prefixes.push(prefix),
            }
        }
        terms.retain(|term| !term.is_empty());
        terms.sort_unstable();
        terms.dedup();
        prefixes.retain(|prefix| !prefix.is_empty());
        let starts = |words: &[&str]| {
            let mut starts = [false; 256];
            for word in words {
                starts[usize::from(word.as_bytes()[0])] = true;
            }
            starts
        };
        Terms {
            term_starts: starts(&terms),
            prefix_starts: starts(&prefixes),
            terms,
            prefixes,
        }
    }

    fn id(&self, term: &str) -> Option<usize> {
        self.terms.binary_search(&term).ok()
    }
}

/// Highlights text analysed as the index analyses titles and bodies.
#[derive(Clone)]
pub(crate) struct Highlighter {
    /// The stemming analyzer of titles and bodies.
    text: TextAnalyzer,
    /// The same without stemming, for prefixes.
    words: TextAnalyzer,
    /// The same words before case folding.
    raw: TextAnalyzer,
}

/// A match of the text: its byte range and its weight (phrases outweigh terms).
#[derive(Debug, Clone, Copy)]
struct Hit {
    start: usize,
    end: usize,
    weight: usize,
}

impl Highlighter {
    /// Builds a highlighter with the index's analyzers of titles and bodies.
    pub(crate) fn new() -> Highlighter {
        Highlighter {
            text: index::text_analyzer(),
            words: index::name_analyzer(),
            raw: index::raw_word_analyzer(),
        }
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
    let terms = Terms::new(matchers);
    let tokens = tokenize(highlighter, text, &terms);
    let hits = find_hits(&tokens, matchers, &terms);
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

/// The field's tokens with what each matches. The words are split once
/// as they stand; only a word that could match goes through the index's
/// analyzers: one whose first letter, lower-cased, starts a term or a
/// prefix, or is not ASCII (folding may turn it into one that does).
fn tokenize(highlighter: &Highlighter, text: &str, terms: &Terms<'_>) -> Vec<Tok> {
    let mut raw = highlighter.raw.clone();
    let mut stemmer = highlighter.text.clone();
    let mut folder = highlighter.words.clone();
    let mut out = Vec::new();
    raw.token_stream(text).process(&mut |token| {
        // Offsets come from the tokenizer and are char boundaries of `text`;
        // checking keeps a faulty analyzer from producing unsliceable spans.
        if !(token.offset_from < token.offset_to
            && token.offset_to <= text.len()
            && text.is_char_boundary(token.offset_from)
            && text.is_char_boundary(token.offset_to))
        {
            return;
        }
        let word = token.text.as_str();
        let Some(&first) = word.as_bytes().first() else {
            return;
        };
        let (stem, prefix) = if first.is_ascii() {
            let first = usize::from(first.to_ascii_lowercase());
            (terms.term_starts[first], terms.prefix_starts[first])
        } else {
            (!terms.terms.is_empty(), !terms.prefixes.is_empty())
        };
        let mut term = None;
        if stem {
            stemmer.token_stream(word).process(&mut |stemmed| {
                term = terms.id(&stemmed.text);
            });
        }
        let mut prefixed = false;
        if prefix {
            folder.token_stream(word).process(&mut |folded| {
                prefixed = terms
                    .prefixes
                    .iter()
                    .any(|prefix| folded.text.starts_with(prefix));
            });
        }
        out.push(Tok {
            term,
            prefixed,
            start: token.offset_from,
            end: token.offset_to,
        });
    });
    out
}

/// Every match of every matcher, sorted and with overlaps merged.
fn find_hits(tokens: &[Tok], matchers: &[Matcher], terms: &Terms<'_>) -> Vec<Hit> {
    // The matchers in terms of term ids; a term never seen in the field
    // (or empty) cannot match.
    let compiled: Vec<Compiled> = matchers
        .iter()
        .filter_map(|matcher| match matcher {
            Matcher::Term(term) => terms.id(term).map(Compiled::Term),
            Matcher::Prefix(_) => Some(Compiled::Prefix),
            Matcher::Phrase { terms: words, slop } => words
                .iter()
                .map(|word| terms.id(word))
                .collect::<Option<Vec<usize>>>()
                .map(|ids| Compiled::Phrase(ids, *slop)),
        })
        .collect();
    let mut hits = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        for matcher in &compiled {
            match matcher {
                Compiled::Term(term) if token.term == Some(*term) => hits.push(Hit {
                    start: token.start,
                    end: token.end,
                    weight: 1,
                }),
                Compiled::Prefix if token.prefixed => hits.push(Hit {
                    start: token.start,
                    end: token.end,
                    weight: 1,
                }),
                Compiled::Phrase(ids, slop) => {
                    if let Some(last) = phrase_at(tokens, index, ids, *slop) {
                        hits.push(Hit {
                            start: token.start,
                            end: tokens[last].end,
                            weight: 2 * ids.len(),
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

/// A matcher over term ids.
enum Compiled {
    Term(usize),
    Prefix,
    Phrase(Vec<usize>, u32),
}

/// Whether the phrase starts at token `first`; returns its last token.
fn phrase_at(tokens: &[Tok], first: usize, ids: &[usize], slop: u32) -> Option<usize> {
    let (head, rest) = ids.split_first()?;
    if tokens.get(first)?.term != Some(*head) {
        return None;
    }
    let mut budget = slop as usize;
    let mut current = first;
    for id in rest {
        let mut found = None;
        for gap in 0..=budget {
            let candidate = current + 1 + gap;
            match tokens.get(candidate) {
                Some(token) if token.term == Some(*id) => {
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
    use super::*;

    fn highlighter() -> Highlighter {
        Highlighter::new()
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

    /// The highlighter stems only words whose first letter starts a term;
    /// that holds only while stemming keeps every word's first letter.
    #[test]
    fn stemming_keeps_the_first_letter_of_every_seed_word() {
        let seeds = [
            include_str!("../../../seeds/000_3db58b10b3ad52bf.txt"),
            include_str!("../../../seeds/french_article.txt"),
            include_str!("../../../seeds/multiscript.txt"),
            include_str!("../../../seeds/press_release.txt"),
            "dying lying tying skies news gently early only ugly singly idly cries",
        ];
        let mut folder = index::name_analyzer();
        let mut stemmer = index::text_analyzer();
        let mut checked = 0;
        for text in seeds {
            folder.token_stream(text).process(&mut |word| {
                stemmer.token_stream(&word.text).process(&mut |stem| {
                    assert_eq!(
                        stem.text.as_bytes().first(),
                        word.text.as_bytes().first(),
                        "{:?} stems to {:?}",
                        word.text,
                        stem.text
                    );
                    checked += 1;
                });
            });
        }
        assert!(checked > 500, "only {checked} words");
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
