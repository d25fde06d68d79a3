//! `docsift eval quotes`: direct quotes and their speakers scored on
//! PolNeAR's attribution annotations.
//!
//! **Gold direct quotes.** A Content annotation is a direct quote when its
//! text opens with a quotation mark (or the character before it is one) and
//! closes with one, possibly followed by `.,;:!?` (or the character after it
//! (skipping `.,;:!?`) is one); mixed contents such as `that she would "fight"` are indirect and
//! left out. Two apostrophes are a quotation mark too (`''It felt right,''
//! he said`: the New York Times articles write every double quotation mark
//! so), as the quote stage reads them (`typewriter_marks`). So is a turn
//! of a quoted transcript, whose mark opens its line before the speaker's
//! label (`"WALLACE: Let's start …`, the next turn's mark ending it): the
//! annotators mark the turn as a Content of the label's Source. Its extent
//! is its fragments with outer whitespace and quotation
//! marks trimmed, the way docsift reports a quote.
//!
//! **Content overlap.** Precision is the share of the bytes of docsift's
//! DIRECT quotes that lie in a gold direct quote, recall the share of the
//! gold bytes that lie in one of docsift's, F1 their harmonic mean. Counting
//! bytes rather than whole quotes means a quote split by its attribution
//! (`"…," Rhodes said. "…"`) scores the same however either side splits it.
//!
//! **Quoted words of mixed contents set aside (second figure).** A Content
//! that mixes the writer's words with quoted ones (`In 2009, "states were
//! hemorrhaging money," DeSantis said. "And he…"`, or a quote the
//! annotator ran on into a paraphrase) is no gold direct quote, yet its
//! quoted words are an attributed speaker's words: the annotation does not
//! say whether they stand as a direct quote. The second precision leaves
//! docsift's bytes that lie inside the quotation marks of such a Content
//! out of its denominator (neither right nor wrong); recall is the same.
//! The first figure (every byte outside a gold direct quote wrong) is kept.
//!
//! **Indirect quotes (second table).** Every Content that is no direct
//! quote is a gold indirect one (reported speech, mixed contents, and the
//! beliefs, findings and wishes PolNeAR annotates as attributions too:
//! `polls show …`, `he wants …`), scored against docsift's INDIRECT
//! quotes by the same byte overlap and speaker rules. Recall is low by
//! construction: docsift reports speech cues (`said`, `told`, `according
//! to`), not every attribution; precision says how far its reports can be
//! trusted.
//!
//! **Speaker.** Each gold direct quote with a Source is paired with the
//! docsift quote that overlaps it most; quotes docsift missed are counted
//! apart. The speaker is right when (1) a mention of docsift's speaker
//! entity overlaps the Source span, or (2) the last word of docsift's
//! speaker name is a word of the Source ("Trump" for "Donald Trump", "Donald
//! Trump" for "Mr. Trump"; of a name written family name first, "Ban
//! Ki-moon", the first word), or (3) the Source is a pronoun ("he", "she",
//! "they", "who", "his"...) and rule 2 holds for the nearest named Source
//! before it in the document's gold annotations (the Source of any
//! attribution, direct or indirect), taken as what the pronoun refers to
//! (PolNeAR's text has no coreference annotation of its own); a pronoun for
//! one person ("he", "she", "his") passes over Sources that are plainly
//! plural ("Some Republicans", "several Cruz aides") or of the other sex
//! by a first name or a gendered word ("she" is not "Matt Lauer" nor "his
//! brother", as the quote stage's name table tells), and a possessive
//! pronoun annotated alone as a Source ("his") is a pronoun, not a name; or
//! (4) the Source (or, for a pronoun, the named Source it refers to) is a
//! definite description of a person ("the former president", "The Florida
//! senator's") and rule 2 holds for the nearest named Source before it that
//! is no such description: the description refers back to that person the
//! way a pronoun does. A Source that is only a speech cue (`said`,
//! `According to`) with a Cue that is none had its labels swapped by the
//! annotator (`"…," said Bolton`): its Cue is taken as the Source.

use std::ops::Range;
use std::path::Path;

use serde::Serialize;

use super::ratio;

use super::brat::{self, Event};
use crate::analysis::{self, Features, Input, QuoteKind};

/// A gold direct quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldQuote {
    /// Byte ranges of the quoted words.
    pub content: Vec<Range<usize>>,
    /// The Source span and its text, when the attribution names one.
    pub source: Option<(Range<usize>, String)>,
}

fn is_open_mark(c: char) -> bool {
    matches!(c, '"' | '“' | '«' | '„')
}

fn is_close_mark(c: char) -> bool {
    matches!(c, '"' | '”' | '»' | '“')
}

fn is_mark(c: char) -> bool {
    is_open_mark(c) || is_close_mark(c)
}

/// Whether a Content annotation is a direct quote (see the module doc).
fn is_direct(text: &str, fragments: &[Range<usize>]) -> bool {
    let (Some(first), Some(last)) = (fragments.first(), fragments.last()) else {
        return false;
    };
    let head = text.get(first.clone()).unwrap_or_default().trim_start();
    let tail = text.get(last.clone()).unwrap_or_default().trim_end();
    let before = text
        .get(..first.start)
        .and_then(|s| s.trim_end().chars().next_back());
    let after = text.get(last.end..).and_then(|s| {
        s.trim_start_matches(|c: char| c.is_whitespace() || ".,;:!?".contains(c))
            .chars()
            .next()
    });
    let opens = head.chars().next().is_some_and(is_open_mark)
        || before.is_some_and(is_open_mark)
        || opens_a_quoted_turn(text, first.start);
    let tail = tail.trim_end_matches(['.', ',', ';', ':', '!', '?']);
    let closes =
        tail.chars().next_back().is_some_and(is_close_mark) || after.is_some_and(is_close_mark);
    opens && closes
}

/// Whether the line up to byte `at` is an opening quotation mark and a
/// speaker's label with its colon, as the quote stage reads one
/// (`quotes::speaker_label`): the words at `at` are a quoted transcript
/// turn (`"WALLACE: Let's start …`), inside the quotation the mark opens.
fn opens_a_quoted_turn(text: &str, at: usize) -> bool {
    let Some(before) = text.get(..at) else {
        return false;
    };
    let line = before.rsplit('\n').next().unwrap_or_default().trim();
    line.strip_suffix(':')
        .and_then(|l| l.strip_prefix(is_open_mark))
        .is_some_and(analysis::quotes::speaker_label)
}

/// A byte range with outer whitespace and quotation marks trimmed.
fn trim_marks(text: &str, r: &Range<usize>) -> Range<usize> {
    let s = text.get(r.clone()).unwrap_or_default();
    let lead = s.len()
        - s.trim_start_matches(|c: char| c.is_whitespace() || is_mark(c))
            .len();
    let trail = s.len()
        - s.trim_end_matches(|c: char| c.is_whitespace() || is_mark(c))
            .len();
    if lead + trail >= s.len() {
        r.start..r.start
    } else {
        r.start + lead..r.end - trail
    }
}

/// The quoted words of the Contents that are not direct quotes: the bytes
/// between a pair of quotation marks inside such a Content (a Content that
/// opens inside a quotation, its mark just before it, starts inside one).
/// See the module doc.
pub fn mixed_quoted(text: &str, events: &[Event]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for e in events {
        let Some(content) = e.roles.get("Content") else {
            continue;
        };
        if is_direct(text, &content.fragments) {
            continue;
        }
        let Some(first) = content.fragments.first() else {
            continue;
        };
        let mut inside = text
            .get(..first.start)
            .and_then(|s| s.trim_end().chars().next_back())
            .is_some_and(is_open_mark);
        for r in &content.fragments {
            let Some(s) = text.get(r.clone()) else {
                continue;
            };
            let mut from = inside.then_some(r.start);
            for (i, c) in s.char_indices() {
                let pos = r.start + i;
                let toggles = match c {
                    '"' => true,
                    '“' | '«' | '„' => !inside,
                    '”' | '»' => inside,
                    _ => false,
                };
                if !toggles {
                    continue;
                }
                if inside {
                    if let Some(f) = from.take() {
                        out.push(f..pos);
                    }
                } else {
                    from = Some(pos + c.len_utf8());
                }
                inside = !inside;
            }
            if let Some(f) = from {
                out.push(f..r.end);
            }
        }
    }
    out.retain(|r| !r.is_empty());
    out
}

/// The gold direct quotes among a document's attributions.
pub fn gold_quotes(text: &str, events: &[Event]) -> Vec<GoldQuote> {
    gold_of(text, events, true)
}

/// The gold indirect attributions: every Content that is no direct quote
/// (reported speech, `Rhodes said that the deal would hold`, and mixed
/// contents). See the module doc.
pub fn gold_indirect(text: &str, events: &[Event]) -> Vec<GoldQuote> {
    gold_of(text, events, false)
}

/// The Contents that are direct quotes (`direct`) or are none, each with
/// its fragments' outer whitespace and quotation marks trimmed, and its
/// Source.
fn gold_of(text: &str, events: &[Event], direct: bool) -> Vec<GoldQuote> {
    events
        .iter()
        .filter_map(|e| {
            let content = e.roles.get("Content")?;
            if is_direct(text, &content.fragments) != direct {
                return None;
            }
            let ranges: Vec<Range<usize>> = content
                .fragments
                .iter()
                .map(|r| trim_marks(text, r))
                .filter(|r| !r.is_empty())
                .collect();
            (!ranges.is_empty()).then(|| GoldQuote {
                content: ranges,
                source: source_role(text, e).and_then(|s| source_span(text, s)),
            })
        })
        .collect()
}

/// Speech cues that name no one: a Source that is only one of them, with a
/// Cue that is none, had its two labels swapped by the annotator (`"…,"
/// said Bolton` annotated Source `said`, Cue `Bolton`).
const CUE_ONLY_SOURCES: &[&str] = &[
    "said",
    "says",
    "asked",
    "asks",
    "according to",
    "told",
    "added",
    "wrote",
];

/// Whether an annotation's words are only a speech cue ([`CUE_ONLY_SOURCES`]).
fn cue_only(text: &str, bound: &brat::TextBound) -> bool {
    let words: Vec<&str> = bound
        .fragments
        .iter()
        .filter_map(|r| text.get(r.clone()))
        .collect();
    let words = words.join(" ").trim().to_lowercase();
    CUE_ONLY_SOURCES.contains(&words.as_str())
}

/// The annotation that names an attribution's speaker: its Source, or its
/// Cue when the two labels are swapped (see [`CUE_ONLY_SOURCES`]).
fn source_role<'e>(text: &str, e: &'e Event) -> Option<&'e brat::TextBound> {
    let source = e.roles.get("Source")?;
    match e.roles.get("Cue") {
        Some(cue) if cue_only(text, source) && !cue_only(text, cue) => Some(cue),
        _ => Some(source),
    }
}

/// A Source's extent (first fragment's start to last fragment's end) and
/// its words, the fragments joined by spaces.
fn source_span(text: &str, source: &brat::TextBound) -> Option<(Range<usize>, String)> {
    let start = source.fragments.first()?.start;
    let end = source.fragments.last()?.end;
    let words: Vec<&str> = source
        .fragments
        .iter()
        .filter_map(|r| text.get(r.clone()))
        .collect();
    Some((start..end, words.join(" ")))
}

/// The named (not pronoun) Sources of every attribution of a document,
/// direct or not, by position: what a pronoun Source refers to is the
/// nearest one before it. Indirect attributions count: "Martha Allen, a
/// delegate, criticized the law. \"...,\" she said." refers to Martha
/// Allen, whose attribution is indirect, not to the last person quoted.
pub fn named_sources(text: &str, events: &[Event]) -> Vec<(usize, String)> {
    let mut named: Vec<(usize, String)> = events
        .iter()
        .filter_map(|e| source_role(text, e))
        .filter_map(|s| source_span(text, s))
        .map(|(range, source)| (range.start, source))
        .filter(|(_, source)| !is_pronoun(source))
        .collect();
    named.sort();
    named.dedup();
    named
}

/// Sorted, merged copies of the ranges.
fn merged(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut v: Vec<Range<usize>> = ranges.iter().filter(|r| !r.is_empty()).cloned().collect();
    v.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in v {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Bytes covered by the ranges (overlaps counted once).
pub fn covered(ranges: &[Range<usize>]) -> usize {
    merged(ranges).iter().map(|r| r.end - r.start).sum()
}

/// Bytes covered by both sets of ranges.
pub fn overlap(a: &[Range<usize>], b: &[Range<usize>]) -> usize {
    let (a, b) = (merged(a), merged(b));
    let (mut i, mut j, mut total) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        let lo = a[i].start.max(b[j].start);
        let hi = a[i].end.min(b[j].end);
        total += hi.saturating_sub(lo);
        if a[i].end < b[j].end {
            i += 1;
        } else {
            j += 1;
        }
    }
    total
}

const PRONOUNS: &[&str] = &[
    "he",
    "she",
    "they",
    "i",
    "we",
    "it",
    "who",
    "which",
    "him",
    "her",
    "them",
    "you",
    "us",
    "that",
    "this",
    "his",
    "hers",
    "its",
    "their",
    "himself",
    "herself",
    "itself",
    "themselves",
    "self",
];

/// Pronouns that stand for one person.
const SINGULAR_PERSONAL: &[&str] = &[
    "he", "she", "him", "her", "his", "hers", "himself", "herself",
];

/// Quantifiers that open a plural noun phrase.
const PLURAL_OPENERS: &[&str] = &[
    "some",
    "several",
    "many",
    "most",
    "both",
    "all",
    "few",
    "two",
    "three",
    "four",
    "five",
    "dozens",
    "hundreds",
    "thousands",
    "other",
    "others",
];

/// Person nouns that head a definite description of someone named before
/// (`the former president`, `the retired neurosurgeon`).
const PERSON_HEADS: &[&str] = &[
    "president",
    "senator",
    "governor",
    "candidate",
    "nominee",
    "frontrunner",
    "front-runner",
    "congressman",
    "congresswoman",
    "lawmaker",
    "representative",
    "mayor",
    "secretary",
    "speaker",
    "leader",
    "chairman",
    "chairwoman",
    "spokesman",
    "spokeswoman",
    "official",
    "minister",
    "diplomat",
    "judge",
    "attorney",
    "lawyer",
    "businessman",
    "businesswoman",
    "billionaire",
    "mogul",
    "tycoon",
    "magnate",
    "neurosurgeon",
    "surgeon",
    "doctor",
    "actor",
    "actress",
    "star",
    "host",
    "anchor",
    "commentator",
    "adviser",
    "advisor",
    "strategist",
    "pollster",
    "director",
    "manager",
    "founder",
    "executive",
    "politician",
    "democrat",
    "republican",
    "socialist",
    "independent",
    "veteran",
    "author",
    "writer",
    "reporter",
    "columnist",
    "economist",
    "professor",
    "analyst",
    "activist",
    "pastor",
    "singer",
    "comedian",
    "man",
    "woman",
    "father",
    "mother",
    "wife",
    "husband",
    "son",
    "daughter",
];

/// Whether a Source is a definite description of a person: `the` and
/// modifiers before a person noun (see [`PERSON_HEADS`]).
fn is_person_description(source: &str) -> bool {
    let w = words(source);
    // The head as written: `words` splits a hyphened one ("front-runner").
    let head = source
        .split_whitespace()
        .next_back()
        .unwrap_or_default()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    let head = head
        .strip_suffix("’s")
        .or_else(|| head.strip_suffix("'s"))
        .unwrap_or(&head);
    w.len() >= 2
        && w.first().is_some_and(|f| f == "the")
        && (w.last().is_some_and(|h| PERSON_HEADS.contains(&h.as_str()))
            || PERSON_HEADS.contains(&head))
}

/// Whether a Source is plainly plural: it opens with a quantifier (`Some
/// Republicans`, `several aides`), or its last word, its head as a rule,
/// is a lower-case plural (`Cruz associates`, `the two campaign aides`).
fn is_plural(source: &str) -> bool {
    let w = words(source);
    let first_plural = w
        .first()
        .is_some_and(|f| PLURAL_OPENERS.contains(&f.as_str()));
    let head = source
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .rfind(|w| !w.is_empty())
        .unwrap_or_default();
    let head_plural = head.chars().all(char::is_lowercase)
        && head.len() > 3
        && head.ends_with('s')
        && !head.ends_with("ss")
        && !head.ends_with("us")
        && !head.ends_with("is")
        && !head.ends_with("’s")
        && !head.ends_with("'s");
    first_plural || head_plural
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .map(|w| {
            let w = w.to_lowercase();
            for suffix in ["'s", "’s"] {
                if let Some(stem) = w.strip_suffix(suffix) {
                    return stem.to_string();
                }
            }
            w
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether a source is a pronoun.
pub fn is_pronoun(source: &str) -> bool {
    let w = words(source);
    w.len() == 1 && PRONOUNS.contains(&w[0].as_str())
}

/// Rule 2 of the module doc: the last word of the speaker's name is a word
/// of the source; of a name written family name first ("Ban Ki-moon"), the
/// family name must be instead.
pub fn name_matches(speaker: &str, source: &str) -> bool {
    let source = words(source);
    if let Some(family) = crate::analysis::entities::family_name_first(speaker) {
        return source.contains(&family.to_lowercase());
    }
    let Some(last) = words(speaker).pop() else {
        return false;
    };
    source.contains(&last)
}

/// A docsift quote as the scorer sees it.
#[derive(Debug, Clone, Default)]
pub struct Predicted {
    /// The quoted words.
    pub span: Range<usize>,
    /// The speaker's name, empty when unknown.
    pub speaker: String,
    /// The spans of the speaker entity's mentions.
    pub speaker_mentions: Vec<Range<usize>>,
}

/// Running totals over documents: of direct quotes, as the fields say, or
/// of indirect ones (see [`Report::indirect`]), against the Contents that are
/// no direct quote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Gold direct quotes.
    pub gold_quotes: usize,
    /// Docsift's direct quotes.
    pub predicted_quotes: usize,
    /// Bytes of gold direct quotes.
    pub gold_bytes: usize,
    /// Bytes of docsift's direct quotes.
    pub predicted_bytes: usize,
    /// Bytes in both.
    pub overlap_bytes: usize,
    /// Bytes of docsift's direct quotes inside the quoted words of a mixed
    /// Content and outside every gold direct quote: set aside by the second
    /// precision.
    pub aside_bytes: usize,
    /// Gold direct quotes that a docsift quote overlaps.
    pub gold_found: usize,
    /// Found gold quotes that have a Source: the speaker denominator.
    pub speaker_scored: usize,
    /// Of those, the ones whose speaker is right.
    pub speaker_correct: usize,
    /// Of the scored ones, those whose Source is a pronoun.
    pub pronoun_scored: usize,
    /// Of those, the right ones.
    pub pronoun_correct: usize,
    /// Scored quotes for which docsift named no speaker.
    pub speaker_missing: usize,
}

impl Totals {
    /// Adds one document.
    pub fn add(
        &mut self,
        gold: &[GoldQuote],
        mixed: &[Range<usize>],
        named: &[(usize, String)],
        predicted: &[Predicted],
    ) {
        self.gold_quotes += gold.len();
        self.predicted_quotes += predicted.len();
        let gold_ranges: Vec<Range<usize>> = gold
            .iter()
            .flat_map(|g| g.content.iter().cloned())
            .collect();
        let pred_ranges: Vec<Range<usize>> = predicted.iter().map(|p| p.span.clone()).collect();
        self.gold_bytes += covered(&gold_ranges);
        self.predicted_bytes += covered(&pred_ranges);
        self.overlap_bytes += overlap(&gold_ranges, &pred_ranges);
        // Predicted ∩ mixed, less what of it is also gold.
        let mut gold_and_mixed = gold_ranges.clone();
        gold_and_mixed.extend(mixed.iter().cloned());
        self.aside_bytes +=
            overlap(&gold_and_mixed, &pred_ranges) - overlap(&gold_ranges, &pred_ranges);
        for j in judge(gold, named, predicted) {
            let Some(v) = j.verdict else { continue };
            self.gold_found += 1;
            let Some(v) = v else { continue };
            self.speaker_scored += 1;
            if v.pronoun {
                self.pronoun_scored += 1;
            }
            if v.missing {
                self.speaker_missing += 1;
            }
            if v.correct {
                self.speaker_correct += 1;
                if v.pronoun {
                    self.pronoun_correct += 1;
                }
            }
        }
    }
}

/// How docsift did on one gold quote's speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeakerVerdict {
    /// The gold Source is a pronoun.
    pub pronoun: bool,
    /// Docsift named no speaker.
    pub missing: bool,
    /// Docsift's speaker is right.
    pub correct: bool,
}

/// What a gold Source refers to: itself, or for a pronoun the nearest named
/// Source before it (`named` sorted by position) that can be called so: a
/// pronoun for one person ("he", "his") passes plainly plural Sources over
/// ("Some Republicans").
fn referent<'g>(
    named: &'g [(usize, String)],
    range: &Range<usize>,
    source: &'g str,
) -> Option<&'g str> {
    if is_pronoun(source) {
        let pronoun = words(source).first().cloned().unwrap_or_default();
        let singular = SINGULAR_PERSONAL.contains(&pronoun.as_str());
        let female = matches!(pronoun.as_str(), "she" | "her" | "hers" | "herself");
        named
            .iter()
            .rev()
            .filter(|(start, _)| *start < range.start)
            .find(|(_, s)| {
                !(singular && (is_plural(s) || crate::analysis::quotes::female(s) == Some(!female)))
            })
            .map(|(_, s)| s.as_str())
    } else {
        Some(source)
    }
}

/// Rule 4 of the module doc: for a referent that is a definite description
/// of a person, the nearest named Source before `before` that is none.
fn described<'g>(named: &'g [(usize, String)], before: usize, referent: &str) -> Option<&'g str> {
    if !is_person_description(referent) {
        return None;
    }
    named
        .iter()
        .rev()
        .filter(|(start, _)| *start < before)
        .find(|(_, s)| !is_person_description(s) && !is_plural(s))
        .map(|(_, s)| s.as_str())
}

/// One gold quote judged against docsift's quotes.
#[derive(Debug, Clone, Copy)]
pub struct Judged<'a> {
    /// `None` when no docsift quote overlaps the gold quote; otherwise the
    /// docsift quote that overlaps it most, with the speaker verdict when the
    /// gold quote has a Source.
    pub verdict: Option<Option<SpeakerVerdict>>,
    /// The docsift quote paired with it.
    pub paired: Option<&'a Predicted>,
}

/// Judges every gold quote of a document (in order) with the document's
/// whole gold as context: a pronoun refers to the nearest named Source
/// before it.
pub fn judge<'a>(
    gold: &[GoldQuote],
    named: &[(usize, String)],
    predicted: &'a [Predicted],
) -> Vec<Judged<'a>> {
    let mut out = Vec::with_capacity(gold.len());
    for g in gold {
        let best = predicted
            .iter()
            .map(|p| (overlap(&g.content, std::slice::from_ref(&p.span)), p))
            .filter(|(o, _)| *o > 0)
            .max_by_key(|(o, p)| (*o, std::cmp::Reverse(p.span.start)));
        let Some((_, p)) = best else {
            out.push(Judged {
                verdict: None,
                paired: None,
            });
            continue;
        };
        let verdict = g.source.as_ref().map(|(range, source)| {
            let pronoun = is_pronoun(source);
            if p.speaker.is_empty() {
                return SpeakerVerdict {
                    pronoun,
                    missing: true,
                    correct: false,
                };
            }
            let by_mention = p
                .speaker_mentions
                .iter()
                .any(|m| m.start < range.end && range.start < m.end);
            let to = referent(named, range, source);
            let by_name = to.is_some_and(|s| name_matches(&p.speaker, s))
                || to
                    .and_then(|s| described(named, range.start, s))
                    .is_some_and(|s| name_matches(&p.speaker, s));
            SpeakerVerdict {
                pronoun,
                missing: false,
                correct: by_mention || by_name,
            }
        });
        out.push(Judged {
            verdict: Some(verdict),
            paired: Some(p),
        });
    }
    out
}

/// The result of a run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The directory read.
    pub dir: String,
    /// Documents scored.
    pub documents: usize,
    /// The raw totals.
    pub totals: Totals,
    /// Content overlap precision.
    pub content_precision: f64,
    /// Content overlap recall.
    pub content_recall: f64,
    /// Content overlap F1.
    pub content_f1: f64,
    /// Precision with the quoted words of mixed Contents set aside.
    pub content_precision_aside: f64,
    /// F1 with that precision.
    pub content_f1_aside: f64,
    /// Right speakers over scored quotes.
    pub speaker_accuracy: f64,
    /// The same over quotes whose Source is a pronoun.
    pub pronoun_speaker_accuracy: f64,
    /// Indirect quotes: raw totals (docsift's INDIRECT quotes against the
    /// Contents that are no direct quote; nothing is set aside).
    pub indirect: Totals,
    /// Indirect content overlap precision, recall and F1.
    pub indirect_precision: f64,
    pub indirect_recall: f64,
    pub indirect_f1: f64,
    /// Right speakers over scored indirect quotes.
    pub indirect_speaker_accuracy: f64,
}

impl Report {
    /// Derives the figures from the totals.
    pub fn new(dir: String, documents: usize, totals: Totals, indirect: Totals) -> Self {
        let p = ratio(totals.overlap_bytes, totals.predicted_bytes);
        let r = ratio(totals.overlap_bytes, totals.gold_bytes);
        let pa = ratio(
            totals.overlap_bytes,
            totals.predicted_bytes.saturating_sub(totals.aside_bytes),
        );
        let f1_of = |p: f64, r: f64| {
            if p + r > 0.0 {
                2.0 * p * r / (p + r)
            } else {
                0.0
            }
        };
        let f1 = |p: f64| f1_of(p, r);
        let ip = ratio(indirect.overlap_bytes, indirect.predicted_bytes);
        let ir = ratio(indirect.overlap_bytes, indirect.gold_bytes);
        Report {
            dir,
            documents,
            content_precision: p,
            content_recall: r,
            content_f1: f1(p),
            content_precision_aside: pa,
            content_f1_aside: f1(pa),
            speaker_accuracy: ratio(totals.speaker_correct, totals.speaker_scored),
            pronoun_speaker_accuracy: ratio(totals.pronoun_correct, totals.pronoun_scored),
            totals,
            indirect_precision: ip,
            indirect_recall: ir,
            indirect_f1: f1_of(ip, ir),
            indirect_speaker_accuracy: ratio(indirect.speaker_correct, indirect.speaker_scored),
            indirect,
        }
    }

    /// A plain-text summary.
    pub fn table(&self) -> String {
        let t = &self.totals;
        format!(
            "{} documents from {}\n\n\
             direct quotes: gold {}, docsift {}, gold found {}\n\
             content (byte overlap): P {:.4}  R {:.4}  F1 {:.4}\n\
             content, quoted words of mixed contents set aside: P {:.4}  F1 {:.4}\n\
             speaker: {}/{} right = {:.4} (no speaker given: {}); pronoun sources {}/{} = {:.4}\n\n\
             indirect quotes (Contents that are no direct quote): gold {}, docsift {}, gold found {}\n\
             content (byte overlap): P {:.4}  R {:.4}  F1 {:.4}\n\
             speaker: {}/{} right = {:.4}\n",
            self.documents,
            self.dir,
            t.gold_quotes,
            t.predicted_quotes,
            t.gold_found,
            self.content_precision,
            self.content_recall,
            self.content_f1,
            self.content_precision_aside,
            self.content_f1_aside,
            t.speaker_correct,
            t.speaker_scored,
            self.speaker_accuracy,
            t.speaker_missing,
            t.pronoun_correct,
            t.pronoun_scored,
            self.pronoun_speaker_accuracy,
            self.indirect.gold_quotes,
            self.indirect.predicted_quotes,
            self.indirect.gold_found,
            self.indirect_precision,
            self.indirect_recall,
            self.indirect_f1,
            self.indirect.speaker_correct,
            self.indirect.speaker_scored,
            self.indirect_speaker_accuracy,
        )
    }
}

/// docsift's quotes of a text, as the service finds them: the direct ones
/// and the indirect ones.
pub fn predict(text: &str) -> (Vec<Predicted>, Vec<Predicted>) {
    let mut features = Features::none();
    features.entities = true;
    features.quotes = true;
    let a = analysis::analyze(&Input {
        text,
        title: None,
        language_hint: Some("en"),
        reference_date: chrono::NaiveDate::from_ymd_opt(2016, 9, 1).unwrap_or_default(),
        features,
        summary_sentences: 0,
    });
    let (direct, other): (Vec<_>, Vec<_>) = a
        .quotes
        .iter()
        .filter(|q| matches!(q.kind, QuoteKind::Direct | QuoteKind::Indirect))
        .partition(|q| q.kind == QuoteKind::Direct);
    let convert = |q: &analysis::Quote| {
        let entity = q
            .speaker_entity_id
            .as_deref()
            .and_then(|id| a.entities.iter().find(|e| e.id == id));
        Predicted {
            span: q.span.start..q.span.end,
            speaker: q.speaker.clone(),
            speaker_mentions: entity
                .map(|e| {
                    e.mentions
                        .iter()
                        .map(|m| m.span.start..m.span.end)
                        .collect()
                })
                .unwrap_or_default(),
        }
    };
    (
        direct.into_iter().map(convert).collect(),
        other.into_iter().map(convert).collect(),
    )
}

/// What `--explain` prints for one document: docsift's quotes no gold quote
/// overlaps (FP; `FP (mixed)` when most of one lies in the quoted words of
/// a mixed Content, which the second precision sets aside), gold quotes none of docsift's overlaps (FN), and found
/// quotes whose speaker is wrong (SPEAKER), each line opened by `prefix`.
pub fn explanation(
    prefix: &str,
    name: &str,
    text: &str,
    gold: &[GoldQuote],
    named: &[(usize, String)],
    mixed: &[Range<usize>],
    predicted: &[Predicted],
) -> String {
    let snippet = |r: &Range<usize>| {
        let s = text.get(r.clone()).unwrap_or_default();
        let mut end = s.len().min(90);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s[..end].replace('\n', " ")
    };
    let mut out = String::new();
    for p in predicted {
        if gold
            .iter()
            .all(|g| overlap(&g.content, std::slice::from_ref(&p.span)) == 0)
        {
            let in_mixed = 2 * overlap(mixed, std::slice::from_ref(&p.span)) > p.span.len();
            out.push_str(&format!(
                "{prefix}FP{} {name} @{} ({} bytes, speaker {:?}): {}\n",
                if in_mixed { " (mixed)" } else { "" },
                p.span.start,
                p.span.len(),
                p.speaker,
                snippet(&p.span)
            ));
        }
    }
    for (g, j) in gold.iter().zip(judge(gold, named, predicted)) {
        let first = g.content.first().cloned().unwrap_or_default();
        match j.verdict {
            None => out.push_str(&format!(
                "{prefix}FN {name} @{}: {}\n",
                first.start,
                snippet(&first)
            )),
            Some(Some(v)) if !v.correct => {
                let ours = j.paired.map(|p| p.speaker.as_str()).unwrap_or_default();
                let (source, refers) = g
                    .source
                    .as_ref()
                    .map(|(r, s)| {
                        let to = referent(named, r, s).filter(|to| to != s);
                        (s.as_str(), to.map(|to| format!(" (= {to:?})")))
                    })
                    .unwrap_or_default();
                let refers = refers.unwrap_or_default();
                out.push_str(&format!(
                    "{prefix}SPEAKER {name} @{}: gold {source:?}{refers} ours {ours:?}: {}\n",
                    first.start,
                    snippet(&first)
                ));
            }
            _ => {}
        }
    }
    out
}

/// Scores every article of a PolNeAR directory (`text/NAME.txt` with
/// `attributions/NAME_ANNOTATOR.ann`). An article annotated more than once
/// is scored against its first annotation file in name order.
pub fn evaluate(dir: &Path, explain: bool) -> std::io::Result<Report> {
    let mut anns: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("attributions"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ann"))
        .collect();
    anns.sort();
    let mut seen = std::collections::HashSet::new();
    let mut totals = Totals::default();
    let mut indirect = Totals::default();
    let mut documents = 0;
    for ann_path in anns {
        let Some(stem) = ann_path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let Some((name, _annotator)) = stem.rsplit_once('_') else {
            continue;
        };
        if !seen.insert(name.to_string()) {
            continue;
        }
        let text_path = dir.join("text").join(format!("{name}.txt"));
        let Ok(text) = std::fs::read_to_string(&text_path) else {
            continue;
        };
        let ann = std::fs::read_to_string(&ann_path)?;
        let events = brat::parse(&ann, &text);
        // Quotation marks found on the text with typewriter marks (`''`)
        // written as `"`: same offsets.
        let marks = analysis::quotes::typewriter_marks(&text);
        let gold = gold_quotes(&marks, &events);
        let named = named_sources(&text, &events);
        let mixed = mixed_quoted(&marks, &events);
        let (predicted, reported) = predict(&text);
        let gold_reported = gold_indirect(&marks, &events);
        if explain {
            eprint!(
                "{}{}",
                explanation("", name, &text, &gold, &named, &mixed, &predicted),
                explanation(
                    "INDIRECT ",
                    name,
                    &text,
                    &gold_reported,
                    &named,
                    &[],
                    &reported
                )
            );
        }
        totals.add(&gold, &mixed, &named, &predicted);
        indirect.add(&gold_reported, &[], &named, &reported);
        documents += 1;
    }
    Ok(Report::new(
        dir.display().to_string(),
        documents,
        totals,
        indirect,
    ))
}

#[cfg(test)]
// One-range lists are what the scorer is given for single quotes.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    #[test]
    fn named_sources_come_from_every_attribution() {
        // Martha Allen's attribution is indirect; the direct quote's Source
        // is "she", which refers to her, not to the earlier quoted Mapp.
        let text =
            "\"We lost,\" Mapp said. Martha Allen criticized the law. \"It is lax,\" she said.";
        let at = |s: &str| text.find(s).unwrap_or(0);
        let ann = format!(
            "T1\tSource {} {}\tMapp\nT2\tContent {} {}\t\"We lost,\"\n\
             E1\tAttribution:T2 Content:T2 Source:T1\n\
             T3\tSource {} {}\tMartha Allen\nT4\tContent {} {}\tthe law\n\
             E2\tAttribution:T4 Content:T4 Source:T3\n\
             T5\tSource {} {}\tshe\nT6\tContent {} {}\t\"It is lax,\"\n\
             E3\tAttribution:T6 Content:T6 Source:T5\n",
            at("Mapp"),
            at("Mapp") + 4,
            0,
            10,
            at("Martha"),
            at("Martha") + 12,
            at("the law"),
            at("the law") + 7,
            at("she"),
            at("she") + 3,
            at("\"It"),
            at("\"It") + 12,
        );
        let events = brat::parse(&ann, text);
        let named = named_sources(text, &events);
        assert_eq!(
            named,
            vec![
                (at("Mapp"), "Mapp".to_string()),
                (at("Martha"), "Martha Allen".to_string())
            ]
        );
        let gold = gold_quotes(text, &events);
        assert_eq!(gold.len(), 2, "{gold:?}");
        let (range, source) = gold[1].source.clone().expect("a source");
        assert_eq!(referent(&named, &range, &source), Some("Martha Allen"));
    }

    #[test]
    fn a_cue_annotated_as_the_source_swaps_with_its_cue() {
        // `said` was annotated as the Source and `Bolton` as the Cue.
        let text = "\"We will win,\" said Bolton. \"It is over,\" he added. Reed said so.";
        let at = |s: &str| text.find(s).unwrap_or(0);
        let ann = format!(
            "T1\tContent 0 {}\t\"We will win,\"\nT2\tSource {} {}\tsaid\n\
             T3\tCue {} {}\tBolton\nE1\tAttribution:T3 Content:T1 Source:T2 Cue:T3\n\
             T4\tContent {} {}\t\"It is over,\"\nT5\tSource {} {}\the\n\
             E2\tAttribution:T4 Content:T4 Source:T5\n\
             T6\tSource {} {}\tReed\nT7\tCue {} {}\tsaid\nT8\tContent {} {}\tso\n\
             E3\tAttribution:T7 Content:T8 Source:T6 Cue:T7\n",
            at(" said"),
            at("said"),
            at("said") + 4,
            at("Bolton"),
            at("Bolton") + 6,
            at("\"It"),
            at(" he"),
            at("he "),
            at("he ") + 2,
            at("Reed"),
            at("Reed") + 4,
            at("Reed") + 5,
            at("Reed") + 9,
            at("so."),
            at("so.") + 2,
        );
        let events = brat::parse(&ann, text);
        let gold = gold_quotes(text, &events);
        assert_eq!(gold.len(), 2, "{gold:?}");
        assert_eq!(
            gold[0].source.as_ref().map(|(_, s)| s.as_str()),
            Some("Bolton")
        );
        // The pronoun refers to Bolton, not to the cue word; a Source that
        // is a name keeps its label though its Cue is `said`.
        let named = named_sources(text, &events);
        assert_eq!(
            named,
            vec![
                (at("Bolton"), "Bolton".to_string()),
                (at("Reed"), "Reed".to_string())
            ]
        );
        let (range, source) = gold[1].source.clone().expect("a source");
        assert_eq!(referent(&named, &range, &source), Some("Bolton"));
    }

    #[test]
    fn direct_and_indirect_contents() {
        let text = "He said “we will win,” and added that she would “fight” on.";
        let direct = text.find('“').unwrap_or(0)..text.find("and").unwrap_or(0) - 1;
        assert!(is_direct(text, std::slice::from_ref(&direct)));
        let mixed = text.find("she").unwrap_or(0)..text.len() - 4;
        assert!(!is_direct(text, &[mixed]));
        // Marks just outside the annotated words count too.
        let inner = text.find("we").unwrap_or(0)..text.find(',').unwrap_or(0);
        assert!(is_direct(text, std::slice::from_ref(&inner)));
        assert_eq!(
            &text[trim_marks(text, &direct)],
            "we will win,",
            "marks and spaces are trimmed, inner punctuation kept"
        );
    }

    #[test]
    fn quoted_transcript_turns_are_direct() {
        // Each turn of a quoted transcript opens with a mark before its
        // label and runs on to the next turn's mark (no closing mark).
        let text = "Partial transcript:\n\n\"WALLACE: Why would Trump do that?\n\n\"PENCE: Well, look, it’s serious.\n\n\"PENCE said: Well.\n\n\"Mr. Pence: Yes.\n\n\"";
        let turn = |from: &str, to: &str| {
            let start = text.find(from).unwrap_or(0);
            start..start + text[start..].find(to).unwrap_or(0) + to.len()
        };
        assert!(is_direct(text, &[turn("Why", "that?")]));
        assert!(is_direct(text, &[turn("Well, look", "serious.")]));
        // A label is a name in capitals and its colon, nothing else.
        assert!(!is_direct(text, &[turn("Well.", "Well.")]));
        assert!(!is_direct(text, &[turn("Yes.", "Yes.")]));
        // Without the mark before the label, no quotation is open.
        let bare = "WALLACE: Why would Trump do that?\n\n\"PENCE: Well.";
        assert!(!is_direct(bare, &[9..33]));
    }

    #[test]
    fn quoted_words_of_mixed_contents_are_set_aside() {
        // One Content holds the writer's words and two quotes; another is
        // a whole direct quote.
        let text = "In May, \"we won,\" Ames said. \"They lost\" and left. \"Yes, we did.\"";
        let mixed = 0..text.find(" and").unwrap_or(0) + 9;
        let direct = text.rfind("\"Yes").unwrap_or(0)..text.len();
        let ann = format!(
            "T1\tContent {} {}\tx\nE1\tAttribution:T1 Content:T1\n\
             T2\tContent {} {}\ty\nE2\tAttribution:T2 Content:T2\n",
            mixed.start, mixed.end, direct.start, direct.end
        );
        let events = brat::parse(&ann, text);
        let aside: Vec<&str> = mixed_quoted(text, &events)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(aside, vec!["we won,", "They lost"]);
        let gold = gold_quotes(text, &events);
        assert_eq!(gold.len(), 1);
        let at = |s: &str| text.find(s).unwrap_or(0);
        let predicted: Vec<Predicted> = [
            at("we won")..at("we won") + 6,
            at("They")..at("They") + 9,
            at("Ames")..at("Ames") + 4,
            gold[0].content[0].clone(),
        ]
        .into_iter()
        .map(|span| Predicted {
            span,
            ..Predicted::default()
        })
        .collect();
        let mut t = Totals::default();
        t.add(&gold, &mixed_quoted(text, &events), &[], &predicted);
        assert_eq!(
            t.aside_bytes, 15,
            "the quoted words, not the speaker's name"
        );
        let r = Report::new(String::new(), 1, t.clone(), Totals::default());
        assert!(r.content_precision < r.content_precision_aside);
        assert_eq!(
            r.content_precision_aside,
            ratio(t.overlap_bytes, t.predicted_bytes - 15)
        );
    }

    #[test]
    fn overlap_counts_each_byte_once() {
        assert_eq!(covered(&[0..10, 5..15, 20..25]), 20);
        assert_eq!(overlap(&[0..10, 20..30], &[5..25]), 10);
        assert_eq!(overlap(&[0..10], &[10..20]), 0);
    }

    #[test]
    fn speaker_rules() {
        assert!(name_matches("Donald Trump", "Mr. Trump"));
        assert!(name_matches(
            "Trump",
            "Donald Trump’s campaign manager, Trump"
        ));
        assert!(!name_matches("Hillary Clinton", "Sanders"));
        assert!(!name_matches("", "Sanders"));
        // A name written family name first.
        assert!(name_matches("Ban Ki-moon", "Ban"));
        assert!(name_matches("Ban Ki-moon", "Secretary-General Ban Ki-moon"));
        assert!(!name_matches("Ban Ki-moon", "Moon Jae-in"));
        assert!(!name_matches("Jean-Claude Juncker", "Jean"));
        assert!(is_pronoun("He"));
        assert!(is_pronoun("his"));
        assert!(!is_pronoun("Henry"));
        assert!(is_plural("Some Republicans"));
        assert!(is_plural("several Cruz associates"));
        assert!(!is_plural("Bernie Sanders"));
        assert!(!is_plural("the senator’s"));
        assert!(!is_plural("the campus"));
        // "he" passes the plural Source over; "they" does not.
        let named = vec![(0, "Tom Ames".to_string()), (20, "Some aides".to_string())];
        assert_eq!(referent(&named, &(40..42), "he"), Some("Tom Ames"));
        assert_eq!(referent(&named, &(40..44), "they"), Some("Some aides"));
        // "she" passes a man's name over.
        let named = vec![(0, "Ann Ames".to_string()), (20, "John Price".to_string())];
        assert_eq!(referent(&named, &(40..43), "she"), Some("Ann Ames"));
        assert_eq!(referent(&named, &(40..42), "he"), Some("John Price"));
        // A description of a person refers back to the person named before.
        assert!(is_person_description("the former president"));
        assert!(is_person_description("The Florida senator’s"));
        assert!(is_person_description("the front-runner"));
        assert!(!is_person_description("the Washington Post"));
        assert!(!is_person_description("Senator Ames"));
        let named = vec![
            (0, "Ann Ames".to_string()),
            (20, "the Ohio senator".to_string()),
        ];
        assert_eq!(described(&named, 20, "the Ohio senator"), Some("Ann Ames"));
        assert_eq!(described(&named, 20, "the ad"), None);
    }

    #[test]
    fn totals_pair_quotes_and_resolve_pronouns() {
        let gold = vec![
            GoldQuote {
                content: vec![0..20],
                source: Some((25..37, "Bernie Sanders".into())),
            },
            GoldQuote {
                content: vec![50..70],
                source: Some((75..77, "he".into())),
            },
            GoldQuote {
                content: vec![100..120],
                source: Some((125..130, "Clinton".into())),
            },
            GoldQuote {
                content: vec![150..160],
                source: None,
            },
        ];
        let predicted = vec![
            Predicted {
                span: 0..20,
                speaker: "Sanders".into(),
                speaker_mentions: vec![],
            },
            Predicted {
                span: 55..70,
                speaker: "Bernie Sanders".into(),
                speaker_mentions: vec![],
            },
            Predicted {
                span: 100..110,
                speaker: "Trump".into(),
                speaker_mentions: vec![],
            },
            Predicted {
                span: 180..190,
                speaker: String::new(),
                speaker_mentions: vec![],
            },
        ];
        // The named Sources of all attributions: an indirect one ("John
        // Kasich", at 40) sits between Sanders and the "he" at 75, so the
        // pronoun refers to him, and "Bernie Sanders" is wrong for it.
        let named_direct: Vec<(usize, String)> =
            vec![(25, "Bernie Sanders".into()), (125, "Clinton".into())];
        let mut with_indirect = named_direct.clone();
        with_indirect.insert(1, (40, "John Kasich".into()));
        // A woman's name in its place is passed over by "he".
        let mut with_woman = named_direct.clone();
        with_woman.insert(1, (40, "Hillary Clinton".into()));
        let mut w = Totals::default();
        w.add(&gold, &[], &with_woman, &predicted);
        assert_eq!((w.pronoun_scored, w.pronoun_correct), (1, 1));
        let mut u = Totals::default();
        u.add(&gold, &[], &with_indirect, &predicted);
        assert_eq!((u.pronoun_scored, u.pronoun_correct), (1, 0));
        let mut t = Totals::default();
        t.add(&gold, &[], &named_direct, &predicted);
        assert_eq!(t.gold_found, 3);
        assert_eq!(t.speaker_scored, 3);
        assert_eq!(t.speaker_correct, 2, "{t:?}");
        assert_eq!((t.pronoun_scored, t.pronoun_correct), (1, 1));
        assert_eq!(t.gold_bytes, 70);
        assert_eq!(t.predicted_bytes, 55);
        assert_eq!(t.overlap_bytes, 45);
    }
}
