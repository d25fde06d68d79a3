//! The domain operations behind the API: prepare a submitted document (decode,
//! extract), analyse it, store it, and read the corpus back.
//!
//! Handlers in `api/` validate requests and convert types; everything they do
//! with a document goes through [`Engine`]. CPU-heavy analysis runs on tokio's
//! blocking pool so it never stalls the async workers.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use chrono::{DateTime, Utc};

use crate::analysis::{self, Analysis, Features, extract};
use crate::error::{Error, Result};
use crate::search::page_token::PageTokens;
use crate::search::{
    SearchRequest, SearchResults, SimilarRequest, SimilarResults, WatchReceiver, WatchSpec,
};
use crate::store::{
    ContentType, ListPage, NewDocument, PutOptions, PutResult, Store, StoredDocument, WriteOutcome,
};

/// Submitted content, before decoding.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// UTF-8 text.
    Text(String),
    /// Bytes in some charset.
    Raw(Vec<u8>),
}

/// A document as a client submitted it, already validated field by field.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentInput {
    /// The client's id, if any.
    pub id: Option<String>,
    /// The content.
    pub content: Content,
    /// How to read the content; `None` means detect (plain text unless it looks like HTML).
    pub content_type: Option<ContentType>,
    /// The declared charset of raw bytes.
    pub charset: Option<String>,
    /// Title.
    pub title: String,
    /// URL.
    pub url: String,
    /// Source.
    pub source: String,
    /// Publication time.
    pub published_at: Option<DateTime<Utc>>,
    /// Language hint.
    pub language_hint: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Attributes.
    pub attributes: BTreeMap<String, String>,
}

impl DocumentInput {
    /// A plain-text document with a title and nothing else set.
    pub fn plain_text(id: Option<String>, title: String, text: String) -> Self {
        DocumentInput {
            id,
            content: Content::Text(text),
            content_type: Some(ContentType::Plain),
            charset: None,
            title,
            url: String::new(),
            source: String::new(),
            published_at: None,
            language_hint: String::new(),
            tags: Vec::new(),
            attributes: BTreeMap::new(),
        }
    }
}

/// How to analyse.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AnalyzeOptions {
    /// The parts to compute.
    pub features: Features,
    /// The time relative dates are resolved against (else published_at, else now).
    pub reference_time: Option<DateTime<Utc>>,
    /// Sentences in the summary (0 means the default).
    pub summary_sentences: usize,
}

/// How to ingest.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IngestOptions {
    /// How to analyse.
    pub analyze: AnalyzeOptions,
    /// Return only once the document is searchable.
    pub wait_for_refresh: bool,
    /// Refuse a document whose content another document has already.
    pub dedupe: bool,
}

/// The outcome of an ingest.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// What the store did.
    pub outcome: WriteOutcome,
    /// The analysed document.
    pub document: NewDocument,
    /// Its analysis (the one the store keeps).
    pub analysis: Arc<Analysis>,
}

/// A short text that takes every stage of the pipeline through its main
/// paths (shortcodes, duplicate and boilerplate lines, quotes, dates, money,
/// contacts), so the lazily built tables exist before the first request.
const WARM_UP_TEXT: &str = "Warm-up headline: U.S. and France agree\nWarm-up headline: U.S. and France agree\n\n\
BELEK, Turkey (Reuters) -- U.S. Deputy National Security Adviser Ben Rhodes said on Sunday that 129 people \
died in Paris. \"We are ready to help,\" Rhodes said. \u{201c}It is a hard week,\u{201d} said Priya Raman, \
chief executive of Northwind Robotics Inc., which earned $4.5 billion, up 12.5% or 30 percent, on March 3, 2026 \
at 5:00 p.m. Eastern Time. Write to press@example.com, call +1 (408) 555-0172 or visit https://example.com/news.\n\n\
%shareLinks-quote=\"We will keep working with our partners.\" type=\"quote\" author=\"Ben Rhodes\"%\n\n\
Watch more coverage below:\n";

/// The domain operations of docsift over one store.
pub struct Engine {
    store: Arc<dyn Store>,
    page_tokens: PageTokens,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Engine {
    /// Builds an engine over a store.
    pub fn new(store: Arc<dyn Store>, page_tokens: PageTokens) -> Self {
        Engine { store, page_tokens }
    }

    /// The signer of page tokens.
    pub fn page_tokens(&self) -> &PageTokens {
        &self.page_tokens
    }

    /// Decodes and extracts a submitted document into the text to analyse.
    pub fn prepare(input: DocumentInput) -> Result<NewDocument> {
        let decoded = matches!(input.content, Content::Raw(_));
        let content = match input.content {
            Content::Text(text) => text,
            Content::Raw(bytes) => extract::decode_raw(&bytes, input.charset.as_deref())
                .map_err(|e| Error::invalid("document.raw", e.to_string()))?,
        };
        let content_type = input.content_type.unwrap_or_else(|| {
            if extract::looks_like_html(&content) {
                ContentType::Html
            } else {
                ContentType::Plain
            }
        });
        let mut title = input.title;
        let mut published_at = input.published_at;
        let mut markup = Vec::new();
        let extracted_text = match content_type {
            ContentType::Plain => None,
            ContentType::Html | ContentType::Markdown => {
                let extracted = if content_type == ContentType::Html {
                    extract::html_to_text(&content)
                } else {
                    extract::markdown_to_text(&content)
                };
                if title.trim().is_empty()
                    && let Some(found) = extracted.title
                {
                    title = found;
                }
                if published_at.is_none() {
                    published_at = extracted
                        .published_at
                        .as_deref()
                        .and_then(extract::parse_published);
                }
                markup = extracted.markup;
                Some(extracted.text)
            }
        };
        let document = NewDocument {
            id: input.id,
            content: content.into(),
            content_type,
            extracted_text: extracted_text.map(Into::into),
            decoded,
            title,
            url: input.url,
            source: input.source,
            published_at,
            language_hint: input.language_hint,
            tags: input.tags,
            attributes: input.attributes,
            markup,
        };
        if document.analyzed_text().trim().is_empty() {
            let field = match content_type {
                ContentType::Plain if document.decoded => "document.raw",
                ContentType::Plain => "document.text",
                ContentType::Html | ContentType::Markdown => "document.content",
            };
            return Err(Error::invalid(
                field,
                "the document has no text to analyze once markup is removed",
            ));
        }
        Ok(document)
    }

    /// Runs the analysis pipeline over a prepared document (CPU-bound; call it
    /// from a blocking context).
    pub fn analyze_prepared(document: &NewDocument, options: &AnalyzeOptions) -> Analysis {
        Engine::analyze_with(document, options, None)
    }

    fn analyze_with(
        document: &NewDocument,
        options: &AnalyzeOptions,
        corpus: Option<&dyn analysis::CorpusFrequencies>,
    ) -> Analysis {
        let reference = options
            .reference_time
            .or(document.published_at)
            .unwrap_or_else(Utc::now);
        let hint = document.language_hint.trim();
        let text = document.analyzed_text();
        let input = analysis::Input {
            text: &text,
            title: Some(document.title.as_str()).filter(|t| !t.trim().is_empty()),
            language_hint: (!hint.is_empty()).then_some(hint),
            reference_date: reference.date_naive(),
            features: options.features,
            summary_sentences: options.summary_sentences,
        };
        let mut analysis = match corpus {
            Some(corpus) => analysis::analyze_in_corpus(&input, corpus),
            None => analysis::analyze(&input),
        };
        // The markup extraction dropped is reported with what the pipeline
        // set aside, in text order.
        if options.features.cleanup && !document.markup.is_empty() {
            analysis.cleanup.extend(document.markup.iter().cloned());
            analysis.cleanup.sort_by_key(|c| (c.span, c.kind as u8));
        }
        analysis
    }

    /// [`Engine::analyze_prepared`] for a document going into a tenant's
    /// corpus: key phrases are scored with the corpus's document
    /// frequencies too.
    pub fn analyze_for_tenant(
        document: &NewDocument,
        options: &AnalyzeOptions,
        store: &dyn Store,
        tenant: &str,
    ) -> Analysis {
        let corpus = TenantCorpus { store, tenant };
        Engine::analyze_with(document, options, Some(&corpus))
    }

    /// Runs the pipeline once over a short text so that its lazily built
    /// tables exist before the first request (CPU-bound; call it from a
    /// blocking context). The text names its language: the language model
    /// has nothing to build (it is read in place from the binary), and
    /// scoring would page in megabytes of it that a server which never
    /// analyses would keep resident.
    pub fn warm_up() {
        let input = analysis::Input {
            text: WARM_UP_TEXT,
            title: Some("Warm-up"),
            language_hint: Some("en"),
            reference_date: Utc::now().date_naive(),
            features: Features {
                tokens: true,
                ..Features::default()
            },
            summary_sentences: 0,
        };
        let _ = analysis::analyze(&input);
    }

    /// Prepares and analyses a document without storing it.
    pub async fn analyze(
        &self,
        input: DocumentInput,
        options: AnalyzeOptions,
    ) -> Result<(NewDocument, Analysis)> {
        run_blocking(move || {
            let document = Engine::prepare(input)?;
            let analysis = Engine::analyze_prepared(&document, &options);
            Ok((document, analysis))
        })
        .await
    }

    /// Prepares, analyses and stores a document for a tenant.
    pub async fn ingest(
        &self,
        tenant: &str,
        input: DocumentInput,
        options: IngestOptions,
    ) -> Result<Ingested> {
        let mut analyze = options.analyze;
        // Dedupe compares content hashes, so it needs the fingerprint.
        if options.dedupe {
            analyze.features.fingerprint = true;
        }
        let store = Arc::clone(&self.store);
        let owner = tenant.to_string();
        let (document, analysis) = run_blocking(move || {
            let document = Engine::prepare(input)?;
            let analysis = Engine::analyze_for_tenant(&document, &analyze, &*store, &owner);
            Ok((document, analysis))
        })
        .await?;
        let analysis = shared_analysis(analysis);
        let outcome = self.store.put(
            tenant,
            document.clone(),
            Arc::clone(&analysis),
            PutOptions {
                dedupe: options.dedupe,
            },
        )?;
        // Acknowledged means kept: also for `Unchanged` and `Duplicate`,
        // whose stored version may be a concurrent write not yet on disk.
        self.store.wait_durable(outcome.seq).await?;
        let changed = matches!(outcome.result, PutResult::Created | PutResult::Updated);
        if options.wait_for_refresh && changed {
            self.store.wait_visible(outcome.seq).await?;
        }
        Ok(Ingested {
            outcome,
            document,
            analysis,
        })
    }

    /// Returns a stored document.
    pub fn get(&self, tenant: &str, id: &str) -> Result<Arc<StoredDocument>> {
        self.store.get(tenant, id)
    }

    /// Deletes a stored document; waits until search no longer sees it when asked.
    pub async fn delete(
        &self,
        tenant: &str,
        id: &str,
        wait_for_refresh: bool,
    ) -> Result<WriteOutcome> {
        let outcome = self.store.delete(tenant, id)?;
        self.store.wait_durable(outcome.seq).await?;
        if wait_for_refresh {
            self.store.wait_visible(outcome.seq).await?;
        }
        Ok(outcome)
    }

    /// Lists a tenant's documents by id.
    pub fn list(&self, tenant: &str, after_id: Option<&str>, limit: usize) -> Result<ListPage> {
        self.store.list(tenant, after_id, limit)
    }

    /// Searches a tenant's documents.
    pub async fn search(
        &self,
        tenant: &str,
        request: &SearchRequest,
    ) -> Result<Arc<SearchResults>> {
        // A search the store can bound to a small amount of work runs here,
        // on the runtime's thread: handing it to the blocking pool and back
        // costs more than the search itself on a small corpus.
        // As on the pool, a panic (a bug) becomes `Internal` instead of
        // taking the connection down.
        let quick = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.store.search_quick(tenant, request)
        }))
        .map_err(|_| Error::internal("search task failed: it panicked"))?;
        if let Some(results) = quick {
            return results;
        }
        let store = self.store.clone();
        let tenant = tenant.to_string();
        let request = request.clone();
        run_blocking(move || store.search(&tenant, &request)).await
    }

    /// Finds documents like a stored one or a text.
    pub async fn similar(&self, tenant: &str, request: SimilarRequest) -> Result<SimilarResults> {
        let store = self.store.clone();
        let tenant = tenant.to_string();
        run_blocking(move || store.similar(&tenant, &request)).await
    }

    /// Finds documents like a text, analysing it first.
    pub async fn similar_to_text(
        &self,
        tenant: &str,
        text: String,
        limit: usize,
        filter: crate::search::Filter,
    ) -> Result<SimilarResults> {
        let input = DocumentInput::plain_text(None, String::new(), text);
        let (document, analysis) = self.analyze(input, AnalyzeOptions::default()).await?;
        let request = SimilarRequest {
            like: crate::search::Like::Text {
                text: document.content.into_string(),
                analysis: Box::new(analysis),
            },
            limit,
            filter,
        };
        self.similar(tenant, request).await
    }

    /// The size of every tenant's corpus.
    pub fn tenant_stats(&self) -> Vec<crate::store::TenantStats> {
        self.store.tenant_stats()
    }

    /// Registers a watch.
    pub fn watch(&self, tenant: &str, spec: WatchSpec) -> Result<WatchReceiver> {
        self.store.watch(tenant, spec)
    }
}

/// A tenant's documents as the key phrase stage sees them: their stems'
/// document frequencies, read from the store.
struct TenantCorpus<'a> {
    store: &'a dyn Store,
    tenant: &'a str,
}

impl std::fmt::Debug for TenantCorpus<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantCorpus")
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}

impl analysis::CorpusFrequencies for TenantCorpus<'_> {
    fn frequencies(&self, stems: &[u32], out: &mut Vec<u32>) -> u32 {
        self.store.stem_frequencies(self.tenant, stems, out)
    }
}

/// An analysis behind an `Arc`; every empty one (ingest with analysis off)
/// is the same allocation.
fn shared_analysis(analysis: Analysis) -> Arc<Analysis> {
    static EMPTY: LazyLock<Arc<Analysis>> = LazyLock::new(Arc::default);
    if analysis == Analysis::default() {
        Arc::clone(&EMPTY)
    } else {
        Arc::new(analysis)
    }
}

/// Runs CPU-bound work on the blocking pool; a panic there (a bug) becomes
/// `Internal` instead of taking the connection down.
async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::internal(format!("analysis task failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::memory::{MemoryStore, MemoryStoreConfig};

    fn text_input(id: &str, text: &str) -> DocumentInput {
        DocumentInput {
            language_hint: "en".to_string(),
            ..DocumentInput::plain_text(Some(id.to_string()), String::new(), text.to_string())
        }
    }

    fn rank(analysis: &Analysis, phrase: &str) -> usize {
        analysis
            .keyphrases
            .iter()
            .position(|k| k.text.eq_ignore_ascii_case(phrase))
            .unwrap_or(usize::MAX)
    }

    const PROBE: &str = "The refinery and the pipeline reopened. Workers at the pipeline and the refinery returned on Monday.";

    #[tokio::test]
    async fn key_phrases_of_an_ingest_follow_the_tenants_corpus() {
        let store = MemoryStore::new(MemoryStoreConfig::default());
        let engine = Engine::new(store, PageTokens::new(b"test"));
        let options = IngestOptions::default();
        // One tenant writes about pipelines, the other about refineries.
        for i in 0..40 {
            for (tenant, word) in [("energy", "pipeline"), ("fuel", "refinery")] {
                let text = format!("The {word} operator filed report number {i} on the {word}.");
                engine
                    .ingest(tenant, text_input(&format!("d{i}"), &text), options)
                    .await
                    .expect("ingest");
            }
        }
        let energy = engine
            .ingest("energy", text_input("probe", PROBE), options)
            .await
            .expect("ingest")
            .analysis;
        let fuel = engine
            .ingest("fuel", text_input("probe", PROBE), options)
            .await
            .expect("ingest")
            .analysis;
        assert!(
            rank(&energy, "refinery") < rank(&energy, "pipeline"),
            "{:?}",
            energy.keyphrases
        );
        assert!(
            rank(&fuel, "pipeline") < rank(&fuel, "refinery"),
            "{:?}",
            fuel.keyphrases
        );
        // Stateless analysis keeps the background model alone, whatever the
        // corpora hold.
        let (_, alone) = engine
            .analyze(text_input("", PROBE), AnalyzeOptions::default())
            .await
            .expect("analyze");
        let empty = MemoryStore::new(MemoryStoreConfig::default());
        let fresh = Engine::new(empty, PageTokens::new(b"test"))
            .ingest("new", text_input("probe", PROBE), options)
            .await
            .expect("ingest")
            .analysis;
        assert_eq!(alone.keyphrases, fresh.keyphrases);
        // Once its documents are deleted, a tenant's corpus weighs nothing.
        for i in 0..40 {
            engine
                .delete("energy", &format!("d{i}"), false)
                .await
                .expect("delete");
        }
        engine
            .delete("energy", "probe", false)
            .await
            .expect("delete");
        let again = engine
            .ingest("energy", text_input("probe", PROBE), options)
            .await
            .expect("ingest")
            .analysis;
        assert_eq!(again.keyphrases, alone.keyphrases);
    }
}
