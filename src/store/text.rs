//! Stored text that keeps itself compressed.
//!
//! A document's content is read far less often than it is kept: Get, a
//! highlighted search hit and Watch read it; the index and the analysis were
//! built from it at ingest. [`Text`] holds it as given until the store
//! [`pack`](Text::pack)s it, then as a zstd frame (news text: about 1.8× smaller
//! per document) whenever that saves at least an eighth. Reading a packed
//! text decodes it (a few µs for a news story) with a per-thread context.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Texts shorter than this stay as they are: a frame would save little.
const MIN_PACKED_BYTES: usize = 256;

/// The zstd level. On news stories compressed one by one, level 1 gives the
/// ratio of level 3 (the first 2,000 Reuters stories: 0.4% larger) in about half the time.
const LEVEL: i32 = 1;

/// Text, plain or compressed; compares, hashes and serialises as its string.
#[derive(Clone, Default)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Plain(String),
    /// A zstd frame of `len` bytes of UTF-8.
    Packed {
        frame: Box<[u8]>,
        len: usize,
    },
}

impl Default for Repr {
    fn default() -> Self {
        Repr::Plain(String::new())
    }
}

thread_local! {
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> =
        const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { RefCell::new(None) };
}

impl Text {
    /// The length in bytes of the text (not of its compressed form).
    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Plain(text) => text.len(),
            Repr::Packed { len, .. } => *len,
        }
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text; borrowed when plain, decoded when packed.
    pub fn as_str(&self) -> Cow<'_, str> {
        match &self.0 {
            Repr::Plain(text) => Cow::Borrowed(text),
            Repr::Packed { frame, len } => Cow::Owned(unpack(frame, *len)),
        }
    }

    /// The text as an owned string.
    pub fn into_string(self) -> String {
        match self.0 {
            Repr::Plain(text) => text,
            Repr::Packed { frame, len } => unpack(&frame, len),
        }
    }

    /// Compresses the text in place when that saves at least an eighth.
    pub fn pack(&mut self) {
        let Repr::Plain(text) = &self.0 else {
            return;
        };
        if text.len() < MIN_PACKED_BYTES {
            return;
        }
        let frame = COMPRESSOR.with(|cell| {
            let mut cell = cell.borrow_mut();
            let compressor = match &mut *cell {
                Some(compressor) => compressor,
                slot => slot.insert(zstd::bulk::Compressor::new(LEVEL).ok()?),
            };
            compressor.compress(text.as_bytes()).ok()
        });
        if let Some(frame) = frame
            && frame.len() < text.len() - text.len() / 8
        {
            self.0 = Repr::Packed {
                frame: frame.into_boxed_slice(),
                len: text.len(),
            };
        }
    }

    /// Whether the text is held compressed.
    pub fn is_packed(&self) -> bool {
        matches!(self.0, Repr::Packed { .. })
    }

    /// Bytes of memory the text's contents take (the compressed size when packed).
    pub fn held_bytes(&self) -> usize {
        match &self.0 {
            Repr::Plain(text) => text.capacity(),
            Repr::Packed { frame, .. } => frame.len(),
        }
    }
}

/// Decodes a frame this module wrote. The frame never left this process, so
/// failing to decode it means memory was corrupted: nothing sensible is left
/// to do but stop.
fn unpack(frame: &[u8], len: usize) -> String {
    let bytes = DECOMPRESSOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        let decompressor = match &mut *cell {
            Some(decompressor) => decompressor,
            slot => {
                slot.insert(zstd::bulk::Decompressor::new().expect("a zstd decompression context"))
            }
        };
        decompressor
            .decompress(frame, len)
            .expect("a zstd frame written by Text::pack decodes")
    });
    String::from_utf8(bytes).expect("a packed Text holds the UTF-8 it was given")
}

impl From<String> for Text {
    fn from(text: String) -> Self {
        Text(Repr::Plain(text))
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Self {
        Text(Repr::Plain(text.to_string()))
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Repr::Plain(a), Repr::Plain(b)) => a == b,
            // Packing is deterministic: the same text gives the same frame.
            (Repr::Packed { frame: a, len: n }, Repr::Packed { frame: b, len: m }) => {
                n == m && a == b
            }
            _ => self.len() == other.len() && self.as_str() == other.as_str(),
        }
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.len() == other.len() && self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        *self == **other
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str())
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Text::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> String {
        let seed = include_str!("../../seeds/000_3db58b10b3ad52bf.txt");
        seed.to_string()
    }

    #[test]
    fn a_packed_story_reads_back_the_same_and_is_smaller() {
        let original = story();
        let mut text = Text::from(original.clone());
        text.pack();
        assert!(text.is_packed());
        assert!(
            text.held_bytes() < original.len() * 3 / 4,
            "{}",
            text.held_bytes()
        );
        assert_eq!(text.len(), original.len());
        assert_eq!(text.as_str(), original.as_str());
        assert_eq!(text, Text::from(original.clone()));
        assert_eq!(text.clone().into_string(), original);
    }

    #[test]
    fn short_text_stays_plain() {
        let mut short = Text::from("Rhodes said the deal was done.");
        short.pack();
        assert!(!short.is_packed());
        assert_eq!(short, "Rhodes said the deal was done.");
        let mut empty = Text::default();
        empty.pack();
        assert!(empty.is_empty() && !empty.is_packed());
    }

    #[test]
    fn equality_and_serde_see_the_string_not_the_form() {
        let original = story();
        let mut packed = Text::from(original.clone());
        packed.pack();
        let plain = Text::from(original.clone());
        assert_eq!(packed, plain);
        assert_eq!(plain, packed);
        let mut other = Text::from(format!("{original}!"));
        other.pack();
        assert_ne!(packed, other);
        let json = serde_json::to_string(&packed).unwrap();
        assert_eq!(json, serde_json::to_string(&original).unwrap());
        let back: Text = serde_json::from_str(&json).unwrap();
        assert_eq!(back, packed);
        assert!(!back.is_packed());
    }
}
