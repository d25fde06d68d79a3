//! Search requests and results in domain terms, and the page tokens of the API.
//!
//! Query parsing, filters, facets and highlighting over the index live in the
//! store's index module; the types here are what `api/` builds and reads.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::analysis::{EntityType, Span};
use crate::error::Error;
use crate::store::StoredDocument;

pub mod page_token;

/// A structured filter; all given parts must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Filter {
    /// Any of these language codes.
    pub languages: Vec<String>,
    /// All of these tags.
    pub tags: Vec<String>,
    /// Any of these sources.
    pub sources: Vec<String>,
    /// All of these entities, by canonical name (case-insensitive).
    pub entities: Vec<String>,
    /// An entity of any of these types.
    pub entity_types: Vec<EntityType>,
    /// All of these attribute pairs.
    pub attributes: Vec<(String, String)>,
    /// Published at or after.
    pub published_after: Option<DateTime<Utc>>,
    /// Published before.
    pub published_before: Option<DateTime<Utc>>,
}

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Order {
    /// Best score first; ties by id.
    #[default]
    Relevance,
    /// Newest first; undated last; ties by id.
    PublishedDesc,
    /// Oldest first; undated last; ties by id.
    PublishedAsc,
}

/// A field to count values of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FacetField {
    /// Language code.
    Language,
    /// Tags.
    Tags,
    /// Source.
    Source,
    /// Canonical names of entities of one type.
    Entity(EntityType),
    /// Key phrases (lower-cased).
    KeyPhrase,
    /// The speakers of quotes (canonical names): who is quoted most.
    Speaker,
}

impl FacetField {
    /// Parses a facet name of the API ("language", "entity.PERSON", ...).
    pub fn parse(name: &str) -> Option<FacetField> {
        match name.trim() {
            "language" | "lang" => Some(FacetField::Language),
            "tags" | "tag" => Some(FacetField::Tags),
            "source" => Some(FacetField::Source),
            "keyphrase" | "keyphrases" => Some(FacetField::KeyPhrase),
            "speaker" | "speakers" => Some(FacetField::Speaker),
            other => other
                .strip_prefix("entity.")
                .and_then(EntityType::parse)
                .map(FacetField::Entity),
        }
    }
}

/// How a query string is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum QuerySyntax {
    /// The query language: terms, "phrases", +must, -must_not, AND/OR/NOT,
    /// parentheses, prefix*, field prefixes. A mistake is an error.
    #[default]
    QueryLanguage,
    /// Natural-language text: its words ([`plain_text_words`]) scored by
    /// relevance, any of them matching; nothing in it is syntax, so no text
    /// is an error. A document holding two adjacent words of the text near
    /// each other scores higher, and in relevance order the matches are
    /// ranked again with the words their best hits share (pseudo-relevance
    /// feedback), which adds no match.
    PlainText,
}

/// A search as the store runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// The query string ("" matches all).
    pub query: String,
    /// How `query` is read.
    pub syntax: QuerySyntax,
    /// The filter.
    pub filter: Filter,
    /// Where the page starts: after this hit of the previous page, in
    /// `order` (from the page token); `None` for the first page.
    pub after: Option<SearchAfter>,
    /// The index statistics to score with (from the page token), so that a
    /// document scores the same on every page however the corpus grows;
    /// `None` for the first page, which takes the index's current ones.
    pub stats: Option<ScoreStats>,
    /// Hits to return.
    pub limit: usize,
    /// Order.
    pub order: Order,
    /// Facets to count over the whole result set, named as asked.
    pub facets: Vec<(String, FacetField)>,
    /// Highlight fragments of about this many characters; `None` for none.
    pub highlight_chars: Option<usize>,
}

impl SearchRequest {
    /// The first page of `limit` hits of a query in the query language, in
    /// relevance order, with no filter, facets or highlights.
    pub fn first_page(query: impl Into<String>, limit: usize) -> Self {
        SearchRequest {
            query: query.into(),
            syntax: QuerySyntax::QueryLanguage,
            filter: Filter::default(),
            after: None,
            stats: None,
            limit,
            order: Order::Relevance,
            facets: Vec::new(),
            highlight_chars: None,
        }
    }
}

/// The sort key of a hit in the order of its search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    /// Relevance order: the score's bits (`f32::to_bits`), so it round-trips exactly.
    Score(u32),
    /// Date orders: the publication time in microseconds since the epoch;
    /// `None` for an undated document.
    Published(Option<i64>),
}

/// A position in the order of a search: just after the hit with this sort
/// key and id. Pages continue after the last hit of the previous page, not
/// at an offset, so documents ingested meanwhile neither repeat nor push
/// out a hit of the pages already read (keyset paging).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchAfter {
    /// The sort key of the last hit.
    pub key: SortKey,
    /// Its id (ties of the key are ordered by id).
    pub id: String,
}

impl SearchAfter {
    /// The position just after a hit, in `order`.
    pub fn of(hit: &Hit, order: Order) -> SearchAfter {
        let key = match order {
            Order::Relevance => SortKey::Score(hit.score.to_bits()),
            Order::PublishedDesc | Order::PublishedAsc => SortKey::Published(
                hit.document
                    .document
                    .published_at
                    .map(|t| t.timestamp_micros()),
            ),
        };
        SearchAfter {
            key,
            id: hit.document.id.clone(),
        }
    }
}

/// The index statistics a BM25 score is computed from, as of the first page
/// of a search: the number of documents, the number of tokens of each field
/// the query scores, and the document frequency of each term it names (in
/// the order the query names them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreStats {
    /// Documents in the index.
    pub docs: u64,
    /// (field number, tokens in that field over all documents).
    pub tokens: Vec<(u32, u64)>,
    /// Documents holding each term of the query, in the query's order.
    pub doc_freqs: Vec<u64>,
    /// A plain-text search's feedback terms, as its first page chose them
    /// from its best hits: (stemmed word, weight as `f32::to_bits`), so
    /// every page ranks by the same query.
    #[serde(default)]
    pub expansion: Vec<(String, u32)>,
}

/// English stop words: Lucene's list, which tantivy's `StopWordFilter`
/// and bm25s use too.
const STOP_WORDS: [&str; 33] = [
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// The words of a natural-language text as plain-text search reads them
/// ([`QuerySyntax::PlainText`]): every character that is not a letter or a
/// digit separates words (the index splits words at exactly those
/// characters, so the same words are searched), the words are lower-cased,
/// and English stop words are left out unless nothing else is left ("to be
/// or not to be" stays whole): in a question they add only noise to the
/// score. No character and no word is syntax.
pub fn plain_text_words(text: &str) -> Vec<String> {
    let words: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<String> = words.split_whitespace().map(str::to_lowercase).collect();
    if words.iter().all(|w| STOP_WORDS.contains(&w.as_str())) {
        return words;
    }
    words
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_only_words() {
        assert_eq!(
            plain_text_words("What is the /destalling/ effect (lift) of a +slipstream -- AND OR?"),
            ["what", "destalling", "effect", "lift", "slipstream"]
        );
        assert_eq!(
            plain_text_words("To be, or NOT to be"),
            ["to", "be", "or", "not", "to", "be"]
        );
        assert_eq!(
            plain_text_words("title:\"Zürich\"~2 x*"),
            ["title", "zürich", "2", "x"]
        );
        assert!(plain_text_words(" -- ").is_empty());
    }
}

/// A fragment of a field with the matched terms.
#[derive(Debug, Clone, PartialEq)]
pub struct Highlight {
    /// "title" or "body".
    pub field: String,
    /// The fragment.
    pub fragment: String,
    /// UTF-8 byte spans into `fragment`.
    pub spans: Vec<Span>,
}

/// One hit.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The stored document.
    pub document: Arc<StoredDocument>,
    /// The score (BM25 for relevance order).
    pub score: f32,
    /// Highlights, when asked.
    pub highlights: Vec<Highlight>,
}

/// The results of a search.
#[derive(Debug, Clone)]
pub struct SearchResults {
    /// The hits of the page.
    pub hits: Vec<Hit>,
    /// All matching documents.
    pub total: u64,
    /// Whether hits follow the page.
    pub has_more: bool,
    /// The statistics the scores were computed with (relevance order), for
    /// the next page's token.
    pub stats: Option<ScoreStats>,
    /// The facets asked for, in the order asked, each with at most 20 values.
    pub facets: Vec<(String, Vec<(String, u64)>)>,
    /// This page as the API last encoded it for the wire, for the calls the
    /// result cache answers with it: which rendering (a number the API
    /// chooses) and the bytes. Set once, by the first call.
    pub encoded: std::sync::OnceLock<(u8, bytes::Bytes)>,
}

/// What to find documents like.
#[derive(Debug, Clone, PartialEq)]
pub enum Like {
    /// A stored document of the tenant.
    Id(String),
    /// A text (analysed on the fly by the caller).
    Text {
        /// The text.
        text: String,
        /// Its analysis.
        analysis: Box<crate::analysis::Analysis>,
    },
}

/// A more-like-this request.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarRequest {
    /// The source.
    pub like: Like,
    /// Hits to return.
    pub limit: usize,
    /// The filter.
    pub filter: Filter,
}

/// The results of a more-like-this request.
#[derive(Debug, Clone)]
pub struct SimilarResults {
    /// The hits, never the source document itself.
    pub hits: Vec<Hit>,
    /// The terms the query was built from.
    pub terms: Vec<String>,
}

/// A watch: a query and a filter.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchSpec {
    /// The query string ("" matches all).
    pub query: String,
    /// How `query` is read.
    pub syntax: QuerySyntax,
    /// The filter.
    pub filter: Filter,
}

/// Whether a watched document was new.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchEventKind {
    /// First version.
    Created,
    /// A later version.
    Updated,
}

/// One document sent to a watcher.
#[derive(Debug, Clone)]
pub struct WatchEvent {
    /// The document as it became searchable.
    pub document: Arc<StoredDocument>,
    /// Created or updated.
    pub kind: WatchEventKind,
}

/// The receiving end of a watch. Dropping it unregisters the watcher.
pub type WatchReceiver = tokio::sync::mpsc::Receiver<Result<WatchEvent, Error>>;
