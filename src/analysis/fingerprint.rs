//! Fingerprints for exact and near-duplicate detection.
//!
//! The normalised text is the masked text lower-cased, with every character
//! that is not a letter or digit turned into a space and whitespace collapsed,
//! so cleaned regions, punctuation and layout do not change the hash. The
//! content hash is SHA-256 of it in lower-case hex. The SimHash is 64 bits over
//! word 3-shingles (one shingle of all words when there are fewer than three),
//! each hashed with FNV-1a 64 over its UTF-8 bytes (words joined by one
//! space); FNV-1a is fixed by its definition, so the value is stable across
//! versions and platforms. An empty text has SimHash 0.

use sha2::{Digest, Sha256};

use super::Fingerprint;

/// FNV-1a 64's starting value.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a, 64-bit.
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_extend(FNV_OFFSET, bytes)
}

/// Continues an FNV-1a 64 hash over more bytes.
pub(crate) fn fnv1a64_extend(mut hash: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(FNV_PRIME);
    }
    hash
}

/// The normalised form the fingerprints are computed over.
pub(crate) fn normalize(masked: &str) -> String {
    let mut out = String::with_capacity(masked.len());
    // Whether a separator came since the last letter or digit.
    let mut gap = false;
    let mut rest = masked;
    while !rest.is_empty() {
        // A run of ASCII byte by byte (no char decoding): among ASCII
        // characters the letters and digits are exactly the alphanumeric
        // ones, and their lower case is the ASCII one.
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        for b in rest.bytes().take(ascii) {
            if !b.is_ascii_alphanumeric() {
                gap = true;
                continue;
            }
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(char::from(b.to_ascii_lowercase()));
        }
        rest = rest.get(ascii..).unwrap_or_default();
        // Then one character that is not ASCII.
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            if c.is_alphanumeric() {
                if gap && !out.is_empty() {
                    out.push(' ');
                }
                gap = false;
                out.extend(c.to_lowercase());
            } else {
                gap = true;
            }
        }
        rest = chars.as_str();
    }
    out
}

/// [`normalize`] as first written, one char at a time: what the fast path
/// must equal.
#[cfg(test)]
fn normalize_by_chars(masked: &str) -> String {
    let mut out = String::with_capacity(masked.len());
    let mut gap = false;
    for c in masked.chars() {
        if !c.is_alphanumeric() {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// FNV-1a 64 of the words joined by one space, without joining them.
fn fnv1a64_joined(words: &[&str]) -> u64 {
    let Some((first, rest)) = words.split_first() else {
        return FNV_OFFSET;
    };
    rest.iter().fold(fnv1a64(first.as_bytes()), |hash, word| {
        fnv1a64_extend(fnv1a64_extend(hash, b" "), word.as_bytes())
    })
}

/// `SPREAD[b]` has byte `k` set to bit `k` of `b`: adding it to a `u64`
/// counts the set bits of eight bit positions at once, one per byte.
const SPREAD: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut k = 0;
        while k < 8 {
            t[b] |= (((b >> k) & 1) as u64) << (8 * k);
            k += 1;
        }
        b += 1;
    }
    t
};

/// How many times each of the 64 bits is set over a run of hashes.
struct BitCounts {
    /// Eight byte-wide counters per `u64`: bits `8j..8j+8` in `lanes[j]`.
    lanes: [u64; 8],
    /// Hashes added to `lanes` since they were last emptied (at most 255,
    /// so a byte never overflows).
    pending: u32,
    totals: [u32; 64],
    count: u32,
}

impl BitCounts {
    fn new() -> Self {
        BitCounts {
            lanes: [0; 8],
            pending: 0,
            totals: [0; 64],
            count: 0,
        }
    }

    fn add(&mut self, h: u64) {
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            *lane += SPREAD[((h >> (8 * j)) & 0xff) as usize];
        }
        self.pending += 1;
        self.count += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (j, lane) in self.lanes.iter_mut().enumerate() {
            for k in 0..8 {
                self.totals[8 * j + k] += ((*lane >> (8 * k)) & 0xff) as u32;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    /// Bit `i` set when more than half the hashes have bit `i` set: a vote
    /// of +1 per set bit and -1 per clear one comes out positive.
    fn majority(mut self) -> u64 {
        self.flush();
        let n = u64::from(self.count);
        self.totals
            .iter()
            .enumerate()
            .fold(0u64, |acc, (bit, &set)| {
                if 2 * u64::from(set) > n {
                    acc | 1 << bit
                } else {
                    acc
                }
            })
    }
}

/// SimHash over word 3-shingles of the normalised text's words.
fn simhash_of_words(words: &[&str]) -> u64 {
    if words.is_empty() {
        return 0;
    }
    let mut counts = BitCounts::new();
    if words.len() < 3 {
        counts.add(fnv1a64_joined(words));
    } else {
        for w in words.windows(3) {
            counts.add(fnv1a64_joined(w));
        }
    }
    counts.majority()
}

/// Computes both fingerprints of the masked text.
pub(crate) fn compute(masked: &str) -> Fingerprint {
    let normalized = normalize(masked);
    let digest = Sha256::digest(normalized.as_bytes());
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let content_hash = digest
        .iter()
        .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]])
        .map(char::from)
        .collect();
    // Split by a closure rather than by the char: words are short, and the
    // char pattern's memchr costs more to set up than it saves on them.
    #[allow(clippy::manual_pattern_char_comparison)]
    let words: Vec<&str> = normalized
        .split(|c: char| c == ' ')
        .filter(|w| !w.is_empty())
        .collect();
    Fingerprint {
        content_hash,
        simhash: simhash_of_words(&words),
        words: u32::try_from(words.len()).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SimHash over word 3-shingles of a normalised text.
    fn simhash(normalized: &str) -> u64 {
        let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
        simhash_of_words(&words)
    }

    proptest::proptest! {
        #[test]
        fn normalize_is_normalize_by_chars(text in "[ -~\t\n]{0,20}(\\PC|[ -~]){0,60}") {
            proptest::prop_assert_eq!(normalize(&text), normalize_by_chars(&text));
        }
    }

    #[test]
    fn normalize_by_chars_agrees_on_every_char() {
        // Each char alone, and between letters, as ASCII and not.
        for c in (0..=0x2FFFFu32).filter_map(char::from_u32) {
            for text in [c.to_string(), format!("a{c}B"), format!("é{c}Ü{c}")] {
                assert_eq!(normalize(&text), normalize_by_chars(&text), "{c:?}");
            }
        }
    }

    #[test]
    fn fnv_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
    }

    #[test]
    fn layout_and_punctuation_do_not_matter() {
        let a = compute("Grève à Paris!\n\nLes   trains s'arrêtent.");
        let b = compute("grève à paris les trains s arrêtent");
        assert_eq!(a, b);
        assert_eq!(
            compute("").content_hash,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(compute("").simhash, 0);
    }

    /// SimHash as defined: a +1/-1 vote per bit per shingle.
    fn simhash_by_votes(normalized: &str) -> u64 {
        let words: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return 0;
        }
        let mut votes = [0i64; 64];
        let shingles: Vec<&[&str]> = if words.len() < 3 {
            vec![&words[..]]
        } else {
            words.windows(3).collect()
        };
        for shingle in shingles {
            let h = fnv1a64_joined(shingle);
            for (bit, vote) in votes.iter_mut().enumerate() {
                *vote += 2 * ((h >> bit) & 1) as i64 - 1;
            }
        }
        votes
            .iter()
            .enumerate()
            .fold(0, |acc, (bit, v)| if *v > 0 { acc | 1 << bit } else { acc })
    }

    #[test]
    fn bit_counting_matches_the_votes() {
        // Word counts across the 255-hash flush, ties (even counts) and
        // lengths under three words.
        let vocabulary = ["a", "bb", "paris", "strike", "é", "said", "x1", "war"];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for len in [0usize, 1, 2, 3, 4, 5, 17, 256, 257, 258, 600, 1021] {
            let mut words = Vec::with_capacity(len);
            for _ in 0..len {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                words.push(vocabulary[(seed >> 33) as usize % vocabulary.len()]);
            }
            let text = words.join(" ");
            assert_eq!(simhash(&text), simhash_by_votes(&text), "{len} words");
        }
        let repeated = "the same three ".repeat(300);
        let repeated = normalize(&repeated);
        assert_eq!(simhash(&repeated), simhash_by_votes(&repeated));
    }

    #[test]
    fn near_duplicates_have_close_simhashes() {
        let base = "the united states will work with france to intensify air strikes against islamic state in syria and iraq said the adviser on sunday after attacks in paris";
        let edited = base.replace("sunday", "monday");
        let other = "a completely different text about football results and the weather in the mountains this weekend with snow expected";
        let d_near = (simhash(base) ^ simhash(&edited)).count_ones();
        let d_far = (simhash(base) ^ simhash(other)).count_ones();
        assert!(d_near < d_far, "{d_near} vs {d_far}");
        assert!(d_near <= 12);
    }
}
