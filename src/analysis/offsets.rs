//! Conversion of UTF-8 byte offsets into the unit a client asks for.
//!
//! The pipeline speaks UTF-8 byte offsets only. JavaScript and Java index
//! strings in UTF-16 code units and Python in code points, so the API layer
//! builds one [`OffsetMap`] per response and converts every span through it.

use super::Span;

/// The unit in which a client wants offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum OffsetUnit {
    /// UTF-8 bytes (Rust, Go); the pipeline's own unit.
    #[default]
    Utf8,
    /// UTF-16 code units (JavaScript, Java, C#).
    Utf16,
    /// Unicode scalar values (Python).
    CodePoint,
}

/// A byte-offset converter built once per text.
///
/// For UTF-16 and code points it holds one `u32` per byte of the text, so every
/// conversion is a single table look-up; for UTF-8 it holds nothing, because the
/// conversion is the identity.
#[derive(Debug, Clone)]
pub struct OffsetMap {
    unit: OffsetUnit,
    /// The text's length in bytes, for clamping.
    len: usize,
    /// `table[b]` is the number of units before the character that contains
    /// byte `b`; it has `len + 1` entries (empty for UTF-8).
    table: Vec<u32>,
}

impl OffsetMap {
    /// Builds the converter for `text` and `unit`.
    pub fn new(text: &str, unit: OffsetUnit) -> Self {
        let len = text.len();
        let table = match unit {
            OffsetUnit::Utf8 => Vec::new(),
            OffsetUnit::Utf16 | OffsetUnit::CodePoint => {
                let mut table = Vec::with_capacity(len + 1);
                let mut units: u32 = 0;
                for c in text.chars() {
                    // Every byte of a character maps to the character's start,
                    // so an offset inside a character is floored, never split.
                    for _ in 0..c.len_utf8() {
                        table.push(units);
                    }
                    let step = match unit {
                        OffsetUnit::Utf16 => c.len_utf16() as u32,
                        _ => 1,
                    };
                    units = units.saturating_add(step);
                }
                table.push(units);
                table
            }
        };
        OffsetMap { unit, len, table }
    }

    /// The unit this map converts to.
    pub fn unit(&self) -> OffsetUnit {
        self.unit
    }

    /// Converts a byte offset; offsets past the end are clamped to the end, and
    /// offsets inside a character are floored to its start.
    pub fn convert(&self, byte_offset: usize) -> u32 {
        let clamped = byte_offset.min(self.len);
        match self.unit {
            OffsetUnit::Utf8 => u32::try_from(clamped).unwrap_or(u32::MAX),
            OffsetUnit::Utf16 | OffsetUnit::CodePoint => {
                self.table.get(clamped).copied().unwrap_or_default()
            }
        }
    }

    /// Converts both ends of a span.
    pub fn convert_span(&self, span: Span) -> (u32, u32) {
        (self.convert(span.start), self.convert(span.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slice_in_unit(text: &str, unit: OffsetUnit, span: Span) -> String {
        let map = OffsetMap::new(text, unit);
        let (a, b) = map.convert_span(span);
        let (a, b) = (a as usize, b as usize);
        match unit {
            OffsetUnit::Utf8 => text[a..b].to_string(),
            OffsetUnit::Utf16 => {
                let units: Vec<u16> = text.encode_utf16().collect();
                String::from_utf16(&units[a..b]).expect("whole characters")
            }
            OffsetUnit::CodePoint => {
                let chars: Vec<char> = text.chars().collect();
                chars[a..b].iter().collect()
            }
        }
    }

    #[test]
    fn emoji_needs_two_utf16_units() {
        let text = "a😀b";
        let map = OffsetMap::new(text, OffsetUnit::Utf16);
        assert_eq!(map.convert(0), 0);
        assert_eq!(map.convert(1), 1);
        assert_eq!(map.convert(5), 3);
        assert_eq!(map.convert(6), 4);
        let cp = OffsetMap::new(text, OffsetUnit::CodePoint);
        assert_eq!(cp.convert(5), 2);
        assert_eq!(cp.convert(6), 3);
    }

    #[test]
    fn cjk_rtl_and_combining_marks_round_trip() {
        let text = "東京 שלום مرحبا e\u{301}té 👩‍👩‍👧 end";
        for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
            for word in ["東京", "שלום", "مرحبا", "e\u{301}té", "👩‍👩‍👧", "end"]
            {
                let start = text.find(word).expect("present");
                let span = Span::new(start, start + word.len());
                assert_eq!(slice_in_unit(text, unit, span), word, "{unit:?}");
            }
        }
    }

    #[test]
    fn out_of_range_and_mid_character_offsets_are_clamped() {
        let text = "é";
        let map = OffsetMap::new(text, OffsetUnit::CodePoint);
        assert_eq!(map.convert(1), 0);
        assert_eq!(map.convert(99), 1);
        let utf8 = OffsetMap::new(text, OffsetUnit::Utf8);
        assert_eq!(utf8.convert(99), 2);
        let empty = OffsetMap::new("", OffsetUnit::Utf16);
        assert_eq!(empty.convert_span(Span::new(0, 5)), (0, 0));
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn converted_spans_slice_the_same_text(
            text in "[a-zé東😀\u{301}שم ]{0,40}",
            a in 0usize..200,
            b in 0usize..200,
        ) {
            // Pick two char boundaries from the random numbers.
            let bounds: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect();
            let x = bounds[a % bounds.len()];
            let y = bounds[b % bounds.len()];
            let span = Span::new(x.min(y), x.max(y));
            let expected = &text[span.start..span.end];
            for unit in [OffsetUnit::Utf8, OffsetUnit::Utf16, OffsetUnit::CodePoint] {
                prop_assert_eq!(slice_in_unit(&text, unit, span), expected);
            }
        }
    }
}
