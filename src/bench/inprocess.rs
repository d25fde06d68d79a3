//! In-process benchmarks without a server, on one thread: the analysis
//! pipeline over a corpus (`bench pipeline`) and indexing plus top-10 search
//! in a [`MemoryStore`] (`bench index`). These are the numbers the peers
//! script compares with spaCy and tantivy-Python.

use std::time::Instant;

use serde::Serialize;

use super::corpus::{self, CorpusDoc};
use super::queries;
use super::report::{Latencies, LatencySummary, format_bytes, format_latency};
use crate::analysis::Analysis;
use crate::engine::{AnalyzeOptions, Content, DocumentInput, Engine};
use crate::search::SearchRequest;
use crate::store::memory::{MemoryStore, MemoryStoreConfig};
use crate::store::{DEFAULT_TENANT, NewDocument, PutOptions, Store};

/// Documents of the pipeline's warm-up (not timed).
pub const PIPELINE_WARM_UP_DOCS: usize = 50;

/// Queries `bench index` runs.
pub const INDEX_QUERIES: usize = 200;

/// Timed passes over the queries (after one untimed pass).
pub const QUERY_PASSES: usize = 5;

/// The result of `bench pipeline`.
#[derive(Debug, Clone, Serialize)]
pub struct PipelineReport {
    /// Always "pipeline".
    pub bench: &'static str,
    /// Documents analysed (timed), in each pass.
    pub docs: usize,
    /// Timed passes over the documents (`--passes`).
    pub passes: usize,
    /// Their raw text bytes (titles and bodies).
    pub raw_text_bytes: u64,
    /// Wall time of all timed passes, in seconds.
    pub duration_s: f64,
    /// Documents per second on one thread, over all passes.
    pub docs_per_s: f64,
    /// Documents per second of each pass, in order.
    pub pass_docs_per_s: Vec<f64>,
    /// Megabytes (10^6 bytes) of raw text per second.
    pub mb_per_s: f64,
    /// Per-document latency.
    pub latency_ms: LatencySummary,
    /// With `--digest`: FNV-1a 64 (hex) over the JSON of every document's
    /// analysis, in corpus order, computed after the timed pass, with
    /// relative dates resolved against 2026-01-01 (not today).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

impl PipelineReport {
    /// A readable table.
    pub fn table(&self) -> String {
        format!(
            "bench                  pipeline (in-process, one thread, default features)\n\
             documents              {} x {} pass(es)\n\
             raw text               {}\n\
             duration               {:.3} s\n\
             throughput             {:.1} docs/s, {:.2} MB/s\n\
             latency p50/p90/p99    {}\n\
             latency max            {:.3} ms\n{}",
            self.docs,
            self.passes,
            format_bytes(self.raw_text_bytes),
            self.duration_s,
            self.docs_per_s,
            self.mb_per_s,
            format_latency(&self.latency_ms),
            self.latency_ms.max,
            self.digest
                .as_ref()
                .map(|d| format!("output digest          {d}\n"))
                .unwrap_or_default(),
        )
    }
}

/// The result of `bench index`.
#[derive(Debug, Clone, Serialize)]
pub struct IndexReport {
    /// Always "index".
    pub bench: &'static str,
    /// Documents indexed.
    pub docs: usize,
    /// Their raw text bytes (titles and bodies).
    pub raw_text_bytes: u64,
    /// Seconds to put every document and wait until all are searchable.
    pub index_duration_s: f64,
    /// Documents indexed per second (analysis off).
    pub index_docs_per_s: f64,
    /// Segments of the index when the searches ran.
    pub segments: usize,
    /// Distinct queries.
    pub queries: usize,
    /// Timed searches (queries × passes).
    pub searches: u64,
    /// Top-10 search latency without highlights.
    pub search_latency_ms: LatencySummary,
    /// Top-10 search latency with highlights of 160 characters (as the gRPC
    /// API's default).
    pub search_highlight_latency_ms: LatencySummary,
    /// Hits over all timed searches without highlights (a sanity check).
    pub total_hits: u64,
}

impl IndexReport {
    /// A readable table.
    pub fn table(&self) -> String {
        format!(
            "bench                  index (in-process MemoryStore, analysis off)\n\
             documents              {}\n\
             raw text               {}\n\
             indexing               {:.3} s, {:.1} docs/s (put all + wait visible)\n\
             segments               {}\n\
             queries                {} distinct, {} timed searches, top 10\n\
             search p50/p90/p99     {} (no highlights)\n\
             search p50/p90/p99     {} (highlights)\n\
             hits                   {} (no highlights)\n",
            self.docs,
            format_bytes(self.raw_text_bytes),
            self.index_duration_s,
            self.index_docs_per_s,
            self.segments,
            self.queries,
            self.searches,
            format_latency(&self.search_latency_ms),
            format_latency(&self.search_highlight_latency_ms),
            self.total_hits,
        )
    }
}

/// Prepares a corpus document as the server would a plain-text ingest.
pub fn prepare(doc: &CorpusDoc) -> Result<NewDocument, String> {
    Engine::prepare(DocumentInput {
        id: Some(doc.id.clone()),
        content: Content::Text(doc.body.clone()),
        content_type: None,
        charset: None,
        title: doc.title.clone(),
        url: String::new(),
        source: "bench".into(),
        published_at: None,
        language_hint: String::new(),
        tags: Vec::new(),
        attributes: Default::default(),
    })
    .map_err(|e| format!("document {}: {e}", doc.id))
}

fn prepare_all(docs: &[CorpusDoc]) -> Vec<NewDocument> {
    // A document with nothing to analyse is skipped, as the server refuses it.
    docs.iter().filter_map(|d| prepare(d).ok()).collect()
}

/// The time the digest's analyses resolve relative dates against
/// (2026-01-01T00:00:00Z).
const DIGEST_REFERENCE_TIME: chrono::DateTime<chrono::Utc> =
    chrono::DateTime::from_timestamp_nanos(1_767_225_600_000_000_000);

/// Analyses every document `passes` times (at least once) with the default
/// features on this thread, after a warm-up over the first
/// [`PIPELINE_WARM_UP_DOCS`].
pub fn pipeline(docs: &[CorpusDoc], digest: bool, passes: usize) -> Result<PipelineReport, String> {
    let prepared = prepare_all(docs);
    if prepared.is_empty() {
        return Err("the corpus has no document to analyse".into());
    }
    let passes = passes.max(1);
    let options = AnalyzeOptions::default();
    Engine::warm_up();
    // Every regex and word table the stages build on first use, so that the
    // timed pass measures documents, not one-time set-up. (A server does
    // not build them ahead: one that never analyses would keep megabytes
    // of automata it never runs.)
    crate::analysis::warm_up();
    for doc in prepared.iter().take(PIPELINE_WARM_UP_DOCS) {
        std::hint::black_box(Engine::analyze_prepared(doc, &options));
    }
    let mut latencies = Latencies::new();
    let mut pass_docs_per_s = Vec::with_capacity(passes);
    let start = Instant::now();
    for _ in 0..passes {
        let pass_start = Instant::now();
        for doc in &prepared {
            let t = Instant::now();
            let analysis = Engine::analyze_prepared(doc, &options);
            latencies.record(t.elapsed());
            std::hint::black_box(analysis);
        }
        let pass = pass_start.elapsed().as_secs_f64().max(1e-9);
        pass_docs_per_s.push(prepared.len() as f64 / pass);
    }
    let duration = start.elapsed().as_secs_f64().max(1e-9);
    let digest = if digest {
        // Relative dates resolved against a fixed day, not today's: the
        // digest of a build is the same whatever day it is computed.
        let options = AnalyzeOptions {
            reference_time: Some(DIGEST_REFERENCE_TIME),
            ..options
        };
        let mut hash = crate::analysis::fingerprint::FNV_OFFSET;
        for doc in &prepared {
            let analysis = Engine::analyze_prepared(doc, &options);
            let json = serde_json::to_vec(&analysis)
                .map_err(|e| format!("cannot encode an analysis: {e}"))?;
            hash = crate::analysis::fingerprint::fnv1a64_extend(hash, &json);
        }
        Some(format!("{hash:016x}"))
    } else {
        None
    };
    let raw: u64 = prepared
        .iter()
        .map(|d| (d.title.len() + d.content.len()) as u64)
        .sum();
    Ok(PipelineReport {
        bench: "pipeline",
        docs: prepared.len(),
        passes,
        raw_text_bytes: raw,
        duration_s: duration,
        docs_per_s: (prepared.len() * passes) as f64 / duration,
        pass_docs_per_s,
        mb_per_s: (raw as f64 * passes as f64) / 1e6 / duration,
        latency_ms: latencies.summary_ms(),
        digest,
    })
}

/// Indexes every document in a new [`MemoryStore`] (analysis off), waits
/// until all are searchable, then times [`INDEX_QUERIES`] derived queries
/// (or `queries` when given) through [`Store::search`] with limit 10.
pub fn index(docs: &[CorpusDoc], queries: Option<Vec<String>>) -> Result<IndexReport, String> {
    let prepared = prepare_all(docs);
    if prepared.is_empty() {
        return Err("the corpus has no document to index".into());
    }
    let queries = queries.unwrap_or_else(|| queries::derive(docs, INDEX_QUERIES));
    if queries.is_empty() {
        return Err("no queries could be derived from the corpus".into());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    // No timed refresh: the index is made visible once, by the wait below,
    // so its segments are the writer's flushes alone and do not depend on
    // how fast the machine is (a slow or instrumented run would otherwise
    // commit, and search, many more small segments).
    // No result cache either: the queries repeat (passes over the same
    // list), and what is timed is the search itself, as tantivy-Python's.
    let store = MemoryStore::try_new(MemoryStoreConfig {
        refresh_interval: std::time::Duration::from_secs(3600),
        search_cache_bytes: 0,
        ..MemoryStoreConfig::default()
    })
    .map_err(|e| format!("cannot create the store: {e}"))?;
    let count = prepared.len();
    let raw = corpus::raw_text_bytes(docs);

    let start = Instant::now();
    let mut last_seq = 0;
    let empty = std::sync::Arc::new(Analysis::default());
    for doc in prepared {
        let outcome = store
            .put(
                DEFAULT_TENANT,
                doc,
                std::sync::Arc::clone(&empty),
                PutOptions::default(),
            )
            .map_err(|e| format!("put failed: {e}"))?;
        last_seq = outcome.seq;
    }
    runtime
        .block_on(store.wait_visible(last_seq))
        .map_err(|e| format!("waiting for the index failed: {e}"))?;
    let index_duration = start.elapsed().as_secs_f64().max(1e-9);

    let request = |query: &str, highlight: Option<usize>| SearchRequest {
        highlight_chars: highlight,
        ..SearchRequest::first_page(query, 10)
    };
    let mut total_hits = 0;
    let time = |highlight: Option<usize>, hits: &mut u64| -> Result<Latencies, String> {
        let mut latencies = Latencies::new();
        for pass in 0..=QUERY_PASSES {
            for query in &queries {
                let request = request(query, highlight);
                let t = Instant::now();
                let results = store
                    .search(DEFAULT_TENANT, &request)
                    .map_err(|e| format!("query {query:?} failed: {e}"))?;
                let elapsed = t.elapsed();
                if pass > 0 {
                    latencies.record(elapsed);
                    *hits += results.hits.len() as u64;
                }
            }
        }
        Ok(latencies)
    };
    let segments = store.segment_count();
    let plain = time(None, &mut total_hits)?;
    let highlighted = time(Some(160), &mut 0)?;
    store.shutdown();
    Ok(IndexReport {
        bench: "index",
        docs: count,
        raw_text_bytes: raw,
        index_duration_s: index_duration,
        index_docs_per_s: count as f64 / index_duration,
        segments,
        queries: queries.len(),
        searches: plain.len(),
        search_latency_ms: plain.summary_ms(),
        search_highlight_latency_ms: highlighted.summary_ms(),
        total_hits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs() -> Vec<CorpusDoc> {
        (0..60)
            .map(|i| CorpusDoc {
                id: format!("d{i}"),
                title: format!("Cocoa review {i}"),
                body: format!(
                    "Showers continued in Bahia, Comissaria Smith said on Monday. \
                     Arrivals were {i} bags. \"Prices will rise,\" said Ana Lopes."
                ),
            })
            .collect()
    }

    #[test]
    fn pipeline_and_index_report_sane_numbers() {
        let docs = docs();
        let p = pipeline(&docs, false, 1).expect("pipeline");
        assert_eq!(p.docs, 60);
        assert_eq!(p.digest, None);
        // The output digest is the same run after run, and changes with the output.
        let a = pipeline(&docs[..5], true, 1).expect("pipeline").digest;
        let b = pipeline(&docs[..5], true, 1).expect("pipeline").digest;
        let c = pipeline(&docs[1..6], true, 1).expect("pipeline").digest;
        assert!(a.as_ref().is_some_and(|d| d.len() == 16), "{a:?}");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(p.docs_per_s > 0.0 && p.latency_ms.p50 > 0.0, "{p:?}");
        assert!(p.table().contains("docs/s"));
        assert_eq!((p.passes, p.pass_docs_per_s.len()), (1, 1));
        // Passes repeat the timed loop; the rate covers all of them.
        let three = pipeline(&docs[..5], false, 3).expect("pipeline");
        assert_eq!((three.docs, three.passes), (5, 3));
        assert_eq!(three.pass_docs_per_s.len(), 3);
        assert!(three.pass_docs_per_s.iter().all(|r| *r > 0.0));
        let i = index(&docs, None).expect("index");
        assert_eq!(i.docs, 60);
        assert!(i.queries > 0);
        assert_eq!(i.searches, (i.queries * QUERY_PASSES) as u64);
        assert!(i.total_hits > 0, "{i:?}");
        assert!(i.table().contains("docs/s"));
    }
}
