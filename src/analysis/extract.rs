//! Turning what a client sent (bytes in any charset, HTML, Markdown) into the
//! plain text the pipeline analyses.
//!
//! These functions are pure and run before the pipeline; the API layer returns
//! their text as `extracted_text` so clients can index the spans into it.

use std::fmt;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use encoding_rs::Encoding;
use regex::Regex;
use scraper::{Html, Node, Selector};

use super::segment::single_spaced;
use super::{CleanupItem, CleanupKind, Span};

/// Why raw bytes could not be turned into text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// The declared charset label is not one the WHATWG Encoding Standard knows.
    UnknownCharset(String),
    /// The bytes are not text in the chosen encoding (too many malformed
    /// sequences, or binary data).
    Undecodable(String),
}

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExtractError::UnknownCharset(label) => write!(f, "unknown charset {label:?}"),
            ExtractError::Undecodable(reason) => {
                write!(f, "content is not decodable text: {reason}")
            }
        }
    }
}

impl std::error::Error for ExtractError {}

/// The readable text of a marked-up document and what was found around it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extracted {
    /// The readable text; paragraphs are separated by blank lines.
    pub text: String,
    /// The document's title, when the markup names one.
    pub title: Option<String>,
    /// The publication time as found in the markup (usually RFC 3339), unparsed.
    pub published_at: Option<String>,
    /// Short descriptions of what was dropped ("script", "nav", ...), each once.
    pub removed: Vec<String>,
    /// Each dropped element (script, style, navigation, ...; the outermost
    /// of nested ones) as a MARKUP cleanup item: an empty span where it
    /// stood in `text` (0 for one before the extracted part of the page,
    /// the end for one after it), its tag as the item's text.
    pub markup: Vec<CleanupItem>,
}

/// Reads a publication time as pages write it: RFC 3339, ISO 8601 with a
/// `+0000` offset or none (taken as UTC), a bare date (midnight UTC), or
/// RFC 2822. `None` for anything else.
pub fn parse_published(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(s, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, format) {
            return Some(t.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    DateTime::parse_from_rfc2822(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The share of replacement characters above which bytes count as undecodable.
const MAX_REPLACEMENT_RATIO: f64 = 0.01;

/// Decodes raw bytes into text.
///
/// The encoding is chosen in this order: a byte-order mark; the declared
/// charset; an HTML `<meta charset>` in the first kilobytes; UTF-8 when the
/// bytes are valid UTF-8; a UTF-16 guess for NUL-patterned bytes; else the
/// guess of `chardetng`. A declared label that is unknown is an error rather
/// than a silent guess, because the client asserted it.
pub fn decode_raw(bytes: &[u8], declared_charset: Option<&str>) -> Result<String, ExtractError> {
    if bytes.is_empty() {
        return Ok(String::new());
    }
    let (encoding, skip) = if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        (enc, bom_len)
    } else if let Some(label) = declared_charset.map(str::trim).filter(|l| !l.is_empty()) {
        let enc = Encoding::for_label(label.as_bytes())
            .ok_or_else(|| ExtractError::UnknownCharset(label.to_string()))?;
        (enc, 0)
    } else if let Some(enc) = sniff_meta_charset(bytes) {
        (enc, 0)
    } else if std::str::from_utf8(bytes).is_ok() && !looks_like_utf16(bytes) {
        (encoding_rs::UTF_8, 0)
    } else if let Some(enc) = utf16_by_nul_pattern(bytes) {
        (enc, 0)
    } else {
        let mut detector = chardetng::EncodingDetector::new();
        detector.feed(bytes, true);
        (detector.guess(None, true), 0)
    };
    let body = bytes.get(skip..).unwrap_or_default();
    let (decoded, had_errors) = encoding.decode_without_bom_handling(body);
    let chars = decoded.chars().count().max(1);
    if had_errors {
        let bad = decoded.chars().filter(|&c| c == '\u{FFFD}').count();
        if bad as f64 / chars as f64 > MAX_REPLACEMENT_RATIO {
            return Err(ExtractError::Undecodable(format!(
                "{bad} malformed sequences for {}",
                encoding.name()
            )));
        }
    }
    let nuls = decoded.chars().filter(|&c| c == '\0').count();
    if nuls as f64 / chars as f64 > MAX_REPLACEMENT_RATIO {
        return Err(ExtractError::Undecodable(format!(
            "binary data ({nuls} NUL characters)"
        )));
    }
    Ok(decoded.into_owned())
}

/// Finds `<meta charset="...">` or `content="text/html; charset=..."` near the
/// start of the bytes, as browsers do in their prescan.
fn sniff_meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    static META: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
        regex::bytes::Regex::new(
            r#"(?i)<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_:.\-]{1,40})"#,
        )
        .expect("static regex")
    });
    let head = bytes.get(..bytes.len().min(4096)).unwrap_or(bytes);
    let label = META.captures(head)?.get(1)?.as_bytes();
    let enc = Encoding::for_label(label)?;
    // A page that is already UTF-16 cannot contain an ASCII meta tag, so a
    // UTF-16 label there is a lie; browsers treat it as UTF-8 too.
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        Some(encoding_rs::UTF_8)
    } else {
        Some(enc)
    }
}

/// Whether the bytes look like BOM-less UTF-16 (every other byte NUL).
fn looks_like_utf16(bytes: &[u8]) -> bool {
    utf16_by_nul_pattern(bytes).is_some()
}

/// Guesses BOM-less UTF-16 from where the NUL bytes of ASCII characters fall.
fn utf16_by_nul_pattern(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = bytes.get(..bytes.len().min(2048)).unwrap_or(bytes);
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_nul * 10 >= pairs * 7 && even_nul * 10 <= pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even_nul * 10 >= pairs * 7 && odd_nul * 10 <= pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Whether the text looks like an HTML document or fragment rather than prose
/// that merely mentions a tag.
pub fn looks_like_html(text: &str) -> bool {
    // The start of a known tag; the rest of it (up to its `>`) is checked by
    // hand. As one regex (`...\b[^>]{0,500}>`), the bounded repetition of a
    // Unicode class made an automaton whose lazy-DFA caches, one per thread
    // that ever sniffed a document, held ~8 MB in a server that had ingested
    // Reuters-21578 (a jemalloc heap profile, BENCHMARKS.md).
    static TAG_START: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)<(?:!doctype\s+html|html|head|body|p|div|span|a\s|br|article|main|section|h[1-6]|ul|ol|li|table|script|style|meta|title)\b",
        )
        .expect("static regex")
    });
    let end = text.char_indices().nth(8192).map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    if starts_with_doctype(head) {
        return true;
    }
    // Two or more tags are needed, so "a < b > c" or one stray tag in prose
    // does not turn plain text into HTML. A tag is its start and then at
    // most 500 characters before its `>`; the next is looked for after it.
    let mut tags = 0;
    let mut from = 0;
    while let Some(start) = TAG_START.find_at(head, from) {
        let rest = &head[start.end()..];
        match rest.char_indices().take(501).find(|&(_, c)| c == '>') {
            Some((at, _)) => {
                tags += 1;
                if tags == 2 {
                    return true;
                }
                from = start.end() + at + 1;
            }
            // `<` is one byte: the next start is looked for just after it.
            None => from = start.start() + 1,
        }
    }
    false
}

/// Whether a text opens (after white space) with `<!doctype`, in any case.
fn starts_with_doctype(text: &str) -> bool {
    text.trim_start()
        .get(..9)
        .is_some_and(|s| s.eq_ignore_ascii_case("<!doctype"))
}

/// Elements whose whole content is dropped, in the order reported.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
    "template", "button", "select", "canvas", "object", "embed",
];

/// Elements that end a paragraph.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "br",
    "hr",
    "address",
    "details",
    "summary",
    "caption",
    "body",
    "center",
];

/// Extracts the readable text of an HTML document.
///
/// The content of `<article>` (else `<main>`, else `<body>`) is walked without
/// recursion, so deeply nested markup cannot overflow the stack. Entities are
/// decoded by the parser.
pub fn html_to_text(html: &str) -> Extracted {
    static ARTICLE: LazyLock<Selector> = LazyLock::new(|| sel("article"));
    static MAIN: LazyLock<Selector> = LazyLock::new(|| sel("main, [role=main]"));
    static BODY: LazyLock<Selector> = LazyLock::new(|| sel("body"));
    static TITLE: LazyLock<Selector> = LazyLock::new(|| sel("title"));
    static OG_TITLE: LazyLock<Selector> = LazyLock::new(|| sel(r#"meta[property="og:title"]"#));
    static H1: LazyLock<Selector> = LazyLock::new(|| sel("h1"));
    static DATE_META: LazyLock<Selector> = LazyLock::new(|| {
        sel(
            r#"meta[property="article:published_time"], meta[property="og:published_time"], meta[property="og:article:published_time"], meta[itemprop="datePublished"], meta[name="date"], meta[name="pubdate"], meta[name="publish-date"], meta[name="dc.date"], meta[name="DC.date.issued"]"#,
        )
    });
    static ITEMPROP_DATE: LazyLock<Selector> =
        LazyLock::new(|| sel(r#"[itemprop="datePublished"]"#));
    static TIME: LazyLock<Selector> = LazyLock::new(|| sel("time[datetime]"));
    static LD_JSON: LazyLock<Selector> =
        LazyLock::new(|| sel(r#"script[type="application/ld+json"]"#));
    static LD_DATE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""datePublished"\s*:\s*"([^"]{4,40})""#).expect("static regex")
    });

    let doc = Html::parse_document(html);

    // The Open Graph title is the article's headline as its publisher
    // gives it; `<title>` often carries the site's name too ("... | Site").
    let title = doc
        .select(&OG_TITLE)
        .next()
        .and_then(|m| m.value().attr("content"))
        .map(single_spaced)
        .filter(|t| !t.is_empty())
        .or_else(|| {
            doc.select(&TITLE)
                .next()
                .map(|t| single_spaced(&t.text().collect::<String>()))
                .filter(|t| !t.is_empty())
        })
        .or_else(|| {
            doc.select(&H1)
                .next()
                .map(|t| single_spaced(&t.text().collect::<String>()))
                .filter(|t| !t.is_empty())
        });

    let published_at = doc
        .select(&DATE_META)
        .find_map(|m| {
            m.value()
                .attr("content")
                .map(str::trim)
                .filter(|c| !c.is_empty())
        })
        .map(str::to_string)
        .or_else(|| {
            doc.select(&ITEMPROP_DATE).find_map(|e| {
                e.value()
                    .attr("datetime")
                    .or_else(|| e.value().attr("content"))
                    .map(|s| s.trim().to_string())
            })
        })
        .or_else(|| {
            doc.select(&LD_JSON).find_map(|s| {
                let json: String = s.text().collect();
                LD_DATE
                    .captures(&json)
                    .and_then(|c| c.get(1))
                    .map(|m| m.as_str().to_string())
            })
        })
        .or_else(|| {
            doc.select(&TIME)
                .find_map(|t| {
                    t.value()
                        .attr("datetime")
                        .map(str::trim)
                        .filter(|d| !d.is_empty())
                })
                .map(str::to_string)
        })
        .filter(|d| !d.is_empty());

    // Report each dropped element kind once, in a fixed order, whether it sat
    // inside the chosen root or was left out with the page chrome.
    let mut removed: Vec<String> = Vec::new();
    for name in DROPPED {
        let found = doc
            .tree
            .nodes()
            .any(|n| matches!(n.value(), Node::Element(e) if e.name() == *name));
        if found {
            removed.push((*name).to_string());
        }
    }

    let root = doc
        .select(&ARTICLE)
        .next()
        .or_else(|| doc.select(&MAIN).next())
        .or_else(|| doc.select(&BODY).next())
        .unwrap_or_else(|| doc.root_element());

    let mut out = TextBuilder::default();
    // An explicit stack of (node, closing?) pairs replaces recursion.
    let mut stack = vec![(*root, false)];
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Element(el) => {
                let name = el.name();
                if closing {
                    if BLOCKS.contains(&name) {
                        out.paragraph_break();
                    }
                    if name == "pre" {
                        out.pre_depth = out.pre_depth.saturating_sub(1);
                    }
                    continue;
                }
                let hidden = el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true");
                if let Some(dropped) = DROPPED.iter().find(|d| **d == name) {
                    out.mark(dropped);
                    continue;
                }
                if hidden {
                    continue;
                }
                if BLOCKS.contains(&name) {
                    out.paragraph_break();
                }
                if name == "pre" {
                    out.pre_depth += 1;
                }
                if name == "img" {
                    continue;
                }
                stack.push((node, true));
                let children: Vec<_> = node.children().collect();
                for child in children.into_iter().rev() {
                    stack.push((child, false));
                }
            }
            Node::Text(t) => out.push_text(t),
            Node::Document | Node::Fragment => {
                let children: Vec<_> = node.children().collect();
                for child in children.into_iter().rev() {
                    stack.push((child, false));
                }
            }
            _ => {}
        }
    }
    if root.value().name() != "body" && root.value().name() != "html" {
        removed.push(format!("outside <{}>", root.value().name()));
    }
    // Dropped elements outside the root, outermost only: before it in
    // document order at the start of the text, after it at the end.
    let mut before: Vec<&'static str> = Vec::new();
    let mut after: Vec<&'static str> = Vec::new();
    let mut past_root = false;
    for node in doc.tree.root().descendants() {
        if node.id() == root.id() {
            past_root = true;
            continue;
        }
        let Node::Element(el) = node.value() else {
            continue;
        };
        let Some(dropped) = DROPPED.iter().find(|d| **d == el.name()) else {
            continue;
        };
        let nested = node.ancestors().any(|a| {
            a.id() == root.id()
                || matches!(a.value(), Node::Element(e) if DROPPED.contains(&e.name()))
        });
        if !nested {
            if past_root { &mut after } else { &mut before }.push(dropped);
        }
    }
    let (text, marks) = out.finish();
    let markup_item = |at: usize, name: &str| CleanupItem {
        kind: CleanupKind::Markup,
        span: Span::new(at, at),
        text: format!("<{name}>"),
    };
    let mut markup: Vec<CleanupItem> = before.iter().map(|n| markup_item(0, n)).collect();
    markup.extend(marks.iter().map(|(at, n)| markup_item(*at, n)));
    markup.extend(after.iter().map(|n| markup_item(text.len(), n)));
    Extracted {
        text,
        title,
        published_at,
        removed,
        markup,
    }
}

fn sel(s: &str) -> Selector {
    // The selectors are literals of this file, so a failure is a bug caught by
    // the tests; fall back to a selector that matches nothing rather than panic.
    Selector::parse(s)
        .unwrap_or_else(|_| Selector::parse("docsift-never").expect("trivial selector"))
}

/// Accumulates text into paragraphs, collapsing whitespace outside `<pre>`.
#[derive(Default)]
struct TextBuilder {
    paragraphs: Vec<String>,
    current: String,
    pre_depth: usize,
    /// Dropped elements: the paragraph and the byte in it where each stood.
    marks: Vec<(usize, usize, &'static str)>,
}

impl TextBuilder {
    fn push_text(&mut self, text: &str) {
        if self.pre_depth > 0 {
            self.current.push_str(text);
            return;
        }
        for (i, word) in text.split_whitespace().enumerate() {
            let starts_with_space = i > 0 || text.starts_with(char::is_whitespace);
            if !self.current.is_empty() && starts_with_space && !self.current.ends_with(' ') {
                self.current.push(' ');
            }
            self.current.push_str(word);
        }
        if text.ends_with(char::is_whitespace)
            && !self.current.is_empty()
            && !self.current.ends_with(' ')
        {
            self.current.push(' ');
        }
    }

    fn paragraph_break(&mut self) {
        let para = self.current.trim();
        if !para.is_empty() {
            self.paragraphs.push(para.to_string());
        }
        self.current.clear();
    }

    /// Notes that a dropped element stood here.
    fn mark(&mut self, name: &'static str) {
        // The paragraph is `current` trimmed: count from its first
        // non-space byte to its last.
        let lead = self.current.len() - self.current.trim_start().len();
        let at = self.current.trim_end().len().saturating_sub(lead);
        self.marks.push((self.paragraphs.len(), at, name));
    }

    /// The text, and where each dropped element stood in it (byte offsets).
    fn finish(mut self) -> (String, Vec<(usize, &'static str)>) {
        self.paragraph_break();
        let text = self.paragraphs.join("\n\n");
        let mut starts = Vec::with_capacity(self.paragraphs.len());
        let mut at = 0;
        for p in &self.paragraphs {
            starts.push(at);
            at += p.len() + 2;
        }
        let marks = self
            .marks
            .iter()
            .map(|&(k, offset, name)| {
                let mut pos = match (starts.get(k), self.paragraphs.get(k)) {
                    (Some(&start), Some(p)) => start + offset.min(p.len()),
                    _ => text.len(),
                };
                while !text.is_char_boundary(pos) {
                    pos -= 1;
                }
                (pos, name)
            })
            .collect();
        (text, marks)
    }
}

/// Strips Markdown markup, keeping the words a reader sees.
///
/// Headings, emphasis, links, images, list bullets, block quotes, rules and
/// YAML front matter are removed; fenced code is kept as text. The first
/// heading (or a front-matter `title:`) becomes the title and a front-matter
/// `date:` the publication time.
pub fn markdown_to_text(md: &str) -> Extracted {
    static IMAGE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"!\[([^\]\n]*)\]\([^)\n]*\)").expect("static regex"));
    static LINK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\[([^\]\n]+)\]\([^)\n]*\)").expect("static regex"));
    static REF_LINK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\[([^\]\n]+)\]\[[^\]\n]*\]").expect("static regex"));
    static REF_DEF: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s{0,3}\[[^\]]+\]:\s+\S").expect("static regex"));
    static AUTOLINK: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<((?:https?|mailto):[^>\s]+)>").expect("static regex"));
    static STRONG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\*\*|__)([^\s*_](?:[^\n]*?[^\s*_])?)(\*\*|__)").expect("static regex")
    });
    static EM_STAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\*([^\s*](?:[^*\n]*?[^\s*])?)\*").expect("static regex"));
    static EM_UNDER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(^|[^\w])_([^\s_](?:[^_\n]*?[^\s_])?)_($|[^\w])").expect("static regex")
    });
    static STRIKE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"~~([^~\n]+)~~").expect("static regex"));
    static CODE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"`+([^`\n]+)`+").expect("static regex"));
    static TAG: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"</?[A-Za-z][^>\n]{0,300}>").expect("static regex"));
    static HEADING: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s{0,3}(#{1,6})\s*(.*?)\s*#*\s*$").expect("static regex"));
    static BULLET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?").expect("static regex")
    });
    static QUOTE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^\s{0,3}(?:>\s?)+").expect("static regex"));
    static RULE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,}|=+)\s*$")
            .expect("static regex")
    });
    static FRONT_KEY: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"^(title|date|published|published_at)\s*:\s*["']?(.*?)["']?\s*$"#)
            .expect("static regex")
    });

    let mut title: Option<String> = None;
    let mut published_at: Option<String> = None;
    let mut removed: Vec<String> = Vec::new();
    let note = |what: &str, removed: &mut Vec<String>| {
        if !removed.iter().any(|r| r == what) {
            removed.push(what.to_string());
        }
    };

    let mut lines: Vec<&str> = md.lines().collect();
    // YAML front matter: a leading block between two `---` lines.
    if lines.first().map(|l| l.trim()) == Some("---")
        && let Some(end) = lines
            .iter()
            .skip(1)
            .position(|l| l.trim() == "---" || l.trim() == "...")
    {
        for line in lines.iter().skip(1).take(end) {
            if let Some(c) = FRONT_KEY.captures(line.trim()) {
                let value = c.get(2).map(|m| m.as_str().to_string()).unwrap_or_default();
                match c.get(1).map(|m| m.as_str()) {
                    Some("title") if !value.is_empty() => title = Some(value),
                    Some(_) if !value.is_empty() => published_at = Some(value),
                    _ => {}
                }
            }
        }
        lines.drain(..(end + 2).min(lines.len()));
        note("front matter", &mut removed);
    }

    let mut out: Vec<String> = Vec::new();
    let mut in_fence: Option<&str> = None;
    for line in lines {
        let trimmed = line.trim_start();
        if let Some(fence) = in_fence {
            if trimmed.starts_with(fence) {
                in_fence = None;
            } else {
                out.push(line.to_string());
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = Some(if trimmed.starts_with("```") {
                "```"
            } else {
                "~~~"
            });
            note("code fence markers", &mut removed);
            continue;
        }
        if REF_DEF.is_match(line) {
            note("link definitions", &mut removed);
            continue;
        }
        if RULE.is_match(line) && !line.trim().is_empty() {
            // A setext underline turns the previous line into a heading.
            if (line.trim().starts_with('=') || line.trim().starts_with('-'))
                && let Some(prev) = out.last().filter(|p| !p.trim().is_empty())
                && title.is_none()
            {
                title = Some(prev.trim().to_string());
            }
            note("rules", &mut removed);
            continue;
        }
        let mut text = line.to_string();
        if let Some(c) = HEADING.captures(&text) {
            let heading = c.get(2).map(|m| m.as_str().to_string()).unwrap_or_default();
            note("heading markers", &mut removed);
            text = heading;
            let inline = strip_inline(
                &text,
                &[&IMAGE, &LINK, &REF_LINK, &AUTOLINK],
                &[&STRONG, &STRIKE, &CODE],
                &EM_STAR,
                &EM_UNDER,
                &TAG,
            );
            if title.is_none() && !inline.trim().is_empty() {
                title = Some(inline.trim().to_string());
            }
            // A heading is its own paragraph.
            out.push(String::new());
            out.push(inline);
            out.push(String::new());
            continue;
        }
        if let Some(m) = QUOTE.find(&text) {
            text = text.get(m.end()..).unwrap_or_default().to_string();
        }
        if let Some(m) = BULLET.find(&text) {
            text = text.get(m.end()..).unwrap_or_default().to_string();
            note("list bullets", &mut removed);
        }
        if IMAGE.is_match(&text) {
            note("images", &mut removed);
        }
        if LINK.is_match(&text) {
            note("link targets", &mut removed);
        }
        out.push(strip_inline(
            &text,
            &[&IMAGE, &LINK, &REF_LINK, &AUTOLINK],
            &[&STRONG, &STRIKE, &CODE],
            &EM_STAR,
            &EM_UNDER,
            &TAG,
        ));
    }

    // Re-flow: collapse runs of blank lines into one paragraph break.
    let mut text = String::new();
    let mut blank_run = false;
    for line in out {
        if line.trim().is_empty() {
            blank_run = !text.is_empty();
            continue;
        }
        if blank_run {
            text.push_str("\n\n");
            blank_run = false;
        } else if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(line.trim_end());
    }
    Extracted {
        text,
        title,
        published_at,
        removed,
        markup: Vec::new(),
    }
}

/// Replaces inline markup by its visible text.
fn strip_inline(
    line: &str,
    links: &[&Regex],
    wrappers: &[&Regex],
    em_star: &Regex,
    em_under: &Regex,
    tag: &Regex,
) -> String {
    let mut s = line.to_string();
    for re in links {
        s = re.replace_all(&s, "$1").into_owned();
    }
    for re in wrappers {
        s = re
            .replace_all(&s, |c: &regex::Captures<'_>| {
                // Strong has the text in group 2, the others in group 1.
                c.get(2)
                    .filter(|_| c.len() > 3)
                    .or_else(|| c.get(1))
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default()
            })
            .into_owned();
    }
    s = em_star.replace_all(&s, "$1").into_owned();
    s = em_under.replace_all(&s, "$1$2$3").into_owned();
    s = tag.replace_all(&s, "").into_owned();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_markup_is_reported_where_it_stood() {
        let html = "<html><head><script>a()</script></head><body><nav>menu</nav><article>\
            <p>First para.</p><p>Before <script>x()</script>after.</p><style>p{}</style>\
            <p>Last.</p><nav><script>y()</script></nav></article><footer>f</footer></body></html>";
        let e = html_to_text(html);
        assert_eq!(e.text, "First para.\n\nBefore after.\n\nLast.");
        let markup: Vec<(usize, usize, &str)> = e
            .markup
            .iter()
            .map(|c| {
                assert_eq!(c.kind, CleanupKind::Markup);
                (c.span.start, c.span.end, c.text.as_str())
            })
            .collect();
        // The script nested in the article's <nav> is the nav's; the text
        // is 33 bytes long.
        assert_eq!(
            markup,
            vec![
                (0, 0, "<script>"),
                (0, 0, "<nav>"),
                (19, 19, "<script>"),
                (28, 28, "<style>"),
                (33, 33, "<nav>"),
                (33, 33, "<footer>"),
            ]
        );
        // Markdown drops no markup elements.
        assert!(markdown_to_text("# Title\n\nText.").markup.is_empty());
    }

    #[test]
    fn windows_1252_declared_and_sniffed() {
        let bytes = b"caf\xe9 cr\xe8me br\xfbl\xe9e, na\xefve r\xe9sum\xe9";
        assert_eq!(
            decode_raw(bytes, Some("windows-1252")).unwrap(),
            "café crème brûlée, naïve résumé"
        );
        assert_eq!(
            decode_raw(bytes, Some(" latin1 ")).unwrap(),
            "café crème brûlée, naïve résumé"
        );
        // Undeclared: not UTF-8, so the detector has to pick a Latin encoding.
        let guessed = decode_raw(bytes, None).unwrap();
        assert!(guessed.contains("café"), "{guessed}");
    }

    #[test]
    fn utf16le_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Grüße, 東京 😀".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode_raw(&bytes, None).unwrap(), "Grüße, 東京 😀");
        // The BOM wins over a wrong declaration, as in browsers.
        assert_eq!(
            decode_raw(&bytes, Some("iso-8859-1")).unwrap(),
            "Grüße, 東京 😀"
        );
    }

    #[test]
    fn utf16le_without_bom_is_guessed() {
        let bytes: Vec<u8> = "Hello world, plain text"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(decode_raw(&bytes, None).unwrap(), "Hello world, plain text");
    }

    #[test]
    fn bogus_label_is_an_error() {
        let err = decode_raw(b"hello", Some("x-no-such-charset")).unwrap_err();
        assert_eq!(
            err,
            ExtractError::UnknownCharset("x-no-such-charset".into())
        );
        assert!(err.to_string().contains("x-no-such-charset"));
    }

    #[test]
    fn malformed_utf8_and_binary_are_undecodable() {
        let bad: Vec<u8> = (0..200)
            .map(|i| if i % 2 == 0 { 0xC3 } else { b'a' })
            .collect();
        assert!(matches!(
            decode_raw(&bad, Some("utf-8")),
            Err(ExtractError::Undecodable(_))
        ));
        let binary = vec![0u8; 64];
        assert!(matches!(
            decode_raw(&binary, None),
            Err(ExtractError::Undecodable(_))
        ));
        assert_eq!(decode_raw(b"", None).unwrap(), "");
    }

    #[test]
    fn meta_charset_is_honoured() {
        let page = b"<html><head><meta charset=\"iso-8859-1\"><title>x</title></head><body>na\xefve</body></html>";
        assert!(decode_raw(page, None).unwrap().contains("naïve"));
    }

    #[test]
    fn html_drops_chrome_and_finds_title_and_date() {
        let html = r#"<!DOCTYPE html><html><head><title>Grève à Paris</title>
            <meta property="article:published_time" content="2015-11-15T10:00:00Z">
            <style>p { color: red }</style><script>var x = "<p>no</p>";</script></head>
            <body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
            <header>Site header</header>
            <article><h1>Grève à Paris</h1><p>First &amp; <b>foremost</b>, the café said&nbsp;no.</p>
            <p>Second paragraph<br>with a break.</p><script>track()</script></article>
            <footer>© 2015</footer></body></html>"#;
        let e = html_to_text(html);
        assert_eq!(e.title.as_deref(), Some("Grève à Paris"));
        assert_eq!(e.published_at.as_deref(), Some("2015-11-15T10:00:00Z"));
        assert_eq!(
            e.text,
            "Grève à Paris\n\nFirst & foremost, the café said no.\n\nSecond paragraph\n\nwith a break."
        );
        for dropped in ["script", "style", "nav", "header", "footer"] {
            assert!(
                e.removed.iter().any(|r| r == dropped),
                "{dropped} in {:?}",
                e.removed
            );
        }
        assert!(looks_like_html(html));
        assert!(!looks_like_html("3 < 4 and 5 > 2 in plain prose"));
    }

    /// The sniffing regex as it was (one automaton for the whole tag), the
    /// reference for [`looks_like_html`].
    fn looks_like_html_by_one_regex(text: &str) -> bool {
        let tags = Regex::new(
            r"(?i)<(?:!doctype\s+html|html|head|body|p|div|span|a\s|br|article|main|section|h[1-6]|ul|ol|li|table|script|style|meta|title)\b[^>]{0,500}>",
        )
        .unwrap();
        let head: String = text.chars().take(8192).collect();
        if starts_with_doctype(&head) {
            return true;
        }
        tags.find_iter(&head).take(2).count() >= 2
    }

    #[test]
    fn a_tag_ends_within_500_characters() {
        // `gap` characters between the tag's name and its `>`.
        let tag = |gap: usize| format!("<p {}>", "é".repeat(gap - 1));
        for (gap, html) in [(500, true), (501, false)] {
            let text = format!("{} and {}", tag(gap), tag(gap));
            assert_eq!(looks_like_html(&text), html, "{gap}");
            assert_eq!(looks_like_html_by_one_regex(&text), html, "{gap}");
        }
        // A start without its `>` does not hide the tags after it.
        let text = format!("<p {} <div>x</div><br>", "x".repeat(600));
        assert!(looks_like_html(&text));
        assert!(looks_like_html_by_one_regex(&text));
    }

    proptest::proptest! {
        #[test]
        fn sniffing_html_agrees_with_the_one_regex(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "<", ">", "<p", "<P ", "<br>", "<a href", "<html", "<h1", "<pre>", "<li",
                    "é", "x", " ", "\n", "<!doctype html>", "<table", "<b>",
                ]),
                0..40,
            ),
            filler in 0usize..600,
        ) {
            let mut text = parts.concat();
            let middle = text.char_indices().nth(parts.len() / 2).map_or(text.len(), |(i, _)| i);
            text.insert_str(middle, &"y".repeat(filler));
            proptest::prop_assert_eq!(looks_like_html(&text), looks_like_html_by_one_regex(&text));
        }
    }

    #[test]
    fn open_graph_title_wins_and_dates_parse_in_common_forms() {
        let html = r#"<html><head><title>Strikes hit Raqqa | Example News</title>
            <meta property="og:title" content="Strikes hit Raqqa">
            <meta property="article:published_time" content="2015-11-15T10:00:00+0000"></head>
            <body><p>Air strikes hit Raqqa on Sunday.</p><p>More followed.</p></body></html>"#;
        let e = html_to_text(html);
        assert_eq!(e.title.as_deref(), Some("Strikes hit Raqqa"));
        let when = "2015-11-15T10:00:00Z".parse::<DateTime<Utc>>().ok();
        assert_eq!(e.published_at.as_deref().and_then(parse_published), when);
        for form in [
            "2015-11-15T10:00:00Z",
            "2015-11-15T11:00:00+01:00",
            "2015-11-15T10:00:00.000+0000",
            "2015-11-15 10:00:00",
            "Sun, 15 Nov 2015 10:00:00 GMT",
        ] {
            assert_eq!(parse_published(form), when, "{form}");
        }
        assert_eq!(
            parse_published(" 2015-11-15 "),
            "2015-11-15T00:00:00Z".parse::<DateTime<Utc>>().ok()
        );
        assert_eq!(parse_published("last Sunday"), None);
        assert_eq!(parse_published(""), None);
    }

    #[test]
    fn shift_jis_and_utf16be_are_decoded() {
        let text = "東京で記者会見が開かれた。首相は「協力する」と述べた。";
        let (sjis, _, unmappable) = encoding_rs::SHIFT_JIS.encode(text);
        assert!(!unmappable);
        assert_eq!(decode_raw(&sjis, Some("shift_jis")).unwrap(), text);
        // Undeclared, the detector recognises it.
        assert_eq!(decode_raw(&sjis, None).unwrap(), text);
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decode_raw(&be, None).unwrap(), text);
    }

    #[test]
    fn html_time_element_and_deep_nesting() {
        let html = format!(
            "<body><time datetime=\"2020-01-02\">Jan 2</time>{}deep{}</body>",
            "<div>".repeat(5000),
            "</div>".repeat(5000)
        );
        let e = html_to_text(&html);
        assert_eq!(e.published_at.as_deref(), Some("2020-01-02"));
        assert!(e.text.contains("deep"));
    }

    #[test]
    fn markdown_is_stripped() {
        let md = "---\ntitle: \"Über uns\"\ndate: 2015-11-16\n---\n# Heading **bold**\n\nSome *emphasis* and a [link](http://x.y) and ![alt text](img.png).\n\n- item one\n- item `two`\n\n> quoted line\n\n```\nlet x = 1;\n```\n";
        let e = markdown_to_text(md);
        assert_eq!(e.title.as_deref(), Some("Über uns"));
        assert_eq!(e.published_at.as_deref(), Some("2015-11-16"));
        assert_eq!(
            e.text,
            "Heading bold\n\nSome emphasis and a link and alt text.\n\nitem one\nitem two\n\nquoted line\n\nlet x = 1;"
        );
        assert!(e.removed.iter().any(|r| r == "front matter"));
        assert_eq!(
            markdown_to_text("snake_case_name stays").text,
            "snake_case_name stays"
        );
    }
}
