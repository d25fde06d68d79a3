//! Opaque, signed page tokens (AIP-158).
//!
//! A token carries where the next page starts and a hash of the request that
//! produced it, signed with HMAC-SHA256 under a key held by the server. A token
//! that was altered, was made by another server key, or is replayed with
//! different request arguments is refused as `INVALID_ARGUMENT` on `page_token`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::search::{ScoreStats, SearchAfter};

type HmacSha256 = Hmac<Sha256>;

/// The length of the HMAC tag appended to a token's payload: HMAC-SHA256
/// truncated to 128 bits (RFC 2104 allows truncation to half the output).
const TAG_LEN: usize = 16;

/// Signs and checks page tokens.
#[derive(Clone)]
pub struct PageTokens {
    /// HMAC-SHA256 keyed once: its inner and outer pads are hashed here,
    /// not again for every token.
    mac: HmacSha256,
}

impl std::fmt::Debug for PageTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key is a secret: never print it.
        f.write_str("PageTokens { .. }")
    }
}

/// Where the next page starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cursor {
    /// Continue after this hit of a search, scoring with the statistics of
    /// its first page (relevance order).
    Search {
        /// The last hit of the previous page.
        after: SearchAfter,
        /// The statistics of the first page.
        stats: Option<ScoreStats>,
    },
    /// Continue after this id (lists ordered by id).
    AfterId(String),
}

impl Cursor {
    /// The cursor borrowed, as [`PageTokens::encode`] takes it.
    pub fn as_ref(&self) -> CursorRef<'_> {
        match self {
            Cursor::Search { after, stats } => CursorRef::Search {
                after,
                stats: stats.as_ref(),
            },
            Cursor::AfterId(id) => CursorRef::AfterId(id),
        }
    }
}

/// A [`Cursor`] whose parts are borrowed, so a page's last hit and
/// statistics are encoded without copying them. It serialises exactly as
/// the `Cursor` it borrows from (same variants in the same order), which
/// is what a token is decoded as.
#[derive(Debug, Clone, Copy, Serialize)]
pub enum CursorRef<'a> {
    /// See [`Cursor::Search`].
    Search {
        /// The last hit of the previous page.
        after: &'a SearchAfter,
        /// The statistics of the first page.
        stats: Option<&'a ScoreStats>,
    },
    /// See [`Cursor::AfterId`].
    AfterId(&'a str),
}

#[derive(Deserialize)]
struct Payload {
    /// The hash of the request arguments the token belongs to.
    r: RequestHash,
    /// The cursor.
    c: Cursor,
}

/// What a token's payload is written from: [`Payload`], borrowed.
#[derive(Serialize)]
struct PayloadRef<'a> {
    r: RequestHash,
    c: CursorRef<'a>,
}

impl PageTokens {
    /// Builds a signer from a secret of any length (hashed to a key).
    pub fn new(secret: &[u8]) -> Self {
        // The key is the secret's SHA-256, padded with zeros to SHA-256's
        // 64-byte block as HMAC pads a shorter key: the same MAC as keyed
        // with the 32 bytes alone.
        let mut key = [0u8; 64];
        key[..32].copy_from_slice(&Sha256::digest(secret));
        PageTokens {
            mac: <HmacSha256 as KeyInit>::new(&key.into()),
        }
    }

    /// Builds a signer with a random key: tokens are valid for this process only.
    pub fn random() -> Self {
        let secret: [u8; 32] = rand::random();
        PageTokens::new(&secret)
    }

    /// Encodes a cursor for the request whose arguments hash to `request_hash`.
    pub fn encode(&self, request_hash: &RequestHash, cursor: CursorRef<'_>) -> String {
        let payload = PayloadRef {
            r: *request_hash,
            c: cursor,
        };
        // Serializing a plain struct of strings and integers cannot fail.
        let mut bytes = postcard::to_allocvec(&payload).unwrap_or_default();
        let tag = self.tag(&bytes);
        bytes.extend_from_slice(&tag);
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Decodes and checks a token given with a request whose arguments hash to
    /// `request_hash`. An empty token means the first page (`None`).
    pub fn decode(&self, token: &str, request_hash: &RequestHash) -> Result<Option<Cursor>, Error> {
        if token.is_empty() {
            return Ok(None);
        }
        let invalid = |why: &str| Error::invalid("page_token", why.to_string());
        let bytes = URL_SAFE_NO_PAD
            .decode(token.as_bytes())
            .map_err(|_| invalid("not a page token issued by this server"))?;
        if bytes.len() <= TAG_LEN {
            return Err(invalid("not a page token issued by this server"));
        }
        let (payload, tag) = bytes.split_at(bytes.len() - TAG_LEN);
        let mut mac = self.mac.clone();
        mac.update(payload);
        mac.verify_truncated_left(tag)
            .map_err(|_| invalid("the page token was altered or was issued by another server"))?;
        let payload: Payload = postcard::from_bytes(payload)
            .map_err(|_| invalid("not a page token issued by this server"))?;
        if payload.r != *request_hash {
            return Err(invalid(
                "the page token belongs to a request with other arguments; repeat the same query, filter and order",
            ));
        }
        Ok(Some(payload.c))
    }

    fn tag(&self, payload: &[u8]) -> [u8; TAG_LEN] {
        let mut mac = self.mac.clone();
        mac.update(payload);
        let mut tag = [0; TAG_LEN];
        tag.copy_from_slice(&mac.finalize().into_bytes()[..TAG_LEN]);
        tag
    }
}

/// The hash of a request's arguments a token is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestHash([u8; 12]);

/// Hashes request arguments to bind a token to them: the first 96 bits of
/// the SHA-256 of the bytes their [`Hash`](std::hash::Hash) writes. Those
/// bytes are unambiguous (a string ends with a marker byte, a sequence
/// starts with its length, an enum with its variant), so different
/// arguments give different bytes; collected first, they are hashed in one
/// pass rather than a few bytes at a time.
pub fn request_hash(parts: &impl std::hash::Hash) -> RequestHash {
    let mut bytes = ByteStream(Vec::with_capacity(256));
    parts.hash(&mut bytes);
    let digest = Sha256::digest(&bytes.0);
    let mut hash = [0; 12];
    hash.copy_from_slice(&digest[..12]);
    RequestHash(hash)
}

/// A [`Hasher`](std::hash::Hasher) that keeps the bytes written to it.
struct ByteStream(Vec<u8>);

impl std::hash::Hasher for ByteStream {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        // Only the bytes are used; `finish` is never called by `request_hash`.
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::SortKey;

    #[test]
    fn round_trip_and_tamper() {
        let tokens = PageTokens::new(b"secret");
        let cursor = Cursor::Search {
            after: SearchAfter {
                key: SortKey::Score(1.25f32.to_bits()),
                id: "doc-7".into(),
            },
            stats: Some(ScoreStats {
                docs: 10,
                tokens: vec![(3, 120)],
                doc_freqs: vec![4, 2],
                expansion: vec![("wing".into(), 0.5f32.to_bits())],
            }),
        };
        let abc = request_hash(&"abc");
        let token = tokens.encode(&abc, cursor.as_ref());
        assert_eq!(tokens.decode(&token, &abc).unwrap(), Some(cursor));
        // A borrowed cursor is written as the owned one it borrows from.
        let by_id = Cursor::AfterId("doc-9".into());
        let id_token = tokens.encode(&abc, by_id.as_ref());
        assert_eq!(tokens.decode(&id_token, &abc).unwrap(), Some(by_id));
        assert!(tokens.decode(&token, &request_hash(&"other")).is_err());
        let mut altered = token.clone().into_bytes();
        altered[3] = if altered[3] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert!(tokens.decode(&altered, &abc).is_err());
        assert!(PageTokens::new(b"other").decode(&token, &abc).is_err());
        assert!(tokens.decode("!!!", &abc).is_err());
        assert_eq!(tokens.decode("", &abc).unwrap(), None);
        // A token cut short is refused.
        assert!(tokens.decode(&token[..token.len() - 4], &abc).is_err());
        assert!(tokens.decode(&token[..8], &abc).is_err());
    }

    #[test]
    fn the_tag_is_hmac_sha256_keyed_with_the_secrets_digest() {
        let tokens = PageTokens::new(b"secret");
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&Sha256::digest(b"secret")).unwrap();
        mac.update(b"payload");
        assert_eq!(
            tokens.tag(b"payload")[..],
            mac.finalize().into_bytes()[..TAG_LEN]
        );
    }

    #[test]
    fn request_hashes_are_the_sha256_of_the_hashed_bytes() {
        let parts = ("Search", "t", "oil prices");
        // `str` writes its bytes and the marker 0xff.
        let digest = Sha256::digest(b"Search\xfft\xffoil prices\xff");
        assert_eq!(request_hash(&parts).0[..], digest[..12]);
        assert_ne!(
            request_hash(&parts),
            request_hash(&("Search", "t", "oil price"))
        );
        // The marker keeps the parts apart: moving a boundary changes the hash.
        assert_ne!(
            request_hash(&("Search", "to", "il prices")),
            request_hash(&parts)
        );
        assert_eq!(request_hash(&parts), request_hash(&parts));
    }

    #[test]
    fn a_first_page_token_stays_small() {
        // A search's token carries its position and the first page's
        // statistics, compactly, so a page of hits stays a small answer.
        let tokens = PageTokens::new(b"secret");
        let token = tokens.encode(
            &request_hash(&"q"),
            Cursor::Search {
                after: SearchAfter {
                    key: SortKey::Score(1097821412),
                    id: "reuters-21363".into(),
                },
                stats: Some(ScoreStats {
                    docs: 19043,
                    tokens: vec![(3, 136609), (4, 2706952)],
                    doc_freqs: vec![466, 1428, 374, 3365],
                    expansion: Vec::new(),
                }),
            }
            .as_ref(),
        );
        assert!(token.len() <= 100, "{} characters: {token}", token.len());
    }
}
