//! Finding the parts of a text that are not article prose: CMS shortcodes,
//! lines repeated by a scraper, and boilerplate such as "Watch more coverage
//! below:".
//!
//! A line is a duplicate when it repeats the line before it, or when it
//! repeats any earlier line of at least four words and twenty characters
//! (a headline repeated lower down); the first occurrence stays. Short lines
//! ("Reuters") repeated apart are left alone.
//!
//! The later stages analyse a masked copy of the text in which each cleaned
//! region's bytes are ASCII spaces. The copy has the same byte length, so every
//! span found in it is valid in the original text too.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashSet;

use super::{CleanupItem, CleanupKind, Span};

/// The longest text a cleanup item carries, in characters.
const ITEM_TEXT_CHARS: usize = 200;

/// One `name="value"` attribute of a shortcode, with absolute spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attribute {
    /// The attribute's name as written.
    pub name: String,
    /// Where the value stands, without its quotation marks.
    pub value_span: Span,
}

/// A shortcode found in the text, kept because its attributes may carry a quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shortcode {
    /// The whole shortcode.
    pub span: Span,
    /// The shortcode's name ("shareLinks-quote").
    pub name: String,
    /// Its attributes in order.
    pub attributes: Vec<Attribute>,
}

impl Shortcode {
    /// The span of the first attribute whose name satisfies `pred`.
    pub fn attr(&self, pred: impl Fn(&str) -> bool) -> Option<Span> {
        self.attributes
            .iter()
            .find(|a| pred(&a.name.to_ascii_lowercase()))
            .map(|a| a.value_span)
    }
}

/// The cleanup report and the masked text the rest of the pipeline reads.
#[derive(Debug, Clone)]
pub(crate) struct Cleaned {
    /// What was set aside, in document order.
    pub items: Vec<CleanupItem>,
    /// The text with every cleaned region replaced by spaces, byte for byte.
    pub masked: String,
    /// The shortcodes, for the quotes stage.
    pub shortcodes: Vec<Shortcode>,
}

// Shortcode and attribute names are ASCII, as WordPress and its kin define
// them; a Unicode `\w` repeated up to 60 times compiled to automata of
// several megabytes each, resident for the life of the process.
static PERCENT_SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"%[A-Za-z][A-Za-z0-9_-]{0,60}(?:="[^"\n%]*")?(?:[ \t]+[A-Za-z][A-Za-z0-9_-]{0,60}(?:="[^"\n]*"|='[^'\n]*'))*[ \t]*%"#)
        .expect("static regex")
});

static BRACKET_SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    // A bracket shortcode needs attributes or a well-known name, so that an
    // editorial "[sic]" or "[1]" is left alone.
    Regex::new(
        r#"\[/?(?:(?:caption|embed|video|audio|gallery|tweet|youtube|instagram|related|ad|playlist|iframe|facebook|soundcloud)(?-u:\b)[^\]\n]{0,300}|[A-Za-z][A-Za-z0-9_-]{0,40}(?:[ \t]+[A-Za-z][A-Za-z0-9_-]{0,40}="[^"\n]*")+[ \t]*/?)\]"#,
    )
    .expect("static regex")
});

static BRACE_SHORTCODE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{[^{}\n]{1,300}\}\}|\{%[^{}\n]{1,300}%\}").expect("static regex")
});

static ATTRIBUTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([A-Za-z][A-Za-z0-9_-]{0,60})=(?:"([^"\n]*)"|'([^'\n]*)')"#)
        .expect("static regex")
});

static BOILERPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            watch\ (?:more|the\ (?:full\ )?video|now|live|below|video)(?-u:\b).*
          | click\ here(?-u:\b).*
          | share\ (?:this|on|the\ story|via)(?-u:\b).*
          | (?:share|tweet|email|print|pin\ it|comments?)
          | subscribe(?-u:\b).*
          | (?:get|sign\ up\ for)\ (?:our|the)\ (?:\w+\ )?newsletters?(?-u:\b).*
          | newsletters?(?:\ sign[-\ ]?up)?:?
          | follow\ us(?-u:\b).*
          | read\ (?:more|next|also)(?-u:\b).*
          | see\ also(?-u:\b).*
          | related(?:\ (?:articles?|stories|coverage|content|video))?:?
          | advertisement | advertising | sponsored(?:\ content)? | promoted
          | sign\ up\ (?:for|to)(?-u:\b).*
          | (?:join|like)\ us\ on(?-u:\b).*
          | download\ (?:our|the)\ app(?-u:\b).*
          | (?:all\ rights\ reserved|copyright\ ©?).*
          | ©.*
          | continue\ reading(?-u:\b).* | scroll\ down(?-u:\b).* | skip\ (?:to|ad)(?-u:\b).*
          | (?:story|article)\ continues\ below(?-u:\b).*
          | (?:photo|image|video)\ credit:.*
          | this\ (?:article|story)\ was\ (?:originally\ )?published(?-u:\b).*
          | loading\.*
        )$",
    )
    .expect("static regex")
});

/// Finds shortcodes, duplicate lines and boilerplate lines, and masks them.
pub(crate) fn clean(text: &str) -> Cleaned {
    let mut items: Vec<CleanupItem> = Vec::new();
    let mut shortcodes: Vec<Shortcode> = Vec::new();
    let mut regions: Vec<Span> = Vec::new();

    // The shortcodes taken so far, end by start. They never overlap, so a
    // new one overlaps one of them only if it overlaps the last that starts
    // before it ends: one lookup, not a scan of all (which a text of many
    // shortcodes would make quadratic).
    let mut taken: BTreeMap<usize, usize> = BTreeMap::new();
    for re in [&*PERCENT_SHORTCODE, &*BRACKET_SHORTCODE, &*BRACE_SHORTCODE] {
        for m in re.find_iter(text) {
            let span = Span::new(m.start(), m.end());
            if taken
                .range(..span.end)
                .next_back()
                .is_some_and(|(_, &end)| end > span.start)
            {
                continue;
            }
            taken.insert(span.start, span.end);
            regions.push(span);
            shortcodes.push(parse_shortcode(text, span));
        }
    }
    shortcodes.sort_by_key(|s| s.span);
    for sc in &shortcodes {
        items.push(item(text, CleanupKind::Shortcode, sc.span));
    }

    // Line rules look at the text with shortcodes already masked, so a line
    // that held only a shortcode counts as blank.
    let after_shortcodes = mask(text, &regions);
    let mut previous: Option<&str> = None;
    // The keys of the substantial lines seen so far: a later line with the
    // same key (a headline repeated lower down) is a duplicate too.
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let mut offset = 0;
    for raw_line in after_shortcodes.split('\n') {
        let line_start = offset;
        offset += raw_line.len() + 1;
        let trimmed = raw_line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let lead = raw_line.len() - raw_line.trim_start().len();
        let span = Span::new(line_start + lead, line_start + lead + trimmed.len());
        let key = duplicate_key(trimmed);
        let has_alnum = trimmed.chars().any(char::is_alphanumeric);
        let substantial = is_substantial(key);
        if has_alnum && (previous == Some(key) || (substantial && seen.contains(key))) {
            items.push(item(text, CleanupKind::DuplicateLine, span));
            regions.push(span);
        } else if trimmed.chars().count() <= 120 && BOILERPLATE.is_match(trimmed) {
            items.push(item(text, CleanupKind::Boilerplate, span));
            regions.push(span);
        } else if substantial {
            seen.insert(key);
        }
        previous = Some(key);
    }

    items.sort_by_key(|i| (i.span, i.kind as u8));
    let mut masked = mask(text, &regions);
    unwrap_lines(&mut masked);
    Cleaned {
        items,
        masked,
        shortcodes,
    }
}

/// In a hard-wrapped text (see [`is_hard_wrapped`]), makes each line break
/// inside a sentence a space, byte for byte: the break of a line that
/// holds something and ends no sentence, before a line that opens with no
/// indent. Names and sentences so run on over the breaks as they do in the
/// writer's text ("BP North America⏎Inc said"); a blank line, an indented
/// line, a line in capitals (a headline) and a line ending a sentence (it
/// may end a paragraph) still stand apart. In any text, a line opening with
/// a company's legal form joins the line before (see
/// [`opens_with_legal_form`]).
fn unwrap_lines(masked: &mut String) {
    if !masked.contains('\n') {
        return;
    }
    let wrapped = is_hard_wrapped(masked);
    let bytes = masked.as_bytes();
    let mut joins: Vec<std::ops::Range<usize>> = Vec::new();
    let mut line_start = 0;
    for i in memchr::memchr_iter(b'\n', bytes) {
        let line = bytes
            .get(line_start..i)
            .unwrap_or_default()
            .trim_ascii_end();
        line_start = i + 1;
        let next_opens = bytes.get(i + 1).is_some_and(|b| !b.is_ascii_whitespace());
        // A sentence's end at a line's end may end a paragraph too.
        let ends_sentence = matches!(line.last(), Some(b'.' | b'!' | b'?'));
        if line.is_empty() || !next_opens || ends_sentence {
            continue;
        }
        // In any text, a company's legal form opening a line after a word
        // ends the name the line before broke ("Kentucky Central Life
        // Insurance⏎Co said"): no sentence opens with it.
        let legal_form_next = line.last().is_some_and(u8::is_ascii_alphabetic)
            && opens_with_legal_form(bytes.get(i + 1..).unwrap_or_default());
        let in_capitals =
            || !line.iter().any(u8::is_ascii_lowercase) && line.iter().any(u8::is_ascii_uppercase);
        if legal_form_next || (wrapped && !in_capitals()) {
            let from = if i > 0 && bytes[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            joins.push(from..i + 1);
        }
    }
    if joins.is_empty() {
        return;
    }
    // ASCII for ASCII: the length and every other byte stay.
    let mut out = String::with_capacity(masked.len());
    let mut from = 0;
    for r in joins {
        out.push_str(masked.get(from..r.start).unwrap_or_default());
        // "\n" or "\r\n".
        out.push_str(if r.len() == 2 { "  " } else { " " });
        from = r.end;
    }
    out.push_str(masked.get(from..).unwrap_or_default());
    *masked = out;
}

/// Whether a line opens with a company's legal form as a word of its own
/// ("Inc said", "Co <KCL>", "Ltd.", "Inc>", closing a name Reuters-21578
/// marks; not "Corporate", "Co-founder"): the
/// abbreviated forms of `gazetteer::LEGAL_SUFFIXES`, as written, and
/// "Cos", "Bhd". Its full words ("Company", "Group", "Holdings") and the
/// two-letter forms that are words too ("SA", "SE") may open a sentence.
fn opens_with_legal_form(line: &[u8]) -> bool {
    const FORMS: [&[u8]; 12] = [
        b"Inc", b"Corp", b"Co", b"Ltd", b"Plc", b"PLC", b"LLC", b"Cos", b"Bhd", b"NV", b"AG",
        b"GmbH",
    ];
    FORMS.iter().any(|form| {
        line.starts_with(form)
            && line.get(form.len()).is_none_or(|b| {
                matches!(
                    b,
                    b' ' | b'.' | b',' | b'<' | b'>' | b')' | b';' | b':' | b'\'' | b'\r' | b'\n'
                )
            })
    })
}

/// Whether a text is hard-wrapped, its sentences running on over line
/// breaks at a fixed width (old wire copy, e-mail, plain-text
/// newsletters): of the lines that end no sentence and are followed by an
/// unindented line, at least three, and a third, are followed by one that
/// opens in lower case, and at most one line in ten is more than ten
/// bytes longer than the longest of those (the width). A text written
/// a paragraph a line has next to none (its lines end sentences, a line of
/// a headline, a table or a list is followed by one opening in capitals),
/// and its paragraphs are longer than any such line: a wrapped passage
/// quoted in it (an editor's note) leaves it as it is.
fn is_hard_wrapped(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Each line, without its line break, and where it starts (lengths in
    // bytes).
    let lines = || {
        let mut start = 0;
        memchr::memchr_iter(b'\n', bytes)
            .chain(std::iter::once(bytes.len()))
            .map(move |end| {
                let line = (start, bytes.get(start..end).unwrap_or_default());
                start = end + 1;
                line
            })
    };
    let (mut breaks, mut lower, mut width) = (0usize, 0usize, 0usize);
    let mut it = lines().peekable();
    while let Some((_, line)) = it.next() {
        let Some(&(next_start, next)) = it.peek() else {
            break;
        };
        let line = line.trim_ascii_end();
        if line.is_empty()
            || next.first().is_none_or(u8::is_ascii_whitespace)
            || matches!(line.last(), Some(b'.' | b'!' | b'?' | b'"'))
            || line.ends_with("…".as_bytes())
            || line.ends_with("”".as_bytes())
        {
            continue;
        }
        breaks += 1;
        let opens_lower = text
            .get(next_start..)
            .and_then(|s| s.chars().next())
            .is_some_and(char::is_lowercase);
        if opens_lower {
            lower += 1;
            width = width.max(line.len());
        }
    }
    if lower < 3 || lower * 3 < breaks {
        return false;
    }
    let (mut held, mut long) = (0usize, 0usize);
    for line in lines().map(|(_, l)| l.trim_ascii()) {
        if !line.is_empty() {
            held += 1;
            long += usize::from(line.len() > width + 10);
        }
    }
    long * 10 <= held
}

/// The key two lines are compared by: trimmed, with a trailing digit run
/// dropped when it follows sentence punctuation (a scraper artefact such as
/// "Defeat ISIS?0").
fn duplicate_key(trimmed: &str) -> &str {
    let without_digits = trimmed.trim_end_matches(|c: char| c.is_ascii_digit());
    if without_digits.len() < trimmed.len()
        && without_digits.ends_with(['?', '!', '.', '"', '\'', '”', '’'])
    {
        without_digits
    } else {
        trimmed
    }
}

/// Whether a line is long enough that its repetition anywhere in the text
/// is a scraper's or a layout's doing rather than the writer's: at least
/// [`MIN_REPEAT_WORDS`] words holding a letter and [`MIN_REPEAT_CHARS`]
/// characters. A short line ("Reuters", "Photo: AP", "Yes.") may well
/// stand twice in an article.
fn is_substantial(line: &str) -> bool {
    line.chars().count() >= MIN_REPEAT_CHARS
        && line
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count()
            >= MIN_REPEAT_WORDS
}

/// See [`is_substantial`].
const MIN_REPEAT_WORDS: usize = 4;
/// See [`is_substantial`].
const MIN_REPEAT_CHARS: usize = 20;

fn parse_shortcode(text: &str, span: Span) -> Shortcode {
    let body = text.get(span.start..span.end).unwrap_or_default();
    let inner = body.trim_start_matches(['%', '[', '{', '/']);
    let name: String = inner
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let attributes = ATTRIBUTE
        .captures_iter(body)
        .filter_map(|c| {
            let name = c.get(1)?.as_str().to_string();
            let value = c.get(2).or_else(|| c.get(3))?;
            Some(Attribute {
                name,
                value_span: Span::new(span.start + value.start(), span.start + value.end()),
            })
        })
        .collect();
    Shortcode {
        span,
        name,
        attributes,
    }
}

fn item(text: &str, kind: CleanupKind, span: Span) -> CleanupItem {
    let full = text.get(span.start..span.end).unwrap_or_default();
    CleanupItem {
        kind,
        span,
        text: full.chars().take(ITEM_TEXT_CHARS).collect(),
    }
}

/// Replaces every byte of the regions by an ASCII space. The regions start and
/// end on character boundaries, so the result is valid UTF-8 of equal length.
pub(crate) fn mask(text: &str, regions: &[Span]) -> String {
    let mut sorted: Vec<Span> = regions.to_vec();
    sorted.sort();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for r in sorted {
        let start = r.start.max(pos).min(text.len());
        let end = r.end.min(text.len());
        if start >= end || !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            continue;
        }
        out.push_str(text.get(pos..start).unwrap_or_default());
        out.extend(std::iter::repeat_n(' ', end - start));
        pos = end;
    }
    out.push_str(text.get(pos..).unwrap_or_default());
    out
}

/// Builds this stage's regexes now rather than on first use.
pub(crate) fn warm_up() {
    for re in [
        &PERCENT_SHORTCODE,
        &BRACKET_SHORTCODE,
        &BRACE_SHORTCODE,
        &ATTRIBUTE,
        &BOILERPLATE,
    ] {
        LazyLock::force(re);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reuters-21578's first story, as its body is written: wrapped at 65
    /// characters, paragraphs opening indented.
    const WRAPPED: &str = "Standard Oil Co and BP North America\n\
        Inc said they plan to form a venture to manage the money market\n\
        borrowing and investment activities of both companies.\n    \
        BP North America is a subsidiary of British Petroleum Co\n\
        Plc <BP>, which also owns a 55 pct interest in Standard Oil.\n    \
        The venture will be called BP/Standard Financial Trading\n\
        and will be operated by Standard Oil under the oversight of a\n\
        joint management committee.\n\nSTANDARD OIL TO FORM UNIT\nReuter\n";

    #[test]
    fn a_hard_wrapped_text_runs_on_over_its_line_breaks() {
        assert!(is_hard_wrapped(WRAPPED));
        let c = clean(WRAPPED);
        assert_eq!(c.masked.len(), WRAPPED.len());
        assert!(c.masked.starts_with(
            "Standard Oil Co and BP North America Inc said they plan to form a venture to manage the money market borrowing and"
        ));
        // A sentence's end, an indented line, a blank line and a line in
        // capitals still end their lines.
        assert!(c.masked.contains(
            "both companies.\n    BP North America is a subsidiary of British Petroleum Co Plc <BP>"
        ));
        assert!(
            c.masked
                .contains("committee.\n\nSTANDARD OIL TO FORM UNIT\nReuter\n")
        );
        // Every other byte is the text's.
        for (a, b) in WRAPPED.bytes().zip(c.masked.bytes()) {
            assert!(a == b || (a == b'\n' && b == b' '));
        }
        // Windows line ends too.
        let crlf = WRAPPED.replace('\n', "\r\n");
        let c = clean(&crlf);
        assert!(
            c.masked
                .starts_with("Standard Oil Co and BP North America  Inc said")
        );
    }

    #[test]
    fn a_legal_form_opening_a_line_ends_the_name_before_in_any_text() {
        // Reuters-21578: too short to read as hard-wrapped.
        let text = "Kentucky Central Life Insurance\nCo said it declared a dividend.\n\
            Shares of Airgas\nInc. rose.\nThe co-founder left\nCo-founders stay.\nApple\nCorporate news.\n";
        let c = clean(text);
        assert_eq!(
            c.masked,
            "Kentucky Central Life Insurance Co said it declared a dividend.\n\
             Shares of Airgas Inc. rose.\nThe co-founder left\nCo-founders stay.\nApple\nCorporate news.\n"
        );
    }

    #[test]
    fn a_legal_form_closing_a_marked_name_on_the_next_line_joins_it() {
        // Reuters-21578 marks a firm's name in angle brackets: "Inc>" had
        // been an organisation of its own in 8 of 3,000 bodies.
        let text = "<National Early Warning Systems\nInc> said it has offered to buy \
            <Omega Ballistics Systems\nInc> for cash.\n(Acme Widgets\nLtd) said so.\n";
        assert_eq!(
            clean(text).masked,
            "<National Early Warning Systems Inc> said it has offered to buy \
             <Omega Ballistics Systems Inc> for cash.\n(Acme Widgets Ltd) said so.\n"
        );
    }

    #[test]
    fn a_text_written_a_paragraph_a_line_keeps_its_line_breaks() {
        // Lines that end sentences, a headline and a list: no wrapping.
        let text = "Markets Rally as Rates Fall\nStocks rose on Monday in New York. Bonds rallied.\n\
            The Federal Reserve held rates.\nApples\nPears\nPlums\n";
        assert!(!is_hard_wrapped(text));
        assert_eq!(clean(text).masked, text);
        // A wrapped editor's note in an article written a paragraph a line
        // leaves the article's headline and paragraphs apart.
        let note = "Trump the Dealmaker Could Address Climate Change\n\
            Editor's note: the candidate regularly\nincites political violence and\n\
            is a serial liar, rampant xenophobe,\nracist and misogynist who has\n\
            repeatedly pledged to ban all Muslims from\nentering the U.S.\n";
        let article = format!(
            "{note}{}\n{}\n",
            "The Republican nominee has said many times that climate change is a hoax invented to hurt American manufacturing, and his advisers have not moved him.",
            "Democrats Say Otherwise\nTheir platform calls for a carbon price and for new rules on power plants that the coal industry has fought in court for years."
        );
        assert!(is_hard_wrapped(note));
        assert!(!is_hard_wrapped(&article));
        assert_eq!(clean(&article).masked, article);
    }

    #[test]
    fn shortcode_attributes_are_kept() {
        let text = "Intro.\n\n%shareLinks-quote=\"Wir schaffen das, sagte sie.\" type=\"quote\" author=\"Angela Merkel\"%\n\nAfter.";
        let c = clean(text);
        assert_eq!(c.items.len(), 1);
        assert_eq!(c.items[0].kind, CleanupKind::Shortcode);
        let sc = &c.shortcodes[0];
        assert_eq!(sc.name, "shareLinks-quote");
        let q = sc.attr(|n| n.ends_with("quote")).unwrap();
        assert_eq!(&text[q.start..q.end], "Wir schaffen das, sagte sie.");
        let a = sc.attr(|n| n == "author").unwrap();
        assert_eq!(&text[a.start..a.end], "Angela Merkel");
        assert_eq!(c.masked.len(), text.len());
        assert!(!c.masked.contains("Merkel"));
        assert!(c.masked.ends_with("After."));
    }

    #[test]
    fn duplicate_lines_and_trailing_digit_variant() {
        let text = "Héadline über alles\nHéadline über alles\n\nBody text.\n\nHow to Defeat ISIS?\nHow to Defeat ISIS?0";
        let c = clean(text);
        let dups: Vec<&str> = c
            .items
            .iter()
            .filter(|i| i.kind == CleanupKind::DuplicateLine)
            .map(|i| i.text.as_str())
            .collect();
        assert_eq!(dups, vec!["Héadline über alles", "How to Defeat ISIS?0"]);
        assert!(c.masked.starts_with("Héadline über alles\n   "));
    }

    #[test]
    fn a_substantial_line_repeated_anywhere_is_a_duplicate() {
        let text = "Storm floods the coastal towns overnight\nReuters\n\nThe storm came in at dawn.\n\nReuters\nYes.\n\nIt rained.\n\nYes.\n\nStorm floods the coastal towns overnight\n\nMore text follows here.";
        let c = clean(text);
        let dups: Vec<(usize, &str)> = c
            .items
            .iter()
            .filter(|i| i.kind == CleanupKind::DuplicateLine)
            .map(|i| (i.span.start, i.text.as_str()))
            .collect();
        // The repeated headline only, not its first occurrence, nor the
        // short lines ("Reuters", "Yes.") that stand twice apart.
        let second = text.rfind("Storm floods").unwrap_or_default();
        assert_eq!(
            dups,
            vec![(second, "Storm floods the coastal towns overnight")]
        );
        assert!(
            c.masked
                .starts_with("Storm floods the coastal towns overnight\nReuters")
        );
        assert_eq!(c.masked.matches("Storm floods").count(), 1);
        assert_eq!(c.masked.matches("Reuters").count(), 2);
        // A short line is still a duplicate when it repeats the line before it.
        let c = clean("Reuters\nReuters\nText.");
        assert_eq!(c.items.len(), 1);
        assert_eq!(c.items[0].kind, CleanupKind::DuplicateLine);
    }

    #[test]
    fn boilerplate_lines() {
        let text = "Story text here.\n\nWatch more coverage below:\nAdvertisement\nRead more: other story\nThe café said watch more.";
        let c = clean(text);
        let bp: Vec<&str> = c
            .items
            .iter()
            .filter(|i| i.kind == CleanupKind::Boilerplate)
            .map(|i| i.text.as_str())
            .collect();
        assert_eq!(
            bp,
            vec![
                "Watch more coverage below:",
                "Advertisement",
                "Read more: other story"
            ]
        );
    }

    #[test]
    fn share_and_subscribe_prompts_with_their_spans() {
        let text = "Share prices fell in Zürich on Monday.\nShare this article\n  Subscribe to our newsletter  \n\
                    Subscribers rose 5% in the quarter.\nSign up for our daily newsletter to get the news.\nTweet\n\
                    Email\nNewsletter sign-up\nEmailed statements were sent to reporters.";
        let c = clean(text);
        let bp: Vec<(&str, &str)> = c
            .items
            .iter()
            .filter(|i| i.kind == CleanupKind::Boilerplate)
            .map(|i| (i.text.as_str(), &text[i.span.start..i.span.end]))
            .collect();
        let expected = [
            "Share this article",
            "Subscribe to our newsletter",
            "Sign up for our daily newsletter to get the news.",
            "Tweet",
            "Email",
            "Newsletter sign-up",
        ];
        assert_eq!(bp.len(), expected.len(), "{bp:?}");
        for ((reported, at_span), want) in bp.iter().zip(expected) {
            // The span is the trimmed line, and the item carries its text.
            assert_eq!((*reported, *at_span), (want, want));
        }
        // Prose is left alone, and the masked text keeps its length.
        assert!(c.masked.contains("Share prices fell in Zürich"));
        assert!(c.masked.contains("Subscribers rose"));
        assert!(c.masked.contains("Emailed statements"));
        assert!(!c.masked.contains("newsletter"));
        assert_eq!(c.masked.len(), text.len());
    }

    #[test]
    fn many_shortcodes_are_found_without_overlap() {
        // Each `[caption ...]` also looks like an attribute shortcode; each is
        // taken once. Many of them in one text stay linear (no pairwise scan).
        let one = "Text [caption id=\"a\" align=\"left\"]Photo[/caption] %ad% more. ";
        let text = one.repeat(20_000);
        let c = clean(&text);
        assert_eq!(c.shortcodes.len(), 60_000);
        assert!(
            c.shortcodes
                .windows(2)
                .all(|w| w[0].span.end <= w[1].span.start)
        );
        assert_eq!(c.masked.len(), text.len());
    }

    #[test]
    fn bracket_and_brace_shortcodes_but_not_editorial_brackets() {
        let text = "He said [sic] it [1]. [caption id=\"a\"]Photo[/caption] {{ad slot}} fin";
        let c = clean(text);
        let codes: Vec<&str> = c.items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            codes,
            vec!["[caption id=\"a\"]", "[/caption]", "{{ad slot}}"]
        );
    }

    #[test]
    fn long_item_text_is_truncated_on_a_char_boundary() {
        let line = "é".repeat(300);
        let text = format!("{line}\n{line}");
        let c = clean(&text);
        assert_eq!(c.items[0].text.chars().count(), 200);
    }
}
