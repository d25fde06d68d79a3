//! Sentence and token segmentation.
//!
//! Sentences are found by a single left-to-right scan that knows about
//! abbreviations, initials, decimals, ellipses, closing quotation marks and
//! CJK full stops; line breaks are hard breaks so that headlines without a
//! period stand alone. Tokens are Unicode word segments (UAX #29) that hold a
//! letter or digit.

use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_segmentation::{UWordBoundIndices, UnicodeSegmentation};

use super::Span;
use rustc_hash::{FxHashMap, FxHashSet};

/// A token's word form (its normalised form or its stem): shared text, so
/// that a word met before costs a reference count rather than a copy, and a
/// stem equal to its normalised form is the same text.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Word(Rc<str>);

impl Word {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Word {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Word {
    fn from(s: &str) -> Self {
        Word(Rc::from(s))
    }
}

impl From<String> for Word {
    fn from(s: String) -> Self {
        Word(Rc::from(s))
    }
}

impl fmt::Debug for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for Word {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Word {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Word {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Word> for str {
    fn eq(&self, other: &Word) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Word> for &str {
    fn eq(&self, other: &Word) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Word> for String {
    fn eq(&self, other: &Word) -> bool {
        self.as_str() == other.as_str()
    }
}

/// A token as the stages use it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tok {
    /// Where it stands.
    pub span: Span,
    /// Lower-cased, with typographic apostrophes made straight.
    pub norm: Word,
    /// The stem of `norm`, or `norm` when no stemmer fits the language.
    pub stem: Word,
    /// Whether it is a stopword of the language (or of English).
    pub stop: bool,
    /// Whether it holds a letter (not only digits).
    pub alpha: bool,
    /// The syllables [`super::stats::syllables`] counts in `norm`.
    pub syllables: u32,
    /// `norm`'s place in the sentiment lexicon, if it is in it.
    pub valence: Option<super::sentiment::Valence>,
    /// The hash of `norm` ([`super::tagger::hash_str`]): the key the
    /// tagger's features and the stages' sets of words read, so that a
    /// word met again is neither hashed nor compared as text.
    pub key: u64,
    /// The index of the sentence that holds it.
    pub sentence: usize,
}

/// Abbreviations after which a period never ends a sentence: titles and words
/// that are always followed by more of the same sentence.
static NEVER_FINAL: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| {
    [
        "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "capt", "cpt",
        "sgt", "maj", "adm", "cmdr", "st", "rev", "fr", "hon", "pres", "supt", "insp", "messrs",
        "mme", "mlle", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
        "nov", "dec", "no", "nos", "vs", "v", "e.g", "i.e", "cf", "approx", "ca", "fig", "vol",
        "pp", "mt", "ft", "ave", "blvd", "dept", "est", "gen", "nr", "art", "sec", "ch", "ed",
        "eds", "op", "u.s.a", "ph.d",
    ]
    .into_iter()
    .collect()
});

/// Abbreviations that may end a sentence: a period after them ends the
/// sentence only when the next word is a typical sentence opener.
static AMBIGUOUS: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| {
    [
        "inc", "corp", "ltd", "co", "llc", "plc", "jr", "sr", "etc", "a.m", "p.m", "u.s", "u.k",
        "u.n", "e.u", "d.c", "bros", "al",
    ]
    .into_iter()
    .collect()
});

const ENGLISH_STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "either",
    "ever",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "let",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "neither",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "it's",
    "we're",
    "they're",
    "there's",
    "that's",
    "he's",
    "she's",
    "i'm",
    "you're",
    "we've",
    "they've",
    "i've",
    "we'll",
    "they'll",
    "don't",
    "doesn't",
    "didn't",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "won't",
    "can't",
    "cannot",
    "couldn't",
    "wouldn't",
    "shouldn't",
    "hasn't",
    "haven't",
    "hadn't",
    "'s",
    "s",
    "t",
    "many",
    "much",
    "every",
    "another",
    "among",
    "around",
    "since",
    "though",
    "although",
    "unless",
    "whether",
    "via",
    "per",
    "onto",
    "toward",
    "towards",
    "across",
    "along",
    "amid",
    "beside",
    "besides",
    "beyond",
    "despite",
    "inside",
    "outside",
    "near",
    "even",
    "still",
    "already",
    "almost",
    "rather",
    "quite",
];

const FRENCH_STOPWORDS: &[&str] = &[
    "le", "la", "les", "un", "une", "des", "du", "de", "et", "ou", "mais", "donc", "or", "ni",
    "car", "que", "qui", "quoi", "dont", "où", "au", "aux", "ce", "cet", "cette", "ces", "il",
    "elle", "ils", "elles", "nous", "vous", "je", "tu", "on", "se", "sa", "son", "ses", "leur",
    "leurs", "est", "sont", "été", "être", "avoir", "a", "ont", "pour", "par", "sur", "dans",
    "avec", "sans", "pas", "ne", "plus", "en", "y", "à", "l'", "d'", "qu'", "n'", "s'", "c'", "j'",
];

const GERMAN_STOPWORDS: &[&str] = &[
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "eines", "einem", "einen",
    "und", "oder", "aber", "doch", "nicht", "kein", "keine", "ist", "sind", "war", "waren", "sein",
    "hat", "haben", "wird", "werden", "ich", "du", "er", "sie", "es", "wir", "ihr", "mit", "von",
    "zu", "zum", "zur", "auf", "für", "im", "in", "an", "am", "bei", "aus", "nach", "über",
    "unter", "auch", "als", "wie", "so", "dass", "sich", "noch", "nur", "schon",
];

const SPANISH_STOPWORDS: &[&str] = &[
    "el", "la", "los", "las", "un", "una", "unos", "unas", "y", "o", "pero", "de", "del", "al",
    "a", "en", "con", "por", "para", "sin", "sobre", "que", "quien", "es", "son", "fue", "ser",
    "estar", "está", "están", "ha", "han", "se", "su", "sus", "lo", "le", "les", "no", "más",
    "como", "muy", "ya", "este", "esta", "estos", "estas", "ese", "esa", "yo", "tú", "él", "ella",
    "nosotros", "ellos", "ellas",
];

static STOPWORDS: LazyLock<[FxHashSet<&'static str>; 4]> = LazyLock::new(|| {
    [
        ENGLISH_STOPWORDS.iter().copied().collect(),
        FRENCH_STOPWORDS.iter().copied().collect(),
        GERMAN_STOPWORDS.iter().copied().collect(),
        SPANISH_STOPWORDS.iter().copied().collect(),
    ]
});

/// Whether the lower-cased word is an English stopword.
pub(crate) fn is_english_stopword(word: &str) -> bool {
    STOPWORDS[0].contains(word)
}

/// Whether the lower-cased word is a stopword of the language (ISO 639-1).
/// English stopwords always count, because news in any language quotes English.
pub(crate) fn is_stopword(word: &str, lang: &str) -> bool {
    let list = match lang {
        "fr" => Some(&STOPWORDS[1]),
        "de" => Some(&STOPWORDS[2]),
        "es" => Some(&STOPWORDS[3]),
        _ => None,
    };
    STOPWORDS[0].contains(word) || list.is_some_and(|l| l.contains(word))
}

fn algorithm_for(lang: &str) -> Option<Algorithm> {
    Some(match lang {
        "en" => Algorithm::English,
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "nb" | "no" | "nn" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// Lower-cases a word and makes typographic apostrophes straight, so that
/// "We’re" and "We're" are one form.
pub(crate) fn normalize(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    normalize_into(word, &mut out);
    out
}

/// [`normalize`] into `out`, which is emptied first.
fn normalize_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
        return;
    }
    out.extend(
        word.chars()
            .flat_map(char::to_lowercase)
            .map(|c| if c == '’' || c == 'ʼ' { '\'' } else { c }),
    );
}

/// The words of `s` one space apart, without leading or trailing blanks
/// ("Ben\n  Rhodes " → "Ben Rhodes").
pub(crate) fn single_spaced(s: &str) -> String {
    // Most texts asked (names, short spans) are ASCII and already single
    // spaced: no whitespace but single inner spaces.
    let bytes = s.as_bytes();
    let blank = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    if s.is_ascii()
        && !bytes.first().is_some_and(|&b| blank(b))
        && !bytes.last().is_some_and(|&b| blank(b))
        && !bytes.iter().any(|&b| blank(b) && b != b' ')
        && !bytes.windows(2).any(|w| w == b"  ")
    {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Word forms one thread keeps per language before it starts afresh.
const STEM_CACHE_WORDS: usize = 1 << 16;

/// What a token's normalised form decides, for one language.
#[derive(Clone)]
struct Known {
    norm: Word,
    stem: Word,
    stop: bool,
    syllables: u32,
    valence: Option<super::sentiment::Valence>,
    key: u64,
}

thread_local! {
    /// The [`Known`] of every normalised form this thread has met, per
    /// language code. It is a pure function of the form and the language,
    /// and news vocabulary repeats from one document to the next, so most
    /// tokens are one look-up here: no stemming, no stopword look-up, and no
    /// string allocated (the form is normalised into a reused buffer).
    static KNOWN: RefCell<FxHashMap<String, FxHashMap<Box<str>, Known>>> =
        RefCell::new(FxHashMap::default());
}

/// What the normalised form decides in the language: computed directly,
/// with `stemmer` when the language has one.
fn known(norm: &str, lang: &str, stemmer: Option<&Stemmer>) -> Known {
    let stop = is_stopword(norm, lang);
    let stem = stemmer
        .map(|s| s.stem(norm))
        .filter(|stem| stem != norm)
        .map(|stem| Word::from(stem.into_owned()));
    let norm = Word::from(norm);
    let stem = stem.unwrap_or_else(|| norm.clone());
    let syllables = u32::try_from(super::stats::syllables(&norm)).unwrap_or(u32::MAX);
    Known {
        valence: super::sentiment::valence_of(&norm),
        key: super::tagger::hash_str(&norm),
        norm,
        stem,
        stop,
        syllables,
    }
}

/// Splits the (masked) text into tokens, each tagged with its sentence index.
pub(crate) fn tokens(text: &str, sentences: &[Span], lang: &str) -> Vec<Tok> {
    let Some(algorithm) = algorithm_for(lang) else {
        return tokens_with(text, sentences, |norm| known(norm, lang, None));
    };
    let stemmer = Stemmer::create(algorithm);
    KNOWN.with_borrow_mut(|cache| {
        if !cache.contains_key(lang) {
            cache.insert(lang.to_string(), FxHashMap::default());
        }
        let Some(forms) = cache.get_mut(lang) else {
            return tokens_with(text, sentences, |norm| known(norm, lang, Some(&stemmer)));
        };
        tokens_with(text, sentences, |norm| {
            if let Some(k) = forms.get(norm) {
                return k.clone();
            }
            let k = known(norm, lang, Some(&stemmer));
            if forms.len() >= STEM_CACHE_WORDS {
                forms.clear();
            }
            forms.insert(Box::from(norm), k.clone());
            k
        })
    })
}

/// The word segments of `text` with their byte offsets: exactly the sequence
/// of `text.split_word_bound_indices()`, found faster where the text is ASCII.
///
/// UAX #29 needs no context across certain breaks (see [`is_cut`]), so the
/// text falls into independent stretches there. Stretches of ASCII are
/// segmented by [`ascii_segment_len`]; a stretch that holds any other
/// character, from the last such break before it to the first one after it,
/// is left to unicode-segmentation.
pub(crate) fn word_bound_indices(text: &str) -> WordBounds<'_> {
    WordBounds {
        text,
        pos: 0,
        ascii_end: 0,
        slow_start: 0,
        slow_end: 0,
        slow: None,
    }
}

/// The iterator of [`word_bound_indices`].
pub(crate) struct WordBounds<'a> {
    text: &'a str,
    /// Where the next segment starts.
    pos: usize,
    /// The end of the ASCII stretch that `pos` is in (`pos` when none).
    ascii_end: usize,
    /// The stretch after it that unicode-segmentation segments.
    slow_start: usize,
    slow_end: usize,
    /// Its segments, once begun.
    slow: Option<UWordBoundIndices<'a>>,
}

impl<'a> Iterator for WordBounds<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        loop {
            if self.pos < self.ascii_end {
                let start = self.pos;
                let len = self
                    .text
                    .as_bytes()
                    .get(start..self.ascii_end)
                    .map_or(0, ascii_segment_len);
                self.pos = start + len.max(1);
                return self.text.get(start..self.pos).map(|word| (start, word));
            }
            // Here `pos` is at `ascii_end`, where the slow stretch begins.
            if let Some(slow) = &mut self.slow {
                if let Some((at, word)) = slow.next() {
                    return Some((self.slow_start + at, word));
                }
                self.slow = None;
                self.pos = self.slow_end;
            }
            if self.pos < self.slow_end {
                self.slow_start = self.pos;
                self.slow = Some(
                    self.text
                        .get(self.pos..self.slow_end)?
                        .split_word_bound_indices(),
                );
                continue;
            }
            if self.pos >= self.text.len() {
                return None;
            }
            self.plan();
        }
    }
}

impl WordBounds<'_> {
    /// Finds the stretches that follow `pos`: ASCII up to the first other
    /// character (or the last cut before it), then, for unicode-segmentation,
    /// up to the first cut after that character.
    fn plan(&mut self) {
        let bytes = self.text.as_bytes();
        let from = self.pos;
        let first_other = bytes
            .get(from..)
            .and_then(|rest| rest.iter().position(|b| !b.is_ascii()))
            .map(|k| from + k);
        let Some(n) = first_other else {
            self.ascii_end = bytes.len();
            self.slow_end = bytes.len();
            return;
        };
        let tail = self.text.get(n..).unwrap_or_default();
        let mut chars = tail.char_indices();
        let Some((_, other)) = chars.next() else {
            self.ascii_end = bytes.len();
            self.slow_end = bytes.len();
            return;
        };
        // Every byte in from..n is ASCII, so each p there is a char boundary.
        let ascii_char = |p: usize| bytes.get(p).map(|&b| char::from(b));
        self.ascii_end = (from + 1..=n)
            .rev()
            .find(|&p| {
                let after = if p == n { Some(other) } else { ascii_char(p) };
                matches!((ascii_char(p - 1), after), (Some(a), Some(b)) if is_cut(a, b))
            })
            .unwrap_or(from);
        let mut prev = other;
        self.slow_end = chars
            .find_map(|(i, c)| {
                let cut = is_cut(prev, c);
                prev = c;
                cut.then_some(n + i)
            })
            .unwrap_or(bytes.len());
    }
}

/// ASCII whitespace as UAX #29 sees it: the space (WSegSpace), the tab
/// (Other) and the line breaks LF, VT, FF (Newline) and CR.
fn is_ascii_break_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// ASCII, or a common non-ASCII letter or punctuation mark whose Word_Break
/// value is none of Extend, Format, ZWJ, WSegSpace, LF, CR and Newline:
/// Latin letters (and × ÷) U+00C0–U+024F, the dashes, quotation marks, bullets
/// and dot leaders U+2010–U+2027, and the euro sign.
fn is_plain(c: char) -> bool {
    c.is_ascii() || matches!(c, '\u{c0}'..='\u{24f}' | '\u{2010}'..='\u{2027}' | '€')
}

/// Whether UAX #29 breaks between `a` and `b` whatever surrounds them, and
/// neither side's rules look across: one is ASCII whitespace and the other is
/// plain, and they are not CR LF or two spaces (which stay together).
///
/// Before the break, whitespace ends every segment it meets: a space only
/// ever continues a run of spaces (WB3d), the tab and the line breaks stand
/// alone (WB3a, WB999), and every other state breaks before them. After it,
/// a plain character cannot attach to what precedes it (WB4 needs Extend,
/// Format or ZWJ; WB3d a WSegSpace; WB3 an LF) and is no emoji for WB3c.
/// Cutting the text there and segmenting each side alone thus changes
/// nothing: the rules that look ahead (WB6, WB7, WB11, WB12 and WB4 at the
/// start) read at most one character past the break, and treat plain
/// whitespace or a plain character there exactly as the end of the text.
fn is_cut(a: char, b: char) -> bool {
    ((is_ascii_break_space(a) && is_plain(b)) || (is_plain(a) && is_ascii_break_space(b)))
        && !(a == ' ' && b == ' ')
        && !(a == '\r' && b == '\n')
}

/// Word_Break classes of ASCII characters, as bits: ALetter, Numeric and
/// ExtendNumLet, and the marks that join two letters (MidLetter, MidNumLet,
/// Single_Quote: `:` `.` `'`) or two digits (MidNum, MidNumLet, Single_Quote:
/// `,` `;` `.` `'`).
const A_LETTER: u8 = 1;
const NUMERIC: u8 = 2;
const EXTEND_NUM_LET: u8 = 4;
const JOINS_LETTERS: u8 = 8;
const JOINS_DIGITS: u8 = 16;
const IN_WORD: u8 = A_LETTER | NUMERIC | EXTEND_NUM_LET;

static ASCII_CLASSES: [u8; 128] = {
    let mut table = [0; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b'A'..=b'Z' | b'a'..=b'z' => A_LETTER,
            b'0'..=b'9' => NUMERIC,
            b'_' => EXTEND_NUM_LET,
            b':' => JOINS_LETTERS,
            b',' | b';' => JOINS_DIGITS,
            b'.' | b'\'' => JOINS_LETTERS | JOINS_DIGITS,
            _ => 0,
        };
        b += 1;
    }
    table
};

fn ascii_class(b: u8) -> u8 {
    ASCII_CLASSES.get(usize::from(b)).copied().unwrap_or(0)
}

/// The length of the first UAX #29 word segment of `s`, an ASCII text taken
/// on its own (0 when empty). For ASCII the rules come down to: CR LF (WB3),
/// runs of spaces (WB3d), runs of letters, digits and `_` (WB5, WB8–WB10,
/// WB13a, WB13b) that may hold `:` `.` `'` between letters (WB6, WB7) and `,`
/// `;` `.` `'` between digits (WB11, WB12), and every other character alone
/// (WB3a, WB999).
fn ascii_segment_len(s: &[u8]) -> usize {
    match s.first() {
        None => 0,
        Some(b'\r') => {
            if s.get(1) == Some(&b'\n') {
                2
            } else {
                1
            }
        }
        Some(b' ') => s.iter().take_while(|&&b| b == b' ').count(),
        Some(&b) if ascii_class(b) & IN_WORD != 0 => ascii_word_len(s, ascii_class(b)),
        Some(_) => 1,
    }
}

/// The length of the word that starts `s` with a character of class `first`
/// (a letter, digit or `_`).
fn ascii_word_len(s: &[u8], first: u8) -> usize {
    let mut last = first;
    let mut i = 1;
    while let Some(&b) = s.get(i) {
        let class = ascii_class(b);
        if class & IN_WORD != 0 {
            last = class;
            i += 1;
            continue;
        }
        let joins = match last {
            A_LETTER => class & JOINS_LETTERS != 0,
            NUMERIC => class & JOINS_DIGITS != 0,
            _ => false,
        };
        // The mark stays only between two letters or two digits.
        if !joins || s.get(i + 1).map_or(0, |&n| ascii_class(n)) != last {
            break;
        }
        i += 2;
    }
    i
}

fn tokens_with(
    text: &str,
    sentences: &[Span],
    mut known_of: impl FnMut(&str) -> Known,
) -> Vec<Tok> {
    // About one token per six bytes of news text: reserving that up front
    // spares most of the copies of a growing vector of large items.
    let mut out = Vec::with_capacity(text.len() / 6 + 8);
    let mut sentence = 0;
    // Each token's normalised form, in one buffer reused.
    let mut form = String::new();
    for (start, word) in word_bound_indices(text) {
        // UAX #29 keeps spaces together with a following combining mark, so a
        // segment may carry whitespace; a token never does.
        let lead = word.len() - word.trim_start().len();
        let word = word.trim();
        if !word.chars().any(char::is_alphanumeric) {
            continue;
        }
        let start = start + lead;
        let span = Span::new(start, start + word.len());
        while sentence + 1 < sentences.len() && sentences[sentence].end <= span.start {
            sentence += 1;
        }
        // Most words are written in lower-case ASCII already: their
        // normalised form is the word itself, with nothing copied.
        let norm: &str = if word
            .bytes()
            .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        {
            word
        } else {
            normalize_into(word, &mut form);
            &form
        };
        let Known {
            norm,
            stem,
            stop,
            syllables,
            valence,
            key,
        } = known_of(norm);
        let alpha = word.chars().any(char::is_alphabetic);
        out.push(Tok {
            span,
            norm,
            stem,
            stop,
            alpha,
            syllables,
            valence,
            key,
            sentence,
        });
    }
    out
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '」' | '』' | '）' | '›' | '“'
    )
}

fn is_cjk_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '｡')
}

/// Words that open sentences; after an ambiguous abbreviation such as "U.S."
/// or "Inc." a period ends the sentence only before one of these.
fn is_sentence_opener(word: &str) -> bool {
    let lower = normalize(word);
    is_english_stopword(&lower)
        || matches!(
            lower.as_str(),
            "but"
                | "and"
                | "so"
                | "yet"
                | "meanwhile"
                | "still"
                | "separately"
                | "earlier"
                | "later"
                | "however"
        )
}

/// Finds sentence spans (trimmed, never empty, each holding a non-punctuation
/// character) in the text.
pub(crate) fn sentences(text: &str) -> Vec<Span> {
    // Sized ahead (one char per byte at most): collecting char_indices,
    // whose size hint is a quarter of the bytes, would grow it several times.
    let mut chars: Vec<(usize, char)> = Vec::with_capacity(text.len());
    chars.extend(text.char_indices());
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut i = 0usize;
    let mut in_quote = false;
    let push = |out: &mut Vec<Span>, from: usize, to: usize| {
        if let Some(span) = trimmed_span(text, from, to) {
            out.push(span);
        }
    };
    while i < chars.len() {
        let (pos, c) = chars[i];
        match c {
            '\n' => {
                // A line break ends a sentence unless the next line plainly
                // continues it (starts lower-case after a non-blank line).
                let next = chars
                    .iter()
                    .skip(i + 1)
                    .find(|(_, c)| !c.is_whitespace() || *c == '\n');
                let continues = matches!(next, Some((_, n)) if n.is_lowercase());
                if !continues {
                    push(&mut out, start, pos);
                    start = pos + 1;
                    in_quote = false;
                }
                i += 1;
            }
            '"' => {
                in_quote = !in_quote;
                i += 1;
            }
            '“' | '«' | '„' => {
                in_quote = true;
                i += 1;
            }
            '”' | '»' => {
                in_quote = false;
                i += 1;
            }
            _ if is_cjk_terminal(c) => {
                let mut j = i + 1;
                while j < chars.len() && (is_cjk_terminal(chars[j].1) || is_closing(chars[j].1)) {
                    j += 1;
                }
                let end = chars.get(j).map_or(text.len(), |(p, _)| *p);
                push(&mut out, start, end);
                start = end;
                i = j;
            }
            '.' | '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉' => {
                // Consume the whole run of terminal punctuation ("?!", "...").
                let mut j = i;
                let mut dots = 0;
                while j < chars.len()
                    && matches!(chars[j].1, '.' | '!' | '?' | '…' | '‼' | '⁇' | '⁈' | '⁉')
                {
                    if matches!(chars[j].1, '.' | '…') {
                        dots += if chars[j].1 == '…' { 3 } else { 1 };
                    }
                    j += 1;
                }
                let ellipsis = dots >= 2;
                // Closing quotes and brackets belong to the sentence they end.
                let mut k = j;
                while k < chars.len() && is_closing(chars[k].1) {
                    if chars[k].1 == '"' {
                        in_quote = false;
                    }
                    k += 1;
                }
                // (A closing bracket alone leaves an abbreviation's full
                // stop as ambiguous as it was: "Sony (U.K.) Ltd said".)
                let closed_quote = (j..k).any(|x| !matches!(chars[x].1, ')' | ']' | '）'));
                let at_end = k >= chars.len();
                let followed_by_space = at_end || chars[k].1.is_whitespace();
                if !followed_by_space {
                    i = j.max(i + 1);
                    continue;
                }
                let next_word = next_word(&chars, k);
                let next_lower = next_word.chars().next().is_some_and(|c| c.is_lowercase());
                let mut breaks = !next_lower || at_end;
                if breaks && c == '.' && j == i + 1 && !closed_quote {
                    let word = word_before(&chars, i);
                    let lower = normalize(&word);
                    let is_initial =
                        word.chars().count() == 1 && word.chars().all(char::is_uppercase);
                    if NEVER_FINAL.contains(lower.as_str()) || is_initial {
                        breaks = at_end;
                    } else if (AMBIGUOUS.contains(lower.as_str()) || is_dotted_acronym(&word))
                        && !at_end
                    {
                        breaks = is_sentence_opener(&next_word);
                    }
                }
                if breaks && ellipsis && !at_end {
                    // An ellipsis inside a quotation marks an omission, not an end.
                    breaks = !in_quote && !next_lower;
                }
                if breaks {
                    let end = chars.get(k).map_or(text.len(), |(p, _)| *p);
                    push(&mut out, start, end);
                    start = end;
                }
                i = k.max(i + 1);
            }
            _ => i += 1,
        }
    }
    push(&mut out, start, text.len());
    out
}

/// "U.S", "U.N", "E.U" style words: letters separated by periods.
fn is_dotted_acronym(word: &str) -> bool {
    word.contains('.')
        && word
            .split('.')
            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_alphabetic))
}

/// The word that ends just before the period at `i`, with leading punctuation
/// stripped ("(U.S" → "U.S").
fn word_before(chars: &[(usize, char)], i: usize) -> String {
    let mut j = i;
    // Abbreviations are short; looking further back would only cost time.
    while j > 0 && i - j < 32 && !chars[j - 1].1.is_whitespace() {
        j -= 1;
    }
    let word: String = chars[j..i].iter().map(|(_, c)| *c).collect();
    without_opening_punctuation(word)
}

/// `word` without the chars before its first letter or digit, in place.
fn without_opening_punctuation(mut word: String) -> String {
    let lead = word.len()
        - word
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .len();
    word.drain(..lead);
    word
}

/// The next whitespace-delimited word from `k`, without opening punctuation.
fn next_word(chars: &[(usize, char)], k: usize) -> String {
    let mut j = k;
    while j < chars.len() && chars[j].1.is_whitespace() && chars[j].1 != '\n' {
        j += 1;
    }
    let word: String = chars[j.min(chars.len())..]
        .iter()
        .map(|(_, c)| *c)
        .take_while(|c| !c.is_whitespace())
        .take(32)
        .collect();
    without_opening_punctuation(word)
}

/// Trims whitespace from both ends; `None` when nothing but whitespace and
/// punctuation is left.
fn trimmed_span(text: &str, from: usize, to: usize) -> Option<Span> {
    let slice = text.get(from..to)?;
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if !trimmed
        .chars()
        .any(|c| !c.is_whitespace() && !c.is_ascii_punctuation() && !is_general_punct(c))
    {
        return None;
    }
    Some(Span::new(from + lead, from + lead + trimmed.len()))
}

fn is_general_punct(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '«' | '»' | '¡' | '¿' | '·' | '\u{3000}'..='\u{303F}')
}

/// How a sentence sits in the text, for the stages that treat headlines apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Shape {
    /// The sentence is a whole line of its own.
    pub whole_line: bool,
    /// A whole line that does not end in sentence punctuation (a headline,
    /// a caption, a dateline).
    pub headline: bool,
    /// A whole line in Title Case ("How to Defeat ISIS?").
    pub title_case: bool,
    /// Upper-case letters only.
    pub all_caps: bool,
}

/// Whether the text ends like a sentence: terminal punctuation, possibly
/// followed by closing quotation marks or brackets.
pub(crate) fn ends_with_terminal(s: &str) -> bool {
    let trimmed = s.trim_end().trim_end_matches(is_closing);
    trimmed.ends_with(['.', '!', '?', '…', '。', '！', '？', '｡', ':', ';'])
}

/// Computes the shape of every sentence.
pub(crate) fn shapes(text: &str, sentences: &[Span], tokens: &[Tok]) -> Vec<Shape> {
    let mut out = vec![Shape::default(); sentences.len()];
    let mut words = vec![(0usize, 0usize); sentences.len()];
    for t in tokens {
        if !t.alpha || (t.stop && t.norm.chars().count() <= 4) {
            continue;
        }
        let Some(entry) = words.get_mut(t.sentence) else {
            continue;
        };
        entry.0 += 1;
        let first_upper = text
            .get(t.span.start..t.span.end)
            .and_then(|w| w.chars().next())
            .is_some_and(char::is_uppercase);
        if first_upper {
            entry.1 += 1;
        }
    }
    for (i, span) in sentences.iter().enumerate() {
        let before = text.get(..span.start).unwrap_or_default();
        let after = text.get(span.end..).unwrap_or_default();
        // Both scans stop at the first non-blank character, so a long line
        // with many sentences stays linear.
        let line_start = before
            .chars()
            .rev()
            .take_while(|c| *c != '\n')
            .all(char::is_whitespace);
        let line_end = after
            .chars()
            .take_while(|c| *c != '\n')
            .all(char::is_whitespace);
        let body = text.get(span.start..span.end).unwrap_or_default();
        let whole_line = line_start && line_end;
        let (n, caps) = words[i];
        let has_letters = body.chars().any(char::is_alphabetic);
        out[i] = Shape {
            whole_line,
            headline: whole_line && !ends_with_terminal(body),
            title_case: whole_line && n >= 3 && caps * 10 >= n * 7,
            all_caps: has_letters && n >= 2 && !body.chars().any(char::is_lowercase),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text)
            .into_iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn single_spacing() {
        assert_eq!(single_spaced("Ben\n  Rhodes "), "Ben Rhodes");
        assert_eq!(
            single_spaced(" \t\u{a0}Grève\u{2003}générale\r\n"),
            "Grève générale"
        );
        assert_eq!(single_spaced("a"), "a");
        assert_eq!(single_spaced(""), "");
        assert_eq!(single_spaced(" \n "), "");
        // The ASCII fast path and the general one agree.
        for s in [
            "Ben Rhodes",
            "Ben  Rhodes",
            " Ben",
            "Ben ",
            "Ben\tRhodes",
            "Ben\x0BRhodes",
            "Ben\x0CRhodes",
            "Ben\rRhodes",
            "a b c",
            "a\x1Fb",
            "",
            " ",
            "x",
        ] {
            let general = s.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(single_spaced(s), general, "{s:?}");
        }
    }

    #[test]
    fn an_abbreviation_in_brackets_ends_a_sentence_only_before_an_opener() {
        // Reuters-21578: "Sony (U.K.) Ltd" had been cut after "(U.K.)".
        assert_eq!(
            split(
                "Sony (U.K.) Ltd said it would. Talks were held (in the U.S.) The talks went on."
            ),
            vec![
                "Sony (U.K.) Ltd said it would.",
                "Talks were held (in the U.S.)",
                "The talks went on."
            ]
        );
        // A closing quotation mark still ends one.
        assert_eq!(
            split("He said \"go to the U.S.\" Then he left."),
            vec!["He said \"go to the U.S.\"", "Then he left."]
        );
    }

    #[test]
    fn abbreviations_do_not_break() {
        assert_eq!(
            split("U.S. Deputy National security adviser Ben Rhodes said on Sunday. Then he left."),
            vec![
                "U.S. Deputy National security adviser Ben Rhodes said on Sunday.",
                "Then he left."
            ]
        );
        assert_eq!(
            split(
                "Mr. Smith met Dr. Jones on Jan. 5 at St. Paul's. Gen. Lee said Acme Inc. rose. The firm grew. Fr. Walsh agreed."
            ),
            vec![
                "Mr. Smith met Dr. Jones on Jan. 5 at St. Paul's.",
                "Gen. Lee said Acme Inc. rose.",
                "The firm grew.",
                "Fr. Walsh agreed."
            ]
        );
        assert_eq!(
            split("Fruit, e.g. apples, i.e. food. No. 5 won."),
            vec!["Fruit, e.g. apples, i.e. food.", "No. 5 won."]
        );
        assert_eq!(
            split("J. K. Rowling wrote it. It sold."),
            vec!["J. K. Rowling wrote it.", "It sold."]
        );
        assert_eq!(
            split("It cost 4.5 billion. Prices rose 2.5 per cent."),
            vec!["It cost 4.5 billion.", "Prices rose 2.5 per cent."]
        );
        assert_eq!(
            split("They struck the U.S. The attack failed."),
            vec!["They struck the U.S.", "The attack failed."]
        );
    }

    #[test]
    fn quotes_and_ellipses() {
        assert_eq!(
            split("\"We will stand with them ... They're in our campaign,\" he said. Next one."),
            vec![
                "\"We will stand with them ... They're in our campaign,\" he said.",
                "Next one."
            ]
        );
        assert_eq!(
            split("He said, \"It is over.\" Then he left."),
            vec!["He said, \"It is over.\"", "Then he left."]
        );
        assert_eq!(split("Wait... what? Yes!"), vec!["Wait... what?", "Yes!"]);
    }

    #[test]
    fn lines_are_hard_breaks_and_cjk() {
        assert_eq!(
            split("US to work with France\n\nWhite House Advisor: Efforts\nBody text."),
            vec![
                "US to work with France",
                "White House Advisor: Efforts",
                "Body text."
            ]
        );
        assert_eq!(
            split("東京は晴れです。大阪は雨！本当？"),
            vec!["東京は晴れです。", "大阪は雨！", "本当？"]
        );
        assert_eq!(
            split("L'été à Paris. C'était beau."),
            vec!["L'été à Paris.", "C'était beau."]
        );
        assert!(split("  \n ... \n").is_empty());
    }

    #[test]
    fn shapes_find_headlines() {
        let text = "Grève à Paris: How to Defeat ISIS?\nUS to work with France to intensify strikes\n\nRHODES SPEAKS\nBody text, with words. Second.";
        let s = sentences(text);
        let t = tokens(text, &s, "en");
        let sh = shapes(text, &s, &t);
        assert!(sh[0].title_case && sh[0].whole_line && !sh[0].headline);
        assert!(sh[1].headline && !sh[1].title_case);
        assert!(sh[2].all_caps && sh[2].headline);
        assert!(!sh[3].whole_line && !sh[3].headline);
    }

    /// Compares [`word_bound_indices`] with unicode-segmentation on `text`.
    fn assert_same_bounds(text: &str) {
        let fast: Vec<(usize, &str)> = word_bound_indices(text).collect();
        let reference: Vec<(usize, &str)> = text.split_word_bound_indices().collect();
        if fast != reference {
            let i = fast
                .iter()
                .zip(&reference)
                .take_while(|(a, b)| a == b)
                .count();
            let from = i.saturating_sub(3);
            let shown = if text.len() <= 300 {
                text
            } else {
                "(long text)"
            };
            panic!(
                "word bounds differ at segment {i} of {shown:?} ({} bytes):\n fast: {:?}\n  uax: {:?}",
                text.len(),
                fast.get(from..(i + 3).min(fast.len())),
                reference.get(from..(i + 3).min(reference.len())),
            );
        }
    }

    /// A deterministic xorshift generator, so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }

    /// One of every ASCII Word_Break class and of the non-ASCII ones the fast
    /// path must hand over or cut next to.
    const ALPHABET: &str = "aZ7_.,:;'\"- \t\n\r\u{b}\u{c}\0é’“\u{301}\u{200d}\u{ad}中\u{1f1fa}\u{1f1f8}😀\u{a0}אカ\u{3000}\u{2024}\u{85}×";

    #[test]
    fn word_bounds_match_unicode_segmentation_on_short_strings() {
        // Every string of up to three characters from the alphabet, and every
        // pair of ASCII characters.
        let alphabet: Vec<char> = ALPHABET.chars().collect();
        let mut text = String::new();
        for &a in &alphabet {
            for &b in &alphabet {
                for &c in &alphabet {
                    for n in 1..=3 {
                        text.clear();
                        text.extend([a, b, c].iter().take(n));
                        assert_same_bounds(&text);
                    }
                }
            }
        }
        for a in 0u8..128 {
            for b in 0u8..128 {
                text.clear();
                text.extend([char::from(a), char::from(b)]);
                assert_same_bounds(&text);
            }
        }
        assert_same_bounds("");
    }

    #[test]
    fn word_bounds_match_unicode_segmentation_on_random_text() {
        // Pieces rather than single characters, so that words, numbers and
        // their punctuation turn up often enough to matter.
        const PIECES: &[&str] = &[
            "a",
            "Ab",
            "word",
            "x",
            "42",
            "3",
            "_",
            ".",
            ",",
            ":",
            ";",
            "'",
            "\"",
            "-",
            " ",
            " ",
            "  ",
            "\t",
            "\n",
            "\r",
            "\r\n",
            "é",
            "café",
            "’",
            "We’re",
            "“",
            "”",
            "\u{301}",
            "e\u{301}",
            "\u{200d}",
            "\u{ad}",
            "中",
            "中文",
            "\u{1f1fa}",
            "\u{1f1f8}",
            "\u{1f1fa}\u{1f1f8}",
            "😀",
            "😀\u{200d}😀",
            "\u{a0}",
            "U.S.",
            "3.5",
            "1,000",
            "don't",
            "a_b",
            "\u{b}",
            "\u{c}",
            "א",
            "カ",
            "\u{3000}",
            "–",
            "€",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut text = String::new();
        for _ in 0..20_000 {
            text.clear();
            let len = rng.below(40);
            for _ in 0..len {
                text.push_str(PIECES[rng.below(PIECES.len())]);
            }
            assert_same_bounds(&text);
        }
        let alphabet: Vec<char> = ALPHABET.chars().collect();
        for _ in 0..20_000 {
            text.clear();
            let len = rng.below(24);
            for _ in 0..len {
                text.push(alphabet[rng.below(alphabet.len())]);
            }
            assert_same_bounds(&text);
        }
    }

    #[test]
    fn word_bounds_cut_only_where_nothing_attaches() {
        // The non-ASCII characters `is_plain` admits, next to each kind of
        // ASCII whitespace and inside words.
        let plain = ('\u{80}'..='\u{2fff}').filter(|&c| !c.is_ascii() && is_plain(c));
        for c in plain {
            for ws in [" ", "  ", "\t", "\n", "\r", "\r\n", "\u{b}", "\u{c}"] {
                for text in [
                    format!("{ws}{c}"),
                    format!("{c}{ws}"),
                    format!("a{ws}{c}{ws}b"),
                    format!("x{c}y{ws}{c}\u{301}{ws}7{c}8"),
                    format!("{ws}\u{301}{c}{ws}a{c}"),
                ] {
                    assert_same_bounds(&text);
                }
            }
        }
    }

    #[test]
    fn word_bounds_match_on_examples_and_seeds() {
        for text in [
            "He said “we’re fine” today, and left at 5:30 p.m.",
            "Grève à Paris: How to Defeat ISIS?\r\nU.S. 1,234.5 a_b _x x_ 3a b4 a.1 1.a",
            "  \u{301} \u{200d}😀 \u{1f1fa}\u{1f1f8}\u{1f1fa} é\u{ad}x\ttab",
            "e\u{301}\u{301} naïve – “quote” ‘single’ 1’000 l’été",
        ] {
            assert_same_bounds(text);
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).expect("seeds folder") {
            let path = entry.expect("seed entry").path();
            let bytes = std::fs::read(&path).expect("seed file");
            assert_same_bounds(&String::from_utf8_lossy(&bytes));
            seen += 1;
        }
        assert!(seen > 0, "no seed files in {}", dir.display());
    }

    /// The same comparison over the evaluation corpora, which are not in the
    /// repository: `cargo test --release --lib -- --ignored word_bounds_match_on_corpora`.
    #[test]
    #[ignore = "needs /work/shared/eval"]
    fn word_bounds_match_on_corpora() {
        let root = std::path::Path::new("/work/shared/eval");
        let mut docs = 0;
        for corpus in ["corpus/reuters21578", "corpus/bbc"] {
            let loaded = crate::bench::corpus::load(&root.join(corpus), None).expect("corpus");
            for doc in &loaded {
                assert_same_bounds(&doc.title);
                assert_same_bounds(&doc.body);
                docs += 1;
            }
        }
        let mut files = 0;
        let mut stack = vec![root.to_path_buf()];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path).expect("folder") {
                    stack.push(entry.expect("entry").path());
                }
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                assert_same_bounds(&text);
                files += 1;
            }
        }
        eprintln!("word bounds agree on {docs} corpus documents and {files} files");
        assert!(docs > 0 && files > 0);
    }

    /// Each token as computed without the cache: the normalised form, its
    /// stem by the language's stemmer, the stopword flag, its place in the
    /// sentiment lexicon and its key.
    fn uncached(text: &str, sentences: &[Span], lang: &str) -> Vec<Tok> {
        let stemmer = algorithm_for(lang).map(Stemmer::create);
        tokens_with(text, sentences, |norm| {
            let stem = match &stemmer {
                Some(s) => s.stem(norm).into_owned(),
                None => norm.to_string(),
            };
            Known {
                stop: is_stopword(norm, lang),
                syllables: u32::try_from(super::super::stats::syllables(norm)).unwrap_or(u32::MAX),
                valence: super::super::sentiment::valence_of(norm),
                key: super::super::tagger::hash_str(norm),
                norm: Word::from(norm),
                stem: Word::from(stem),
            }
        })
    }

    proptest::proptest! {
        #[test]
        fn cached_tokens_are_the_uncached_ones(
            text in "([A-Za-z]{1,8}|The|THE|the|Running|RUNNING|Straße|grèves|Über|İstanbul|it’s|Weʼre|[0-9]{1,4}|[ .,\n’'-]){0,40}",
            lang in proptest::sample::select(vec!["en", "fr", "de", "es", "ru", "xx"]),
        ) {
            let s = sentences(&text);
            let want = uncached(&text, &s, lang);
            // Twice: words first computed, then the same words from the cache.
            proptest::prop_assert_eq!(&tokens(&text, &s, lang), &want);
            proptest::prop_assert_eq!(&tokens(&text, &s, lang), &want);
            for t in &want {
                let word = text.get(t.span.start..t.span.end).unwrap_or_default();
                // The normalised form as first defined, in one expression.
                let lower: String = word
                    .chars()
                    .flat_map(char::to_lowercase)
                    .map(|c| if c == '’' || c == 'ʼ' { '\'' } else { c })
                    .collect();
                proptest::prop_assert_eq!(t.norm.as_str(), lower.as_str());
                proptest::prop_assert_eq!(normalize(word), lower);
            }
        }
    }

    #[test]
    fn tokens_have_stems_and_stopwords() {
        let text = "The strikes intensified. Les grèves continuent.";
        let s = sentences(text);
        let t = tokens(text, &s, "en");
        let norms: Vec<&str> = t.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(
            norms,
            vec![
                "the",
                "strikes",
                "intensified",
                "les",
                "grèves",
                "continuent"
            ]
        );
        assert!(t[0].stop);
        assert_eq!(t[1].stem, "strike");
        assert_eq!(t[4].sentence, 1);
        let fr = tokens(text, &s, "fr");
        assert!(fr[3].stop);
        assert_eq!(&text[fr[4].span.start..fr[4].span.end], "grèves");
    }

    #[test]
    fn tokens_carry_their_forms_key_and_place_in_the_sentiment_lexicon() {
        // Met first and again (the second time from the cache), in both
        // spellings of the apostrophe, and in a language with no stemmer.
        let text = "Great news. It isn’t great, it isn't GREAT. Terrible! Great zzqx.";
        let s = sentences(text);
        for lang in ["en", "xx"] {
            let t = tokens(text, &s, lang);
            for tok in &t {
                assert_eq!(tok.key, super::super::tagger::hash_str(&tok.norm));
                assert_eq!(
                    tok.valence,
                    super::super::sentiment::valence_of(&tok.norm),
                    "{lang} {:?}",
                    tok.norm
                );
            }
            let rated = |w: &str| {
                t.iter()
                    .filter(|k| k.norm == w && k.valence.is_some())
                    .count()
            };
            assert_eq!((rated("great"), rated("terrible")), (4, 1), "{lang}");
            assert!(t.iter().any(|k| k.norm == "zzqx" && k.valence.is_none()));
        }
    }
}
