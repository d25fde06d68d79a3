//! Prometheus metrics for docsift and the small HTTP server that exposes them.
//!
//! [`Metrics`] owns a `prometheus_client` registry with the request, rate-limit
//! and corpus metrics; the gRPC layer stack records into it and [`serve`]
//! answers scrapes on a separate plain HTTP/1.1 listener, so a scraper never
//! needs to speak gRPC or hold an API key.
//!
//! Exposed series (OpenMetrics text, see [`Metrics::render`]):
//!
//! | name | type | labels |
//! | --- | --- | --- |
//! | `docsift_requests_total` | counter | `method`, `code` |
//! | `docsift_request_duration_seconds` | histogram | `method` |
//! | `docsift_requests_in_flight` | gauge | none |
//! | `docsift_rate_limited_total` | counter | `key` |
//! | `docsift_documents` | gauge | `tenant` |
//! | `docsift_index_bytes` | gauge | `tenant` |
//!
//! Label values that come from callers are bounded: see [`MAX_METHOD_LABELS`]
//! and [`MAX_KEY_LABELS`]. Every value past a bound, and every value that does
//! not look like what it should be, is recorded as [`OTHER_LABEL`].
//!
//! This module depends on nothing else in the crate, so it can be built and
//! tested on its own.

use std::collections::{BTreeMap, HashSet};
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use http::{Method, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use tokio::net::TcpListener;

/// The label value that stands in for every method or key that is not kept
/// verbatim.
pub const OTHER_LABEL: &str = "other";

/// How many distinct `method` label values are kept before new ones are
/// recorded as [`OTHER_LABEL`].
pub const MAX_METHOD_LABELS: usize = 200;

/// How many distinct `key` label values of `docsift_rate_limited_total` are
/// kept before new ones are recorded as [`OTHER_LABEL`].
pub const MAX_KEY_LABELS: usize = 200;

/// The longest method path kept verbatim, in bytes.
pub const MAX_METHOD_LEN: usize = 128;

/// The longest API key id kept verbatim, in bytes.
pub const MAX_KEY_LEN: usize = 64;

/// The content type of [`Metrics::render`]'s output, as served by [`serve`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// How long a scraper may take to send its request headers. A metrics port is
/// usually reachable by more than the Prometheus server, so a client that opens
/// a connection and then says nothing must not hold it forever.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long [`serve`] waits, after shutdown, for open connections to finish
/// the response they are writing. A scrape takes milliseconds; the bound only
/// keeps a stalled client from delaying the process's exit.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The corpus size of one tenant, as reported to [`Metrics::new`]'s callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantStats {
    /// The tenant's name; it becomes the `tenant` label.
    pub tenant: String,
    /// How many documents the tenant's corpus holds.
    pub documents: u64,
    /// How many bytes the tenant's index takes.
    pub bytes: u64,
}

/// The type of the callback that reports corpus sizes on each scrape.
type CorpusFn = dyn Fn() -> Vec<TenantStats> + Send + Sync + 'static;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    code: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MethodLabels {
    method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KeyLabels {
    key: String,
}

/// The request duration histogram's constructor. Buckets double from 0.5 ms to
/// about 8 s: gRPC calls here range from sub-millisecond analysis of a short
/// text to multi-second ingest batches, and a factor of two keeps the series
/// count (15 buckets per method) modest while still separating p50 from p99.
fn duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

/// Handles to the process's metrics; cheap to clone, every clone records into
/// the same registry.
#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<MethodLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    rate_limited: Family<KeyLabels, Counter>,
    methods: LabelCap,
    keys: LabelCap,
}

impl fmt::Debug for Metrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The registry's own Debug output is every metric's internal state,
        // which is noise in a log line; the label counts are what matters.
        f.debug_struct("Metrics")
            .field("methods", &self.inner.methods.len())
            .field("keys", &self.inner.keys.len())
            .finish_non_exhaustive()
    }
}

impl Metrics {
    /// Creates the registry with every docsift metric.
    ///
    /// `corpus` is called on each scrape (each [`Metrics::render`]) to fill the
    /// `docsift_documents` and `docsift_index_bytes` gauges, so they are always
    /// current and a tenant that is gone from the list is gone from the output.
    /// It runs on a blocking thread when called from [`serve`], but it should
    /// still be quick: a scrape waits for it. Tenants listed twice are summed.
    pub fn new(corpus: impl Fn() -> Vec<TenantStats> + Send + Sync + 'static) -> Self {
        let requests = Family::<RequestLabels, Counter>::default();
        let durations = Family::<MethodLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            duration_histogram,
        );
        let in_flight = Gauge::default();
        let rate_limited = Family::<KeyLabels, Counter>::default();

        let mut registry = Registry::with_prefix("docsift");
        // Counter names carry no `_total`: the encoder appends it, and
        // prometheus-client rejects the suffix in debug builds.
        registry.register(
            "requests",
            "gRPC requests answered, by method path and gRPC status code",
            requests.clone(),
        );
        registry.register_with_unit(
            "request_duration",
            "Latency of gRPC requests, by method path",
            Unit::Seconds,
            durations.clone(),
        );
        registry.register(
            "requests_in_flight",
            "gRPC requests being handled right now",
            in_flight.clone(),
        );
        registry.register(
            "rate_limited",
            "Requests refused by the rate limiter, by API key id",
            rate_limited.clone(),
        );
        registry.register_collector(Box::new(CorpusCollector {
            corpus: Box::new(corpus),
        }));

        Self {
            inner: Arc::new(Inner {
                registry,
                requests,
                durations,
                in_flight,
                rate_limited,
                methods: LabelCap::new(MAX_METHOD_LABELS),
                keys: LabelCap::new(MAX_KEY_LABELS),
            }),
        }
    }

    /// Counts a request as in flight until the returned guard is dropped.
    ///
    /// Holding the count in a guard keeps the gauge right when a handler
    /// future is cancelled or panics, which a matching `finished` call would
    /// miss.
    pub fn request_started(&self) -> InFlightGuard {
        self.inner.in_flight.inc();
        InFlightGuard {
            gauge: self.inner.in_flight.clone(),
        }
    }

    /// Records a finished request: one count under its method and status code
    /// and one latency observation under its method.
    ///
    /// `method` is the gRPC path (`/docsift.v1.Search/Search`). It is kept as a
    /// label only if it looks like `/package.Service/Method`, is at most
    /// [`MAX_METHOD_LEN`] bytes, and fewer than [`MAX_METHOD_LABELS`] methods
    /// have been kept so far; otherwise it is recorded as [`OTHER_LABEL`]. A
    /// path seen for the first time with [`tonic::Code::Unimplemented`] is not
    /// admitted either: that is what a router answers for a method that does
    /// not exist, and letting made-up paths in would fill the cap before the
    /// real methods are called.
    pub fn request_finished(&self, method: &str, code: tonic::Code, latency: Duration) {
        let admit = code != tonic::Code::Unimplemented && is_grpc_method_path(method);
        let method = self.inner.methods.label(method, admit);
        self.inner
            .durations
            .get_or_create(&MethodLabels {
                method: method.clone(),
            })
            .observe(latency.as_secs_f64());
        self.inner
            .requests
            .get_or_create(&RequestLabels {
                method,
                code: code_name(code),
            })
            .inc();
    }

    /// Counts one request refused by the rate limiter for `key`, the caller's
    /// API key id or `"anonymous"`.
    ///
    /// Keys longer than [`MAX_KEY_LEN`] bytes, empty or holding control
    /// characters, and keys past the first [`MAX_KEY_LABELS`], are counted as
    /// [`OTHER_LABEL`].
    pub fn rate_limited(&self, key: &str) {
        let admit = is_plain_key(key);
        let key = self.inner.keys.label(key, admit);
        self.inner
            .rate_limited
            .get_or_create(&KeyLabels { key })
            .inc();
    }

    /// Renders every metric in the OpenMetrics text format ([`CONTENT_TYPE`]),
    /// ending with `# EOF`. Calls the corpus callback once.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Err(error) =
            prometheus_client::encoding::text::encode(&mut out, &self.inner.registry)
        {
            // Writing into a String cannot fail and none of our label values
            // can either, so this is unreachable in practice; a partial page
            // is still more useful to an operator than none.
            tracing::error!(%error, "encoding metrics failed");
        }
        out
    }
}

/// Keeps a request counted in `docsift_requests_in_flight` until dropped.
#[derive(Debug)]
#[must_use = "the request stops being counted as in flight when the guard is dropped"]
pub struct InFlightGuard {
    gauge: Gauge,
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.gauge.dec();
    }
}

/// A set of label values that admits new members only up to a bound, so a
/// caller that controls a label's value cannot grow the exposition without
/// limit.
struct LabelCap {
    seen: RwLock<HashSet<String>>,
    max: usize,
}

impl LabelCap {
    fn new(max: usize) -> Self {
        Self {
            seen: RwLock::new(HashSet::new()),
            max,
        }
    }

    fn len(&self) -> usize {
        // A poisoned lock only means another thread panicked while holding
        // it; the set itself is always consistent, so keep using it.
        self.seen
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Returns the label to record for `value`: `value` itself if it is
    /// already known, or if `admit` is true and there is room; otherwise
    /// [`OTHER_LABEL`]. A value admitted once stays known even if later calls
    /// pass `admit = false`, so one method's series never splits in two.
    fn label(&self, value: &str, admit: bool) -> String {
        // The read lock is the hot path: after warm-up every real label is
        // known and no writer is ever needed.
        if self
            .seen
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(value)
        {
            return value.to_owned();
        }
        if !admit {
            return OTHER_LABEL.to_owned();
        }
        let mut seen = self.seen.write().unwrap_or_else(PoisonError::into_inner);
        // Another thread may have inserted it between the two locks.
        if seen.contains(value) {
            return value.to_owned();
        }
        if seen.len() >= self.max {
            return OTHER_LABEL.to_owned();
        }
        seen.insert(value.to_owned());
        value.to_owned()
    }
}

/// Whether `path` looks like a gRPC method path, `/package.Service/Method`:
/// a dotted package of at least one part, a service and a method, each a
/// protobuf identifier.
fn is_grpc_method_path(path: &str) -> bool {
    if path.len() > MAX_METHOD_LEN {
        return false;
    }
    let Some(rest) = path.strip_prefix('/') else {
        return false;
    };
    let Some((service, method)) = rest.split_once('/') else {
        return false;
    };
    let mut parts = 0;
    for part in service.split('.') {
        if !is_identifier(part) {
            return false;
        }
        parts += 1;
    }
    parts >= 2 && is_identifier(method)
}

/// Whether `s` is a protobuf identifier: an ASCII letter or underscore, then
/// ASCII letters, digits or underscores.
fn is_identifier(s: &str) -> bool {
    let mut bytes = s.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_alphabetic() || b == b'_' => {}
        _ => return false,
    }
    bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether `key` may become a label value verbatim. Key ids come from the
/// server's configuration, so any printable text is allowed; the bounds only
/// stop an oversized or garbled value from reaching dashboards.
fn is_plain_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= MAX_KEY_LEN && !key.chars().any(char::is_control)
}

/// The name of a gRPC status code as used in the `code` label, spelled like
/// the `tonic::Code` variant (`Ok`, `InvalidArgument`). The match is
/// exhaustive so a new variant is a compile error here rather than a label
/// that silently changes spelling.
fn code_name(code: tonic::Code) -> &'static str {
    use tonic::Code;
    match code {
        Code::Ok => "Ok",
        Code::Cancelled => "Cancelled",
        Code::Unknown => "Unknown",
        Code::InvalidArgument => "InvalidArgument",
        Code::DeadlineExceeded => "DeadlineExceeded",
        Code::NotFound => "NotFound",
        Code::AlreadyExists => "AlreadyExists",
        Code::PermissionDenied => "PermissionDenied",
        Code::ResourceExhausted => "ResourceExhausted",
        Code::FailedPrecondition => "FailedPrecondition",
        Code::Aborted => "Aborted",
        Code::OutOfRange => "OutOfRange",
        Code::Unimplemented => "Unimplemented",
        Code::Internal => "Internal",
        Code::Unavailable => "Unavailable",
        Code::DataLoss => "DataLoss",
        Code::Unauthenticated => "Unauthenticated",
    }
}

/// Encodes the per-tenant corpus gauges from a fresh callback result on each
/// scrape. A collector, rather than two registered gauge families, is what
/// makes tenants that disappeared vanish from the output: nothing is kept
/// between scrapes.
struct CorpusCollector {
    corpus: Box<CorpusFn>,
}

impl fmt::Debug for CorpusCollector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CorpusCollector").finish_non_exhaustive()
    }
}

impl Collector for CorpusCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        // A BTreeMap merges duplicate tenants (a repeated series would make
        // the whole page invalid) and sorts the output so it is stable.
        let mut tenants: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for stats in (self.corpus)() {
            let entry = tenants.entry(stats.tenant).or_default();
            entry.0 = entry.0.saturating_add(stats.documents);
            entry.1 = entry.1.saturating_add(stats.bytes);
        }

        let mut metric = encoder.encode_descriptor(
            "documents",
            "Documents stored, by tenant.",
            None,
            MetricType::Gauge,
        )?;
        for (tenant, (documents, _)) in &tenants {
            metric
                .encode_family(&[("tenant", tenant.as_str())])?
                .encode_gauge(documents)?;
        }
        let mut metric = encoder.encode_descriptor(
            "index",
            "Size of the search index, by tenant.",
            Some(&Unit::Bytes),
            MetricType::Gauge,
        )?;
        for (tenant, (_, bytes)) in &tenants {
            metric
                .encode_family(&[("tenant", tenant.as_str())])?
                .encode_gauge(bytes)?;
        }
        Ok(())
    }
}

/// Serves the metrics over plain HTTP/1.1 on `listener` until `shutdown`
/// resolves.
///
/// `GET /metrics` answers 200 with [`Metrics::render`] as [`CONTENT_TYPE`],
/// `GET /` a one-line hint, any other path 404 and any other method on those
/// two paths 405. Each connection runs on its own task; a connection's error
/// is logged at debug and never ends the server. When `shutdown` resolves the
/// listener stops accepting, open connections finish the response they are
/// writing (for at most a few seconds) and the function returns `Ok`.
///
/// # Errors
///
/// None at present: a failed `accept` is logged and retried, since it is
/// almost always a per-connection or transient resource error. The `Result`
/// leaves room for errors that should end the server without an API change.
pub async fn serve(
    metrics: Metrics,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        let (stream, peer) = tokio::select! {
            // Checking shutdown first means a pending connection is not
            // accepted after shutdown was asked for.
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Errors such as EMFILE would repeat at once; a short
                    // pause keeps the loop from spinning on them. They are
                    // logged at warn because, unlike one client's broken
                    // connection, they mean the process is short of resources.
                    tracing::warn!(%error, "metrics listener accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };

        let metrics = metrics.clone();
        let service = service_fn(move |request| {
            let metrics = metrics.clone();
            async move { Ok::<_, Infallible>(respond(metrics, request).await) }
        });
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %peer, "metrics connection failed");
            }
        });
    }

    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::debug!("metrics connections still open after the shutdown grace period");
    }
    Ok(())
}

/// Answers one HTTP request.
async fn respond(metrics: Metrics, request: Request<Incoming>) -> Response<String> {
    let path = request.uri().path();
    if path != "/metrics" && path != "/" {
        return plain(
            StatusCode::NOT_FOUND,
            "not found; metrics are at /metrics\n",
        );
    }
    if request.method() != Method::GET {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET is allowed\n");
        response
            .headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("GET"));
        return response;
    }
    if path == "/" {
        return plain(StatusCode::OK, "docsift metrics: GET /metrics\n");
    }

    // The corpus callback may take locks or walk the store, so it runs on the
    // blocking pool instead of stalling a runtime worker; a panic in it turns
    // into a 500 for this scrape instead of a dropped connection.
    match tokio::task::spawn_blocking(move || metrics.render()).await {
        Ok(body) => {
            let mut response = Response::new(body);
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static(CONTENT_TYPE),
            );
            response
        }
        Err(error) => {
            tracing::warn!(%error, "rendering metrics failed");
            plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "rendering metrics failed\n",
            )
        }
    }
}

/// A plain-text response with the given status.
fn plain(status: StatusCode, body: &'static str) -> Response<String> {
    let mut response = Response::new(body.to_owned());
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Mutex;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    use tokio::sync::oneshot;

    const SEARCH: &str = "/docsift.v1.Search/Search";

    /// The value of the sample `series` (name plus label block exactly as
    /// encoded) in `text`, if present once.
    fn sample(text: &str, series: &str) -> Option<f64> {
        let mut found = text.lines().filter_map(|line| {
            let value = line.strip_prefix(series)?.strip_prefix(' ')?;
            value.parse::<f64>().ok()
        });
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// Every distinct label block of `name`'s samples in `text`.
    fn series_of(text: &str, name: &str) -> Vec<String> {
        text.lines()
            .filter_map(|line| line.strip_prefix(name)?.strip_prefix('{'))
            .filter_map(|rest| rest.split_once('}').map(|(labels, _)| labels.to_owned()))
            .collect()
    }

    fn no_corpus() -> Metrics {
        Metrics::new(Vec::new)
    }

    #[test]
    fn counters_and_histogram_render() {
        let metrics = no_corpus();
        metrics.request_finished(SEARCH, tonic::Code::Ok, Duration::from_millis(3));
        metrics.request_finished(SEARCH, tonic::Code::Ok, Duration::from_millis(20));
        metrics.request_finished(
            SEARCH,
            tonic::Code::InvalidArgument,
            Duration::from_micros(100),
        );
        metrics.rate_limited("k1");
        metrics.rate_limited("k1");
        metrics.rate_limited("anonymous");

        let text = metrics.render();
        assert!(text.ends_with("# EOF\n"), "{text}");
        assert!(text.contains("# TYPE docsift_requests counter"), "{text}");
        assert!(text.contains("# UNIT docsift_request_duration_seconds seconds"));
        let ok = r#"docsift_requests_total{method="/docsift.v1.Search/Search",code="Ok"}"#;
        let invalid =
            r#"docsift_requests_total{method="/docsift.v1.Search/Search",code="InvalidArgument"}"#;
        assert_eq!(sample(&text, ok), Some(2.0), "{text}");
        assert_eq!(sample(&text, invalid), Some(1.0));

        let hist = "docsift_request_duration_seconds";
        let labels = r#"method="/docsift.v1.Search/Search""#;
        assert_eq!(
            sample(&text, &format!("{hist}_count{{{labels}}}")),
            Some(3.0)
        );
        let sum = sample(&text, &format!("{hist}_sum{{{labels}}}")).unwrap_or(f64::NAN);
        assert!((sum - 0.0231).abs() < 1e-9, "sum {sum}");
        // Buckets are cumulative: 0.1 ms falls under 0.5 ms, 3 ms under 4 ms,
        // 20 ms under 32 ms.
        let bucket = |le: &str| sample(&text, &format!("{hist}_bucket{{le=\"{le}\",{labels}}}"));
        assert_eq!(bucket("0.0005"), Some(1.0), "{text}");
        assert_eq!(bucket("0.002"), Some(1.0));
        assert_eq!(bucket("0.004"), Some(2.0));
        assert_eq!(bucket("0.016"), Some(2.0));
        assert_eq!(bucket("0.032"), Some(3.0));
        assert_eq!(bucket("8.192"), Some(3.0));
        assert_eq!(bucket("+Inf"), Some(3.0));

        assert_eq!(
            sample(&text, r#"docsift_rate_limited_total{key="k1"}"#),
            Some(2.0)
        );
        assert_eq!(
            sample(&text, r#"docsift_rate_limited_total{key="anonymous"}"#),
            Some(1.0)
        );
    }

    #[test]
    fn in_flight_follows_guards() {
        let metrics = no_corpus();
        let gauge = "docsift_requests_in_flight";
        assert_eq!(sample(&metrics.render(), gauge), Some(0.0));
        let first = metrics.request_started();
        let second = metrics.clone().request_started();
        assert_eq!(sample(&metrics.render(), gauge), Some(2.0));
        drop(first);
        assert_eq!(sample(&metrics.render(), gauge), Some(1.0));
        drop(second);
        assert_eq!(sample(&metrics.render(), gauge), Some(0.0));
    }

    #[test]
    fn corpus_is_read_on_each_scrape_and_stale_tenants_vanish() {
        let stats = Arc::new(Mutex::new(vec![
            TenantStats {
                tenant: "acme".into(),
                documents: 10,
                bytes: 4096,
            },
            TenantStats {
                tenant: "globex".into(),
                documents: 3,
                bytes: 100,
            },
        ]));
        let source = Arc::clone(&stats);
        let metrics = Metrics::new(move || {
            source
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone()
        });

        let text = metrics.render();
        assert!(text.contains("# TYPE docsift_documents gauge"), "{text}");
        assert!(text.contains("# UNIT docsift_index_bytes bytes"), "{text}");
        assert_eq!(
            sample(&text, r#"docsift_documents{tenant="acme"}"#),
            Some(10.0)
        );
        assert_eq!(
            sample(&text, r#"docsift_index_bytes{tenant="acme"}"#),
            Some(4096.0)
        );
        assert_eq!(
            sample(&text, r#"docsift_documents{tenant="globex"}"#),
            Some(3.0)
        );

        *stats.lock().unwrap_or_else(PoisonError::into_inner) = vec![
            TenantStats {
                tenant: "acme".into(),
                documents: 11,
                bytes: 5000,
            },
            // A duplicate is merged rather than emitted twice.
            TenantStats {
                tenant: "acme".into(),
                documents: 1,
                bytes: 0,
            },
            TenantStats {
                tenant: "Zürich \"quoted\"".into(),
                documents: 1,
                bytes: u64::MAX,
            },
        ];
        let text = metrics.render();
        assert_eq!(
            sample(&text, r#"docsift_documents{tenant="acme"}"#),
            Some(12.0)
        );
        assert_eq!(
            series_of(&text, "docsift_documents"),
            vec![r#"tenant="Zürich \"quoted\"""#, r#"tenant="acme""#]
        );
        assert_eq!(series_of(&text, "docsift_index_bytes").len(), 2);
        assert!(!text.contains("globex"), "{text}");
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn method_labels_are_validated() {
        let metrics = no_corpus();
        let fine = [SEARCH, "/grpc.health.v1.Health/Check", "/a.B/_c9"];
        let other = [
            "",
            "/",
            "docsift.v1.Search/Search",
            "/Search/Search",
            "/docsift.v1.Search/Search/extra",
            "/docsift..Search/Search",
            "/docsift.v1.Search/",
            "/docsift.v1.9Search/Search",
            "/docsift.v1.Search/Sé",
            "/docsift.v1.Search/Se arch",
            "/docsift.v1.Search/Se\"arch\n",
        ];
        for method in fine.iter().chain(&other) {
            metrics.request_finished(method, tonic::Code::Ok, Duration::ZERO);
        }
        let long = format!("/a.B/{}", "m".repeat(MAX_METHOD_LEN - 5));
        let too_long = format!("/a.B/{}", "m".repeat(MAX_METHOD_LEN - 4));
        metrics.request_finished(&long, tonic::Code::Ok, Duration::ZERO);
        metrics.request_finished(&too_long, tonic::Code::Ok, Duration::ZERO);
        // An unknown method answered Unimplemented stays out of the labels,
        // but a known one answered Unimplemented keeps its own series.
        metrics.request_finished("/x.Made/Up", tonic::Code::Unimplemented, Duration::ZERO);
        metrics.request_finished(SEARCH, tonic::Code::Unimplemented, Duration::ZERO);

        let text = metrics.render();
        let mut methods: Vec<String> = series_of(&text, "docsift_request_duration_seconds_count");
        methods.sort();
        let mut expected: Vec<String> = fine
            .iter()
            .chain([&long.as_str(), &OTHER_LABEL])
            .map(|m| format!("method=\"{m}\""))
            .collect();
        expected.sort();
        assert_eq!(methods, expected);
        let other_ok = r#"docsift_requests_total{method="other",code="Ok"}"#;
        assert_eq!(sample(&text, other_ok), Some((other.len() + 1) as f64));
        let other_unimpl = r#"docsift_requests_total{method="other",code="Unimplemented"}"#;
        assert_eq!(sample(&text, other_unimpl), Some(1.0));
        let search_unimpl =
            r#"docsift_requests_total{method="/docsift.v1.Search/Search",code="Unimplemented"}"#;
        assert_eq!(sample(&text, search_unimpl), Some(1.0));
    }

    #[test]
    fn method_labels_are_capped() {
        let metrics = no_corpus();
        for i in 0..MAX_METHOD_LABELS + 50 {
            metrics.request_finished(&format!("/p.S/M{i}"), tonic::Code::Ok, Duration::ZERO);
        }
        // A method admitted before the cap was reached keeps its label.
        metrics.request_finished("/p.S/M0", tonic::Code::Ok, Duration::ZERO);

        let text = metrics.render();
        let series = series_of(&text, "docsift_request_duration_seconds_count");
        assert_eq!(series.len(), MAX_METHOD_LABELS + 1);
        assert_eq!(
            sample(&text, r#"docsift_requests_total{method="other",code="Ok"}"#),
            Some(50.0)
        );
        assert_eq!(
            sample(
                &text,
                r#"docsift_requests_total{method="/p.S/M0",code="Ok"}"#
            ),
            Some(2.0)
        );
        assert_eq!(
            sample(
                &text,
                r#"docsift_requests_total{method="/p.S/M200",code="Ok"}"#
            ),
            None
        );
    }

    #[test]
    fn key_labels_are_bounded() {
        let metrics = no_corpus();
        metrics.rate_limited("");
        metrics.rate_limited(&"k".repeat(MAX_KEY_LEN + 1));
        metrics.rate_limited("bad\nkey");
        metrics.rate_limited(&"k".repeat(MAX_KEY_LEN));
        for i in 0..MAX_KEY_LABELS + 5 {
            metrics.rate_limited(&format!("key-{i}"));
        }
        let text = metrics.render();
        assert_eq!(
            series_of(&text, "docsift_rate_limited_total").len(),
            MAX_KEY_LABELS + 1
        );
        // Three malformed keys plus the six that came after the cap (the
        // 64-byte key took one slot).
        assert_eq!(
            sample(&text, r#"docsift_rate_limited_total{key="other"}"#),
            Some(9.0)
        );
    }

    #[test]
    fn every_code_has_its_variant_name() {
        for i in 0..=16 {
            let code = tonic::Code::from_i32(i);
            assert_eq!(code_name(code), format!("{code:?}"));
        }
    }

    /// Sends one raw HTTP/1.1 request and returns the status code and the
    /// whole response text.
    async fn http(addr: std::net::SocketAddr, request_line: &str) -> (u16, String) {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let request = format!("{request_line}\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("write request");
        let mut response = String::new();
        tokio::time::timeout(
            Duration::from_secs(10),
            stream.read_to_string(&mut response),
        )
        .await
        .expect("response in time")
        .expect("read response");
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0);
        (status, response)
    }

    struct Running {
        addr: std::net::SocketAddr,
        stop: oneshot::Sender<()>,
        task: tokio::task::JoinHandle<std::io::Result<()>>,
    }

    async fn start(metrics: Metrics) -> Running {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(serve(metrics, listener, async {
            let _ = stopped.await;
        }));
        Running { addr, stop, task }
    }

    #[tokio::test]
    async fn serves_metrics_over_http() {
        let metrics = Metrics::new(|| {
            vec![TenantStats {
                tenant: "acme".into(),
                documents: 7,
                bytes: 70,
            }]
        });
        metrics.request_finished(SEARCH, tonic::Code::Ok, Duration::from_millis(1));
        let server = start(metrics.clone()).await;

        let (status, response) = http(server.addr, "GET /metrics HTTP/1.1").await;
        assert_eq!(status, 200, "{response}");
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or_default();
        assert!(
            head.to_ascii_lowercase()
                .contains(&format!("content-type: {CONTENT_TYPE}")),
            "{head}"
        );
        assert_eq!(
            sample(
                body,
                r#"docsift_requests_total{method="/docsift.v1.Search/Search",code="Ok"}"#
            ),
            Some(1.0),
            "{body}"
        );
        assert_eq!(
            sample(body, r#"docsift_documents{tenant="acme"}"#),
            Some(7.0)
        );
        assert!(body.ends_with("# EOF\n"));

        let (status, response) = http(server.addr, "GET /metrics?x=1 HTTP/1.1").await;
        assert_eq!(status, 200, "{response}");
        let (status, response) = http(server.addr, "GET / HTTP/1.1").await;
        assert_eq!(status, 200, "{response}");
        assert!(response.ends_with("GET /metrics\n"), "{response}");

        server.stop.send(()).expect("server still running");
        let ended = tokio::time::timeout(Duration::from_secs(10), server.task).await;
        assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
    }

    #[tokio::test]
    async fn unknown_paths_and_methods_are_refused() {
        let server = start(no_corpus()).await;
        for (request_line, expected) in [
            ("GET /metricsx HTTP/1.1", 404),
            ("GET /favicon.ico HTTP/1.1", 404),
            ("POST /nope HTTP/1.1", 404),
            ("POST /metrics HTTP/1.1", 405),
            ("DELETE / HTTP/1.1", 405),
            ("HEAD /metrics HTTP/1.1", 405),
        ] {
            let (status, response) = http(server.addr, request_line).await;
            assert_eq!(status, expected, "{request_line}: {response}");
            if expected == 405 {
                assert!(
                    response.to_ascii_lowercase().contains("allow: get"),
                    "{response}"
                );
            }
        }
        // Garbage on one connection is that connection's problem only.
        let mut stream = TcpStream::connect(server.addr).await.expect("connect");
        stream
            .write_all(b"\x00\x01 not http\r\n\r\n")
            .await
            .expect("write");
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut sink)).await;
        let (status, _) = http(server.addr, "GET /metrics HTTP/1.1").await;
        assert_eq!(status, 200);

        server.stop.send(()).expect("server still running");
        let ended = tokio::time::timeout(Duration::from_secs(10), server.task).await;
        assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
    }

    #[tokio::test]
    async fn shutdown_stops_accepting_and_closes_idle_connections() {
        let server = start(no_corpus()).await;
        // A keep-alive connection that has finished a request and sits idle
        // must not hold shutdown up.
        let mut idle = TcpStream::connect(server.addr).await.expect("connect");
        idle.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .expect("write");
        let mut buf = [0u8; 512];
        let read = idle.read(&mut buf).await.expect("read");
        assert!(buf[..read].starts_with(b"HTTP/1.1 200"));

        server.stop.send(()).expect("server still running");
        let ended = tokio::time::timeout(Duration::from_secs(3), server.task).await;
        assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");

        // The listener was dropped, so new connections are refused.
        assert!(TcpStream::connect(server.addr).await.is_err());
        // And the idle connection was closed by the server.
        let closed = tokio::time::timeout(Duration::from_secs(3), idle.read(&mut buf)).await;
        assert!(matches!(closed, Ok(Ok(0))), "{closed:?}");
    }

    #[tokio::test]
    async fn a_panicking_corpus_callback_fails_only_the_scrape() {
        let metrics = Metrics::new(|| -> Vec<TenantStats> { panic!("store is gone") });
        let server = start(metrics).await;
        let (status, _) = http(server.addr, "GET /metrics HTTP/1.1").await;
        assert_eq!(status, 500);
        let (status, _) = http(server.addr, "GET / HTTP/1.1").await;
        assert_eq!(status, 200);
        server.stop.send(()).expect("server still running");
        let ended = tokio::time::timeout(Duration::from_secs(10), server.task).await;
        assert!(matches!(ended, Ok(Ok(Ok(())))), "{ended:?}");
    }
}
