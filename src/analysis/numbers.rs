//! Numeric and contact entities by regular expression: URLs, e-mail
//! addresses, phone numbers, money, percentages, quantities and bare numbers.
//!
//! The recognisers run in that order and each skips spans an earlier one
//! took, so "$4.5 billion" is one MONEY entity rather than a NUMBER inside it.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::entities::{Candidate, Taken};
use super::{EntityType, MentionKind, Span};

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?-u:\b)(?:https?://|www\.)[^\s<>"'()\[\]{}]*[^\s<>"'()\[\]{}.,;:!?]"#)
        .expect("static regex")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?-u:\b)",
    )
    .expect("static regex")
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}(?:[\s.-]\d{2,4}){1,4}|\(\d{3}\)\s?\d{3}[\s.-]\d{4}|(?-u:\b)\d{3}[.-]\d{3}[.-]\d{4})(?-u:\b)")
        .expect("static regex")
});
const NUM: &str = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?";
const SCALE: &str = r"million|billion|trillion|thousand|bn|mn|m|k";
static MONEY_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(US\$|A\$|C\$|HK\$|NZ\$|\$|€|£|¥|₹|₽|(?-u:\b)(?:USD|EUR|GBP|JPY|CNY|CHF)\s?)\s?({NUM})(?:\s?({SCALE})(?-u:\b))?"
    ))
    .expect("static regex")
});
static MONEY_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)({NUM})(?:\s?(million|billion|trillion|thousand))?\s?(dollars?|euros?|pounds? sterling|pounds|yen|yuan|renminbi|rupees?|francs?|roubles?|rubles?|USD|EUR|GBP|JPY|CNY|CHF)(?-u:\b)"
    ))
    .expect("static regex")
});
static PERCENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)({NUM})(?:\s?%|\s?(?:percent|per cent|percentage points?|pct)(?-u:\b))"
    ))
    .expect("static regex")
});
static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)({NUM}|(?i:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|a hundred|a thousand))(?:\s(million|billion|thousand))?\s(?:(?:more|other|additional|new)\s)?(people|persons|civilians|soldiers|troops|children|women|men|students|workers|refugees|migrants|deaths|casualties|victims|fighters|militants|officers|journalists|passengers|residents|hostages|prisoners|patients|cases|homes|houses|buildings|vehicles|cars|aircraft|planes|jets|drones|missiles|rockets|square (?:miles|kilometres|kilometers)|km|kilometers|kilometres|miles|meters|metres|feet|kg|kilograms|tonnes|tons|barrels|acres|hectares|liters|litres|gallons|degrees|years|months|weeks|days|hours|minutes|seconds)(?-u:\b)"
    ))
    .expect("static regex")
});
static FRACTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?i:(an?|one|two|three|four|five|six|seven|eight|nine)[- ](halfs?|halves|thirds?|quarters?|fourths?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?))(?-u:\b)")
        .expect("static regex")
});
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)({NUM})(?:\s(million|billion|trillion|thousand))?(?-u:\b)"
    ))
    .expect("static regex")
});

/// The same patterns with `\d` and `\s` spelled as their ASCII members, for
/// texts where [`is_plain`] holds: there they match exactly what the Unicode
/// ones do, and their automata are cheaper to run.
static PERCENT_ASCII: LazyLock<Regex> = LazyLock::new(|| ascii_classes(PERCENT.as_str()));
/// (NUMBER itself is matched by [`plain_number_matches`] in a plain text;
/// the tests compare the two.)
#[cfg(test)]
static NUMBER_ASCII: LazyLock<Regex> = LazyLock::new(|| ascii_classes(NUMBER.as_str()));

/// Rewrites `\d` as `[0-9]` and `\s` as the ASCII white space of a pattern
/// that uses no other escapes of those letters.
pub(crate) fn ascii_classes(pattern: &str) -> Regex {
    Regex::new(
        &pattern
            .replace(r"\d", "[0-9]")
            .replace(r"\s", r"[\t\n\x0B\x0C\r ]"),
    )
    .expect("static regex")
}

/// Whether the text holds no character that only the Unicode meaning of a
/// pattern could match: no non-ASCII digit or white space, and neither "ſ"
/// nor the Kelvin sign, which case-insensitive "s" and "k" match. In such a
/// text `\d` is `[0-9]`, `\s` is ASCII white space and case-insensitive
/// ASCII letters match ASCII letters only, so the byte-level tests below are
/// exact.
pub(crate) fn is_plain(text: &str) -> bool {
    text.is_ascii()
        || !text.chars().any(|c| {
            !c.is_ascii() && (c.is_whitespace() || c.is_numeric() || c == 'ſ' || c == '\u{212A}')
        })
}

/// `(?-u:\b)`'s word bytes.
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `\s` in a plain text.
pub(crate) fn is_space_byte(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

fn digits(b: &[u8], at: usize, n: usize) -> bool {
    b.get(at..at + n)
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}

/// Literals one of which every MONEY_PREFIX match holds (its symbol).
const MONEY_PREFIX_LITERALS: &[&str] = &[
    "$", "€", "£", "¥", "₹", "₽", "USD", "EUR", "GBP", "JPY", "CNY", "CHF",
];
/// Literals one of which every MONEY_SUFFIX match holds (its unit).
const MONEY_SUFFIX_LITERALS: &[&str] = &[
    "dollar", "euro", "pound", "yen", "yuan", "renminbi", "rupee", "franc", "rouble", "ruble",
    "USD", "EUR", "GBP", "JPY", "CNY", "CHF",
];
/// Literals one of which every PERCENT match holds.
const PERCENT_LITERALS: &[&str] = &["%", "percent", "per cent", "percentage point", "pct"];

/// Whether a text holds one of some literals: a regex of them finds that
/// faster than an Aho-Corasick automaton here (its prefilter is vectorised).
fn any_literal(literals: &[&str]) -> Regex {
    let alternatives: Vec<String> = literals.iter().map(|l| regex::escape(l)).collect();
    Regex::new(&alternatives.join("|")).expect("static literals")
}
static MONEY_PREFIX_LIT: LazyLock<Regex> = LazyLock::new(|| any_literal(MONEY_PREFIX_LITERALS));
static MONEY_SUFFIX_LIT: LazyLock<Regex> = LazyLock::new(|| any_literal(MONEY_SUFFIX_LITERALS));
static PERCENT_LIT: LazyLock<Regex> = LazyLock::new(|| any_literal(PERCENT_LITERALS));

/// False only when PHONE cannot match a plain text: each of its forms holds
/// "+" and a digit, "(ddd)" or "[.-]ddd[.-]".
fn may_hold_phone(b: &[u8]) -> bool {
    b.iter().enumerate().any(|(i, &c)| match c {
        b'+' => digits(b, i + 1, 1),
        b'(' => digits(b, i + 1, 3) && b.get(i + 4) == Some(&b')'),
        b'.' | b'-' => digits(b, i + 1, 3) && matches!(b.get(i + 4), Some(b'.' | b'-')),
        _ => false,
    })
}

/// Numerators FRACTION allows, lower case.
const NUMERATORS: &[&[u8]] = &[
    b"a", b"an", b"one", b"two", b"three", b"four", b"five", b"six", b"seven", b"eight", b"nine",
];
/// A prefix of each denominator FRACTION allows, lower case.
const DENOMINATOR_STEMS: &[&str] = &[
    "hal", "third", "quarter", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
];
static DENOMINATOR_AC: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(DENOMINATOR_STEMS)
        .expect("static literals")
});

/// False only when FRACTION cannot match a plain text: each match holds a
/// denominator right after "-" or " " right after a whole numerator word.
fn may_hold_fraction(text: &str) -> bool {
    let b = text.as_bytes();
    DENOMINATOR_AC.find_overlapping_iter(text).any(|m| {
        let Some(sep) = m.start().checked_sub(1) else {
            return false;
        };
        if !matches!(b[sep], b'-' | b' ') {
            return false;
        }
        let mut start = sep;
        while start > 0 && is_word_byte(b[start - 1]) {
            start -= 1;
        }
        NUMERATORS
            .iter()
            .any(|n| b[start..sep].eq_ignore_ascii_case(n))
    })
}

/// A NUMBER match: where it starts and ends, where its number ends, and the
/// span of its scale word ("million") if it has one.
#[derive(Debug, Clone, Copy, PartialEq)]
struct NumberMatch {
    start: usize,
    end: usize,
    num_end: usize,
    scale: Option<(usize, usize)>,
}

/// NUMBER's matches in a plain text, in order, found by a byte scan instead
/// of the regex: the same matches and groups as `NUMBER_ASCII.captures_iter`
/// (a test compares them). A match starts at a digit after a word boundary;
/// there the pattern's choices are tried in its own order of preference
/// (leftmost-first): the grouped number with the most ",ddd" groups down to
/// one (only when the first digit run is at most three digits long), then
/// the plain digit run; for each, with the decimal part before without it,
/// and with the scale word before without it, until the word boundary after
/// it holds. A shorter digit run than the whole one is never a choice: a
/// digit follows it, so neither ".", white space nor a word boundary can.
fn plain_number_matches(b: &[u8], mut f: impl FnMut(NumberMatch)) {
    let mut p = 0;
    while p < b.len() {
        if b[p].is_ascii_digit()
            && (p == 0 || !is_word_byte(b[p - 1]))
            && let Some(m) = number_at(b, p)
        {
            f(m);
            p = m.end;
        } else {
            p += 1;
        }
    }
}

/// The end of the run of ASCII digits from `at`.
fn digit_run(b: &[u8], at: usize) -> usize {
    at + b
        .get(at..)
        .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count())
}

/// NUMBER's match starting at `start` (a digit after a word boundary).
fn number_at(b: &[u8], start: usize) -> Option<NumberMatch> {
    let run_end = digit_run(b, start);
    if run_end - start <= 3 {
        // The ",ddd" groups that follow; the k-th ends at `run_end + 4k`.
        let mut groups = 0;
        while b.get(run_end + 4 * groups) == Some(&b',') && digits(b, run_end + 4 * groups + 1, 3) {
            groups += 1;
        }
        for k in (1..=groups).rev() {
            if let Some(m) = number_tail(b, start, run_end + 4 * k) {
                return Some(m);
            }
        }
    }
    number_tail(b, start, run_end)
}

/// The rest of NUMBER after the digits of its number end at `end`: an
/// optional decimal part, an optional scale word, a word boundary.
fn number_tail(b: &[u8], start: usize, end: usize) -> Option<NumberMatch> {
    if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        let decimals_end = digit_run(b, end + 1);
        if let Some(m) = number_scale(b, start, decimals_end) {
            return Some(m);
        }
    }
    number_scale(b, start, end)
}

/// The optional scale word and the closing word boundary of NUMBER, its
/// number ending at `num_end` (in a digit).
fn number_scale(b: &[u8], start: usize, num_end: usize) -> Option<NumberMatch> {
    let boundary = |at: usize| b.get(at).is_none_or(|&c| !is_word_byte(c));
    if b.get(num_end).is_some_and(|&c| is_space_byte(c)) {
        let word_start = num_end + 1;
        let rest = b.get(word_start..).unwrap_or_default();
        for w in [&b"million"[..], b"billion", b"trillion", b"thousand"] {
            if rest.starts_with(w) && boundary(word_start + w.len()) {
                return Some(NumberMatch {
                    start,
                    end: word_start + w.len(),
                    num_end,
                    scale: Some((word_start, word_start + w.len())),
                });
            }
        }
    }
    boundary(num_end).then_some(NumberMatch {
        start,
        end: num_end,
        num_end,
        scale: None,
    })
}

/// Parses "1,234.5" and number words into a value; `None` when not finite.
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let word = match s.to_ascii_lowercase().as_str() {
        "one" => Some(1.0),
        "two" => Some(2.0),
        "three" => Some(3.0),
        "four" => Some(4.0),
        "five" => Some(5.0),
        "six" => Some(6.0),
        "seven" => Some(7.0),
        "eight" => Some(8.0),
        "nine" => Some(9.0),
        "ten" => Some(10.0),
        "eleven" => Some(11.0),
        "twelve" => Some(12.0),
        "fifteen" => Some(15.0),
        "twenty" => Some(20.0),
        "thirty" => Some(30.0),
        "forty" => Some(40.0),
        "fifty" => Some(50.0),
        "hundred" | "a hundred" => Some(100.0),
        "a thousand" => Some(1000.0),
        _ => None,
    };
    let v = word.or_else(|| s.replace(',', "").parse::<f64>().ok())?;
    v.is_finite().then_some(v)
}

fn scale(s: Option<&str>) -> f64 {
    match s.map(str::to_ascii_lowercase).as_deref() {
        Some("thousand" | "k") => 1e3,
        Some("million" | "m" | "mn") => 1e6,
        Some("billion" | "bn") => 1e9,
        Some("trillion") => 1e12,
        _ => 1.0,
    }
}

/// Formats a value without a trailing ".0" and never in exponent notation.
pub(crate) fn format_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn currency(symbol: &str) -> &'static str {
    let s = symbol.trim().to_ascii_lowercase();
    match s.as_str() {
        "$" | "us$" | "usd" | "dollar" | "dollars" => "USD",
        "a$" => "AUD",
        "c$" => "CAD",
        "hk$" => "HKD",
        "nz$" => "NZD",
        "€" | "eur" | "euro" | "euros" => "EUR",
        "£" | "gbp" | "pounds" | "pound sterling" | "pounds sterling" => "GBP",
        "¥" | "jpy" | "yen" => "JPY",
        "cny" | "yuan" | "renminbi" => "CNY",
        "₹" | "rupee" | "rupees" => "INR",
        "₽" | "rouble" | "roubles" | "ruble" | "rubles" => "RUB",
        "chf" | "franc" | "francs" => "CHF",
        _ => "",
    }
}

/// The text [`format_value`] gives for the value of `digits` ("1,234.5"),
/// read off the digits without formatting the float, when the digits are
/// already that text: at most 15 of them (so distinct such numbers are
/// distinct floats, and the shortest text that reads back as the float is
/// the digits themselves), no leading zero, no trailing zero after the
/// point. `None` when they are not.
fn shortest_digits(digits: &str) -> Option<String> {
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let int_ok = int.bytes().next().is_some_and(|b| b.is_ascii_digit())
        && int.bytes().all(|b| b.is_ascii_digit() || b == b',')
        && !(int.starts_with('0') && int.len() > 1);
    let frac_ok = frac.is_none_or(|f| {
        !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) && !f.ends_with('0')
    });
    let count = int.bytes().filter(u8::is_ascii_digit).count() + frac.map_or(0, str::len);
    if !int_ok || !frac_ok || count > 15 {
        return None;
    }
    let mut out = String::with_capacity(digits.len());
    out.extend(int.chars().filter(|&c| c != ','));
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// A numeric candidate; `digits` are the digits its value was read from
/// when the value is exactly theirs (no scale applied).
fn numeric(
    span: Span,
    etype: EntityType,
    value: Option<f64>,
    digits: Option<&str>,
    extra: Option<(&str, String)>,
    surface: &str,
) -> Candidate {
    let mut metadata = Vec::new();
    let value_text = value.map(|v| {
        digits
            .and_then(shortest_digits)
            .unwrap_or_else(|| format_value(v))
    });
    if let Some(v) = &value_text {
        metadata.push(("value".to_string(), v.clone()));
    }
    let mut key = format!(
        "{}:{}",
        etype.as_str(),
        value_text.clone().unwrap_or_else(|| surface.to_lowercase())
    );
    if let Some((k, v)) = extra {
        key.push(':');
        key.push_str(&v);
        if !v.is_empty() {
            metadata.push((k.to_string(), v));
        }
    }
    Candidate::new(span, etype, key, MentionKind::Name, metadata)
}

/// Finds URLs, e-mail addresses, phone numbers, money and percentages,
/// skipping spans already taken. Run before dates, so "$2,015" is money.
pub(crate) fn recognize_contacts_and_money(
    text: &str,
    taken: &mut Taken,
    out: &mut Vec<Candidate>,
) {
    let mut accept = |c: Candidate, taken: &mut Taken| {
        if taken.try_take(c.span) {
            out.push(c);
        }
    };
    let plain = is_plain(text);
    let bytes = text.as_bytes();
    for (re, etype, may_match) in [
        (&*URL, EntityType::Url, true),
        (&*EMAIL, EntityType::Email, bytes.contains(&b'@')),
        (&*PHONE, EntityType::Phone, !plain || may_hold_phone(bytes)),
    ] {
        if !may_match {
            continue;
        }
        for m in re.find_iter(text) {
            let span = Span::new(m.start(), m.end());
            let key = format!("{}:{}", etype.as_str(), m.as_str().to_lowercase());
            accept(
                Candidate::new(span, etype, key, MentionKind::Name, Vec::new()),
                taken,
            );
        }
    }
    let money_prefix = MONEY_PREFIX_LIT
        .is_match(text)
        .then(|| MONEY_PREFIX.captures_iter(text));
    for c in money_prefix.into_iter().flatten() {
        let (Some(m), Some(sym), Some(n)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let value = parse_number(n.as_str()).map(|v| v * scale(c.get(3).map(|s| s.as_str())));
        let digits = c.get(3).is_none().then_some(n.as_str());
        let cur = currency(sym.as_str()).to_string();
        accept(
            numeric(
                Span::new(m.start(), m.end()),
                EntityType::Money,
                value,
                digits,
                Some(("currency", cur)),
                m.as_str(),
            ),
            taken,
        );
    }
    let money_suffix = MONEY_SUFFIX_LIT
        .is_match(text)
        .then(|| MONEY_SUFFIX.captures_iter(text));
    for c in money_suffix.into_iter().flatten() {
        let (Some(m), Some(n), Some(unit)) = (c.get(0), c.get(1), c.get(3)) else {
            continue;
        };
        let value = parse_number(n.as_str()).map(|v| v * scale(c.get(2).map(|s| s.as_str())));
        let digits = c.get(2).is_none().then_some(n.as_str());
        let cur = currency(unit.as_str()).to_string();
        accept(
            numeric(
                Span::new(m.start(), m.end()),
                EntityType::Money,
                value,
                digits,
                Some(("currency", cur)),
                m.as_str(),
            ),
            taken,
        );
    }
    let percent_re = if plain { &*PERCENT_ASCII } else { &*PERCENT };
    let percent = PERCENT_LIT
        .is_match(text)
        .then(|| percent_re.captures_iter(text));
    for c in percent.into_iter().flatten() {
        let (Some(m), Some(n)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let value = parse_number(n.as_str());
        accept(
            numeric(
                Span::new(m.start(), m.end()),
                EntityType::Percent,
                value,
                Some(n.as_str()),
                Some(("unit", "percent".into())),
                m.as_str(),
            ),
            taken,
        );
    }
}

/// Finds quantities and bare numbers, skipping spans already taken. Run after
/// dates, so "in 2015" is a year rather than a number.
pub(crate) fn recognize_counts(text: &str, taken: &mut Taken, out: &mut Vec<Candidate>) {
    let mut accept = |c: Candidate, taken: &mut Taken| {
        if taken.try_take(c.span) {
            out.push(c);
        }
    };
    let plain = is_plain(text);
    let fraction = (!plain || may_hold_fraction(text)).then(|| FRACTION.captures_iter(text));
    for c in fraction.into_iter().flatten() {
        let (Some(m), Some(n), Some(d)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let numerator = match n.as_str().to_ascii_lowercase().as_str() {
            "a" | "an" => 1.0,
            word => parse_number(word).unwrap_or(1.0),
        };
        let d = d.as_str().to_ascii_lowercase();
        let denominator = [
            ("half", 2.0),
            ("halves", 2.0),
            ("third", 3.0),
            ("quarter", 4.0),
            ("fourth", 4.0),
            ("fifth", 5.0),
            ("sixth", 6.0),
            ("seventh", 7.0),
            ("eighth", 8.0),
            ("ninth", 9.0),
            ("tenth", 10.0),
        ]
        .iter()
        .find(|(stem, _)| d.starts_with(stem))
        .map_or(1.0, |(_, v)| *v);
        accept(
            numeric(
                Span::new(m.start(), m.end()),
                EntityType::Number,
                // Four decimals: 2/3 is 0.6667, not 0.6666666666666666.
                Some((numerator / denominator * 10_000.0).round() / 10_000.0),
                None,
                Some(("fraction", format!("{numerator}/{denominator}"))),
                m.as_str(),
            ),
            taken,
        );
    }
    for c in QUANTITY.captures_iter(text) {
        let (Some(m), Some(n), Some(unit)) = (c.get(0), c.get(1), c.get(3)) else {
            continue;
        };
        let value = parse_number(n.as_str()).map(|v| v * scale(c.get(2).map(|s| s.as_str())));
        let digits = c.get(2).is_none().then_some(n.as_str());
        let unit = unit.as_str().to_lowercase();
        accept(
            numeric(
                Span::new(m.start(), m.end()),
                EntityType::Quantity,
                value,
                digits,
                Some(("unit", unit)),
                m.as_str(),
            ),
            taken,
        );
    }
    let mut number = |m: NumberMatch, taken: &mut Taken| {
        let (Some(surface), Some(n)) = (text.get(m.start..m.end), text.get(m.start..m.num_end))
        else {
            return;
        };
        // A digit run glued to a letter or a dot-joined part of a code is not a
        // number of its own ("G20", "v1.2.3").
        let before = text.get(..m.start).and_then(|s| s.chars().next_back());
        let after = text.get(m.end..).and_then(|s| s.chars().next());
        if before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '-' && m.start > 0)
            || after.is_some_and(|c| c.is_alphanumeric())
        {
            return;
        }
        let unit = m.scale.and_then(|(a, z)| text.get(a..z));
        let value = parse_number(n).map(|v| v * scale(unit));
        accept(
            numeric(
                Span::new(m.start, m.end),
                EntityType::Number,
                value,
                m.scale.is_none().then_some(n),
                None,
                surface,
            ),
            taken,
        );
    };
    if plain {
        plain_number_matches(text.as_bytes(), |m| number(m, taken));
    } else {
        for c in NUMBER.captures_iter(text) {
            let (Some(m), Some(n)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let m = NumberMatch {
                start: m.start(),
                end: m.end(),
                num_end: n.end(),
                scale: c.get(2).map(|s| (s.start(), s.end())),
            };
            number(m, taken);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    type Found = (String, EntityType, Vec<(String, String)>);

    fn find(text: &str) -> Vec<Found> {
        let mut taken = Taken::default();
        let mut out = Vec::new();
        recognize_contacts_and_money(text, &mut taken, &mut out);
        recognize_counts(text, &mut taken, &mut out);
        out.sort_by_key(|c| c.span);
        out.into_iter()
            .map(|c| {
                (
                    text[c.span.start..c.span.end].to_string(),
                    c.etype,
                    c.metadata,
                )
            })
            .collect()
    }

    fn meta(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// Strings built from pieces near the patterns' edges, for comparing the
    /// cheap tests with the patterns themselves.
    pub(crate) fn varied_texts() -> impl Iterator<Item = String> {
        const PIECES: &[&str] = &[
            "1",
            "9",
            "0",
            "12",
            "1987",
            "2015",
            "3,500",
            "4.5",
            " ",
            "  ",
            "\n",
            "\u{a0}",
            "\u{2009}",
            "-",
            ".",
            ",",
            ":",
            "(",
            ")",
            "+",
            "@",
            "%",
            "$",
            "£",
            "€",
            "¥",
            "US$",
            "USD",
            "a",
            "an",
            "one",
            "Two",
            "third",
            "Quarter",
            "half",
            "halves",
            "ſixth",
            "sixth",
            "\u{212A}m",
            "percent",
            "pct",
            "per cent",
            "million",
            "bn",
            "dollars",
            "yen",
            "pounds",
            "people",
            "In",
            "in",
            "mid",
            "Mid-",
            "through",
            "since",
            "x",
            "_",
            "é",
            "É",
            "am",
            "P.M.",
            "pm",
            "a.m.",
            "GMT",
            "mai",
            "MAI",
            "août",
            "aoÛt",
            "février",
            "er",
            "٣",
            "１",
            "555",
            "www.",
            "http://",
            "e@x.org",
            "Jan.",
            "May",
            "ago",
            "days",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        (0..20_000).map(move |_| {
            let mut s = String::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = 1 + (seed % 12) as usize;
            for _ in 0..n {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(PIECES[(seed >> 16) as usize % PIECES.len()]);
            }
            s
        })
    }

    /// A match's span and its groups' spans.
    type Spans = (usize, usize, Vec<Option<(usize, usize)>>);

    fn spans(re: &Regex, text: &str) -> Vec<Spans> {
        re.captures_iter(text)
            .map(|c| {
                let m = c.get(0).unwrap();
                let groups = c.iter().map(|g| g.map(|g| (g.start(), g.end()))).collect();
                (m.start(), m.end(), groups)
            })
            .collect()
    }

    /// [`plain_number_matches`] as [`spans`] gives a regex's matches.
    fn scanned_numbers(text: &str) -> Vec<Spans> {
        let mut out = Vec::new();
        plain_number_matches(text.as_bytes(), |m| {
            let groups = vec![Some((m.start, m.end)), Some((m.start, m.num_end)), m.scale];
            out.push((m.start, m.end, groups));
        });
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The number scan finds what the pattern finds, with the same groups.
        #[test]
        fn number_scan_agrees_with_the_pattern(
            text in "([0-9]{1,5}|,[0-9]{1,4}|\\.[0-9]{0,3}|[,.]|[ \t\n]|million|billion|trillion|thousand|millions|[a-zA-Z_]|-|é|\\$){0,24}"
        ) {
            proptest::prop_assume!(is_plain(&text));
            proptest::prop_assert_eq!(scanned_numbers(&text), spans(&NUMBER_ASCII, &text));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 4000,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]
        /// The digits read off as the value's text are what formatting the
        /// parsed value gives.
        #[test]
        fn shortest_digits_are_the_formatted_value(
            digits in "[0-9]{1,3}(,[0-9]{3}){0,5}(\\.[0-9]{1,12})?|[0-9]{1,18}(\\.[0-9]{0,18})?|0\\.0{0,8}[1-9]{1,3}"
        ) {
            if let (Some(fast), Some(v)) = (shortest_digits(&digits), parse_number(&digits)) {
                proptest::prop_assert_eq!(fast, format_value(v));
            }
        }
    }

    #[test]
    fn shortest_digits_examples() {
        assert_eq!(shortest_digits("1,234.5").as_deref(), Some("1234.5"));
        assert_eq!(shortest_digits("0.05").as_deref(), Some("0.05"));
        for not in ["1.50", "007", "1.", "1234567890123456", "two"] {
            assert_eq!(shortest_digits(not), None, "{not}");
        }
    }

    #[test]
    fn number_scan_examples() {
        for (text, want) in [
            ("1,234,567x", vec![(0, 5)]),
            ("12,3456 and 1.5x", vec![(0, 2), (3, 7), (12, 13)]),
            ("G20 20G 3 million 4 millions", vec![(8, 17), (18, 19)]),
            ("1,234.5 billion", vec![(0, 15)]),
        ] {
            let got: Vec<(usize, usize)> =
                scanned_numbers(text).iter().map(|s| (s.0, s.1)).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn cheap_tests_never_miss_a_match() {
        for text in varied_texts() {
            let plain = is_plain(&text);
            let has = |re: &Regex| re.is_match(&text);
            if has(&EMAIL) {
                assert!(text.contains('@'), "{text:?}");
            }
            if has(&MONEY_PREFIX) {
                assert!(MONEY_PREFIX_LIT.is_match(&text), "{text:?}");
            }
            if has(&MONEY_SUFFIX) {
                assert!(MONEY_SUFFIX_LIT.is_match(&text), "{text:?}");
            }
            if has(&PERCENT) {
                assert!(PERCENT_LIT.is_match(&text), "{text:?}");
            }
            if plain {
                assert!(!has(&PHONE) || may_hold_phone(text.as_bytes()), "{text:?}");
                assert!(!has(&FRACTION) || may_hold_fraction(&text), "{text:?}");
                assert_eq!(
                    spans(&PERCENT, &text),
                    spans(&PERCENT_ASCII, &text),
                    "{text:?}"
                );
                assert_eq!(
                    spans(&NUMBER, &text),
                    spans(&NUMBER_ASCII, &text),
                    "{text:?}"
                );
                assert_eq!(scanned_numbers(&text), spans(&NUMBER, &text), "{text:?}");
            }
        }
        // The cheap tests do say no.
        assert!(!may_hold_phone(b"call 555 1234 (ext) +x"));
        assert!(!may_hold_fraction("the third quarter"));
        assert!(may_hold_fraction("two thirds"));
    }

    #[test]
    fn plain_means_the_ascii_classes_suffice() {
        // Every character that `\d`, `\s` or a case-insensitive ASCII letter
        // matches beyond ASCII makes a text not plain.
        let others = Regex::new(r"[\d\s]|(?i:[a-z])").unwrap();
        let ascii = Regex::new(r"[0-9\t\n\x0B\x0C\r ]|[a-zA-Z]").unwrap();
        let all: String = (0..=0x10FFFF_u32).filter_map(char::from_u32).collect();
        for m in others.find_iter(&all) {
            let s = m.as_str();
            assert!(
                ascii.is_match(s) || !is_plain(s),
                "{s:?} U+{:04X}",
                s.chars().next().unwrap() as u32
            );
        }
        assert!(is_plain("“Zoé” paid £4"));
        assert!(!is_plain("4\u{a0}m"));
    }

    #[test]
    fn money_in_three_forms() {
        let got = find("It costs $4.5 billion, or €20 million, or 4.5 billion dollars, or £3m.");
        assert_eq!(
            got[0],
            (
                "$4.5 billion".into(),
                EntityType::Money,
                meta(&[("value", "4500000000"), ("currency", "USD")])
            )
        );
        assert_eq!(
            got[1],
            (
                "€20 million".into(),
                EntityType::Money,
                meta(&[("value", "20000000"), ("currency", "EUR")])
            )
        );
        assert_eq!(
            got[2],
            (
                "4.5 billion dollars".into(),
                EntityType::Money,
                meta(&[("value", "4500000000"), ("currency", "USD")])
            )
        );
        assert_eq!(got[3].0, "£3m");
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn percentages_quantities_and_numbers() {
        let got = find(
            "Up 30 percent, 12% and 2.5 per cent; attacks killed 129 people and two soldiers at the G20 in 2,015 places.",
        );
        let texts: Vec<(&str, EntityType)> = got.iter().map(|(t, e, _)| (t.as_str(), *e)).collect();
        assert_eq!(
            texts,
            vec![
                ("30 percent", EntityType::Percent),
                ("12%", EntityType::Percent),
                ("2.5 per cent", EntityType::Percent),
                ("129 people", EntityType::Quantity),
                ("two soldiers", EntityType::Quantity),
                ("2,015", EntityType::Number),
            ]
        );
        assert_eq!(got[3].2, meta(&[("value", "129"), ("unit", "people")]));
        assert_eq!(got[5].2, meta(&[("value", "2015")]));
    }

    #[test]
    fn fractions_have_their_value() {
        let got = find("Two-thirds of voters and a quarter of donors, but one half of the seats.");
        let texts: Vec<(&str, EntityType)> = got.iter().map(|(t, e, _)| (t.as_str(), *e)).collect();
        assert_eq!(
            texts,
            vec![
                ("Two-thirds", EntityType::Number),
                ("a quarter", EntityType::Number),
                ("one half", EntityType::Number),
            ]
        );
        assert_eq!(got[0].2, meta(&[("value", "0.6667"), ("fraction", "2/3")]));
        assert_eq!(got[1].2, meta(&[("value", "0.25"), ("fraction", "1/4")]));
    }

    #[test]
    fn contacts_with_non_ascii_neighbours() {
        let got = find(
            "Écrivez à presse@example.fr ou https://exemple.fr/été?x=1. Tél +33 1 42 68 53 00 — ok",
        );
        let texts: Vec<(&str, EntityType)> = got.iter().map(|(t, e, _)| (t.as_str(), *e)).collect();
        assert_eq!(
            texts,
            vec![
                ("presse@example.fr", EntityType::Email),
                ("https://exemple.fr/été?x=1", EntityType::Url),
                ("+33 1 42 68 53 00", EntityType::Phone),
            ]
        );
    }

    #[test]
    fn amounts_between_curly_quotes_and_accented_words() {
        // The word boundaries are ASCII ones, so that text with curly quotes
        // keeps the fast regex engine; a letter such as "é" next to a number
        // still does not glue to it.
        let got =
            find("“Prices rose 30 percent,” said Zoé; Zürich paid €4.5 billion for 129 people.");
        let texts: Vec<(&str, EntityType)> = got.iter().map(|(t, e, _)| (t.as_str(), *e)).collect();
        assert_eq!(
            texts,
            vec![
                ("30 percent", EntityType::Percent),
                ("€4.5 billion", EntityType::Money),
                ("129 people", EntityType::Quantity),
            ]
        );
    }
}
