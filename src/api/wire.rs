//! Search's answer on the wire.
//!
//! A page the result cache answers again and again is encoded once: its
//! fields 1–4 (hits, total, facets, next page token) are kept as bytes with
//! the cached results, and each call only appends its own `took` (field 5).
//! Protobuf encodes fields in any order and prost writes them in field
//! order, so the bytes are exactly those of the whole message; a client sees
//! a plain `SearchResponse`. The Search server is generated in `build.rs`
//! with this codec for `Search` and prost's for its other methods.

use std::sync::Arc;
use std::time::Instant;

use bytes::{BufMut, Bytes};
use prost::Message;
use tonic::Status;
use tonic::codec::{Codec, EncodeBuf, Encoder};

use crate::analysis::offsets::OffsetUnit;
use crate::error::Error;
use crate::proto::pb;
use crate::search::SearchResults;

/// The field number of `SearchResponse.took`.
const TOOK_FIELD: u32 = 5;

/// The answer of `Search/Search`.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchReply {
    /// Built for this call.
    Message(pb::SearchResponse),
    /// A page encoded once and shared, with this call's `took`.
    Encoded {
        /// A `SearchResponse` without `took`, encoded.
        page: Bytes,
        /// How long this call's search took.
        took: Option<prost_types::Duration>,
    },
}

/// Which rendering of a page `SearchResults::encoded` holds: pages are kept
/// encoded for the BASIC view only (a FULL view's documents would make the
/// cache far larger than its bound), one rendering per offset unit.
pub fn rendering(unit: OffsetUnit) -> u8 {
    match unit {
        OffsetUnit::Utf8 => 0,
        OffsetUnit::Utf16 => 1,
        OffsetUnit::CodePoint => 2,
    }
}

fn duration_to_pb(took: std::time::Duration) -> prost_types::Duration {
    prost_types::Duration {
        seconds: took.as_secs() as i64,
        nanos: took.subsec_nanos() as i32,
    }
}

impl SearchReply {
    /// The answer with the page of `results`, timed from `started`: the
    /// bytes kept with them if they hold this `rendering` (`None`: a view
    /// never kept); otherwise `build`'s response (without a `took`), kept
    /// encoded for the next calls when the result cache holds `results` too
    /// (it shares the `Arc`), and not for a page no one else will send.
    pub fn for_page(
        results: &Arc<SearchResults>,
        rendering: Option<u8>,
        started: Instant,
        build: impl FnOnce() -> pb::SearchResponse,
    ) -> SearchReply {
        if let Some(rendering) = rendering {
            if let Some((kept, page)) = results.encoded.get()
                && *kept == rendering
            {
                return SearchReply::Encoded {
                    page: page.clone(),
                    took: Some(duration_to_pb(started.elapsed())),
                };
            }
            if Arc::strong_count(results) > 1 {
                let page = SearchReply::encode_page(&build());
                let _ = results.encoded.set((rendering, page.clone()));
                return SearchReply::Encoded {
                    page,
                    took: Some(duration_to_pb(started.elapsed())),
                };
            }
        }
        let mut response = build();
        response.took = Some(duration_to_pb(started.elapsed()));
        SearchReply::Message(response)
    }

    /// Encodes `response`, built without a `took`, to be shared by every
    /// call that answers with the same page.
    pub fn encode_page(response: &pb::SearchResponse) -> Bytes {
        debug_assert!(response.took.is_none(), "a shared page has no took");
        response.encode_to_vec().into()
    }

    /// The response as a client decodes it.
    #[cfg(test)]
    pub fn to_message(&self) -> pb::SearchResponse {
        match self {
            SearchReply::Message(message) => message.clone(),
            SearchReply::Encoded { page, took } => {
                let mut message = pb::SearchResponse::decode(page.as_ref()).expect("a page");
                message.took = *took;
                message
            }
        }
    }
}

/// Search's codec: requests decoded by prost, answers encoded from a
/// message or from a shared page.
#[derive(Debug, Clone, Copy, Default)]
pub struct SearchCodec;

impl Codec for SearchCodec {
    type Encode = SearchReply;
    type Decode = pb::SearchRequest;
    type Encoder = ReplyEncoder;
    type Decoder = tonic_prost::ProstDecoder<pb::SearchRequest>;

    fn encoder(&mut self) -> Self::Encoder {
        ReplyEncoder
    }

    fn decoder(&mut self) -> Self::Decoder {
        tonic_prost::ProstDecoder::default()
    }
}

/// Writes a [`SearchReply`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ReplyEncoder;

impl Encoder for ReplyEncoder {
    type Item = SearchReply;
    type Error = Status;

    fn encode(&mut self, item: SearchReply, buf: &mut EncodeBuf<'_>) -> Result<(), Status> {
        item.write(buf)
            .map_err(|err| Error::internal(format!("encoding the answer: {err}")).into())
    }
}

impl SearchReply {
    /// Writes the answer as a `SearchResponse` to a buffer that grows (as
    /// tonic's does).
    fn write(self, buf: &mut impl BufMut) -> Result<(), prost::EncodeError> {
        match self {
            SearchReply::Message(message) => message.encode(buf),
            SearchReply::Encoded { page, took } => {
                buf.put_slice(&page);
                if let Some(took) = took {
                    prost::encoding::message::encode(TOOK_FIELD, &took, buf);
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response() -> pb::SearchResponse {
        pb::SearchResponse {
            hits: vec![
                pb::SearchHit {
                    id: "a".into(),
                    score: 1.5,
                    title: "Oil prices".into(),
                    highlights: vec![pb::Highlight {
                        field: "body".into(),
                        fragment: "oil rose".into(),
                        spans: vec![pb::Span { begin: 0, end: 3 }],
                    }],
                    document: None,
                    published_at: Some(prost_types::Timestamp {
                        seconds: 1_700_000_000,
                        nanos: 0,
                    }),
                },
                pb::SearchHit {
                    id: "b".into(),
                    score: 0.5,
                    title: "Gas".into(),
                    ..Default::default()
                },
            ],
            total_size: 7,
            facets: vec![pb::Facet {
                field: "tags".into(),
                values: vec![pb::FacetValue {
                    value: "energy".into(),
                    count: 2,
                }],
            }],
            next_page_token: "token".into(),
            took: Some(prost_types::Duration {
                seconds: 0,
                nanos: 41_000,
            }),
        }
    }

    fn encoded(reply: SearchReply) -> Vec<u8> {
        let mut buf = Vec::new();
        reply.write(&mut buf).expect("room");
        buf
    }

    #[test]
    fn a_shared_page_with_its_took_is_the_whole_message_byte_for_byte() {
        let message = response();
        let mut untimed = message.clone();
        untimed.took = None;
        let page = SearchReply::encode_page(&untimed);
        let shared = SearchReply::Encoded {
            page: page.clone(),
            took: message.took,
        };
        assert_eq!(
            encoded(shared.clone()),
            encoded(SearchReply::Message(message.clone()))
        );
        assert_eq!(shared.to_message(), message);

        // Without a took, the page alone.
        let shared = SearchReply::Encoded { page, took: None };
        assert_eq!(encoded(shared.clone()), untimed.encode_to_vec());
        assert_eq!(shared.to_message(), untimed);
    }
}
