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

    // Term frequencies per sentence over content stems, each stem numbered
    // in order of first use; a sentence's terms stay in the order they
    // first appear in it.
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

fn normalize(s: &str) -> String {
    single_spaced(s).to_lowercase()
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
}
