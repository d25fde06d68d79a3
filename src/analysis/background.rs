//! The background model of English news: in how many documents of a news
//! corpus each word stem occurs, as hashed counts (`models/news_df.bin`),
//! read in place from the embedded bytes.
//!
//! Format: the magic `DSDF1\n`, then the number of documents and the number
//! of buckets (a power of two) as little-endian `u32`, then one little-endian
//! `u16` document count per bucket (saturating). A stem's bucket is its
//! 64-bit FNV-1a hash modulo the number of buckets, so words that share a
//! bucket share a count (an overestimate, never an underestimate). Only these
//! counts are kept, no text. `docsift train df` writes the file from
//! Reuters-21578 and BBC News (see the README), deterministically.

/// The embedded model.
static MODEL: &[u8] = include_bytes!("../../models/news_df.bin");

/// The file's magic.
pub(crate) const MAGIC: &[u8; 6] = b"DSDF1\n";

/// The 64-bit FNV-1a hash of a stem (stable across versions and platforms).
pub(crate) fn hash(stem: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in stem.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A model's header and counts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Model<'a> {
    /// Documents counted.
    pub documents: u32,
    counts: &'a [u8],
    buckets: u64,
}

impl<'a> Model<'a> {
    /// Reads a model; `None` when the bytes are not one.
    pub(crate) fn parse(bytes: &'a [u8]) -> Option<Model<'a>> {
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let documents = u32::from_le_bytes(rest.get(0..4)?.try_into().ok()?);
        let buckets = u32::from_le_bytes(rest.get(4..8)?.try_into().ok()?);
        let counts = rest.get(8..)?;
        (buckets.is_power_of_two() && counts.len() == buckets as usize * 2).then_some(Model {
            documents,
            counts,
            buckets: u64::from(buckets),
        })
    }

    /// The number of documents that hold the stem (0 when none).
    pub(crate) fn df(&self, stem: &str) -> u32 {
        let at = (hash(stem) & (self.buckets - 1)) as usize * 2;
        self.counts
            .get(at..at + 2)
            .and_then(|b| <[u8; 2]>::try_from(b).ok())
            .map_or(0, |b| u32::from(u16::from_le_bytes(b)))
    }
}

/// The embedded model (`None` only if the file were damaged).
pub(crate) fn model() -> Option<Model<'static>> {
    Model::parse(MODEL)
}

/// Writes a model from per-document sets of stems.
pub(crate) fn build<'s>(
    documents: impl IntoIterator<Item = impl IntoIterator<Item = &'s str>>,
    buckets: u32,
) -> Vec<u8> {
    let buckets = buckets.max(1).next_power_of_two();
    let mut counts = vec![0u16; buckets as usize];
    let mut n = 0u32;
    let mut seen: Vec<usize> = Vec::new();
    for doc in documents {
        n = n.saturating_add(1);
        seen.clear();
        for stem in doc {
            seen.push((hash(stem) & u64::from(buckets - 1)) as usize);
        }
        seen.sort_unstable();
        seen.dedup();
        for &b in &seen {
            if let Some(c) = counts.get_mut(b) {
                *c = c.saturating_add(1);
            }
        }
    }
    let mut out = Vec::with_capacity(MAGIC.len() + 8 + counts.len() * 2);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&n.to_le_bytes());
    out.extend_from_slice(&buckets.to_le_bytes());
    for c in counts {
        out.extend_from_slice(&c.to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_documents_not_occurrences_and_reads_back() {
        let bytes = build(
            [vec!["bank", "bank", "rate"], vec!["bank"], vec!["phish"]],
            1024,
        );
        let m = Model::parse(&bytes).expect("a model");
        assert_eq!(m.documents, 3);
        assert_eq!(m.df("bank"), 2);
        assert_eq!(m.df("rate"), 1);
        assert!(Model::parse(&bytes[..bytes.len() - 1]).is_none());
        assert!(Model::parse(b"nonsense").is_none());
    }

    #[test]
    fn the_embedded_model_knows_common_news_words() {
        let m = model().expect("the embedded model parses");
        assert!(m.documents > 10_000);
        assert!(m.df("market") > m.df("phish"));
    }
}
