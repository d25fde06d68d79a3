//! Lexicon-based sentiment in the manner of VADER, with a news-aware lexicon.
//!
//! The lexicon is VADER's own (7,500 rated words, MIT, shipped by the
//! `vader_sentiment` crate), with the news terms of [`LEXICON`] added where
//! VADER has no entry ("bombing", "casualties", "refugees").
//! Each word's valence (−4..4) is boosted by a preceding intensifier, flipped
//! and damped by a negation within the three words before it, and weighted by
//! "but" (half before it, one and a half after); "least" before a word
//! negates it (not in "at least"). As in VADER, a rated word or intensifier
//! in capitals amid mixed case gains 0.733, and each "!" (up to four) adds
//! 0.292, two or three "?" 0.18 each, to a sentence's sum in its direction.
//! Intensifiers carry no valence
//! of their own, nor does "no" before a rated word (it negates it instead). A
//! sentence's sum `s` becomes the score `s / sqrt(s² + 15)` in −1..1, as
//! VADER's compound; the magnitude is the sum of absolute valences.
//!
//! On top of these rules sits a learned news lexicon (`models/sentiment.bin`,
//! written by `docsift train sentiment`, see [`Learned`]): rated valences
//! are scaled by one factor when positive and another when negative, and
//! learned valences are added to words (rated or not) under the same
//! negation, "least" and "but" factors ([`context_factor`]). Punctuation
//! emphasis follows what the rated words say, so a plain sentence whose
//! words carry only small learned valences is not made polar by "!!!".
//!
//! Labels: POSITIVE when score ≥ 0.05, NEGATIVE when score ≤ −0.05, NEUTRAL
//! between; MIXED instead when both the positive and the negative mass are at
//! least 2.0 and each is at least a third of the total, with |score| < 0.5.
//! The document score is `tanh(S / sqrt(n))`, with `S` the sum of the
//! sentences' sums and `n` the number of words: the summed valence per square
//! root of length, so that a long text needs more evidence than a short one
//! for the same score, while one sharp sentence still shows. On VADER's rated
//! sets this tracks the human ratings better than the mean of the sentence
//! scores or the compound of the whole text, on the review and tweet sets as
//! on the news editorials (`docsift eval sentiment`).

use std::sync::LazyLock;

use super::segment::Tok;
use super::{Sentiment, SentimentLabel, Span};
use rustc_hash::FxHashMap;

const ALPHA: f32 = 15.0;
const NEGATION_FACTOR: f32 = -0.74;
const BOOST: f32 = 0.293;

/// News terms, `word valence` pairs on VADER's −4..4 scale; used where
/// VADER's lexicon has no entry.
const LEXICON: &str = "\
good 1.9 great 3.1 excellent 3.2 best 3.2 better 1.9 nice 1.8 happy 2.7 glad 2.0 joy 2.8 love 3.2 loved 2.9 \
like 1.5 liked 1.8 enjoy 2.2 enjoyed 2.3 wonderful 2.7 amazing 2.8 awesome 3.1 fantastic 2.6 brilliant 2.8 \
success 2.7 successful 2.8 succeed 2.2 succeeded 2.3 win 2.8 wins 2.7 won 2.7 winning 2.4 victory 2.8 \
celebrate 2.7 celebrated 2.4 celebration 2.7 hope 1.9 hopes 1.8 hopeful 2.3 optimistic 2.3 optimism 2.5 \
confident 2.2 confidence 2.3 safe 1.9 safety 1.8 secure 1.4 peace 2.5 peaceful 2.2 calm 1.3 \
agree 1.5 agreed 1.5 agreement 2.2 support 1.7 supported 1.8 supports 1.7 help 1.7 helped 1.7 helps 1.6 \
helpful 1.8 benefit 2.0 benefits 1.9 gain 2.0 gains 1.8 growth 1.6 grow 1.3 improve 1.9 improved 2.1 \
improvement 2.0 progress 1.8 recover 1.6 recovery 1.7 rescue 1.9 rescued 1.8 saved 2.0 save 2.0 protect 1.6 \
protected 1.5 strong 2.3 strength 2.2 stronger 1.9 boost 1.7 boosted 1.5 thank 1.5 thanks 1.9 grateful 2.0 \
praise 2.6 praised 2.2 honor 2.2 honour 2.2 proud 2.1 pride 1.4 free 1.8 freedom 3.2 fair 1.3 justice 2.4 \
welcome 2.0 welcomed 1.9 innovative 1.9 positive 2.6 promising 1.9 pleased 1.9 excited 1.4 exciting 2.2 \
beautiful 2.9 clear 1.6 clean 1.7 healthy 1.7 heal 1.4 healed 1.4 kind 2.4 generous 2.3 honest 2.3 trust 2.3 \
stable 1.2 stability 1.3 cooperation 1.6 partners 1.0 partnership 1.4 ally 1.4 allies 1.4 friend 2.2 \
friends 2.1 friendly 2.2 achieve 1.9 achieved 1.9 achievement 2.1 breakthrough 2.1 record 0.5 opportunity 1.8 \
bad -2.5 worse -2.1 worst -3.1 terrible -2.1 horrible -2.5 awful -2.0 poor -2.1 sad -2.1 sadness -1.9 \
unhappy -1.8 angry -2.3 anger -2.7 hate -2.7 hated -3.2 fear -2.2 fears -1.8 feared -2.2 afraid -2.2 \
scared -2.2 panic -2.3 worry -1.9 worried -1.2 worries -1.6 concern -1.0 concerns -1.0 concerned -1.2 \
problem -1.7 problems -1.7 crisis -3.1 disaster -3.1 catastrophe -3.4 tragedy -3.4 tragic -3.4 fail -2.5 \
failed -2.3 failure -2.3 fails -2.0 lose -1.7 loss -1.3 losses -1.3 lost -1.3 defeat -2.0 defeated -2.1 \
weak -1.9 weakness -1.8 decline -1.1 declined -0.9 fall -0.6 fell -0.7 drop -1.1 dropped -0.9 collapse -2.2 \
collapsed -2.1 recession -2.0 unemployment -1.9 debt -1.5 poverty -2.3 corrupt -3.0 corruption -3.0 \
scandal -2.1 fraud -2.8 crime -2.5 crimes -2.5 criminal -2.4 illegal -2.6 guilty -1.8 blame -1.4 blamed -2.1 \
accuse -1.6 accused -1.9 condemn -1.6 condemned -1.6 criticize -1.6 criticized -1.6 criticism -1.9 \
protest -1.0 protests -1.0 riot -2.6 riots -2.6 violence -3.1 violent -2.9 kill -3.7 killed -3.5 kills -3.4 \
killing -3.4 killings -3.4 murder -3.7 murdered -3.7 dead -3.3 death -2.9 deaths -2.9 die -2.9 died -2.6 \
dies -2.8 dying -2.8 attack -2.1 attacks -2.1 attacked -2.1 attacker -2.2 attackers -2.2 bomb -2.2 bombs -2.2 \
bombing -2.6 bombings -2.6 bombed -2.4 explosion -2.0 blast -1.8 shooting -2.6 shootings -2.6 shot -1.8 \
gunman -2.4 gunmen -2.4 terror -3.0 terrorism -3.3 terrorist -3.3 terrorists -3.3 terrorist's -3.3 threat -2.4 \
threats -2.4 threaten -2.2 threatened -2.0 threatening -2.2 war -2.9 wars -2.6 warfare -2.6 fighting -1.9 \
fight -1.6 fighters -0.9 conflict -1.7 militant -1.6 militants -1.8 hostage -2.1 hostages -2.1 kidnapped -2.8 \
injured -2.2 injuries -2.1 injury -2.0 wounded -2.2 wound -2.0 hurt -2.4 harm -2.5 damage -2.2 damaged -1.9 \
destroy -2.9 destroyed -2.8 destruction -2.7 victim -2.0 victims -2.0 casualties -2.4 massacre -3.6 \
atrocity -3.5 atrocities -3.5 brutal -3.0 cruel -2.8 evil -3.4 horror -2.7 horrific -3.4 shock -1.6 \
shocked -1.3 shocking -1.7 chaos -2.2 danger -2.4 dangerous -2.1 risk -1.1 risks -1.1 risky -1.4 warn -0.4 \
warned -0.8 warning -1.4 emergency -1.6 strike -0.8 strikes -0.8 airstrikes -1.2 invasion -2.1 occupied -0.7 \
refugee -0.8 refugees -0.8 flee -1.6 fled -1.6 displaced -1.6 starvation -3.0 famine -3.0 disease -2.0 \
pandemic -2.4 outbreak -1.7 sick -2.0 illness -1.9 pain -2.3 painful -2.4 suffer -2.5 suffering -2.6 \
suffered -2.2 mourning -1.9 mourn -1.8 grief -2.2 tears -1.3 sorry -0.3 regret -1.8 shame -2.1 \
disappointed -1.9 disappointing -2.2 disappointment -2.3 frustrated -1.9 frustration -2.1 difficult -1.5 \
hard -0.4 harsh -1.9 hostile -2.2 aggressive -1.4 aggression -2.0 oppose -0.9 opposed -0.9 reject -1.7 \
rejected -1.7 refuse -1.2 refused -1.2 deny -1.4 denied -1.3 ban -2.6 banned -2.0 arrest -1.4 arrested -2.1 \
jail -2.2 jailed -2.3 prison -1.8 sentenced -1.4 penalty -1.3 sanctions -1.1 lawsuit -0.9 dispute -1.7 \
tension -1.3 tensions -1.3 unrest -1.9 instability -1.6 uncertain -1.2 uncertainty -1.4 doubt -1.5 \
doubts -1.4 mistake -1.4 mistakes -1.4 wrong -2.1 error -1.7 cut -1.1 cuts -1.1 layoffs -2.0 fired -2.0 \
abuse -3.2 abused -3.2 racist -3.1 racism -3.1 hateful -3.3 extremist -2.4 extremists -2.4 extremism -2.4 \
radical -1.1 crash -2.1 crashed -2.1 accident -2.1 flood -1.8 floods -1.8 earthquake -2.0 storm -1.2 \
fire -1.4 fires -1.4 burning -1.6 collapse -2.2 slump -1.7 plunge -1.8 plunged -1.8 turmoil -2.2 \
haven 1.2 responsibility 0.6 confident 2.2 energize 1.5 intensify -0.3 intensification -0.3";

/// Words that strengthen (positive) or soften (negative) the next word.
const BOOSTERS: &[(&str, f32)] = &[
    ("very", BOOST),
    ("extremely", BOOST),
    ("really", BOOST),
    ("highly", BOOST),
    ("deeply", BOOST),
    ("incredibly", BOOST),
    ("absolutely", BOOST),
    ("completely", BOOST),
    ("totally", BOOST),
    ("so", BOOST),
    ("most", BOOST),
    ("more", BOOST),
    ("particularly", BOOST),
    ("especially", BOOST),
    ("utterly", BOOST),
    ("hugely", BOOST),
    ("greatly", BOOST),
    ("strongly", BOOST),
    ("clearly", BOOST),
    ("truly", BOOST),
    ("slightly", -BOOST),
    ("somewhat", -BOOST),
    ("barely", -BOOST),
    ("hardly", -BOOST),
    ("marginally", -BOOST),
    ("partly", -BOOST),
    ("less", -BOOST),
    ("little", -BOOST),
    ("kind of", -BOOST),
    ("fairly", -BOOST),
];

/// Whether a normalised word negates what follows within three words. A
/// `match` on the words compiles to comparisons of lengths and of a few
/// bytes, cheaper than a hash or a walk along a list.
fn is_negation(word: &str) -> bool {
    matches!(
        word,
        "not"
            | "no"
            | "never"
            | "none"
            | "nobody"
            | "nothing"
            | "neither"
            | "nor"
            | "without"
            | "cannot"
            | "can't"
            | "don't"
            | "doesn't"
            | "didn't"
            | "isn't"
            | "aren't"
            | "wasn't"
            | "weren't"
            | "won't"
            | "wouldn't"
            | "shouldn't"
            | "couldn't"
            | "hasn't"
            | "haven't"
            | "hadn't"
            | "ain't"
            | "lack"
            | "lacks"
            | "lacked"
            | "rarely"
            | "seldom"
    )
}

/// The embedded learned news lexicon (`docsift train sentiment`).
static MODEL: &[u8] = include_bytes!("../../models/sentiment.bin");

/// The learned lexicon's file magic.
pub(crate) const MAGIC: &[u8; 6] = b"DSSN1\n";

/// The learned part of the lexicon: how much more a positive and a negative
/// rated valence weighs, and each learned word's valence (added to its
/// rated one, if any).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Learned<'a> {
    /// The factor of a positive rated valence.
    pub pos_scale: f32,
    /// The factor of a negative rated valence.
    pub neg_scale: f32,
    /// Learned valences, sorted by word.
    pub words: Vec<(&'a str, f32)>,
}

impl<'a> Learned<'a> {
    /// Reads a learned lexicon; `None` when the bytes are not one.
    ///
    /// Format: [`MAGIC`], the positive and the negative scale as
    /// little-endian `f32`, the number of words as little-endian `u32`, then
    /// per word its length in bytes (`u8`), its UTF-8 bytes and its valence
    /// (`f32`).
    pub(crate) fn parse(bytes: &'a [u8]) -> Option<Learned<'a>> {
        fn f32_at(b: &[u8], at: usize) -> Option<f32> {
            Some(f32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
        }
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let pos_scale = f32_at(rest, 0)?;
        let neg_scale = f32_at(rest, 4)?;
        let count = u32::from_le_bytes(rest.get(8..12)?.try_into().ok()?) as usize;
        let mut at = 12;
        let mut words = Vec::with_capacity(count.min(rest.len() / 6));
        for _ in 0..count {
            let len = usize::from(*rest.get(at)?);
            let word = std::str::from_utf8(rest.get(at + 1..at + 1 + len)?).ok()?;
            let v = f32_at(rest, at + 1 + len)?;
            at += 1 + len + 4;
            words.push((word, v));
        }
        let finite = pos_scale.is_finite() && neg_scale.is_finite();
        (at == rest.len() && finite && words.iter().all(|(_, v)| v.is_finite())).then_some(
            Learned {
                pos_scale,
                neg_scale,
                words,
            },
        )
    }

    /// The bytes of the lexicon, as [`Learned::parse`] reads them (words
    /// longer than 255 bytes are left out).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&self.pos_scale.to_le_bytes());
        out.extend_from_slice(&self.neg_scale.to_le_bytes());
        let kept: Vec<&(&str, f32)> = self.words.iter().filter(|(w, _)| w.len() <= 255).collect();
        out.extend_from_slice(&(kept.len() as u32).to_le_bytes());
        for (w, v) in kept {
            out.push(w.len() as u8);
            out.extend_from_slice(w.as_bytes());
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }
}

/// One word of the lexicon.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    /// Its rated valence (VADER's, or the news list's), if it has one.
    rated: Option<f32>,
    /// Its learned valence (0 when none).
    learned: f32,
    /// The strength it adds to the rated word after it, when it is an
    /// intensifier (see [`BOOSTERS`]); an intensifier is no rated word.
    boost: Option<f32>,
}

/// The learned scales (positive, negative) in force.
static SCALES: LazyLock<(f32, f32)> =
    LazyLock::new(|| Learned::parse(MODEL).map_or((1.0, 1.0), |m| (m.pos_scale, m.neg_scale)));

/// The lexicon: every word's [`Entry`], and each word's place among them.
struct Valences {
    places: FxHashMap<&'static str, u32>,
    entries: Vec<Entry>,
}

impl Valences {
    fn get(&self, word: &str) -> Option<&Entry> {
        self.entries.get(*self.places.get(word)? as usize)
    }
}

/// A word's place in the lexicon, found once per word form by the
/// segmenter (see [`valence_of`]) and carried by its tokens, so that
/// scoring a sentence looks up no word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Valence(u32);

/// The place of `word` (a normalised form) in the lexicon, if it is in it.
pub(crate) fn valence_of(word: &str) -> Option<Valence> {
    VALENCES.places.get(word).map(|&p| Valence(p))
}

static VALENCES: LazyLock<Valences> = LazyLock::new(|| {
    let vader: &'static std::collections::HashMap<_, f64> = &vader_sentiment::LEXICON;
    let learned = Learned::parse(MODEL);
    let mut map: FxHashMap<&'static str, Entry> = FxHashMap::default();
    map.reserve(vader.len() + 400 + learned.as_ref().map_or(0, |l| l.words.len()));
    for (word, &v) in vader {
        let word: &'static str = word.as_ref();
        map.insert(
            word,
            Entry {
                rated: Some(v as f32),
                learned: 0.0,
                boost: None,
            },
        );
    }
    let mut it = LEXICON.split_whitespace();
    while let (Some(word), Some(value)) = (it.next(), it.next()) {
        if let Ok(v) = value.parse::<f32>() {
            let e = map.entry(word).or_default();
            e.rated = e.rated.or(Some(v));
        }
    }
    for (word, v) in learned.map(|l| l.words).unwrap_or_default() {
        map.entry(word).or_default().learned = v;
    }
    for &(word, b) in BOOSTERS {
        map.entry(word).or_default().boost = Some(b);
    }
    let mut places = FxHashMap::default();
    places.reserve(map.len());
    let mut entries = Vec::with_capacity(map.len());
    for (word, entry) in map {
        places.insert(word, u32::try_from(entries.len()).unwrap_or(u32::MAX));
        entries.push(entry);
    }
    Valences { places, entries }
});

/// The boost of an intensifier.
fn boost(word: &str) -> Option<f32> {
    VALENCES.get(word).and_then(|e| e.boost)
}

/// Builds the lexicon ahead of the first text.
pub(crate) fn warm_up() {
    LazyLock::force(&VALENCES);
    LazyLock::force(&SCALES);
}

/// The raw result for a run of tokens, before labelling.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Raw {
    /// Sum of adjusted valences.
    pub sum: f32,
    /// Sum of positive adjusted valences.
    pub pos: f32,
    /// Sum of the absolute negative adjusted valences.
    pub neg: f32,
    /// Words (tokens) scored.
    pub words: usize,
}

/// VADER's boost of a rated word written in capitals amid mixed case.
const CAPS_BOOST: f32 = 0.733;
/// VADER's emphasis per exclamation mark (at most four count).
const EXCLAMATION_BOOST: f32 = 0.292;
/// VADER's emphasis per question mark when there are two or three.
const QUESTION_BOOST: f32 = 0.18;

/// Whether a word as written is in capitals: two or more letters, none of
/// them lower case.
fn is_caps(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).nth(1).is_some()
        && !word.chars().any(char::is_lowercase)
}

/// The position of the sentence's first contrastive word ("but", "however",
/// "yet"), if any.
pub(crate) fn but_position(words: &[&str]) -> Option<usize> {
    words
        .iter()
        .position(|w| *w == "but" || *w == "however" || *w == "yet")
}

/// The factor the sentence's rules apply to the valence of the word at `i`:
/// −0.74 when a negation stands within the three words before it or "least"
/// right before it (not "at least", "very least"), times 0.5 before the
/// sentence's "but" and 1.5 after it.
pub(crate) fn context_factor(
    words: &[&str],
    negations: &[bool],
    i: usize,
    but_at: Option<usize>,
) -> f32 {
    let negated = negations
        .get(i.saturating_sub(3)..i)
        .is_some_and(|n| n.contains(&true));
    let least = i >= 1
        && words.get(i - 1) == Some(&"least")
        && !(i >= 2 && matches!(words.get(i - 2), Some(&"at" | &"very")));
    let mut f = if negated || least {
        NEGATION_FACTOR
    } else {
        1.0
    };
    if let Some(b) = but_at {
        f *= if i < b {
            0.5
        } else if i > b {
            1.5
        } else {
            1.0
        };
    }
    f
}

/// Scores one sentence's tokens; `text` is the text their spans index,
/// `sentence` the sentence's span in it (for its case and punctuation).
pub(crate) fn score_tokens(text: &str, sentence: Span, tokens: &[&Tok]) -> Raw {
    score_with(text, sentence, tokens, true)
}

/// [`score_tokens`], with the learned part of the lexicon or without it
/// (VADER's rules on the rated words alone, what training starts from).
pub(crate) fn score_with(text: &str, sentence: Span, tokens: &[&Tok], learned: bool) -> Raw {
    let (pos_scale, neg_scale) = if learned { *SCALES } else { (1.0, 1.0) };
    let scale = |v: f32| {
        if v > 0.0 {
            v * pos_scale
        } else {
            v * neg_scale
        }
    };
    let words: Vec<&str> = tokens.iter().map(|t| t.norm.as_str()).collect();
    let negations: Vec<bool> = words.iter().map(|w| is_negation(w)).collect();
    // Each word's lexicon entry, from the place its token carries.
    let entries: Vec<Option<&Entry>> = tokens
        .iter()
        .map(|t| {
            t.valence
                .and_then(|Valence(p)| VALENCES.entries.get(p as usize))
        })
        .collect();
    let written: Vec<&str> = tokens
        .iter()
        .map(|t| text.get(t.span.start..t.span.end).unwrap_or_default())
        .collect();
    // Capitals are emphasis only when the sentence also has words that are
    // not in capitals (a headline in capitals emphasises nothing).
    let caps_count = written.iter().filter(|w| is_caps(w)).count();
    let mixed_case = caps_count > 0 && written.iter().any(|w| w.chars().any(char::is_lowercase));
    let but_at = but_position(&words);
    let mut raw = Raw {
        words: words.len(),
        ..Raw::default()
    };
    // What the rated words alone say: punctuation emphasises only that.
    let mut rated_sum = 0.0f32;
    for (i, w) in words.iter().enumerate() {
        let Some(entry) = entries.get(i).copied().flatten() else {
            continue;
        };
        if entry.boost.is_some() {
            continue;
        }
        // "no" before a rated word negates it rather than counting itself.
        if *w == "no"
            && entries
                .get(i + 1)
                .copied()
                .flatten()
                .is_some_and(|e| e.rated.is_some())
        {
            continue;
        }
        let factor = context_factor(&words, &negations, i, but_at);
        let mut v = 0.0;
        if let Some(base) = entry.rated {
            v = base;
            if mixed_case && written.get(i).is_some_and(|w| is_caps(w)) {
                v += CAPS_BOOST * v.signum();
            }
            for (distance, j) in (i.saturating_sub(3)..i).rev().enumerate() {
                if let Some(b) = entries.get(j).copied().flatten().and_then(|e| e.boost) {
                    let scale = [1.0, 0.95, 0.9][distance.min(2)];
                    // An intensifier in capitals amid mixed case counts more.
                    let caps = if mixed_case && written.get(j).is_some_and(|w| is_caps(w)) {
                        CAPS_BOOST
                    } else {
                        0.0
                    };
                    v += (b + caps * b.signum()) * scale * v.signum();
                }
            }
            v = scale(v * factor);
        }
        rated_sum += v;
        if learned {
            v += entry.learned * factor;
        }
        raw.sum += v;
        if v > 0.0 {
            raw.pos += v;
        } else {
            raw.neg += -v;
        }
    }
    // Exclamation marks (up to four) and two or more question marks
    // strengthen whatever the sentence already says, as in VADER, when its
    // rated words say something (the learned valences of plain words do not
    // count for this).
    if rated_sum != 0.0 && raw.sum != 0.0 {
        let body = text.get(sentence.start..sentence.end).unwrap_or_default();
        let exclamations = body.matches('!').count().min(4) as f32;
        let questions = match body.matches('?').count() {
            0 | 1 => 0.0,
            n @ 2..=3 => n as f32 * QUESTION_BOOST,
            _ => 0.96,
        };
        let emphasis = scale((exclamations * EXCLAMATION_BOOST + questions) * raw.sum.signum());
        raw.sum += emphasis;
        if emphasis > 0.0 {
            raw.pos += emphasis;
        } else {
            raw.neg -= emphasis;
        }
    }
    raw
}

/// The words of a sentence a learned valence could apply to (neither
/// intensifiers nor negations, holding a letter), each with the factor
/// [`context_factor`] gives its position: what training sees of a sentence.
pub(crate) fn contexts<'a>(tokens: &[&'a Tok]) -> Vec<(&'a Tok, f32)> {
    let words: Vec<&str> = tokens.iter().map(|t| t.norm.as_str()).collect();
    let negations: Vec<bool> = words.iter().map(|w| is_negation(w)).collect();
    let but_at = but_position(&words);
    tokens
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            t.alpha
                && boost(t.norm.as_str()).is_none()
                && !negations.get(*i).copied().unwrap_or(false)
        })
        .map(|(i, t)| (*t, context_factor(&words, &negations, i, but_at)))
        .collect()
}

/// Normalises a sum into −1..1 like VADER's compound score.
pub(crate) fn normalize(sum: f32) -> f32 {
    let s = sum / (sum * sum + ALPHA).sqrt();
    if s.is_finite() {
        s.clamp(-1.0, 1.0)
    } else {
        0.0
    }
}

/// The label for a score and its positive and negative mass.
pub(crate) fn label(score: f32, pos: f32, neg: f32) -> SentimentLabel {
    let total = pos + neg;
    if pos >= 2.0 && neg >= 2.0 && pos * 3.0 >= total && neg * 3.0 >= total && score.abs() < 0.5 {
        SentimentLabel::Mixed
    } else if score >= 0.05 {
        SentimentLabel::Positive
    } else if score <= -0.05 {
        SentimentLabel::Negative
    } else {
        SentimentLabel::Neutral
    }
}

/// The sentiment of one sentence.
pub(crate) fn sentence(raw: Raw) -> Sentiment {
    let score = normalize(raw.sum);
    Sentiment {
        score,
        magnitude: raw.pos + raw.neg,
        label: label(score, raw.pos, raw.neg),
    }
}

/// The sentiment of the document from its sentences' raw results.
pub(crate) fn document(sentences: &[Raw]) -> Sentiment {
    let (mut pos, mut neg, mut sum, mut words) = (0.0f32, 0.0f32, 0.0f32, 0usize);
    for r in sentences {
        pos += r.pos;
        neg += r.neg;
        sum += r.sum;
        words += r.words;
    }
    let score = (sum / (words.max(1) as f32).sqrt()).tanh();
    let score = if score.is_finite() {
        score.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    Sentiment {
        score,
        magnitude: pos + neg,
        label: label(score, pos, neg),
    }
}

#[cfg(test)]
mod tests {
    use super::super::segment;
    use super::*;

    fn sent(text: &str) -> Sentiment {
        let s = segment::sentences(text);
        let toks = segment::tokens(text, &s, "en");
        let refs: Vec<&Tok> = toks.iter().collect();
        sentence(score_tokens(text, Span::new(0, text.len()), &refs))
    }

    #[test]
    fn capitals_exclamations_questions_and_least() {
        assert!(
            sent("The food was GOOD, really.").score > sent("The food was good, really.").score
        );
        // All capitals is no emphasis.
        assert_eq!(
            sent("THE FOOD WAS GOOD.").score,
            sent("the food was good.").score
        );
        assert!(sent("The food was good!!").score > sent("The food was good.").score);
        assert!(sent("The attack was horrible!").score < sent("The attack was horrible.").score);
        // Punctuation alone says nothing.
        assert_eq!(
            sent("The meeting is on Tuesday!!!").label,
            SentimentLabel::Neutral
        );
        assert!(sent("Was it bad?? Really??").score < sent("Was it bad? Really.").score);
        assert!(sent("It was the least helpful answer.").score < 0.0);
        assert!(sent("It was at least helpful.").score > 0.0);
        assert!(
            sent("It was VERY good, they said.").score > sent("It was very good, they said.").score
        );
    }

    #[test]
    fn polarity_negation_boost_and_but() {
        assert_eq!(
            sent("The attacks killed 129 people.").label,
            SentimentLabel::Negative
        );
        assert_eq!(sent("The result was good.").label, SentimentLabel::Positive);
        assert_eq!(
            sent("The result was not good.").label,
            SentimentLabel::Negative
        );
        assert!(sent("It was very good.").score > sent("It was good.").score);
        assert_eq!(
            sent("The food was bad but the service was excellent.").label,
            SentimentLabel::Positive
        );
        assert_eq!(
            sent("The meeting is on Tuesday.").label,
            SentimentLabel::Neutral
        );
        assert!(sent("Terrorists are a threat.").score < -0.5);
        // From VADER's lexicon, not the news list.
        assert!(sent("What a delightful surprise.").score > 0.3);
        // News terms VADER lacks.
        assert!(sent("The bombing left many casualties.").score < -0.5);
        // "no" negates a rated word instead of counting itself.
        assert!(sent("There was no problem.").score > 0.0);
        // An intensifier carries no valence of its own.
        assert_eq!(sent("It was so much more.").label, SentimentLabel::Neutral);
    }

    #[test]
    fn mixed_and_document_level() {
        let m = sent("A great victory and a terrible tragedy.");
        assert_eq!(m.label, SentimentLabel::Mixed);
        assert!(m.magnitude > 4.0);
        let doc = document(&[
            Raw {
                sum: 3.0,
                pos: 3.0,
                neg: 0.0,
                words: 5,
            },
            Raw {
                words: 10,
                ..Raw::default()
            },
            Raw {
                sum: -1.0,
                pos: 0.0,
                neg: 1.0,
                words: 1,
            },
        ]);
        // tanh(2 / sqrt(16)) = tanh(0.5).
        assert!((doc.score - 0.5f32.tanh()).abs() < 1e-6);
        assert_eq!(doc.magnitude, 4.0);
        assert_eq!(document(&[]).label, SentimentLabel::Neutral);
        // The same sentiment in a longer text weighs less.
        let short = document(&[Raw {
            sum: 2.0,
            pos: 2.0,
            neg: 0.0,
            words: 4,
        }]);
        let long = document(&[Raw {
            sum: 2.0,
            pos: 2.0,
            neg: 0.0,
            words: 40,
        }]);
        assert!(short.score > long.score && long.score > 0.0);
    }

    #[test]
    fn learned_lexicon_round_trips_and_the_embedded_one_parses() {
        let l = Learned {
            pos_scale: 0.9,
            neg_scale: 1.1,
            words: vec![("despite", -0.5), ("praiseworthy", 0.25)],
        };
        let bytes = l.to_bytes();
        assert_eq!(Learned::parse(&bytes), Some(l));
        // Truncated, trailing bytes, or not a model: rejected, no panic.
        assert_eq!(Learned::parse(&bytes[..bytes.len() - 1]), None);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Learned::parse(&longer), None);
        assert_eq!(Learned::parse(b"DSSN1\n"), None);
        assert_eq!(Learned::parse(b"hello"), None);
        let embedded = Learned::parse(MODEL).expect("the embedded model parses");
        assert!(embedded.words.len() > 1000);
        assert!(embedded.pos_scale > 0.0 && embedded.neg_scale > 0.0);
        assert!(embedded.words.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn learned_valences_follow_negation() {
        // A word the model rates and VADER's lexicon does not.
        let embedded = Learned::parse(MODEL).expect("the embedded model parses");
        let (word, v) = embedded
            .words
            .iter()
            .copied()
            .find(|(w, v)| {
                v.abs() >= 0.5
                    && w.chars().all(|c| c.is_ascii_lowercase())
                    && VALENCES
                        .get(w)
                        .is_some_and(|e| e.rated.is_none() && e.boost.is_none())
            })
            .expect("a learned-only word");
        let plain = sent(&format!("It was {word}."));
        let negated = sent(&format!("It was not {word}."));
        assert!(plain.score * v > 0.0, "{word} {v} {plain:?}");
        assert!(negated.score * v < 0.0, "{word} {v} {negated:?}");
        // Without the learned part the word says nothing.
        let s = segment::sentences(word);
        let toks = segment::tokens(word, &s, "en");
        let refs: Vec<&Tok> = toks.iter().collect();
        assert_eq!(
            score_with(word, Span::new(0, word.len()), &refs, false).sum,
            0.0
        );
    }

    #[test]
    fn news_snippets_read_as_people_rate_them() {
        assert_eq!(
            sent("Police said the gunmen killed 12 people in the attack.").label,
            SentimentLabel::Negative
        );
        assert_eq!(
            sent("The rescue workers saved hundreds of lives.").label,
            SentimentLabel::Positive
        );
        assert!(sent("The talks did not fail.").score > sent("The talks failed.").score);
    }

    #[test]
    fn non_english_is_neutral_and_curly_negation_counts() {
        assert_eq!(
            sent("Le résultat était très bon à Zürich.").label,
            SentimentLabel::Neutral
        );
        assert_eq!(sent("It wasn’t good.").label, SentimentLabel::Negative);
    }
}
