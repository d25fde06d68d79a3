//! The character n-gram language model behind the language stage.
//!
//! `models/langid.bin` is built by `tools/langid-model` from lingua's
//! per-language n-gram tables (75 languages, 1- to 5-grams of the letters of
//! a word, lower-cased): for each language and length the most frequent
//! n-grams, each with ln P(last char | the chars before) quantized above a
//! floor into one byte. A text's score for a language is the sum of those
//! bytes over the text's n-grams, which is its log-likelihood under the five
//! n-gram models up to a constant shared by every language (an absent
//! n-gram counts as the floor). The file is read in place from the bytes
//! embedded in the binary; nothing is decoded at start-up but the list of
//! languages.
//!
//! Format, all integers little-endian:
//!
//! ```text
//! "DSLANG01"
//! u32 header length, header: one "code\tcode3\tname\n" line per language
//! f32 nats per weight unit
//! u32 bucket bits B, u32 keys K, u32 postings P
//! (2^B + 1) × u32  first key of each bucket (keys are ordered by bucket,
//!                  then fingerprint)
//! (K + 1) × (u32, u32)  keys: the low 32 bits of the n-gram's hash and the
//!                  key's first posting; the last entry only ends the
//!                  postings (the fingerprint and its posting share a cache
//!                  line)
//! P × (u8, u8)     postings: (language index, weight)
//! ```
//!
//! The hash is 64-bit FNV-1a over the n-gram's UTF-8 bytes; a key's bucket
//! is the hash's top B bits.

use std::cell::RefCell;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;

use super::fingerprint::{FNV_OFFSET, fnv1a64_extend};

/// The model the service runs, embedded in the binary.
static EMBEDDED: &[u8] = include_bytes!("../../models/langid.bin");

/// The embedded model, read on first use.
pub(crate) static MODEL: LazyLock<Model<'static>> = LazyLock::new(|| {
    // The embedded file is checked by a unit test; a broken build of it
    // leaves the service with no n-gram languages instead of a panic.
    Model::parse(EMBEDDED).unwrap_or_else(|_| Model::empty())
});

const MAGIC: &[u8; 8] = b"DSLANG01";
/// Longest n-gram in the model.
const MAX_N: usize = 5;
/// Scoring stops once the best language's log-likelihood leads by this
/// much: odds of e^40 to one do not change with more text.
pub(crate) const SETTLED_NATS: f32 = 25.0;

/// A word of a text of more than [`RAW_WORDS`] words counts at most this
/// much against a language: a long word sums dozens of n-grams, so one
/// Latinate word ("melodrama", 56 nats for Latin over English) outweighed
/// every short function word of an English sentence and settled it as
/// Latin. Measured (README, language id row): English sentences of
/// CoNLL++ dev and wikigold 0.866 → 0.894, English news documents 0.958 →
/// 0.999, lingua's word pairs unchanged (5, 15, 20 nats: see there).
const WORD_CLIP_NATS: f32 = 10.0;

/// Texts of at most this many words are scored without the clip: with two
/// words, one clipped word decides nothing (lingua's word pairs fell from
/// 0.889 to 0.861 when they were clipped too).
const RAW_WORDS: usize = 2;

/// The id the next model parsed gets (0 is the empty model's).
static NEXT_MODEL_ID: AtomicU64 = AtomicU64::new(1);

/// Words one thread keeps the scores of before it starts afresh.
const WORD_CACHE_WORDS: usize = 2048;
/// Longest word (in bytes) whose scores are kept: up to 32 bytes a word has
/// fewer than 160 n-grams, so its sum per language fits a `u16`.
const WORD_CACHE_MAX_BYTES: usize = 32;

/// One word's n-gram scores: how many n-grams were looked up and the sum of
/// their weights per language.
struct WordScore {
    ngrams: u32,
    sums: Box<[u16]>,
}

/// Adds one word's kept scores to a text's: to `raw` as they are, to
/// `scores` with no language more than `clip` below the word's best.
fn add_word(w: &WordScore, scores: &mut Scores, raw: &mut Scores, clip: u32) {
    scores.ngrams += w.ngrams as usize;
    raw.ngrams += w.ngrams as usize;
    let lo = u32::from(w.sums.iter().copied().max().unwrap_or(0)).saturating_sub(clip);
    for ((s, r), &x) in scores
        .sums
        .iter_mut()
        .zip(raw.sums.iter_mut())
        .zip(w.sums.iter())
    {
        *s += u32::from(x).max(lo);
        *r += u32::from(x);
    }
}

/// A thread's word scores: the id of the model they came from, and the
/// scores by lower-cased word.
type WordScores = (u64, FxHashMap<Box<[u8]>, WordScore>);

thread_local! {
    /// The scores of the words this thread has scored, with the id of the
    /// model they came from. A word's scores are a pure
    /// function of the word and the model, and the words that open news
    /// texts ("the", "said", "government") repeat from one text to the next,
    /// so most words are one look-up here instead of a look-up per n-gram.
    static WORD_SCORES: RefCell<WordScores> =
        RefCell::new((0, FxHashMap::default()));
}

/// One language of the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ModelLanguage {
    /// ISO 639-1.
    pub code: String,
    /// ISO 639-3.
    pub code3: String,
    /// English name.
    pub name: String,
}

/// A language model read in place from its file's bytes.
#[derive(Debug, Clone)]
pub(crate) struct Model<'a> {
    /// Tells this model's word scores from another's in the thread's cache
    /// (a clone shares its tables, and its id).
    id: u64,
    languages: Vec<ModelLanguage>,
    /// Nats per weight unit.
    step: f32,
    bucket_bits: u32,
    buckets: &'a [u8],
    /// (fingerprint, first posting) pairs.
    keys: &'a [u8],
    postings: &'a [u8],
}

/// A text's scores: the sum of weights per language, and how many n-grams
/// were looked up.
#[derive(Debug, Clone)]
pub(crate) struct Scores {
    /// Weight sums indexed by a posting's language byte, so adding one
    /// needs no bounds check; only the first `languages` are the model's.
    sums: [u32; 256],
    /// How many languages the model has.
    languages: usize,
    /// n-grams looked up.
    pub ngrams: usize,
    /// Word characters read.
    pub chars: usize,
}

impl Scores {
    /// No score yet, for a model of `languages` languages.
    fn empty(languages: usize) -> Scores {
        Scores {
            sums: [0; 256],
            languages,
            ngrams: 0,
            chars: 0,
        }
    }

    /// The best and second-best language indices with their sums; `None`
    /// when no n-gram of the text is in the model.
    pub fn top2(&self) -> Option<((usize, u32), u32)> {
        let mut best: Option<(usize, u32)> = None;
        let mut second = 0;
        for (i, &s) in self.sums.iter().take(self.languages).enumerate() {
            match best {
                Some((_, b)) if s <= b => second = second.max(s),
                _ => {
                    if let Some((_, b)) = best {
                        second = second.max(b);
                    }
                    best = Some((i, s));
                }
            }
        }
        best.filter(|&(_, s)| s > 0).map(|b| (b, second))
    }
}

fn u32_at(bytes: &[u8], i: usize) -> u32 {
    bytes
        .get(i * 4..i * 4 + 4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

/// Splits `n` bytes off the front of `rest`.
fn take<'a>(rest: &mut &'a [u8], n: usize) -> Result<&'a [u8], String> {
    if rest.len() < n {
        return Err(format!("truncated: {n} bytes wanted, {} left", rest.len()));
    }
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Ok(head)
}

fn take_u32(rest: &mut &[u8]) -> Result<u32, String> {
    Ok(u32_at(take(rest, 4)?, 0))
}

/// Whether `c` belongs to a word: letters, and the combining marks that
/// Indic and other scripts write inside words.
fn is_word_char(c: char) -> bool {
    c.is_alphabetic()
        || ('\u{300}'..='\u{36f}').contains(&c)
        || (('\u{900}'..='\u{eff}').contains(&c)
            && !c.is_numeric()
            && !matches!(c, '\u{964}' | '\u{965}'))
}

impl<'a> Model<'a> {
    /// A model with no languages: every text scores nothing.
    fn empty() -> Model<'static> {
        Model {
            id: 0,
            languages: Vec::new(),
            step: 1.0,
            bucket_bits: 0,
            buckets: &[],
            keys: &[],
            postings: &[],
        }
    }

    /// Reads a model file's layout, checking every size; the tables stay in
    /// `bytes` and are not read here, so an embedded model costs no memory
    /// until text touches its pages. A lookup never reads outside a table
    /// whatever the offsets hold; [`Model::validate`] checks them too.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, String> {
        let mut rest = bytes;
        if take(&mut rest, 8)? != MAGIC {
            return Err("not a docsift language model".into());
        }
        let header_len = take_u32(&mut rest)? as usize;
        let header = std::str::from_utf8(take(&mut rest, header_len)?)
            .map_err(|_| "header is not UTF-8".to_string())?;
        let mut languages = Vec::new();
        for line in header.lines() {
            let mut parts = line.split('\t');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(code), Some(code3), Some(name)) => languages.push(ModelLanguage {
                    code: code.into(),
                    code3: code3.into(),
                    name: name.into(),
                }),
                _ => return Err(format!("bad language line {line:?}")),
            }
        }
        if languages.len() > 256 {
            return Err("more than 256 languages".into());
        }
        let step = f32::from_le_bytes(
            take(&mut rest, 4)?
                .try_into()
                .map_err(|_| "step".to_string())?,
        );
        let bucket_bits = take_u32(&mut rest)?;
        if !(1..=24).contains(&bucket_bits) {
            return Err(format!("bucket bits {bucket_bits} out of range"));
        }
        let keys = take_u32(&mut rest)? as usize;
        let postings = take_u32(&mut rest)? as usize;
        let n_buckets = 1usize << bucket_bits;
        let buckets = take(&mut rest, (n_buckets + 1) * 4)?;
        let key_bytes = take(&mut rest, (keys + 1) * 8)?;
        let posting_bytes = take(&mut rest, postings * 2)?;
        if !rest.is_empty() {
            return Err(format!("{} trailing bytes", rest.len()));
        }
        Ok(Model {
            id: NEXT_MODEL_ID.fetch_add(1, Ordering::Relaxed),
            languages,
            step,
            bucket_bits,
            buckets,
            keys: key_bytes,
            postings: posting_bytes,
        })
    }

    /// Checks every offset and posting of the tables (reads all of them).
    pub fn validate(&self) -> Result<(), String> {
        let n_buckets = 1usize << self.bucket_bits;
        let keys = self.keys.len() / 8 - 1;
        let postings = self.postings.len() / 2;
        let mut last = 0;
        for b in 0..=n_buckets {
            let at = u32_at(self.buckets, b) as usize;
            if at < last || at > keys {
                return Err(format!("bucket {b} starts at {at}"));
            }
            last = at;
        }
        last = 0;
        for k in 0..=keys {
            let at = u32_at(self.keys, 2 * k + 1) as usize;
            if at < last || at > postings {
                return Err(format!("key {k} starts at posting {at}"));
            }
            last = at;
        }
        if self
            .postings
            .chunks_exact(2)
            .any(|p| usize::from(p[0]) >= self.languages.len())
        {
            return Err("a posting names no language".into());
        }
        Ok(())
    }

    /// The model's languages, in index order.
    pub fn languages(&self) -> &[ModelLanguage] {
        &self.languages
    }

    /// Nats per weight unit.
    pub fn step(&self) -> f32 {
        self.step
    }

    /// The postings of the n-gram whose hash is `h` (empty when absent).
    fn lookup(&self, h: u64) -> &'a [u8] {
        if self.bucket_bits == 0 {
            return &[];
        }
        let bucket = (h >> (64 - self.bucket_bits)) as usize;
        let (from, to) = (
            u32_at(self.buckets, bucket) as usize,
            u32_at(self.buckets, bucket + 1) as usize,
        );
        let fp = h as u32;
        for k in from..to.min(self.keys.len() / 8) {
            let f = u32_at(self.keys, 2 * k);
            if f == fp {
                let (a, b) = (
                    u32_at(self.keys, 2 * k + 1) as usize * 2,
                    u32_at(self.keys, 2 * k + 3) as usize * 2,
                );
                return self.postings.get(a..b).unwrap_or_default();
            }
            if f > fp {
                break;
            }
        }
        &[]
    }

    /// Scores the first `max_chars` word characters of `text`, stopping
    /// earlier at the end of a word once the best language leads the second
    /// by [`SETTLED_NATS`]; each word counts at most [`WORD_CLIP_NATS`]
    /// against a language, unless the text has [`RAW_WORDS`] words or fewer.
    pub fn score(&self, text: &str, max_chars: usize) -> Scores {
        let settled = (SETTLED_NATS / self.step.max(f32::MIN_POSITIVE)) as u32;
        let mut scores = Scores::empty(self.languages.len());
        let mut raw = Scores::empty(self.languages.len());
        let mut words = 0;
        // The current word, lower-cased, and where each of its chars starts.
        let mut word: Vec<u8> = Vec::with_capacity(64);
        let mut bounds: Vec<usize> = Vec::with_capacity(32);
        let mut utf8 = [0u8; 4];
        for c in text.chars() {
            if scores.chars >= max_chars {
                break;
            }
            if is_word_char(c) {
                for lc in c.to_lowercase() {
                    bounds.push(word.len());
                    word.extend_from_slice(lc.encode_utf8(&mut utf8).as_bytes());
                }
                scores.chars += 1;
            } else if !word.is_empty() {
                self.score_word(&word, &mut bounds, &mut scores, &mut raw);
                words += 1;
                word.clear();
                bounds.clear();
                if scores
                    .top2()
                    .is_some_and(|((_, top), second)| top - second >= settled)
                {
                    break;
                }
            }
        }
        if !word.is_empty() {
            self.score_word(&word, &mut bounds, &mut scores, &mut raw);
            words += 1;
        }
        if words <= RAW_WORDS {
            raw.chars = scores.chars;
            return raw;
        }
        scores
    }

    /// Adds the n-grams of one lower-cased word, from this thread's cache of
    /// word scores when the word is short enough to be kept there.
    fn score_word(
        &self,
        word: &[u8],
        bounds: &mut Vec<usize>,
        scores: &mut Scores,
        raw: &mut Scores,
    ) {
        let clip = (WORD_CLIP_NATS / self.step.max(f32::MIN_POSITIVE)) as u32;
        if word.len() > WORD_CACHE_MAX_BYTES || self.languages.is_empty() {
            let mut own = Scores::empty(self.languages.len());
            self.score_word_ngrams(word, bounds, &mut own);
            scores.ngrams += own.ngrams;
            raw.ngrams += own.ngrams;
            let lo = own.sums[..own.languages]
                .iter()
                .copied()
                .max()
                .unwrap_or(0)
                .saturating_sub(clip);
            for ((s, r), &x) in scores
                .sums
                .iter_mut()
                .zip(raw.sums.iter_mut())
                .zip(own.sums.iter())
                .take(own.languages)
            {
                *s += x.max(lo);
                *r += x;
            }
            return;
        }
        WORD_SCORES.with_borrow_mut(|(owner, words)| {
            if *owner != self.id {
                words.clear();
                *owner = self.id;
            }
            if let Some(w) = words.get(word) {
                add_word(w, scores, raw, clip);
                return;
            }
            let mut own = Scores::empty(self.languages.len());
            self.score_word_ngrams(word, bounds, &mut own);
            if words.len() >= WORD_CACHE_WORDS {
                words.clear();
            }
            let w = WordScore {
                ngrams: u32::try_from(own.ngrams).unwrap_or(u32::MAX),
                sums: own.sums[..own.languages]
                    .iter()
                    .map(|&s| u16::try_from(s).unwrap_or(u16::MAX))
                    .collect(),
            };
            add_word(&w, scores, raw, clip);
            words.insert(Box::from(word), w);
        });
    }

    /// Adds the n-grams of one lower-cased word. An n-gram whose prefix is
    /// absent from the model is not looked up: the model keeps the most
    /// frequent n-grams, and a frequent n-gram has a frequent prefix.
    fn score_word_ngrams(&self, word: &[u8], bounds: &mut Vec<usize>, scores: &mut Scores) {
        let n_chars = bounds.len();
        bounds.push(word.len());
        for i in 0..n_chars {
            let mut h = FNV_OFFSET;
            for n in 1..=MAX_N.min(n_chars - i) {
                h = fnv1a64_extend(
                    h,
                    word.get(bounds[i + n - 1]..bounds[i + n])
                        .unwrap_or_default(),
                );
                scores.ngrams += 1;
                let postings = self.lookup(h);
                if postings.is_empty() {
                    break;
                }
                for p in postings.chunks_exact(2) {
                    // A language byte past the model's languages (never in a
                    // valid model) lands in a slot `top2` does not read.
                    scores.sums[usize::from(p[0])] += u32::from(p[1]);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn best(text: &str) -> String {
        let s = MODEL.score(text, 10_000);
        s.top2()
            .map(|((i, _), _)| MODEL.languages()[i].code.clone())
            .unwrap_or_default()
    }

    #[test]
    fn embedded_model_parses_with_its_languages() {
        let m = Model::parse(EMBEDDED).expect("embedded model");
        m.validate().expect("embedded model's tables");
        assert_eq!(m.languages().len(), 75);
        assert!(
            m.languages()
                .iter()
                .any(|l| l.code == "en" && l.code3 == "eng")
        );
        assert!(m.step() > 0.0);
    }

    fn fresh(model: &Model) -> Scores {
        Scores::empty(model.languages.len())
    }

    /// Lower-cased words with their char starts, as `score` hands them on.
    fn words(text: &str) -> Vec<(Vec<u8>, Vec<usize>)> {
        text.split(|c: char| !is_word_char(c))
            .filter(|w| !w.is_empty())
            .map(|w| {
                let lower = w.to_lowercase();
                let bounds = lower.char_indices().map(|(i, _)| i).collect();
                (lower.into_bytes(), bounds)
            })
            .collect()
    }

    #[test]
    fn cached_word_scores_equal_the_ngram_sums() {
        let m = &*MODEL;
        let text = "The the government said Überweisung überweisung, said the \
                    Bundesregierung; Правительство заявило. Supercalifragilisticexpialidocious \
                    antidisestablishmentarianismus";
        // Twice, so the second round reads every short word from the cache.
        for _ in 0..2 {
            let (mut clipped, mut cached, mut direct) = (fresh(m), fresh(m), fresh(m));
            for (word, bounds) in words(text) {
                m.score_word(&word, &mut bounds.clone(), &mut clipped, &mut cached);
                m.score_word_ngrams(&word, &mut bounds.clone(), &mut direct);
            }
            assert_eq!(cached.ngrams, direct.ngrams);
            assert!(cached.ngrams > 0);
            assert_eq!(cached.sums, direct.sums);
        }
    }

    #[test]
    fn scores_pick_the_language() {
        assert_eq!(
            best("The government said on Monday it would raise taxes."),
            "en"
        );
        assert_eq!(
            best("Die Regierung hat am Montag die Steuern erhöht."),
            "de"
        );
        assert_eq!(
            best("Le gouvernement a annoncé lundi une hausse des impôts."),
            "fr"
        );
        assert_eq!(
            best("El gobierno anunció el lunes una subida de impuestos."),
            "es"
        );
        assert_eq!(
            best("Правительство в понедельник объявило о повышении налогов."),
            "ru"
        );
        assert_eq!(
            best("Rząd zapowiedział w poniedziałek podwyżkę podatków."),
            "pl"
        );
    }

    #[test]
    fn a_long_word_does_not_outvote_a_sentence() {
        // "melodrama" alone gives Latin 56 nats over English: such words,
        // names among them, settled these sentences as Estonian, Italian,
        // Tagalog and French.
        let m = &*MODEL;
        let per_word = m.score("melodrama", 1_000);
        let (Some(en), Some(la)) = (
            m.languages().iter().position(|l| l.code == "en"),
            m.languages().iter().position(|l| l.code == "la"),
        ) else {
            panic!("the model knows English and Latin");
        };
        assert!(per_word.sums[la] > per_word.sums[en]);
        for text in [
            "President Boris Yeltsin ordered Lebed to restore peace in Chechnya and gave him \
             unspecified sweeping powers to carry out the mission.",
            "It was Incaviglia's sixth grand slam and 200th homer of his career.",
            "He was married to Anastasiya Vertinskaya after her divorce with Nikita Mikhalkov.",
        ] {
            assert_eq!(best(text), "en", "{text}");
        }
        assert_eq!(
            best(
                "Portugal is the exception on the tour, a playful beach break, but it retains \
                 its status on the tour due to the carnival atmosphere that the sport attracts."
            ),
            "en"
        );
        // Two words are scored as they are: one clipped word of two would
        // decide nothing.
        assert_eq!(best("melodrama"), best("melodrama"));
        let two = m.score("compilatio melodrama", 1_000);
        let raw_la = m.score("compilatio", 1_000).sums[la] + per_word.sums[la];
        assert_eq!(two.sums[la], raw_la);
    }

    #[test]
    fn nothing_to_score_scores_nothing() {
        for text in ["", "1234 !!! ...", "😀😀"] {
            let s = MODEL.score(text, 10_000);
            assert_eq!(s.ngrams, 0);
            assert!(s.top2().is_none());
        }
        // The character budget stops reading.
        let s = MODEL.score("government government", 5);
        assert_eq!(s.chars, 5);
    }

    #[test]
    fn broken_files_are_errors_not_panics() {
        for cut in [0, 7, 8, 12, 40, EMBEDDED.len() / 2, EMBEDDED.len() - 1] {
            assert!(Model::parse(&EMBEDDED[..cut]).is_err(), "cut at {cut}");
        }
        let mut bad = EMBEDDED.to_vec();
        bad[0] = b'X';
        assert!(Model::parse(&bad).is_err());
        let mut extra = EMBEDDED.to_vec();
        extra.push(0);
        assert!(Model::parse(&extra).is_err());
    }
}
