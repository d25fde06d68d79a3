//! Extractive summary: the sentences most central to the text, favouring
//! early ones, returned in document order.
//!
//! Centrality is the TF-IDF cosine between a sentence and the centroid of all
//! eligible sentences, which is linear in the text length (pairwise
//! similarity would be quadratic). The score is `0.7 × centrality / max +
//! 0.3 × 1/√(1 + rank)`, where rank counts eligible sentences before it.
//! Headlines (whole lines without closing punctuation, Title Case lines, or
//! the title itself), repeated sentences and sentences without letters are
//! never chosen; cleaned regions are masked, so they never form sentences.

use rustc_hash::{FxHashMap, FxHashSet};

use super::segment::{Shape, Tok, single_spaced};
use super::{Span, Summary};

/// Sentences returned when the caller asks for 0.
const DEFAULT_SENTENCES: usize = 3;

/// Builds the summary from the masked text's sentences and tokens.
#[inline(never)]
pub(crate) fn summarize(
    text: &str,
    sentences: &[Span],
    shapes: &[Shape],
    tokens: &[Tok],
    title: Option<&str>,
    wanted: usize,
) -> Summary {
    let wanted = if wanted == 0 {
        DEFAULT_SENTENCES
    } else {
        wanted
    };
    let normalized_title = title.map(normalize);
    let title_key = normalized_title.as_deref().filter(|t| !t.is_empty());
    // Every sentence normalised, one after another in one string.
    let mut normalized = String::with_capacity(text.len());
    let mut norm_at: Vec<(usize, usize)> = Vec::with_capacity(sentences.len());
    for span in sentences {
        let body = text.get(span.start..span.end).unwrap_or_default();
        let from = normalized.len();
        normalize_into(body, &mut normalized);
        norm_at.push((from, normalized.len()));
    }
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    seen.reserve(sentences.len());
    let mut eligible = vec![false; sentences.len()];
    for (i, span) in sentences.iter().enumerate() {
        let body = text.get(span.start..span.end).unwrap_or_default();
        let shape = shapes.get(i).copied().unwrap_or_default();
        let norm = normalized
            .get(norm_at[i].0..norm_at[i].1)
            .unwrap_or_default();
        let is_title = title_key.is_some_and(|t| t == norm);
        let fresh = seen.insert(norm);
        eligible[i] = fresh
            && !shape.headline
            && !shape.title_case
            && !is_title
            && body.chars().any(char::is_alphabetic);
    }

    // Term frequencies per sentence over content stems, each stem numbered
    // in order of first use; a sentence's terms stay in the order they
    // first appear in it. Tokens come in sentence order, so each sentence's
    // terms are a stretch of `terms`; for each stem, `last` holds the last
    // sentence it was counted in and where.
    // Sized ahead, so that it never grows (only looked up, never walked).
    let mut ids: FxHashMap<&str, usize> =
        FxHashMap::with_capacity_and_hasher(tokens.len().min(1 << 14), rustc_hash::FxBuildHasher);
    // (sentence, stem number) of each content token.
    let mut content: Vec<(usize, usize)> = Vec::with_capacity(tokens.len());
    for t in tokens.iter().filter(|t| !t.stop && t.alpha) {
        let next = ids.len();
        content.push((t.sentence, *ids.entry(t.stem.as_str()).or_insert(next)));
    }
    if !content.is_sorted_by_key(|c| c.0) {
        // Stable, so each sentence's tokens keep their order.
        content.sort_by_key(|c| c.0);
    }
    let mut terms: Vec<(usize, f32)> = Vec::with_capacity(content.len());
    let mut term_at = vec![(0usize, 0usize); sentences.len()];
    let mut last: Vec<(usize, usize)> = vec![(usize::MAX, 0); ids.len()];
    for &(sentence, id) in &content {
        let Some(at) = term_at.get_mut(sentence) else {
            continue;
        };
        if at.0 == at.1 {
            *at = (terms.len(), terms.len());
        }
        match last[id] {
            (s, k) if s == sentence => terms[k].1 += 1.0,
            _ => {
                last[id] = (sentence, terms.len());
                terms.push((id, 1.0));
                at.1 = terms.len();
            }
        }
    }
    let mut df = vec![0usize; ids.len()];
    let n_eligible = eligible.iter().filter(|e| **e).count();
    for (i, &(from, to)) in term_at.iter().enumerate() {
        if eligible[i] {
            for &(k, _) in &terms[from..to] {
                df[k] += 1;
            }
        }
    }
    let idf: Vec<f32> = df
        .iter()
        .map(|&d| ((1.0 + n_eligible as f32) / (1.0 + d as f32)).ln() + 1.0)
        .collect();
    // The TF-IDF vectors of eligible sentences (others are never read).
    for (i, &(from, to)) in term_at.iter().enumerate() {
        if eligible[i] {
            for (k, w) in &mut terms[from..to] {
                *w *= idf[*k];
            }
        }
    }
    let vectors = &terms;
    let mut centroid = vec![0f32; ids.len()];
    for (i, &(from, to)) in term_at.iter().enumerate() {
        if eligible[i] {
            for &(k, w) in &vectors[from..to] {
                centroid[k] += w;
            }
        }
    }
    let norm_of = |v: &mut dyn Iterator<Item = f32>| v.map(|w| w * w).sum::<f32>().sqrt();
    let centroid_norm = norm_of(&mut centroid.iter().copied());

    let mut scored: Vec<(f32, usize)> = Vec::new();
    let mut rank = 0usize;
    let mut centralities = Vec::new();
    for (i, &(from, to)) in term_at.iter().enumerate() {
        if !eligible[i] {
            continue;
        }
        let v = &vectors[from..to];
        let dot: f32 = v.iter().map(|&(k, w)| w * centroid[k]).sum();
        let denom = norm_of(&mut v.iter().map(|&(_, w)| w)) * centroid_norm;
        let cos = if denom > 0.0 { dot / denom } else { 0.0 };
        centralities.push((i, cos, rank));
        rank += 1;
    }
    let max_c = centralities
        .iter()
        .map(|(_, c, _)| *c)
        .fold(0.0f32, f32::max);
    for (i, c, rank) in centralities {
        let central = if max_c > 0.0 { c / max_c } else { 0.0 };
        let position = 1.0 / (1.0 + rank as f32).sqrt();
        scored.push((0.7 * central + 0.3 * position, i));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = scored.into_iter().take(wanted).map(|(_, i)| i).collect();
    chosen.sort_unstable();
    let text_out = chosen
        .iter()
        .filter_map(|&i| sentences.get(i).and_then(|s| text.get(s.start..s.end)))
        .map(single_spaced)
        .collect::<Vec<_>>()
        .join(" ");
    Summary {
        sentence_indices: chosen
            .into_iter()
            .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
            .collect(),
        text: text_out,
    }
}

fn normalize(s: &str) -> String {
    single_spaced(s).to_lowercase()
}

/// Appends [`normalize`]`(s)` to `out`, without a string of its own when `s`
/// is ASCII (where lower case is per byte and whitespace is one of six bytes).
fn normalize_into(s: &str, out: &mut String) {
    if !s.is_ascii() {
        out.push_str(&normalize(s));
        return;
    }
    // `char::is_whitespace` on ASCII: tab, line feed, vertical tab, form
    // feed, carriage return and space.
    let space = |b: u8| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ');
    let bytes = s.as_bytes();
    let from = out.len();
    let mut k = 0;
    while k < bytes.len() {
        if space(bytes[k]) {
            k += 1;
            continue;
        }
        let start = k;
        while k < bytes.len() && !space(bytes[k]) {
            k += 1;
        }
        if out.len() > from {
            out.push(' ');
        }
        out.push_str(s.get(start..k).unwrap_or_default());
    }
    if let Some(added) = out.get_mut(from..) {
        added.make_ascii_lowercase();
    }
}

#[cfg(test)]
mod tests {
    use super::super::segment;
    use super::*;

    fn summary(text: &str, title: Option<&str>, n: usize) -> Summary {
        let s = segment::sentences(text);
        let t = segment::tokens(text, &s, "en");
        let sh = segment::shapes(text, &s, &t);
        summarize(text, &s, &sh, &t, title, n)
    }

    #[test]
    fn picks_central_sentences_in_order_and_skips_headlines() {
        let text = "Strikes Hit Raqqa Again\n\nAir strikes hit Raqqa on Sunday. The strikes on Raqqa were heavy. \
                    A cat slept. Air strikes on Raqqa will continue. Air strikes on Raqqa will continue.";
        let s = summary(text, None, 2);
        assert_eq!(s.sentence_indices.len(), 2);
        assert!(!s.sentence_indices.contains(&0));
        assert!(s.sentence_indices.windows(2).all(|w| w[0] < w[1]));
        assert!(!s.text.contains("cat"));
        let all = summary(text, None, 10);
        assert_eq!(all.sentence_indices, vec![1, 2, 3, 4]);
    }

    #[test]
    fn default_count_title_and_non_ascii() {
        let text = "Über den Wolken.\nDie Freiheit ist grenzenlos. Ängste und Sorgen bleiben verborgen. Alles was uns groß erscheint. Wird plötzlich nichtig und klein.";
        let s = summary(text, Some("Über den Wolken."), 0);
        assert_eq!(s.sentence_indices.len(), 3);
        assert!(!s.sentence_indices.contains(&0));
        assert_eq!(summary("", None, 3), Summary::default());
        assert_eq!(summary("123 456.", None, 3), Summary::default());
    }

    /// The summary as first written: a set of owned normalised sentences
    /// and term lists searched linearly. The reference for [`summarize`].
    fn reference(
        text: &str,
        sentences: &[Span],
        shapes: &[Shape],
        tokens: &[Tok],
        title: Option<&str>,
        wanted: usize,
    ) -> Summary {
        let wanted = if wanted == 0 {
            DEFAULT_SENTENCES
        } else {
            wanted
        };
        let normalized_title = title.map(normalize);
        let mut seen: FxHashSet<String> = FxHashSet::default();
        let mut eligible = vec![false; sentences.len()];
        for (i, span) in sentences.iter().enumerate() {
            let body = text.get(span.start..span.end).unwrap_or_default();
            let shape = shapes.get(i).copied().unwrap_or_default();
            let norm = normalize(body);
            let is_title = normalized_title
                .as_ref()
                .is_some_and(|t| !t.is_empty() && *t == norm);
            let fresh = seen.insert(norm);
            eligible[i] = fresh
                && !shape.headline
                && !shape.title_case
                && !is_title
                && body.chars().any(char::is_alphabetic);
        }
        let mut ids: FxHashMap<&str, usize> = FxHashMap::default();
        let mut tf: Vec<Vec<(usize, f32)>> = vec![Vec::new(); sentences.len()];
        for t in tokens.iter().filter(|t| !t.stop && t.alpha) {
            let next = ids.len();
            let id = *ids.entry(t.stem.as_str()).or_insert(next);
            if let Some(terms) = tf.get_mut(t.sentence) {
                match terms.iter_mut().find(|(k, _)| *k == id) {
                    Some((_, n)) => *n += 1.0,
                    None => terms.push((id, 1.0)),
                }
            }
        }
        let mut df = vec![0usize; ids.len()];
        let n_eligible = eligible.iter().filter(|e| **e).count();
        for (i, terms) in tf.iter().enumerate() {
            if eligible[i] {
                for &(k, _) in terms {
                    df[k] += 1;
                }
            }
        }
        let idf = |k: usize| ((1.0 + n_eligible as f32) / (1.0 + df[k] as f32)).ln() + 1.0;
        let vectors: Vec<Vec<(usize, f32)>> = tf
            .iter()
            .map(|terms| terms.iter().map(|&(k, n)| (k, n * idf(k))).collect())
            .collect();
        let mut centroid = vec![0f32; ids.len()];
        for (i, v) in vectors.iter().enumerate() {
            if eligible[i] {
                for &(k, w) in v {
                    centroid[k] += w;
                }
            }
        }
        let norm_of = |v: &mut dyn Iterator<Item = f32>| v.map(|w| w * w).sum::<f32>().sqrt();
        let centroid_norm = norm_of(&mut centroid.iter().copied());
        let mut scored: Vec<(f32, usize)> = Vec::new();
        let mut rank = 0usize;
        let mut centralities = Vec::new();
        for (i, v) in vectors.iter().enumerate() {
            if !eligible[i] {
                continue;
            }
            let dot: f32 = v.iter().map(|&(k, w)| w * centroid[k]).sum();
            let denom = norm_of(&mut v.iter().map(|&(_, w)| w)) * centroid_norm;
            let cos = if denom > 0.0 { dot / denom } else { 0.0 };
            centralities.push((i, cos, rank));
            rank += 1;
        }
        let max_c = centralities
            .iter()
            .map(|(_, c, _)| *c)
            .fold(0.0f32, f32::max);
        for (i, c, rank) in centralities {
            let central = if max_c > 0.0 { c / max_c } else { 0.0 };
            let position = 1.0 / (1.0 + rank as f32).sqrt();
            scored.push((0.7 * central + 0.3 * position, i));
        }
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut chosen: Vec<usize> = scored.into_iter().take(wanted).map(|(_, i)| i).collect();
        chosen.sort_unstable();
        let text_out = chosen
            .iter()
            .filter_map(|&i| sentences.get(i).and_then(|s| text.get(s.start..s.end)))
            .map(single_spaced)
            .collect::<Vec<_>>()
            .join(" ");
        Summary {
            sentence_indices: chosen
                .into_iter()
                .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
                .collect(),
            text: text_out,
        }
    }

    #[test]
    fn same_as_reference_on_generated_texts() {
        const WORDS: &[&str] = &[
            "Air",
            "strikes",
            "hit",
            "Raqqa",
            "the",
            "city",
            "STRIKES",
            "on",
            "Sunday",
            "said",
            "officials",
            "1987",
            "ΣΊΣΥΦΟΣ",
            "Grève",
            "générale",
            "cat",
            "Über",
            "den",
            "Wolken",
        ];
        const GAPS: &[&str] = &[
            " ", " ", " ", "  ", "\t", ", ", ". ", ".\n\n", "! ", "\u{a0}", "\u{b}", "\n",
        ];
        let mut state = 11u64;
        let mut below = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) as usize) % n
        };
        for round in 0..3_000 {
            let mut text = String::new();
            for k in 0..below(50) {
                if k > 0 {
                    text.push_str(GAPS[below(GAPS.len())]);
                }
                text.push_str(WORDS[below(WORDS.len())]);
            }
            text.push('.');
            let s = segment::sentences(&text);
            let mut t = segment::tokens(&text, &s, "en");
            let sh = segment::shapes(&text, &s, &t);
            if round % 4 == 1 {
                // Tokens out of sentence order, and one past the last sentence.
                t.reverse();
                if let Some(tok) = t.first_mut() {
                    tok.sentence = s.len();
                }
            }
            let title = match round % 3 {
                0 => None,
                1 => s.first().map(|f| &text[f.start..f.end]),
                _ => Some(""),
            };
            let wanted = below(5);
            let got = summarize(&text, &s, &sh, &t, title, wanted);
            let want = reference(&text, &s, &sh, &t, title, wanted);
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn normalize_into_appends_normalize() {
        for s in [
            "",
            "  ",
            "A  b\tC\r\nd\u{b}e\u{c}f ",
            "ΣΊΣΥΦΟΣ  Grève\u{a0}x",
            "\u{85}Über\u{2003}den ",
        ] {
            let mut out = String::from("x");
            normalize_into(s, &mut out);
            assert_eq!(out, format!("x{}", normalize(s)));
        }
    }
}
