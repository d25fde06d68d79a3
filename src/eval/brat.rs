//! A reader of brat standoff annotations as PolNeAR writes them: text-bound
//! annotations (`T3<TAB>Content 115 290;300 320<TAB>words`) with offsets in
//! characters (code points) of the article's text, fragments separated by
//! `;`, and events (`E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1`)
//! tying a quote's parts together.

use std::collections::HashMap;
use std::ops::Range;

/// A text-bound annotation with its fragments as byte ranges of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBound {
    /// `Source`, `Cue`, `Content`...
    pub label: String,
    /// Byte ranges of the article's text, in file order.
    pub fragments: Vec<Range<usize>>,
}

/// One event: its roles (`Source`, `Cue`, `Content`) and the annotation
/// that fills each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The event's type (`Attribution`).
    pub label: String,
    /// Role name to text-bound annotation.
    pub roles: HashMap<String, TextBound>,
}

/// The byte offset of each character offset of `text` (one past the last
/// character included).
fn byte_offsets(text: &str) -> Vec<usize> {
    let mut v: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    v.push(text.len());
    v
}

/// Parses an `.ann` file against the article's text. Annotations whose
/// offsets fall outside the text, and lines of other kinds (notes,
/// relations), are skipped.
pub fn parse(ann: &str, text: &str) -> Vec<Event> {
    let offsets = byte_offsets(text);
    let mut bounds: HashMap<&str, TextBound> = HashMap::new();
    let mut events: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
    for line in ann.lines() {
        let mut cols = line.split('\t');
        let (Some(id), Some(body)) = (cols.next(), cols.next()) else {
            continue;
        };
        if id.starts_with('T') {
            let Some((label, ranges)) = body.split_once(' ') else {
                continue;
            };
            let mut fragments = Vec::new();
            let mut valid = true;
            for r in ranges.split(';') {
                let mut ends = r.split_whitespace().map(str::parse::<usize>);
                match (ends.next(), ends.next()) {
                    (Some(Ok(s)), Some(Ok(e))) if s <= e => {
                        match (offsets.get(s), offsets.get(e)) {
                            (Some(&bs), Some(&be)) => fragments.push(bs..be),
                            _ => valid = false,
                        }
                    }
                    _ => valid = false,
                }
            }
            if valid && !fragments.is_empty() {
                bounds.insert(
                    id,
                    TextBound {
                        label: label.to_string(),
                        fragments,
                    },
                );
            }
        } else if id.starts_with('E') {
            let mut parts = body.split_whitespace().filter_map(|p| p.split_once(':'));
            let Some((label, _)) = parts.next() else {
                continue;
            };
            events.push((label, parts.collect()));
        }
    }
    events
        .into_iter()
        .map(|(label, roles)| Event {
            label: label.to_string(),
            roles: roles
                .into_iter()
                .filter_map(|(role, id)| Some((role.to_string(), bounds.get(id)?.clone())))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_character_offsets_as_bytes_and_fragments() {
        // "é" and "’" take more than one byte: character offsets must be
        // converted.
        let text = "José’s aide said “we won” today.";
        let ann = "T1\tSource 0 11\tJosé’s aide\nT2\tCue 12 16\tsaid\n\
                   T3\tContent 17 20;21 25\t“we won”\nT4\tAttribution 12 16\tsaid\n\
                   E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n\
                   T9\tSource 5 999\tout of range\n#1\tAnnotatorNotes T1\tnote\n";
        let events = parse(ann, text);
        assert_eq!(events.len(), 1);
        let e = &events[0];
        assert_eq!(e.label, "Attribution");
        let source = &e.roles["Source"];
        assert_eq!(&text[source.fragments[0].clone()], "José’s aide");
        let content = &e.roles["Content"];
        assert_eq!(content.fragments.len(), 2);
        assert_eq!(&text[content.fragments[0].clone()], "“we");
        assert_eq!(&text[content.fragments[1].clone()], "won”");
        // The trigger (`Attribution:T4`) names the event; the roles are the rest.
        assert_eq!(e.roles.len(), 3);
    }

    #[test]
    fn a_role_pointing_nowhere_is_dropped() {
        let events = parse("E1\tAttribution:T4 Content:T3", "text");
        assert_eq!(events.len(), 1);
        assert!(events[0].roles.is_empty());
    }
}
