//! [`MemoryStore`]: documents in RAM, searched through a tantivy index in RAM.
//!
//! Writes update the document map and queue the index change under two short
//! locks; a background committer thread commits the index and reloads the
//! reader every `refresh_interval`, or at once when someone waits for a write
//! to become visible ([`Store::wait_visible`]). All waiters that arrive while
//! a commit is pending share it (group commit), so `REFRESH_WAIT_FOR` ingest
//! does not pay one commit per document. Each commit adds a segment; when a
//! refresh tick finds nothing to commit, the committer merges segments (see
//! [`merge_plan`]) so that searches after an ingest burst walk one segment.
//!
//! Search runs the query on the index, then reads the documents back from the
//! map: each indexed version carries a slot (the sequence number of its
//! write) in a fast column, and a hit resolves through the slot to the
//! document's id and the document as the map holds it now. A relevance
//! search without facets counts the matches and keeps the top `offset +
//! limit` hits in one pass (ties at the page edge settled by id with an
//! exact per-segment heap); facets and date orders walk every match, which
//! gives the counts, the total and an order that is stable across pages.
//! While one tenant owns every indexed document, its searches leave out the
//! tenant clause, which would match everything. A search whose cost is
//! bounded small (plain terms and phrases with few postings, a short page
//! to highlight; see [`Store::search_quick`]) may run on the caller's async
//! thread instead of the blocking pool.
//!
//! Lock order, everywhere: `writer`, then `state`, then the watcher registry.
//! A put holds `writer` for reading, so a commit (which holds it for writing)
//! always sees each write either entirely or not at all, and the sequence
//! number it publishes covers exactly what it committed.

mod cache;
mod highlight;
mod index;
mod journal;
mod query;
mod watch;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::future::Future;
use std::ops::Bound;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::Utc;
use parking_lot::{Condvar, Mutex, RwLock};
use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::collector::Count;
use tantivy::query::{Bm25StatisticsProvider, BooleanQuery, Occur, Query};
use tantivy::schema::Term;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Score, Searcher};
use tokio::sync::{mpsc, watch as tokio_watch};

use self::cache::{ResultCache, Stamp};
use self::index::{AllMatches, Fields, TopByScoreThenId};
use self::journal::{Journal, Record};
use self::query::QueryBuilder;
use self::watch::{Visible, Watcher, Watchers};
use super::{
    ListPage, NewDocument, PutOptions, PutResult, Store, StoredDocument, TenantStats, WriteOutcome,
};
use crate::analysis::{Analysis, EntityType, Fingerprint};
use crate::error::{Error, Result};
use crate::search::{
    FacetField, Highlight, Hit, Like, Order, QuerySyntax, ScoreStats, SearchAfter, SearchRequest,
    SearchResults, SimilarRequest, SimilarResults, SortKey, WatchReceiver, WatchSpec,
};

/// How many values a facet returns at most.
const FACET_VALUES: usize = 20;
/// The longest id accepted, in bytes.
const MAX_ID_BYTES: usize = 512;
/// How many key phrases and entities a more-like-this query is built from.
const SIMILAR_TERMS: usize = 10;
/// tantivy's smallest writer budget per indexing thread (not exported by
/// tantivy; creating a writer with less fails).
const MIN_WRITER_MEMORY_BYTES: usize = 15 * 1024 * 1024;
/// The fragment length used when a request asks for highlights of 0 chars.
const DEFAULT_HIGHLIGHT_CHARS: usize = 150;

/// The settings of a [`MemoryStore`].
#[derive(Debug, Clone)]
pub struct MemoryStoreConfig {
    /// How soon a write becomes searchable when nobody waits for it.
    pub refresh_interval: Duration,
    /// How many documents a watcher may fall behind before it is dropped.
    pub watch_buffer: usize,
    /// The index writer's memory budget in bytes (at least 15 MB; smaller
    /// values are raised to that).
    pub writer_memory_bytes: usize,
    /// Where documents persist (see [`journal`]): with a directory, the
    /// store loads what it holds at start-up and acknowledges a write only
    /// once it is on disk ([`Store::wait_durable`]); without one, documents
    /// live only in RAM.
    pub data_dir: Option<PathBuf>,
    /// The most bytes (an estimate) the search result cache
    /// ([`cache`]) holds; 0 turns it off.
    pub search_cache_bytes: u64,
}

impl Default for MemoryStoreConfig {
    /// A 1 s refresh, 256 buffered watch events, a 50 MB writer, a 16 MiB
    /// result cache.
    fn default() -> Self {
        MemoryStoreConfig {
            refresh_interval: Duration::from_secs(1),
            watch_buffer: 256,
            writer_memory_bytes: 50 * 1024 * 1024,
            data_dir: None,
            search_cache_bytes: 16 * 1024 * 1024,
        }
    }
}

/// The in-memory store. Create it with [`MemoryStore::new`]; dropping the
/// last handle (or calling [`MemoryStore::shutdown`]) commits what is pending
/// and stops the committer thread.
pub struct MemoryStore {
    inner: Arc<Inner>,
    committer: Mutex<Option<JoinHandle<()>>>,
    /// The data directory's writer thread, with a data directory.
    journal_writer: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

/// What the store and its committer thread share.
struct Inner {
    config: MemoryStoreConfig,
    fields: Fields,
    builder: QueryBuilder,
    reader: IndexReader,
    writer: RwLock<IndexWriter>,
    state: RwLock<State>,
    watchers: Watchers,
    /// The latest sequence number visible to search, for `wait_visible`.
    visible: tokio_watch::Sender<Visibility>,
    /// Commit requests and shutdown, for the committer thread.
    signal: Mutex<Signal>,
    wake: Condvar,
    /// The data directory, when documents persist.
    journal: Option<Arc<Journal>>,
    /// First pages of searches, until the next write or commit.
    results: ResultCache,
}

/// A document and its score.
type Scored = (Arc<StoredDocument>, Score);

/// What search sees, as published after each commit.
#[derive(Debug, Clone, Default)]
struct Visibility {
    /// Every write up to this sequence number is searchable.
    seq: u64,
    /// The error of the last commit, if it failed.
    error: Option<String>,
    /// The committer has stopped; nothing will become visible any more.
    closed: bool,
}

#[derive(Debug, Default)]
struct Signal {
    requested: bool,
    shutdown: bool,
}

/// The documents and the write log.
#[derive(Default)]
struct State {
    tenants: HashMap<String, TenantDocs>,
    /// Every indexed version that search can still see, by slot (the
    /// sequence number of its write); a hit resolves through its slot to
    /// the document's id, then to the document as the map holds it now.
    slots: FxHashMap<u64, Arc<StoredDocument>>,
    /// The slots of versions replaced or deleted since the last commit,
    /// which the next commit removes from the index and then from `slots`.
    /// A slot in `slots` and not here is its document's current version.
    retired: FxHashSet<u64>,
    /// The sequence number of the last write.
    last_seq: u64,
    /// The writes since the last commit, in order, for the watchers.
    pending: Vec<Visible>,
}

impl State {
    /// The current version of the document an indexed version belongs to,
    /// if the tenant still has it.
    fn resolve<'a>(
        &'a self,
        tenant: &str,
        docs: &'a TenantDocs,
        slot: u64,
    ) -> Option<&'a Arc<StoredDocument>> {
        let indexed = self.slots.get(&slot)?;
        if indexed.tenant != tenant {
            return None;
        }
        if self.retired.is_empty() || !self.retired.contains(&slot) {
            // The current version: no need to look the id up.
            return Some(indexed);
        }
        docs.docs.get(&indexed.id).map(|entry| &entry.doc)
    }
}

/// A stored document and the slot of its indexed version.
struct Entry {
    doc: Arc<StoredDocument>,
    slot: u64,
}

/// One tenant's documents.
#[derive(Default)]
struct TenantDocs {
    docs: BTreeMap<String, Entry>,
    /// The ids of the documents with each content hash, for dedupe.
    by_hash: HashMap<String, BTreeSet<String>>,
    /// The SimHash and word count of each document long enough for
    /// near-duplicate detection, by id.
    simhashes: HashMap<String, (u64, u32)>,
    /// In how many documents each key phrase stem occurs (by
    /// [`crate::analysis::stem_key`]), kept up to date on every write.
    stem_df: FxHashMap<u32, u32>,
    /// How many documents `stem_df` counts (those with stems).
    stem_docs: u32,
}

impl TenantDocs {
    /// Counts a document's stems into the document frequencies (`add`) or
    /// out of them.
    fn count_stems(&mut self, analysis: &Analysis, add: bool) {
        if analysis.stems.is_empty() {
            return;
        }
        if add {
            self.stem_docs = self.stem_docs.saturating_add(1);
            for &key in &analysis.stems {
                *self.stem_df.entry(key).or_default() += 1;
            }
        } else {
            self.stem_docs = self.stem_docs.saturating_sub(1);
            for key in &analysis.stems {
                if let Some(n) = self.stem_df.get_mut(key) {
                    *n -= 1;
                    if *n == 0 {
                        self.stem_df.remove(key);
                    }
                }
            }
        }
    }

    /// Counts a new current version into the dedupe hashes and the stem
    /// frequencies.
    fn remember(&mut self, doc: &StoredDocument) {
        self.count_stems(&doc.analysis, true);
        if let Some(hash) = content_hash(&doc.analysis) {
            self.by_hash
                .entry(hash.to_string())
                .or_default()
                .insert(doc.id.clone());
        }
        if let Some(fingerprint) = &doc.analysis.fingerprint
            && fingerprint.words >= NEAR_DUPLICATE_MIN_WORDS
        {
            self.simhashes
                .insert(doc.id.clone(), (fingerprint.simhash, fingerprint.words));
        }
    }

    fn forget_hash(&mut self, doc: &StoredDocument) {
        if let Some(hash) = content_hash(&doc.analysis)
            && let Some(ids) = self.by_hash.get_mut(hash)
        {
            ids.remove(&doc.id);
            if ids.is_empty() {
                self.by_hash.remove(hash);
            }
        }
        self.simhashes.remove(&doc.id);
    }

    /// The stored document (other than `id`) a new text with this
    /// fingerprint nearly duplicates: the closest SimHash within
    /// [`NEAR_DUPLICATE_BITS`], among documents of a similar length, ties
    /// by id. A linear scan of one word pair per document, run only for
    /// ingests with dedupe on.
    fn near_duplicate(&self, id: &str, fingerprint: &Fingerprint) -> Option<&String> {
        if fingerprint.words < NEAR_DUPLICATE_MIN_WORDS {
            return None;
        }
        self.simhashes
            .iter()
            .filter(|(other, (_, words))| {
                other.as_str() != id && similar_length(fingerprint.words, *words)
            })
            .map(|(other, (simhash, _))| ((simhash ^ fingerprint.simhash).count_ones(), other))
            .filter(|(distance, _)| *distance <= NEAR_DUPLICATE_BITS)
            .min()
            .map(|(_, other)| other)
    }
}

/// How many of the 64 SimHash bits a near-duplicate may differ in. An
/// edited copy of an article (another dateline and credit, a few words
/// changed, a copyright line) lands within 5 bits of it; in Reuters-21578,
/// pairs within 6 bits are re-sent or corrected versions of one story, and
/// different stories of one template (dividend notices) start at 9.
const NEAR_DUPLICATE_BITS: u32 = 6;
/// Texts shorter than this (in normalized words) are deduplicated only by
/// their exact content hash: a SimHash over a few shingles is too coarse.
const NEAR_DUPLICATE_MIN_WORDS: u32 = 40;

/// Whether two word counts are within a quarter of the larger one.
fn similar_length(a: u32, b: u32) -> bool {
    let (small, large) = if a < b { (a, b) } else { (b, a) };
    u64::from(large - small) * 4 <= u64::from(large)
}

fn content_hash(analysis: &Analysis) -> Option<&str> {
    analysis
        .fingerprint
        .as_ref()
        .map(|fingerprint| fingerprint.content_hash.as_str())
        .filter(|hash| !hash.is_empty())
}

impl MemoryStore {
    /// Creates a store and starts its committer thread. Works inside or
    /// outside a tokio runtime.
    ///
    /// # Panics
    ///
    /// Only if the operating system refuses to start a thread, or tantivy
    /// fails to set up an index in RAM; [`MemoryStore::try_new`] returns
    /// those failures instead. No configuration value can cause either.
    pub fn new(config: MemoryStoreConfig) -> Arc<MemoryStore> {
        match MemoryStore::try_new(config) {
            Ok(store) => store,
            Err(error) => panic!("cannot start the in-memory store: {error}"),
        }
    }

    /// Creates a store and starts its committer thread, or returns why it
    /// could not (a thread that could not be started, an index that could
    /// not be set up, a data directory that could not be opened or read).
    /// With a data directory, the documents it holds are loaded and
    /// searchable when this returns.
    pub fn try_new(config: MemoryStoreConfig) -> Result<Arc<MemoryStore>> {
        let journal = match &config.data_dir {
            Some(dir) => Some(Arc::new(Journal::open(dir)?)),
            None => None,
        };
        let (schema, fields) = index::build_schema();
        let index = Index::create_in_ram(schema);
        index::register_analyzers(&index);
        let budget = config.writer_memory_bytes.max(MIN_WRITER_MEMORY_BYTES);
        // One indexing thread: the machine is shared, and batching commits
        // matters far more for throughput than parallel indexing.
        let writer: IndexWriter = index
            .writer_with_num_threads(1, budget)
            .map_err(Error::internal)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(Error::internal)?;
        let builder = QueryBuilder::new(&index, fields);
        let (visible, _) = tokio_watch::channel(Visibility::default());
        let results = ResultCache::new(config.search_cache_bytes);
        let inner = Arc::new(Inner {
            config: MemoryStoreConfig {
                refresh_interval: config.refresh_interval.max(Duration::from_millis(1)),
                ..config
            },
            fields,
            builder,
            reader,
            writer: RwLock::new(writer),
            state: RwLock::new(State::default()),
            watchers: Watchers::default(),
            visible,
            signal: Mutex::new(Signal::default()),
            wake: Condvar::new(),
            journal,
            results,
        });
        let mut journal_writer = None;
        if let Some(journal) = &inner.journal {
            let started = std::time::Instant::now();
            let loaded = journal.load(|batch| inner.restore(batch))?;
            inner.commit();
            if let Some(error) = inner.visible.borrow().error.clone() {
                return Err(Error::Internal(error));
            }
            journal.start_at(inner.state.read().last_seq);
            tracing::info!(
                documents = loaded,
                elapsed_ms = started.elapsed().as_millis() as u64,
                "documents loaded from the data directory"
            );
            let journal = Arc::clone(journal);
            journal_writer = Some(
                std::thread::Builder::new()
                    .name("docsift-journal".into())
                    .spawn(move || {
                        // A panic (a bug, in redb or here) must not leave
                        // writers waiting for an acknowledgement forever.
                        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            journal.run();
                        }));
                        journal.close(run.is_err());
                    })
                    .map_err(Error::internal)?,
            );
        }
        let thread_inner = Arc::clone(&inner);
        let committer = std::thread::Builder::new()
            .name("docsift-committer".into())
            .spawn(move || thread_inner.run_committer())
            .map_err(Error::internal)?;
        Ok(Arc::new(MemoryStore {
            inner,
            committer: Mutex::new(Some(committer)),
            journal_writer: Mutex::new(journal_writer),
        }))
    }

    /// Commits what is pending and stops the committer thread; later writes
    /// are kept in RAM but never become searchable. Idempotent.
    pub fn shutdown(&self) {
        {
            let mut signal = self.inner.signal.lock();
            signal.shutdown = true;
        }
        self.inner.wake.notify_all();
        if let Some(handle) = self.committer.lock().take()
            && handle.join().is_err()
        {
            tracing::error!("the store's committer thread panicked");
        }
        if let Some(journal) = &self.inner.journal {
            journal.stop();
        }
        if let Some(handle) = self.journal_writer.lock().take()
            && handle.join().is_err()
        {
            tracing::error!("the store's data directory writer thread panicked");
        }
    }

    /// How many watchers are registered; dropped receivers are forgotten at
    /// the next commit or registration.
    pub fn watcher_count(&self) -> usize {
        self.inner.watchers.len()
    }

    /// How many segments the searchable index has now (a search pays a
    /// fixed cost per segment, so benchmarks report it).
    pub fn segment_count(&self) -> usize {
        self.inner.reader.searcher().segment_readers().len()
    }

    /// The sequence number of the last write.
    pub fn last_seq(&self) -> u64 {
        self.inner.state.read().last_seq
    }
}

impl Drop for MemoryStore {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// A merge the committer started while writes paused.
struct IdleMerge {
    result: tantivy::FutureResult<Option<tantivy::index::SegmentMeta>>,
    segments: usize,
    docs: u64,
    started: std::time::Instant,
}

/// How much smaller than the largest segment the others together may be for
/// an idle merge to still rewrite the largest one too.
const MERGE_REWRITE_RATIO: u64 = 8;

/// Which segments (id, documents) to merge while writes pause, if any: all
/// of them when the others together hold at least an eighth of the largest
/// one's documents, else all but the largest when that leaves two or more.
/// So a trickle of writes never rewrites a large segment for a few new
/// documents, and each document is rewritten a bounded number of times as
/// the index grows geometrically.
fn merge_plan<Id: Copy>(segments: &[(Id, u32)]) -> Option<Vec<Id>> {
    if segments.len() < 2 {
        return None;
    }
    let mut by_size: Vec<(Id, u32)> = segments.to_vec();
    by_size.sort_by_key(|(_, docs)| std::cmp::Reverse(*docs));
    let largest = u64::from(by_size[0].1);
    let rest: u64 = by_size[1..].iter().map(|(_, docs)| u64::from(*docs)).sum();
    if rest.saturating_mul(MERGE_REWRITE_RATIO) >= largest {
        Some(by_size.iter().map(|(id, _)| *id).collect())
    } else if by_size.len() > 2 {
        Some(by_size[1..].iter().map(|(id, _)| *id).collect())
    } else {
        None
    }
}

/// What a search may cost to run on the caller's thread
/// ([`Store::search_quick`]).
#[derive(Debug, Clone, Copy)]
struct Budget {
    /// The most postings the query's terms may have in all.
    max_postings: u64,
    /// The most hits a page may reach (`offset + limit`).
    max_hits: usize,
    /// The most text (titles and bodies) a page to highlight may hold.
    max_highlight_bytes: usize,
}

/// The quick-search budget. The limits are chosen, not derived: they bound
/// the postings walked and the text highlighted on the runtime's thread,
/// and every one of the 200 bench queries on Reuters-21578 stays within
/// them (190 of them with highlights).
const QUICK: Budget = Budget {
    max_postings: 32 * 1024,
    max_hits: 100,
    max_highlight_bytes: 16 * 1024,
};

impl Inner {
    /// Refuses every call once the data directory failed (see [`journal`]).
    fn check(&self) -> Result<()> {
        match &self.journal {
            Some(journal) => journal.check(),
            None => Ok(()),
        }
    }

    /// Puts documents read back from the data directory into RAM and the
    /// index, as they were stored (versions and times kept); start-up only,
    /// before anything else can write.
    fn restore(&self, batch: Vec<StoredDocument>) -> Result<()> {
        let prepared: Vec<_> = batch
            .into_iter()
            .map(|mut stored| {
                let index_doc = index::index_document(&self.fields, &stored);
                stored.document.pack();
                (stored, index_doc)
            })
            .collect();
        let writer = self.writer.read();
        let mut state = self.state.write();
        let State {
            tenants,
            slots,
            last_seq,
            ..
        } = &mut *state;
        for (stored, mut index_doc) in prepared {
            let seq = *last_seq + 1;
            index_doc.add_u64(self.fields.slot, seq);
            writer.add_document(index_doc).map_err(Error::internal)?;
            *last_seq = seq;
            let docs = tenants.entry(stored.tenant.clone()).or_default();
            docs.remember(&stored);
            let stored = Arc::new(stored);
            slots.insert(seq, Arc::clone(&stored));
            docs.docs.insert(
                stored.id.clone(),
                Entry {
                    doc: stored,
                    slot: seq,
                },
            );
        }
        Ok(())
    }

    fn run_committer(&self) {
        let mut merge = None;
        loop {
            let shutdown = {
                let mut signal = self.signal.lock();
                if !signal.requested && !signal.shutdown {
                    self.wake
                        .wait_for(&mut signal, self.config.refresh_interval);
                }
                signal.requested = false;
                signal.shutdown
            };
            let committed = self.commit();
            if shutdown {
                self.visible.send_modify(|v| v.closed = true);
                return;
            }
            self.tend_merge(&mut merge, !committed);
        }
    }

    /// Merges segments once writes pause: a search pays a fixed cost per
    /// segment (term lookups, scorers, the slot column), and each commit
    /// adds a segment that tantivy's merge policy leaves alone until eight
    /// of a size accumulate. On a tick with nothing to commit, the segments
    /// [`merge_plan`] picks are merged on tantivy's merge threads; a later
    /// tick sees the merge end and reloads the reader, which then searches
    /// the merged segment and lets the old ones go.
    fn tend_merge(&self, merge: &mut Option<IdleMerge>, idle: bool) {
        if let Some(running) = merge {
            let waker = std::task::Waker::noop();
            let mut context = std::task::Context::from_waker(waker);
            let std::task::Poll::Ready(outcome) =
                std::pin::Pin::new(&mut running.result).poll(&mut context)
            else {
                return;
            };
            match outcome.and_then(|_| self.reader.reload()) {
                Ok(()) => tracing::debug!(
                    segments = running.segments,
                    docs = running.docs,
                    elapsed_ms = running.started.elapsed().as_millis() as u64,
                    "index segments merged"
                ),
                // The segments stay as they were; search is unaffected.
                Err(error) => tracing::warn!(%error, "merging index segments failed"),
            }
            *merge = None;
        }
        if !idle {
            return;
        }
        let searcher = self.reader.searcher();
        let segments: Vec<_> = searcher
            .segment_readers()
            .iter()
            .map(|segment| (segment.segment_id(), segment.max_doc()))
            .collect();
        let Some(ids) = merge_plan(&segments) else {
            return;
        };
        let docs = segments
            .iter()
            .filter(|(id, _)| ids.contains(id))
            .map(|(_, docs)| u64::from(*docs))
            .sum();
        let result = self.writer.write().merge(&ids);
        *merge = Some(IdleMerge {
            result,
            segments: ids.len(),
            docs,
            started: std::time::Instant::now(),
        });
    }

    fn request_commit(&self) {
        self.signal.lock().requested = true;
        self.wake.notify_all();
    }

    /// Commits pending writes, reloads the reader, publishes the new visible
    /// sequence number and feeds the watchers. Returns false when there was
    /// nothing to commit.
    fn commit(&self) -> bool {
        let mut writer = self.writer.write();
        let (covered, pending, retired, snapshot) = {
            let mut state = self.state.write();
            if state.last_seq == self.visible.borrow().seq {
                drop(state);
                drop(writer);
                self.watchers.prune();
                return false;
            }
            let pending = std::mem::take(&mut state.pending);
            let retired = std::mem::take(&mut state.retired);
            (state.last_seq, pending, retired, self.watchers.snapshot())
        };
        let committed = writer.commit();
        drop(writer);
        let result = committed.and_then(|_| self.reader.reload());
        if let Err(error) = result {
            tracing::error!(%error, "index commit failed");
            // The retired versions may still be in the index.
            self.state.write().retired.extend(retired);
            self.visible
                .send_modify(|v| v.error = Some(format!("index commit failed: {error}")));
            return true;
        }
        // A search that took its searcher before the reload may still meet
        // a retired slot; it finds no document there and walks all matches.
        {
            let mut state = self.state.write();
            for slot in retired {
                state.slots.remove(&slot);
            }
        }
        self.results.clear();
        // Watchers are fed before waiters are released, so a write acknowledged
        // as visible has also reached every watcher's channel.
        let searcher = self.reader.searcher();
        self.watchers
            .publish(&snapshot, pending, &searcher, &self.builder);
        drop(snapshot);
        self.visible.send_modify(|v| {
            v.seq = covered;
            v.error = None;
        });
        true
    }

    /// What a search started now is computed on.
    fn stamp(&self) -> Stamp {
        let generation = self.reader.searcher().generation().generation_id();
        let seq = self.state.read().last_seq;
        Stamp { generation, seq }
    }

    /// [`Inner::search`] through the result cache: a first page asked
    /// again with nothing written or committed meanwhile is the page
    /// computed before.
    fn search_cached(
        &self,
        tenant: &str,
        request: &SearchRequest,
        budget: Option<Budget>,
    ) -> Result<Option<Arc<SearchResults>>> {
        if !self.results.keeps(request) {
            return Ok(self.search(tenant, request, budget)?.map(Arc::new));
        }
        let stamp = self.stamp();
        if let Some(results) = self.results.get(tenant, request, stamp) {
            return Ok(Some(results));
        }
        let results = self.search(tenant, request, budget)?.map(Arc::new);
        // Kept only if nothing changed while it ran, so no entry is older
        // than its stamp says.
        if let Some(results) = &results
            && self.stamp() == stamp
        {
            self.results.insert(tenant, request, stamp, results);
        }
        Ok(results)
    }

    /// Runs a search; with a budget, gives up (`Ok(None)`) as soon as the
    /// search is not known to stay within it, before the costly parts.
    fn search(
        &self,
        tenant: &str,
        request: &SearchRequest,
        budget: Option<Budget>,
    ) -> Result<Option<SearchResults>> {
        let builder = &self.builder;
        let parsed = builder.parse_as(&request.query, request.syntax)?;
        // One snapshot for the count, the page and the facets.
        let searcher = self.reader.searcher();
        // A plain-text search in relevance order is ranked again with the
        // words of its best hits, chosen on its first page and carried by
        // the page token to the next ones.
        let mut expansion = Vec::new();
        let parsed = if request.syntax == QuerySyntax::PlainText
            && request.order == Order::Relevance
            && parsed.simple
        {
            // Two passes and the reading of the first one's best texts are
            // beyond what a quick search may cost: the blocking pool.
            if budget.is_some() {
                return Ok(None);
            }
            expansion = match &request.stats {
                Some(stats) => stats
                    .expansion
                    .iter()
                    .map(|(word, bits)| (word.clone(), f32::from_bits(*bits)))
                    .collect(),
                None => self.feedback(&searcher, tenant, &request.filter, &parsed)?,
            };
            builder.with_feedback(parsed, &expansion)
        } else {
            parsed
        };
        // Relevance scores are computed with the statistics of the first
        // page, so a document scores the same on every page of a search.
        let stats = match (request.order, &request.stats) {
            (Order::Relevance, Some(stats)) => Some(stats.clone()),
            (Order::Relevance, None) => Some(ScoreStats {
                expansion: expansion
                    .iter()
                    .map(|(word, weight)| (word.clone(), weight.to_bits()))
                    .collect(),
                ..index::FrozenStats::capture(&searcher, &*parsed.query).map_err(Error::internal)?
            }),
            _ => None,
        };
        if let Some(budget) = budget {
            // A first page's statistics hold the live document frequency
            // of every term the query names, in the order
            // `query::postings_bound` sums them: no second lookup.
            let bound = || match (&request.stats, &stats) {
                (None, Some(fresh)) => fresh
                    .doc_freqs
                    .iter()
                    .fold(0u64, |sum, count| sum.saturating_add(*count)),
                _ => query::postings_bound(&searcher, &*parsed.query),
            };
            let bounded = parsed.simple
                && request.facets.is_empty()
                && request.order == Order::Relevance
                && request.filter == crate::search::Filter::default()
                && request.limit <= budget.max_hits
                && bound() <= budget.max_postings;
            if !bounded {
                return Ok(None);
            }
        }
        let frozen = stats
            .as_ref()
            .map(|stats| index::FrozenStats::new(&searcher, stats, &*parsed.query));
        let provider: &dyn Bm25StatisticsProvider = match &frozen {
            Some(frozen) => frozen,
            None => &searcher,
        };
        let query = builder.restrict_in(&searcher, tenant, parsed.query, &request.filter);
        // One hit more than the page shows whether another page follows.
        let wanted = request.limit.saturating_add(1);
        // Facets and date orders need every match; relevance order without
        // facets needs only the page and a count.
        let top = if request.facets.is_empty() && request.order == Order::Relevance {
            self.top_by_score(
                &searcher,
                provider,
                tenant,
                &*query,
                wanted,
                request.after.as_ref(),
            )?
        } else {
            None
        };
        let (mut hits, total, facets) = match top {
            Some((hits, total)) => (hits, total, Vec::new()),
            None if budget.is_some() => return Ok(None),
            None => {
                let mut hits = self.matches(
                    &searcher,
                    provider,
                    tenant,
                    &*query,
                    request.order == Order::Relevance,
                )?;
                sort_hits(&mut hits, request.order);
                let facets = count_facets(&hits, &request.facets);
                let total = hits.len() as u64;
                if let Some(after) = &request.after {
                    let start = hits.partition_point(|(doc, score)| {
                        compare_key(request.order, doc, *score, after)
                            != std::cmp::Ordering::Greater
                    });
                    hits.drain(..start);
                }
                hits.truncate(wanted);
                (hits, total, facets)
            }
        };
        let has_more = hits.len() > request.limit;
        hits.truncate(request.limit);
        if let Some(budget) = budget
            && request.highlight_chars.is_some()
        {
            let bytes: usize = hits
                .iter()
                .map(|(document, _)| {
                    document.document.title.len() + document.document.analyzed_len()
                })
                .sum();
            if bytes > budget.max_highlight_bytes {
                return Ok(None);
            }
        }
        let highlighter = builder.highlighter();
        let page = hits
            .into_iter()
            .map(|(document, score)| {
                let mut highlights = Vec::new();
                if let Some(chars) = request.highlight_chars {
                    let chars = if chars == 0 {
                        DEFAULT_HIGHLIGHT_CHARS
                    } else {
                        chars
                    };
                    let fields = [
                        (
                            "title",
                            document.document.title.as_str(),
                            &parsed.highlight.title,
                        ),
                        (
                            "body",
                            &document.document.analyzed_text(),
                            &parsed.highlight.body,
                        ),
                    ];
                    for (field, text, matchers) in fields {
                        if let Some((fragment, spans)) =
                            highlighter.highlight(text, matchers, chars)
                        {
                            highlights.push(Highlight {
                                field: field.to_string(),
                                fragment,
                                spans,
                            });
                        }
                    }
                }
                Hit {
                    document,
                    score,
                    highlights,
                }
            })
            .collect();
        Ok(Some(SearchResults {
            hits: page,
            total,
            has_more,
            facets,
            stats,
            encoded: std::sync::OnceLock::new(),
        }))
    }

    fn key_term(&self, tenant: &str, id: &str) -> Term {
        Term::from_field_text(self.fields.key, &index::doc_key(tenant, id))
    }

    /// Runs a query and returns every match's document (as the map holds it
    /// now) with its score; documents deleted since the last commit are left
    /// out.
    fn matches(
        &self,
        searcher: &Searcher,
        stats: &dyn Bm25StatisticsProvider,
        tenant: &str,
        query: &dyn Query,
        scored: bool,
    ) -> Result<Vec<(Arc<StoredDocument>, Score)>> {
        let matches = searcher
            .search_with_statistics_provider(query, &AllMatches { scored }, stats)
            .map_err(Error::internal)?;
        let state = self.state.read();
        let Some(docs) = state.tenants.get(tenant) else {
            return Ok(Vec::new());
        };
        let mut seen = HashSet::with_capacity(matches.len());
        let mut out = Vec::with_capacity(matches.len());
        for (slot, score) in matches {
            if let Some(doc) = state.resolve(tenant, docs, slot)
                && seen.insert(doc.id.as_str())
            {
                out.push((Arc::clone(doc), score));
            }
        }
        Ok(out)
    }
}

impl Inner {
    /// The feedback terms of a plain-text search's first page: the words
    /// its best [`query::FEEDBACK_DOCS`] hits share (`QueryBuilder::feedback_terms`).
    fn feedback(
        &self,
        searcher: &Searcher,
        tenant: &str,
        filter: &crate::search::Filter,
        parsed: &query::ParsedQuery,
    ) -> Result<Vec<(String, f32)>> {
        let builder = &self.builder;
        let first = builder.restrict_in(searcher, tenant, parsed.query.box_clone(), filter);
        let best = self.top_by_score(
            searcher,
            searcher,
            tenant,
            &*first,
            query::FEEDBACK_DOCS,
            None,
        )?;
        let Some((best, _)) = best else {
            // A best hit was deleted since the last commit: no feedback
            // rather than a walk over every match.
            return Ok(Vec::new());
        };
        let texts: Vec<(Arc<StoredDocument>, String, Score)> = best
            .into_iter()
            .map(|(doc, score)| {
                let text = doc.document.analyzed_text();
                let text =
                    text[..floor_char_boundary(&text, query::FEEDBACK_TEXT_BYTES)].to_string();
                (doc, text, score)
            })
            .collect();
        let hits: Vec<(&str, &str, Score)> = texts
            .iter()
            .map(|(doc, text, score)| (doc.document.title.as_str(), text.as_str(), *score))
            .collect();
        Ok(builder.feedback_terms(searcher, &hits))
    }

    /// The best `k` matches by score (ties by id), after a position when
    /// given, and the number of matches, found without resolving every
    /// match to its document; `None` when a document of the top `k` was
    /// deleted since the last commit, and the caller must walk all matches.
    /// The count is the index's, as of the last commit.
    fn top_by_score(
        &self,
        searcher: &Searcher,
        stats: &dyn Bm25StatisticsProvider,
        tenant: &str,
        query: &dyn Query,
        k: usize,
        after: Option<&SearchAfter>,
    ) -> Result<Option<(Vec<Scored>, u64)>> {
        let (top, total) = if let Some(after) = after {
            // A later page: every match is scored and those up to the
            // position are passed over, in each segment.
            let SortKey::Score(bits) = after.key else {
                return Ok(None);
            };
            let collector = TopByScoreThenId {
                limit: k,
                after: Some((Score::from_bits(bits), after.id.clone())),
            };
            let (total, top) = searcher
                .search_with_statistics_provider(query, &(Count, collector), stats)
                .map_err(Error::internal)?;
            (top, total as u64)
        } else {
            // One more than asked for shows whether the `k`th score is tied
            // with a document beyond the page; then the order by id decides
            // which documents make the page, and only scoring every match
            // tells.
            let (mut top, total) = index::top_by_score(searcher, stats, query, k.saturating_add(1))
                .map_err(Error::internal)?;
            if top.len() > k && k > 0 && top[k - 1].1 == top[k].1 {
                // Each segment's best `k`; the order by id below cuts them to `k`.
                top = searcher
                    .search_with_statistics_provider(
                        query,
                        &TopByScoreThenId {
                            limit: k,
                            after: None,
                        },
                        stats,
                    )
                    .map_err(Error::internal)?;
            } else {
                top.truncate(k);
            }
            (top, total)
        };
        let state = self.state.read();
        let Some(docs) = state.tenants.get(tenant) else {
            return Ok(Some((Vec::new(), 0)));
        };
        let mut hits = Vec::with_capacity(top.len());
        for (slot, score) in top {
            match state.resolve(tenant, docs, slot) {
                Some(doc) => hits.push((Arc::clone(doc), score)),
                None => return Ok(None),
            }
        }
        sort_by_score(&mut hits);
        hits.truncate(k);
        Ok(Some((hits, total)))
    }
}

/// The largest index of `text` at most `at` that is a char boundary.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    if at >= text.len() {
        return text.len();
    }
    (0..=at)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0)
}

/// Checks a client-given id.
fn check_id(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid("document.id", "must not be empty"));
    }
    if id.len() > MAX_ID_BYTES {
        return Err(Error::invalid(
            "document.id",
            format!(
                "is {} bytes long; at most {MAX_ID_BYTES} are allowed",
                id.len()
            ),
        ));
    }
    if id.chars().any(char::is_control) {
        return Err(Error::invalid(
            "document.id",
            "must not contain control characters",
        ));
    }
    Ok(())
}

/// Sorts matches by score (best first), ties by id.
fn sort_by_score(hits: &mut [(Arc<StoredDocument>, Score)]) {
    hits.sort_by(|(a, sa), (b, sb)| sb.total_cmp(sa).then_with(|| a.id.cmp(&b.id)));
}

/// Compares two publication times in a date order; undated documents go
/// last in both date orders.
fn compare_published(order: Order, a: Option<i64>, b: Option<i64>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(x), Some(y)) if order == Order::PublishedDesc => y.cmp(&x),
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    }
}

fn published_micros(doc: &StoredDocument) -> Option<i64> {
    doc.document.published_at.map(|t| t.timestamp_micros())
}

/// Sorts matches in an order; undated documents go last in both date orders.
fn sort_hits(hits: &mut [(Arc<StoredDocument>, Score)], order: Order) {
    match order {
        Order::Relevance => sort_by_score(hits),
        Order::PublishedDesc | Order::PublishedAsc => {
            hits.sort_by(|(a, _), (b, _)| {
                compare_published(order, published_micros(a), published_micros(b))
                    .then_with(|| a.id.cmp(&b.id))
            });
        }
    }
}

/// Where a match stands against a position in the order of a search:
/// `Greater` when it comes after it. A position of another order's kind
/// (which a signed token bound to its order cannot carry) puts every match
/// after it.
fn compare_key(
    order: Order,
    doc: &StoredDocument,
    score: Score,
    after: &SearchAfter,
) -> std::cmp::Ordering {
    let key = match (order, after.key) {
        (Order::Relevance, SortKey::Score(bits)) => Score::from_bits(bits).total_cmp(&score),
        (Order::PublishedDesc | Order::PublishedAsc, SortKey::Published(at)) => {
            compare_published(order, published_micros(doc), at)
        }
        _ => return std::cmp::Ordering::Greater,
    };
    key.then_with(|| doc.id.as_str().cmp(after.id.as_str()))
}

/// The values of a facet field in one document, each once.
fn facet_values(doc: &StoredDocument, field: FacetField) -> Vec<String> {
    let mut values: Vec<String> = match field {
        FacetField::Language => index::language_of(doc).into_iter().collect(),
        FacetField::Tags => doc.document.tags.clone(),
        FacetField::Source => {
            let source = doc.document.source.trim();
            if source.is_empty() {
                Vec::new()
            } else {
                vec![source.to_string()]
            }
        }
        FacetField::Entity(entity_type) => doc
            .analysis
            .entities
            .iter()
            .filter(|entity| entity.entity_type == entity_type)
            .map(|entity| entity.name.clone())
            .collect(),
        FacetField::Speaker => doc
            .analysis
            .quotes
            .iter()
            .map(|quote| quote.speaker.trim())
            .filter(|speaker| !speaker.is_empty())
            .map(str::to_string)
            .collect(),
        FacetField::KeyPhrase => doc
            .analysis
            .keyphrases
            .iter()
            .map(|phrase| phrase.text.to_lowercase())
            .collect(),
    };
    values.sort();
    values.dedup();
    values
}

/// Counts facet values over all matches; the top values by count, ties by value.
fn count_facets(
    hits: &[(Arc<StoredDocument>, Score)],
    facets: &[(String, FacetField)],
) -> Vec<(String, Vec<(String, u64)>)> {
    facets
        .iter()
        .map(|(name, field)| {
            let mut counts: HashMap<String, u64> = HashMap::new();
            for (doc, _) in hits {
                for value in facet_values(doc, *field) {
                    *counts.entry(value).or_default() += 1;
                }
            }
            let mut values: Vec<(String, u64)> = counts.into_iter().collect();
            values.sort_by(|(va, ca), (vb, cb)| cb.cmp(ca).then_with(|| va.cmp(vb)));
            values.truncate(FACET_VALUES);
            (name.clone(), values)
        })
        .collect()
}

/// Whether an entity type names a thing worth finding similar documents by
/// (dates and numbers are everywhere and say little about the topic).
fn topical(entity_type: EntityType) -> bool {
    matches!(
        entity_type,
        EntityType::Person
            | EntityType::Organization
            | EntityType::Location
            | EntityType::Group
            | EntityType::Event
            | EntityType::Other
    )
}

#[tonic::async_trait]
impl Store for MemoryStore {
    /// Stores a document. A `Duplicate` outcome carries the client's id when
    /// it gave one (else the stored duplicate's id) and that id's current
    /// version (0 when it has none); an `Unchanged` outcome carries the
    /// current version and the latest sequence number.
    fn put(
        &self,
        tenant: &str,
        mut document: NewDocument,
        analysis: Arc<Analysis>,
        options: PutOptions,
    ) -> Result<WriteOutcome> {
        self.inner.check()?;
        let given = document.id.is_some();
        let id = match document.id.take() {
            Some(id) => {
                check_id(&id)?;
                id
            }
            None => uuid::Uuid::new_v4().to_string(),
        };
        document.id = Some(id.clone());
        let now = Utc::now();
        let mut stored = StoredDocument {
            tenant: tenant.to_string(),
            id: id.clone(),
            version: 1,
            created_at: now,
            first_created_at: now,
            document,
            analysis,
        };
        // The index document is built before any lock is taken; it does not
        // depend on the version.
        let mut index_doc = index::index_document(&self.inner.fields, &stored);
        stored.document.pack();

        let writer = self.inner.writer.read();
        let mut state = self.inner.state.write();
        let State {
            tenants,
            slots,
            retired,
            last_seq,
            pending,
        } = &mut *state;
        let docs = tenants.entry(tenant.to_string()).or_default();
        let (existing, existing_slot) = match docs.docs.get(&id) {
            Some(entry) => (Some(Arc::clone(&entry.doc)), Some(entry.slot)),
            None => (None, None),
        };
        if let Some(existing) = &existing
            && existing.document == stored.document
        {
            return Ok(WriteOutcome {
                id,
                version: existing.version,
                result: PutResult::Unchanged,
                seq: *last_seq,
            });
        }
        if options.dedupe
            && let Some(fingerprint) = stored.analysis.fingerprint.as_ref()
            && let Some(of) = content_hash(&stored.analysis)
                .and_then(|hash| docs.by_hash.get(hash))
                .and_then(|ids| ids.iter().find(|other| **other != id))
                .or_else(|| docs.near_duplicate(&id, fingerprint))
        {
            let of = of.clone();
            let reported = if given { id } else { of.clone() };
            let version = docs
                .docs
                .get(&reported)
                .map_or(0, |entry| entry.doc.version);
            return Ok(WriteOutcome {
                id: reported,
                version,
                result: PutResult::Duplicate { of },
                seq: *last_seq,
            });
        }
        if existing.is_some() {
            writer.delete_term(self.inner.key_term(tenant, &id));
        }
        let seq = *last_seq + 1;
        index_doc.add_u64(self.inner.fields.slot, seq);
        writer.add_document(index_doc).map_err(Error::internal)?;
        *last_seq = seq;
        self.inner.results.clear();
        retired.extend(existing_slot);
        if let Some(existing) = &existing {
            stored.version = existing.version + 1;
            stored.first_created_at = existing.first_created_at;
            docs.forget_hash(existing);
            docs.count_stems(&existing.analysis, false);
        }
        docs.remember(&stored);
        let version = stored.version;
        let stored = Arc::new(stored);
        slots.insert(seq, Arc::clone(&stored));
        if let Some(journal) = &self.inner.journal {
            journal.push(Record::Put {
                seq,
                document: Arc::clone(&stored),
            });
        }
        docs.docs.insert(
            id.clone(),
            Entry {
                doc: Arc::clone(&stored),
                slot: seq,
            },
        );
        pending.push(Visible::Put {
            seq,
            document: stored,
        });
        Ok(WriteOutcome {
            id,
            version,
            result: if existing.is_some() {
                PutResult::Updated
            } else {
                PutResult::Created
            },
            seq,
        })
    }

    fn get(&self, tenant: &str, id: &str) -> Result<Arc<StoredDocument>> {
        self.inner.check()?;
        self.inner
            .state
            .read()
            .tenants
            .get(tenant)
            .and_then(|docs| docs.docs.get(id))
            .map(|entry| Arc::clone(&entry.doc))
            .ok_or_else(|| Error::NotFound { id: id.to_string() })
    }

    fn delete(&self, tenant: &str, id: &str) -> Result<WriteOutcome> {
        self.inner.check()?;
        let not_found = || Error::NotFound { id: id.to_string() };
        let writer = self.inner.writer.read();
        let mut state = self.inner.state.write();
        let State {
            tenants,
            retired,
            last_seq,
            pending,
            ..
        } = &mut *state;
        let docs = tenants.get_mut(tenant).ok_or_else(not_found)?;
        let Entry {
            doc: existing,
            slot,
        } = docs.docs.remove(id).ok_or_else(not_found)?;
        retired.insert(slot);
        docs.forget_hash(&existing);
        docs.count_stems(&existing.analysis, false);
        writer.delete_term(self.inner.key_term(tenant, id));
        *last_seq += 1;
        self.inner.results.clear();
        if let Some(journal) = &self.inner.journal {
            journal.push(Record::Delete {
                seq: *last_seq,
                tenant: tenant.to_string(),
                id: id.to_string(),
            });
        }
        pending.push(Visible::Delete {
            tenant: tenant.to_string(),
            id: id.to_string(),
        });
        Ok(WriteOutcome {
            id: id.to_string(),
            version: existing.version,
            result: PutResult::Updated,
            seq: *last_seq,
        })
    }

    fn list(&self, tenant: &str, after_id: Option<&str>, limit: usize) -> Result<ListPage> {
        self.inner.check()?;
        let state = self.inner.state.read();
        let Some(docs) = state.tenants.get(tenant) else {
            return Ok(ListPage {
                documents: Vec::new(),
                has_more: false,
                total: 0,
            });
        };
        let lower = match after_id {
            Some(after) => Bound::Excluded(after),
            None => Bound::Unbounded,
        };
        let mut range = docs
            .docs
            .range::<str, _>((lower, Bound::Unbounded))
            .map(|(_, entry)| Arc::clone(&entry.doc));
        let documents: Vec<_> = range.by_ref().take(limit).collect();
        let has_more = range.next().is_some();
        Ok(ListPage {
            documents,
            has_more,
            total: docs.docs.len() as u64,
        })
    }

    fn search(&self, tenant: &str, request: &SearchRequest) -> Result<Arc<SearchResults>> {
        self.inner.check()?;
        self.inner
            .search_cached(tenant, request, None)
            .transpose()
            .unwrap_or_else(|| Err(Error::internal("a search without a budget gave up")))
    }

    fn search_quick(
        &self,
        tenant: &str,
        request: &SearchRequest,
    ) -> Option<Result<Arc<SearchResults>>> {
        if let Err(error) = self.inner.check() {
            return Some(Err(error));
        }
        self.inner
            .search_cached(tenant, request, Some(QUICK))
            .transpose()
    }

    fn similar(&self, tenant: &str, request: &SimilarRequest) -> Result<SimilarResults> {
        self.inner.check()?;
        let source;
        let (analysis, exclude): (&Analysis, Option<&str>) = match &request.like {
            Like::Id(id) => {
                source = self.get(tenant, id)?;
                (&source.analysis, Some(id.as_str()))
            }
            Like::Text { analysis, .. } => (analysis, None),
        };
        let builder = &self.inner.builder;
        let mut terms: Vec<String> = Vec::new();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut seen = HashSet::new();
        for phrase in &analysis.keyphrases {
            if terms.len() >= SIMILAR_TERMS {
                break;
            }
            let text = phrase.text.trim().to_lowercase();
            if text.is_empty() || !seen.insert(text.clone()) {
                continue;
            }
            let boost = 1.0 + phrase.score.clamp(0.0, 1.0);
            if let Some(query) = builder.phrase_query(&text, boost) {
                clauses.push((Occur::Should, query));
                terms.push(text);
            }
        }
        let mut entities: Vec<_> = analysis
            .entities
            .iter()
            .filter(|entity| topical(entity.entity_type) && !entity.name.trim().is_empty())
            .collect();
        entities.sort_by(|a, b| b.salience.total_cmp(&a.salience));
        for entity in entities.into_iter().take(SIMILAR_TERMS) {
            let name = entity.name.trim();
            if !seen.insert(name.to_lowercase()) {
                continue;
            }
            let boost = 1.0 + entity.salience.clamp(0.0, 1.0);
            clauses.push((Occur::Should, builder.entity_query(name, boost)));
            terms.push(name.to_string());
        }
        if clauses.is_empty() || request.limit == 0 {
            return Ok(SimilarResults {
                hits: Vec::new(),
                terms,
            });
        }
        let searcher = self.inner.reader.searcher();
        let like = builder.restrict_in(
            &searcher,
            tenant,
            Box::new(BooleanQuery::new(clauses)),
            &request.filter,
        );
        let query: Box<dyn Query> = match exclude {
            Some(id) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, like),
                (Occur::MustNot, builder.key(&index::doc_key(tenant, id))),
            ])),
            None => like,
        };
        let mut hits = self
            .inner
            .matches(&searcher, &searcher, tenant, &*query, true)?;
        hits.retain(|(doc, _)| Some(doc.id.as_str()) != exclude);
        sort_by_score(&mut hits);
        let hits = hits
            .into_iter()
            .take(request.limit)
            .map(|(document, score)| Hit {
                document,
                score,
                highlights: Vec::new(),
            })
            .collect();
        Ok(SimilarResults { hits, terms })
    }

    fn watch(&self, tenant: &str, spec: WatchSpec) -> Result<WatchReceiver> {
        self.inner.check()?;
        let builder = &self.inner.builder;
        let parsed = builder.parse_as(&spec.query, spec.syntax)?;
        let query = builder.restrict(tenant, parsed.query, &spec.filter);
        let buffer = self.inner.config.watch_buffer.max(1);
        // One slot more than the buffer: the last one is kept for the error
        // that tells a lagging watcher why its stream ends.
        let (sender, receiver) = mpsc::channel(buffer + 1);
        // Holding the writer lock (shared) while reading the sequence number
        // and registering keeps a commit from running in between, so the
        // watcher sees exactly the writes after this point.
        let _writer = self.inner.writer.read();
        let after_seq = self.inner.state.read().last_seq;
        self.inner.watchers.register(
            tenant,
            Watcher {
                query,
                sender,
                after_seq,
                buffer,
                finished: AtomicBool::new(false),
            },
        );
        Ok(receiver)
    }

    fn tenant_stats(&self) -> Vec<TenantStats> {
        let state = self.inner.state.read();
        let mut stats: Vec<TenantStats> = state
            .tenants
            .iter()
            .map(|(tenant, docs)| TenantStats {
                tenant: tenant.clone(),
                documents: docs.docs.len() as u64,
                indexed_bytes: docs
                    .docs
                    .values()
                    .map(|entry| {
                        let d = &entry.doc.document;
                        (d.analyzed_len() + d.title.len()) as u64
                    })
                    .sum(),
            })
            .collect();
        stats.sort_by(|a, b| a.tenant.cmp(&b.tenant));
        stats
    }

    fn stem_frequencies(&self, tenant: &str, stems: &[u32], out: &mut Vec<u32>) -> u32 {
        out.clear();
        let state = self.inner.state.read();
        let Some(docs) = state.tenants.get(tenant) else {
            out.resize(stems.len(), 0);
            return 0;
        };
        out.extend(
            stems
                .iter()
                .map(|key| docs.stem_df.get(key).copied().unwrap_or(0)),
        );
        docs.stem_docs
    }

    async fn wait_durable(&self, seq: u64) -> Result<()> {
        match &self.inner.journal {
            // Sequence numbers never handed out are capped as in
            // `wait_visible`: every one up to `last_seq` is queued.
            Some(journal) => journal.wait_durable(seq.min(self.last_seq())).await,
            None => Ok(()),
        }
    }

    async fn wait_visible(&self, seq: u64) -> Result<()> {
        // A sequence number never handed out cannot become visible; waiting
        // for it means waiting for everything written so far.
        let target = seq.min(self.last_seq());
        let mut visible = self.inner.visible.subscribe();
        if visible.borrow_and_update().seq >= target {
            return Ok(());
        }
        self.inner.request_commit();
        let outcome = {
            let state = visible
                .wait_for(|v| v.seq >= target || v.error.is_some() || v.closed)
                .await
                .map_err(|_| Error::Unavailable("the store is shutting down".into()))?;
            (state.seq >= target, state.error.clone())
        };
        match outcome {
            (true, _) => Ok(()),
            (false, Some(error)) => Err(Error::Internal(error)),
            (false, None) => Err(Error::Unavailable("the store is shutting down".into())),
        }
    }
}

#[cfg(test)]
mod tests;
