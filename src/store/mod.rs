//! The document store and its search index, behind the [`Store`] trait.
//!
//! `api/` talks to a `dyn Store` only. [`memory::MemoryStore`] keeps documents
//! in RAM and indexes them in a tantivy index in RAM; with a data directory it
//! also keeps every write on disk (redb) before acknowledging it, and loads
//! the documents back at start-up.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::analysis::Analysis;
use crate::error::Result;
use crate::search::{SearchRequest, SearchResults, SimilarRequest, SimilarResults, WatchSpec};

pub mod memory;
pub mod text;

pub use text::Text;

/// The tenant every document belongs to until API keys assign others.
pub const DEFAULT_TENANT: &str = "default";

/// How the submitted content was to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ContentType {
    /// Plain text.
    #[default]
    Plain,
    /// HTML.
    Html,
    /// Markdown.
    Markdown,
}

/// A document as submitted, after decoding and extraction.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewDocument {
    /// The client's id; `None` lets the store assign one.
    pub id: Option<String>,
    /// The submitted content as text (raw bytes decoded to UTF-8); the store
    /// keeps it packed.
    pub content: Text,
    /// How the content was read.
    pub content_type: ContentType,
    /// The analysed text, when it differs from `content` (HTML, Markdown).
    pub extracted_text: Option<Text>,
    /// The content came as raw bytes and `content` is their decoding, so
    /// the client is given the analysed text back (`extracted_text` on the
    /// wire) to index spans into.
    #[serde(default)]
    pub decoded: bool,
    /// Title (given, or found in the HTML).
    pub title: String,
    /// URL.
    pub url: String,
    /// Source.
    pub source: String,
    /// Publication time.
    pub published_at: Option<DateTime<Utc>>,
    /// The client's language hint, as given.
    pub language_hint: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Attributes.
    pub attributes: BTreeMap<String, String>,
    /// The markup that extraction dropped (scripts, styles, navigation),
    /// as MARKUP cleanup items with spans in the analysed text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markup: Vec<crate::analysis::CleanupItem>,
}

impl NewDocument {
    /// The text that was analysed and is indexed as the body (decoded when
    /// the store holds it packed).
    pub fn analyzed_text(&self) -> Cow<'_, str> {
        self.analyzed().as_str()
    }

    /// The length in bytes of [`analyzed_text`](Self::analyzed_text).
    pub fn analyzed_len(&self) -> usize {
        self.analyzed().len()
    }

    fn analyzed(&self) -> &Text {
        self.extracted_text.as_ref().unwrap_or(&self.content)
    }

    /// Compresses the texts for keeping (see [`Text::pack`]).
    pub fn pack(&mut self) {
        self.content.pack();
        if let Some(text) = &mut self.extracted_text {
            text.pack();
        }
    }
}

/// A stored version of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredDocument {
    /// The owning tenant.
    pub tenant: String,
    /// The id.
    pub id: String,
    /// The version, from 1.
    pub version: u64,
    /// When this version was stored.
    pub created_at: DateTime<Utc>,
    /// When the first version was stored.
    pub first_created_at: DateTime<Utc>,
    /// The document (its `id` field is always `Some(id)`).
    pub document: NewDocument,
    /// The analysis of `document.analyzed_text()`, shared with whoever
    /// asked for it at ingest (and, when empty, with every other document).
    pub analysis: Arc<Analysis>,
}

/// Options of a put.
#[derive(Debug, Clone, Copy, Default)]
pub struct PutOptions {
    /// Refuse to store a document whose content hash equals another stored one's.
    pub dedupe: bool,
}

/// What a put did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PutResult {
    /// A new document.
    Created,
    /// A new version of an existing document.
    Updated,
    /// The same content and metadata were stored already.
    Unchanged,
    /// Dedupe found the same content under another id; nothing was stored.
    Duplicate {
        /// The id of the stored document.
        of: String,
    },
}

/// The outcome of a put or delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// The document's id.
    pub id: String,
    /// Its version after the write (for a delete: the deleted version).
    pub version: u64,
    /// What a put did (`Updated` for a delete).
    pub result: PutResult,
    /// The write's sequence number; [`Store::wait_visible`] waits for it.
    pub seq: u64,
}

/// A page of [`Store::list`].
#[derive(Debug, Clone)]
pub struct ListPage {
    /// The documents, by id ascending.
    pub documents: Vec<Arc<StoredDocument>>,
    /// Whether more documents follow the last one.
    pub has_more: bool,
    /// How many documents the tenant holds.
    pub total: u64,
}

/// The size of one tenant's corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantStats {
    /// The tenant.
    pub tenant: String,
    /// How many documents it holds.
    pub documents: u64,
    /// The bytes of text it has in the search index (analysed text and titles).
    pub indexed_bytes: u64,
}

/// A stored document and its analysis, keyed by tenant and id, with a search
/// index that sees every write within the refresh interval.
#[tonic::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Stores a document (upsert by id) for a tenant.
    fn put(
        &self,
        tenant: &str,
        document: NewDocument,
        analysis: Arc<Analysis>,
        options: PutOptions,
    ) -> Result<WriteOutcome>;

    /// Returns the current version of a document, or `NotFound`.
    fn get(&self, tenant: &str, id: &str) -> Result<Arc<StoredDocument>>;

    /// Deletes a document, or returns `NotFound`.
    fn delete(&self, tenant: &str, id: &str) -> Result<WriteOutcome>;

    /// Lists a tenant's documents by id, starting after `after_id`.
    fn list(&self, tenant: &str, after_id: Option<&str>, limit: usize) -> Result<ListPage>;

    /// Searches a tenant's documents.
    /// The results are shared: a store may hand the same page to callers
    /// that ask the same search (a result cache).
    fn search(&self, tenant: &str, request: &SearchRequest) -> Result<Arc<SearchResults>>;

    /// Runs [`Store::search`] only if it is known to be quick (a bounded
    /// amount of work small enough to do on an async runtime's thread, with
    /// no hand-off to a blocking pool); `None` when it is not, or not known
    /// to be, and the caller should run `search` where blocking is allowed.
    /// A store without such bounds answers `None` always.
    fn search_quick(
        &self,
        tenant: &str,
        request: &SearchRequest,
    ) -> Option<Result<Arc<SearchResults>>> {
        let _ = (tenant, request);
        None
    }

    /// Finds documents like a stored one or a text.
    fn similar(&self, tenant: &str, request: &SimilarRequest) -> Result<SimilarResults>;

    /// Checks a watch's query and filter, and registers it: every document of
    /// the tenant that becomes searchable after this call and matches is sent
    /// once on the returned channel. The channel ends with an error when the
    /// watcher falls more than the buffer behind.
    fn watch(&self, tenant: &str, spec: WatchSpec) -> Result<crate::search::WatchReceiver>;

    /// The size of every tenant's corpus, for metrics.
    fn tenant_stats(&self) -> Vec<TenantStats>;

    /// Fills `out` with how many of the tenant's documents hold each of
    /// `stems` (keys of [`crate::analysis::stem_key`], as listed in
    /// [`Analysis::stems`]) and returns how many documents were counted
    /// (those analysed with key phrases). Key phrases of an ingested
    /// document are scored with these counts. A store that keeps no such
    /// counts answers zeros.
    fn stem_frequencies(&self, tenant: &str, stems: &[u32], out: &mut Vec<u32>) -> u32 {
        let _ = tenant;
        out.clear();
        out.resize(stems.len(), 0);
        0
    }

    /// Resolves once every write up to `seq` is durable, as a write must be
    /// before it is acknowledged. A store that keeps nothing beyond the
    /// process (the in-memory one without a data directory) resolves at once.
    async fn wait_durable(&self, seq: u64) -> Result<()> {
        let _ = seq;
        Ok(())
    }

    /// Resolves once every write up to `seq` is visible to search.
    async fn wait_visible(&self, seq: u64) -> Result<()>;
}
