//! Quotes and their speakers.
//!
//! Direct quotes are text between straight (`"…"`), curly (`“…”`), French
//! (`«…»`), German (`„…“`) or typewriter (`''…''`, ``` ``…'' ```: see
//! [`typewriter_marks`]) quotation marks, of at least three words (or
//! fewer when a speaker and cue follow: `"It's fine," Trump said`). Mixed
//! marks pair (`"…”`), and a left mark right after closing punctuation is a
//! mistyped right one (`“…,“ said Noble`). A quote left open at the end of a
//! paragraph runs to the paragraph's end (the news convention for a quote
//! that continues in the next paragraph). The attribution is looked for
//! right after the quote (`"…," Rhodes said`, `"…," said Rhodes`, `"…," he
//! told reporters`, `"…," said an Iowa Democrat`, `"…," Bill Clinton has
//! said`, `according to X`), right before it (`Rhodes said: "…"`, `The ad
//! says "…"`), in the paragraph before when that one ends in a colon, else
//! in the subject of the sentence that introduces the quote with a colon or
//! an `-ing` cue (`Clinton has since apologized: "…"`, `Sanders …, saying,
//! "…"`), and else in a short paragraph after it that names someone after a
//! dash (`- Bernie Sanders.`) or after a dash closing the line the quote
//! fills (`"…" ― Sonya Herridge`). A lower-case quote that carries on the
//! writer's clause with no cue (`Specifically, "that the …"`) is partial. A
//! pronoun speaker ("he said") is the nearest fitting person before it: in
//! the nearest earlier sentence naming one whose gender does not clash, the
//! subject of a speech cue (`…, Henson said.`, even a name the entity stage
//! left untagged), else the first named (else the last speaker named); a speaker given as a noun phrase ("the group", "a former
//! official") is given as written. A quote
//! without attribution inherits the speaker of the previous quote when
//! that one is in the same or the immediately preceding paragraph. Quotes
//! carried by CMS shortcodes (a `…-quote="…"` attribute with `author="…"`)
//! are reported too. Reported speech in a writer's sentence without
//! quotation marks is an INDIRECT quote: the speaker and cue first
//! (`Rhodes said (on Tuesday) (that) …`, `Warren, a Democrat, told reporters
//! …`), closing the sentence (`…, the fund said in its report.`, `…, said
//! Rhodes.`) or `According to X, …` / `…, according to X.`; without `that`
//! the words after the cue must read as a clause (a subject pronoun, or a
//! finite verb: `said the plan would fail`, not `claimed the prize`). A
//! pronoun speaker is resolved as for direct quotes.

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::sync::LazyLock;

use regex::Regex;

use super::cleanup::Shortcode;
use super::entities::{person_named, title_case};
use super::gazetteer;
use super::segment::{Tok, single_spaced};
use super::{Entity, EntityType, Quote, QuoteKind, Span};

/// A regex compiled twice: as written, and with its Unicode letter classes
/// and word boundaries narrowed to ASCII (`\p{Lu}` to `[A-Z]`, `\p{Ll}` to
/// `[a-z]`, `\p{L}` to `[A-Za-z]`, `\b` to `(?-u:\b)`). On an ASCII haystack
/// the two match exactly the same (no other character of those classes is
/// ASCII), but the narrow one's automata are far smaller: the reverse search
/// of [`BEFORE`] built lazy DFA states of about 15,000 instructions each
/// over the Unicode classes.
pub(crate) struct Dual {
    unicode: Regex,
    ascii: Regex,
}

impl Dual {
    fn new(pattern: &str) -> Dual {
        Dual {
            unicode: Regex::new(pattern).expect("static regex"),
            ascii: Regex::new(&ascii_pattern(pattern)).expect("static regex"),
        }
    }

    fn pick(&self, haystack: &str) -> &Regex {
        if haystack.is_ascii() {
            &self.ascii
        } else {
            &self.unicode
        }
    }

    fn is_match(&self, haystack: &str) -> bool {
        self.pick(haystack).is_match(haystack)
    }

    fn find<'h>(&self, haystack: &'h str) -> Option<regex::Match<'h>> {
        self.pick(haystack).find(haystack)
    }

    fn captures<'h>(&self, haystack: &'h str) -> Option<regex::Captures<'h>> {
        self.pick(haystack).captures(haystack)
    }

    fn captures_at<'h>(&self, haystack: &'h str, start: usize) -> Option<regex::Captures<'h>> {
        self.pick(haystack).captures_at(haystack, start)
    }

    fn captures_iter<'r, 'h>(&'r self, haystack: &'h str) -> regex::CaptureMatches<'r, 'h> {
        self.pick(haystack).captures_iter(haystack)
    }
}

/// The ASCII narrowing of a pattern (see [`Dual`]): besides the letter
/// classes, `\s` becomes `[[:space:]]`, `[ \t\xA0]` becomes `[ \t]` and
/// each negated class `[^…]` (none of which holds a bracket) is cut to
/// ASCII. A negated class matches any other character, which the NFA
/// spells out as UTF-8 sequences: [`TAG`]'s thirty copies of `[^()\n]`
/// took 260 of the 941 states of [`REPORTED_LEAD`]'s NFA; narrowed, the
/// sixteen attribution patterns' NFAs hold 14,309 states, not 22,505
/// (fewer for the lazy DFA's state sets and the backtracker's bits).
fn ascii_pattern(pattern: &str) -> String {
    let narrow = pattern
        .replace(r"\p{Lu}", "[A-Z]")
        .replace(r"\p{Ll}", "[a-z]")
        .replace(r"\p{L}", "[A-Za-z]")
        .replace(r"\b", r"(?-u:\b)")
        .replace(r"\s", "[[:space:]]")
        .replace(r"[ \t\xA0]", r"[ \t]");
    let mut out = String::with_capacity(narrow.len() + 64);
    let mut rest = narrow.as_str();
    while let Some(open) = rest.find("[^") {
        let Some(close) = rest[open..].find(']').map(|k| open + k) else {
            break;
        };
        out.push_str(&rest[..open]);
        out.push_str(r"[\x00-\x7F&&");
        out.push_str(&rest[open..=close]);
        out.push(']');
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The fewest words a quote must have; shorter ones are scare quotes or titles.
const MIN_WORDS: usize = 3;

const VERBS: &str = "said|says|say|told|tells|added|adds|stated|states|explained|explains|noted|notes|asked|asks|wrote|writes|warned|warns|insisted|insists|argued|argues|claimed|claims|announced|declared|replied|responded|continued|stressed|tweeted|recalled|acknowledged|admitted|cautioned|urged|concluded|remarked|quipped|joked|countered|conceded|predicted|suggested|observed|mused|recounted|emphasized|emphasised|exclaimed|complained|boasted|vowed|promised|lamented|charged|contended|maintained|testified|posted|agreed|shouted|yelled|chanted|answered|answers|shot back|echoed|echoes|interjected|confessed|wondered|commented|reiterated|continues|responds|replies|concludes|recalls|reported|reports|reads|pointed out|went on|goes on|wrote in|told reporters|fumed|pressed|reacted|assured|demurred|snapped|retorted|scoffed|asserted|proclaimed|pleaded|bragged|touted|cracked|chided|griped|laughed|gushed|marveled|mocked|teased|thundered|barked|groused|grumbled|read|remembered|declares|a déclaré|a dit|a affirmé|a ajouté|a expliqué|a souligné|a indiqué|a assuré|a estimé|a précisé|déclare|affirme|explique|souligne|estime|write|opined|surmised|exhorted|beamed|sniped|scolded|fired back|wrote back|texted|emailed|hat gesagt|sagte|erklärte|betonte|dijo|afirmó|declaró|explicó|añadió|elaborated|elaborates|demanded|demands|repeated|repeats|questioned|agrees|admits|acknowledges|jokes|quips|boasts|counters|observes|suggests|predicts|whispered|put it|puts it";
/// Auxiliaries and adverbs between a speaker and the cue: `Clinton has said`,
/// `Trump later said`. The listed words and `[a-z]{3,}ly` are two branches,
/// each with its own space: in one alternation the words are branches of
/// their own, which the backtracker that resolves a match's groups tries one
/// by one; alone in theirs they compile to one trie (captures of
/// [`REPORTED_LEAD`] on 3,000 Reuters sentences: 65 → 53 ms).
const AUX: &str = r"(?:(?:has|have|had|would|will|also|later|then|again|simply|just|once|quickly|flatly|bluntly|recently|previously|earlier|often|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)[ \t\xA0]+|[a-z]{3,}ly[ \t\xA0]+){0,2}";
const NAME: &str =
    r"(?:\p{Lu}[\p{L}'’.\-]*)(?:[ \t\xA0]+(?:\p{Lu}[\p{L}'’.\-]*|(?:de|van|von|al|bin)\b))*";
/// A party-and-state tag after a name: `Marco Rubio (R-Fla.) said`.
const TAG: &str = r"(?:[ \t\xA0]*\([^()\n]{1,30}\))?";

static AFTER_NAME_VERB: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"^[\s,]*(?:(?P<pron>[Hh]e|[Ss]he|[Tt]hey)|(?:(?:former|then|retired|[\p{{Ll}}\-]+|\p{{Lu}}[\p{{L}}.\-]*)[ \t\xA0]+){{0,4}}?(?P<name>{NAME})){TAG}(?:,[^\n]{{1,200}}?,)?[ \t\xA0]+{AUX}(?P<verb>{VERBS})\b"
    ))
});
static AFTER_VERB_NAME: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"^[\s,]*(?P<verb>{VERBS})[ \t\xA0]+(?:(?P<pron>he|she|they)|(?P<name>{NAME}))"
    ))
});
/// `"…," said former South Carolina Gov. Jim Hodges` and `"…," said an
/// Iowa Democrat`: the cue, then lowercase words, then a name or up to the
/// end of the clause. [`described_after_verb`] checks the words.
static AFTER_VERB_DESCRIBED: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"^[\s,]*(?P<verb>{VERBS})[ \t\xA0]+(?P<words>(?:[\p{{Ll}}\-’']+[ \t\xA0]+){{1,3}})(?:(?P<name>{NAME})|(?P<rest>[^,;:!?\n]{{0,60}}))"
    ))
});
static AFTER_ACCORDING: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"^[\s,]*(?P<verb>according to)[ \t\xA0]+(?P<name>{NAME})"
    ))
});
static AFTER_NOMINAL: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"^[\s,]*(?P<name>(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother|[Tt]his|[Hh]is|[Hh]er|[Tt]heir)(?:[ \t\xA0]+[\p{{L}}0-9][\p{{L}}0-9'’.\-]*){{1,8}}?)[ \t\xA0]+{AUX}(?P<verb>{VERBS})\b"
    ))
});
/// `"…," federal prosecutors wrote`, `"…," Ryan’s office said`: a noun
/// phrase without a determiner, checked by [`bare_nominal`]; a name in
/// apposition after it is the speaker (`"…," Sanders's campaign manager,
/// Jeff Weaver, said`).
static AFTER_BARE: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"^[\s,]*(?P<nom>(?:(?:\p{{Lu}}[\p{{L}}.\-]*[ \t\xA0]+){{0,3}}\p{{Lu}}[\p{{L}}.\-]*['’]s?[ \t\xA0]+)?(?:[\p{{Ll}}\-]+[ \t\xA0]+){{0,2}}?[\p{{Ll}}\-]+)(?:,[ \t\xA0]+(?P<name>{NAME}),)?[ \t\xA0]+{AUX}(?P<verb>{VERBS})\b"
    ))
});
static BEFORE: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"(?:(?P<pron>\b[Hh]e|\b[Ss]he|\b[Tt]hey)|(?P<name>{NAME}){TAG}(?:,[^\n\x22“”]{{1,120}}?,|,)?|(?P<nom>\b(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother)(?:[ \t\xA0]+[\p{{L}}0-9][\p{{L}}0-9'’.\-]*){{1,4}}?))[ \t\xA0]+{AUX}(?P<verb>{VERBS})(?:[ \t\xA0]+[\p{{L}}'’]+){{0,4}}?[ \t\xA0]*[:,][ \t\xA0]*$"
    ))
});
/// A name with a speech cue in a writer's sentence (`…, Henson said.`,
/// `Humphrey, for example, said he …`): at the sentence's start or after a
/// comma. [`pronoun_referent`] takes it as the sentence's speaker when the
/// recogniser tagged no person next to a cue there.
static CUED_NAME: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"(?:^|,[ \t\xA0]+)(?P<name>{NAME}){TAG}(?:,[^,\n]{{1,120}}?,)?[ \t\xA0]+{AUX}(?P<verb>{VERBS})\b"
    ))
});

/// The cue before its speaker, before the quote (`Said Dorothy Poynter, who
/// grew up with him, "…"`, `But, said Solovey, "…"`): at a sentence's or a
/// clause's start.
static INVERTED: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"(?:^|[.!?][\x22”’]?[ \t\xA0]+|\n|,[ \t\xA0]+)(?P<verb>(?:[Ss]aid|[Ss]ays|[Aa]dded|[Aa]sked|[Ww]rote|[Rr]ecalled|[Ee]xplained))[ \t\xA0]+(?P<name>{NAME}){TAG}(?:,[^\n\x22“”]{{1,120}}?)?[ \t\xA0]*[:,][ \t\xA0]*$"
    ))
});
/// `According to the newspaper, "…"`.
static BEFORE_ACCORDING: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"\b(?P<verb>[Aa]ccording[ \t\xA0]+to)[ \t\xA0]+(?:(?P<name>{NAME})|(?P<nom>(?:[Tt]he|[Aa]n?)(?:[ \t\xA0]+[\p{{L}}0-9][\p{{L}}0-9'’.\-]*){{1,4}}?)){TAG}[ \t\xA0]*[:,][ \t\xA0]*$"
    ))
});
/// A writer's sentence that is only a speaker and a cue (`Iowa State
/// University's Dianne Bystrom agreed.`), right before a quote with no
/// attribution of its own.
static CUE_SENTENCE: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"^[\s]*(?P<name>{NAME}){TAG}(?:,[^\n]{{1,120}}?,)?[ \t\xA0]+{AUX}(?P<verb>{VERBS}|disagreed|concurred)[ \t\xA0]*$"
    ))
});
/// A speaker and cue earlier in the quote's own sentence: `Rhodes said the
/// deal was "a historic step"`, `Rhodes called it "a historic step"`.
static LEAD: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"(?:(?P<pron>\b[Hh]e|\b[Ss]he|\b[Tt]hey)|(?P<name>{NAME})){TAG}[ \t\xA0]+{AUX}(?P<verb>{VERBS}|called|calls|described|describes)\b"
    ))
});
/// A noun phrase and a speech cue earlier in the quote's own sentence (`The
/// ad says "nothing will change …"`), when [`LEAD`] finds no speaker there.
static LEAD_NOMINAL: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"(?P<nom>\b(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother)(?:[ \t\xA0]+[\p{{L}}0-9][\p{{L}}0-9'’.\-]*){{1,4}}?)[ \t\xA0]+{AUX}(?P<verb>{VERBS})\b"
    ))
});
/// The cues of reported speech (see [`reported`]).
const REPORT_VERBS: &str = "said|says|say|told|tells|added|adds|noted|notes|argued|argues|claimed|claims|warned|warns|insisted|insists|stressed|stresses|announced|announces|acknowledged|acknowledges|explained|explains|wrote|writes|reported|reports|predicted|predicts|suggested|suggests|contended|contends|maintained|maintains|conceded|concedes|admitted|admits|testified|confirmed|confirms|estimated|estimates|emphasized|emphasizes|reiterated|reiterates|promised|promises|vowed|vows|asserted|asserts|declared|declares|revealed|reveals|recalled|recalls|complained|complains|denied|denies|agreed|agrees";
/// The pattern of a phrase the subject of reported speech may be: a
/// pronoun, a name ([`NAME`], [`TAG`]), a noun phrase a determiner opens
/// (checked by [`nominal`]), or one without a determiner whose head is a
/// plural or owned by a possessive name (`Abortion rights advocates`,
/// `Sanders's top advisers`, `Trump's campaign`: checked by
/// [`lead_bare_nominal`]), with an apposition after it.
fn report_subject() -> String {
    format!(
        r"(?:(?P<pron>[Hh]e|[Ss]he|[Tt]hey)|(?P<name>{NAME}){TAG}|(?P<nom>(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother)(?:[ \t\xA0]+[\p{{L}}0-9][\p{{L}}0-9'’.\-]*){{1,5}}?)|(?P<bare>(?:(?:\p{{Lu}}[\p{{L}}.\-]*[ \t\xA0]+){{0,3}}\p{{Lu}}[\p{{L}}.\-]*['’]s?[ \t\xA0]+)?(?:[\p{{L}}\-]+[ \t\xA0]+){{0,2}}?[\p{{Ll}}\-]+))(?P<app>,[^,\n]+?,)?"
    )
}
/// Every word of [`REPORT_VERBS`], and `according`: a sentence without
/// one holds no reported speech.
static REPORT_CUE_WORDS: LazyLock<rustc_hash::FxHashSet<&'static str>> = LazyLock::new(|| {
    REPORT_VERBS
        .split('|')
        .chain(["according", "According"])
        .collect()
});
/// Reported speech with its speaker first: `Rhodes said (on Tuesday) (that)
/// …`, `The company, which …, told reporters that …`; an opener with a
/// comma may come first (`However, …`; a longer one, `In an interview with
/// Time magazine, Khan said …`, is passed over by [`reported`], as an
/// opener of any length inside the pattern made its search 17 times slower:
/// 295 against 18 ms over 3,000 Reuters sentences).
/// The clause is read after the cue by [`reported_clause`].
static REPORTED_LEAD: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"^[ \t\xA0]*(?:\p{{Lu}}\p{{Ll}}+,[ \t\xA0]+)?{subject}[ \t\xA0]+{AUX}(?P<verb>{REPORT_VERBS})\b",
        subject = report_subject()
    ))
});
/// Reported speech with its speaker after it, closing the sentence: `The
/// plan will fail, Rhodes said (on Tuesday).`, `…, said Rhodes, a White
/// House aide.`, `…, according to the report.`
static REPORTED_TAIL: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"^,[ \t\xA0]+(?:{subject}[ \t\xA0]+{AUX}(?P<verb>said|says|added|adds|noted|notes|argued|argues|warned|warns|wrote|writes|reported|reports|explained|explains|told[ \t\xA0]+(?:reporters|him|her|them|us|me|\p{{Lu}}[\p{{L}}.\-]*(?:[ \t\xA0]+\p{{Lu}}[\p{{L}}.\-]*){{0,3}})|insisted|claimed|acknowledged|predicted|estimated|stressed|conceded|recalled)|(?P<verb2>said|says|added|according[ \t\xA0]+to)[ \t\xA0]+(?:(?P<name2>{NAME}){TAG}|(?P<nom2>(?:the|a|an)(?:[ \t\xA0]+[\p{{L}}0-9][\p{{L}}0-9'’.\-]*){{1,6}}?))(?P<app2>,[^,\n]+)?)(?:[ \t\xA0]+(?:on|in|at|during|last|this|late|early|earlier|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b(?P<set>[^,\n]*))?[ \t\xA0]*[.!?]?[ \t\xA0]*$",
        subject = report_subject()
    ))
});
/// `According to the report, …`: the speaker, then the reported clause.
static REPORTED_ACCORDING: LazyLock<Dual> = LazyLock::new(|| {
    Dual::new(&format!(
        r"^[ \t\xA0]*(?P<verb>According[ \t\xA0]+to)[ \t\xA0]+(?:(?P<name>{NAME}){TAG}|(?P<nom>(?:the|a|an)(?:[ \t\xA0]+[\p{{L}}0-9][\p{{L}}0-9'’.\-]*){{1,6}}?))[ \t\xA0]*,[ \t\xA0]+"
    ))
});

/// Every word of every cue of [`VERBS`] ("shot back" gives "shot" and
/// "back") but the particles, articles and nouns of the many-word cues
/// ("went on", "wrote in", "a déclaré", "told reporters"): a name next to
/// "in" or "a" (`a Trump event`, `Trump in Iowa`) is next to no cue, and each
/// of those cues keeps its verb.
static CUE_WORDS: LazyLock<rustc_hash::FxHashSet<&'static str>> = LazyLock::new(|| {
    VERBS
        .split(['|', ' '])
        .filter(|w| !NOT_CUE_WORDS.contains(w))
        .collect()
});

/// The words of [`VERBS`]' many-word cues that are no verb.
const NOT_CUE_WORDS: &[&str] = &["a", "on", "in", "out", "back", "hat", "reporters", "it"];

/// A quotation found between marks.
#[derive(Clone, Copy)]
struct Raw {
    /// The quoted words (trimmed).
    inner: Span,
    /// The opening mark's position.
    open: usize,
    /// Just past the closing mark (or the paragraph end when left open).
    close_end: usize,
    /// The paragraph index.
    paragraph: usize,
}

/// `text` with the typewriter's double quotation marks written as `"`: two
/// apostrophes (`''It felt right,'' he said`: the New York Times' text
/// writes every double quotation mark so, the Penn Treebank its closing
/// ones) and two backticks (the Treebank's opening mark). Each keeps its two bytes, so
/// every offset stays true: an opening mark (at the text's start or after
/// a space or an opening bracket) becomes `"` and a space, a closing one a
/// space and `"`, the spaces falling outside the quoted words once they
/// are trimmed. Three apostrophes are a single mark and a double one
/// (`the word 'old-school,'''`): the double one last when closing, first
/// when opening; a longer run is left as written. Borrowed when the text
/// has neither.
pub(crate) fn typewriter_marks(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("''") && !text.contains("``") {
        return std::borrow::Cow::Borrowed(text);
    }
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c != b'\'' && c != b'`' {
            i += 1;
            continue;
        }
        let run = b[i..].iter().take_while(|&&x| x == c).count();
        let opening = c == b'`'
            || i == 0
            || b[i - 1].is_ascii_whitespace()
            || matches!(b[i - 1], b'(' | b'[');
        // Where the double mark starts, if the run holds one.
        let at = match (run, opening) {
            (2, _) => Some(i),
            (3, true) if c == b'\'' => Some(i),
            (3, false) if c == b'\'' => Some(i + 1),
            _ => None,
        };
        if let Some(at) = at {
            let (first, second) = if opening { (b'"', b' ') } else { (b' ', b'"') };
            out[at] = first;
            out[at + 1] = second;
        }
        i += run;
    }
    // Only ASCII bytes were replaced by ASCII bytes.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| text.to_string()))
}

/// Byte ranges of paragraphs: blocks of non-blank lines.
fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    let mut offset = 0;
    for line in text.split('\n') {
        let line_start = offset;
        offset += line.len() + 1;
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push(Span::new(s, last_end));
            }
        } else {
            start.get_or_insert(line_start);
            last_end = line_start + line.len();
        }
    }
    if let Some(s) = start {
        out.push(Span::new(s, last_end));
    }
    out
}

/// Whether `c` closes a quotation opened with `open`; `before` is the
/// character before `c`. Writers mix marks (`"…”`, `“…"`), and a left mark
/// right after closing punctuation (`“…,“ said Noble`) is a mistyped right
/// one.
fn closes(open: char, c: char, before: Option<char>) -> bool {
    match open {
        '"' => c == '"' || c == '”',
        '“' => {
            c == '”'
                || c == '"'
                || (c == '“' && before.is_some_and(|b| matches!(b, ',' | '.' | '!' | '?' | '…')))
        }
        '„' => c == '“' || c == '”',
        '«' => c == '»',
        _ => false,
    }
}

fn trim_inner(text: &str, from: usize, to: usize) -> Option<Span> {
    let slice = text.get(from..to)?;
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim().trim_end_matches([',', ' ', '\t', '\n', '\r']);
    if trimmed.is_empty() {
        return None;
    }
    Some(Span::new(from + lead, from + lead + trimmed.len()))
}

/// A cue as reported: its words in lower case, one space apart ("has  Said"
/// → "has said").
fn cue_text(verb: &str) -> String {
    single_spaced(verb).to_lowercase()
}

fn word_count(text: &str, span: Span) -> usize {
    text.get(span.start..span.end).map_or(0, |s| {
        s.split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
    })
}

/// The quotations of `masked`, paragraph by paragraph (`paras`, its
/// [`paragraphs`]).
fn find_raw(masked: &str, paras: &[Span]) -> Vec<Raw> {
    let mut out = Vec::new();
    for (p, &para) in paras.iter().enumerate() {
        let Some(body) = masked.get(para.start..para.end) else {
            continue;
        };
        let mut open: Option<(usize, char, usize)> = None;
        let mut before: Option<char> = None;
        for (i, c) in body.char_indices() {
            let pos = para.start + i;
            let prev = before.replace(c);
            match open {
                Some((start, mark, open_pos)) if closes(mark, c, prev) => {
                    if let Some(inner) = trim_inner(masked, start, pos) {
                        out.push(Raw {
                            inner,
                            open: open_pos,
                            close_end: pos + c.len_utf8(),
                            paragraph: p,
                        });
                    }
                    open = None;
                }
                None if matches!(c, '"' | '“' | '„' | '«') => {
                    open = Some((pos + c.len_utf8(), c, pos))
                }
                _ => {}
            }
        }
        if let Some((start, _, open_pos)) = open
            && let Some(inner) = trim_inner(masked, start, para.end)
        {
            out.push(Raw {
                inner,
                open: open_pos,
                close_end: para.end,
                paragraph: p,
            });
        }
    }
    out.retain(|r| {
        let words = word_count(masked, r.inner);
        (words >= MIN_WORDS || (words > 0 && is_attributed_speech(masked, r)))
            && !is_title(masked, r.inner)
    });
    out
}

/// Whether a short quotation is speech all the same: its words end in a
/// comma, `!` or `?` inside the marks and a speaker and cue follow (`"It's
/// fine," Trump said`, `"Denver," he answered`).
fn is_attributed_speech(masked: &str, r: &Raw) -> bool {
    let inner = masked.get(r.inner.start..r.close_end).unwrap_or_default();
    let inner = inner.trim_end_matches(['"', '”', '“', '»', ' ']);
    if !inner.ends_with([',', '!', '?']) {
        return false;
    }
    let mut end = (r.close_end + 160).min(masked.len());
    while end > r.close_end && !masked.is_char_boundary(end) {
        end -= 1;
    }
    let after = masked.get(r.close_end..end).unwrap_or_default();
    let after = after.get(..sentence_end(after)).unwrap_or_default();
    AFTER_NAME_VERB.is_match(after) || AFTER_VERB_NAME.is_match(after)
}

/// Whether quoted words are a title ("Good Morning America", "13 Hours:
/// The Secret Soldiers of Benghazi") rather than speech: a few words, each
/// capitalised or a short function word, with no closing punctuation.
fn is_title(text: &str, span: Span) -> bool {
    const SMALL: &[&str] = &[
        "a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by", "from",
    ];
    let Some(s) = text.get(span.start..span.end) else {
        return false;
    };
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() > 8 || s.trim_end().ends_with(['.', '!', '?', ',']) {
        return false;
    }
    let mut capitalised = 0;
    for w in &words {
        let Some(first) = w.chars().find(|c| c.is_alphanumeric()) else {
            continue;
        };
        if first.is_uppercase() || first.is_numeric() {
            capitalised += 1;
        } else if !SMALL.contains(&w.to_lowercase().as_str()) {
            return false;
        }
    }
    // "I" alone or "We" alone at the start is speech, not a title.
    capitalised >= 2 && !matches!(words.first(), Some(&("I" | "We" | "You" | "It")))
}

/// The writer's words before a quote in its own sentence, within the
/// paragraph.
fn lead<'a>(masked: &'a str, raw: &Raw, para: Span) -> (usize, &'a str) {
    sentence_before(masked, para.start, raw.open)
}

/// The last sentence of `masked[from..to]` (at most 400 bytes of it) and
/// where it starts.
fn sentence_before(masked: &str, from: usize, to: usize) -> (usize, &str) {
    let mut start = to.saturating_sub(400).max(from);
    while start < to && !masked.is_char_boundary(start) {
        start += 1;
    }
    let before = masked.get(start..to).unwrap_or_default();
    let bytes = before.as_bytes();
    let mut cut = 0;
    for (i, c) in before.char_indices() {
        let ends = matches!(c, '.' | '!' | '?' | '\n')
            && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace())
            && !(c == '.' && abbreviation_before(&before[..i]));
        if ends {
            cut = i + c.len_utf8();
        } else if matches!(c, '.' | '!' | '?') {
            // A quotation that ends its sentence: `… for "being right." And
            // then Trump …`; not before a participle that carries the
            // sentence on (`… "wasn't good." Adding, "…"`).
            let rest = &before[i + c.len_utf8()..];
            let after_mark = rest.strip_prefix(['"', '”', '’']);
            let next = after_mark.map(|r| (r.len(), r.trim_start()));
            if let Some((len, next)) = next
                && len > next.len()
                && next.chars().next().is_some_and(char::is_uppercase)
                && !next.split_whitespace().next().is_some_and(|w| {
                    INTRO_PARTICIPLES.contains(&w.trim_end_matches(',').to_lowercase().as_str())
                })
            {
                cut = before.len() - len;
            }
        }
    }
    (start + cut, &before[cut..])
}

/// Whether a quote is a fragment inside the writer's sentence rather than
/// a clause of its own: words come before it in the sentence, and they do
/// not end in a colon, a comma or a cue ("said").
fn is_partial(lead: &str) -> bool {
    let lead = lead.trim_end();
    if lead.is_empty() || lead.ends_with([':', ',', '—', '–', '-']) {
        return false;
    }
    let mut words = lead.split_whitespace().rev();
    let last = words.next().unwrap_or_default();
    if gazetteer::SPEECH_VERBS.contains(&last) {
        return false;
    }
    // "told reporters", "told CNN".
    !words.next().is_some_and(|w| w == "told" || w == "tells")
}

/// Whether a quote's first letter is lower case (`"no reasonable
/// prosecutor"`, `"…that the working class"`).
fn opens_in_lower_case(inner: &str) -> bool {
    inner
        .chars()
        .find(|c| c.is_alphabetic())
        .is_some_and(char::is_lowercase)
}

/// Whether the writer's sentence runs on through a quote: its words end
/// in no punctuation and a lower-case word follows the closing mark (`Obama
/// said "it gets me mad" every time…`, `"a two-man race" between Cruz and
/// Trump`), so the quote is a fragment of that sentence. `attributed_after`
/// tells an attribution there (`"…" he said`) from a running sentence; a
/// quote the lead introduces with a colon, or with a comma and a capital
/// (`tweeted, "Thank you Ohio" on Friday`), stands as a clause all the
/// same, but not one opening in lower case after a comma (`while she had
/// been careless, "no reasonable prosecutor" would bring the case`).
fn runs_on(masked: &str, raw: &Raw, lead: &str, attributed_after: bool) -> bool {
    let Some(inner) = masked.get(raw.inner.start..raw.close_end) else {
        return false;
    };
    let lead = lead.trim_end();
    if attributed_after
        || lead.ends_with([':', '—', '–'])
        || (lead.ends_with(',') && !opens_in_lower_case(inner))
    {
        return false;
    }
    let words = inner.trim_end_matches(['"', '”', '“', '»', ' ', '\u{a0}']);
    if words.len() == inner.len()
        || words.ends_with(['.', ',', '!', '?', ';', ':', '…', '—', '–', '-'])
    {
        // Left open at the paragraph end, or closed by punctuation.
        return false;
    }
    let after = masked.get(raw.close_end..).unwrap_or_default();
    let after = after.trim_start_matches([' ', '\u{a0}']);
    after.chars().next().is_some_and(char::is_lowercase)
}

/// Words that, in the writer's words before a quote, introduce it as
/// someone's words though no speech verb does (`according to`, `in her
/// words`, `as he puts it`).
const INTRO_WORDS: &[&str] = &["according", "words", "puts", "put"];

/// Whether a quote carries on a clause of the writer's: its first word is
/// lower case, writer's words come before it in its sentence and none of
/// them is a speech cue (`Specifically, "that the white working class …"`,
/// `the governor's resignation because she believed "we need to focus …"`),
/// and no attribution follows it (`Yet, "it is hard …," added Zarate` is
/// the speaker's clause, its opening words left out). Such a quote is the
/// writer's sentence quoting words, not a clause of the speaker's.
fn continues_clause(masked: &str, raw: &Raw, lead: &str, attributed_after: bool) -> bool {
    if attributed_after {
        return false;
    }
    let Some(inner) = masked.get(raw.inner.start..raw.close_end) else {
        return false;
    };
    let words = inner.trim_end_matches(['"', '”', '“', '»', ' ', '\u{a0}']);
    if words.ends_with(',') || !opens_in_lower_case(inner) {
        return false;
    }
    let mut any = false;
    for w in lead.split_whitespace() {
        let bare = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        if bare.is_empty() {
            continue;
        }
        any = true;
        if CUE_WORDS.contains(bare.as_str())
            || gazetteer::SPEECH_VERBS.contains(&bare.as_str())
            || INTRO_PARTICIPLES.contains(&bare.as_str())
            || INTRO_WORDS.contains(&bare.as_str())
        {
            return false;
        }
    }
    any
}

/// A speaker named in a short paragraph of its own right after a quote
/// that fills its paragraph, after a dash (`"…"` then `- Bernie Sanders.`
/// or `-Michelle Marks, Philadelphia.`): the fact-check and round-up
/// style. The name is capitalised words up to a comma, a full stop or the
/// paragraph's end.
fn dash_attribution(
    masked: &str,
    raw: &Raw,
    para: Span,
    next: Option<Span>,
) -> Option<Attribution> {
    let next = next?;
    let fills = masked
        .get(para.start..raw.open)
        .is_some_and(|s| s.trim().is_empty())
        && masked
            .get(raw.close_end..para.end)
            .is_some_and(|s| s.trim().is_empty());
    let body = masked.get(next.start..next.end)?;
    if !fills || body.len() > 120 {
        return None;
    }
    dash_name(next.start, body)
}

/// The dashes that set off an attribution (hyphen, en and em dashes, the
/// quotation dash `―`).
const ATTRIBUTION_DASHES: [char; 4] = ['-', '–', '—', '―'];

/// The speaker of `body` (which starts at `base`): one dash or more, then
/// capitalised words up to a comma, a full stop or the end.
fn dash_name(base: usize, body: &str) -> Option<Attribution> {
    let rest = body.trim_start_matches(ATTRIBUTION_DASHES);
    if rest.len() == body.len() {
        return None;
    }
    let rest = rest.trim_start_matches([' ', '\t', '\u{a0}']);
    let start = base + body.len() - rest.len();
    let mut len = 0;
    for w in rest.split([' ', '\u{a0}']) {
        // Where the word starts in `rest` (a separator is 1 or 2 bytes).
        let at = w.as_ptr() as usize - rest.as_ptr() as usize;
        let bare = w.trim_end_matches([',', '.']);
        if bare.is_empty() || !bare.starts_with(char::is_uppercase) {
            return None;
        }
        len = at + bare.len();
        if bare.len() < w.len() || at + w.len() >= rest.len() {
            break;
        }
    }
    if len == 0 || OPENERS.contains(&rest.get(..len)?) {
        return None;
    }
    let span = Span::new(start, start + len);
    Some(Attribution {
        name: Some(span),
        pronoun: false,
        gender: None,
        cue: String::new(),
        span,
    })
}

/// A speaker named after a dash on the line a quote fills (`"…" ― Sonya
/// Herridge`, `“…”― Carla Sanchez.`): the round-up and epigraph style,
/// one quote a line.
fn line_dash_attribution(masked: &str, raw: &Raw) -> Option<Attribution> {
    let line_start = masked.get(..raw.open)?.rfind('\n').map_or(0, |i| i + 1);
    if !masked.get(line_start..raw.open)?.trim().is_empty() {
        return None;
    }
    let after = masked.get(raw.close_end..)?;
    let tail = &after[..after.find('\n').unwrap_or(after.len())];
    let body = tail.trim_start_matches([' ', '\t', '\u{a0}']);
    let end = body.trim_end();
    if end.len() > 80 {
        return None;
    }
    dash_name(raw.close_end + tail.len() - body.len(), end)
}

/// Whether a cue found in a quote's lead is one: "goes on" and "went on"
/// speak only before a comma, a colon, "to" or the quote itself (`he went
/// on: "…"`, `goes on to say`), not in `once the Senate goes on recess,
/// "…"`.
fn speaks_on(lead: &str, caps: &regex::Captures<'_>) -> bool {
    let Some(verb) = caps.name("verb") else {
        return false;
    };
    if !matches!(verb.as_str(), "goes on" | "went on") {
        return true;
    }
    let after = lead[verb.end()..].trim_start();
    after.is_empty() || after.starts_with([',', ':', '"', '“', '—']) || after.starts_with("to ")
}

/// A found attribution.
struct Attribution {
    name: Option<Span>,
    pronoun: bool,
    /// What the pronoun asks of its referent, when the speaker is one.
    gender: Option<Gender>,
    cue: String,
    span: Span,
}

fn attribution_from(caps: &regex::Captures<'_>, base: usize) -> Option<Attribution> {
    let verb = caps.name("verb")?;
    // A determiner's noun phrase (`the email said, "…"`) names a speaker
    // only without a clause inside.
    let nom = caps.name("nom");
    if nom.is_some_and(|m| !nominal(m.as_str())) {
        return None;
    }
    // One without a determiner (the reported-speech patterns' `bare`).
    let bare = caps.name("bare");
    if bare.is_some_and(|m| !lead_bare_nominal(m.as_str())) {
        return None;
    }
    let nom = nom.or(bare);
    let name = caps.name("name").or(nom);
    let who = name.or_else(|| caps.name("pron"));
    let name = name.map(|m| {
        let end = m.start() + description_len(m.as_str());
        // An opener the capitalised run swallowed (`As Vulture put it`).
        let mut start = m.start();
        let mut rest = m.as_str();
        while let Some((w, tail)) = rest.split_once([' ', '\t', '\u{a0}']) {
            if !(w == "As" || OPENERS.contains(&w)) || tail.trim().is_empty() {
                break;
            }
            start += rest.len() - tail.len();
            rest = tail;
        }
        Span::new(base + start.min(end), base + end)
    });
    let pronoun = caps.name("pron").is_some();
    let gender = caps.name("pron").and_then(|p| pronoun_gender(p.as_str()));
    let (start, end) = match who {
        Some(w) => (w.start().min(verb.start()), w.end().max(verb.end())),
        None => (verb.start(), verb.end()),
    };
    Some(Attribution {
        name,
        pronoun,
        gender,
        cue: cue_text(verb.as_str()),
        span: Span::new(base + start, base + end),
    })
}

/// Words that end a described speaker before the cue: where or when the
/// words were said is no part of who said them (`"…," a staffer in the
/// room said`, `the mayor at a rally Tuesday`).
const SETTING_WORDS: &[&str] = &[
    "in", "at", "on", "during", "outside", "inside", "near", "after", "before", "while",
];

/// The length of a speaker's words less a setting after a described
/// speaker (see [`SETTING_WORDS`]): a phrase a determiner opens (`a
/// Democratic staffer in the room`) is cut before the first such word; a
/// name is kept whole.
fn description_len(phrase: &str) -> usize {
    let mut words = phrase
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - phrase.as_ptr() as usize, w));
    let determiner = words.next().is_some_and(|(_, w)| {
        matches!(
            w,
            "the" | "The" | "a" | "A" | "an" | "An" | "one" | "One" | "another" | "Another"
        )
    });
    if !determiner {
        return phrase.len();
    }
    words
        .find(|(_, w)| SETTING_WORDS.contains(w))
        .map_or(phrase.len(), |(at, _)| phrase[..at].trim_end().len())
}

/// Whether words a determiner opens can name a speaker (`one Trump
/// campaign source`, `the paper's editorial board`): no clause inside
/// (`The Buckeye State is one of 45 states`).
fn nominal(phrase: &str) -> bool {
    nominal_with(phrase, false)
}

/// [`nominal`], letting `and` join two descriptions when the phrase stands
/// between a quote and its cue (`"…," the Florida senator and presidential
/// candidate said`).
fn nominal_with(phrase: &str, and: bool) -> bool {
    const CLAUSE: &[&str] = &[
        "is", "was", "are", "were", "be", "been", "being", "and", "but", "or", "who", "which",
        "that", "when", "where", "if", "because", "while", "as", "than", "he", "she", "they", "it",
        "we", "i", "goes", "went", "go", "to", "then", "also",
    ];
    let words: Vec<&str> = phrase.split_whitespace().collect();
    // Nor a sentence's end inside: `the time. But he`.
    let sentence_end = words.windows(2).any(|p| {
        p[0].ends_with(['.', '!', '?'])
            && p[0].chars().next().is_some_and(char::is_lowercase)
            && p[1].chars().next().is_some_and(char::is_uppercase)
    });
    !sentence_end
        && !words.iter().any(|w| {
            let w = w.to_lowercase();
            CLAUSE.contains(&w.as_str()) && !(and && w == "and")
        })
}

/// Whether a noun phrase without a determiner that opens a sentence or
/// follows its comma before a cue of reported speech ([`report_subject`]'s
/// `bare`) names a speaker: a name's possessive owns its head (`Trump's
/// campaign`) or the head is a plural (`Abortion rights advocates`,
/// `several Clinton supporters`), its first word no pronoun, preposition or
/// conjunction (`In Ohio`, `But officials`), and no clause inside.
fn lead_bare_nominal(phrase: &str) -> bool {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let Some((&head, owners)) = words.split_last() else {
        return false;
    };
    let possessive = owners
        .iter()
        .any(|w| w.ends_with("'s") || w.ends_with("’s") || w.ends_with("s'") || w.ends_with("s’"));
    let first = words.first().map(|w| w.to_lowercase()).unwrap_or_default();
    (possessive || plural_head(head))
        && !PREPOSITIONS.contains(&first.as_str())
        && !NOT_SPEAKERS.iter().any(|n| n.eq_ignore_ascii_case(&first))
        && !matches!(
            first.as_str(),
            "and" | "but" | "or" | "so" | "yet" | "if" | "when"
        )
        && nominal(phrase)
}

/// Whether a noun phrase without a determiner before a cue ([`AFTER_BARE`])
/// names a speaker: a possessive name and the words it owns (`Ryan’s
/// office`, `Clinton’s campaign`), or lower-case words whose head is a
/// plural (`federal prosecutors`, `campaign officials`); no clause inside
/// either (`as it`, `and they`).
fn bare_nominal(phrase: &str) -> bool {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    let possessive = words
        .first()
        .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
    let head = words.last().copied().unwrap_or_default();
    (possessive || plural_head(head)) && nominal(phrase)
}

/// Whether a noun phrase's last word reads as a plural (`advocates`,
/// `officials`; not `press`, `status`, `crisis`, nor a cue, `says`).
fn plural_head(head: &str) -> bool {
    head.len() > 3
        && head.ends_with('s')
        && !head.ends_with("ss")
        && !head.ends_with("us")
        && !head.ends_with("is")
        && !CUE_WORDS.contains(head)
}

/// Title abbreviations a full stop does not end a sentence after.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Gov", "Sen", "Sens", "Rep", "Reps", "Lt", "Gen", "Col", "Sgt",
    "Capt", "Cmdr", "Adm", "Maj", "St", "Jr", "Sr", "Prof", "Rev", "Hon", "Pres", "Gov", "Atty",
    "Supt", "Dept", "Corp", "Inc", "Co", "Ltd", "No", "Mt", "Ft",
];

/// Whether the word a full stop follows (the end of `text`) makes it no
/// sentence end: a title ("Gov."), an initial ("Harry M.") or a run of them
/// ("U.S.").
fn abbreviation_before(text: &str) -> bool {
    let word = text
        .rsplit(|c: char| !c.is_alphanumeric() && c != '.' && c != '-')
        .next()
        .unwrap_or_default();
    let last = word.rsplit(['.', '-']).next().unwrap_or_default();
    let initial = last.len() == 1 && last.chars().all(|c| c.is_uppercase());
    ABBREVIATIONS.contains(&last) || initial
}

/// Where the writer's sentence after a quote ends: the first `.`, `!`, `?`,
/// newline or opening quotation mark, but not the full stop of a title
/// ("Gov. Kasich replied"), an initial ("Harry M. Reid") or an
/// abbreviation inside a parenthesis or before a comma ("(D-Nev.),").
fn sentence_end(after: &str) -> usize {
    let bytes = after.as_bytes();
    for (i, c) in after.char_indices() {
        match c {
            '!' | '?' | '"' | '“' | '«' | '„' | '\n' => return i,
            '.' => {
                let next = bytes.get(i + 1).copied();
                let continues = matches!(next, Some(b',' | b')' | b';'))
                    || next.is_some_and(|b| b.is_ascii_lowercase());
                if !(abbreviation_before(&after[..i]) || continues) {
                    return i;
                }
            }
            _ => {}
        }
    }
    after.len()
}

/// Words that end a speaker's description: prepositions, relatives, times.
const NOT_DESCRIPTION: &[&str] = &[
    "in",
    "on",
    "at",
    "to",
    "with",
    "by",
    "for",
    "of",
    "from",
    "during",
    "after",
    "before",
    "about",
    "last",
    "this",
    "that",
    "who",
    "which",
    "when",
    "while",
    "as",
    "and",
    "but",
    "adding",
    "referring",
    "noting",
    "pointing",
    "speaking",
    "told",
    "said",
    "in",
    "earlier",
    "later",
    "yesterday",
    "today",
    "tonight",
    "recently",
    "afterward",
    "afterwards",
    "then",
    "again",
    "also",
    "not",
    "it",
    "so",
];

/// The speaker after the cue when words come between (`said former Gov. Jim
/// Hodges`, `said an Iowa Democrat`, `said the senator's spokesman`): a name
/// behind lowercase titles, or a noun phrase opening with a determiner, cut
/// at the first word that cannot describe a speaker.
fn described_after_verb(after: &str, base: usize) -> Option<Attribution> {
    let c = AFTER_VERB_DESCRIBED.captures(after)?;
    let verb = c.name("verb")?;
    let words = c.name("words")?;
    let mut split = words.as_str().split_whitespace();
    let first = split.next().unwrap_or_default();
    let determiner = matches!(first, "a" | "an" | "one" | "another" | "the");
    // A title before a name may hold "of" (`said master of ceremonies Asab
    // Tabchi`); a determiner's phrase is cut at such a word below (`said
    // one source who…`).
    if !determiner
        && words
            .as_str()
            .split_whitespace()
            .any(|w| w != "of" && NOT_DESCRIPTION.contains(&w))
    {
        return None;
    }
    let (start, end) = match c.name("name") {
        Some(name) if !determiner => (name.start(), name.end()),
        _ if determiner => {
            // The whole phrase, up to the first word that ends it.
            let tail = after.get(words.start()..).unwrap_or_default();
            let phrase = tail
                .find([',', ';', ':', '!', '?', '\n', '"', '“', '”'])
                .map_or(tail, |i| &tail[..i]);
            let mut len = 0;
            for (i, w) in phrase.split_inclusive([' ', '\t', '\u{a0}']).enumerate() {
                let bare = w.trim();
                if i > 0
                    && NOT_DESCRIPTION.contains(&bare)
                    && !matches!(bare, "of" | "to" | "for" | "at")
                {
                    break;
                }
                len += w.len();
            }
            let phrase = phrase.get(..len).unwrap_or_default().trim_end();
            if !(2..=12).contains(&phrase.split_whitespace().count()) {
                return None;
            }
            (words.start(), words.start() + phrase.len())
        }
        _ => return None,
    };
    Some(Attribution {
        name: Some(Span::new(base + start, base + end)),
        pronoun: false,
        gender: None,
        cue: cue_text(verb.as_str()),
        span: Span::new(base + verb.start(), base + end),
    })
}

/// The attribution next to a quote, if any. `prev` is the paragraph before
/// the quote's, which may introduce it (`Rhodes told reporters:`).
fn attribution(masked: &str, raw: &Raw, para: Span, prev: Option<Span>) -> Option<Attribution> {
    // After the quote, up to the end of its sentence.
    let limit = (raw.close_end + 160).min(para.end);
    let mut end = limit;
    while end > raw.close_end && !masked.is_char_boundary(end) {
        end -= 1;
    }
    let after_full = masked.get(raw.close_end..end).unwrap_or_default();
    let cut = sentence_end(after_full);
    let after = after_full.get(..cut).unwrap_or_default();
    // A quote closed by a full stop, then `He says not enacting laws…`: a
    // capitalised pronoun with words after its cue opens the writer's next
    // sentence rather than attributing the quote (`He said.` still does).
    let closed = masked
        .get(raw.inner.start..raw.close_end)
        .map(|s| s.trim_end_matches(['"', '”', '“', '»', ' ']))
        .is_some_and(|s| s.ends_with('.'));
    let new_sentence = |c: &regex::Captures<'_>| {
        closed
            && c.name("pron")
                .is_some_and(|p| p.as_str().starts_with(char::is_uppercase))
            && c.name("verb").is_some_and(|v| {
                after
                    .get(v.end()..)
                    .is_some_and(|t| t.split_whitespace().count() >= 2)
            })
    };
    for re in [
        &*AFTER_NAME_VERB,
        &*AFTER_VERB_NAME,
        &*AFTER_ACCORDING,
        &*AFTER_NOMINAL,
    ] {
        if let Some(c) = re.captures(after)
            && (!std::ptr::eq(re, &*AFTER_NOMINAL)
                || c.name("name")
                    .is_some_and(|m| nominal_with(m.as_str(), true)))
            && !new_sentence(&c)
            && let Some(a) = attribution_from(&c, raw.close_end)
        {
            return Some(a);
        }
    }
    if let Some(a) = described_after_verb(after, raw.close_end) {
        return Some(a);
    }
    // The writer's sentence may go on before naming the speaker: `"…" and
    // against the Brady law, Clinton said.`
    if let Some(c) = LEAD.captures(after)
        && c.name("name").is_some()
        && let Some(a) = attribution_from(&c, raw.close_end)
    {
        return Some(a);
    }
    // A noun phrase without a determiner: `"…," federal prosecutors wrote`.
    if let Some(c) = AFTER_BARE.captures(after)
        && c.name("nom").is_some_and(|m| bare_nominal(m.as_str()))
        && let Some(a) = attribution_from(&c, raw.close_end)
    {
        return Some(a);
    }
    // Before the quote, within its paragraph.
    let mut start = raw.open.saturating_sub(160).max(para.start);
    while start < raw.open && !masked.is_char_boundary(start) {
        start += 1;
    }
    let before = masked.get(start..raw.open).unwrap_or_default();
    if before.trim().is_empty()
        && let Some(prev) = prev
    {
        // A quote opening its paragraph, introduced by the paragraph before
        // ending in a colon: `Rhodes told reporters:` / `"…"`.
        let mut start = prev.end.saturating_sub(160).max(prev.start);
        while start < prev.end && !masked.is_char_boundary(start) {
            start += 1;
        }
        let before = masked.get(start..prev.end).unwrap_or_default();
        return before_attribution(before, start);
    }
    before_attribution(before, start)
}

/// An attribution ending the writer's words just before a quote, `base`
/// being where `before` starts.
fn before_attribution(before: &str, base: usize) -> Option<Attribution> {
    // BEFORE ends in a colon or comma and blanks; checking that first spares
    // its costly reverse search (~300k Ir) for most quotes.
    if !before.trim_end_matches([' ', '\t']).ends_with([':', ',']) {
        return None;
    }
    // Nor without a cue word among the last words, where BEFORE needs its
    // cue (at most four words before the colon or comma). Building the
    // lazy DFA states of its reverse search costs about a million
    // instructions a search, more than all the rest of a quote.
    const BLANKS: [char; 3] = [' ', '\t', '\u{a0}'];
    let near = before.len().saturating_sub(100);
    if before
        .get(near..)
        .is_some_and(|t| t.contains("ccording to"))
        && let Some(a) = BEFORE_ACCORDING
            .captures(before)
            .and_then(|c| attribution_from(&c, base))
    {
        return Some(a);
    }
    if [
        "aid ",
        "ays ",
        "dded ",
        "sked ",
        "rote ",
        "ecalled ",
        "xplained ",
    ]
    .iter()
    .any(|w| before.get(near..).is_some_and(|t| t.contains(w)))
        && let Some(a) = INVERTED
            .captures(before)
            .and_then(|c| attribution_from(&c, base))
    {
        return Some(a);
    }
    let tail = before
        .trim_end_matches(BLANKS)
        .trim_end_matches([':', ','])
        .trim_end_matches(BLANKS);
    if !tail
        .rsplit(BLANKS)
        .filter(|w| !w.is_empty())
        .take(6)
        .any(|w| CUE_WORDS.contains(w))
    {
        return None;
    }
    // A name after a determiner or preposition is no subject (`In a
    // statement to the Observer, her adviser, Jake Sullivan, said:`): look
    // again after it.
    let mut at = 0;
    for _ in 0..3 {
        let c = BEFORE.captures_at(before, at)?;
        if !speaks_on(before, &c) {
            at = c.get(0).map_or(before.len(), |m| m.end());
            continue;
        }
        if let Some(name) = c.name("name") {
            let object = before[..name.start()]
                .split_whitespace()
                .next_back()
                .is_some_and(|w| {
                    matches!(
                        w,
                        "the" | "to" | "in" | "with" | "of" | "for" | "at" | "by" | "from" | "on"
                    )
                });
            if object {
                at = name.end();
                continue;
            }
        }
        return attribution_from(&c, base);
    }
    None
}

/// Look-ups from positions and names to entities, built once per text so
/// that many quotes cost no more than a binary search each.
struct Index<'a> {
    entities: &'a [Entity],
    /// Every mention as (span, entity index), sorted by span; mentions never
    /// overlap, so this is also sorted by end.
    mentions: Vec<(Span, usize)>,
    /// The PERSON mentions alone, in the same order.
    persons: Vec<(Span, usize)>,
    /// `person_named` answers by name (a cell, so that lookups through a
    /// shared index are cached too).
    named: RefCell<FxHashMap<String, Option<usize>>>,
}

impl<'a> Index<'a> {
    fn new(entities: &'a [Entity]) -> Self {
        let mut mentions: Vec<(Span, usize)> = entities
            .iter()
            .enumerate()
            .flat_map(|(i, e)| e.mentions.iter().map(move |m| (m.span, i)))
            .collect();
        mentions.sort();
        let persons = mentions
            .iter()
            .copied()
            .filter(|(_, i)| {
                entities
                    .get(*i)
                    .is_some_and(|e| e.entity_type == EntityType::Person)
            })
            .collect();
        Index {
            entities,
            mentions,
            persons,
            named: RefCell::default(),
        }
    }

    /// The entity with a mention covering `span`.
    fn at(&self, span: Span) -> Option<&'a Entity> {
        let after = self
            .mentions
            .partition_point(|(s, _)| s.start <= span.start);
        let (s, i) = self.mentions.get(after.checked_sub(1)?)?;
        (s.start <= span.start && span.end <= s.end)
            .then(|| self.entities.get(*i))
            .flatten()
    }

    /// The most recent PERSON mention ending at or before `pos`.
    fn last_person_before(&self, pos: usize) -> Option<&'a Entity> {
        let n = self.persons.partition_point(|(s, _)| s.end <= pos);
        let (_, i) = self.persons.get(n.checked_sub(1)?)?;
        self.entities.get(*i)
    }

    /// The PERSON entity a name refers to, cached by name.
    fn named(&self, name: &str) -> Option<&'a Entity> {
        let entities = self.entities;
        let idx = *self
            .named
            .borrow_mut()
            .entry(name.to_string())
            .or_insert_with(|| {
                person_named(entities, name)
                    .and_then(|e| entities.iter().position(|x| std::ptr::eq(x, e)))
            });
        idx.and_then(|i| entities.get(i))
    }
}

/// A speaker's name as reported: an entity whose name swallowed a cue word
/// ("Francois Hollande Says Donald Trump" from a headline, "Blackwell
/// wrote") is named by the words before it.
fn speaker_name(name: &str) -> String {
    let mut end = name.len();
    for (i, (at, w)) in name
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - name.as_ptr() as usize, w))
        .enumerate()
    {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
        let cue = gazetteer::SPEECH_VERBS
            .iter()
            .any(|v| v.eq_ignore_ascii_case(bare))
            || (bare.len() >= 4
                && bare.chars().all(char::is_lowercase)
                && CUE_WORDS.contains(bare));
        if i > 0 && cue {
            end = at;
            break;
        }
    }
    name.get(..end).unwrap_or(name).trim_end().to_string()
}

/// Resolves an attribution to (speaker name, entity id).
fn resolve(
    text: &str,
    index: &mut Index<'_>,
    a: &Attribution,
    quote_start: usize,
) -> (String, Option<String>) {
    if a.pronoun {
        return match index.last_person_before(quote_start.min(a.span.start)) {
            Some(e) => (speaker_name(&e.name), Some(e.id.clone())),
            None => (String::new(), None),
        };
    }
    let Some(name_span) = a.name else {
        return (String::new(), None);
    };
    let name = text.get(name_span.start..name_span.end).unwrap_or_default();
    // An OTHER entity named as a speaker is a person the recogniser missed;
    // the pipeline retypes it.
    // "The International Monetary Fund": the mention may leave out "The".
    let without_the = name
        .strip_prefix("The ")
        .map(|rest| Span::new(name_span.end - rest.len(), name_span.end));
    let covering = index
        .at(name_span)
        .or_else(|| without_the.and_then(|s| index.at(s)))
        .filter(|e| {
            matches!(
                e.entity_type,
                EntityType::Person | EntityType::Organization | EntityType::Other
            )
        });
    // A noun phrase ("the former aide to President Bush") is given as
    // written: the name inside it is not the speaker.
    let determiner = name.split_whitespace().next().is_some_and(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "the" | "a" | "an" | "one" | "another" | "his" | "her" | "their" | "its"
        )
    });
    let entity = match covering {
        // "PENCE", a mention in capitals the entity stage kept apart: the
        // person of that surname, when the text names one.
        Some(e) if !e.name.chars().any(char::is_lowercase) => {
            let last_word = name.split_whitespace().last().unwrap_or(name);
            index.named(&title_case(last_word)).or(Some(e))
        }
        Some(e) => Some(e),
        None if determiner => None,
        None => {
            // The name may hold more than one mention ("Adviser Ben Rhodes");
            // its last word is the surest link.
            let last_word = name.split_whitespace().last().unwrap_or(name);
            index
                .named(name)
                .or_else(|| index.named(last_word))
                .or_else(|| {
                    // A transcript's label in capitals: "PENCE".
                    let capitals = !name.chars().any(char::is_lowercase);
                    capitals
                        .then(|| index.named(&title_case(last_word)))
                        .flatten()
                })
        }
    };
    match entity {
        Some(e) => (speaker_name(&e.name), Some(e.id.clone())),
        None if !name.chars().any(char::is_lowercase) => (title_case(name), None),
        None => (single_spaced(name), None),
    }
}

/// Labels of transcript-like lines that name no speaker.
const NOT_SPEAKER_LABELS: &[&str] = &[
    "VIDEO",
    "AUDIO",
    "UPDATE",
    "UPDATED",
    "EXCLUSIVE",
    "BREAKING",
    "WATCH",
    "LISTEN",
    "NOTE",
    "EDITOR'S NOTE",
    "EDITOR’S NOTE",
    "PHOTO",
    "PHOTOS",
    "BYLINE",
    "EMAIL",
    "LOOK",
    "BOOM",
    "BUSTED",
    "WOW",
    "READ",
    "RELATED",
    "SOURCE",
    "CORRECTION",
    "ANALYSIS",
    "OPINION",
    "LIVE",
    "POLL",
    "TRANSCRIPT",
    "CROSSTALK",
    "LAUGHTER",
    "APPLAUSE",
];

/// The speaker label opening a quoted transcript turn: a
/// [`speaker_label`] right before a colon and a space (`PENCE: Well, …`,
/// `JAKE TAPPER: …`).
fn transcript_label(masked: &str, inner: Span) -> Option<Span> {
    let body = masked.get(inner.start..inner.end)?;
    let colon = body.get(..body.len().min(40))?.find(": ")?;
    speaker_label(&body[..colon]).then(|| Span::new(inner.start, inner.start + colon))
}

/// Whether `label` names a speaker as a transcript does: one to three
/// words in capitals, at least one of two letters or more, and none of
/// [`NOT_SPEAKER_LABELS`] (`PENCE`, `JAKE TAPPER`; not `VIDEO`).
pub(crate) fn speaker_label(label: &str) -> bool {
    let words = label.split(' ').count();
    let capitals = label
        .chars()
        .all(|c| c.is_uppercase() || matches!(c, ' ' | '.' | '\'' | '’' | '-'))
        && label
            .split(' ')
            .any(|w| w.chars().filter(|c| c.is_uppercase()).count() >= 2);
    capitals && (1..=3).contains(&words) && !NOT_SPEAKER_LABELS.contains(&label)
}

/// Participles that hand the sentence over to a quote: `Sanders compared
/// himself to Clinton, saying, "…"`.
const INTRO_PARTICIPLES: &[&str] = &[
    "saying",
    "adding",
    "telling",
    "writing",
    "noting",
    "asking",
    "declaring",
    "explaining",
    "arguing",
    "insisting",
    "warning",
    "stating",
    "responding",
    "replying",
    "tweeting",
    "concluding",
    "continuing",
];

/// Auxiliaries and common verbs that end in neither `-ed` nor `-s`, for
/// telling where a subject ends.
const PLAIN_VERBS: &[&str] = &[
    "has", "had", "have", "is", "was", "were", "are", "will", "would", "can", "could", "should",
    "may", "might", "must", "did", "does", "do", "also", "then", "later", "told", "said", "went",
    "made", "took", "gave", "spoke", "wrote", "began", "came", "thought", "felt", "saw", "knew",
    "put", "got", "kept", "sent", "stood", "became", "tells", "says",
];

/// Whether a lowercase word looks like a finite verb.
fn verb_like(w: &str) -> bool {
    !w.is_empty()
        && w.chars().all(char::is_lowercase)
        && (PLAIN_VERBS.contains(&w)
            || gazetteer::SPEECH_VERBS.contains(&w)
            || (w.len() > 3 && (w.ends_with("ed") || (w.ends_with('s') && !w.ends_with("ss")))))
}

/// Words that open a sentence without being its subject.
const OPENERS: &[&str] = &[
    "But",
    "And",
    "So",
    "Then",
    "Still",
    "Yet",
    "Now",
    "Later",
    "Meanwhile",
    "Instead",
    "Separately",
    "Also",
    "Indeed",
];

/// Words that open a sentence with a setting, set off by a comma, before
/// its subject (`At Sunday's debate, Sanders …`).
const SETTING_OPENERS: &[&str] = &[
    "In",
    "At",
    "On",
    "After",
    "Before",
    "During",
    "When",
    "While",
    "As",
    "Asked",
    "Speaking",
    "Earlier",
    "Later",
    "Last",
    "Since",
    "From",
    "With",
    "Without",
    "Like",
    "Unlike",
    "According",
    "Alongside",
    "Amid",
    "Despite",
    "Following",
    "Under",
    "Among",
    "Throughout",
    "Within",
    "Regarding",
    "Responding",
    "Addressing",
    "Pressed",
];

/// Conjunctions that open a subordinate clause set off by a comma before
/// the sentence's subject.
const SUBORDINATORS: &[&str] = &[
    "although", "though", "while", "when", "as", "because", "if", "after", "before", "since",
    "once", "whereas",
];

/// Whether a sentence's first word is a participle opening a phrase set
/// off by a comma (`Filling in for Sanders at the event where Clinton and
/// O'Malley appeared, West landed …`): a capitalised `-ing` word that
/// names no entity (`Manning` does).
fn participle_opener(word: &str, index: &Index<'_>, at: usize) -> bool {
    let w = word.trim_end_matches(',');
    w.len() > 5
        && w.ends_with("ing")
        && w.chars().next().is_some_and(char::is_uppercase)
        && w.chars().skip(1).all(char::is_lowercase)
        && index.at(Span::new(at, at + w.len())).is_none()
}

/// Nouns of time: a determiner's phrase holding one and set off by a comma
/// is a setting (`The next day, her Twitter account posted: "…"`).
const TIME_NOUNS: &[&str] = &[
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "morning",
    "afternoon",
    "evening",
    "night",
    "time",
    "weekend",
    "hour",
    "hours",
];

/// The subject of the writer's sentence that introduces a quote with a colon
/// or an `-ing` cue (`Clinton has since apologized: "…"`, `The email goes on
/// to say: "…"`, `Sanders stepped up his emphasis, saying, "…"`), as an
/// attribution: a pronoun, a known mention, a capitalised name or a noun
/// phrase opening with a determiner, before the sentence's first verb.
fn lead_subject(
    masked: &str,
    index: &Index<'_>,
    lead_start: usize,
    lead: &str,
) -> Option<Attribution> {
    let trimmed = lead.trim_end();
    let mut last_words = trimmed
        .trim_end_matches([':', ',', ' '])
        .rsplit(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .take(4)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()));
    // The participle and up to three words it governs: `telling
    // Reuters,`, `telling the crowd,`, `tweeting at him,`.
    let participle = last_words.any(|w| INTRO_PARTICIPLES.contains(&w));
    if !(trimmed.ends_with(':') || (trimmed.ends_with(',') && participle)) {
        return None;
    }
    // Skip an opening phrase set off by a comma (`At Sunday's debate, …`)
    // when the sentence opens with a preposition or the like, or with a
    // subordinate clause after an opener (`And although he thanked them,
    // he …`).
    let mut opening = lead.split_whitespace();
    let first = opening.next().unwrap_or_default();
    let subordinate = OPENERS.contains(&first)
        && opening
            .next()
            .is_some_and(|w| SUBORDINATORS.contains(&w.to_lowercase().as_str()));
    let time_setting = |max_words: usize| {
        lead.find(',').is_some_and(|i| {
            let mut words = lead[..i].split_whitespace();
            words.clone().count() <= max_words
                && words.any(|w| TIME_NOUNS.contains(&w.to_lowercase().as_str()))
        })
    };
    // A short time phrase opens the sentence too (`Hours later, Trump …`).
    let slot = if SETTING_OPENERS.contains(&first.trim_end_matches(','))
        || subordinate
        || (matches!(
            first,
            "The" | "That" | "This" | "Last" | "Next" | "Earlier" | "Later"
        ) && time_setting(usize::MAX))
        || time_setting(3)
    {
        lead.find(',').map_or(0, |i| i + 1)
    } else {
        0
    };
    // Words of the slot with their offsets in `lead`, less opening
    // conjunctions and adverbs.
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut off = slot;
    for w in lead.get(slot..)?.split_inclusive(char::is_whitespace) {
        let bare = w.trim_end();
        // Openers in a row, in any case (`And then Trump …`).
        let opener = words.is_empty()
            && OPENERS
                .iter()
                .any(|o| o.eq_ignore_ascii_case(bare.trim_end_matches(',')));
        if !bare.is_empty() && !opener {
            words.push((off, bare));
        }
        off += w.len();
        if words.len() >= 14 {
            break;
        }
    }
    // The first verb ends the subject.
    let verb_at = words
        .iter()
        .position(|(_, w)| verb_like(w.trim_end_matches([',', ':'])))?;
    if verb_at == 0 {
        return None;
    }
    let (verb_off, verb) = words[verb_at];
    let verb = verb.trim_end_matches([',', ':']);
    let (subj_start, _) = words[0];
    let subj_end = {
        let (o, w) = words[verb_at - 1];
        o + w.trim_end_matches(',').len()
    };
    let abs = |o: usize| lead_start + o;
    let first = words[0].1;
    let cue = verb.to_string();
    let span = Span::new(abs(subj_start), abs(verb_off + verb.len()));
    if verb_at == 1 && matches!(first, "He" | "She" | "They" | "he" | "she" | "they") {
        return Some(Attribution {
            name: None,
            pronoun: true,
            gender: pronoun_gender(first),
            cue,
            span,
        });
    }
    // A mention opening the subject; else a run of capitalised words (a
    // single one only when it names a known entity); else a determiner's
    // noun phrase as written; else the first mention inside the subject.
    let subject = Span::new(abs(subj_start), abs(subj_end));
    let speaker_mention = |m: &(Span, usize)| {
        m.0.start >= subject.start
            && m.0.end <= subject.end
            && index.entities.get(m.1).is_some_and(|e| {
                matches!(
                    e.entity_type,
                    EntityType::Person | EntityType::Organization | EntityType::Other
                )
            })
    };
    let opening = index
        .mentions
        .iter()
        .find(|m| m.0.start == subject.start && speaker_mention(m))
        .map(|m| m.0);
    let subject_words = &words[..verb_at];
    let capitalised = subject_words
        .iter()
        .take_while(|(_, w)| w.chars().next().is_some_and(char::is_uppercase))
        .take_while(|(_, w)| !w.ends_with(','))
        .count()
        + usize::from(subject_words.first().is_some_and(|(_, w)| {
            w.ends_with(',') && w.chars().next().is_some_and(char::is_uppercase)
        }));
    let determiner = matches!(
        first.to_lowercase().as_str(),
        "the" | "a" | "an" | "one" | "another" | "his" | "her" | "their" | "its"
    );
    let phrase_end = |n: usize| {
        let (o, w) = subject_words[n - 1];
        abs(o + w.trim_end_matches(',').len())
    };
    let name = if let Some(m) = opening {
        m
    } else if capitalised >= 2 && !determiner {
        Span::new(subject.start, phrase_end(capitalised))
    } else if capitalised == 1 && !determiner {
        let word = first.trim_end_matches(',');
        let known = index
            .mentions
            .iter()
            .any(|(m, _)| masked.get(m.start..m.end) == Some(word))
            || index.entities.iter().any(|e| {
                e.entity_type == EntityType::Person
                    && e.name.split_whitespace().last() == Some(word)
            });
        if known {
            Span::new(subject.start, phrase_end(1))
        } else {
            index.mentions.iter().find(|m| speaker_mention(m))?.0
        }
    } else if determiner {
        // Cut the noun phrase at a relative, a preposition or an adverb.
        let mut n = 0;
        for (i, (_, w)) in subject_words.iter().enumerate() {
            let bare = w.trim_end_matches(',');
            // An adverb in lower case: "the Daily News" is a name.
            let adverb = bare.ends_with("ly") && bare.starts_with(|c: char| c.is_lowercase());
            if i > 0 && (NOT_DESCRIPTION.contains(&bare) || adverb) {
                break;
            }
            n = i + 1;
            if w.ends_with(',') {
                break;
            }
        }
        let end = phrase_end(n.max(1));
        if end - subject.start > 80 {
            return None;
        }
        Span::new(subject.start, end)
    } else {
        index.mentions.iter().find(|m| speaker_mention(m))?.0
    };
    Some(Attribution {
        name: Some(name),
        pronoun: false,
        gender: None,
        cue,
        span,
    })
}

/// A name right before the colon that introduces a quote, as in a
/// transcript or a list of voices (`Clinton: "…"`, `More from Blumenthal
/// and Cohen: "…"`): a mention of a person or organisation ending there.
fn colon_name(masked: &str, index: &Index<'_>, start: usize, intro: &str) -> Option<Attribution> {
    let body = intro.trim_end();
    let body = body.strip_suffix(':')?.trim_end();
    // A party-and-state tag after the name: `Rep. Trey Gowdy (R-S.C.):`.
    let body = match body.strip_suffix(')').and_then(|b| b.rsplit_once('(')) {
        Some((name, tag)) if tag.len() <= 30 && !tag.contains(' ') => name.trim_end(),
        _ => body,
    };
    let end = start + body.len();
    let n = index.mentions.partition_point(|(m, _)| m.end <= end);
    let (m, i) = index.mentions.get(n.checked_sub(1)?)?;
    if m.end != end || m.start < start {
        return None;
    }
    // Not the object of the writer's verb: `delivered a message to Trump:`.
    // The label's own words: after a dash, a full stop or an earlier quote.
    let before = masked.get(start..m.start).unwrap_or_default();
    let label = [" - ", " — ", " – ", ". ", "\"", "”"]
        .iter()
        .filter_map(|sep| before.rfind(sep).map(|i| i + sep.len()))
        .max()
        .map_or(before, |i| &before[i..]);
    if label
        .split_whitespace()
        .any(|w| verb_like(w.trim_matches(|c: char| !c.is_alphanumeric())))
    {
        return None;
    }
    let speaker = index.entities.get(*i).is_some_and(|e| {
        matches!(
            e.entity_type,
            EntityType::Person | EntityType::Organization | EntityType::Other
        )
    });
    speaker.then(|| Attribution {
        name: Some(*m),
        pronoun: false,
        gender: None,
        cue: String::new(),
        span: *m,
    })
}

/// What a pronoun asks of its referent, or what a speaker is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gender {
    Male,
    Female,
    /// "they": a group, or people.
    Plural,
    /// An organisation or a thing ("the campaign", "the statement").
    Neuter,
}

fn pronoun_gender(word: &str) -> Option<Gender> {
    match word.trim() {
        "he" | "He" => Some(Gender::Male),
        "she" | "She" => Some(Gender::Female),
        "they" | "They" => Some(Gender::Plural),
        _ => None,
    }
}

/// The gender [`gazetteer::FIRST_NAMES`] gives each first name: a name
/// given to men and women alike says nothing.
static NAME_GENDERS: LazyLock<FxHashMap<&'static str, Gender>> = LazyLock::new(|| {
    gazetteer::first_names()
        .filter_map(|(name, g)| match g {
            gazetteer::NameGender::Male => Some((name, Gender::Male)),
            gazetteer::NameGender::Female => Some((name, Gender::Female)),
            gazetteer::NameGender::Either => None,
        })
        .collect()
});

/// Words that give a described speaker's gender or make it no person:
/// "the businessman", "his wife", "the campaign".
fn word_gender(word: &str) -> Option<Gender> {
    let w = word.trim_matches(|c: char| !c.is_alphanumeric());
    let lower = w.to_lowercase();
    match lower.as_str() {
        "mr" | "man" | "men" | "he" | "husband" | "father" | "son" | "brother" | "uncle"
        | "nephew" | "grandfather" | "boy" | "king" | "prince" | "businessman" | "spokesman"
        | "congressman" | "chairman" | "councilman" | "assemblyman" | "anchorman" | "gentleman"
        | "sir" => Some(Gender::Male),
        "mrs" | "ms" | "miss" | "woman" | "women" | "she" | "wife" | "mother" | "daughter"
        | "sister" | "aunt" | "niece" | "grandmother" | "girl" | "queen" | "princess" | "lady"
        | "businesswoman" | "spokeswoman" | "congresswoman" | "chairwoman" | "councilwoman"
        | "assemblywoman" | "actress" | "madam" => Some(Gender::Female),
        "campaign" | "group" | "committee" | "company" | "party" | "administration"
        | "department" | "office" | "statement" | "email" | "e-mail" | "memo" | "report" | "ad"
        | "video" | "letter" | "newspaper" | "paper" | "editorial" | "board" | "agency"
        | "organization" | "organisation" | "website" | "site" | "post" | "tweet" | "release"
        | "network" | "council" | "court" | "government" | "ministry" | "firm" | "union"
        | "coalition" | "foundation" | "institute" | "poll" | "survey" | "study" | "book"
        | "magazine" => Some(Gender::Neuter),
        "police" | "officials" | "aides" | "advisers" | "advisors" | "people" | "protesters"
        | "supporters" | "critics" | "sources" | "leaders" | "members" | "voters" | "democrats"
        | "republicans" | "both" | "others" | "some" | "many" | "they" => Some(Gender::Plural),
        _ => None,
    }
}

/// The gender a speaker's name or description shows, if any: a gendered
/// word or title in it, else a first name known as a woman's or a man's.
fn name_gender(name: &str) -> Option<Gender> {
    let mut words = name.split_whitespace();
    // A capitalised man's or woman's word ending a name of more words is a
    // surname, not a title (`Billie Jean King`, `Martin Luther King`); an
    // organisation's word keeps its sense (`Democratic National Committee`).
    let count = name.split_whitespace().count();
    if let Some(g) = name.split_whitespace().enumerate().find_map(|(i, w)| {
        let g = word_gender(w)?;
        let surname = count >= 2
            && i + 1 == count
            && w.chars().next().is_some_and(char::is_uppercase)
            && matches!(g, Gender::Male | Gender::Female);
        (!surname).then_some(g)
    }) {
        return Some(g);
    }
    let first = words
        .find(|w| w.chars().next().is_some_and(char::is_uppercase))?
        .trim_end_matches([',', '.']);
    NAME_GENDERS.get(first).copied()
}

/// Whether a name or description is a woman's (`Some(true)`) or a man's
/// (`Some(false)`) by its gendered words or first name, as the quote stage
/// judges it; `None` when it does not say (the scorer of `docsift eval
/// quotes` asks it of gold Sources).
pub(crate) fn female(name: &str) -> Option<bool> {
    match name_gender(name) {
        Some(Gender::Female) => Some(true),
        Some(Gender::Male) => Some(false),
        _ => None,
    }
}

/// Whether a referent of gender `g` (`None`: unknown) can be called `want`.
fn fits(want: Gender, g: Option<Gender>) -> bool {
    match want {
        Gender::Male | Gender::Female => g.is_none_or(|g| g == want),
        Gender::Plural | Gender::Neuter => matches!(g, Some(Gender::Plural | Gender::Neuter)),
    }
}

/// A speaker already found, at the words that name it (or the pronoun that
/// stood for it), for pronouns after it to refer to.
struct Spoken {
    at: Span,
    speaker: String,
    id: Option<String>,
    gender: Option<Gender>,
}

/// How many sentences back a pronoun's referent is looked for.
const PRONOUN_REACH: usize = 8;

/// Whether a speech cue follows the words at `end` (`Biden said`, `Viguerie
/// also argues`) or precedes those at `start` (`said Biden`): their subject
/// is a speaker.
fn next_to_cue(masked: &str, start: usize, end: usize) -> bool {
    const SKIP: &[&str] = &[
        "has", "had", "have", "also", "later", "then", "again", "would", "will",
    ];
    let after = masked.get(end..).unwrap_or_default();
    let after = after.get(..after.len().min(40)).unwrap_or_default();
    let mut words = after
        .split_whitespace()
        .map(|w| w.trim_end_matches([',', '.', ':']));
    let cue_after = words
        .by_ref()
        .take(3)
        .find(|w| !SKIP.contains(w))
        .is_some_and(|w| CUE_WORDS.contains(w));
    cue_after
        || masked
            .get(start.saturating_sub(12)..start)
            .and_then(|b| b.split_whitespace().last())
            .is_some_and(|w| CUE_WORDS.contains(w))
}

/// The referent of a pronoun speaker (`he said`) at `pos`: the nearest
/// writer's sentence before the pronoun's own that names a fitting person
/// (or a speaker of an earlier quote), and in it the one a speech cue goes
/// with (`Trump's accusation that Obama …, Biden said`), else the first, its
/// subject as a rule (`Calderon also noted that …  "…," he said`; `Hollande
/// denounced Trump's remarks. "…," he said`). Words inside quotation marks,
/// possessives (`Trump's campaign manager`) and an opening phrase set off by
/// a comma (`Asked about Sullivan, Feinstein …`) are passed over.
fn pronoun_referent(
    masked: &str,
    sentences: &[Span],
    index: &Index<'_>,
    quoted: &[Span],
    spoken: &[Spoken],
    pos: usize,
    want: Gender,
) -> Option<(String, Option<String>)> {
    let inside_quote = |p: usize| {
        let n = quoted.partition_point(|q| q.start <= p);
        n.checked_sub(1)
            .and_then(|i| quoted.get(i))
            .is_some_and(|q| p < q.end)
    };
    // Sentences that start before `pos`; the last of them holds the
    // pronoun, unless `pos` opens it.
    let last = sentences.partition_point(|s| s.start < pos);
    for k in 1..=PRONOUN_REACH.min(last) {
        let s = sentences[last - k];
        let hi = s.end.min(pos);
        let mut lo = s.start;
        let body = masked.get(s.start..hi).unwrap_or_default();
        let opener = body.split_whitespace().next().unwrap_or_default();
        let opener_at = s.start + body.len() - body.trim_start().len();
        if (SETTING_OPENERS.contains(&opener.trim_end_matches(','))
            || participle_opener(opener, index, opener_at))
            && let Some(c) = body.find(',')
        {
            lo = s.start + c + 1;
        }
        // (position, cued, speaker, id) of the first fitting candidate and
        // of the first one next to a cue.
        let mut first: Option<(usize, String, Option<String>)> = None;
        let mut cued: Option<(usize, String, Option<String>)> = None;
        let mut object: Option<(usize, String, Option<String>)> = None;
        let from = index.persons.partition_point(|(m, _)| m.start < lo);
        for (m, i) in index.persons.get(from..).unwrap_or_default() {
            if m.end > hi || cued.is_some() {
                break;
            }
            let possessive = masked.get(m.end..).is_some_and(possessive_after);
            if possessive || inside_quote(m.start) {
                continue;
            }
            let Some(e) = index.entities.get(*i) else {
                continue;
            };
            let g = name_gender(&e.name).or_else(|| {
                let title = masked
                    .get(m.start.saturating_sub(5)..m.start)
                    .unwrap_or_default();
                title.split_whitespace().last().and_then(word_gender)
            });
            if !fits(want, g) {
                continue;
            }
            let candidate = (m.start, speaker_name(&e.name), Some(e.id.clone()));
            // A cue inside a `that` clause (`pointing out that the paper's
            // Robert Costa had reported`) is reported speech of the
            // sentence's subject, not the sentence's own.
            let in_that_clause = masked
                .get(lo..m.start)
                .and_then(|b| b.split_whitespace().rev().take(3).find(|w| *w == "that"))
                .is_some();
            if next_to_cue(masked, m.start, m.end) && !in_that_clause {
                cued = Some(candidate);
            } else if after_preposition(masked, m.start) {
                // `Making her way around Chez Vachon, Clinton …`: the object
                // of a preposition is the subject only when no one else is.
                object.get_or_insert(candidate);
            } else if first.is_none() {
                first = Some(candidate);
            }
        }
        let mut first = first.or(object);
        // A name the recogniser left untagged may still be the subject of
        // the sentence's cue (`…, Henson said.`).
        if cued.is_none() {
            cued = cued_name(masked, index, lo, hi, want).filter(|(at, _, _)| {
                !inside_quote(*at) && first.as_ref().is_none_or(|f| f.0 != *at)
            });
        }
        // A sentence whose subject is the same pronoun (`He nodded to his
        // finish behind Cruz.`, `…, he said.`) goes on about the same
        // person: only an earlier quote's resolved pronoun in it counts.
        if pronoun_subject(masked.get(lo..hi).unwrap_or_default(), want) {
            first = None;
            cued = None;
        }
        let from = spoken.partition_point(|sp| sp.at.start < lo);
        for sp in spoken.get(from..).unwrap_or_default() {
            if sp.at.end > hi || cued.as_ref().is_some_and(|c| c.0 <= sp.at.start) {
                break;
            }
            if fits(want, sp.gender) {
                cued = Some((sp.at.start, sp.speaker.clone(), sp.id.clone()));
                break;
            }
        }
        if let Some((_, speaker, id)) = cued.or(first) {
            return Some((speaker, id));
        }
        // No person named: a new one introduced by an indefinite
        // description that speaks (`A reporter for Agence France-Presse
        // called it …`) is the referent.
        let clause = masked.get(lo..hi).unwrap_or_default();
        if let Some(d) = indefinite_speaker(clause, want)
            && !inside_quote(lo + clause.find(d).unwrap_or(0))
        {
            return Some((single_spaced(d), None));
        }
    }
    None
}

/// Person nouns that head an indefinite description of a speaker (`a
/// reporter`, `One California delegate`).
const PERSON_NOUNS: &[&str] = &[
    "reporter",
    "journalist",
    "correspondent",
    "delegate",
    "voter",
    "caller",
    "man",
    "woman",
    "official",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "supporter",
    "protester",
    "resident",
    "student",
    "aide",
    "adviser",
    "advisor",
    "strategist",
    "member",
    "veteran",
    "worker",
    "lawmaker",
    "senator",
    "attendee",
    "witness",
    "source",
    "organizer",
    "activist",
    "leader",
    "officer",
    "employee",
];

/// The indefinite description that opens a writer's sentence as the
/// subject of a speech cue (`A reporter for Agence France-Presse called it
/// …`, `One California delegate said …`), when a person noun
/// ([`PERSON_NOUNS`]) heads it and its gendered words, if any, fit `want`.
fn indefinite_speaker(sentence: &str, want: Gender) -> Option<&str> {
    let body = sentence.trim_start();
    let mut words = body.split_whitespace();
    let mut first = words.next()?;
    if OPENERS.contains(&first) {
        first = words.next()?;
    }
    if !matches!(first, "A" | "An" | "One" | "Another") {
        return None;
    }
    // `first` is a piece of `body`: its offset, not a search for its words
    // (`Also A …` holds an "A" before the article).
    let start = first.as_ptr() as usize - body.as_ptr() as usize;
    let mut head = false;
    let mut gender = None;
    for (i, w) in words.enumerate() {
        if i >= 6 {
            return None;
        }
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        if head && (CUE_WORDS.contains(bare) || bare == "called") {
            let end = w.as_ptr() as usize - body.as_ptr() as usize;
            if !fits(want, gender) {
                return None;
            }
            return body.get(start..end).map(str::trim_end);
        }
        if let Some(g) = word_gender(bare) {
            gender = Some(g);
        }
        if i == 0 || !head {
            head = PERSON_NOUNS.contains(&bare);
        }
        if w.ends_with([',', ';', ':', '.']) {
            return None;
        }
    }
    None
}

/// The first name in `masked[lo..hi]` that a speech cue goes with (see
/// [`CUED_NAME`]), as a candidate of [`pronoun_referent`]: the person it
/// names when the entity stage knows the name or its last word, else the
/// name as written unless the stage tagged it as a place or an
/// organisation; `None` too for "I", a pronoun, an opener alone, or a
/// gender that does not fit `want`.
fn cued_name(
    masked: &str,
    index: &Index<'_>,
    lo: usize,
    hi: usize,
    want: Gender,
) -> Option<(usize, String, Option<String>)> {
    let body = masked.get(lo..hi)?;
    let m = CUED_NAME.captures(body)?.name("name")?;
    // An opener glued to the name by the capitalised run (`But Humphrey`).
    let mut start = m.start();
    let mut name = m.as_str();
    while let Some((w, rest)) = name.split_once([' ', '\t', '\u{a0}']) {
        if !OPENERS.contains(&w) {
            break;
        }
        start += name.len() - rest.len();
        name = rest;
    }
    if OPENERS.contains(&name) || name == "I" || pronoun_gender(name).is_some() {
        return None;
    }
    let last = name.split_whitespace().last().unwrap_or(name);
    // The last word: the name's head, which a mention of the entity stage
    // covers even when the name holds a word the mention does not (`The
    // International Monetary Fund (IMF) said`).
    let head = Span::new(
        lo + start + name.len() - last.len(),
        lo + start + name.len(),
    );
    let entity = index.named(name).or_else(|| index.named(last));
    let (speaker, id) = match entity {
        Some(e) => (speaker_name(&e.name), Some(e.id.clone())),
        // A name the entity stage does not know as a person's
        // (`…, Henson said`), unless it tagged it as a place or an
        // organisation.
        None if index.at(head).is_none() => (single_spaced(name), None),
        None => return None,
    };
    if !fits(want, name_gender(&speaker)) {
        return None;
    }
    Some((lo + start, speaker, id))
}

/// Prepositions whose object is no sentence's subject.
const PREPOSITIONS: &[&str] = &[
    "around", "at", "in", "with", "for", "to", "about", "of", "from", "against", "behind", "into",
    "toward", "towards", "near", "than", "like", "under", "over", "between", "among", "on",
    "beside", "inside", "outside", "past", "by",
];

/// Whether the word right before `start` is a preposition
/// ([`PREPOSITIONS`]).
fn after_preposition(masked: &str, start: usize) -> bool {
    masked
        .get(start.saturating_sub(12)..start)
        .filter(|b| b.ends_with([' ', '\u{a0}']))
        .and_then(|b| b.split_whitespace().last())
        .is_some_and(|w| PREPOSITIONS.contains(&w.to_lowercase().as_str()))
}

/// Whether `'s` after a name (the start of `t`) makes it a possessive
/// (`Trump's campaign`) rather than a contraction of `has` or `is`
/// (`Christie's been making the case`, `Cruz's a fighter`).
fn possessive_after(t: &str) -> bool {
    let Some(rest) = t.strip_prefix("'s").or_else(|| t.strip_prefix("’s")) else {
        return false;
    };
    let next = rest.split_whitespace().next().unwrap_or_default();
    !matches!(
        next,
        "been"
            | "got"
            | "gotten"
            | "going"
            | "not"
            | "never"
            | "always"
            | "also"
            | "a"
            | "an"
            | "said"
            | "told"
            | "made"
            | "done"
            | "now"
            | "still"
            | "just"
            | "already"
    )
}

/// Whether a sentence's subject is the pronoun a referent is sought for:
/// it opens the sentence (after an opener such as "But"), or it goes with
/// a speech cue in it (`…, he said`).
fn pronoun_subject(sentence: &str, want: Gender) -> bool {
    let pronoun = match want {
        Gender::Male => "he",
        Gender::Female => "she",
        _ => return false,
    };
    // The pronoun with the cue must open a main clause: after a comma, a
    // quotation mark or a dash (`…,” he said`, `…, he said`) or a
    // coordinator (`…, but he suggested`). In `the system, which he said is
    // rigged` or `before he announced his bid` the sentence's subject is
    // someone else.
    const COORDINATORS: &[&str] = &["and", "but", "so", "yet", "or"];
    let mut prev: Option<&str> = None;
    let mut opens_clause = false;
    let mut closes = true;
    for (i, w) in sentence.split_whitespace().take(80).enumerate() {
        let bare = w.trim_matches(|c: char| !c.is_alphanumeric());
        let opening = i == 0 || (i == 1 && prev.is_some_and(|p| OPENERS.contains(&p)));
        if opening && bare.eq_ignore_ascii_case(pronoun) {
            return true;
        }
        if opens_clause && prev.is_some_and(|p| p == pronoun) && CUE_WORDS.contains(bare) {
            return true;
        }
        // Whether `bare`, the next word's `prev`, opens a main clause.
        opens_clause = closes || prev.is_some_and(|p| COORDINATORS.contains(&p));
        closes = w.ends_with([',', ';', '"', '”', '—', '–']);
        prev = Some(bare);
    }
    false
}

/// Records a speaker found at `at`, keeping the list in text order.
fn add_spoken(
    spoken: &mut Vec<Spoken>,
    at: Span,
    speaker: &str,
    id: &Option<String>,
    gender: Option<Gender>,
) {
    let i = spoken.partition_point(|s| s.at.start <= at.start);
    spoken.insert(
        i,
        Spoken {
            at,
            speaker: speaker.to_string(),
            id: id.clone(),
            gender,
        },
    );
}

/// Finds the quotes. `text` is the original text, `masked` the cleaned copy.
pub(crate) fn extract(
    text: &str,
    masked: &str,
    sentences: &[Span],
    entities: &[Entity],
    shortcodes: &[Shortcode],
    tokens: &[Tok],
) -> Vec<Quote> {
    let marked = typewriter_marks(masked);
    let masked = &*marked;
    let paras = paragraphs(masked);
    let raws = find_raw(masked, &paras);
    let mut index = Index::new(entities);
    let mut quotes: Vec<(usize, Quote)> = Vec::new();
    let mut previous: Option<(usize, String, Option<String>)> = None;
    let mut last_named: Option<(String, Option<String>)> = None;
    // Every quotation's extent, marks included, by position.
    let quoted: Vec<Span> = raws
        .iter()
        .map(|r| Span::new(r.open, r.close_end))
        .collect();
    let mut spoken: Vec<Spoken> = Vec::new();
    // Transcript turns quoted whole (`"PENCE: Well, look, …`): each quote's
    // speaker label, kept when the label names a person of the text or
    // opens two turns or more.
    let labels: Vec<Option<Span>> = raws
        .iter()
        .map(|r| transcript_label(masked, r.inner))
        .collect();
    let label_text = |l: &Span| masked.get(l.start..l.end).unwrap_or_default();
    for (raw, label) in raws.iter().zip(&labels) {
        let label = label.filter(|l| {
            person_named(entities, &title_case(label_text(l))).is_some()
                || labels
                    .iter()
                    .flatten()
                    .filter(|o| label_text(o) == label_text(l))
                    .count()
                    >= 2
        });
        let raw = &match label {
            // The label is the transcript's, not the speaker's words.
            Some(l) => Raw {
                inner: Span::new(
                    l.end
                        + masked.get(l.end..raw.inner.end).map_or(0, |r| {
                            r.len() - r.trim_start_matches(':').trim_start().len()
                        }),
                    raw.inner.end,
                ),
                ..*raw
            },
            None => *raw,
        };
        let para = paras.get(raw.paragraph).copied().unwrap_or_default();
        let (lead_start, lead_text) = lead(masked, raw, para);
        let lead_partial = is_partial(lead_text);
        let prev = raw
            .paragraph
            .checked_sub(1)
            .and_then(|p| paras.get(p))
            .copied();
        let after_found = attribution(masked, raw, para, prev);
        let attributed_after = after_found
            .as_ref()
            .is_some_and(|a| a.span.start >= raw.close_end);
        let partial = label.is_none() && lead_partial
            || runs_on(masked, raw, lead_text, attributed_after)
            || continues_clause(masked, raw, lead_text, attributed_after);
        let found = label
            .map(|l| Attribution {
                name: Some(l),
                pronoun: false,
                gender: None,
                cue: String::new(),
                span: l,
            })
            .or(after_found)
            .or_else(|| line_dash_attribution(masked, raw))
            .or_else(|| {
                LEAD.captures_iter(lead_text)
                    .filter(|c| speaks_on(lead_text, c))
                    .last()
                    .and_then(|c| attribution_from(&c, lead_start))
                    .or_else(|| {
                        // A cue word in the lead at all: a cheap test first.
                        let cue_near = lead_text.split_whitespace().any(|w| {
                            CUE_WORDS.contains(w.trim_matches(|c: char| !c.is_alphanumeric()))
                        });
                        if !cue_near {
                            return None;
                        }
                        LEAD_NOMINAL
                            .captures_iter(lead_text)
                            .filter(|c| speaks_on(lead_text, c))
                            .filter_map(|c| attribution_from(&c, lead_start))
                            .last()
                    })
            })
            .or_else(|| {
                // The sentence introducing the quote: its own lead, or the
                // paragraph before's last sentence when the quote opens
                // its paragraph.
                let opens_paragraph = masked
                    .get(para.start..raw.open)
                    .is_some_and(|s| s.trim().is_empty());
                let (start, intro) = match prev {
                    Some(p) if opens_paragraph => sentence_before(masked, p.start, p.end),
                    _ => (lead_start, lead_text),
                };
                colon_name(masked, &index, start, intro)
                    .or_else(|| lead_subject(masked, &index, start, intro))
            })
            .or_else(|| {
                let next = paras.get(raw.paragraph + 1).copied();
                dash_attribution(masked, raw, para, next)
            })
            .or_else(|| {
                // A quote opening its sentence after one that is only a
                // speaker and a cue, in its paragraph or ending the one
                // before.
                if !lead_text.trim().is_empty() {
                    return None;
                }
                let (from, to) = match prev {
                    Some(p) if masked.get(para.start..raw.open)?.trim().is_empty() => {
                        (p.start, p.end)
                    }
                    _ => (para.start, lead_start),
                };
                let body = masked.get(from..to)?.trim_end();
                let body = body.strip_suffix(['.', ':'])?;
                let (start, sentence) = sentence_before(masked, from, from + body.len());
                let last = sentence.split_whitespace().next_back()?;
                if sentence.len() > 160 || !(CUE_WORDS.contains(last) || last == "disagreed") {
                    return None;
                }
                CUE_SENTENCE
                    .captures(sentence)
                    .and_then(|c| attribution_from(&c, start))
            });
        let (speaker, id, cue, attribution_span) = match found {
            // "he said": the nearest fitting person before it (see
            // [`pronoun_referent`]), else the last named speaker, as news
            // writes it ("…," Rhodes said. … "…," he added).
            Some(a) if a.pronoun => {
                let referent = match a.gender {
                    Some(g @ (Gender::Male | Gender::Female)) => pronoun_referent(
                        masked,
                        sentences,
                        &index,
                        &quoted,
                        &spoken,
                        raw.open.min(a.span.start),
                        g,
                    ),
                    _ => None,
                };
                let (speaker, id) = match referent.or_else(|| last_named.clone()) {
                    Some(r) => r,
                    None => resolve(text, &mut index, &a, raw.open),
                };
                if !speaker.is_empty() {
                    let gender = a.gender;
                    add_spoken(&mut spoken, a.span, &speaker, &id, gender);
                }
                (speaker, id, a.cue, Some(a.span))
            }
            Some(a) => {
                let (speaker, id) = resolve(text, &mut index, &a, raw.open);
                if !speaker.is_empty() {
                    last_named = Some((speaker.clone(), id.clone()));
                    let organisation = id
                        .as_deref()
                        .and_then(|id| entities.iter().find(|e| e.id == id))
                        .is_some_and(|e| e.entity_type == EntityType::Organization);
                    let gender = if organisation {
                        Some(Gender::Neuter)
                    } else {
                        name_gender(&speaker)
                    };
                    add_spoken(&mut spoken, a.name.unwrap_or(a.span), &speaker, &id, gender);
                }
                (speaker, id, a.cue, Some(a.span))
            }
            None => match &previous {
                Some((p, speaker, id)) if *p + 1 >= raw.paragraph && !speaker.is_empty() => {
                    (speaker.clone(), id.clone(), String::new(), None)
                }
                _ => (String::new(), None, String::new(), None),
            },
        };
        previous = Some((raw.paragraph, speaker.clone(), id.clone()));
        quotes.push((
            raw.inner.start,
            Quote {
                span: raw.inner,
                text: text
                    .get(raw.inner.start..raw.inner.end)
                    .unwrap_or_default()
                    .to_string(),
                speaker_entity_id: id,
                speaker,
                cue,
                attribution_span,
                kind: if partial {
                    QuoteKind::Partial
                } else {
                    QuoteKind::Direct
                },
            },
        ));
    }

    for sc in shortcodes {
        let quote_like = sc.name.to_ascii_lowercase().contains("quote")
            || sc.attributes.iter().any(|a| {
                a.name.eq_ignore_ascii_case("type")
                    && text
                        .get(a.value_span.start..a.value_span.end)
                        .is_some_and(|v| v.eq_ignore_ascii_case("quote"))
            });
        if !quote_like {
            continue;
        }
        let Some(value) = sc.attr(|n| n.ends_with("quote") || n == "text" || n == "content") else {
            continue;
        };
        let Some(span) = trim_inner(text, value.start, value.end) else {
            continue;
        };
        if word_count(text, span) < MIN_WORDS {
            continue;
        }
        let author = sc
            .attr(|n| n == "author" || n == "speaker" || n == "by")
            .filter(|s| !s.is_empty());
        let author_name = author
            .and_then(|a| text.get(a.start..a.end))
            .unwrap_or_default()
            .trim();
        let (speaker, id) = match index.named(author_name) {
            Some(e) if !author_name.is_empty() => (e.name.clone(), Some(e.id.clone())),
            _ => (single_spaced(author_name), None),
        };
        quotes.push((
            span.start,
            Quote {
                span,
                text: text
                    .get(span.start..span.end)
                    .unwrap_or_default()
                    .to_string(),
                speaker_entity_id: id,
                speaker,
                cue: String::new(),
                attribution_span: author,
                kind: QuoteKind::Direct,
            },
        ));
    }

    // Where each sentence's first and last cue words of reported speech
    // start, from its tokens: most sentences hold none.
    let mut cues: Vec<Option<(usize, usize)>> = vec![None; sentences.len()];
    for t in tokens {
        let (Some(w), Some(s), Some(slot)) = (
            masked.get(t.span.start..t.span.end),
            sentences.get(t.sentence),
            cues.get_mut(t.sentence),
        ) else {
            continue;
        };
        if may_be_cue(w) && REPORT_CUE_WORDS.contains(w) {
            let at = t.span.start.saturating_sub(s.start);
            *slot = Some((slot.map_or(at, |(first, _)| first), at));
        }
    }
    for (s, cue) in sentences.iter().zip(cues) {
        let Some(cue) = cue else {
            continue;
        };
        let Some(body) = masked.get(s.start..s.end) else {
            continue;
        };
        // A sentence holding a direct quote is that quote's; one whose
        // quotation marks hold only a partial quote or a scare quote
        // (`Sanders said the system was "rigged."`) is the writer's.
        if body.contains('‘')
            || quotes.iter().any(|(_, q)| {
                q.kind == QuoteKind::Direct && q.span.start < s.end && s.start < q.span.end
            })
        {
            continue;
        }
        let Some((clause_span, a)) = reported(body, s.start, cue) else {
            continue;
        };
        let referent = match (a.pronoun, a.gender) {
            (true, Some(g @ (Gender::Male | Gender::Female))) => {
                pronoun_referent(masked, sentences, &index, &quoted, &spoken, a.span.start, g)
            }
            _ => None,
        };
        let (speaker, id) = referent.unwrap_or_else(|| resolve(text, &mut index, &a, s.start));
        quotes.push((
            clause_span.start,
            Quote {
                span: clause_span,
                text: text
                    .get(clause_span.start..clause_span.end)
                    .unwrap_or_default()
                    .to_string(),
                speaker_entity_id: id,
                speaker,
                cue: a.cue,
                attribution_span: Some(a.span),
                kind: QuoteKind::Indirect,
            },
        ));
    }
    quotes.sort_by_key(|(start, q)| (*start, q.span.end));
    quotes.into_iter().map(|(_, q)| q).collect()
}

/// Words that open where or when something was said, between a cue and
/// its `that` (`said on Tuesday that`, `said in a statement that`).
const SETTING_START: &[&str] = &[
    "on",
    "in",
    "at",
    "during",
    "last",
    "this",
    "earlier",
    "late",
    "early",
    "yesterday",
    "today",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "after",
    "before",
    "while",
    "when",
    "repeatedly",
    "privately",
    "publicly",
];

/// Cues that, after `but` or `and`, open the same speaker's next report.
const SECOND_CUES: &[&str] = &[
    "said", "says", "added", "noted", "told", "warned", "insisted",
];

/// Who `told` may be told, when no `that` follows (`told reporters he
/// would …`).
const TOLD_OBJECTS: &[&str] = &["reporters", "him", "her", "them", "us", "me", "supporters"];

/// Words that open no reported clause after a cue (`said nothing`, `said
/// so`); prepositions ([`PREPOSITIONS`]) open none either (`told him to
/// leave`).
const NOT_CLAUSE_OPENERS: &[&str] = &[
    "so", "nothing", "yes", "no", "little", "much", "goodbye", "hello", "as",
];

/// Subject pronouns: opening the words after a cue without `that`, they
/// make a clause of them (`said he would run`).
const SUBJECT_PRONOUNS: &[&str] = &["he", "she", "they", "it", "we", "i", "there"];

/// Finite auxiliaries: among the words after a cue without `that`, they make
/// a clause of them (`said the plan would fail`; not `claimed the prize`).
const AUXILIARIES: &[&str] = &[
    "is",
    "was",
    "were",
    "are",
    "will",
    "would",
    "had",
    "has",
    "have",
    "could",
    "should",
    "can",
    "may",
    "might",
    "must",
    "did",
    "does",
    "do",
    "won't",
    "wouldn't",
    "isn't",
    "wasn't",
    "aren't",
    "weren't",
    "didn't",
    "doesn't",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "couldn't",
    "shouldn't",
    "can't",
];

/// Irregular past tenses: with the words in `-ed`, the verbs of a clause
/// after a cue without `that` (`said the economy grew`).
const PAST_TENSE: &[&str] = &[
    "grew", "rose", "fell", "won", "lost", "made", "took", "gave", "went", "came", "saw", "knew",
    "thought", "got", "became", "left", "paid", "sold", "told", "said", "found", "held", "kept",
    "led", "met", "ran", "sent", "spent", "stood", "wrote", "meant", "felt", "brought", "bought",
    "built", "caught", "fought", "sought", "began", "broke", "chose", "drove", "hit", "put", "set",
    "shut", "struck", "threw", "wore", "beat", "bore", "cut", "fled", "hid", "hurt", "let", "quit",
    "rang", "sank", "shot", "slid", "spoke", "stole", "swore", "tore", "woke",
];

/// Whether word `w` (lower case), the `i`-th after a cue without `that`,
/// shows the words are a clause: a subject pronoun ([`SUBJECT_PRONOUNS`]),
/// or a finite verb after the first word ([`AUXILIARIES`], [`PAST_TENSE`],
/// `-ed`).
fn clause_word(w: &str, i: usize) -> bool {
    SUBJECT_PRONOUNS.contains(&w)
        || i > 0 && (FINITE_WORDS.contains(w) || w.len() > 4 && w.ends_with("ed"))
}

/// [`AUXILIARIES`] and [`PAST_TENSE`] in one set: [`clause_word`] looks up
/// as many as thirty words a cue.
static FINITE_WORDS: LazyLock<rustc_hash::FxHashSet<&'static str>> =
    LazyLock::new(|| AUXILIARIES.iter().chain(PAST_TENSE).copied().collect());

/// `w` in lower case, copied only when it has a capital.
fn lower_case(w: &str) -> std::borrow::Cow<'_, str> {
    if w.chars().any(char::is_uppercase) {
        std::borrow::Cow::Owned(w.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(w)
    }
}

/// Whether a capitalised run before a cue names no speaker: one word of
/// [`NOT_SPEAKERS`], maybe with a contraction (`I’ve`, `He’s`).
fn no_speaker(name: &str) -> bool {
    let first = name.split(['’', '\'']).next().unwrap_or_default();
    !name.contains([' ', '\t', '\u{a0}']) && NOT_SPEAKERS.contains(&first)
}

/// Capitalised words that open a sentence but name no speaker (`An
/// estimated 200 …`, `So said …`, `I said`).
const NOT_SPEAKERS: &[&str] = &[
    "He", "She", "They", "A", "An", "The", "So", "Who", "That", "This", "These", "Those", "Other",
    "Others", "You", "I", "We", "It", "One", "Some", "Many", "Most", "All", "Both", "Each", "Such",
    "What", "Which", "There", "Here",
];

/// The reported clause in `rest`, the words after cue `verb` up to the end
/// of the sentence, as (start, end) in `rest`: after a `that` that follows
/// the cue, an object of `told`, or a setting (`said on Tuesday that …`),
/// else right after `said`, `told` or `added` when the words read as a
/// clause ([`clause_word`]: `said the plan would fail`); `None` when a
/// setting without `that` leaves its start unclear, or the clause is too
/// short or opens with a preposition.
fn reported_clause(rest: &str, verb: &str) -> Option<(usize, usize)> {
    let told = matches!(verb, "told" | "tells");
    if rest
        .trim_start()
        .starts_with([',', ':', ';', '.', '!', '?'])
    {
        return None;
    }
    let words: Vec<(usize, &str)> = rest
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - rest.as_ptr() as usize, w))
        .collect();
    let (_, first) = *words.first()?;
    let that = words.iter().take(12).position(|(_, w)| *w == "that");
    let from = match that {
        Some(0) => 1,
        Some(k) if told || SETTING_START.contains(&&*lower_case(first)) => k + 1,
        _ if told => {
            if !TOLD_OBJECTS.contains(&first) {
                return None;
            }
            1
        }
        _ if SETTING_START.contains(&&*lower_case(first)) => return None,
        _ => 0,
    };
    let (start, opener) = *words.get(from)?;
    let opener = lower_case(opener);
    if NOT_CLAUSE_OPENERS.contains(&&*opener)
        || PREPOSITIONS.contains(&&*opener)
        || opener.starts_with([',', '(', '‘', '\''])
    {
        return None;
    }
    // Without `that`, only before a clause.
    if that.is_none_or(|k| k + 1 != from)
        && !words
            .iter()
            .skip(from)
            .take(30)
            .enumerate()
            .any(|(i, (_, w))| clause_word(&lower_case(w.trim_end_matches([',', ';'])), i))
    {
        return None;
    }
    // A second cue of the same speaker ends the clause (`… has the
    // aspiration to attack but said there was no threat`, `…, adding …`).
    let second_cue = words.windows(2).skip(from + 1).find_map(|pair| {
        let [(at, w), (next_at, next)] = pair else {
            return None;
        };
        if matches!(*w, "but" | "and") && SECOND_CUES.contains(next) {
            Some(*at)
        } else if w.ends_with(',') && matches!(*next, "adding" | "saying") {
            Some(*next_at)
        } else {
            None
        }
    });
    let end = rest
        .get(..second_cue.unwrap_or(rest.len()))
        .unwrap_or(rest)
        .trim_end()
        .trim_end_matches(['.', '!', '?', ';', ','])
        .len();
    (end > start && words.len() - from >= MIN_WORDS).then_some((start, end))
}

/// Whether an apposition or a setting of a reported-speech match is longer
/// than the patterns let it be (`, … ,` of 120 bytes, a setting after the
/// closing cue of 60): the patterns leave them unbounded, as bounded
/// repetitions made their automata far larger.
fn too_long(c: &regex::Captures<'_>) -> bool {
    let len = |g: &str| c.name(g).map_or(0, |m| m.len());
    len("app") > 122 || len("app2") > 121 || len("set") > 60
}

/// The shapes of [`REPORT_CUE_WORDS`]: for each first letter (in lower
/// case) and last letter, a bit for each length. Most words of a sentence
/// have no cue's shape and are ruled out without hashing.
static CUE_SHAPES: LazyLock<[u32; 26 * 26]> = LazyLock::new(|| {
    let mut shapes = [0u32; 26 * 26];
    for w in REPORT_CUE_WORDS.iter() {
        if let Some(at) = shape_index(w) {
            shapes[at] |= 1 << w.len();
        }
    }
    shapes
});

/// The index in [`CUE_SHAPES`] of a word of ASCII letters shorter than 32
/// bytes, by its first and last letters.
fn shape_index(w: &str) -> Option<usize> {
    let b = w.as_bytes();
    let (first, last) = (b.first()?.to_ascii_lowercase(), *b.last()?);
    (b.len() < 32 && first.is_ascii_lowercase() && last.is_ascii_lowercase())
        .then(|| usize::from(first - b'a') * 26 + usize::from(last - b'a'))
}

/// Whether `w` has the shape of a cue word ([`CUE_SHAPES`]).
fn may_be_cue(w: &str) -> bool {
    shape_index(w).is_some_and(|at| CUE_SHAPES[at] & (1 << w.len()) != 0)
}

/// Reported speech in a writer's sentence without quotation marks (`body`,
/// at `base`): the clause's span and its attribution, when its speaker and
/// cue come first (`Rhodes said on Tuesday that …`, [`REPORTED_LEAD`]),
/// close it (`…, Rhodes said.`, [`REPORTED_TAIL`]) or open it with
/// `According to` ([`REPORTED_ACCORDING`]). `cues` are where the body's
/// first and last cue words start (words of [`REPORT_CUE_WORDS`]).
fn reported(body: &str, base: usize, cues: (usize, usize)) -> Option<(Span, Attribution)> {
    let (first_cue, last_cue) = cues;
    let content = body.trim_end().trim_end_matches(['.', '!', '?', ';']);
    let words = |t: &str| t.split_whitespace().count();
    // The speaker and cue first: the cue within the subject, an
    // apposition and two adverbs of the sentence's start.
    // The match alone (its end is the cue's) finds whether a clause
    // follows; only then are its groups resolved, which costs several
    // times as much as the search.
    if first_cue <= 240 {
        // At the start, then after an opener of up to 80 bytes that ends
        // at a comma before the cue (`In an interview with Time magazine,
        // Khan said …`): no quotation, no clause (`Growth will slow next
        // year, the fund said …` closes with its attribution).
        let openers = body
            .get(..first_cue.min(81))
            .unwrap_or_default()
            .match_indices(',')
            .map(|(i, _)| i + 1)
            .take(2);
        for at in std::iter::once(0).chain(openers) {
            if at > 0 && !opener(body.get(..at).unwrap_or_default()) {
                break;
            }
            let Some(rest) = body.get(at..) else {
                break;
            };
            let Some(m) = REPORTED_LEAD.find(rest) else {
                continue;
            };
            if let Some(found) = reported_lead(rest, base + at, m) {
                return Some(found);
            }
            // A lead without a comma in it leaves the sentence no other
            // reading.
            if at == 0 && !m.as_str().contains(',') {
                return None;
            }
        }
    }
    if let Some(c) = body
        .trim_start()
        .starts_with("According")
        .then(|| REPORTED_ACCORDING.captures(body))
        .flatten()
    {
        let whole = c.get(0)?;
        let clause = content.get(whole.end()..)?;
        if words(clause) < MIN_WORDS {
            return None;
        }
        let a = attribution_from(&c, base)?;
        return Some((Span::new(base + whole.end(), base + content.len()), a));
    }
    // The attribution closing the sentence opens at one of its last
    // commas: each is tried, first to last, with the pattern anchored there.
    // A cue closing the sentence ends within a setting or an apposition of
    // its end, a speaker and an apposition after the comma.
    if body.len() - last_cue > 200 {
        return None;
    }
    let commas: Vec<usize> = body
        .rmatch_indices(',')
        .map(|(i, _)| i)
        .filter(|&i| i < last_cue)
        .take_while(|&i| last_cue - i <= 220)
        .take(4)
        .collect();
    // The comma is found by the search alone; the groups are resolved
    // once the clause before it qualifies.
    let comma = *commas
        .iter()
        .rev()
        .find(|&&i| body.get(i..).is_some_and(|t| REPORTED_TAIL.is_match(t)))?;
    let clause = body.get(..comma)?;
    let lead = clause.len() - clause.trim_start().len();
    let opener = clause.split_whitespace().next().unwrap_or_default();
    let finite = clause.split_whitespace().any(|w| {
        let w = lower_case(w.trim_end_matches([',', ';']));
        SUBJECT_PRONOUNS.contains(&&*w) || AUXILIARIES.contains(&&*w)
    });
    if words(clause) < MIN_WORDS + 1
        || SETTING_OPENERS.contains(&opener.trim_end_matches(','))
        || !finite
    {
        return None;
    }
    let c = REPORTED_TAIL.captures(body.get(comma..)?)?;
    let named = c.name("name").or_else(|| c.name("name2"));
    if too_long(&c) || named.is_some_and(|n| no_speaker(n.as_str())) {
        return None;
    }
    let a = match c.name("verb2") {
        Some(verb) => {
            let who = c.name("name2").or_else(|| c.name("nom2"))?;
            if c.name("nom2").is_some() && !nominal(who.as_str()) {
                return None;
            }
            let at = base + comma;
            Attribution {
                name: Some(Span::new(at + who.start(), at + who.end())),
                pronoun: false,
                gender: None,
                cue: cue_text(verb.as_str()),
                span: Span::new(at + verb.start(), at + who.end()),
            }
        }
        None => attribution_from(&c, base + comma)?,
    };
    Some((Span::new(base + lead, base + comma), a))
}

/// Whether the words before a comma may open a sentence before its
/// subject: a capital first, no quotation mark, no subject pronoun or
/// finite verb ([`SUBJECT_PRONOUNS`], [`FINITE_WORDS`]).
fn opener(words: &str) -> bool {
    words.trim_start().starts_with(char::is_uppercase)
        && !words.contains(['"', '“', '”'])
        && !words.split_whitespace().any(|w| {
            let w = lower_case(w.trim_end_matches(','));
            SUBJECT_PRONOUNS.contains(&&*w) || FINITE_WORDS.contains(&*w)
        })
}

/// Reported speech with its speaker first, from the match `m` of
/// [`REPORTED_LEAD`] in `body` (at `base`): the clause after the cue
/// ([`reported_clause`]), then the groups; `None` when no clause follows,
/// an opener is a clause itself, or the speaker is none.
fn reported_lead(body: &str, base: usize, m: regex::Match<'_>) -> Option<(Span, Attribution)> {
    let cue = m.as_str();
    let cue = &cue[cue.trim_end_matches(char::is_alphabetic).len()..];
    let (from, to) = reported_clause(body.get(m.end()..)?, cue)?;
    let c = REPORTED_LEAD.captures(body)?;
    let verb = c.name("verb")?;
    let rest = body.get(verb.end()..)?;
    if too_long(&c) {
        return None;
    }
    // `told reporters`, `told him`: the cue with its object, as for
    // direct quotes.
    let object = rest
        .split_whitespace()
        .next()
        .filter(|w| matches!(verb.as_str(), "told" | "tells") && TOLD_OBJECTS.contains(w));
    if c.name("name").is_some_and(|n| no_speaker(n.as_str())) {
        return None;
    }
    let mut a = attribution_from(&c, base)?;
    if let Some(o) = object {
        a.cue = format!("{} {o}", a.cue);
        let o_end = verb.end() + (o.as_ptr() as usize - rest.as_ptr() as usize) + o.len();
        a.span = Span::new(a.span.start, base + o_end);
    }
    let start = verb.end() + from;
    Some((Span::new(base + start, base + verb.end() + to), a))
}

/// Every attribution regex.
static ATTRIBUTION_REGEXES: [&LazyLock<Dual>; 16] = [
    &AFTER_NAME_VERB,
    &CUE_SENTENCE,
    &AFTER_BARE,
    &AFTER_VERB_NAME,
    &AFTER_VERB_DESCRIBED,
    &AFTER_ACCORDING,
    &AFTER_NOMINAL,
    &BEFORE,
    &BEFORE_ACCORDING,
    &INVERTED,
    &LEAD,
    &LEAD_NOMINAL,
    &REPORTED_LEAD,
    &REPORTED_TAIL,
    &REPORTED_ACCORDING,
    &CUED_NAME,
];

/// Builds this stage's regexes and tables now rather than on first use.
pub(crate) fn warm_up() {
    for re in ATTRIBUTION_REGEXES {
        LazyLock::force(re);
    }
    LazyLock::force(&CUE_WORDS);
    LazyLock::force(&REPORT_CUE_WORDS);
    LazyLock::force(&CUE_SHAPES);
    LazyLock::force(&FINITE_WORDS);
    LazyLock::force(&NAME_GENDERS);
}

#[cfg(test)]
mod tests_support {
    use super::super::cleanup;
    use super::super::entities::{self, Context};
    use super::super::segment;
    use super::*;
    use chrono::NaiveDate;

    /// The quotes of a text, found as the pipeline finds them.
    pub(super) fn quotes(text: &str) -> Vec<Quote> {
        let cleaned = cleanup::clean(text);
        let masked = cleaned.masked.as_str();
        let sentences = segment::sentences(masked);
        let tokens = segment::tokens(masked, &sentences, "en");
        let shapes = segment::shapes(masked, &sentences, &tokens);
        let ctx = Context {
            text: masked,
            sentences: &sentences,
            shapes: &shapes,
            tokens: &tokens,
            title: None,
            reference_date: NaiveDate::from_ymd_opt(2015, 11, 16).unwrap(),
            language: "en",
            gazetteer: Default::default(),
            title_lines: Default::default(),
        };
        let es = entities::extract(&ctx);
        extract(text, masked, &sentences, &es, &cleaned.shortcodes, &tokens)
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::quotes;
    use super::*;

    fn summary(qs: &[Quote]) -> Vec<(&str, &str, &str, QuoteKind)> {
        qs.iter()
            .map(|q| (q.text.as_str(), q.speaker.as_str(), q.cue.as_str(), q.kind))
            .collect()
    }

    #[test]
    fn ascii_narrowing_matches_the_same_on_ascii_text() {
        let pieces = [
            "Ben Rhodes",
            "he",
            "He",
            "She",
            "they",
            "The minister",
            "an official",
            "de",
            "van",
            "O'Brien",
            "U.S.",
            "McDonald-Smith",
            "Jr.",
            "said",
            "says",
            "told reporters",
            "added",
            "according to",
            "shot back",
            "called",
            "has",
            "later",
            "would",
            "that",
            "the deal",
            "was",
            "on Sunday",
            "former",
            "Iowa",
            "Democrat",
            "3He",
            "x_y",
            "_",
            ",",
            ", ",
            ":",
            ". ",
            ";",
            "!",
            "?",
            "\n",
            "\t",
            "  ",
            " ",
            "\"",
            "'",
            "-",
            "42",
            "a",
            "Z",
            "(R-Fla.)",
            "(",
            ")",
            "(a long aside of more than thirty letters)",
            "\u{b}",
            "\u{c}",
        ];
        let regexes: [&Dual; 16] = ATTRIBUTION_REGEXES.map(|re| &**re);
        let spans = |c: &regex::Captures<'_>| -> Vec<Option<(usize, usize)>> {
            c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect()
        };
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut matched = 0;
        for _ in 0..3000 {
            let mut text = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let words = 1 + (seed % 12) as usize;
            for k in 0..words {
                let pick = (seed.rotate_left(5 * k as u32) % pieces.len() as u64) as usize;
                if k > 0 && !pick.is_multiple_of(3) {
                    text.push(' ');
                }
                text.push_str(pieces[pick]);
            }
            assert!(text.is_ascii());
            for re in regexes {
                let u = re.unicode.captures(&text).map(|c| spans(&c));
                let a = re.ascii.captures(&text).map(|c| spans(&c));
                assert_eq!(u, a, "{text:?} with {}", re.unicode.as_str());
                matched += usize::from(u.is_some());
                let ui: Vec<_> = re.unicode.captures_iter(&text).map(|c| spans(&c)).collect();
                let ai: Vec<_> = re.ascii.captures_iter(&text).map(|c| spans(&c)).collect();
                assert_eq!(ui, ai, "{text:?}");
            }
        }
        // The texts exercise the patterns, not only their failures.
        assert!(matched > 300, "{matched}");
        // A non-ASCII haystack takes the Unicode regex, which the narrow one
        // would not replace there.
        let text = "Łukasz Nowak said:";
        let name = |c: Option<regex::Captures<'_>>| {
            c.and_then(|c| c.name("name").map(|m| m.as_str().to_string()))
        };
        assert_eq!(name(BEFORE.captures(text)).as_deref(), Some("Łukasz Nowak"));
        assert_eq!(name(BEFORE.ascii.captures(text)).as_deref(), Some("Nowak"));
    }

    #[test]
    fn attribution_forms() {
        let text = "Adviser Ben Rhodes spoke to NBC.\n\n\"We will win this fight,\" Rhodes said.\n\n\"It will take a long time,\" said Rhodes.\n\nRhodes told reporters: \"The coalition is strong now.\"\n\n\"Nobody knows the answer yet,\" he told reporters.";
        let qs = quotes(text);
        assert_eq!(
            summary(&qs),
            vec![
                (
                    "We will win this fight",
                    "Ben Rhodes",
                    "said",
                    QuoteKind::Direct
                ),
                (
                    "It will take a long time",
                    "Ben Rhodes",
                    "said",
                    QuoteKind::Direct
                ),
                (
                    "The coalition is strong now.",
                    "Ben Rhodes",
                    "told",
                    QuoteKind::Direct
                ),
                (
                    "Nobody knows the answer yet",
                    "Ben Rhodes",
                    "told",
                    QuoteKind::Direct
                ),
            ]
        );
        let a = qs[0].attribution_span.unwrap();
        assert_eq!(&text[a.start..a.end], "Rhodes said");
        assert!(qs.iter().all(|q| q.speaker_entity_id.is_some()));
    }

    #[test]
    fn curly_french_german_and_continuing_paragraph() {
        let text = "Minister Angela Merkel spoke.\n\n“Wir schaffen das, ganz sicher,” Merkel said.\n\n„Das ist unsere Aufgabe hier.“\n\nUnrelated paragraph.\n\n«Ce n'est pas fini du tout», a dit quelqu'un.\n\n\"Two words\" only.";
        let qs = quotes(text);
        assert_eq!(
            summary(&qs),
            vec![
                (
                    "Wir schaffen das, ganz sicher",
                    "Angela Merkel",
                    "said",
                    QuoteKind::Direct
                ),
                (
                    "Das ist unsere Aufgabe hier.",
                    "Angela Merkel",
                    "",
                    QuoteKind::Direct
                ),
                ("Ce n'est pas fini du tout", "", "", QuoteKind::Direct),
            ]
        );
    }

    #[test]
    fn typewriter_marks_are_quotation_marks() {
        let text = "''It felt right,'' he said of the word 'old-school,''' and ``so on.''";
        let marked = typewriter_marks(text);
        assert_eq!(marked.len(), text.len());
        assert_eq!(
            marked,
            "\" It felt right, \" he said of the word 'old-school,' \" and \" so on. \""
        );
        assert!(matches!(
            typewriter_marks("It's Jones' car."),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(typewriter_marks("a '''' b"), "a '''' b");
        let text = "Former aide Jim Rogan spoke on Monday.\n\n''It felt like he and I had kind of patched it up,'' Mr. Rogan said. ''We talked for an hour.''\n\nHe said ''nothing'' more.";
        let qs = quotes(text);
        assert_eq!(
            summary(&qs),
            vec![
                (
                    "It felt like he and I had kind of patched it up",
                    "Jim Rogan",
                    "said",
                    QuoteKind::Direct
                ),
                ("We talked for an hour.", "Jim Rogan", "", QuoteKind::Direct),
            ]
        );
        // As with straight marks.
        let straight = text.replace("''", "\"");
        assert_eq!(summary(&quotes(&straight)), summary(&qs));
        // The offsets are the text's own.
        assert_eq!(&text[qs[0].span.start..qs[0].span.start + 7], "It felt");
    }

    #[test]
    fn shortcode_and_indirect_quotes() {
        let text = "Adviser Ben Rhodes spoke.\n\n%shareLinks-quote=\"We are seeking more contributions from partners.\" type=\"quote\" author=\"Ben Rhodes\"%\n\nSeparately, Rhodes told reporters that the group has the aspiration to attack.";
        let qs = quotes(text);
        assert_eq!(qs.len(), 2);
        assert_eq!(
            qs[0].text,
            "We are seeking more contributions from partners."
        );
        assert_eq!(qs[0].speaker, "Ben Rhodes");
        let a = qs[0].attribution_span.unwrap();
        assert_eq!(&text[a.start..a.end], "Ben Rhodes");
        assert_eq!(qs[1].kind, QuoteKind::Indirect);
        assert_eq!(qs[1].text, "the group has the aspiration to attack");
        assert_eq!(qs[1].cue, "told reporters");
        let a = qs[1].attribution_span.unwrap();
        assert_eq!(&text[a.start..a.end], "Rhodes told reporters");
    }

    #[test]
    fn every_cue_word_has_a_cue_shape_and_most_words_do_not() {
        for w in REPORT_CUE_WORDS.iter() {
            assert!(may_be_cue(w), "{w}");
        }
        let words = "the of and to in a is that for on was with he it as at by from";
        assert!(words.split(' ').all(|w| !may_be_cue(w)));
        assert!(!may_be_cue("saidé") && !may_be_cue(""));
    }

    #[test]
    fn reported_speech_around_a_partial_quote_but_not_a_direct_one() {
        let text = "Senator Bernie Sanders spoke in Iowa on Monday.\n\n\
            Sanders said the financial system was \"corrupt\" and had to be broken up.\n\n\
            \"We will break up the big banks,\" Sanders said of the plan on Monday.\n\n\
            Sanders said the banks had \"crashed the economy\" in 2008.";
        let qs = quotes(text);
        assert_eq!(
            summary(&qs),
            vec![
                (
                    "the financial system was \"corrupt\" and had to be broken up",
                    "Bernie Sanders",
                    "said",
                    QuoteKind::Indirect
                ),
                (
                    "We will break up the big banks",
                    "Bernie Sanders",
                    "said",
                    QuoteKind::Direct
                ),
                (
                    "the banks had \"crashed the economy\" in 2008",
                    "Bernie Sanders",
                    "said",
                    QuoteKind::Indirect
                ),
                (
                    "crashed the economy",
                    "Bernie Sanders",
                    "said",
                    QuoteKind::Partial
                ),
            ]
        );
    }

    #[test]
    fn reported_speech_of_bare_plurals_and_after_an_opener() {
        let text = "Agents met on Monday.\n\n\
            Abortion rights advocates said the ruling had made the fight more critical.\n\n\
            Sanders's top advisers said the campaign would not accept any declaration.\n\n\
            Many voters in Ohio said they would stay at home.\n\n\
            The bill Obama said would pass.\n\n\
            In an interview with Time magazine on Monday, Mayor Sadiq Khan said he would visit New York.";
        let qs = quotes(text);
        assert_eq!(
            summary(&qs),
            vec![
                (
                    "the ruling had made the fight more critical",
                    "Abortion rights advocates",
                    "said",
                    QuoteKind::Indirect
                ),
                (
                    "the campaign would not accept any declaration",
                    "Sanders's top advisers",
                    "said",
                    QuoteKind::Indirect
                ),
                (
                    "he would visit New York",
                    "Sadiq Khan",
                    "said",
                    QuoteKind::Indirect
                ),
            ]
        );
    }

    #[test]
    fn reported_speech_with_its_speaker_before_after_or_according_to() {
        let text = "Senator Elizabeth Warren spoke in Boston on Monday.\n\n\
            She said the bill would pass before the end of the year.\n\n\
            The International Monetary Fund said on Tuesday that growth in the United States would slow.\n\n\
            Growth will slow sharply next year, the fund said in its report.\n\n\
            Warren, a Democrat from Massachusetts, told reporters the Federal Reserve should act.\n\n\
            According to the report, the company lost $2 billion last year.\n\n\
            Rubio claimed the prize for exceeding expectations.\n\n\
            An estimated 200 officers were assigned to the parade.\n\n\
            Trump said on Tuesday.\n\n\
            Pelosi said the vote would be close, adding that she had the numbers.";
        let qs = quotes(text);
        assert!(qs.iter().all(|q| q.kind == QuoteKind::Indirect));
        assert_eq!(
            summary(&qs),
            vec![
                (
                    "the bill would pass before the end of the year",
                    "Elizabeth Warren",
                    "said",
                    QuoteKind::Indirect
                ),
                (
                    "growth in the United States would slow",
                    "International Monetary Fund",
                    "said",
                    QuoteKind::Indirect
                ),
                (
                    "Growth will slow sharply next year",
                    "the fund",
                    "said",
                    QuoteKind::Indirect
                ),
                (
                    "the Federal Reserve should act",
                    "Elizabeth Warren",
                    "told reporters",
                    QuoteKind::Indirect
                ),
                (
                    "the company lost $2 billion last year",
                    "the report",
                    "according to",
                    QuoteKind::Indirect
                ),
                (
                    "the vote would be close",
                    "Pelosi",
                    "said",
                    QuoteKind::Indirect
                ),
            ]
        );
    }
}

#[cfg(test)]
mod attribution_tests {
    use super::tests_support::quotes;
    use super::*;

    fn find<'a>(qs: &'a [Quote], start: &str) -> &'a Quote {
        qs.iter()
            .find(|q| q.text.starts_with(start))
            .unwrap_or_else(|| panic!("no quote starting {start:?} in {qs:?}"))
    }

    #[test]
    fn a_fragment_in_the_writers_sentence_is_partial_and_keeps_its_speaker() {
        let qs = quotes(
            "Ben Rhodes said on Monday that the deal was \"a historic step for the region\" and left.\n\n\
             \"We will keep talking to them,\" Rhodes said.",
        );
        let fragment = find(&qs, "a historic step");
        assert_eq!(fragment.kind, QuoteKind::Partial);
        assert_eq!(fragment.speaker, "Ben Rhodes");
        let clause = find(&qs, "We will keep");
        assert_eq!(clause.kind, QuoteKind::Direct);
        // A quote after a colon or a cue opens a clause of its own.
        let qs = quotes("Rhodes told reporters: \"The talks will go on next week.\"");
        assert_eq!(find(&qs, "The talks").kind, QuoteKind::Direct);
        let qs = quotes("Rhodes said \"the talks will go on next week.\"");
        assert_eq!(find(&qs, "the talks").kind, QuoteKind::Direct);
    }

    #[test]
    fn a_quoted_transcript_turn_is_its_labelled_speakers() {
        let qs = quotes(
            "Gov. Mike Pence spoke to Fox News on Sunday. Partial transcript as follows:\n\n\
             \"WALLACE: Will Gennifer Flowers be at the debate tomorrow night?\n\n\
             \"PENCE: Gennifer Flowers will not be attending the debate tomorrow night.\n\n\
             \"WALLACE: Governor, I don't want to interrupt, but I want to ask you this.\n\n\
             \"VIDEO: Crowds gathered outside the hall before the debate began.\"",
        );
        // The label is no part of the words; a label in capitals is the
        // person the text names with that surname, or the label itself.
        let pence = find(&qs, "Gennifer Flowers will not");
        assert!(pence.text.starts_with("Gennifer"), "{pence:?}");
        assert_eq!(pence.speaker, "Mike Pence");
        assert!(pence.speaker_entity_id.is_some());
        assert_eq!(pence.kind, QuoteKind::Direct);
        let wallace = find(&qs, "Will Gennifer");
        assert!(wallace.text.starts_with("Will"), "{wallace:?}");
        assert_eq!(wallace.speaker, "Wallace");
        assert_eq!(find(&qs, "Governor, I don't").speaker, "Wallace");
        // "VIDEO:" is no speaker's label: the words keep it.
        assert!(
            qs.iter().any(|q| q.text.starts_with("VIDEO: Crowds")),
            "{qs:?}"
        );
        assert_eq!(transcript_label("NOTE: x", Span::new(0, 7)), None);
        assert_eq!(transcript_label("Well: x", Span::new(0, 7)), None);
        assert_eq!(transcript_label("Q: x", Span::new(0, 4)), None);
        assert_eq!(
            transcript_label("JAKE TAPPER: x", Span::new(0, 14)),
            Some(Span::new(0, 11))
        );
    }

    #[test]
    fn a_lower_case_quote_carrying_on_the_writers_clause_is_partial() {
        let qs = quotes(
            "Specifically, \"that the working class has been victimized by outsourcing.\"\n\n\
             Ryan said \"the talks will go on next week.\"\n\n\
             Yet, \"it is hard to make a causal link,\" added Zarate.",
        );
        assert_eq!(find(&qs, "that the working").kind, QuoteKind::Partial);
        // A cue in the lead, or an attribution after, keeps it a clause.
        assert_eq!(find(&qs, "the talks").kind, QuoteKind::Direct);
        assert_eq!(find(&qs, "it is hard").kind, QuoteKind::Direct);
        let qs = quotes("Specifically, \"That the working class has been victimized.\"");
        assert_eq!(find(&qs, "That the working").kind, QuoteKind::Direct);
    }

    #[test]
    fn a_dash_and_a_name_in_the_next_paragraph_attribute_a_quote() {
        let qs = quotes(
            "The numbers are old.\n\n\
             \"Almost all new income and wealth is going to the top 1 percent.\"\n\n\
             - Bernie Sanders.\n\n\
             \"It needs to stop now, and it needs to stop here.\"\n\n\
             -Michelle Marks, Philadelphia.\n\n\
             \"We will not wait.\"\n\n\
             \u{2014} Jos\u{e9}\u{a0}Mart\u{ed}.\n\n\
             \"Our country, our accents and our colors change.\"\n\n\
             – An immigrant himself –.",
        );
        assert_eq!(find(&qs, "Almost all").speaker, "Bernie Sanders");
        assert_eq!(find(&qs, "It needs").speaker, "Michelle Marks");
        // A no-break space is two bytes: the name still ends where it ends.
        assert_eq!(find(&qs, "We will not").speaker, "Jos\u{e9} Mart\u{ed}");
        // A heading after a dash names nobody.
        assert_eq!(find(&qs, "Our country").speaker, "");
    }

    #[test]
    fn a_dash_and_a_name_closing_a_quotes_line_attribute_it() {
        let qs = quotes(
            "Readers wrote in after the debate.\n\n\
             \u{201c}We will vote this time, all of us, every one.\u{201d} \u{2014} and so on.\n\n\
             \u{201c}He has empowered the worst among us to speak up.\u{201d} \u{2015} Sonya Herridge\n\
             \u{201c}He is ignorant of our culture and of our lives.\u{201d}\u{2015} Pamela Padilla \n\
             \u{201c}Maybe we can build a wall around him instead.\u{201d} \u{2014} Steve Quinlan, Tucson.",
        );
        assert_eq!(find(&qs, "He has empowered").speaker, "Sonya Herridge");
        assert_eq!(find(&qs, "He is ignorant").speaker, "Pamela Padilla");
        assert_eq!(find(&qs, "Maybe we can").speaker, "Steve Quinlan");
        // Lower-case words after the dash name nobody.
        assert_eq!(find(&qs, "We will vote").speaker, "");
    }

    #[test]
    fn speakers_behind_titles_appositives_and_no_break_spaces() {
        let qs = quotes(
            "\"Carolina is going to win that one,\" Gov. Kasich replied.\n\n\
             \"I don't think that superdelegates ought to sway the election,\" Warren, who has not endorsed a candidate, told reporters.\n\n\
             \"Fox News is disappointed by the decision,\" Sammon\u{a0}said.\n\n\
             \"Our friends no longer trust us at all,\" former Florida governor Jeb Bush said.",
        );
        assert_eq!(find(&qs, "Carolina").speaker, "Kasich");
        assert_eq!(find(&qs, "I don't think").speaker, "Warren");
        assert_eq!(find(&qs, "Fox News").speaker, "Sammon");
        assert_eq!(find(&qs, "Our friends").speaker, "Jeb Bush");
        assert_eq!(find(&qs, "Carolina").cue, "replied");
    }

    #[test]
    fn a_pronoun_speaker_is_the_last_named_speaker_and_a_group_is_named_as_written() {
        let qs = quotes(
            "\"The vote will come next month,\" said Senator Harry Reid. The chamber was quiet.\n\n\
             \"We have the numbers for it,\" he said.\n\n\
             \"Members stand ready to march again,\" the group said.",
        );
        assert_eq!(find(&qs, "We have the numbers").speaker, "Harry Reid");
        assert_eq!(find(&qs, "Members stand").speaker, "the group");
    }

    #[test]
    fn quoted_titles_are_not_quotes() {
        let qs = quotes(
            "She appeared on \"Good Morning America\" on Monday.\n\n\
             \"We Will Win This Race,\" Clinton said.",
        );
        assert!(qs.iter().all(|q| !q.text.contains("Morning")), "{qs:?}");
        assert_eq!(find(&qs, "We Will Win").speaker, "Clinton");
    }

    #[test]
    fn mixed_and_mistyped_marks_pair() {
        let qs = quotes(
            "\"We will keep talking to them all,” Rhodes said.\n\n\
             “It is a hard thing to do well,“ said Larry Noble, an attorney.",
        );
        assert_eq!(find(&qs, "We will keep").speaker, "Rhodes");
        let noble = find(&qs, "It is a hard");
        assert_eq!(noble.text, "It is a hard thing to do well");
        assert_eq!(noble.speaker, "Larry Noble");
    }

    #[test]
    fn a_paragraph_ending_in_a_colon_introduces_the_quote_after_it() {
        let text =
            "Reporter Jomana Karadsheh says:\n\n\"Well, the eyewitness describes a frontline.\"";
        let qs = quotes(text);
        let q = find(&qs, "Well, the eyewitness");
        assert_eq!(q.speaker, "Jomana Karadsheh");
        assert_eq!(q.cue, "says");
        let a = q.attribution_span.expect("attribution");
        assert_eq!(&text[a.start..a.end], "Reporter Jomana Karadsheh says");
        // A colon paragraph whose verb is no cue: its subject speaks.
        let qs = quotes(
            "Senator Ted Cruz spoke.\n\nCruz called them on it:\n\n\"The questions asked in this debate illustrate it.\"",
        );
        assert_eq!(find(&qs, "The questions").speaker, "Ted Cruz");
        assert_eq!(find(&qs, "The questions").cue, "called");
    }

    #[test]
    fn the_subject_of_an_introducing_sentence_speaks() {
        let qs = quotes(
            "Bernie Sanders toured the state.\n\n\
             At the debate, Sanders compared himself to Clinton, saying, \"I don't get personal speaking fees.\"\n\n\
             When he returned he began by saying, \"I don't think that it is necessary.\"\n\n\
             The email goes on to say: \"Trump wants to write racism into our law books.\"",
        );
        assert_eq!(find(&qs, "I don't get").speaker, "Bernie Sanders");
        assert_eq!(find(&qs, "I don't get").cue, "compared");
        assert_eq!(find(&qs, "Trump wants").speaker, "The email");
        // "he" is the last named speaker.
        assert_eq!(find(&qs, "I don't think").speaker, "Bernie Sanders");
        // A heading with a colon names nobody.
        let qs = quotes(
            "Signs of a shift:\n\n\"Data collected by our firm helps confirm both issues.\"",
        );
        assert_eq!(find(&qs, "Data collected").speaker, "");
        // A name ending in "ly" is no adverb that ends the noun phrase.
        let qs = quotes(
            "In an attempt to make its point, the Daily News focuses on the spree:              \"In taking 129 lives in half an hour, the attackers showed how deadly they were.\"",
        );
        assert_eq!(find(&qs, "In taking").speaker, "the Daily News");
        // "goes on" before a noun is no cue: the speaker is the one who said.
        let qs = quotes(
            "Cruz declined to comment. By contrast, Sen. Marco Rubio said that once the Senate goes on recess,              \"I intend to do as much as I can, wherever I can be helpful.\"",
        );
        assert_eq!(find(&qs, "I intend").speaker, "Marco Rubio");
        assert_eq!(find(&qs, "I intend").cue, "said");
    }

    #[test]
    fn speakers_described_after_the_cue_and_auxiliaries_before_it() {
        let qs = quotes(
            "\"She is too far behind now,\" said an Iowa Democrat, \"and Iowa was not decisive.\"\n\n\
             \"She is going to be more aggressive,\" said former South Carolina Gov. Jim Hodges, a Clinton backer.\n\n\
             \"Certainly he has gone the other way,\" said the former top aide to President George W. Bush.\n\n\
             \"She still has the best friends from school,\" Bill Clinton has said.\n\n\
             \"There was wrongdoing in the end,\" said a former official in Washington.",
        );
        assert_eq!(find(&qs, "She is too far").speaker, "an Iowa Democrat");
        assert_eq!(find(&qs, "and Iowa").speaker, "an Iowa Democrat");
        // The name behind the titles, resolved to its entity.
        assert_eq!(find(&qs, "She is going").speaker, "Jim Hodges");
        assert_eq!(
            find(&qs, "Certainly").speaker,
            "the former top aide to President George W. Bush"
        );
        let bill = find(&qs, "She still has");
        assert_eq!(
            (bill.speaker.as_str(), bill.cue.as_str()),
            ("Bill Clinton", "said")
        );
        // The description ends before "in Washington".
        assert_eq!(find(&qs, "There was").speaker, "a former official");
    }

    #[test]
    fn a_short_quote_followed_by_its_attribution_is_speech() {
        let qs = quotes(
            "Donald Trump spoke on Monday.\n\n\
             \"It's fine,\" Trump said. \"And much tougher than that is fine.\"\n\n\
             Critics called it \"plain torture\" at once.",
        );
        let short = find(&qs, "It's fine");
        assert_eq!(
            (short.speaker.as_str(), short.cue.as_str()),
            ("Donald Trump", "said")
        );
        assert_eq!(find(&qs, "And much tougher").speaker, "Donald Trump");
        assert!(qs.iter().all(|q| q.text != "plain torture"), "{qs:?}");
        // An appositive with commas of its own between quote and cue.
        let qs = quotes(
            "\"Both of them scare me a lot,\" Harry Bond, 30, of Raleigh, N.C., who was polled, said in an interview.",
        );
        assert_eq!(find(&qs, "Both of them").speaker, "Harry Bond");
    }

    #[test]
    fn the_sentence_after_a_quote_ends_at_a_full_stop_but_not_a_titles() {
        assert_eq!(sentence_end(" Gov. Kasich replied. Then"), 20);
        let whole = " said Harry M. Reid (D-Nev.), adding";
        assert_eq!(sentence_end(whole), whole.len());
        assert_eq!(sentence_end(" he said! Then"), 8);
    }
}

#[cfg(test)]
mod speaker_tests {
    use super::tests_support::quotes;
    use super::*;

    fn speaker_of<'a>(qs: &'a [Quote], start: &str) -> &'a str {
        qs.iter()
            .find(|q| q.text.starts_with(start))
            .map(|q| q.speaker.as_str())
            .unwrap_or_else(|| panic!("no quote starting {start:?} in {qs:?}"))
    }

    fn find<'a>(qs: &'a [Quote], start: &str) -> &'a Quote {
        qs.iter()
            .find(|q| q.text.starts_with(start))
            .unwrap_or_else(|| panic!("no quote starting {start:?} in {qs:?}"))
    }

    #[test]
    fn a_pronoun_refers_to_the_subject_of_its_own_sentences_lead() {
        // The writer's words before the quote, in the pronoun's own
        // sentence, name the speaker: not the person of the sentence
        // before.
        let qs = quotes(
            "Francois Hollande spoke in Paris on Monday.\n\n\
             Later, Trump asserted that France had lost its identity: \"France is no longer France,\" he claimed.",
        );
        assert_eq!(speaker_of(&qs, "France is no"), "Trump");
    }

    #[test]
    fn an_adverb_may_stand_between_the_speaker_and_the_cue() {
        let qs = quotes(
            "Ted Cruz won the caucus in Iowa.\n\n\
             \"I hate to say it, I am becoming mainstream,\" Trump jokingly said.",
        );
        assert_eq!(speaker_of(&qs, "I hate to say"), "Trump");
        let q = find(&qs, "I hate to say");
        assert_eq!(q.cue, "said");
    }

    #[test]
    fn a_noun_phrase_without_a_determiner_after_the_quote_is_the_speaker() {
        // A plural head (`federal prosecutors`), and a possessive name with
        // what it owns (`Ryan’s office`), given as written.
        let qs = quotes(
            "Ted Cruz won the caucus in Iowa.\n\n\
             \"The extent of the harm caused is incalculable,\" federal prosecutors wrote in seeking a maximum penalty.\n\n\
             \"Speaker Ryan has invited Donald Trump to meet with the leadership,\" Ryan’s office said in a statement.\n\n\
             \"We are not going anywhere at all,\" campaign officials also said.",
        );
        assert_eq!(speaker_of(&qs, "The extent"), "federal prosecutors");
        assert_eq!(speaker_of(&qs, "Speaker Ryan"), "Ryan’s office");
        assert_eq!(speaker_of(&qs, "We are not going"), "campaign officials");
        // No plural head, no possessive: no speaker from these words.
        assert!(!bare_nominal("the campaign"));
        assert!(!bare_nominal("as it"));
        assert!(!bare_nominal("and they"));
        assert!(bare_nominal("senior aides"));
    }

    #[test]
    fn a_participle_with_its_object_introduces_the_quote() {
        // `telling the crowd,` and `tweeting at him,`: the participle is
        // not the lead's last word; the sentence's subject speaks.
        let qs = quotes(
            "Donald Trump said the system was rigged. \"That will be a horrible day,\" Trump said.\n\n\
             Clinton seemed ready to riff on the incident in Iowa, telling the crowd, \"Some people get a little carried away, have you noticed that?\"\n\n\
             Jeb Bush offered a retort on the mogul's preferred mode of communication, tweeting at him, \"You are not just a loser, you are a liar.\"",
        );
        assert_eq!(speaker_of(&qs, "Some people"), "Clinton");
        assert_eq!(speaker_of(&qs, "You are not just"), "Jeb Bush");
    }

    #[test]
    fn a_pronoun_passes_over_an_opening_participles_phrase_and_an_agent() {
        // `Filling in for …, West landed`: the people of the opening phrase
        // are no subject.
        let qs = quotes(
            "Cornel West spoke for the senator at the forum.\n\n\
             Filling in for Sanders at the same event where Martin O'Malley appeared Sunday, West landed a sharp dig at the front-runner.\n\n\
             \"I took Wall Street money but it didn't affect me?\" he said.",
        );
        assert_eq!(speaker_of(&qs, "I took Wall"), "Cornel West");
        // `Preceded at the lectern by Joe Arpaio, …, Trump launched`: the
        // agent after `by` is no subject either.
        let qs = quotes(
            "Donald Trump landed in Phoenix on Wednesday.\n\n\
             Preceded at the lectern by Joe Arpaio, the Arizona sheriff, Trump launched into a lament for the victims.\n\n\
             \"We will build a great wall along the southern border!\" he said to an enormous cheer.",
        );
        assert_eq!(speaker_of(&qs, "We will build"), "Donald Trump");
    }

    #[test]
    fn a_name_in_apposition_and_put_it_as_a_cue() {
        let qs = quotes(
            "Bernie Sanders spoke in Los Angeles on Monday.\n\n\
             \"By December, California stuck out as a place to compete,\" Sanders's campaign manager, Jeff Weaver, said in an interview.\n\n\
             As Vulture put it, \"Hello, it is the Biebs.\" Justin Bieber has finally dethroned Adele.",
        );
        assert_eq!(speaker_of(&qs, "By December"), "Jeff Weaver");
        assert_eq!(speaker_of(&qs, "Hello, it is"), "Vulture");
        assert_eq!(find(&qs, "Hello, it is").cue, "put it");
    }

    #[test]
    fn a_cue_inside_a_that_clause_is_not_the_sentences_own() {
        // `pointing out that the paper's Robert Costa had reported`: Costa's
        // cue is reported speech; Carson is the sentence's subject.
        let qs = quotes(
            "Ben Carson spoke on CNN on Sunday.\n\n\
             Carson turned the story back on the Post, pointing out that the paper's Robert Costa had reported in June that the campaign was coming apart.\n\n\
             \"Apparently not,\" he said.",
        );
        assert_eq!(speaker_of(&qs, "Apparently not"), "Ben Carson");
    }

    #[test]
    fn a_sentence_of_a_speaker_and_a_cue_attributes_the_next_quote() {
        // `Dianne Bystrom agreed.` then a quote without attribution: hers,
        // not the last speaker's; in its paragraph or ending the one before.
        let qs = quotes(
            "\"They have failed to compete with Trump,\" said Craig Robinson, an editor.\n\n\
             Iowa State University's Dianne Bystrom agreed. \"Mainstream Republicans are running out of time.\"\n\n\
             Jeb Bush disagreed.\n\n\
             \"We are going to win this state in the end.\"",
        );
        assert_eq!(speaker_of(&qs, "Mainstream"), "Dianne Bystrom");
        assert_eq!(speaker_of(&qs, "We are going"), "Jeb Bush");
    }

    #[test]
    fn a_short_time_phrase_before_the_subject_is_passed_over() {
        let qs = quotes(
            "Sheldon Adelson praised Donald Trump in Macau. \"He was very charming,\" Adelson said.\n\n\
             Hours later, Trump returned the compliment to Adelson, telling Reuters, \"Sheldon and I have been friends for a long time.\"",
        );
        assert_eq!(speaker_of(&qs, "Sheldon and I"), "Donald Trump");
    }

    #[test]
    fn a_pronoun_with_a_cue_inside_a_clause_leaves_the_sentence_its_subject() {
        // `which he said`: the sentence's subject is the one speaking.
        let qs = quotes(
            "Ted Cruz won the caucus in Iowa.\n\n\
             Donald Trump has blasted the delegate system, which he said runs the risk of leaving voters out.\n\n\
             \"It's a rigged, disgusting, dirty system,\" he said.",
        );
        assert_eq!(speaker_of(&qs, "It's a rigged"), "Donald Trump");
        // `before he announced`: a clause of time, no speech.
        let qs = quotes(
            "Bernie Sanders is gaining on her.\n\n\
             Woodrow Benford, 58, who lives outside Minneapolis, says he didn't know much about Sanders before he announced his bid.\n\n\
             \"Some changes need to be made,\" he said.",
        );
        assert_eq!(speaker_of(&qs, "Some changes"), "Woodrow Benford");
        // `…, but he suggested`: the pronoun opens a main clause, so the
        // sentence goes on about the person named before it.
        let qs = quotes(
            "Paul Ryan spoke to reporters on Sunday.\n\n\
             The Wisconsin Republican did give Donald Trump some credit, but he suggested the reality TV star is no Reagan.\n\n\
             \"We don't always nominate a Lincoln,\" he said.",
        );
        assert_eq!(speaker_of(&qs, "We don't always"), "Paul Ryan");
    }

    #[test]
    fn the_object_of_a_preposition_is_no_pronouns_referent_when_a_subject_is_named() {
        let qs = quotes(
            "Ted Cruz spoke in Iowa.\n\n\
             Making his way around Mark Vachon, Jeb Bush thanked another diner for his help.\n\n\
             \"With your help, we can do it,\" he said.",
        );
        assert_eq!(speaker_of(&qs, "With your help"), "Jeb Bush");
    }

    #[test]
    fn a_long_apposition_before_the_cue_keeps_an_untagged_speaker() {
        let qs = quotes(
            "Republican Christine Todd Whitman, the former New Jersey governor and Environmental Protection Agency administrator, told The Star-Ledger she would rather vote for Hillary Clinton.\n\n\
             \"I am ashamed that Christie would endorse anyone like that,\" she said.",
        );
        assert!(speaker_of(&qs, "I am ashamed").ends_with("Whitman"));
    }

    #[test]
    fn a_noun_phrase_with_a_cue_before_the_quote_is_its_speaker() {
        let qs = quotes(
            "Sanders is releasing a new ad. The ad says \u{201c}nothing will change until we elect new candidates.\u{201d}\n\n\
             At one point, a woman asked for a photo and Bill Clinton said, \u{201c}as long as we are not violating any laws.\u{201d}",
        );
        assert_eq!(speaker_of(&qs, "nothing will change"), "The ad");
        // A name with a cue there goes first.
        assert_eq!(speaker_of(&qs, "as long as"), "Bill Clinton");
    }

    #[test]
    fn groups_and_described_speakers_are_named_as_written() {
        let qs = quotes(
            "\"It's the nominee's party, not ours,\" one Trump campaign source said.\n\n\
             \"He is a politician selling his own brand of fiction,\" the paper's editorial board wrote.\n\n\
             The email said, \"Effective immediately, we are going to wind down.\"\n\n\
             According to the newspaper, \"America's porous gun laws empower dealers.\"\n\n\
             \"Members stand ready to march again,\" the group said.",
        );
        assert_eq!(
            speaker_of(&qs, "It's the nominee"),
            "one Trump campaign source"
        );
        assert_eq!(
            speaker_of(&qs, "He is a politician"),
            "the paper's editorial board"
        );
        assert_eq!(speaker_of(&qs, "Effective immediately"), "The email");
        assert_eq!(speaker_of(&qs, "America's porous"), "the newspaper");
        assert_eq!(speaker_of(&qs, "Members stand"), "the group");
        // A clause is no speaker: "is" cannot be inside a noun phrase.
        let qs = quotes(
            "Police Chief Calvin Williams spoke, saying, \"The fewer guns, the better.\" The Buckeye State is one of 45 states where it is legal.",
        );
        assert_ne!(
            speaker_of(&qs, "The fewer guns"),
            "The Buckeye State is one of 45"
        );
    }

    #[test]
    fn names_with_tags_appositives_and_labels() {
        let qs = quotes(
            "Speaker Paul Ryan (R-Wis.) said \"anti-Semitic images have no place in a campaign.\"\n\n\
             Dick Dever, who was listed on the Cruz slate, told POLITICO, \"Of the three, I like John Kasich the best.\"\n\n\
             In a statement to the Observer, her senior adviser, Jake Sullivan, said: \"Hillary Clinton believes in cooperation.\"\n\n\
             \"This is just a scripted television show,\" Virginia delegate Beau Correll said.\n\n\
             Priebus later Thursday told Fox News: \"Both men are meeting up next week.\"",
        );
        assert_eq!(speaker_of(&qs, "anti-Semitic"), "Paul Ryan");
        assert_eq!(speaker_of(&qs, "Of the three"), "Dick Dever");
        assert_eq!(speaker_of(&qs, "Hillary Clinton believes"), "Jake Sullivan");
        assert_eq!(speaker_of(&qs, "This is just"), "Beau Correll");
        assert_eq!(speaker_of(&qs, "Both men"), "Priebus");
        // A name before a colon labels the quote after it; an object does not.
        let qs = quotes(
            "Jeb Bush and Hillary Clinton reject the term.\n\n\
             Clinton: \"Our goal is not to contain ISIS but to defeat it.\"\n\n\
             Senator Mitch McConnell delivered a message to Trump: \"It's time to quit attacking people.\"",
        );
        assert_eq!(speaker_of(&qs, "Our goal"), "Hillary Clinton");
        assert_eq!(speaker_of(&qs, "It's time"), "Mitch McConnell");
    }

    #[test]
    fn a_pronoun_speaker_is_the_nearest_fitting_person() {
        // The subject of the sentence before, not the last speaker quoted.
        let qs = quotes(
            "\"We will win this state easily,\" Donald Trump said.\n\n\
             Former Mexican president Felipe Calderon also noted that immigration is in decline.\n\n\
             \"They can work for a motor company in Mexico now,\" he said.",
        );
        assert_eq!(speaker_of(&qs, "They can work"), "Felipe Calderon");
        // "she" passes over a man; the cue's subject beats the first name
        // (`Trump's accusation that Obama ..., Biden said`).
        let qs = quotes(
            "Senator Elizabeth Warren spoke after Bernie Sanders left the stage.\n\n\
             \"We are not done fighting for them,\" she said.\n\n\
             Trump's claim that Barack Obama founded the group was false, Joe Biden said.\n\n\
             \"It puts the lives of our troops at risk,\" he said.",
        );
        assert_eq!(speaker_of(&qs, "We are not done"), "Elizabeth Warren");
        assert_eq!(speaker_of(&qs, "It puts the lives"), "Joe Biden");
        // A pronoun after the quote it follows refers back through the chain.
        let qs = quotes(
            "\"The deal is a historic step for us,\" Ben Rhodes said.\n\n\
             \"We will keep talking to all of them,\" he added.\n\n\
             \"Nobody knows the answer yet,\" he said.",
        );
        assert_eq!(speaker_of(&qs, "Nobody knows"), "Ben Rhodes");
        // An organisation named with "The" before it is no person.
        let qs = quotes(
            "\"We are not going to stop,\" Senator Elizabeth Warren told reporters.\n\n\
             The International Monetary Fund (IMF) said on Tuesday that growth would slow.\n\n\
             \"It's a disaster,\" she said.",
        );
        assert_eq!(speaker_of(&qs, "It's a disaster"), "Elizabeth Warren");
    }

    #[test]
    fn genders_of_names_and_descriptions() {
        assert_eq!(name_gender("Hillary Clinton"), Some(Gender::Female));
        assert_eq!(name_gender("Donald Trump"), Some(Gender::Male));
        assert_eq!(name_gender("Trump"), None);
        assert_eq!(name_gender("Kim Davis"), None);
        assert_eq!(name_gender("the businessman"), Some(Gender::Male));
        assert_eq!(name_gender("the campaign"), Some(Gender::Neuter));
        assert!(fits(Gender::Female, None));
        assert!(!fits(Gender::Female, Some(Gender::Male)));
        assert!(!fits(Gender::Male, Some(Gender::Neuter)));
        // One table: names only the quote stage needed a gender for are
        // first names too.
        assert_eq!(name_gender("Kellyanne Conway"), Some(Gender::Female));
        assert!(super::super::entities::is_first_name("Kellyanne"));
        assert_eq!(name_gender("Jamie Dimon"), None);
        // A man's word ending a longer name is a surname; a title before a
        // name and an organisation’s word keep their sense (`Billie Jean King`).
        assert_eq!(name_gender("Hillary King"), Some(Gender::Female));
        assert_eq!(name_gender("King Abdullah"), Some(Gender::Male));
        assert_eq!(
            name_gender("Democratic National Committee"),
            Some(Gender::Neuter)
        );
        // The police speak as a body.
        assert_eq!(name_gender("Police"), Some(Gender::Plural));
    }

    #[test]
    fn a_quotation_ending_its_sentence_ends_the_lead() {
        // The earlier quotation's full stop ends the sentence before the
        // one that introduces the quote, whose subject follows two openers.
        let text = "He took credit for \"being right on terrorism.\" And then Trump went on the attack, saying, ";
        let (start, lead) = sentence_before(text, 0, text.len());
        assert_eq!(lead, " And then Trump went on the attack, saying, ");
        assert_eq!(start, text.find(" And").unwrap_or(0));
        // A participle after it carries the sentence on.
        let text = "Maher said it \"wasn't good.\" Adding, ";
        assert_eq!(sentence_before(text, 0, text.len()).0, 0);
        let qs = quotes(
            "Presumptive GOP nominee Donald Trump's first tweet was a measured comment.\n\n\
             The crowd cheered for \"being right on terrorism.\" And then Trump went on the attack, saying, \"Is President Obama going to mention the words?\"",
        );
        assert_eq!(speaker_of(&qs, "Is President"), "Donald Trump");
    }

    #[test]
    fn openers_in_a_row_before_the_subject() {
        // Trump is a person the entity stage knows by a mention elsewhere.
        let entities = vec![Entity {
            id: "e1".to_string(),
            name: "Donald Trump".to_string(),
            entity_type: EntityType::Person,
            salience: 1.0,
            mentions: Vec::new(),
            metadata: Vec::new(),
        }];
        let index = Index::new(&entities);
        let lead = "And then Trump went on the attack, saying, ";
        let a = lead_subject(lead, &index, 0, lead).expect("an attribution");
        assert_eq!(a.name.and_then(|n| lead.get(n.start..n.end)), Some("Trump"));
    }

    #[test]
    fn a_subordinate_clause_and_a_tag_before_the_speaker() {
        let qs = quotes(
            "Donald Trump spoke in Cleveland.\n\n\
             And although he thanked the crowd for supporting him, he sounded a rare note, saying, \"I'm not sure I really deserve it.\"\n\n\
             Rep. Trey Gowdy (R-S.C.): \"I have not heard anyone else ever cite that figure.\"",
        );
        assert_eq!(speaker_of(&qs, "I'm not sure"), "Donald Trump");
        let gowdy = speaker_of(&qs, "I have not heard");
        assert!(gowdy.ends_with("Gowdy"), "{gowdy:?}");
    }

    #[test]
    fn a_pronoun_refers_to_a_new_person_an_indefinite_description_introduces() {
        // No person is named in the sentence before the quote: its subject,
        // "a reporter for ...", is the one who speaks, not the police of the
        // paragraph before.
        let qs = quotes(
            "Police Chief Tom Marsh urged people to stay home.\n\n\
             A reporter for Agence France-Presse called it \"absolute chaos.\"\n\n\
             \"We saw people hit and bits of debris flying around,\" he said.",
        );
        assert_eq!(
            speaker_of(&qs, "We saw people"),
            "A reporter for Agence France-Presse"
        );
        assert_eq!(
            indefinite_speaker("One California delegate said he tried.", Gender::Male),
            Some("One California delegate")
        );
        assert_eq!(
            indefinite_speaker("Also A voter from Ames said so.", Gender::Male),
            Some("A voter from Ames")
        );
        // A woman is no "he"; a poll is no person; a description that is no
        // cue's subject says nothing.
        assert_eq!(
            indefinite_speaker("A Berlin woman said it was over.", Gender::Male),
            None
        );
        assert_eq!(
            indefinite_speaker("A new poll said it was over.", Gender::Male),
            None
        );
        assert_eq!(
            indefinite_speaker("A reporter waited outside.", Gender::Male),
            None
        );
    }

    #[test]
    fn a_quote_the_writers_sentence_runs_on_through_is_partial() {
        let qs = quotes(
            "Mayor Ann Lee said the new budget \"cuts too deep for us\" when she spoke on Monday.\n\n\
             \"We will fight these cuts\" Lee said.\n\n\
             \"Nobody will be left behind here,\" she added.",
        );
        assert_eq!(find(&qs, "cuts too deep").kind, QuoteKind::Partial);
        assert_eq!(find(&qs, "We will fight").kind, QuoteKind::Direct);
        assert_eq!(find(&qs, "We will fight").speaker, "Ann Lee");
        assert_eq!(find(&qs, "Nobody will").kind, QuoteKind::Direct);
        let qs = quotes("Ames tweeted, \"Thank you Ohio #Win\" on Friday night.");
        assert_eq!(find(&qs, "Thank you Ohio").kind, QuoteKind::Direct);
        // After a comma, a fragment in lower case the sentence runs on from.
        let qs = quotes(
            "Comey said that while her aides had been careless with the files, \
             \"no reasonable prosecutor\" would bring the case.",
        );
        assert_eq!(
            find(&qs, "no reasonable prosecutor").kind,
            QuoteKind::Partial
        );
    }

    #[test]
    fn a_name_that_swallowed_a_cue_word_is_cut_before_it() {
        assert_eq!(
            speaker_name("Francois Hollande Says Donald Trump"),
            "Francois Hollande"
        );
        assert_eq!(speaker_name("Blackwell wrote"), "Blackwell");
        assert_eq!(speaker_name("Ban demurred"), "Ban");
        assert_eq!(speaker_name("Ben Rhodes"), "Ben Rhodes");
        assert_eq!(speaker_name("Said Ahmed"), "Said Ahmed");
    }

    #[test]
    fn a_capitalised_pronoun_after_a_closed_quote_opens_a_new_sentence() {
        let qs = quotes(
            "Carl Webb spoke to the council.\n\n\
             \"Rents will rise again this year.\" He says the city has no plan for it.\n\n\
             \"The plan is ready for a vote.\" He said.",
        );
        let q = find(&qs, "Rents will rise");
        assert_ne!(q.cue, "says", "{q:?}");
        assert_eq!(find(&qs, "The plan is ready").cue, "said");
    }

    #[test]
    fn the_cue_before_its_speaker_before_the_quote() {
        let qs = quotes(
            "The shelter closed on Friday. Said Nora Blake, who ran it for a decade, \"We never turned anyone away.\"\n\n\
             The council disagreed. But, said Tom Reyes, \"the doors were shut long before that.\"",
        );
        assert_eq!(find(&qs, "We never turned").speaker, "Nora Blake");
        assert_eq!(find(&qs, "the doors were").speaker, "Tom Reyes");
    }

    #[test]
    fn a_sentence_about_the_same_he_is_passed_over() {
        let qs = quotes(
            "Victor Hale won the vote on Tuesday.\n\n\
             He thanked his rival, Omar Price, in a short speech.\n\n\
             \"We will now get to work on the budget,\" he said.",
        );
        assert_eq!(speaker_of(&qs, "We will now"), "Victor Hale");
        assert!(!possessive_after("'s been making the case"));
        assert!(possessive_after("’s campaign"));
        assert!(pronoun_subject("But he thanked them.", Gender::Male));
        assert!(pronoun_subject("\"Yes,\" he said.", Gender::Male));
        assert!(!pronoun_subject("Trump thanked him.", Gender::Male));
    }

    #[test]
    fn long_descriptions_after_the_quote_name_the_speaker() {
        let qs = quotes(
            "\"The plan will cost far too much money,\" the Ohio senator and Republican presidential candidate said.\n\n\
             \"Nobody here has seen the report yet,\" said one aide who asked not to be named.\n\n\
             \"Please take your seats now, everyone,\" said master of ceremonies Omar Haddad.",
        );
        assert_eq!(
            speaker_of(&qs, "The plan"),
            "the Ohio senator and Republican presidential candidate"
        );
        assert_eq!(speaker_of(&qs, "Nobody here"), "one aide");
        assert_eq!(speaker_of(&qs, "Please take"), "Omar Haddad");
    }

    #[test]
    fn an_initials_full_stop_does_not_end_the_introducing_sentence() {
        let qs = quotes(
            "When Lee said the U.S. would leave the pact, Maria Ortiz fired back: \"That would be a grave mistake for everyone.\"",
        );
        assert_eq!(find(&qs, "That would be").speaker, "Maria Ortiz");
    }

    #[test]
    fn a_name_after_an_article_or_before_a_preposition_is_next_to_no_cue() {
        // "a" and "in" are words of the cues "a déclaré" and "wrote in":
        // they must not make "a Trump rally" or "Trump in Ohio" a speaker's
        // cue.
        let qs = quotes(
            "Donald Trump spoke in Dayton on Monday.\n\n\
             Tom Fisher, after two long rallies, wrote that he was tired of a Trump rally every week.\n\n\
             \"Nobody here wants another long night like that one,\" he said.\n\n\
             Paul Reyes, a farmer, waited for Trump in Ohio for three hours.\n\n\
             \"It was worth the wait for all of us,\" he said.",
        );
        assert_eq!(speaker_of(&qs, "Nobody here"), "Tom Fisher");
        assert_eq!(speaker_of(&qs, "It was worth"), "Paul Reyes");
        assert!(!CUE_WORDS.contains("a") && !CUE_WORDS.contains("in"));
        assert!(CUE_WORDS.contains("wrote") && CUE_WORDS.contains("déclaré"));
    }

    #[test]
    fn less_common_cues_attribute_a_quote() {
        let qs = quotes(
            "\"That is the only way I can see it working,\" Ana Silva elaborated.\n\n\
             \"We have made our share of mistakes this year,\" Mark Dunn admits.\n\n\
             \"Give us the names of every donor now,\" demanded Rosa Klein.",
        );
        assert_eq!(speaker_of(&qs, "That is the only"), "Ana Silva");
        assert_eq!(find(&qs, "That is the only").cue, "elaborated");
        assert_eq!(speaker_of(&qs, "We have made"), "Mark Dunn");
        assert_eq!(speaker_of(&qs, "Give us the names"), "Rosa Klein");
    }

    #[test]
    fn a_setting_after_a_described_speaker_is_no_part_of_it() {
        let qs = quotes(
            "\"Will she run for the Senate next year?\" a campaign volunteer in the back row wondered.\n\n\
             \"We are not going anywhere soon,\" the union's lawyer at the hearing said.\n\n\
             \"Nobody asked us about the new plan,\" a spokesman for the city council said.",
        );
        assert_eq!(speaker_of(&qs, "Will she run"), "a campaign volunteer");
        assert_eq!(speaker_of(&qs, "We are not"), "the union's lawyer");
        assert_eq!(
            speaker_of(&qs, "Nobody asked"),
            "a spokesman for the city council"
        );
        assert_eq!(description_len("Ann Marie at Home"), 17);
        assert_eq!(description_len("an aide on"), 7);
    }

    #[test]
    fn an_untagged_name_with_a_cue_is_the_referent_of_a_later_pronoun() {
        // Since the GloVe clusters the entity stage tags such a surname
        // (here as a person; "Bradwick said", like "Blackpool said", as an
        // organisation, which no "he" refers to); the calls of `cued_name`
        // below, with an empty index, check names it leaves untagged.
        let qs = quotes(
            "Senator Mark Olsen spoke in Akron on Friday.\n\n\
             Olsen will struggle to win over older voters in the fall, Corrigan said.\n\n\
             \"Those voters remember the last time he tried this,\" he said.",
        );
        assert_eq!(speaker_of(&qs, "Those voters"), "Corrigan");
        assert!(
            cued_name(
                "Asked again, Bradwick, for one, said no.",
                &Index::new(&[]),
                0,
                40,
                Gender::Male
            )
            .is_some_and(|(at, name, _)| at == 13 && name == "Bradwick")
        );
        // An opener glued to the name is left out.
        assert!(
            cued_name(
                "But Bradwick said no.",
                &Index::new(&[]),
                0,
                21,
                Gender::Male
            )
            .is_some_and(|(at, name, _)| at == 4 && name == "Bradwick")
        );
        assert!(cued_name("He said no.", &Index::new(&[]), 0, 11, Gender::Male).is_none());
        assert!(
            cued_name(
                "Most Southern voters said no.",
                &Index::new(&[]),
                0,
                29,
                Gender::Male
            )
            .is_none()
        );
        assert!(
            cued_name(
                "Later, I said no to it.",
                &Index::new(&[]),
                0,
                23,
                Gender::Male
            )
            .is_none()
        );
    }
}
