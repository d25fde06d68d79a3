//! The learned named-entity tagger: averaged linear weights over hashed
//! features (learned with passive-aggressive updates, `eval::train`),
//! decoding each sentence left to right by a beam search of width two (a
//! softmax of each token's scores read as its tags' probabilities) with BIO
//! tags for PER, ORG, LOC and MISC (the CoNLL-2003 types).
//!
//! Features per token: the word, its lower-case form, its shape and short
//! shape, prefixes and suffixes, neighbours within two tokens, punctuation
//! on either side, gazetteer hits (the crate's gazetteer), first names,
//! person titles and legal suffixes around it, the two previous tags, and
//! document features for headlines in capitals and sports tables: whether
//! the sentence is all capitals, whether the word is seen elsewhere in the
//! document in title case (a function word, "that The Protocols …", is no
//! evidence) or in lower case, whether the line is mostly
//! numbers. A word in a run of capitalised words also sees the run: its
//! position and length, its first and last words, the last word's ending
//! (a name's head noun: "...Hall", "...University"), the words just before
//! and after it ("in [Fort Lauderdale]", "[Gregg Brandon] said"), and the
//! last word and length of the document's longest run holding the same
//! word ("Bowling" elsewhere in "Bowling Green State University"). Word
//! clusters learned from unlabeled news ([`super::clusters`]) give the
//! word, its neighbours, the run's last word and the word before the run a
//! class that names never seen in the labelled data share with seen ones.
//! Name lists ([`super::gazetteer::lists`]: GeoNames places, census first
//! names and surnames) give a word of a run what it is listed as, the
//! longest listed phrase of the run it is part of ("[New York] Times") and
//! what the run's first and last words are listed as ("[Mary] [Smith]").
//! A word that may open a name (alone or first in its run) also reads
//! what the tagger made of the same word earlier in the document: the
//! type given most often, and whether always ("prediction history":
//! "Cardinals" taken for a team once is likelier a team again).
//! A possessive "'s" is cut from its word before the tagger reads it
//! ([`possessive_stems`]: "Japan's" is read "Japan", as the labelled data
//! writes "Japan 's"), and no name runs on across it: the word after a
//! possessive opens a name or is none ([`Doc::prev_for_allowed`]), so
//! "Japan's Nippon Steel" is a place and an organisation, not one name.
//! A model also carries the tags' priors (the weights of the feature every
//! token has), which `train ner --misc-prior` can shift.
//! Feature hashes come from [`Hasher`], a fixed FNV-1a/mixer, so a
//! model keeps meaning the same features whatever crates are upgraded.
//! The model is trained with the embedded cluster table and name lists: a
//! new table or new lists need a new model.
//!
//! The model (`models/ner.bin`, written by `docsift train ner`) is embedded
//! in the binary and decoded once, on first use. Its layout, little-endian:
//! the magic `DSNER\0\0\0`, then u32 format version, u32 feature-set
//! version, u32 hash bits, u32 label count, f32 quantisation scale, u32
//! count of non-zero rows; a bitmap of `2^bits` bits marking the non-zero
//! rows; then each non-zero row as `labels` i16 weights. A model that does
//! not decode or was trained for other features leaves the tagger off (a
//! test makes sure the embedded one decodes).

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::LazyLock;

use super::Span;
use super::segment::{Shape, Tok};

/// The name lists the tagger reads (built by `docsift train names`).
pub(crate) use super::gazetteer::{LISTS_MAGIC, list, replace_lists};

/// The tags, in the order of the model's weight columns.
pub(crate) const LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];

/// How many tags there are.
pub(crate) const N: usize = LABELS.len();

/// The number of hash bits of a feature: the model has `2^HASH_BITS` rows.
pub(crate) const HASH_BITS: u32 = 20;

/// Bumped whenever the features change, so that an old model is refused.
pub(crate) const FEATURE_VERSION: u32 = 11;

const MAGIC: &[u8; 8] = b"DSNER\0\0\0";
const FORMAT_VERSION: u32 = 1;

/// The entity type a tag index belongs to (0 for O), and whether it opens
/// an entity.
pub(crate) fn tag_parts(tag: usize) -> (usize, bool) {
    if tag == 0 {
        (0, false)
    } else {
        (tag.div_ceil(2), tag % 2 == 1)
    }
}

/// Whether `tag` may follow `prev` (an I- tag continues its own type only).
pub(crate) fn allowed(prev: usize, tag: usize) -> bool {
    let (t, begins) = tag_parts(tag);
    t == 0 || begins || tag_parts(prev).0 == t
}

/// A fixed, portable hash: FNV-1a over bytes, then a 64-bit finaliser.
#[derive(Clone, Copy)]
pub(crate) struct Hasher(u64);

impl Hasher {
    fn new(template: u8) -> Self {
        Hasher(0xcbf2_9ce4_8422_2325 ^ u64::from(template).wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    fn bytes(mut self, b: &[u8]) -> Self {
        for &x in b {
            self.0 ^= u64::from(x);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        self
    }

    fn val(mut self, v: u64) -> Self {
        self.0 = (self.0 ^ v)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(29);
        self
    }

    fn finish(self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn row(self) -> u32 {
        (self.finish() & ((1 << HASH_BITS) - 1)) as u32
    }
}

pub(crate) fn hash_str(s: &str) -> u64 {
    Hasher::new(0).bytes(s.as_bytes()).finish()
}

/// The key of a phrase in the name lists ([`super::gazetteer::lists`]),
/// from the [`hash_str`] of its words' lower-case forms: a single word's
/// own hash (so a word costs no hashing), else a mix of them in order.
pub(crate) fn phrase_hash(words: impl IntoIterator<Item = u64>) -> u64 {
    let mut it = words.into_iter();
    let Some(first) = it.next() else {
        return 0;
    };
    let mut h: Option<Hasher> = None;
    for w in it {
        h = Some(h.unwrap_or_else(|| Hasher::new(90).val(first)).val(w));
    }
    h.map_or(first, Hasher::finish)
}

/// The longest phrases looked up in the name lists, in words.
pub(crate) const LONGEST_LISTED: usize = 3;

/// A word's capitalisation class.
fn cap_class(w: &str) -> u64 {
    if w.is_ascii() {
        let b = w.as_bytes();
        let (mut upper, mut lower, mut digit) = (0, 0, 0);
        for &c in b {
            match c {
                b'A'..=b'Z' => upper += 1,
                b'a'..=b'z' => lower += 1,
                b'0'..=b'9' => digit += 1,
                _ => {}
            }
        }
        let first_upper = b.first().is_some_and(u8::is_ascii_uppercase);
        return cap_class_of(upper, lower, digit, first_upper);
    }
    cap_class_chars(w)
}

fn cap_class_of(upper: usize, lower: usize, digit: usize, first_upper: bool) -> u64 {
    match () {
        _ if upper + lower == 0 && digit > 0 => 4,
        _ if upper == 0 && lower > 0 => 0,
        _ if lower == 0 && upper > 0 => 2,
        _ if first_upper && upper == 1 => 1,
        _ if first_upper => 3,
        _ => 5,
    }
}

/// [`cap_class`] over any text, char by char.
fn cap_class_chars(w: &str) -> u64 {
    let mut upper = 0;
    let mut lower = 0;
    let mut digit = 0;
    let mut first_upper = false;
    for (i, c) in w.chars().enumerate() {
        if c.is_uppercase() {
            upper += 1;
            if i == 0 {
                first_upper = true;
            }
        } else if c.is_lowercase() {
            lower += 1;
        } else if c.is_numeric() {
            digit += 1;
        }
    }
    cap_class_of(upper, lower, digit, first_upper)
}

fn char_class(c: char) -> char {
    if c.is_uppercase() {
        'X'
    } else if c.is_lowercase() {
        'x'
    } else if c.is_numeric() {
        'd'
    } else {
        c
    }
}

/// The word's shape (runs of a class capped at two: "Xxx", "dd-dd") and
/// short shape (runs collapsed: "Xx", "d-d"), as hashes.
fn shapes_of(w: &str) -> (u64, u64) {
    if w.is_ascii() {
        // One byte a char; the classes of ASCII chars without Unicode tables.
        let classes = w.bytes().take(24).map(|b| match b {
            b'A'..=b'Z' => 'X',
            b'a'..=b'z' => 'x',
            b'0'..=b'9' => 'd',
            _ => char::from(b),
        });
        return shapes_from(classes);
    }
    shapes_from(w.chars().take(24).map(char_class))
}

/// The shapes of a sequence of char classes (see [`shapes_of`]).
fn shapes_from(classes: impl Iterator<Item = char>) -> (u64, u64) {
    let mut long = Hasher::new(1);
    let mut short = Hasher::new(2);
    let mut last = '\0';
    let mut run = 0;
    for k in classes {
        if k == last {
            run += 1;
        } else {
            run = 1;
            last = k;
            short = short.val(u64::from(k));
        }
        if run <= 2 {
            long = long.val(u64::from(k));
        }
    }
    (long.finish(), short.finish())
}

fn affix(s: &str, n: usize, from_end: bool, template: u8) -> u64 {
    affix_of(s, s.is_ascii(), n, from_end, template)
}

/// [`affix`] of a word already known to be ASCII or not.
fn affix_of(s: &str, ascii: bool, n: usize, from_end: bool, template: u8) -> u64 {
    // ASCII: one byte a char, so the piece is a byte slice.
    if ascii {
        let piece = match (s.len() <= n, from_end) {
            (true, _) => s,
            (false, true) => s.get(s.len() - n..).unwrap_or(s),
            (false, false) => s.get(..n).unwrap_or(s),
        };
        return Hasher::new(template).bytes(piece.as_bytes()).finish();
    }
    let count = s.chars().count();
    let piece: &str = if count <= n {
        s
    } else if from_end {
        let skip = s.char_indices().nth(count - n).map_or(0, |(b, _)| b);
        &s[skip..]
    } else {
        let cut = s.char_indices().nth(n).map_or(s.len(), |(b, _)| b);
        &s[..cut]
    };
    Hasher::new(template).bytes(piece.as_bytes()).finish()
}

/// What the document's gazetteer says of a token: 0 nothing, else
/// `2 * kind + (0 if it opens the match, 1 inside)`.
pub(crate) type GazCode = u8;

/// Per-token facts its neighbours' features read too, computed once for
/// every token.
#[derive(Clone, Copy, Default)]
struct TokInfo {
    lw: u64,
    cap: u64,
    gaz: u64,
    sentence: usize,
    /// Where the token stands in its run of capitalised words: 0 outside,
    /// 1 alone, 2 first, 3 inside, 4 last.
    run_pos: u64,
    /// The run's length (capped at 5).
    run_len: u64,
    /// The lower-case forms of the run's first and last words.
    run_first: u64,
    run_last: u64,
    /// Whether the run ends in a legal suffix or opens with a first name.
    run_legal: bool,
    run_first_name: bool,
    /// The lower-case forms of the words just before and just after the
    /// run (BOS/EOS at the sentence's edges): "in [Fort Lauderdale]",
    /// "[Gregg Brandon] said".
    run_before: u64,
    run_after: u64,
    /// The last three letters of the run's last word: a name's head noun
    /// ("...ity", "...all", "...ons") hints at its type.
    run_suf: u64,
    /// The last word and length of the longest run of the document that
    /// holds this word ("Bowling" of "Bowling Green State University").
    doc_run_last: u64,
    doc_run_len: u64,
    /// The clusters of the run's last word and of the word before the run,
    /// and the run's last word's GloVe cluster.
    run_last_cluster: u16,
    run_before_cluster: u16,
    run_last_glove: u16,
    /// A word in a run: its own mask in the name lists (see
    /// [`super::gazetteer::list`]), and the mask of the listed phrase of
    /// two or more words of the run it lies in, with where: 0 none, 1
    /// first word, 2 later word, 3 and 4 the same when the phrase is the
    /// whole run ("[New York]", "[New York] Times").
    list_word: u16,
    list_span: u16,
    list_at: u8,
    /// The masks of the run's first and last words ("[Mary] ... [Smith]").
    list_ends: (u16, u16),
    /// All lower case, or no letter or digit at all ("said", ",", "--"):
    /// such a token does not open an entity (see [`Model::tag`]).
    plain: bool,
    /// A function word written in title case ("The", "In", "May"): it
    /// keeps no prediction history, so that one "The" taken into a name
    /// does not make every sentence-opening "The" of the document one.
    function: bool,
    /// The word before ends in a possessive "'s" ("Japan's [Nippon]
    /// Steel"): no name runs on across it, so the token opens one or none.
    after_possessive: bool,
}

/// Per-token facts the features of the token and of its neighbours read,
/// but only of tokens the tagger scores: outside training they are computed
/// on first use (see [`Doc::looks`]).
#[derive(Clone, Copy, Default)]
struct Looks {
    /// The word's shape and short shape (see [`shapes_of`]).
    shape: u64,
    short: u64,
    /// The word's cluster path (see [`super::clusters`]), 0 when unclustered.
    cluster: u16,
    /// Its path in the GloVe table, 0 when not in it.
    glove: u16,
}

/// A token's [`Looks`]; `lw` is the hash of its lower-case form.
fn looks_of(text: &str, tok: Option<&Tok>, lw: u64, clusters: Tables) -> Looks {
    let w = tok
        .and_then(|t| text.get(t.span.start..t.span.end))
        .unwrap_or_default();
    let (shape, short) = shapes_of(w);
    Looks {
        shape,
        short,
        cluster: clusters.news.map_or(0, |c| c.path(lw)),
        glove: clusters.glove.map_or(0, |c| c.path(lw)),
    }
}

/// The two cluster tables the tagger reads (see [`super::clusters`]).
#[derive(Clone, Copy)]
struct Tables {
    news: Option<super::clusters::Clusters<'static>>,
    glove: Option<super::clusters::Clusters<'static>>,
}

impl Tables {
    fn in_use() -> Tables {
        Tables {
            news: super::clusters::table(),
            glove: super::clusters::glove_table(),
        }
    }
}

/// Per-token facts only the token's own features read. The tagger scores
/// about one token in four (see [`Model::tag`]), so outside training these
/// are computed for the tokens it scores, when it scores them.
#[derive(Clone, Copy, Default)]
struct Own {
    w: u64,
    pre3: u64,
    suf2: u64,
    suf3: u64,
    suf4: u64,
    first_name: bool,
    title: bool,
    legal: bool,
    gap_before: u64,
    gap_after: u64,
    doc_tc: bool,
    doc_lc: bool,
}

/// Sentence facts.
#[derive(Clone, Copy, Default)]
struct SentInfo {
    first: usize,
    end: usize,
    all_caps: bool,
    headline: bool,
    numeric: bool,
}

/// A document prepared for tagging: per-token and per-sentence facts.
pub(crate) struct Doc<'a> {
    toks: Vec<TokInfo>,
    sents: Vec<SentInfo>,
    /// Each token's [`Looks`], once computed (all of them in training).
    looks: Vec<Cell<Option<Looks>>>,
    own: Owns<'a>,
    /// The document's topics: bit `k` is set when the text holds at least
    /// [`TOPIC_MIN_COUNT`] words of [`TOPICS`]`[k]`.
    topics: u16,
    /// Whether the document reads as prose rather than as a wire story of
    /// the 1990s (it has no line in capitals): some features of a prose
    /// token then come twice, shared and prose-only (see
    /// [`Doc::genre_copies`]).
    prose: bool,
}

/// Words that say what a document is about, one list a topic: music,
/// sport, the military, politics, business, works (film, television,
/// books), places, the law, the media, religion, education and science,
/// and transport. A name's type often follows the topic (a band or a
/// team is an organisation, an album or a film a MISC), so a word of a run
/// of capitals reads the document's topics with its cluster, shape and the
/// run's last word.
#[rustfmt::skip]
pub(crate) const TOPICS: [&[&str]; 12] = [
    &["album", "albums", "band", "song", "songs", "singer", "guitar", "guitarist", "bassist",
      "drummer", "vocals", "vocalist", "single", "singles", "lyrics", "chart", "recorded", "tour",
      "music", "musician", "concert"],
    &["season", "league", "team", "teams", "coach", "club", "match", "matches", "game", "games",
      "championship", "tournament", "player", "players", "scored", "goals", "cup", "playoffs",
      "draft", "finals", "race", "racing", "driver", "football", "baseball", "hockey", "soccer"],
    &["squadron", "regiment", "army", "battalion", "brigade", "troops", "war", "battle", "forces",
      "aircraft", "fighter", "military", "navy", "air"],
    &["party", "election", "elected", "parliament", "minister", "government", "president",
      "senate", "vote", "votes", "seats", "council", "political", "candidate"],
    &["company", "shares", "market", "percent", "profit", "revenue", "products", "firm", "sales",
      "billion", "million", "bank", "stock", "business"],
    &["film", "episode", "series", "novel", "book", "character", "television", "show", "published",
      "directed", "game", "magazine", "story"],
    &["village", "town", "city", "river", "county", "district", "population", "located",
      "municipality", "area", "region", "province", "situated"],
    &["court", "judge", "trial", "police", "lawyer", "prison", "charged", "law", "case",
      "sentenced", "arrested", "crime"],
    &["radio", "newspaper", "channel", "broadcast", "network", "station", "magazine",
      "broadcasting", "programme", "program", "media"],
    &["church", "bishop", "diocese", "religious", "catholic", "priest", "god", "saint",
      "christian", "religion", "temple", "monastery"],
    &["university", "college", "school", "research", "professor", "students", "science",
      "scientific", "institute", "species", "study", "studies"],
    &["railway", "station", "line", "train", "trains", "route", "bus", "buses", "airport", "rail",
      "service", "services", "transport"],
];

const _: () = assert!(TOPICS.len() <= 16, "a document's topics are 16 bits");

/// How many words of a topic's list a document needs to be about it.
const TOPIC_MIN_COUNT: u16 = 2;

/// Each topic word's key ([`hash_str`] of its lower-case form) and the
/// topics it belongs to, as bits.
static TOPIC_KEYS: LazyLock<rustc_hash::FxHashMap<u64, u16>> = LazyLock::new(|| {
    let mut m = rustc_hash::FxHashMap::default();
    for (k, words) in TOPICS.iter().enumerate() {
        for w in *words {
            *m.entry(hash_str(w)).or_insert(0) |= 1 << k;
        }
    }
    m
});

/// Where a token's [`Own`] facts come from.
enum Owns<'a> {
    /// Computed for every token (training reads every token many times).
    All(Vec<Own>),
    /// Computed from the text when a token is scored.
    OnDemand {
        text: &'a str,
        tokens: &'a [Tok],
        lex: Lexicon,
        /// Forms seen in title case inside ordinary sentences, and in lower
        /// case, by their keys (`Tok::key`).
        tc_seen: rustc_hash::FxHashSet<u64>,
        lc_seen: rustc_hash::FxHashSet<u64>,
        clusters: Tables,
    },
}

/// What the tagger needs to know of the words around it, from the entity
/// stage's word lists.
#[derive(Clone, Copy)]
pub(crate) struct Lexicon {
    /// Whether a word (as written) is a known first name.
    pub first_name: fn(&str) -> bool,
    /// Whether a lower-case word (no period) is a person title.
    pub title: fn(&str) -> bool,
    /// Whether a lower-case word is a legal or organisation suffix.
    pub legal: fn(&str) -> bool,
}

/// The row of the prose-only copy of feature row `r` (see
/// [`Doc::genre_copies`]): one multiply, as the copies are made for every
/// token of a prose text the tagger scores.
fn prose_row(r: u32) -> u32 {
    ((u64::from(r) ^ 0x5a17_c0de_9e37_79b9).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - HASH_BITS))
        as u32
}

const BOS: u64 = 0x5157_1a2b_3c4d_5e6f;
const EOS: u64 = 0x6e4f_2a1b_9c8d_7e3f;

fn gap_hash(text: &str, from: usize, to: usize) -> u64 {
    let gap = text.get(from..to).unwrap_or_default();
    let mut h = Hasher::new(3);
    for c in gap.chars().filter(|c| !c.is_whitespace()).take(2) {
        h = h.val(u64::from(c));
    }
    h.finish()
}

/// A token's own facts (see [`Own`]).
fn own_of(
    text: &str,
    tokens: &[Tok],
    lex: Lexicon,
    tc_seen: &rustc_hash::FxHashSet<u64>,
    lc_seen: &rustc_hash::FxHashSet<u64>,
    i: usize,
    first_name: Option<bool>,
) -> Own {
    let Some(t) = tokens.get(i) else {
        return Own::default();
    };
    let w = text.get(t.span.start..t.span.end).unwrap_or_default();
    let same_sentence = |j: usize| tokens.get(j).is_some_and(|o| o.sentence == t.sentence);
    let prev = i.checked_sub(1).filter(|&j| same_sentence(j));
    let next = Some(i + 1).filter(|&j| same_sentence(j));
    let prev_tok = prev.and_then(|j| tokens.get(j));
    let next_tok = next.and_then(|j| tokens.get(j));
    let ascii = t.norm.is_ascii();
    Own {
        w: Hasher::new(4).bytes(w.as_bytes()).finish(),
        pre3: affix_of(&t.norm, ascii, 3, false, 5),
        suf2: affix_of(&t.norm, ascii, 2, true, 6),
        suf3: affix_of(&t.norm, ascii, 3, true, 7),
        suf4: affix_of(&t.norm, ascii, 4, true, 8),
        first_name: first_name.unwrap_or_else(|| (lex.first_name)(w)),
        title: prev_tok.is_some_and(|p| (lex.title)(&p.norm)),
        legal: next_tok.is_some_and(|n| (lex.legal)(&n.norm)),
        gap_before: prev_tok.map_or(BOS, |p| gap_hash(text, p.span.end, t.span.start)),
        gap_after: next_tok.map_or(EOS, |n| gap_hash(text, t.span.end, n.span.start)),
        doc_tc: tc_seen.contains(&t.key),
        doc_lc: lc_seen.contains(&t.key),
    }
}

impl<'a> Doc<'a> {
    /// Prepares the tokens of a text: `gaz` holds a code per token (see
    /// [`GazCode`]), `sentence_count` and `shapes` are the segmenter's.
    pub(crate) fn new(
        text: &'a str,
        tokens: &'a [Tok],
        shapes: &[Shape],
        gaz: &[GazCode],
        lex: Lexicon,
    ) -> Doc<'a> {
        let n_sent = shapes.len();
        let mut sents = vec![
            SentInfo {
                first: usize::MAX,
                ..SentInfo::default()
            };
            n_sent
        ];
        let mut digits = vec![0usize; n_sent];
        for (i, t) in tokens.iter().enumerate() {
            let Some(s) = sents.get_mut(t.sentence) else {
                continue;
            };
            if s.first == usize::MAX {
                s.first = i;
            }
            s.end = i + 1;
            if !t.alpha {
                digits[t.sentence] += 1;
            }
        }
        for (i, s) in sents.iter_mut().enumerate() {
            if s.first == usize::MAX {
                s.first = 0;
                s.end = 0;
            }
            let len = s.end - s.first;
            s.all_caps = shapes.get(i).is_some_and(|sh| sh.all_caps);
            s.headline = shapes.get(i).is_some_and(|sh| sh.headline);
            s.numeric = len >= 2 && digits[i] * 5 >= len * 2;
        }
        // Sized ahead (most words are lower case), so that they never grow.
        let mut tc_seen = rustc_hash::FxHashSet::default();
        let mut lc_seen = rustc_hash::FxHashSet::with_capacity_and_hasher(
            tokens.len().min(1 << 14),
            rustc_hash::FxBuildHasher,
        );
        let mut topic_counts = [0u16; TOPICS.len()];
        let topic_keys = &*TOPIC_KEYS;
        for (i, t) in tokens.iter().enumerate() {
            if let Some(&bits) = topic_keys.get(&t.key) {
                for (k, c) in topic_counts.iter_mut().enumerate() {
                    if bits & (1 << k) != 0 {
                        *c = c.saturating_add(1);
                    }
                }
            }
            let w = text.get(t.span.start..t.span.end).unwrap_or_default();
            let caps_sentence = sents.get(t.sentence).is_none_or(|s| s.all_caps);
            let initial = sents.get(t.sentence).is_none_or(|s| s.first == i);
            if !t.alpha {
                continue;
            }
            if w == t.norm {
                lc_seen.insert(t.key);
            } else if !caps_sentence
                && !initial
                && cap_class(w) == 1
                // "that The Protocols of …": a function word in capitals
                // inside a sentence opens a title, and says nothing of the
                // sentence-opening "The" elsewhere.
                && !super::segment::is_english_stopword(&t.norm)
            {
                tc_seen.insert(t.key);
            }
        }
        let clusters = Tables::in_use();
        let lists = super::gazetteer::lists();
        let mut toks = Vec::with_capacity(tokens.len());
        for (i, t) in tokens.iter().enumerate() {
            let w = text.get(t.span.start..t.span.end).unwrap_or_default();
            let cap = cap_class(w);
            let lw = t.key;
            toks.push(TokInfo {
                lw,
                cap,
                gaz: u64::from(gaz.get(i).copied().unwrap_or(0)),
                sentence: t.sentence,
                run_pos: 0,
                run_len: 0,
                run_first: 0,
                run_last: 0,
                run_legal: false,
                run_first_name: false,
                run_before: 0,
                run_after: 0,
                run_suf: 0,
                doc_run_last: 0,
                doc_run_len: 0,
                run_last_cluster: 0,
                run_before_cluster: 0,
                run_last_glove: 0,
                list_word: 0,
                list_span: 0,
                list_at: 0,
                list_ends: (0, 0),
                plain: cap == 0 || !w.chars().any(char::is_alphanumeric),
                function: cap == 1 && super::segment::is_english_stopword(&t.norm),
                after_possessive: i
                    .checked_sub(1)
                    .and_then(|j| tokens.get(j))
                    .filter(|p| p.sentence == t.sentence)
                    .and_then(|p| text.get(p.span.end..t.span.start))
                    .is_some_and(|g| g.starts_with("'s") || g.starts_with("’s")),
            });
        }
        let looks: Vec<Cell<Option<Looks>>> = vec![Cell::new(None); tokens.len()];
        let look = |toks: &[TokInfo], k: usize| -> Looks {
            let Some(cell) = looks.get(k) else {
                return Looks::default();
            };
            if let Some(l) = cell.get() {
                return l;
            }
            let l = looks_of(
                text,
                tokens.get(k),
                toks.get(k).map_or(0, |t| t.lw),
                clusters,
            );
            cell.set(Some(l));
            l
        };
        // Runs of capitalised words, separated by nothing but a space.
        let mut longest: rustc_hash::FxHashMap<u64, (usize, u64)> =
            rustc_hash::FxHashMap::default();
        let mut i = 0;
        while i < toks.len() {
            if !matches!(toks[i].cap, 1..=3) {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < toks.len()
                && toks[j].sentence == toks[i].sentence
                && matches!(toks[j].cap, 1..=3)
                && text
                    .get(tokens[j - 1].span.end..tokens[j].span.start)
                    .is_some_and(|g| g.chars().all(char::is_whitespace))
            {
                j += 1;
            }
            let len = j - i;
            let first = toks[i].lw;
            let last = toks[j - 1].lw;
            let legal = tokens
                .get(j - 1)
                .is_some_and(|t| len > 1 && (lex.legal)(&t.norm));
            let first_name = tokens
                .get(i)
                .and_then(|t| text.get(t.span.start..t.span.end))
                .is_some_and(lex.first_name);
            let same_sentence = |k: usize| {
                tokens
                    .get(k)
                    .is_some_and(|o| Some(o.sentence) == tokens.get(i).map(|t| t.sentence))
            };
            let before = i
                .checked_sub(1)
                .filter(|&k| same_sentence(k))
                .map_or(BOS, |k| toks[k].lw);
            let after = if same_sentence(j) {
                toks.get(j).map_or(EOS, |t| t.lw)
            } else {
                EOS
            };
            let suf = tokens.get(j - 1).map_or(0, |t| affix(&t.norm, 3, true, 9));
            let last_looks = look(&toks, j - 1);
            let (last_cluster, last_glove) = (last_looks.cluster, last_looks.glove);
            let before_cluster = i
                .checked_sub(1)
                .filter(|&k| same_sentence(k))
                .map_or(0, |k| look(&toks, k).cluster);
            if len >= 2 {
                for t in &toks[i..j] {
                    let e = longest.entry(t.lw).or_insert((0, 0));
                    if len > e.0 {
                        *e = (len, last);
                    }
                }
            }
            for (k, t) in toks[i..j].iter_mut().enumerate() {
                t.run_before = before;
                t.run_after = after;
                t.run_suf = suf;
                t.run_pos = match (len, k) {
                    (1, _) => 1,
                    (_, 0) => 2,
                    (_, k) if k + 1 == len => 4,
                    _ => 3,
                };
                t.run_len = len.min(5) as u64;
                t.run_first = first;
                t.run_last = last;
                t.run_legal = legal;
                t.run_first_name = first_name;
                t.run_last_cluster = last_cluster;
                t.run_before_cluster = before_cluster;
                t.run_last_glove = last_glove;
            }
            if let Some(lists) = lists {
                mark_listed(&mut toks[i..j], lists);
            }
            i = j;
        }
        for t in toks.iter_mut().filter(|t| t.run_pos != 0) {
            if let Some(&(len, last)) = longest.get(&t.lw) {
                t.doc_run_last = last;
                t.doc_run_len = len.min(5) as u64;
            }
        }
        // A wire story in the style of the 1990s (most of the CoNLL data)
        // has a line in capitals, its headline; a text without one is
        // prose.
        let prose = !sents.iter().any(|s| s.all_caps && s.end > s.first);
        let topics = topic_counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c >= TOPIC_MIN_COUNT)
            .fold(0u16, |m, (k, _)| m | 1 << k);
        Doc {
            toks,
            sents,
            looks,
            topics,
            prose,
            own: Owns::OnDemand {
                text,
                tokens,
                lex,
                tc_seen,
                lc_seen,
                clusters,
            },
        }
    }

    /// The same document with every token's own facts computed, no longer
    /// borrowing the text (for training, which reads every token many times).
    pub(crate) fn into_owned(self) -> Doc<'static> {
        let own = (0..self.toks.len()).map(|i| self.own(i)).collect();
        for i in 0..self.toks.len() {
            self.looks(i);
        }
        Doc {
            toks: self.toks,
            sents: self.sents,
            looks: self.looks,
            topics: self.topics,
            prose: self.prose,
            own: Owns::All(own),
        }
    }

    /// Makes the document a wire story whatever its lines: a training copy
    /// of one whose headline in capitals was rewritten in Title Case (see
    /// `docsift train ner --title-case-copies`).
    pub(crate) fn set_wire(&mut self) {
        self.prose = false;
    }

    /// Whether the document reads as prose (see [`Doc::genre_copies`]).
    pub(crate) fn is_prose(&self) -> bool {
        self.prose
    }

    /// Token `i`'s own facts.
    fn own(&self, i: usize) -> Own {
        match &self.own {
            Owns::All(v) => v.get(i).copied().unwrap_or_default(),
            Owns::OnDemand {
                text,
                tokens,
                lex,
                tc_seen,
                lc_seen,
                ..
            } => {
                // A run's first word was looked up as the run's first name.
                let first_name = self
                    .toks
                    .get(i)
                    .filter(|t| matches!(t.run_pos, 1 | 2))
                    .map(|t| t.run_first_name);
                own_of(text, tokens, *lex, tc_seen, lc_seen, i, first_name)
            }
        }
    }

    /// Token `i`'s [`Looks`], computed on first use.
    #[inline]
    fn looks(&self, i: usize) -> Looks {
        match self.looks.get(i).map(Cell::get) {
            Some(Some(l)) => l,
            Some(None) => self.first_looks(i),
            None => Looks::default(),
        }
    }

    /// Computes and keeps token `i`'s [`Looks`] (see [`looks`](Self::looks)).
    #[inline(never)]
    fn first_looks(&self, i: usize) -> Looks {
        let Owns::OnDemand {
            text,
            tokens,
            clusters,
            ..
        } = &self.own
        else {
            // A document with every token's facts has all its looks.
            return Looks::default();
        };
        let lw = self.toks.get(i).map_or(0, |t| t.lw);
        let l = looks_of(text, tokens.get(i), lw, *clusters);
        if let Some(cell) = self.looks.get(i) {
            cell.set(Some(l));
        }
        l
    }

    /// Whether tokens `first..end` are exactly one gazetteer match of a
    /// kind that agrees with tagger type `t` (LOC with a place, ORG with an
    /// organisation, MISC with a group, event or work).
    pub(crate) fn gazetteer_agrees(&self, first: usize, end: usize, t: usize) -> bool {
        let code = |i: usize| self.toks.get(i).map_or(0, |t| t.gaz);
        let kind = code(first) / 2;
        let agrees = match t {
            2 => kind == 3,
            3 => kind == 1,
            4 => matches!(kind, 2 | 4 | 5),
            _ => false,
        };
        agrees
            && end > first
            && code(first) % 2 == 0
            && (first + 1..end).all(|i| code(i) != 0 && code(i) % 2 == 1)
            && !(code(end) != 0 && code(end) % 2 == 1)
    }

    /// Whether tokens `first..end` are exactly one gazetteer match of a
    /// group (a nationality, "Australian").
    pub(crate) fn gazetteer_group(&self, first: usize, end: usize) -> bool {
        self.gazetteer_agrees(first, end, 4) && self.toks.get(first).is_some_and(|t| t.gaz / 2 == 2)
    }

    /// Whether tokens `first..end` are exactly one gazetteer match of an
    /// event or a work ("Six Nations", "Meet the Press"; not a group).
    pub(crate) fn gazetteer_event_or_work(&self, first: usize, end: usize) -> bool {
        self.gazetteer_agrees(first, end, 4)
            && self
                .toks
                .get(first)
                .is_some_and(|t| matches!(t.gaz / 2, 4 | 5))
    }

    /// Whether token `i` is part of a gazetteer match of an organisation.
    pub(crate) fn in_gazetteer_organisation(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.gaz != 0 && t.gaz / 2 == 3)
    }

    /// Whether token `i` is part of a gazetteer match.
    pub(crate) fn in_gazetteer(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.gaz != 0)
    }

    /// Whether token `i` is part of a gazetteer match of a place or an
    /// organisation.
    pub(crate) fn in_gazetteer_place_or_organisation(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.gaz != 0 && matches!(t.gaz / 2, 1 | 3))
    }

    /// Whether tokens `first..end` lie inside one gazetteer match that is
    /// longer than they are ("Islamic" of "Islamic State").
    pub(crate) fn inside_gazetteer(&self, first: usize, end: usize) -> bool {
        let code = |i: usize| self.toks.get(i).map_or(0, |t| t.gaz);
        let continues = |i: usize| code(i) != 0 && code(i) % 2 == 1;
        end > first
            && code(first) != 0
            && (first + 1..end).all(continues)
            && (continues(first) || continues(end))
    }

    /// The number of tokens.
    pub(crate) fn len(&self) -> usize {
        self.toks.len()
    }

    /// The token ranges of the sentences.
    pub(crate) fn sentences(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        self.sents.iter().map(|s| s.first..s.end)
    }

    /// Appends the rows of the features that do not depend on tags.
    pub(crate) fn static_features(&self, i: usize, out: &mut Vec<u32>) {
        let Some(t) = self.toks.get(i) else { return };
        let o = self.own(i);
        let Some(s) = self.sents.get(t.sentence) else {
            return;
        };
        // The index of the token `d` away, if it is in the sentence.
        let at = |d: isize| -> Option<usize> {
            let j = i as isize + d;
            if j < s.first as isize || j >= s.end as isize || j as usize >= self.toks.len() {
                None
            } else {
                Some(j as usize)
            }
        };
        let edge = |d: isize| if d < 0 { BOS } else { EOS };
        let lw = |d| at(d).map_or(edge(d), |j| self.toks[j].lw);
        let gaz = |d| at(d).map_or(99, |j| self.toks[j].gaz);
        // The looks of the token and its neighbours, each fetched once.
        let me = self.looks(i);
        let (before, after) = (at(-1).map(|j| self.looks(j)), at(1).map(|j| self.looks(j)));
        let near = |d: isize| if d < 0 { before } else { after };
        let short = |d| near(d).map_or(edge(d), |l| l.short);
        let shape = |d| near(d).map_or(edge(d), |l| l.shape);
        let cluster = |d| near(d).map_or(1, |l| l.cluster);
        let glove = |d| near(d).map_or(1, |l| l.glove);
        let initial = i == s.first;
        let len = s.end - s.first;
        let len_bucket = match len {
            0..=3 => len as u64,
            4..=6 => 4,
            _ => 5,
        };
        let f = |tid: u8| Hasher::new(tid);
        let b = u64::from;
        out.extend_from_slice(&[
            PRIOR_FEATURE.row(),
            f(11).val(t.lw).row(),
            f(12).val(o.w).row(),
            f(13).val(me.shape).row(),
            f(14).val(me.short).row(),
            f(15).val(o.pre3).row(),
            f(16).val(o.suf2).row(),
            f(17).val(o.suf3).row(),
            f(18).val(o.suf4).row(),
            f(19).val(lw(-1)).row(),
            f(20).val(lw(1)).row(),
            f(21).val(lw(-2)).row(),
            f(22).val(lw(2)).row(),
            f(23).val(shape(-1)).row(),
            f(24).val(shape(1)).row(),
            f(25).val(lw(-1)).val(t.lw).row(),
            f(26).val(t.lw).val(lw(1)).row(),
            f(27).val(short(-1)).val(me.short).val(short(1)).row(),
            f(28).val(t.cap).val(b(initial)).row(),
            f(29).val(b(s.all_caps)).val(t.lw).row(),
            f(30)
                .val(b(s.all_caps))
                .val(t.cap)
                .val(b(o.doc_tc))
                .val(b(o.doc_lc))
                .row(),
            f(31)
                .val(b(o.doc_tc))
                .val(b(o.doc_lc))
                .val(t.cap)
                .val(b(initial))
                .row(),
            f(32).val(b(s.numeric)).val(me.short).row(),
            f(33).val(b(s.numeric)).val(t.lw).row(),
            f(34).val(t.gaz).row(),
            f(35).val(gaz(-1)).val(t.gaz).val(gaz(1)).row(),
            f(36).val(b(o.first_name)).val(t.cap).row(),
            f(37).val(b(o.title)).val(t.cap).row(),
            f(38).val(b(o.legal)).val(t.cap).row(),
            f(39).val(o.gap_before).row(),
            f(40).val(o.gap_after).row(),
            f(41).val(o.gap_before).val(me.short).val(o.gap_after).row(),
            f(42)
                .val(len_bucket)
                .val(b(initial))
                .val(b(s.numeric))
                .row(),
            f(43).val(b(s.headline)).val(t.cap).val(b(s.all_caps)).row(),
            f(44).val(lw(-1)).val(me.short).row(),
            f(45).val(me.short).val(lw(1)).row(),
            f(46).val(b(s.all_caps)).val(t.gaz).val(b(o.doc_tc)).row(),
            f(47).val(t.run_pos).val(t.run_len).val(b(s.all_caps)).row(),
            f(48)
                .val(t.run_last)
                .val(t.run_pos)
                .val(b(s.all_caps))
                .row(),
            f(49)
                .val(t.run_first)
                .val(t.run_pos)
                .val(b(s.all_caps))
                .row(),
            f(50)
                .val(b(t.run_legal))
                .val(b(t.run_first_name))
                .val(t.run_pos)
                .row(),
        ]);
        // Word clusters learned from unlabeled news: the word's path at
        // three depths, with its capitalisation, and its neighbours'.
        let c = |path: u16, len: u32| u64::from(super::clusters::prefix(path, len));
        let clusters_from = out.len();
        out.extend_from_slice(&[
            f(64).val(c(me.cluster, 4)).row(),
            f(65).val(c(me.cluster, 8)).row(),
            f(66).val(c(me.cluster, 12)).row(),
            f(67).val(c(me.cluster, 6)).val(t.cap).row(),
            f(68).val(c(cluster(-1), 8)).row(),
            f(69).val(c(cluster(1), 8)).row(),
            // The same of the GloVe table.
            f(75).val(c(me.glove, 4)).row(),
            f(76).val(c(me.glove, 8)).row(),
            f(77).val(c(me.glove, 12)).row(),
            f(78).val(c(me.glove, 6)).val(t.cap).row(),
            f(79).val(c(glove(-1), 8)).row(),
            f(80).val(c(glove(1), 8)).row(),
        ]);
        self.genre_copies(clusters_from, out);

        // A word in a run of capitals: the run's context and head noun, and
        // the longer run of the document it is part of.
        if t.run_pos != 0 {
            // Alone (1) or in a longer run (2).
            let pos = t.run_pos.min(2);
            out.extend_from_slice(&[
                f(51).val(t.run_before).val(pos).row(),
                f(52).val(t.run_after).val(pos).row(),
                f(53).val(t.run_suf).val(t.run_pos).row(),
            ]);
            if t.doc_run_len > t.run_len {
                out.extend_from_slice(&[
                    f(54).val(t.doc_run_last).row(),
                    f(55).val(t.doc_run_len).val(t.run_len).row(),
                ]);
            }
            out.push(f(56).val(t.run_before).val(t.run_last).row());
            out.extend_from_slice(&[
                f(70).val(c(t.run_last_cluster, 8)).val(t.run_pos).row(),
                f(71).val(c(t.run_before_cluster, 8)).val(pos).row(),
                f(81).val(c(t.run_last_glove, 8)).val(t.run_pos).row(),
            ]);
            for k in 0..TOPICS.len() {
                if self.topics & (1 << k) != 0 {
                    let k = k as u64;
                    out.extend_from_slice(&[
                        f(84).val(k).val(c(me.glove, 6)).val(pos).row(),
                        f(85)
                            .val(k)
                            .val(c(t.run_last_glove, 8))
                            .val(t.run_pos)
                            .row(),
                        f(86).val(k).val(t.run_last).row(),
                        f(87).val(k).val(me.short).val(t.run_pos).row(),
                    ]);
                }
            }
            // The name lists: the word's own entries, and the listed
            // phrase it is part of (the last features pushed: see
            // [`Doc::list_feature_count`]).
            if t.list_word != 0 {
                out.push(f(72).val(u64::from(t.list_word)).val(pos).row());
            }
            if t.list_at != 0 {
                out.push(
                    f(73)
                        .val(u64::from(t.list_span))
                        .val(u64::from(t.list_at))
                        .row(),
                );
            }
            if t.list_ends != (0, 0) {
                out.push(
                    f(74)
                        .val(u64::from(t.list_ends.0))
                        .val(u64::from(t.list_ends.1))
                        .val(t.run_pos)
                        .row(),
                );
            }
        }
    }

    /// In a prose document, a copy of each feature row pushed since `from`,
    /// moved apart: the prose-only weights (Daumé III, "Frustratingly
    /// Easy Domain Adaptation", 2007). Wire stories and prose share the
    /// original rows, so that what the news teaches carries over, while
    /// the copies learn where prose differs (wikigold writes a league, a
    /// team or "Confederate" ORG, CoNLL's wire writes them MISC). Only the
    /// word-cluster features and the features of the tags before are
    /// copied: copying all cost 15% of the analysis for no better
    /// cross-validation (README, wikigold row).
    fn genre_copies(&self, from: usize, out: &mut Vec<u32>) {
        if !self.prose {
            return;
        }
        for k in from..out.len() {
            let r = out[k];
            out.push(prose_row(r));
        }
    }

    /// How many of the features [`Doc::static_features`] pushes last for
    /// token `i` are name list features (training hides them at times, so
    /// that the model does not learn that an unlisted name is no name).
    pub(crate) fn list_feature_count(&self, i: usize) -> usize {
        self.toks.get(i).filter(|t| t.run_pos != 0).map_or(0, |t| {
            usize::from(t.list_word != 0)
                + usize::from(t.list_at != 0)
                + usize::from(t.list_ends != (0, 0))
        })
    }

    /// Appends the rows of the features of the previous two tags, and of
    /// the types the document's earlier occurrences of the word were given
    /// (`history`).
    pub(crate) fn tag_features(
        &self,
        i: usize,
        prev: usize,
        prev2: usize,
        recalled: Option<(usize, bool)>,
        out: &mut Vec<u32>,
    ) {
        let Some(t) = self.toks.get(i) else { return };
        let start = out.len();
        let me = self.looks(i);
        let (p, p2) = (prev as u64, prev2 as u64);
        out.extend_from_slice(&[
            Hasher::new(60).val(p).row(),
            Hasher::new(61).val(p2).val(p).row(),
            Hasher::new(62).val(p).val(t.lw).row(),
            Hasher::new(63).val(p).val(me.short).row(),
        ]);
        // Only where a name may open (a word alone or first in its run):
        // inside a run the previous tag already says what the run is.
        if let Some((ty, pure)) = recalled.filter(|_| t.run_pos <= 2) {
            let ty = ty as u64;
            out.extend_from_slice(&[
                Hasher::new(82).val(ty).val(u64::from(pure)).row(),
                Hasher::new(83).val(ty).val(t.run_pos.min(2)).val(p).row(),
            ]);
        }
        self.genre_copies(start, out);
    }

    /// The previous tag as [`allowed`] should see it for token `i`: none
    /// after a possessive, so that no name runs on across "'s".
    pub(crate) fn prev_for_allowed(&self, i: usize, prev: usize) -> usize {
        if self.toks.get(i).is_some_and(|t| t.after_possessive) {
            0
        } else {
            prev
        }
    }

    /// What `history` holds of token `i`'s word: the type its earlier
    /// occurrences were given most often, and whether always (a plain
    /// token has none: it never opens a name; nor has a title-case
    /// function word, see `TokInfo::function`).
    pub(crate) fn recalled(&self, i: usize, history: &History) -> Option<(usize, bool)> {
        history.of(self.remembered(i)?)
    }

    /// Notes in `history` the tag token `i` was given.
    pub(crate) fn remember(&self, i: usize, tag: usize, history: &mut History) {
        if let Some(lw) = self.remembered(i) {
            history.add(lw, tag_parts(tag).0);
        }
    }

    /// Token `i`'s word, when `History` keeps its tags: neither plain nor
    /// a title-case function word.
    fn remembered(&self, i: usize) -> Option<u64> {
        self.toks
            .get(i)
            .filter(|t| !t.plain && !t.function)
            .map(|t| t.lw)
    }

    /// What each token recalls when the document's tags are `tags`, as
    /// [`Model::tag`] sees it token by token.
    pub(crate) fn recalls(&self, tags: &[usize]) -> Vec<Option<(usize, bool)>> {
        let mut history = History::default();
        (0..self.len())
            .map(|i| {
                let r = self.recalled(i, &history);
                self.remember(i, tags.get(i).copied().unwrap_or(0), &mut history);
                r
            })
            .collect()
    }
}

/// Marks the words of one run of capitalised words with what the name
/// lists say of them: each word's own mask, and, left to right, the
/// longest listed phrase of two to [`LONGEST_LISTED`] words starting at
/// each word not yet covered.
fn mark_listed(run: &mut [TokInfo], lists: super::clusters::Clusters<'_>) {
    let whole = run.len();
    let mut s = 0;
    while s < whole {
        let mut step = 1;
        for len in (2..=(whole - s).min(LONGEST_LISTED)).rev() {
            let mask = lists.path(phrase_hash(run[s..s + len].iter().map(|t| t.lw)));
            if mask != 0 {
                let full = if len == whole { 2 } else { 0 };
                for (k, t) in run[s..s + len].iter_mut().enumerate() {
                    t.list_span = mask;
                    t.list_at = if k == 0 { 1 } else { 2 } + full;
                }
                step = len;
                break;
            }
        }
        s += step;
    }
    for t in run.iter_mut() {
        t.list_word = lists.path(t.lw);
    }
    if whole >= 2 {
        let ends = (run[0].list_word, run[whole - 1].list_word);
        for t in run.iter_mut() {
            t.list_ends = ends;
        }
    }
}

/// The model: one row of `N` weights per feature hash. Training builds the
/// full table; a decoded model keeps only the rows with a weight (about one
/// in seven), found through the bitmap and a rank per 64 rows, and reads
/// their weights in place from the encoded bytes, which for the embedded
/// model are the binary's own: ~200 KB of memory instead of 19 MB.
pub(crate) struct Model {
    storage: Storage,
    /// Quantised units per unit of the learned weights.
    scale: f32,
}

enum Storage {
    /// Every row (training).
    Dense(Vec<[i16; N]>),
    /// The rows with a weight (a decoded model).
    Sparse {
        /// Bit `i` is set when row `i` has a weight.
        bitmap: Vec<u64>,
        /// The set bits before each bitmap word.
        ranks: Vec<u32>,
        /// The rows with a weight, in order, `N` little-endian i16 each.
        weights: Cow<'static, [u8]>,
    },
}

/// The tokens as the tagger reads them: a possessive's "'s" cut off
/// ("Japan's" is read as "Japan", with "'s" in the gap to the next word),
/// as in the labelled data, where "'s" is a token of its own. The tokens
/// are borrowed when none is possessive; spans only shrink, so a token's
/// index is the same in both.
pub(crate) fn possessive_stems<'t>(text: &str, tokens: &'t [Tok]) -> Cow<'t, [Tok]> {
    let cut = |t: &Tok| -> Option<usize> {
        let w = text.get(t.span.start..t.span.end)?;
        let suffix = ["'s", "’s", "'S", "’S"]
            .into_iter()
            .find(|s| w.ends_with(s))?;
        let stem = &w[..w.len() - suffix.len()];
        stem.chars()
            .last()
            .is_some_and(char::is_alphanumeric)
            .then_some(suffix.len())
    };
    if !tokens.iter().any(|t| cut(t).is_some()) {
        return Cow::Borrowed(tokens);
    }
    Cow::Owned(
        tokens
            .iter()
            .map(|t| match cut(t) {
                Some(n) => {
                    let mut t = t.clone();
                    t.span.end -= n;
                    let norm = t.norm.as_str();
                    let keep = norm.len().saturating_sub(2);
                    if norm.is_char_boundary(keep) && norm.ends_with("'s") {
                        t.norm = norm[..keep].into();
                        t.key = hash_str(&t.norm);
                    }
                    t
                }
                None => t.clone(),
            })
            .collect(),
    )
}

/// The entity types the tagger gave each capitalised word so far in a
/// document ("prediction history"): a later "Bowling" or "Cardinals" reads
/// what the earlier ones were taken for.
#[derive(Default)]
pub(crate) struct History {
    counts: rustc_hash::FxHashMap<u64, [u16; 5]>,
}

impl History {
    fn add(&mut self, lw: u64, ty: usize) {
        let c = self.counts.entry(lw).or_default();
        if let Some(n) = c.get_mut(ty) {
            *n = n.saturating_add(1);
        }
    }

    /// The type the word was given most often (the first of a tie), and
    /// whether it was given no other.
    fn of(&self, lw: u64) -> Option<(usize, bool)> {
        Self::most(self.counts.get(&lw)?)
    }

    /// The type counted most often (the first of a tie), and whether no
    /// other was counted.
    fn most(c: &[u16; 5]) -> Option<(usize, bool)> {
        let total: u32 = c.iter().map(|&n| u32::from(n)).sum();
        let (ty, &most) = c.iter().enumerate().rev().max_by_key(|(_, n)| **n)?;
        (total > 0).then_some((ty, u32::from(most) == total))
    }
}

/// How many partial taggings of a sentence [`Model::tag`] keeps.
const BEAM: usize = 2;

/// The temperature of the softmax that turns a token's tag scores into
/// log-probabilities for the beam, in the learned weights' units (the
/// training margin is 1).
const TEMPERATURE: f32 = 0.5;

/// How far below the best partial tagging (in log-probability) the beam
/// keeps another: none further behind ever won on the cross-validation.
const PRUNE: f32 = 2.0;

/// The previous tag as the features see it: the sentence start is tag `N`.
const START: usize = N;

impl Model {
    /// Builds a model from quantised rows (`2^HASH_BITS` of them).
    pub(crate) fn from_rows(rows: Vec<[i16; N]>) -> Option<Model> {
        (rows.len() == 1 << HASH_BITS).then_some(Model {
            storage: Storage::Dense(rows),
            scale: 1.0,
        })
    }

    /// The model with its quantisation scale set.
    pub(crate) fn scaled(mut self, scale: f32) -> Model {
        self.scale = scale;
        self
    }

    /// Row `r`'s weights.
    pub(crate) fn row(&self, r: usize) -> [i16; N] {
        let mut out = [0i16; N];
        match &self.storage {
            Storage::Dense(rows) => {
                if let Some(row) = rows.get(r) {
                    out = *row;
                }
            }
            Storage::Sparse { .. } => {
                if let Some(bytes) = self.sparse_row(r) {
                    for (x, b) in out.iter_mut().zip(bytes.chunks_exact(2)) {
                        *x = i16::from_le_bytes([b[0], b[1]]);
                    }
                }
            }
        }
        out
    }

    /// The encoded weights of row `r` of a sparse model, if it has any.
    fn sparse_row(&self, r: usize) -> Option<&[u8]> {
        let Storage::Sparse {
            bitmap,
            ranks,
            weights,
        } = &self.storage
        else {
            return None;
        };
        let rank = row_rank(bitmap, ranks, r)?;
        weights.get(rank * N * 2..(rank + 1) * N * 2)
    }

    fn add(&self, rows: &[u32], scores: &mut [i32; N]) {
        match &self.storage {
            Storage::Dense(table) => {
                for &r in rows {
                    if let Some(w) = table.get(r as usize) {
                        for (s, x) in scores.iter_mut().zip(w) {
                            *s += i32::from(*x);
                        }
                    }
                }
            }
            Storage::Sparse {
                bitmap,
                ranks,
                weights,
            } => {
                // The weights are megabytes read at random: most rows miss
                // the cache. Their places are found first, in a loop of
                // their own, so that the loads of the sum below depend on
                // nothing and the processor has many of them under way at
                // once instead of one row's chain of three at a time.
                let mut places = [0usize; 32];
                for chunk in rows.chunks(places.len()) {
                    let mut found = 0;
                    for &r in chunk {
                        if let Some(rank) = row_rank(bitmap, ranks, r as usize) {
                            places[found] = rank * N * 2;
                            found += 1;
                        }
                    }
                    for &at in &places[..found] {
                        // A row is exactly `N` little-endian i16: as an
                        // array, the loop below has no bounds to check and
                        // is unrolled.
                        if let Some(w) = weights
                            .get(at..at + N * 2)
                            .and_then(|w| <&[u8; 2 * N]>::try_from(w).ok())
                        {
                            for (k, s) in scores.iter_mut().enumerate() {
                                *s += i32::from(i16::from_le_bytes([w[2 * k], w[2 * k + 1]]));
                            }
                        }
                    }
                }
            }
        }
    }

    /// The best tags of each sentence by beam search: the [`BEAM`] best
    /// partial taggings are kept token by token, each scored by the sum of
    /// its tags' log-probabilities (a softmax of the allowed tags' scores
    /// at [`TEMPERATURE`]), so a name can take the reading its next words
    /// make likelier instead of the one its first word looked best alone
    /// (Reuters' "Wings West Airlines", which the greedy tagger cut to
    /// "West Airlines").
    pub(crate) fn tag(&self, doc: &Doc) -> Vec<usize> {
        /// A partial tagging of the sentence.
        #[derive(Clone, Copy)]
        struct Hyp {
            score: f32,
            prev: usize,
            prev2: usize,
            /// Its last node in `trail` (`usize::MAX` before the first).
            at: usize,
            /// A hash of the tags it gave words that remember them, so
            /// that two taggings merge only when their futures are alike.
            memory: u64,
        }
        /// One tag of a tagging: the node before it, the token and tag.
        struct Node {
            parent: usize,
            token: usize,
            tag: usize,
        }
        let mut tags = vec![0usize; doc.len()];
        let mut stat = Vec::with_capacity(64);
        let mut feats = Vec::with_capacity(64);
        let mut history = History::default();
        let unit = 1.0 / (self.scale * TEMPERATURE);
        // `PRUNE` in the model's units (the best tag always stays).
        let reach = (PRUNE / unit).min(i32::MAX as f32 / 2.0) as i32;
        let mut trail: Vec<Node> = Vec::new();
        let mut beam: Vec<Hyp> = Vec::with_capacity(BEAM);
        let mut old: Vec<Hyp> = Vec::with_capacity(BEAM);
        let mut next: Vec<(f32, usize, usize)> = Vec::with_capacity(BEAM * N);
        for s in doc.sentences() {
            trail.clear();
            beam.clear();
            beam.push(Hyp {
                score: 0.0,
                prev: START,
                prev2: START,
                at: usize::MAX,
                memory: 0,
            });
            for i in s.clone() {
                let tok = doc.toks.get(i);
                // The word, when it remembers its tags (see `History`).
                let remembered = doc.remembered(i);
                next.clear();
                // The scores of the features every tagging shares, summed
                // once for the token.
                let mut shared: Option<[i32; N]> = None;
                let alone = beam.len() == 1;
                for (h_at, h) in beam.iter().enumerate() {
                    // Outside an entity, a plain token stays outside:
                    // scoring it would almost never open one, and most
                    // tokens are plain.
                    if (h.prev == 0 || h.prev == START) && tok.is_some_and(|t| t.plain) {
                        next.push((h.score, h_at, 0));
                        continue;
                    }
                    let recalled = remembered.and_then(|lw| {
                        // The history before the sentence and this
                        // tagging's own tags of the same word in it.
                        let mut counts = history.counts.get(&lw).copied().unwrap_or_default();
                        let mut at = h.at;
                        while let Some(node) = trail.get(at) {
                            if doc.toks.get(node.token).is_some_and(|t| t.lw == lw)
                                && let Some(n) = counts.get_mut(tag_parts(node.tag).0)
                            {
                                *n = n.saturating_add(1);
                            }
                            at = node.parent;
                        }
                        History::most(&counts)
                    });
                    let mut scores = [0i32; N];
                    feats.clear();
                    if alone {
                        // One tagging: all its features in one sum.
                        doc.static_features(i, &mut feats);
                    } else {
                        // Several: the features they share summed once.
                        scores = *shared.get_or_insert_with(|| {
                            stat.clear();
                            doc.static_features(i, &mut stat);
                            let mut scores = [0i32; N];
                            self.add(&stat, &mut scores);
                            scores
                        });
                    }
                    doc.tag_features(i, h.prev, h.prev2, recalled, &mut feats);
                    self.add(&feats, &mut scores);
                    let before = doc.prev_for_allowed(i, h.prev);
                    let top = (0..N)
                        .filter(|&k| allowed(before, k))
                        .map(|k| scores[k])
                        .max()
                        .unwrap_or(0);
                    let max = top as f32 * unit;
                    // Alone in the beam, a tagging's tags need no softmax:
                    // what they share (its score, the log of the sum) moves
                    // every one of them alike, so their scores are kept
                    // relative to the best tag's.
                    let base = if alone {
                        -max
                    } else {
                        let z: f32 = (0..N)
                            .filter(|&k| allowed(before, k))
                            .map(|k| (scores[k] as f32 * unit - max).exp())
                            .sum();
                        h.score - max - z.ln()
                    };
                    // A tag further than `PRUNE` below this tagging's best
                    // is further below the best of all.
                    for k in (0..N).filter(|&k| allowed(before, k) && scores[k] >= top - reach) {
                        next.push((base + scores[k] as f32 * unit, h_at, k));
                    }
                }
                // Those within [`PRUNE`] of the best, best first; ties go
                // to the earlier tagging and the lower tag, so the result
                // never depends on the sort. Mostly one is left.
                if next.len() > 1 {
                    let floor = next.iter().map(|n| n.0).fold(f32::NEG_INFINITY, f32::max) - PRUNE;
                    next.retain(|n| n.0 >= floor);
                    next.sort_by(|a, b| {
                        b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
                    });
                }
                std::mem::swap(&mut beam, &mut old);
                beam.clear();
                for &(score, h_at, k) in &next {
                    if beam.len() == BEAM {
                        break;
                    }
                    let Some(h) = old.get(h_at) else { continue };
                    let memory = match remembered {
                        Some(lw) => Hasher::new(90)
                            .val(h.memory)
                            .val(lw)
                            .val(tag_parts(k).0 as u64)
                            .finish(),
                        None => h.memory,
                    };
                    let prev2 = h.prev;
                    if beam
                        .iter()
                        .any(|g| g.prev == k && g.prev2 == prev2 && g.memory == memory)
                    {
                        continue;
                    }
                    trail.push(Node {
                        parent: h.at,
                        token: i,
                        tag: k,
                    });
                    beam.push(Hyp {
                        score,
                        prev: k,
                        prev2,
                        at: trail.len() - 1,
                        memory,
                    });
                }
            }
            // The best tagging, read back from its last node.
            let mut at = beam.first().map_or(usize::MAX, |h| h.at);
            while let Some(node) = trail.get(at) {
                if let Some(t) = tags.get_mut(node.token) {
                    *t = node.tag;
                }
                at = node.parent;
            }
            for i in s {
                doc.remember(i, tags.get(i).copied().unwrap_or(0), &mut history);
            }
        }
        tags
    }

    /// Encodes the model (see the module doc for the layout).
    pub(crate) fn encode(&self, scale: f32) -> Vec<u8> {
        let rows_total = 1usize << HASH_BITS;
        let rows: Vec<[i16; N]> = (0..rows_total).map(|r| self.row(r)).collect();
        let nonzero: Vec<bool> = rows.iter().map(|r| r.iter().any(|&x| x != 0)).collect();
        let count = nonzero.iter().filter(|&&z| z).count();
        let mut out = Vec::with_capacity(32 + rows_total / 8 + count * N * 2);
        out.extend_from_slice(MAGIC);
        for v in [FORMAT_VERSION, FEATURE_VERSION, HASH_BITS, N as u32] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&scale.to_le_bytes());
        out.extend_from_slice(&(count as u32).to_le_bytes());
        for chunk in nonzero.chunks(8) {
            let mut byte = 0u8;
            for (bit, &z) in chunk.iter().enumerate() {
                if z {
                    byte |= 1 << bit;
                }
            }
            out.push(byte);
        }
        for (row, _) in rows.iter().zip(&nonzero).filter(|(_, z)| **z) {
            for x in row {
                out.extend_from_slice(&x.to_le_bytes());
            }
        }
        out
    }

    /// Decodes a model, or `None` when the bytes are not a model of this
    /// format and feature set. The weights are copied; see
    /// [`decode_static`](Self::decode_static) to read them in place.
    #[cfg(test)]
    pub(crate) fn decode(bytes: &[u8]) -> Option<Model> {
        let (bitmap, ranks, at) = Self::index(bytes)?;
        Some(Model {
            scale: Self::scale_of(bytes)?,
            storage: Storage::Sparse {
                bitmap,
                ranks,
                weights: Cow::Owned(bytes.get(at..)?.to_vec()),
            },
        })
    }

    /// Decodes a model whose bytes live for the whole program (the embedded
    /// one), reading its weights in place.
    pub(crate) fn decode_static(bytes: &'static [u8]) -> Option<Model> {
        let (bitmap, ranks, at) = Self::index(bytes)?;
        Some(Model {
            scale: Self::scale_of(bytes)?,
            storage: Storage::Sparse {
                bitmap,
                ranks,
                weights: Cow::Borrowed(bytes.get(at..)?),
            },
        })
    }

    /// The scale an encoded model's weights were quantised with.
    fn scale_of(bytes: &[u8]) -> Option<f32> {
        bytes
            .get(MAGIC.len() + 16..MAGIC.len() + 20)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(f32::from_le_bytes)
            .filter(|s| s.is_finite() && *s > 0.0)
    }

    /// Checks the header and sizes and builds the row index: (bitmap words,
    /// ranks, where the weights start).
    fn index(bytes: &[u8]) -> Option<(Vec<u64>, Vec<u32>, usize)> {
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let u32_at = |i: usize| -> Option<u32> {
            let b = rest.get(i * 4..i * 4 + 4)?;
            Some(u32::from_le_bytes(b.try_into().ok()?))
        };
        if u32_at(0)? != FORMAT_VERSION
            || u32_at(1)? != FEATURE_VERSION
            || u32_at(2)? != HASH_BITS
            || u32_at(3)? != N as u32
        {
            return None;
        }
        let count = u32_at(5)? as usize;
        let rows_total = 1usize << HASH_BITS;
        let bitmap_bytes = rest.get(24..24 + rows_total / 8)?;
        let weights = rest.get(24 + rows_total / 8..)?;
        if weights.len() != count.checked_mul(N * 2)? {
            return None;
        }
        let mut bitmap = Vec::with_capacity(rows_total / 64);
        let mut ranks = Vec::with_capacity(rows_total / 64);
        let mut seen = 0u32;
        for chunk in bitmap_bytes.chunks_exact(8) {
            let word = u64::from_le_bytes(chunk.try_into().ok()?);
            ranks.push(seen);
            seen = seen.checked_add(word.count_ones())?;
            bitmap.push(word);
        }
        if seen as usize != count {
            return None;
        }
        Some((bitmap, ranks, MAGIC.len() + 24 + rows_total / 8))
    }

    /// Adds `delta` (in the unquantised units of the weights) to the prior
    /// of tag `label`, the weight of the always-present feature, in encoded
    /// model bytes. `false`, changing nothing, when the bytes are no model
    /// or that feature has no weights.
    pub(crate) fn shift_prior(bytes: &mut [u8], label: usize, delta: f32) -> bool {
        let Some((bitmap, ranks, at)) = Self::index(bytes) else {
            return false;
        };
        let Some(scale) = Self::scale_of(bytes) else {
            return false;
        };
        let r = PRIOR_FEATURE.row() as usize;
        let Some(rank) = row_rank(&bitmap, &ranks, r).filter(|_| label < N) else {
            return false;
        };
        let i = at + (rank * N + label) * 2;
        let Some(w) = bytes.get_mut(i..i + 2) else {
            return false;
        };
        let old = f32::from(i16::from_le_bytes([w[0], w[1]]));
        let new = (old + delta * scale).round().clamp(-32767.0, 32767.0) as i16;
        w.copy_from_slice(&new.to_le_bytes());
        true
    }
}

/// Where row `r` of a sparse model stands among the rows with a weight,
/// from the bitmap of those rows and the set bits before each of its words;
/// `None` when the row has no weight.
fn row_rank(bitmap: &[u64], ranks: &[u32], r: usize) -> Option<usize> {
    let word = *bitmap.get(r / 64)?;
    let bit = r % 64;
    if word & (1 << bit) == 0 {
        return None;
    }
    Some(*ranks.get(r / 64)? as usize + (word & ((1u64 << bit) - 1)).count_ones() as usize)
}

/// The feature every token has (its weights are the tags' priors).
const PRIOR_FEATURE: Hasher =
    Hasher(0xcbf2_9ce4_8422_2325 ^ 10u64.wrapping_mul(0x9e37_79b9_7f4a_7c15));

/// The embedded model.
static MODEL_BYTES: &[u8] = include_bytes!("../../models/ner.bin");

/// The embedded model, decoded on first use; `None` if it does not decode.
pub(crate) static MODEL: LazyLock<Option<Model>> =
    LazyLock::new(|| Model::decode_static(MODEL_BYTES));

/// A model that replaces the embedded one for the whole process (set by
/// `docsift eval ner --model`, to score a freshly trained model without
/// rebuilding the binary).
static REPLACEMENT: std::sync::OnceLock<Model> = std::sync::OnceLock::new();

/// Makes the tagger use the model encoded in `bytes` instead of the embedded
/// one. Returns `false`, changing nothing, when the bytes are not a model of
/// this format and feature set or a replacement is already in place.
pub(crate) fn replace_model(bytes: &'static [u8]) -> bool {
    Model::decode_static(bytes).is_some_and(|m| REPLACEMENT.set(m).is_ok())
}

/// The model the tagger uses: the replacement if one was set, else the
/// embedded one.
pub(crate) fn model() -> Option<&'static Model> {
    REPLACEMENT.get().or(MODEL.as_ref())
}

/// The entity chunks of a tag sequence: (first token, one past the last,
/// type index 1..=4 for PER, ORG, LOC, MISC). A chunk never crosses a
/// sentence end.
pub(crate) fn chunks(doc: &Doc, tags: &[usize]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for s in doc.sentences() {
        let mut open: Option<(usize, usize)> = None;
        for i in s.clone() {
            let (t, begins) = tag_parts(tags.get(i).copied().unwrap_or(0));
            let continues = !begins && t != 0 && open.is_some_and(|(_, ot)| ot == t);
            if !continues {
                if let Some((start, ot)) = open.take() {
                    out.push((start, i, ot));
                }
                if t != 0 {
                    open = Some((i, t));
                }
            }
        }
        if let Some((start, ot)) = open {
            out.push((start, s.end, ot));
        }
    }
    out
}

/// The span from the first token's start to the last one's end.
pub(crate) fn chunk_span(tokens: &[Tok], first: usize, end: usize) -> Option<Span> {
    let a = tokens.get(first)?;
    let b = tokens.get(end.checked_sub(1)?)?;
    (a.span.start < b.span.end).then(|| Span::new(a.span.start, b.span.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_transitions() {
        assert_eq!(tag_parts(0), (0, false));
        assert_eq!(tag_parts(1), (1, true)); // B-PER
        assert_eq!(tag_parts(4), (2, false)); // I-ORG
        assert_eq!(tag_parts(8), (4, false)); // I-MISC
        assert!(allowed(START, 1));
        assert!(!allowed(START, 2));
        assert!(allowed(1, 2));
        assert!(allowed(2, 2));
        assert!(!allowed(3, 2));
    }

    #[test]
    fn the_beam_takes_the_tagging_likelier_as_a_whole() {
        // Alone, "Aa" looks a little likelier a person's first word than
        // an organisation's; but after an organisation's first word the
        // next is surely the rest of it, while after a person's no tag is
        // likely. Read as a whole, the two words are an organisation: a
        // greedy tagger, fixing "Aa" first, would make them two persons.
        let (_, doc) = doc_of("Aa Bb");
        let mut rows = vec![[0i16; N]; 1 << HASH_BITS];
        let b_per = LABELS.iter().position(|l| *l == "B-PER").expect("tag");
        let b_org = LABELS.iter().position(|l| *l == "B-ORG").expect("tag");
        let i_org = LABELS.iter().position(|l| *l == "I-ORG").expect("tag");
        let prior = &mut rows[PRIOR_FEATURE.row() as usize];
        prior[b_per] = 100;
        prior[b_org] = 90;
        rows[Hasher::new(60).val(b_org as u64).row() as usize][i_org] = 1000;
        let model = Model::from_rows(rows).expect("full table").scaled(100.0);
        assert_eq!(model.tag(&doc), vec![b_org, i_org]);
    }

    #[test]
    fn encoding_round_trips_and_bad_bytes_are_refused() {
        let mut rows = vec![[0i16; N]; 1 << HASH_BITS];
        rows[7][3] = -12;
        rows[1 << 19][8] = 300;
        let model = Model::from_rows(rows).expect("full table");
        let bytes = model.encode(0.5);
        let back = Model::decode(&bytes).expect("decodes");
        assert_eq!(back.row(7)[3], -12);
        assert_eq!(back.row(1 << 19)[8], 300);
        assert_eq!(back.row(8), [0; N]);
        assert_eq!(
            back.encode(0.5),
            bytes,
            "a decoded model encodes to the same bytes"
        );
        assert!(Model::decode(&bytes[..bytes.len() - 1]).is_none());
        assert!(Model::decode(b"DSNER\0\0\0").is_none());
        assert!(Model::decode(&[]).is_none());
    }

    #[test]
    fn the_embedded_model_decodes() {
        assert!(
            MODEL.is_some(),
            "models/ner.bin must be a model of this feature set"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 128,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        #[test]
        fn any_text_tags_into_valid_spans(text in "\\PC{0,160}|[A-Z][a-z]{0,6}( [A-Z]{1,6}| [a-z]{1,5}|'s|’s|\\.|\n|,| [0-9]{1,3}| John| Mary| Paris){0,30}") {
            let sentences = super::super::segment::sentences(&text);
            let tokens = super::super::segment::tokens(&text, &sentences, "en");
            let shapes = super::super::segment::shapes(&text, &sentences, &tokens);
            let doc = super::super::entities::tagger_doc(&text, &tokens, &shapes);
            let model = MODEL.as_ref().expect("embedded model");
            let tags = model.tag(&doc);
            proptest::prop_assert_eq!(tags.len(), tokens.len());
            let mut prev = START;
            for (i, &t) in tags.iter().enumerate() {
                let first = i == 0 || tokens[i - 1].sentence != tokens[i].sentence;
                if first {
                    prev = START;
                }
                proptest::prop_assert!(allowed(prev, t), "{} after {}", LABELS[t], prev);
                prev = t;
            }
            for (a, b, t) in chunks(&doc, &tags) {
                proptest::prop_assert!(a < b && b <= tokens.len() && (1..=4).contains(&t));
                let span = chunk_span(&tokens, a, b).expect("non-empty chunk");
                proptest::prop_assert!(text.get(span.start..span.end).is_some());
            }
            // The looks computed on demand (here, after tagging, in reverse
            // order) are each token's own (as the tagger reads it, without
            // a possessive "'s"), and the tags are those of a document with
            // every token's facts computed ahead.
            let table = super::super::clusters::table();
            let glove = super::super::clusters::glove_table();
            let read = possessive_stems(&text, &tokens);
            proptest::prop_assert_eq!(read.len(), tokens.len());
            for i in (0..tokens.len()).rev() {
                let w = &text[read[i].span.start..read[i].span.end];
                let l = doc.looks(i);
                proptest::prop_assert_eq!((l.shape, l.short), shapes_of(w));
                proptest::prop_assert_eq!(
                    doc.own(i).first_name,
                    super::super::entities::is_first_name(w)
                );
                proptest::prop_assert_eq!(
                    l.cluster,
                    table.map_or(0, |c| c.path(hash_str(&read[i].norm)))
                );
                proptest::prop_assert_eq!(
                    l.glove,
                    glove.map_or(0, |c| c.path(hash_str(&read[i].norm)))
                );
            }
            let owned = super::super::entities::tagger_doc(&text, &tokens, &shapes).into_owned();
            proptest::prop_assert_eq!(&tags, &model.tag(&owned));
            proptest::prop_assert_eq!(tags, model.tag(&doc));
        }
    }

    #[test]
    fn ascii_fast_paths_agree_with_the_char_paths() {
        let chars = [
            'A', 'z', 'Q', 'e', '0', '7', '-', '.', '\'', ' ', '_', '&', '/',
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..5000 {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let len = (seed >> 59) as usize;
            let w: String = (0..len)
                .map(|k| chars[((seed >> (3 * k % 56)) % chars.len() as u64) as usize])
                .collect();
            assert_eq!(cap_class(&w), cap_class_chars(&w), "{w:?}");
            let by_chars = shapes_from(w.chars().take(24).map(char_class));
            assert_eq!(shapes_of(&w), by_chars, "{w:?}");
        }
        let long = "Abcdefghijklmnopqrstuvwxyz0123456789";
        assert_eq!(
            shapes_of(long),
            shapes_from(long.chars().take(24).map(char_class))
        );
        assert_eq!(cap_class("Élan"), 1);
        assert_eq!(cap_class("ÉLAN"), 2);
        assert_eq!(cap_class("McDonald"), 3);
        assert_eq!(cap_class("1990s"), 0);
    }

    /// A text's tokens and the tagger's view of them.
    fn doc_of(text: &str) -> (Vec<Tok>, Doc<'static>) {
        let sentences = super::super::segment::sentences(text);
        let tokens = super::super::segment::tokens(text, &sentences, "en");
        let shapes = super::super::segment::shapes(text, &sentences, &tokens);
        let doc = super::super::entities::tagger_doc(text, &tokens, &shapes);
        (tokens, doc)
    }

    /// The index of the `nth` token written `word`.
    fn nth_token(text: &str, tokens: &[Tok], word: &str, nth: usize) -> usize {
        tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| &text[t.span.start..t.span.end] == word)
            .nth(nth)
            .map(|(i, _)| i)
            .expect("word in text")
    }

    #[test]
    fn a_capitalised_function_word_inside_a_sentence_says_nothing_of_the_others() {
        let text = "The League grew.\nIt says that The Protocols of Zion is real.\nThe League met Smith.\nWe saw Smith there.";
        let (tokens, doc) = doc_of(text);
        let index = |word: &str, nth: usize| nth_token(text, &tokens, word, nth);
        // "that The Protocols" does not make every opening "The" a word
        // the document writes capitalised inside sentences; "Smith" is one.
        assert!(!doc.own(index("The", 0)).doc_tc);
        assert!(!doc.own(index("The", 2)).doc_tc);
        assert!(doc.own(index("Smith", 0)).doc_tc);
        // Nor does a title-case function word keep a prediction history.
        let mut history = History::default();
        doc.remember(index("The", 0), 3, &mut history);
        doc.remember(index("League", 0), 4, &mut history);
        assert_eq!(doc.recalled(index("The", 2), &history), None);
        assert_eq!(doc.recalled(index("League", 1), &history), Some((2, true)));
    }

    #[test]
    fn a_document_is_about_the_topics_two_of_its_words_name() {
        // "album" and "band" make the first text about music; one word of a
        // topic makes no topic.
        let (_, music) = doc_of("Smith sang.\nThe album and the band sold well.");
        let (_, none) = doc_of("Smith sang.\nThe album and the dog sold well.");
        assert_eq!(music.topics, 1);
        assert_eq!(none.topics, 0);
        let (_, both) = doc_of("The team's album won the league season.\nThe band sang.");
        assert_eq!(both.topics, 0b11, "music and sport");
        // More topic words than a count of 16 bits holds: still the topic,
        // no overflow.
        let (_, many) = doc_of(&"album ".repeat(70_000));
        assert_eq!(many.topics, 1);
        // A word of a run of capitals reads each topic with four features.
        let features = |doc: &Doc| {
            let mut out = Vec::new();
            doc.static_features(0, &mut out);
            out
        };
        let (with, without) = (features(&music), features(&none));
        assert_eq!(with.len(), without.len() + 4);
        assert!(
            with.contains(
                &Hasher::new(87)
                    .val(0)
                    .val(music.looks(0).short)
                    .val(1)
                    .row()
            )
        );
        let added: Vec<&u32> = with.iter().filter(|r| !without.contains(r)).collect();
        assert_eq!(added.len(), 4, "only the topic features differ");
    }

    #[test]
    fn prose_copies_the_cluster_and_tag_features_and_a_wire_story_none() {
        let body = "Mary Smith met John Brown in Paris.\nThey spoke.";
        let (tp, prose) = doc_of(body);
        let caps = format!("SMITH MEETS BROWN\n{body}");
        let (tc, headline) = doc_of(&caps);
        let titled = format!("Smith Meets Brown\n{body}");
        let (tt, title_case) = doc_of(&titled);
        assert!(prose.prose);
        assert!(!headline.prose, "a line in capitals makes a wire story");
        assert!(title_case.prose, "a headline in title case does not");
        let statics = |doc: &Doc, i: usize| {
            let mut out = Vec::new();
            doc.static_features(i, &mut out);
            out
        };
        let features = |doc: &Doc, i: usize| {
            let mut out = statics(doc, i);
            doc.tag_features(i, 1, 0, Some((1, true)), &mut out);
            out
        };
        let mary = |text: &str, tokens: &[Tok]| nth_token(text, tokens, "Mary", 0);
        let (p, w) = (mary(body, &tp), mary(&caps, &tc));
        let (prose_rows, wire_rows) = (features(&prose, p), features(&headline, w));
        // Twelve cluster features, four of the tags before and two of the
        // type recalled: eighteen copies.
        assert_eq!(prose_rows.len(), wire_rows.len() + 18);
        assert_eq!(
            features(&title_case, mary(&titled, &tt)).len(),
            prose_rows.len()
        );
        let copied = |rows: &[u32]| {
            rows.iter()
                .filter(|&&r| rows.contains(&prose_row(r)))
                .count()
        };
        assert_eq!(copied(&prose_rows), 18);
        assert_eq!(copied(&wire_rows), 0);
        // "Mary" is listed: its name list features are still the last
        // pushed, which training hides at times.
        let lists = headline.list_feature_count(w);
        assert!(lists > 0);
        assert_eq!(prose.list_feature_count(p), lists);
        let (ps, ws) = (statics(&prose, p), statics(&headline, w));
        assert_eq!(ps[ps.len() - lists..], ws[ws.len() - lists..]);
    }

    #[test]
    fn a_run_sees_its_context_and_the_longest_run_of_its_word() {
        let text = "Fans cheered Bowling Green State University today.\nThey met in Bowling Green and Tulsa.";
        let sentences = super::super::segment::sentences(text);
        let tokens = super::super::segment::tokens(text, &sentences, "en");
        let shapes = super::super::segment::shapes(text, &sentences, &tokens);
        let doc = super::super::entities::tagger_doc(text, &tokens, &shapes);
        let at = |word: &str, nth: usize| {
            let i = tokens
                .iter()
                .enumerate()
                .filter(|(_, t)| &text[t.span.start..t.span.end] == word)
                .nth(nth)
                .map(|(i, _)| i)
                .expect("word in text");
            doc.toks[i]
        };
        let long = at("Bowling", 0);
        assert_eq!((long.run_pos, long.run_len), (2, 4));
        assert_eq!(long.run_before, hash_str("cheered"));
        assert_eq!(long.run_after, hash_str("today"));
        assert_eq!(long.run_suf, affix("university", 3, true, 9));
        assert_eq!(at("University", 0).run_before, hash_str("cheered"));
        // The second "Bowling Green" knows the longer name it is part of.
        let short = at("Green", 1);
        assert_eq!((short.run_pos, short.run_len), (4, 2));
        assert_eq!(short.run_before, hash_str("in"));
        assert_eq!(short.run_after, hash_str("and"));
        assert_eq!(
            (short.doc_run_last, short.doc_run_len),
            (hash_str("university"), 4)
        );
        // A lone word stands in no longer run; a lower-case word in no run.
        let tulsa = at("Tulsa", 0);
        assert_eq!((tulsa.run_pos, tulsa.doc_run_len), (1, 0));
        assert_eq!(tulsa.run_after, EOS);
        assert_eq!(at("met", 0).run_pos, 0);
    }

    #[test]
    fn the_tagger_reads_a_possessive_without_its_s() {
        let text = "Japan's Nippon Steel and the firm’s chief met at Ford.";
        let sentences = super::super::segment::sentences(text);
        let tokens = super::super::segment::tokens(text, &sentences, "en");
        let read = possessive_stems(text, &tokens);
        assert_eq!(read.len(), tokens.len());
        let words: Vec<(&str, &str)> = read
            .iter()
            .map(|t| (&text[t.span.start..t.span.end], t.norm.as_str()))
            .collect();
        assert!(words.contains(&("Japan", "japan")), "{words:?}");
        assert!(words.contains(&("firm", "firm")), "{words:?}");
        assert!(words.contains(&("Nippon", "nippon")), "{words:?}");
        // Nothing to cut: the tokens themselves.
        let plain = "Nippon Steel met Ford.";
        let s2 = super::super::segment::sentences(plain);
        let t2 = super::super::segment::tokens(plain, &s2, "en");
        assert!(matches!(possessive_stems(plain, &t2), Cow::Borrowed(_)));
        // After a possessive no name runs on: "Nippon" may open one only.
        let doc = super::super::entities::tagger_doc(text, &tokens, &[]);
        let nippon = words.iter().position(|w| w.0 == "Nippon").unwrap_or(0);
        assert_eq!(doc.prev_for_allowed(nippon, 3), 0);
        assert_eq!(doc.prev_for_allowed(nippon + 1, 3), 3);
    }

    #[test]
    fn a_word_recalls_what_its_earlier_occurrences_were_tagged() {
        let text = "Jordan met Smith.\nJordan Smith left.\nWe saw Jordan.";
        let (tokens, doc) = doc_of(text);
        let at = |word: &str, nth: usize| nth_token(text, &tokens, word, nth);
        let tag = |name: &str| LABELS.iter().position(|l| *l == name).unwrap_or(0);
        let mut tags = vec![0; doc.len()];
        tags[at("Jordan", 0)] = tag("B-PER");
        tags[at("Smith", 0)] = tag("B-PER");
        tags[at("Jordan", 1)] = tag("B-LOC");
        tags[at("Smith", 1)] = tag("I-LOC");
        let recalls = doc.recalls(&tags);
        // The first of each word recalls nothing, nor does a plain word.
        assert_eq!(recalls[at("Jordan", 0)], None);
        assert_eq!(recalls[at("met", 0)], None);
        // Once a person: the person, always.
        assert_eq!(recalls[at("Jordan", 1)], Some((1, true)));
        assert_eq!(recalls[at("Smith", 1)], Some((1, true)));
        // Once a person, once a place: the tie goes to the first type.
        assert_eq!(recalls[at("Jordan", 2)], Some((1, false)));
        // "We" opening a sentence was never tagged before.
        assert_eq!(recalls[at("We", 0)], None);

        // The recall adds two features to a word that may open a name (and
        // their copies in prose), none to a word inside a run.
        let count = |i: usize, recalled| {
            let mut out = Vec::new();
            doc.tag_features(i, 0, 0, recalled, &mut out);
            out.len()
        };
        let lone = at("Jordan", 2);
        assert!(doc.prose);
        assert_eq!(count(lone, Some((1, false))), count(lone, None) + 4);
        let inside = at("Smith", 1);
        assert_eq!(count(inside, Some((1, true))), count(inside, None));
    }

    #[test]
    fn tokens_carry_the_clusters_of_their_words_and_runs() {
        let text = "Officials met in Paris with John Smith today.";
        let sentences = super::super::segment::sentences(text);
        let tokens = super::super::segment::tokens(text, &sentences, "en");
        let shapes = super::super::segment::shapes(text, &sentences, &tokens);
        let doc = super::super::entities::tagger_doc(text, &tokens, &shapes);
        let table = super::super::clusters::table().expect("embedded table");
        let path = |w: &str| table.path(hash_str(w));
        let at = |word: &str| {
            let i = tokens
                .iter()
                .position(|t| &text[t.span.start..t.span.end] == word)
                .expect("word in text");
            doc.toks[i]
        };
        assert_ne!(path("paris"), 0);
        let index = |word: &str| {
            tokens
                .iter()
                .position(|t| &text[t.span.start..t.span.end] == word)
                .expect("word in text")
        };
        assert_eq!(doc.looks(index("Paris")).cluster, path("paris"));
        assert_eq!(doc.looks(index("met")).cluster, path("met"));
        let john = at("John");
        assert_eq!(john.run_last_cluster, path("smith"));
        assert_eq!(john.run_before_cluster, path("with"));
        // The cluster features are among the token's features.
        let mut feats = Vec::new();
        doc.static_features(
            tokens.iter().position(|t| t.norm == "paris").unwrap(),
            &mut feats,
        );
        let c = u64::from(super::super::clusters::prefix(path("paris"), 8));
        assert!(feats.contains(&Hasher::new(65).val(c).row()));
    }

    #[test]
    fn runs_are_marked_with_the_longest_listed_phrase_and_each_word() {
        let h = hash_str;
        let pairs = [
            (
                phrase_hash([h("new"), h("york")]),
                list::CITY | list::BIG_CITY,
            ),
            (phrase_hash([h("new"), h("york"), h("mills")]), list::CITY),
            (h("york"), list::CITY | list::SURNAME),
        ];
        let bytes = super::super::clusters::encode_with(&pairs, LISTS_MAGIC);
        let lists =
            super::super::clusters::Clusters::parse_with(&bytes, LISTS_MAGIC).expect("parses");
        let run_of = |words: &[&str]| -> Vec<TokInfo> {
            words
                .iter()
                .map(|w| TokInfo {
                    lw: h(w),
                    ..TokInfo::default()
                })
                .collect()
        };
        // "New York Times": the phrase is two of the three words.
        let mut run = run_of(&["new", "york", "times"]);
        mark_listed(&mut run, lists);
        let at: Vec<u8> = run.iter().map(|t| t.list_at).collect();
        assert_eq!(at, [1, 2, 0]);
        assert_eq!(run[0].list_span, list::CITY | list::BIG_CITY);
        let words: Vec<u16> = run.iter().map(|t| t.list_word).collect();
        assert_eq!(words, [0, list::CITY | list::SURNAME, 0]);
        assert_eq!(run[1].list_ends, (0, 0), "neither end is listed");
        // The longest phrase wins, and a whole-run phrase says so.
        let mut run = run_of(&["new", "york", "mills"]);
        mark_listed(&mut run, lists);
        let at: Vec<u8> = run.iter().map(|t| t.list_at).collect();
        assert_eq!(at, [3, 4, 4]);
        assert_eq!(run[2].list_span, list::CITY);
        assert_eq!(run[0].list_ends, (0, 0));
        let mut run = run_of(&["york", "times"]);
        mark_listed(&mut run, lists);
        assert_eq!(run[1].list_ends, (list::CITY | list::SURNAME, 0));
        assert_eq!(phrase_hash([h("york")]), h("york"), "a word is its own key");
    }

    #[test]
    fn the_embedded_name_lists_know_places_and_names() {
        let lists = super::super::gazetteer::lists().expect("models/names.bin parses");
        let mask = |words: &[&str]| lists.path(phrase_hash(words.iter().map(|w| hash_str(w))));
        assert_ne!(mask(&["london"]) & list::CITY, 0);
        assert_ne!(mask(&["los", "angeles"]) & list::BIG_CITY, 0);
        assert_ne!(mask(&["kenya"]) & list::COUNTRY, 0);
        assert_ne!(mask(&["ohio"]) & list::REGION, 0);
        assert_ne!(mask(&["smith"]) & list::SURNAME, 0);
        assert_ne!(mask(&["jennifer"]) & list::FIRST_NAME, 0);
        assert_eq!(mask(&["zqxjkvw"]), 0);
    }

    #[test]
    fn a_prior_shift_moves_one_weight_of_the_feature_every_token_has() {
        assert_eq!(PRIOR_FEATURE.row(), Hasher::new(10).row());
        let mut rows = vec![[0i16; N]; 1 << HASH_BITS];
        let r = PRIOR_FEATURE.row() as usize;
        rows[r] = [5, 0, 0, 0, 0, 0, 0, -40, 0];
        rows[3][7] = 9;
        let bytes = Model::from_rows(rows).expect("full table").encode(2.0);
        let mut shifted = bytes.clone();
        assert!(Model::shift_prior(&mut shifted, 7, 25.0));
        let model = Model::decode(&shifted).expect("decodes");
        assert_eq!(model.row(r), [5, 0, 0, 0, 0, 0, 0, 10, 0]);
        assert_eq!(model.row(3)[7], 9);
        assert!(!Model::shift_prior(&mut shifted, N, 1.0));
        assert!(!Model::shift_prior(&mut [0u8; 4], 7, 1.0));
        let empty = Model::from_rows(vec![[0i16; N]; 1 << HASH_BITS])
            .expect("full table")
            .encode(1.0);
        assert!(!Model::shift_prior(&mut empty.clone(), 7, 1.0));
    }

    #[test]
    fn a_replacement_model_must_decode() {
        assert!(!replace_model(b"not a model"));
        assert!(!replace_model(&[]));
    }

    #[test]
    fn hashes_are_fixed() {
        // The model depends on these values: a change of the hash function
        // must come with a new model and a new FEATURE_VERSION.
        assert_eq!(hash_str("reuters"), 12_299_958_391_846_217_707);
        assert_eq!(Hasher::new(11).val(hash_str("paris")).row(), 960_156);
        assert_ne!(hash_str("ab"), hash_str("ba"));
        let (a, sa) = shapes_of("Hello");
        let (b, sb) = shapes_of("Hellooo");
        assert_eq!(a, b, "runs are capped at two");
        assert_eq!(sa, sb);
        assert_ne!(shapes_of("Hello").0, shapes_of("HELLO").0);
    }
}
