//! Text statistics and readability (Flesch reading ease, Flesch–Kincaid grade).

use super::segment::Tok;
use super::{Span, Stats};

/// Average adult silent reading speed used for the reading time.
const WORDS_PER_MINUTE: u64 = 230;

/// Computes the statistics. `text` is the original text (characters are
/// counted there); `masked` is the cleaned text the words, sentences and
/// paragraphs are counted in.
pub(crate) fn compute(text: &str, masked: &str, sentences: &[Span], tokens: &[Tok]) -> Stats {
    let characters = text.chars().count();
    let words = tokens.len();
    let paragraphs = count_paragraphs(masked);
    let reading_time_seconds = (words as u64 * 60).div_ceil(WORDS_PER_MINUTE);

    let syllables: usize = tokens
        .iter()
        .map(|t| if t.alpha { t.syllables as usize } else { 1 })
        .sum();
    let (ease, grade) = if words == 0 || sentences.is_empty() {
        (0.0, 0.0)
    } else {
        let wps = words as f64 / sentences.len() as f64;
        let spw = syllables as f64 / words as f64;
        (
            206.835 - 1.015 * wps - 84.6 * spw,
            0.39 * wps + 11.8 * spw - 15.59,
        )
    };
    let clamp = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
    Stats {
        characters: clamp(characters),
        words: clamp(words),
        sentences: clamp(sentences.len()),
        paragraphs: clamp(paragraphs),
        reading_time_seconds: u32::try_from(reading_time_seconds).unwrap_or(u32::MAX),
        flesch_reading_ease: finite(ease),
        flesch_kincaid_grade: finite(grade),
    }
}

fn finite(v: f64) -> f32 {
    if v.is_finite() { v as f32 } else { 0.0 }
}

/// Paragraphs are blocks of non-blank lines separated by blank lines.
fn count_paragraphs(text: &str) -> usize {
    let mut count = 0;
    let mut in_block = false;
    for line in text.lines() {
        if line.trim().is_empty() {
            in_block = false;
        } else if !in_block {
            in_block = true;
            count += 1;
        }
    }
    count
}

/// Estimates syllables as groups of vowels, less a silent final "e"; at least
/// one per word. Accented Latin vowels count as vowels.
pub(crate) fn syllables(word: &str) -> usize {
    let is_vowel = |c: char| {
        matches!(
            c,
            'a' | 'e'
                | 'i'
                | 'o'
                | 'u'
                | 'y'
                | 'à'..='æ'
                | 'è'..='ï'
                | 'ò'..='ö'
                | 'ø'..='ü'
                | 'ý'
                | 'ÿ'
                | 'œ'
        )
    };
    let mut groups = 0;
    let mut prev_vowel = false;
    // The word's length in characters and its last three, newest first.
    let mut n = 0;
    let mut last = ['\0'; 3];
    for c in word.chars() {
        let v = is_vowel(c);
        if v && !prev_vowel {
            groups += 1;
        }
        prev_vowel = v;
        n += 1;
        last = [c, last[0], last[1]];
    }
    if groups > 1
        && n > 2
        && last[0] == 'e'
        && !is_vowel(last[1])
        && !(last[1] == 'l' && n > 3 && !is_vowel(last[2]))
    {
        groups -= 1;
    }
    groups.max(1)
}

#[cfg(test)]
mod tests {
    use super::super::segment;
    use super::*;

    fn stats(text: &str) -> Stats {
        let s = segment::sentences(text);
        let t = segment::tokens(text, &s, "en");
        compute(text, text, &s, &t)
    }

    #[test]
    fn counts_and_readability() {
        let st = stats("The cat sat on the mat. The dog ran.\n\nA new paragraph here.");
        assert_eq!((st.words, st.sentences, st.paragraphs), (13, 3, 2));
        assert_eq!(st.reading_time_seconds, 4);
        assert!(st.flesch_reading_ease > 90.0, "{}", st.flesch_reading_ease);
    }

    #[test]
    fn non_ascii_and_empty() {
        let st = stats("Café au lait 😀 東京");
        assert_eq!(st.characters, 17);
        assert_eq!(st.words, 5);
        let empty = stats("");
        assert_eq!(empty, Stats::default());
    }

    #[test]
    fn syllable_estimates() {
        assert_eq!(syllables("intensification"), 6);
        assert_eq!(syllables("make"), 1);
        assert_eq!(syllables("table"), 2);
        assert_eq!(syllables("rhythm"), 1);
        assert_eq!(syllables("café"), 2);
    }
}
