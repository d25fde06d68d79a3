//! Word clusters learned from unlabeled English news (`models/clusters.bin`),
//! read in place from the embedded bytes: each clustered word's place in a
//! binary tree of words that occur in like contexts, as a bit path. The
//! tagger reads prefixes of the path as features, so that a name it never
//! saw in its labelled data still looks like the names, places or
//! organisations it did see ("Ratinov & Roth 2009", "Turian et al. 2010":
//! the classic lever for NER on text of another domain).
//!
//! Words are keyed by the 64-bit hash the tagger already computes for a
//! token's lower-case form (`tagger::hash_str`), so a lookup costs no
//! hashing: one or two probes of an open-addressing table.
//!
//! Format, little-endian: the magic `DSCLU1\n\0`, u32 table bits `b`,
//! u32 number of words, then `2^b` u32 keys (the upper 32 bits of the
//! word's hash, 0 for an empty slot, a key of 0 stored as 1), then `2^b`
//! u16 paths (a leading 1 bit, then the path from the root, first step
//! highest: `0b1_0110` is left, right, right, left). A word's slot is its
//! hash's low `b` bits, probed linearly. Only hashes and paths are kept,
//! no text. `docsift train clusters` writes the file (see
//! `eval/clusters.rs` and the README), deterministically.

use std::sync::LazyLock;

/// The file's magic.
pub(crate) const MAGIC: &[u8; 8] = b"DSCLU1\n\0";

/// The embedded model.
static MODEL_BYTES: &[u8] = include_bytes!("../../models/clusters.bin");

/// The embedded second table, of the same layout: the clusters of GloVe's
/// pre-trained word vectors (Wikipedia and newswire, lower case), which
/// know far more words than our news corpus but not how they are written.
static GLOVE_BYTES: &[u8] = include_bytes!("../../models/glove_clusters.bin");

/// A cluster table, borrowed from its encoded bytes.
#[derive(Clone, Copy)]
pub(crate) struct Clusters<'a> {
    bits: u32,
    keys: &'a [u8],
    paths: &'a [u8],
}

/// The key stored for a hash: its upper 32 bits, never 0.
fn key_of(hash: u64) -> u32 {
    ((hash >> 32) as u32).max(1)
}

impl<'a> Clusters<'a> {
    /// Reads a table; `None` when the bytes are not one.
    pub(crate) fn parse(bytes: &'a [u8]) -> Option<Clusters<'a>> {
        Self::parse_with(bytes, MAGIC)
    }

    /// Reads a table of the same layout under another magic (the name
    /// lists of `super::gazetteer` keep their masks in the path column).
    pub(crate) fn parse_with(bytes: &'a [u8], magic: &[u8; 8]) -> Option<Clusters<'a>> {
        let rest = bytes.strip_prefix(magic.as_slice())?;
        let bits = u32::from_le_bytes(rest.get(0..4)?.try_into().ok()?);
        if !(1..=24).contains(&bits) {
            return None;
        }
        let slots = 1usize << bits;
        let keys = rest.get(8..8 + 4 * slots)?;
        let paths = rest.get(8 + 4 * slots..)?;
        (paths.len() == 2 * slots).then_some(Clusters { bits, keys, paths })
    }

    /// The path of the word whose lower-case form hashes to `hash`
    /// (`tagger::hash_str`), or 0 when it is not clustered.
    pub(crate) fn path(&self, hash: u64) -> u16 {
        let key = key_of(hash);
        let mask = (1usize << self.bits) - 1;
        let mut slot = hash as usize & mask;
        for _ in 0..=mask {
            let Some(k) = self.keys.get(4 * slot..4 * slot + 4) else {
                return 0;
            };
            let k = u32::from_le_bytes([k[0], k[1], k[2], k[3]]);
            if k == 0 {
                return 0;
            }
            if k == key {
                return self
                    .paths
                    .get(2 * slot..2 * slot + 2)
                    .map_or(0, |p| u16::from_le_bytes([p[0], p[1]]));
            }
            slot = (slot + 1) & mask;
        }
        0
    }
}

/// Encodes a table of (word hash, path) pairs, in the order given (which
/// decides the probe order, so the same pairs in the same order give the
/// same bytes). Pairs whose key is already in the table are skipped.
pub(crate) fn encode(words: &[(u64, u16)]) -> Vec<u8> {
    encode_with(words, MAGIC)
}

/// [`encode`] under another magic (see [`Clusters::parse_with`]).
pub(crate) fn encode_with(words: &[(u64, u16)], magic: &[u8; 8]) -> Vec<u8> {
    // At most half full.
    let mut bits = 4u32;
    while (1usize << bits) < 2 * words.len().max(1) {
        bits += 1;
    }
    let slots = 1usize << bits;
    let mask = slots - 1;
    let mut keys = vec![0u32; slots];
    let mut paths = vec![0u16; slots];
    let mut count = 0u32;
    for &(hash, path) in words {
        let key = key_of(hash);
        let mut slot = hash as usize & mask;
        while keys[slot] != 0 && keys[slot] != key {
            slot = (slot + 1) & mask;
        }
        if keys[slot] == 0 {
            keys[slot] = key;
            paths[slot] = path;
            count += 1;
        }
    }
    let mut out = Vec::with_capacity(16 + slots * 6);
    out.extend_from_slice(magic);
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    for k in keys {
        out.extend_from_slice(&k.to_le_bytes());
    }
    for p in paths {
        out.extend_from_slice(&p.to_le_bytes());
    }
    out
}

/// An embedded table, parsed on first use (`None` if it does not parse),
/// and a table that may replace it for the whole process (set by
/// `--clusters FILE` / `--glove-clusters FILE` of `docsift train ner` and
/// `docsift eval ner`).
struct Slot {
    embedded: LazyLock<Option<Clusters<'static>>>,
    replacement: std::sync::OnceLock<Clusters<'static>>,
}

impl Slot {
    /// Makes the table encoded in `bytes` the one in use. Returns `false`,
    /// changing nothing, when the bytes are not a table or a replacement is
    /// already in place.
    fn replace(&self, bytes: &'static [u8]) -> bool {
        Clusters::parse(bytes).is_some_and(|c| self.replacement.set(c).is_ok())
    }

    /// The table in use: the replacement if one was set, else the embedded one.
    fn get(&self) -> Option<Clusters<'static>> {
        self.replacement.get().copied().or(*self.embedded)
    }
}

static NEWS: Slot = Slot {
    embedded: LazyLock::new(|| Clusters::parse(MODEL_BYTES)),
    replacement: std::sync::OnceLock::new(),
};

static GLOVE: Slot = Slot {
    embedded: LazyLock::new(|| Clusters::parse(GLOVE_BYTES)),
    replacement: std::sync::OnceLock::new(),
};

/// Makes the tagger use the news table encoded in `bytes` instead of the
/// embedded one (see [`Slot::replace`]).
pub(crate) fn replace(bytes: &'static [u8]) -> bool {
    NEWS.replace(bytes)
}

/// The news table in use.
pub(crate) fn table() -> Option<Clusters<'static>> {
    NEWS.get()
}

/// [`replace`] for the GloVe table.
pub(crate) fn replace_glove(bytes: &'static [u8]) -> bool {
    GLOVE.replace(bytes)
}

/// The GloVe table in use.
pub(crate) fn glove_table() -> Option<Clusters<'static>> {
    GLOVE.get()
}

/// The first `len` steps of a path, with its leading 1 bit (a path shorter
/// than `len` is kept whole); 0 stays 0.
pub(crate) fn prefix(path: u16, len: u32) -> u16 {
    if path == 0 {
        return 0;
    }
    let depth = 15 - path.leading_zeros();
    if depth <= len {
        path
    } else {
        path >> (depth - len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_round_trips_and_unknown_words_have_no_path() {
        let words: Vec<(u64, u16)> = (0..300u64)
            .map(|i| {
                (
                    i.wrapping_mul(0x9e37_79b9_7f4a_7c15),
                    (1 << 5) | (i % 32) as u16,
                )
            })
            .collect();
        let bytes = encode(&words);
        let table = Clusters::parse(&bytes).expect("parses");
        for &(h, p) in &words {
            assert_eq!(table.path(h), p);
        }
        assert_eq!(table.path(12_345), 0);
        assert_eq!(encode(&words), bytes, "deterministic");
        assert!(Clusters::parse(&bytes[..bytes.len() - 1]).is_none());
        assert!(Clusters::parse(b"DSCLU1\n\0").is_none());
        // A key whose upper half is 0 is stored as 1 and still found.
        let zero = encode(&[(7, 0b101)]);
        assert_eq!(Clusters::parse(&zero).expect("parses").path(7), 0b101);
    }

    #[test]
    fn prefixes_keep_the_leading_bit() {
        assert_eq!(prefix(0b1_0110, 2), 0b1_01);
        assert_eq!(prefix(0b1_0110, 4), 0b1_0110);
        assert_eq!(prefix(0b1_0110, 8), 0b1_0110);
        assert_eq!(prefix(0, 4), 0);
    }

    #[test]
    fn the_embedded_table_parses_and_clusters_common_words() {
        let table = table().expect("models/clusters.bin parses");
        let path = |w: &str| table.path(super::super::tagger::hash_str(w));
        for w in ["the", "said", "london", "president"] {
            assert_ne!(path(w), 0, "{w} is clustered");
        }
        assert_eq!(path("zqxjkvw"), 0);
    }

    #[test]
    fn the_embedded_glove_table_knows_words_the_news_table_does_not() {
        let glove = glove_table().expect("models/glove_clusters.bin parses");
        let news = table().expect("models/clusters.bin parses");
        let h = super::super::tagger::hash_str;
        for w in ["the", "london", "guitarist", "sandringham"] {
            assert_ne!(glove.path(h(w)), 0, "{w} is clustered");
        }
        assert_eq!(news.path(h("sandringham")), 0);
        assert_eq!(glove.path(h("zqxjkvw")), 0);
        // Places keep together more than a place and a verb.
        let near = |a: &str, b: &str| {
            (1..=12)
                .take_while(|&n| prefix(glove.path(h(a)), n) == prefix(glove.path(h(b)), n))
                .count()
        };
        assert!(near("sheffield", "leicester") > near("sheffield", "walked"));
    }
}
