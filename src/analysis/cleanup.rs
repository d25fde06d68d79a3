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
    Cleaned {
        items,
        masked: mask(text, &regions),
        shortcodes,
    }
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
