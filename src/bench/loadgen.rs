//! The load generator: N concurrent callers (tokio tasks) over one or more
//! HTTP/2 connections drive a running server's gRPC API for a set duration or
//! number of calls, recording each call's latency in an HDR histogram.
//!
//! Callers take "tickets" from one shared counter; the ticket picks the
//! document or query (round robin over the corpus) and, for `mixed`, the
//! kind of call. Ingests of the first pass over the corpus use the
//! documents' own ids; later passes add `:PASS` so every ingest stores a new
//! document. The only address ever called is the `server` given.

use std::collections::{BTreeMap, VecDeque};
use std::io::IsTerminal;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::Semaphore;
use tonic::metadata::MetadataValue;
use tonic::transport::{Channel, Endpoint};

use super::corpus::{self, CorpusDoc};
use super::report::{Latencies, LoadReport, OperationReport, code_name};
use crate::proto::pb;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;

/// How many items each `ingest-stream` caller keeps in flight on its stream.
pub const STREAM_WINDOW: usize = 16;

/// The deadline of each call.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// A kind of load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// `grpc.health.v1.Health/Check`: the bare-RPC baseline.
    Health,
    /// `Analyzer/Analyze` of corpus documents.
    Analyze,
    /// `Documents/Ingest` of corpus documents, one call each.
    Ingest,
    /// `Documents/IngestStream`: each caller streams corpus documents.
    IngestStream,
    /// `Search/Search` (top 10) with corpus-derived or given queries.
    Search,
    /// A weighted mix of calls (`--mix`).
    Mixed,
}

impl Scenario {
    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Health => "health",
            Scenario::Analyze => "analyze",
            Scenario::Ingest => "ingest",
            Scenario::IngestStream => "ingest-stream",
            Scenario::Search => "search",
            Scenario::Mixed => "mixed",
        }
    }

    /// Whether the scenario needs a corpus (search needs one only to derive
    /// queries from).
    pub fn needs_corpus(self, mix: &Mix) -> bool {
        match self {
            Scenario::Health | Scenario::Search => false,
            Scenario::Mixed => mix
                .0
                .iter()
                .any(|(op, _)| matches!(op, Op::Analyze | Op::Ingest)),
            Scenario::Analyze | Scenario::Ingest | Scenario::IngestStream => true,
        }
    }
}

/// One kind of unary call of the mixed scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Op {
    /// Health check.
    Health,
    /// Analyze.
    Analyze,
    /// Ingest (unary).
    Ingest,
    /// Search.
    Search,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Health => "health",
            Op::Analyze => "analyze",
            Op::Ingest => "ingest",
            Op::Search => "search",
        }
    }
}

/// Weights of the calls of the mixed scenario, e.g. `search=80,ingest=20`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mix(pub Vec<(Op, u32)>);

impl Default for Mix {
    fn default() -> Self {
        Mix(vec![(Op::Search, 80), (Op::Ingest, 20)])
    }
}

impl FromStr for Mix {
    type Err = String;

    fn from_str(s: &str) -> Result<Mix, String> {
        let mut parts = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, weight) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not NAME=WEIGHT"))?;
            let op = match name.trim() {
                "health" => Op::Health,
                "analyze" => Op::Analyze,
                "ingest" => Op::Ingest,
                "search" => Op::Search,
                other => {
                    return Err(format!(
                        "unknown call {other:?}; use health, analyze, ingest or search"
                    ));
                }
            };
            let weight: u32 = weight
                .trim()
                .parse()
                .map_err(|_| format!("weight {weight:?} is not a whole number"))?;
            if weight > 0 {
                parts.push((op, weight));
            }
        }
        if parts.is_empty() {
            return Err("the mix needs at least one call with a positive weight".into());
        }
        Ok(Mix(parts))
    }
}

impl Mix {
    /// The call of a ticket: tickets cycle through the weights in blocks.
    fn pick(&self, ticket: u64) -> Op {
        let total: u64 = self.0.iter().map(|(_, w)| u64::from(*w)).sum();
        // Spread the kinds evenly: a multiplicative hash of the ticket
        // rather than long runs of one kind.
        let mut slot = ticket.wrapping_mul(0x9E37_79B9_7F4A_7C15) % total.max(1);
        for (op, weight) in &self.0 {
            if slot < u64::from(*weight) {
                return *op;
            }
            slot -= u64::from(*weight);
        }
        self.0[0].0
    }
}

/// When a run stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// After this long.
    Duration(Duration),
    /// After this many calls (stream items for `ingest-stream`).
    Requests(u64),
}

/// Everything a load run needs.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// The server's URL, e.g. `http://127.0.0.1:50051`.
    pub server: String,
    /// What to run.
    pub scenario: Scenario,
    /// Concurrent callers.
    pub concurrency: usize,
    /// HTTP/2 connections the callers share (round robin).
    pub connections: usize,
    /// When to stop.
    pub stop: Stop,
    /// Unmeasured load before the measured run.
    pub warmup: Duration,
    /// An API key, sent as `x-api-key`.
    pub api_key: Option<String>,
    /// Search queries (used round robin).
    pub queries: Vec<String>,
    /// The mixed scenario's weights.
    pub mix: Mix,
    /// Ingest without analysis.
    pub skip_analysis: bool,
    /// Search without highlights (the server highlights by default).
    pub no_highlight: bool,
    /// Count each search answer's hits as raw bytes instead of decoding the
    /// whole answer as a client library does.
    pub raw_hits: bool,
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
}

/// What callers share.
struct Shared {
    options: LoadOptions,
    docs: Arc<Vec<CorpusDoc>>,
    key: Option<MetadataValue<tonic::metadata::Ascii>>,
    /// The next ticket (documents and queries), across warm-up and measurement.
    cursor: AtomicU64,
    /// Calls started in the current phase.
    started: AtomicU64,
    /// Calls ended in the current phase, for the progress bar.
    done: AtomicU64,
}

/// A phase's limit.
#[derive(Clone, Copy)]
enum Until {
    Deadline(Instant),
    Count(u64),
}

impl Shared {
    /// Takes the next ticket, or `None` when the phase is over.
    fn ticket(&self, until: Until) -> Option<u64> {
        match until {
            Until::Deadline(deadline) => {
                if Instant::now() >= deadline {
                    return None;
                }
            }
            Until::Count(n) => {
                if self.started.fetch_add(1, Ordering::Relaxed) >= n {
                    return None;
                }
            }
        }
        Some(self.cursor.fetch_add(1, Ordering::Relaxed))
    }

    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = self.stream_request(message);
        request.set_timeout(CALL_TIMEOUT);
        request
    }

    /// A request without a deadline (streams last as long as the phase).
    fn stream_request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        if let Some(key) = &self.key {
            request.metadata_mut().insert("x-api-key", key.clone());
        }
        request
    }

    fn document(&self, ticket: u64) -> pb::Document {
        let n = self.docs.len().max(1) as u64;
        let doc = &self.docs[(ticket % n) as usize];
        let pass = ticket / n;
        let id = if pass == 0 {
            doc.id.clone()
        } else {
            format!("{}:{pass}", doc.id)
        };
        pb::Document {
            id,
            content: Some(pb::document::Content::Text(doc.body.clone())),
            title: doc.title.clone(),
            source: "bench".into(),
            ..Default::default()
        }
    }

    fn ingest_options(&self) -> pb::IngestOptions {
        pb::IngestOptions {
            refresh: pb::Refresh::None as i32,
            skip_analysis: self.options.skip_analysis,
            ..Default::default()
        }
    }

    fn query(&self, ticket: u64) -> String {
        let queries = &self.options.queries;
        if queries.is_empty() {
            return String::new();
        }
        queries[(ticket % queries.len() as u64) as usize].clone()
    }
}

/// One caller's records.
#[derive(Default)]
struct Records {
    by_op: BTreeMap<&'static str, OpRecords>,
    docs: u64,
    /// Hits in the search answers.
    hits: u64,
}

#[derive(Default)]
struct OpRecords {
    latencies: Latencies,
    errors: BTreeMap<String, u64>,
}

impl Records {
    fn ok(&mut self, op: &'static str, latency: Duration) {
        self.by_op.entry(op).or_default().latencies.record(latency);
    }

    fn error(&mut self, op: &'static str, code: tonic::Code) {
        *self
            .by_op
            .entry(op)
            .or_default()
            .errors
            .entry(code_name(code))
            .or_default() += 1;
    }

    fn merge(&mut self, other: Records) {
        self.docs += other.docs;
        self.hits += other.hits;
        for (op, rec) in other.by_op {
            let mine = self.by_op.entry(op).or_default();
            mine.latencies.merge(&rec.latencies);
            for (code, n) in rec.errors {
                *mine.errors.entry(code).or_default() += n;
            }
        }
    }
}

/// Connects to the server; a clear error when it cannot be reached.
pub async fn connect(server: &str) -> Result<Channel, String> {
    let endpoint = Endpoint::from_shared(server.to_string())
        .map_err(|e| format!("invalid server URL {server:?}: {e}"))?
        .connect_timeout(Duration::from_secs(5))
        .tcp_nodelay(true);
    endpoint
        .connect()
        .await
        .map_err(|e| format!("cannot connect to {server}: {}", error_chain(&e)))
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Runs a load scenario against a server and reports what it measured.
/// `docs` may be empty for `health`.
pub async fn run(options: LoadOptions, docs: Arc<Vec<CorpusDoc>>) -> Result<LoadReport, String> {
    let concurrency = options.concurrency.max(1);
    let connections = options.connections.clamp(1, concurrency);
    if options.scenario.needs_corpus(&options.mix) && docs.is_empty() {
        return Err(format!(
            "scenario {} needs a corpus (--corpus PATH)",
            options.scenario.name()
        ));
    }
    let searches = options.scenario == Scenario::Search
        || (options.scenario == Scenario::Mixed
            && options.mix.0.iter().any(|(op, _)| *op == Op::Search));
    if searches && options.queries.is_empty() {
        return Err("searches need queries (--queries FILE, or --corpus to derive them)".into());
    }
    let key = match &options.api_key {
        Some(key) => Some(
            MetadataValue::try_from(key.as_str())
                .map_err(|_| "the API key is not a valid header value".to_string())?,
        ),
        None => None,
    };
    let mut channels = Vec::with_capacity(connections);
    for _ in 0..connections {
        channels.push(connect(&options.server).await?);
    }
    let shared = Arc::new(Shared {
        options: options.clone(),
        docs: Arc::clone(&docs),
        key,
        cursor: AtomicU64::new(0),
        started: AtomicU64::new(0),
        done: AtomicU64::new(0),
    });

    if !options.warmup.is_zero() {
        let until = Until::Deadline(Instant::now() + options.warmup);
        run_phase(&shared, &channels, concurrency, until, None).await?;
    }

    shared.started.store(0, Ordering::Relaxed);
    shared.done.store(0, Ordering::Relaxed);
    let (until, bar) = match options.stop {
        Stop::Duration(d) => (
            Until::Deadline(Instant::now() + d),
            progress_bar(options.progress, d.as_millis() as u64, "ms"),
        ),
        Stop::Requests(n) => (Until::Count(n), progress_bar(options.progress, n, "calls")),
    };
    let started = Instant::now();
    let records = run_phase(&shared, &channels, concurrency, until, bar).await?;
    let elapsed = started.elapsed().as_secs_f64().max(1e-9);

    let mut all = OpRecords::default();
    let mut operations = BTreeMap::new();
    let mut ok_calls = 0;
    let mut requests = 0;
    for (op, rec) in &records.by_op {
        all.latencies.merge(&rec.latencies);
        let errors: u64 = rec.errors.values().sum();
        for (code, n) in &rec.errors {
            *all.errors.entry(code.clone()).or_default() += n;
        }
        ok_calls += rec.latencies.len();
        requests += rec.latencies.len() + errors;
        operations.insert(
            op.to_string(),
            OperationReport {
                requests: rec.latencies.len() + errors,
                throughput_per_s: rec.latencies.len() as f64 / elapsed,
                latency_ms: rec.latencies.summary_ms(),
                errors: rec.errors.clone(),
            },
        );
    }
    let ingests = matches!(
        options.scenario,
        Scenario::Ingest | Scenario::IngestStream | Scenario::Mixed
    );
    let with_corpus = !docs.is_empty();
    Ok(LoadReport {
        scenario: options.scenario.name().into(),
        server: options.server.clone(),
        concurrency,
        connections,
        duration_s: elapsed,
        requests,
        throughput_per_s: ok_calls as f64 / elapsed,
        docs_per_s: ingests.then(|| records.docs as f64 / elapsed),
        hits_per_search: records
            .by_op
            .get(Op::Search.name())
            .map(|search| search.latencies.len())
            .filter(|&searches| searches > 0)
            .map(|searches| records.hits as f64 / searches as f64),
        latency_ms: all.latencies.summary_ms(),
        errors: all.errors,
        operations: if options.scenario == Scenario::Mixed {
            operations
        } else {
            BTreeMap::new()
        },
        corpus_docs: with_corpus.then_some(docs.len()),
        corpus_raw_text_bytes: (ingests && with_corpus).then(|| corpus::raw_text_bytes(&docs)),
        server_rss_bytes: None,
        server_rss_settled_bytes: None,
    })
}

fn progress_bar(wanted: bool, length: u64, unit: &str) -> Option<ProgressBar> {
    if !wanted || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
    let template = format!("{{elapsed_precise}} [{{bar:40}}] {{pos}}/{{len}} {unit} {{msg}}");
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// Runs every caller until the phase is over and merges their records.
async fn run_phase(
    shared: &Arc<Shared>,
    channels: &[Channel],
    concurrency: usize,
    until: Until,
    bar: Option<ProgressBar>,
) -> Result<Records, String> {
    let mut tasks = tokio::task::JoinSet::new();
    for caller in 0..concurrency {
        let shared = Arc::clone(shared);
        let channel = channels[caller % channels.len()].clone();
        tasks.spawn(async move {
            if shared.options.scenario == Scenario::IngestStream {
                stream_caller(&shared, channel, until).await
            } else {
                unary_caller(&shared, channel, until).await
            }
        });
    }
    let finished = Arc::new(AtomicBool::new(false));
    let ticker = bar.clone().map(|bar| {
        let shared = Arc::clone(shared);
        let finished = Arc::clone(&finished);
        let start = Instant::now();
        tokio::spawn(async move {
            while !finished.load(Ordering::Relaxed) {
                let done = shared.done.load(Ordering::Relaxed);
                match until {
                    Until::Deadline(_) => bar.set_position(start.elapsed().as_millis() as u64),
                    Until::Count(_) => bar.set_position(done),
                }
                bar.set_message(format!("{done} done"));
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    });
    let mut records = Records::default();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(caller) => records.merge(caller),
            Err(err) => return Err(format!("a caller failed: {err}")),
        }
    }
    finished.store(true, Ordering::Relaxed);
    if let Some(ticker) = ticker {
        let _ = ticker.await;
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(records)
}

/// What the load generator reads of a search answer with `--raw-hits`: the
/// hits as raw bytes, counted but not decoded into strings, and the total.
/// The field numbers are `SearchResponse`'s; the rest of the answer is
/// skipped as unknown fields. A load generator that shares the machine with
/// the server spends less of it this way; by default it decodes the whole
/// answer, as a client does.
#[derive(Clone, PartialEq, prost::Message)]
struct SearchTally {
    #[prost(bytes = "bytes", repeated, tag = "1")]
    hits: Vec<bytes::Bytes>,
    #[prost(uint64, tag = "2")]
    total_size: u64,
}

/// Calls `Search/Search` and reads the answer as a [`SearchTally`].
async fn search_tally(
    channel: &Channel,
    request: tonic::Request<pb::SearchRequest>,
) -> Result<SearchTally, tonic::Status> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready()
        .await
        .map_err(|e| tonic::Status::unavailable(format!("the connection is not ready: {e}")))?;
    let codec = tonic_prost::ProstCodec::<pb::SearchRequest, SearchTally>::default();
    let path = http::uri::PathAndQuery::from_static("/docsift.v1.Search/Search");
    Ok(grpc.unary(request, path, codec).await?.into_inner())
}

/// A caller of unary RPCs.
async fn unary_caller(shared: &Shared, channel: Channel, until: Until) -> Records {
    let mut records = Records::default();
    let mut health = HealthClient::new(channel.clone());
    let mut analyzer = pb::analyzer_client::AnalyzerClient::new(channel.clone());
    let mut documents = pb::documents_client::DocumentsClient::new(channel.clone());
    let mut search = pb::search_client::SearchClient::new(channel.clone());
    while let Some(ticket) = shared.ticket(until) {
        let op = match shared.options.scenario {
            Scenario::Health => Op::Health,
            Scenario::Analyze => Op::Analyze,
            Scenario::Ingest | Scenario::IngestStream => Op::Ingest,
            Scenario::Search => Op::Search,
            Scenario::Mixed => shared.options.mix.pick(ticket),
        };
        // Build the request before the clock starts.
        let start;
        let result = match op {
            Op::Health => {
                let request = shared.request(HealthCheckRequest {
                    service: String::new(),
                });
                start = Instant::now();
                health.check(request).await.map(|_| ())
            }
            Op::Analyze => {
                let request = shared.request(pb::AnalyzeRequest {
                    document: Some(shared.document(ticket)),
                    options: None,
                });
                start = Instant::now();
                analyzer.analyze(request).await.map(|_| ())
            }
            Op::Ingest => {
                let request = shared.request(pb::IngestRequest {
                    document: Some(shared.document(ticket)),
                    options: Some(shared.ingest_options()),
                });
                start = Instant::now();
                documents.ingest(request).await.map(|_| ())
            }
            Op::Search => {
                let request = shared.request(pb::SearchRequest {
                    query: shared.query(ticket),
                    page_size: 10,
                    highlight: shared.options.no_highlight.then(|| pb::HighlightOptions {
                        disabled: true,
                        ..Default::default()
                    }),
                    ..Default::default()
                });
                start = Instant::now();
                let hits = if shared.options.raw_hits {
                    search_tally(&channel, request).await.map(|t| t.hits.len())
                } else {
                    search
                        .search(request)
                        .await
                        .map(|r| r.into_inner().hits.len())
                };
                hits.map(|hits| records.hits += hits as u64)
            }
        };
        let latency = start.elapsed();
        match result {
            Ok(()) => {
                records.ok(op.name(), latency);
                if op == Op::Ingest {
                    records.docs += 1;
                }
            }
            Err(status) => records.error(op.name(), status.code()),
        }
        shared.done.fetch_add(1, Ordering::Relaxed);
    }
    records
}

/// A caller that streams documents on one `IngestStream`, keeping up to
/// [`STREAM_WINDOW`] items in flight; each item's latency runs from sending
/// it to its answer.
async fn stream_caller(shared: &Arc<Shared>, channel: Channel, until: Until) -> Records {
    const OP: &str = "ingest-stream";
    let mut records = Records::default();
    let mut client = pb::documents_client::DocumentsClient::new(channel);
    let window = Arc::new(Semaphore::new(STREAM_WINDOW));
    let sent: Arc<parking_lot::Mutex<VecDeque<Instant>>> = Arc::default();
    let (tx, rx) = tokio::sync::mpsc::channel::<pb::IngestStreamRequest>(STREAM_WINDOW);

    let sender = {
        let shared = Arc::clone(shared);
        let window = Arc::clone(&window);
        let sent = Arc::clone(&sent);
        tokio::spawn(async move {
            loop {
                let Ok(permit) = Arc::clone(&window).acquire_owned().await else {
                    break;
                };
                let Some(ticket) = shared.ticket(until) else {
                    break;
                };
                let item = pb::IngestStreamRequest {
                    document: Some(shared.document(ticket)),
                    options: Some(shared.ingest_options()),
                };
                sent.lock().push_back(Instant::now());
                if tx.send(item).await.is_err() {
                    sent.lock().pop_back();
                    break;
                }
                permit.forget();
            }
            // Dropping `tx` ends the request stream.
        })
    };

    let request = shared.stream_request(tokio_stream::wrappers::ReceiverStream::new(rx));
    let mut stream_error = None;
    match client.ingest_stream(request).await {
        Ok(response) => {
            let mut stream = response.into_inner();
            loop {
                match stream.message().await {
                    Ok(Some(item)) => {
                        let latency = sent
                            .lock()
                            .pop_front()
                            .map(|at| at.elapsed())
                            .unwrap_or_default();
                        window.add_permits(1);
                        shared.done.fetch_add(1, Ordering::Relaxed);
                        let code = item
                            .status
                            .as_ref()
                            .map(|s| tonic::Code::from_i32(s.code))
                            .unwrap_or(tonic::Code::Ok);
                        if code == tonic::Code::Ok {
                            records.ok(OP, latency);
                            records.docs += 1;
                        } else {
                            records.error(OP, code);
                        }
                    }
                    Ok(None) => break,
                    Err(status) => {
                        stream_error = Some(status.code());
                        break;
                    }
                }
            }
        }
        Err(status) => stream_error = Some(status.code()),
    }
    // Stop the sender (it may wait on the window), then count each item
    // sent but never answered as failed with the stream's code (at least one
    // error when the stream itself failed).
    window.close();
    let _ = sender.await;
    let unanswered = sent.lock().len();
    let (code, count) = match stream_error {
        Some(code) => (code, unanswered.max(1)),
        None => (tonic::Code::Unknown, unanswered),
    };
    for _ in 0..count {
        records.error(OP, code);
    }
    records
}
