//! Search requests and results in domain terms, and the page tokens of the API.
//!
//! Query parsing, filters, facets and highlighting over the index live in the
//! store's index module; the types here are what `api/` builds and reads.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::analysis::{EntityType, Span};
use crate::error::Error;
use crate::store::StoredDocument;

pub mod page_token;

/// A structured filter; all given parts must hold.
#[derive(Debug, Clone, Default, PartialEq)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

impl FacetField {
    /// Parses a facet name of the API ("language", "entity.PERSON", ...).
    pub fn parse(name: &str) -> Option<FacetField> {
        match name.trim() {
            "language" | "lang" => Some(FacetField::Language),
            "tags" | "tag" => Some(FacetField::Tags),
            "source" => Some(FacetField::Source),
            "keyphrase" | "keyphrases" => Some(FacetField::KeyPhrase),
            other => other
                .strip_prefix("entity.")
                .and_then(EntityType::parse)
                .map(FacetField::Entity),
        }
    }
}

/// A search as the store runs it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRequest {
    /// The query string ("" matches all).
    pub query: String,
    /// The filter.
    pub filter: Filter,
    /// Hits to skip (from the page token).
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
    /// Order.
    pub order: Order,
    /// Facets to count over the whole result set, named as asked.
    pub facets: Vec<(String, FacetField)>,
    /// Highlight fragments of about this many characters; `None` for none.
    pub highlight_chars: Option<usize>,
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
    /// The facets asked for, in the order asked, each with at most 20 values.
    pub facets: Vec<(String, Vec<(String, u64)>)>,
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
