//! Dates and times: recognition and resolution against the reference date.
//!
//! Resolution rules, chosen for news written in the past tense:
//! - a bare weekday ("on Sunday") is the most recent such day on or before the
//!   reference date; "next Friday" is the first one after it, "last Friday"
//!   the most recent one strictly before it;
//! - a bare month ("in September") is the most recent such month on or before
//!   the reference month (metadata `date` = "YYYY-MM");
//! - a month and day without a year take the reference year, unless that lands
//!   more than six months after the reference date, in which case the year
//!   before (news rarely announces dates half a year ahead);
//! - "today", "yesterday", "tomorrow" are the reference date, one day before
//!   and one day after;
//! - "last week", "this month", "next year" are the period before, of or
//!   after the reference date's (an ISO week `YYYY-Www`, `YYYY-MM`, `YYYY`);
//! - "three days ago", "two weeks ago", "a month ago", "five years ago" count
//!   back from the reference date, to the day, ISO week, month or year.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use regex::{Captures, Regex};

use super::entities::{Candidate, Taken};
use super::{EntityType, MentionKind, Span, numbers};

const MONTHS: &str = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)";

static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)(\d{4})-(\d{2})-(\d{2})(?-u:\b)").expect("static regex"));
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b){MONTHS}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?\s+(\d{{4}})(?-u:\b))?"
    ))
    .expect("static regex")
});
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTHS}(?:,?\s+(\d{{4}})(?-u:\b))?"
    ))
    .expect("static regex")
});
static MONTH_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(January|February|March|April|May|June|July|August|September|October|November|December)(?-u:\b)(?:\s+(\d{4})(?-u:\b))?")
        .expect("static regex")
});
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?-u:\b)")
        .expect("static regex")
});
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)([Tt]oday|[Yy]esterday|[Tt]omorrow)(?-u:\b)").expect("static regex")
});
static PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)([Ll]ast|[Nn]ext|[Tt]his)\s+(week|month|year)(?-u:\b)")
        .expect("static regex")
});
static AGO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(\d{1,3}|[Aa]n?|[Oo]ne|[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine|[Tt]en|[Ee]leven|[Tt]welve)\s+(days?|weeks?|months?|years?)\s+ago(?-u:\b)")
        .expect("static regex")
});
static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:[Ii]n|[Ss]ince|[Bb]y|[Uu]ntil|[Ff]rom|[Oo]f|[Bb]efore|[Aa]fter|[Dd]uring|[Ee]arly|[Ll]ate|[Mm]id-?|[Tt]hrough)\s+((?:1[89]|20)\d\d)(?-u:\b)")
        .expect("static regex")
});
static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:(?:[01]?\d|2[0-3]):[0-5]\d(?:\s?(?:a\.m\.|p\.m\.|am(?-u:\b)|pm(?-u:\b)))?|(?:1[0-2]|0?[1-9])\s?(?:a\.m\.|p\.m\.|am(?-u:\b)|pm(?-u:\b)))(?:\s?(?:(?:Eastern|Central|Mountain|Pacific|Atlantic|Greenwich Mean|Central European|British Summer)(?:\s(?:Standard|Daylight))?\sTime(?-u:\b)|GMT|UTC|ET|EST|EDT|CT|CST|CDT|PT|PST|PDT|CET|CEST|BST)(?-u:\b))?")
        .expect("static regex")
});

/// "Q4 2025": a calendar or fiscal quarter.
static QUARTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:Q([1-4])|([1-4])Q)\s?((?:19|20)\d\d)(?-u:\b)").expect("static regex")
});
/// "fiscal year 2026", "FY2026": a fiscal year.
static FISCAL_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?:[Ff]iscal(?:\s+[Yy]ear)?|FY)\s?((?:19|20)\d\d)(?-u:\b)")
        .expect("static regex")
});
/// "9 janvier 2026", "1er mai": French day and month.
static FRENCH_DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(\d{1,2})(?:er)?\s+(janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre)(?-u:\b)(?:\s+(\d{4})(?-u:\b))?")
        .expect("static regex")
});

/// French month names as FRENCH_DAY_MONTH spells them, with the capital of
/// each accented letter (ASCII letters are matched in either case).
const FRENCH_MONTHS: &[&str] = &[
    "janvier",
    "février",
    "fÉvrier",
    "fevrier",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "aoÛt",
    "aout",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "dÉcembre",
    "decembre",
];
static FRENCH_MONTHS_AC: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(FRENCH_MONTHS)
        .expect("static literals")
});

/// False only when FRENCH_DAY_MONTH cannot match a plain text: each match
/// holds a month name after white space and before a word boundary.
fn may_hold_french_date(text: &str) -> bool {
    let b = text.as_bytes();
    FRENCH_MONTHS_AC.find_overlapping_iter(text).any(|m| {
        m.start()
            .checked_sub(1)
            .is_some_and(|i| numbers::is_space_byte(b[i]))
            && !b.get(m.end()).is_some_and(|&c| numbers::is_word_byte(c))
    })
}

/// False only when TIME cannot match a plain text: each match holds a digit
/// and ":" and "[0-5]" and a digit, or a digit, at most one white space, then
/// "a" or "p" and "." or "m" in either case.
fn may_hold_time(b: &[u8]) -> bool {
    b.iter().enumerate().any(|(i, c)| {
        if !c.is_ascii_digit() {
            return false;
        }
        if b.get(i + 1) == Some(&b':') {
            return matches!(b.get(i + 2), Some(b'0'..=b'5'))
                && b.get(i + 3).is_some_and(u8::is_ascii_digit);
        }
        let mut j = i + 1;
        if b.get(j).is_some_and(|&c| numbers::is_space_byte(c)) {
            j += 1;
        }
        matches!(b.get(j), Some(b'a' | b'A' | b'p' | b'P'))
            && matches!(b.get(j + 1), Some(b'.' | b'm' | b'M'))
    })
}

/// The YEAR matches of a plain text, in order: the same as
/// `YEAR.captures_iter(text)`, without running the pattern over the whole
/// text. Every match ends in a year "(?:1[89]|20)dd" before a word boundary,
/// after white space, after a word (or "mid-") that starts at a word
/// boundary; the pattern is run on just that word, space and year. No other
/// match can start in that slice or cross its ends, and its ends see the
/// same word boundaries as in the whole text (a non-word byte or nothing on
/// the outside), so the slice has the match the whole text has there.
fn plain_year_matches(text: &str, mut f: impl FnMut(&Captures<'_>, usize)) {
    let b = text.as_bytes();
    for i in 1..b.len().saturating_sub(3) {
        let year = &b[i..i + 4];
        if !(matches!(year[..2], [b'1', b'8' | b'9'] | [b'2', b'0'])
            && year[2].is_ascii_digit()
            && year[3].is_ascii_digit())
            || b.get(i + 4).is_some_and(|&c| numbers::is_word_byte(c))
            || !numbers::is_space_byte(b[i - 1])
        {
            continue;
        }
        let mut end = i - 1;
        while end > 0 && numbers::is_space_byte(b[end - 1]) {
            end -= 1;
        }
        if end > 0 && b[end - 1] == b'-' {
            end -= 1;
        }
        let mut start = end;
        while start > 0 && numbers::is_word_byte(b[start - 1]) {
            start -= 1;
        }
        // The longest word the pattern allows is "through".
        if start == end || end - start > 7 {
            continue;
        }
        let Some(slice) = text.get(start..i + 4) else {
            continue;
        };
        if let Some(c) = YEAR.captures(slice) {
            f(&c, start);
        }
    }
}

fn french_month_number(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    let m = match lower.as_str() {
        "janvier" => 1,
        "février" | "fevrier" => 2,
        "mars" => 3,
        "avril" => 4,
        "mai" => 5,
        "juin" => 6,
        "juillet" => 7,
        "août" | "aout" => 8,
        "septembre" => 9,
        "octobre" => 10,
        "novembre" => 11,
        "décembre" | "decembre" => 12,
        _ => return None,
    };
    Some(m)
}

fn month_number(name: &str) -> Option<u32> {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    let m = match lower.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn weekday(name: &str) -> Option<Weekday> {
    name.parse::<Weekday>().ok()
}

/// The word before `start` in `text`, lower-cased.
fn word_before(text: &str, start: usize) -> String {
    let before = text.get(..start).unwrap_or_default().trim_end();
    before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_lowercase()
}

/// The most recent `day` on or before `reference` (or strictly after it for
/// "next", strictly before it for "last").
pub(crate) fn resolve_weekday(day: Weekday, reference: NaiveDate, modifier: &str) -> NaiveDate {
    let back = (7 + reference.weekday().num_days_from_monday() as i64
        - day.num_days_from_monday() as i64)
        % 7;
    match modifier {
        "next" => reference + Duration::days(if back == 0 { 7 } else { 7 - back }),
        "last" => reference - Duration::days(if back == 0 { 7 } else { back }),
        _ => reference - Duration::days(back),
    }
}

fn month_day(reference: NaiveDate, month: u32, day: u32, year: Option<i32>) -> Option<NaiveDate> {
    if let Some(y) = year {
        return NaiveDate::from_ymd_opt(y, month, day);
    }
    let this_year = NaiveDate::from_ymd_opt(reference.year(), month, day)?;
    if this_year > reference + Duration::days(183) {
        NaiveDate::from_ymd_opt(reference.year() - 1, month, day)
    } else {
        Some(this_year)
    }
}

fn date_candidate(
    span: Span,
    resolved: Option<String>,
    granularity: &str,
    text: &str,
) -> Candidate {
    let surface = text.get(span.start..span.end).unwrap_or_default();
    let key = match &resolved {
        Some(d) => format!("date:{d}"),
        None => format!("date:{}", surface.to_lowercase()),
    };
    let mut metadata = vec![("granularity".to_string(), granularity.to_string())];
    if let Some(d) = resolved {
        metadata.push(("date".to_string(), d));
    }
    Candidate::new(span, EntityType::Date, key, MentionKind::Name, metadata)
}

/// A count written as digits or a number word ("a", "two").
fn count(word: &str) -> Option<i64> {
    if word.eq_ignore_ascii_case("a") || word.eq_ignore_ascii_case("an") {
        return Some(1);
    }
    let n = numbers::parse_number(word)?;
    // The pattern allows at most three digits: the cast is exact.
    (n.fract() == 0.0 && n >= 0.0).then_some(n as i64)
}

/// The ISO week of a date, `YYYY-Www`.
fn iso_week(date: NaiveDate) -> String {
    let w = date.iso_week();
    format!("{}-W{:02}", w.year(), w.week())
}

/// The month `delta` months from a date's, `YYYY-MM`.
fn month_shift(date: NaiveDate, delta: i64) -> String {
    let months = i64::from(date.year()) * 12 + i64::from(date.month0()) + delta;
    format!(
        "{:04}-{:02}",
        months.div_euclid(12),
        months.rem_euclid(12) + 1
    )
}

/// Resolves "last week" and the like: (value, granularity).
fn period(reference: NaiveDate, modifier: &str, unit: &str) -> Option<(String, &'static str)> {
    let delta: i64 = match modifier.to_ascii_lowercase().as_str() {
        "last" => -1,
        "next" => 1,
        _ => 0,
    };
    Some(match unit {
        "week" => (
            iso_week(reference.checked_add_signed(Duration::try_weeks(delta)?)?),
            "week",
        ),
        "month" => (month_shift(reference, delta), "month"),
        _ => ((i64::from(reference.year()) + delta).to_string(), "year"),
    })
}

/// Resolves "three days ago" and the like: (value, granularity).
fn ago(reference: NaiveDate, n: i64, unit: &str) -> Option<(String, &'static str)> {
    let unit = unit.trim_end_matches('s');
    Some(match unit {
        "day" => (
            reference
                .checked_sub_signed(Duration::try_days(n)?)?
                .to_string(),
            "day",
        ),
        "week" => (
            iso_week(reference.checked_sub_signed(Duration::try_weeks(n)?)?),
            "week",
        ),
        "month" => (month_shift(reference, n.checked_neg()?), "month"),
        _ => (
            (i64::from(reference.year()).checked_sub(n)?).to_string(),
            "year",
        ),
    })
}

/// Finds dates and times, skipping spans already taken.
pub(crate) fn recognize(
    text: &str,
    reference: NaiveDate,
    taken: &mut Taken,
    out: &mut Vec<Candidate>,
) {
    let accept = |c: Candidate, taken: &mut Taken, out: &mut Vec<Candidate>| {
        if taken.try_take(c.span) {
            out.push(c);
        }
    };

    for c in ISO_DATE.captures_iter(text) {
        let (Some(m), Some(y), Some(mo), Some(d)) = (c.get(0), c.get(1), c.get(2), c.get(3)) else {
            continue;
        };
        let date = NaiveDate::from_ymd_opt(
            y.as_str().parse().unwrap_or(0),
            mo.as_str().parse().unwrap_or(0),
            d.as_str().parse().unwrap_or(0),
        );
        if let Some(date) = date {
            accept(
                date_candidate(
                    Span::new(m.start(), m.end()),
                    Some(date.to_string()),
                    "day",
                    text,
                ),
                taken,
                out,
            );
        }
    }
    for c in MONTH_DAY.captures_iter(text) {
        let (Some(m), Some(mon), Some(d)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let Some(month) = month_number(mon.as_str()) else {
            continue;
        };
        let day: u32 = d.as_str().parse().unwrap_or(0);
        let year = c.get(3).and_then(|y| y.as_str().parse().ok());
        let resolved = month_day(reference, month, day, year).map(|d| d.to_string());
        if resolved.is_none() && !(1..=31).contains(&day) {
            continue;
        }
        accept(
            date_candidate(Span::new(m.start(), m.end()), resolved, "day", text),
            taken,
            out,
        );
    }
    for c in DAY_MONTH.captures_iter(text) {
        let (Some(m), Some(d), Some(mon)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let Some(month) = month_number(mon.as_str()) else {
            continue;
        };
        let day: u32 = d.as_str().parse().unwrap_or(0);
        if !(1..=31).contains(&day) {
            continue;
        }
        let year = c.get(3).and_then(|y| y.as_str().parse().ok());
        let resolved = month_day(reference, month, day, year).map(|d| d.to_string());
        accept(
            date_candidate(Span::new(m.start(), m.end()), resolved, "day", text),
            taken,
            out,
        );
    }
    let plain = numbers::is_plain(text);
    let french =
        (!plain || may_hold_french_date(text)).then(|| FRENCH_DAY_MONTH.captures_iter(text));
    for c in french.into_iter().flatten() {
        let (Some(m), Some(d), Some(mon)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let Some(month) = french_month_number(mon.as_str()) else {
            continue;
        };
        let day: u32 = d.as_str().parse().unwrap_or(0);
        if !(1..=31).contains(&day) {
            continue;
        }
        let year = c.get(3).and_then(|y| y.as_str().parse().ok());
        let resolved = month_day(reference, month, day, year).map(|d| d.to_string());
        accept(
            date_candidate(Span::new(m.start(), m.end()), resolved, "day", text),
            taken,
            out,
        );
    }
    for c in QUARTER.captures_iter(text) {
        let (Some(m), Some(q), Some(y)) = (c.get(0), c.get(1).or_else(|| c.get(2)), c.get(3))
        else {
            continue;
        };
        accept(
            date_candidate(
                Span::new(m.start(), m.end()),
                Some(format!("{}-Q{}", y.as_str(), q.as_str())),
                "quarter",
                text,
            ),
            taken,
            out,
        );
    }
    for c in FISCAL_YEAR.captures_iter(text) {
        let (Some(m), Some(y)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let mut cand = date_candidate(
            Span::new(m.start(), m.end()),
            Some(y.as_str().to_string()),
            "year",
            text,
        );
        // A fiscal year is not the calendar year of the same number.
        cand.key = format!("date:FY{}", y.as_str());
        cand.metadata
            .push(("fiscal".to_string(), "true".to_string()));
        accept(cand, taken, out);
    }
    for c in MONTH_ONLY.captures_iter(text) {
        let (Some(m), Some(mon)) = (c.get(0), c.get(1)) else {
            continue;
        };
        let Some(month) = month_number(mon.as_str()) else {
            continue;
        };
        // "May" and "March" are also a verb and a name; accept them alone only
        // after a word that introduces a date.
        if matches!(mon.as_str(), "May" | "March") && c.get(2).is_none() {
            let before = word_before(text, m.start());
            if !matches!(
                before.as_str(),
                "in" | "on"
                    | "of"
                    | "since"
                    | "until"
                    | "by"
                    | "from"
                    | "early"
                    | "late"
                    | "mid"
                    | "last"
                    | "next"
                    | "this"
                    | "through"
                    | "before"
                    | "after"
            ) {
                continue;
            }
        }
        let year = match c.get(2).and_then(|y| y.as_str().parse::<i32>().ok()) {
            Some(y) => y,
            None if month <= reference.month() => reference.year(),
            None => reference.year() - 1,
        };
        accept(
            date_candidate(
                Span::new(m.start(), m.end()),
                Some(format!("{year:04}-{month:02}")),
                "month",
                text,
            ),
            taken,
            out,
        );
    }
    for m in WEEKDAY.find_iter(text) {
        let Some(day) = weekday(m.as_str()) else {
            continue;
        };
        let modifier = word_before(text, m.start());
        // "Super Tuesday" is the primaries' day, an event's name, not the
        // Tuesday of the week the text is written in.
        if text.get(..m.start()).is_some_and(|b| b.ends_with("Super ")) {
            continue;
        }
        let date = resolve_weekday(day, reference, &modifier);
        accept(
            date_candidate(
                Span::new(m.start(), m.end()),
                Some(date.to_string()),
                "day",
                text,
            ),
            taken,
            out,
        );
    }
    for m in RELATIVE.find_iter(text) {
        let offset = match m.as_str().to_ascii_lowercase().as_str() {
            "yesterday" => -1,
            "tomorrow" => 1,
            _ => 0,
        };
        let date = reference + Duration::days(offset);
        accept(
            date_candidate(
                Span::new(m.start(), m.end()),
                Some(date.to_string()),
                "day",
                text,
            ),
            taken,
            out,
        );
    }
    for c in PERIOD.captures_iter(text) {
        let (Some(all), Some(modifier), Some(unit)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let Some((value, granularity)) = period(reference, modifier.as_str(), unit.as_str()) else {
            continue;
        };
        accept(
            date_candidate(
                Span::new(all.start(), all.end()),
                Some(value),
                granularity,
                text,
            ),
            taken,
            out,
        );
    }
    for c in AGO.captures_iter(text) {
        let (Some(all), Some(n), Some(unit)) = (c.get(0), c.get(1), c.get(2)) else {
            continue;
        };
        let Some((value, granularity)) =
            count(n.as_str()).and_then(|n| ago(reference, n, unit.as_str()))
        else {
            continue;
        };
        accept(
            date_candidate(
                Span::new(all.start(), all.end()),
                Some(value),
                granularity,
                text,
            ),
            taken,
            out,
        );
    }
    let year = |c: &Captures<'_>, offset: usize, taken: &mut Taken, out: &mut Vec<Candidate>| {
        let Some(y) = c.get(1) else { return };
        accept(
            date_candidate(
                Span::new(offset + y.start(), offset + y.end()),
                Some(y.as_str().to_string()),
                "year",
                text,
            ),
            taken,
            out,
        );
    };
    if plain {
        plain_year_matches(text, |c, offset| year(c, offset, taken, out));
    } else {
        for c in YEAR.captures_iter(text) {
            year(&c, 0, taken, out);
        }
    }
    let time = (!plain || may_hold_time(text.as_bytes())).then(|| TIME.find_iter(text));
    for m in time.into_iter().flatten() {
        let span = Span::new(m.start(), m.end());
        let key = format!("time:{}", m.as_str().to_lowercase());
        accept(
            Candidate::new(span, EntityType::Time, key, MentionKind::Name, Vec::new()),
            taken,
            out,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str) -> Vec<(String, EntityType, Option<String>)> {
        let reference = NaiveDate::from_ymd_opt(2015, 11, 16).unwrap();
        let mut taken = Taken::default();
        let mut out = Vec::new();
        recognize(text, reference, &mut taken, &mut out);
        out.sort_by_key(|c| c.span);
        out.iter()
            .map(|c| {
                let date = c
                    .metadata
                    .iter()
                    .find(|(k, _)| k == "date")
                    .map(|(_, v)| v.clone());
                (text[c.span.start..c.span.end].to_string(), c.etype, date)
            })
            .collect()
    }

    #[test]
    fn cheap_tests_and_the_year_scan_agree_with_the_patterns() {
        for text in numbers::tests::varied_texts() {
            if !numbers::is_plain(&text) {
                continue;
            }
            assert!(
                !TIME.is_match(&text) || may_hold_time(text.as_bytes()),
                "{text:?}"
            );
            assert!(
                !FRENCH_DAY_MONTH.is_match(&text) || may_hold_french_date(&text),
                "{text:?}"
            );
            let whole: Vec<(usize, usize)> = YEAR
                .captures_iter(&text)
                .filter_map(|c| c.get(1).map(|y| (y.start(), y.end())))
                .collect();
            let mut scanned = Vec::new();
            plain_year_matches(&text, |c, offset| {
                let y = c.get(1).unwrap();
                scanned.push((offset + y.start(), offset + y.end()));
            });
            assert_eq!(whole, scanned, "{text:?}");
        }
        assert!(!may_hold_time(b"at 1:75 a map"));
        assert!(may_hold_time(b"at 5 PM"));
        assert!(!may_hold_french_date("the main remains"));
        let mut n = 0;
        plain_year_matches("in 1987, mid-  2001 and by\t1850 (1999)", |_, _| n += 1);
        assert_eq!(n, 3);
    }

    #[test]
    fn weekdays_resolve_to_the_past() {
        let got = find(
            "Attacks on Friday; he spoke on Sunday and will return next Monday, not last Monday.",
        );
        assert_eq!(
            got[0],
            ("Friday".into(), EntityType::Date, Some("2015-11-13".into()))
        );
        assert_eq!(
            got[1],
            ("Sunday".into(), EntityType::Date, Some("2015-11-15".into()))
        );
        assert_eq!(got[2].2.as_deref(), Some("2015-11-23"));
        assert_eq!(got[3].2.as_deref(), Some("2015-11-09"));
    }

    #[test]
    fn periods_and_counts_back_resolve_against_the_reference() {
        // The reference is Monday 2015-11-16, ISO week 2015-W47.
        let got = find(
            "Talks began last week, resume this month and end next year; \
             he left three days ago, two weeks ago she wrote, a month ago it fell, 30 years ago too.",
        );
        let values: Vec<(&str, Option<&str>)> = got
            .iter()
            .map(|(t, _, d)| (t.as_str(), d.as_deref()))
            .collect();
        assert_eq!(
            values,
            vec![
                ("last week", Some("2015-W46")),
                ("this month", Some("2015-11")),
                ("next year", Some("2016")),
                ("three days ago", Some("2015-11-13")),
                ("two weeks ago", Some("2015-W45")),
                ("a month ago", Some("2015-10")),
                ("30 years ago", Some("1985")),
            ]
        );
        assert_eq!(
            month_shift(NaiveDate::from_ymd_opt(2016, 1, 31).unwrap(), -1),
            "2015-12"
        );
        assert_eq!(
            ago(NaiveDate::MAX, 999, "years"),
            Some(((NaiveDate::MAX.year() as i64 - 999).to_string(), "year"))
        );
        assert_eq!(
            period(NaiveDate::MAX, "next", "week"),
            None,
            "no panic past the last date"
        );
    }

    #[test]
    fn months_and_full_dates() {
        let got = find(
            "France began strikes in September. On Nov. 13, 2015 and 2015-11-14 and 3 March. The deal may fail. 14 juillet à Paris.",
        );
        let dates: Vec<(&str, Option<&str>)> = got
            .iter()
            .map(|(t, _, d)| (t.as_str(), d.as_deref()))
            .collect();
        assert_eq!(
            dates,
            vec![
                ("September", Some("2015-09")),
                ("Nov. 13, 2015", Some("2015-11-13")),
                ("2015-11-14", Some("2015-11-14")),
                ("3 March", Some("2015-03-03")),
                ("14 juillet", Some("2015-07-14")),
            ]
        );
        assert_eq!(
            find("It opens in December.")[0].2.as_deref(),
            Some("2014-12")
        );
    }

    #[test]
    fn relative_years_and_times() {
        let got = find("Yesterday at 10:30 a.m. GMT, and in 2014, at 5 pm.");
        let texts: Vec<&str> = got.iter().map(|(t, _, _)| t.as_str()).collect();
        assert_eq!(texts, vec!["Yesterday", "10:30 a.m. GMT", "2014", "5 pm"]);
        assert_eq!(got[0].2.as_deref(), Some("2015-11-15"));
        assert_eq!(got[1].1, EntityType::Time);
    }
    #[test]
    fn time_zones_quarters_fiscal_years_and_french_dates() {
        let check = |input: &str, expected: &[(&str, EntityType, Option<&str>)]| {
            let got = find(input);
            let got: Vec<(&str, EntityType, Option<&str>)> = got
                .iter()
                .map(|(t, e, d)| (t.as_str(), *e, d.as_deref()))
                .collect();
            assert_eq!(got, expected, "{input}");
        };
        check(
            "A call at 5:00 p.m. Eastern Time today.",
            &[
                ("5:00 p.m. Eastern Time", EntityType::Time, None),
                ("today", EntityType::Date, Some("2015-11-16")),
            ],
        );
        check(
            "at 9:30 a.m. Pacific Standard Time",
            &[("9:30 a.m. Pacific Standard Time", EntityType::Time, None)],
        );
        check(
            "Revenue for Q4 2025 rose; for fiscal year 2026 and FY2027.",
            &[
                ("Q4 2025", EntityType::Date, Some("2025-Q4")),
                ("fiscal year 2026", EntityType::Date, Some("2026")),
                ("FY2027", EntityType::Date, Some("2027")),
            ],
        );
        check(
            "LYON, 9 janvier 2026 — le 1er mai, en février.",
            &[
                ("9 janvier 2026", EntityType::Date, Some("2026-01-09")),
                ("1er mai", EntityType::Date, Some("2015-05-01")),
            ],
        );
    }
}
