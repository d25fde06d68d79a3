//! The two acronym definitions the entity recogniser reads, "Long Name (LN)"
//! and "LN (Long Name)": exactly the matches of [`EXPANSION_THEN_ACRONYM`] and
//! [`ACRONYM_THEN_EXPANSION`], found by a scan around each parenthesis.
//!
//! The regexes' reverse searches build new lazy-DFA states for almost every
//! text (Unicode letter classes repeated up to ten times), which made them one
//! of the costliest parts of the pipeline. Every match ends at the first `)`
//! after a `(` that follows a space or tab, and holds only letters, `'`, `’`,
//! `&`, `-`, digits and blanks before it, so the scan visits those parentheses
//! alone. Where the text around one is ASCII, the patterns reduce to simple
//! byte tests; elsewhere the regex runs on just that stretch of text, which
//! gives the match it would find in the whole text.

use std::sync::LazyLock;

use regex::Regex;

use super::Span;

/// The expansion (group 1) and the acronym (group 2) of "Long Name (LN)".
static EXPANSION_THEN_ACRONYM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\p{Lu}[\p{L}'’&\-]*(?:[ \t]+(?:of|for|and|the|on|de|du|des|la|le|\p{Lu}[\p{L}'’&\-]*)){1,9})[ \t]+\((\p{Lu}[\p{Lu}0-9&]{1,9})\)")
        .expect("static regex")
});

/// The acronym (group 1) and the expansion (group 2) of "LN (Long Name)".
static ACRONYM_THEN_EXPANSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\p{Lu}[\p{Lu}0-9&]{1,9})[ \t]+\((\p{Lu}[\p{L}'’&\-]*(?:[ \t]+(?:of|for|and|the|on|de|du|des|la|le|\p{Lu}[\p{L}'’&\-]*)){0,9})\)")
        .expect("static regex")
});

/// The lower-case words a name may hold between its capitalised words.
const CONNECTORS: [&[u8]; 10] = [
    b"of", b"for", b"and", b"the", b"on", b"de", b"du", b"des", b"la", b"le",
];

/// An acronym's length bounds, in characters.
const ACRONYM_CHARS: std::ops::RangeInclusive<usize> = 2..=10;

/// The most words of an expansion after its first.
const MAX_FOLLOWING_WORDS: usize = 9;

/// An ASCII character of a word of an expansion (`[\p{L}'’&\-]`).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphabetic() || matches!(b, b'\'' | b'&' | b'-')
}

/// An ASCII character of an acronym after its first (`[\p{Lu}0-9&]`).
fn is_acronym_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'&'
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// A word of an expansion after its first: a connector or a capitalised word.
fn is_following_word(word: &[u8]) -> bool {
    word.first().is_some_and(u8::is_ascii_uppercase) || CONNECTORS.contains(&word)
}

/// Every `(` right after a space or tab, with the first `)` after it.
fn parentheses(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut close: Option<usize> = None;
    for (open, _) in text.match_indices('(') {
        if open == 0 || !is_blank(bytes[open - 1]) {
            continue;
        }
        if close.is_none_or(|c| c < open) {
            close = text[open..].find(')').map(|i| open + i);
        }
        let Some(c) = close else { break };
        out.push((open, c));
    }
    out
}

/// Where the stretch of `text` before `end` made of characters `keep`
/// accepts begins.
fn run_start(text: &str, end: usize, keep: impl Fn(char) -> bool) -> usize {
    text.get(..end)
        .unwrap_or_default()
        .char_indices()
        .rev()
        .take_while(|&(_, c)| keep(c))
        .last()
        .map_or(end, |(i, _)| i)
}

/// The regex's match at the parenthesis `open..=close`, searching from
/// `start`, as two group spans (group 2 begins right after the parenthesis in
/// both patterns; a match at a later parenthesis is that one's to report).
fn regex_match(
    re: &Regex,
    text: &str,
    start: usize,
    (open, close): (usize, usize),
) -> Option<(Span, Span)> {
    let haystack = text.get(..=close)?;
    let c = re.captures_at(haystack, start)?;
    let (a, b) = (c.get(1)?, c.get(2)?);
    (b.start() == open + 1).then(|| (Span::new(a.start(), a.end()), Span::new(b.start(), b.end())))
}

/// The (expansion, acronym) spans of every "Long Name (LN)" in the text.
pub(crate) fn expansion_then_acronym(text: &str) -> Vec<(Span, Span)> {
    parentheses(text)
        .into_iter()
        .filter_map(|(open, close)| {
            expansion_then_acronym_ascii(text.as_bytes(), open, close).unwrap_or_else(|| {
                let start = run_start(text, open, |c| {
                    c.is_alphabetic() || matches!(c, '\'' | '’' | '&' | '-' | ' ' | '\t')
                });
                regex_match(&EXPANSION_THEN_ACRONYM, text, start, (open, close))
            })
        })
        .collect()
}

/// The match ending at the parenthesis `open..=close`, when the text it
/// depends on is ASCII (`None` otherwise).
fn expansion_then_acronym_ascii(
    b: &[u8],
    open: usize,
    close: usize,
) -> Option<Option<(Span, Span)>> {
    let acronym = b.get(open + 1..close)?;
    if !acronym.is_ascii() {
        return None;
    }
    let acronym_ok = ACRONYM_CHARS.contains(&acronym.len())
        && acronym[0].is_ascii_uppercase()
        && acronym[1..].iter().all(|&c| is_acronym_byte(c));
    if !acronym_ok {
        return Some(None);
    }
    let mut end = open;
    while end > 0 && is_blank(b[end - 1]) {
        end -= 1;
    }
    let expansion_end = end;
    // Walk back word by word: `following` words already stand between this
    // word and the parenthesis, so this word may open the expansion (from
    // its first capital) once there is at least one.
    let mut following = 0;
    let mut first = None;
    loop {
        let mut start = end;
        while start > 0 && is_word_byte(b[start - 1]) {
            start -= 1;
        }
        if start > 0 && !b[start - 1].is_ascii() {
            return None;
        }
        if start == end {
            break;
        }
        let word = &b[start..end];
        if following >= 1
            && let Some(capital) = word.iter().position(u8::is_ascii_uppercase)
        {
            first = Some(start + capital);
        }
        let after_blank = start > 0 && is_blank(b[start - 1]);
        if !after_blank || following == MAX_FOLLOWING_WORDS || !is_following_word(word) {
            break;
        }
        following += 1;
        end = start;
        while end > 0 && is_blank(b[end - 1]) {
            end -= 1;
        }
    }
    Some(first.map(|f| (Span::new(f, expansion_end), Span::new(open + 1, close))))
}

/// The (acronym, expansion) spans of every "LN (Long Name)" in the text.
pub(crate) fn acronym_then_expansion(text: &str) -> Vec<(Span, Span)> {
    parentheses(text)
        .into_iter()
        .filter_map(|(open, close)| {
            acronym_then_expansion_ascii(text.as_bytes(), open, close).unwrap_or_else(|| {
                let blanks = run_start(text, open, |c| c == ' ' || c == '\t');
                let start = run_start(text, blanks, |c| c.is_alphanumeric() || c == '&');
                regex_match(&ACRONYM_THEN_EXPANSION, text, start, (open, close))
            })
        })
        .collect()
}

/// The match ending at the parenthesis `open..=close`, when the text it
/// depends on is ASCII (`None` otherwise).
fn acronym_then_expansion_ascii(
    b: &[u8],
    open: usize,
    close: usize,
) -> Option<Option<(Span, Span)>> {
    let content = b.get(open + 1..close)?;
    if !content.is_ascii() {
        return None;
    }
    // The content: a capitalised word, then up to nine connectors or
    // capitalised words, separated by blanks.
    let mut words = 0;
    let mut i = 0;
    loop {
        let start = i;
        while i < content.len() && is_word_byte(content[i]) {
            i += 1;
        }
        let word = &content[start..i];
        let ok = if words == 0 {
            word.first().is_some_and(u8::is_ascii_uppercase)
        } else {
            is_following_word(word)
        };
        words += 1;
        if !ok || words > MAX_FOLLOWING_WORDS + 1 {
            return Some(None);
        }
        if i == content.len() {
            break;
        }
        if !is_blank(content[i]) {
            return Some(None);
        }
        while i < content.len() && is_blank(content[i]) {
            i += 1;
        }
    }
    let mut end = open;
    while end > 0 && is_blank(b[end - 1]) {
        end -= 1;
    }
    let mut run = end;
    while run > 0 && is_acronym_byte(b[run - 1]) {
        run -= 1;
    }
    if run > 0 && !b[run - 1].is_ascii() {
        return None;
    }
    // The leftmost start at a word boundary: the character before is not a
    // word character (`&` is not one) or there is none.
    let is_word_char = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let lowest = run.max(end.saturating_sub(*ACRONYM_CHARS.end()));
    let highest = end.saturating_sub(*ACRONYM_CHARS.start());
    let start = (lowest..=highest).find(|&q| {
        q + ACRONYM_CHARS.start() <= end
            && b[q].is_ascii_uppercase()
            && (q == 0 || !is_word_char(b[q - 1]))
    });
    Some(start.map(|q| (Span::new(q, end), Span::new(open + 1, close))))
}

/// Builds this stage's regexes now rather than on first use.
pub(crate) fn warm_up() {
    LazyLock::force(&EXPANSION_THEN_ACRONYM);
    LazyLock::force(&ACRONYM_THEN_EXPANSION);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn regex_pairs(re: &Regex, text: &str) -> Vec<(Span, Span)> {
        re.captures_iter(text)
            .filter_map(|c| {
                let (a, b) = (c.get(1)?, c.get(2)?);
                Some((Span::new(a.start(), a.end()), Span::new(b.start(), b.end())))
            })
            .collect()
    }

    fn same_as_regexes(text: &str) {
        assert_eq!(
            expansion_then_acronym(text),
            regex_pairs(&EXPANSION_THEN_ACRONYM, text),
            "expansion then acronym in {text:?}"
        );
        assert_eq!(
            acronym_then_expansion(text),
            regex_pairs(&ACRONYM_THEN_EXPANSION, text),
            "acronym then expansion in {text:?}"
        );
    }

    #[test]
    fn finds_what_the_regexes_find() {
        for text in [
            "The Syrian Observatory for Human Rights (SOHR) said.",
            "The North Atlantic Treaty Organization (NATO) and the EU (European Union).",
            "x3Corp Foo (XF) and McDonald Corp (MC), (AB) Foo (AB)",
            "One Two Three Four Five Six Seven Eight Nine Ten Eleven (OTTFFSSENTE) (ABC)",
            "One Two Three Four Five Six Seven Eight Nine Ten Eleven (ABCD)",
            "Banque de France (BDF) and Bank of the West (BW) and de Gaulle (DG)",
            "WHO (World Health Organization) said; UN\t(United Nations) too",
            "aUN (United Nations) _UN (United Nations) &UN (United Nations) 9UN (Un)",
            "ABCDEFGHIJKL (Alpha Beta) A&B (Aa Bb) AB  (Aa Bb ) AB (Aa  Bb)",
            "AB (Aa Bb Cc Dd Ee Ff Gg Hh Ii Jj) AB (Aa Bb Cc Dd Ee Ff Gg Hh Ii Jj Kk)",
            "Café Société Générale (SG) and Électricité de France (EDF)",
            "Société (SOC) ÉDF (Électricité de France) L’Oréal Group (LG)",
            "Foo Bar (AB(CD) Foo Bar (A) Foo Bar (ABCDEFGHIJK) Foo  \t Bar (FB)",
            "(Foo) Bar (FB) Foo-Bar O'Neil (FBO) Foo & Bar (FB) &Foo Bar (FB)",
            "New York (Reuters) - The U.S. Federal Reserve (FED) on Monday",
            "(",
            ")",
            " (",
            " ()",
            "A (B)",
            "AB (Cd)",
            "Ab Cd (AC",
            "",
            " (A&B (ABCDEFGHIJKFooé\'\'\'des)é\'_X3  FBxX3 (,)éBar",
        ] {
            same_as_regexes(text);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        #[test]
        fn matches_the_regexes_on_any_text(
            text in proptest::collection::vec(
                prop_oneof![
                    Just("A"), Just("B"), Just("Ab"), Just("of"), Just("de"), Just("x"),
                    Just(" "), Just("\t"), Just("("), Just(")"), Just("&"), Just("-"),
                    Just("'"), Just("’"), Just("É"), Just("é"), Just("3"), Just("_"),
                    Just(","), Just("\n"), Just("Ⓐ"), Just("ǅ"),
                ],
                0..40,
            ).prop_map(|parts| parts.concat())
        ) {
            same_as_regexes(&text);
        }

        #[test]
        fn matches_the_regexes_on_wordy_text(
            text in proptest::collection::vec(
                prop_oneof![
                    Just("Foo "), Just("Bar "), Just("of "), Just("the "), Just("des "),
                    Just("Foo"), Just("x"), Just("X3"), Just("A&B"), Just("AB "), Just(" (FB)"),
                    Just(" (AB)"), Just(" (Foo Bar)"), Just(" (Foo of Bar)"), Just("("),
                    Just(")"), Just(" "), Just("\t"), Just("-"), Just("'"), Just("3"),
                    Just("_"), Just(","), Just("é"), Just("ABCDEFGHIJK "),
                ],
                0..40,
            ).prop_map(|parts| parts.concat())
        ) {
            same_as_regexes(&text);
        }
    }
}
