//! Rate limits per caller, with governor's GCRA limiters.
//!
//! A caller is its API key, or its peer IP address when it has none, so
//! opening more connections never raises anyone's limit. Each class of RPC
//! (analyze, read, write) has its own default rate; a key may carry its own
//! rate for every RPC instead. Every message of a client stream counts, not
//! just the call. Health and reflection are never limited: grpcurl's own
//! reflection calls must not eat the caller's budget.
//!
//! A refused call gets `RESOURCE_EXHAUSTED` with `google.rpc.RetryInfo`,
//! `google.rpc.QuotaFailure` and a `retry-after` header.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use http_body::{Body as HttpBody, Frame};
use tonic::transport::server::TcpConnectInfo;
use tower::{Layer, Service};

use super::Caller;
use crate::config::{ApiKeyConfig, RateLimit, RateLimits};
use crate::error::Error;
use crate::metrics::Metrics;

/// How often (in checks) the keyed limiters forget callers that went quiet,
/// so a stream of new peer addresses cannot grow memory without bound.
const RETAIN_EVERY: u64 = 4096;

/// The class of an RPC, for its default rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Analyze,
    Read,
    Write,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Analyze => "analyze",
            Class::Read => "read",
            Class::Write => "write",
        }
    }
}

/// The class of a method, or `None` for methods that are never limited.
fn class_of(path: &str) -> Option<Class> {
    let mut parts = path.trim_start_matches('/').splitn(2, '/');
    let service = parts.next().unwrap_or("");
    let method = parts.next().unwrap_or("");
    match service {
        "docsift.v1.Analyzer" => Some(Class::Analyze),
        "docsift.v1.Search" => Some(Class::Read),
        "docsift.v1.Documents" => match method {
            "GetDocument" | "ListDocuments" => Some(Class::Read),
            _ => Some(Class::Write),
        },
        _ => None,
    }
}

/// Whether a method's request is a client stream, whose messages each count.
fn is_client_stream(path: &str) -> bool {
    matches!(
        path,
        "/docsift.v1.Analyzer/AnalyzeStream" | "/docsift.v1.Documents/IngestStream"
    )
}

fn quota(rate: RateLimit) -> Quota {
    let per_second = NonZeroU32::new(rate.per_second).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(rate.burst).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(per_second).allow_burst(burst)
}

/// The limiters of a server.
pub struct Limiters {
    /// Per-class limiters keyed by caller.
    classes: [(Class, RateLimit, DefaultKeyedRateLimiter<String>); 3],
    /// Keys with their own rate, by key id.
    keys: HashMap<String, (RateLimit, DefaultDirectRateLimiter)>,
    clock: DefaultClock,
    checks: AtomicU64,
}

impl std::fmt::Debug for Limiters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiters")
            .field("keys_with_own_rate", &self.keys.len())
            .finish_non_exhaustive()
    }
}

impl Limiters {
    /// Builds the limiters from the configuration.
    pub fn new(defaults: &RateLimits, keys: &[ApiKeyConfig]) -> Limiters {
        let class = |class: Class, rate: RateLimit| (class, rate, RateLimiter::keyed(quota(rate)));
        Limiters {
            classes: [
                class(Class::Analyze, defaults.analyze),
                class(Class::Read, defaults.read),
                class(Class::Write, defaults.write),
            ],
            keys: keys
                .iter()
                .filter_map(|k| {
                    k.rate_limit
                        .map(|rate| (k.id.clone(), (rate, RateLimiter::direct(quota(rate)))))
                })
                .collect(),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one token for `subject` calling a method of `class`, or says how
    /// long to wait.
    fn check(&self, caller: &Caller, subject: &str, class: Class) -> Result<(), Error> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % RETAIN_EVERY == RETAIN_EVERY - 1 {
            for (_, _, limiter) in &self.classes {
                limiter.retain_recent();
            }
        }
        let own = caller.key_id.as_ref().and_then(|id| self.keys.get(id));
        let (rate, outcome) = match own {
            Some((rate, limiter)) => (*rate, limiter.check()),
            None => {
                let Some((_, rate, limiter)) = self.classes.iter().find(|(c, _, _)| *c == class)
                else {
                    return Ok(());
                };
                (*rate, limiter.check_key(&subject.to_string()))
            }
        };
        outcome.map_err(|not_until| Error::RateLimited {
            subject: format!(
                "{subject}: {} requests per second, burst {} ({} RPCs)",
                rate.per_second,
                rate.burst,
                if own.is_some() { "all" } else { class.name() }
            ),
            retry_after: not_until
                .wait_time_from(self.clock.now())
                .max(Duration::from_millis(1)),
        })
    }
}

/// The layer; see the module docs. It runs after authentication, which puts
/// the [`Caller`] into the request's extensions.
#[derive(Debug, Clone)]
pub struct RateLimitLayer {
    limiters: Option<Arc<Limiters>>,
    metrics: Option<Metrics>,
}

impl RateLimitLayer {
    /// A layer with these limiters (`None` turns rate limiting off) that
    /// counts refusals in `metrics`, when given.
    pub fn new(limiters: Option<Limiters>, metrics: Option<Metrics>) -> Self {
        RateLimitLayer {
            limiters: limiters.map(Arc::new),
            metrics,
        }
    }
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimitService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RateLimitService {
            inner,
            limiters: self.limiters.clone(),
            metrics: self.metrics.clone(),
        }
    }
}

/// The service of [`RateLimitLayer`].
#[derive(Debug, Clone)]
pub struct RateLimitService<S> {
    inner: S,
    limiters: Option<Arc<Limiters>>,
    metrics: Option<Metrics>,
}

/// Who a caller is for rate limiting: its key, else its IP address.
fn subject_of<B>(request: &http::Request<B>, caller: &Caller) -> String {
    if let Some(key) = &caller.key_id {
        return format!("key {key}");
    }
    let ip: Option<IpAddr> = request
        .extensions()
        .get::<TcpConnectInfo>()
        .and_then(|info| info.remote_addr())
        .map(|addr| addr.ip());
    match ip {
        Some(ip) => format!("peer {ip}"),
        None => "peer unknown".to_string(),
    }
}

impl<S> Service<http::Request<tonic::body::Body>> for RateLimitService<S>
where
    S: Service<http::Request<tonic::body::Body>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future =
        Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        let path = request.uri().path().to_string();
        let (Some(limiters), Some(class)) = (self.limiters.clone(), class_of(&path)) else {
            return Box::pin(self.inner.call(request));
        };
        let caller = request
            .extensions()
            .get::<Caller>()
            .cloned()
            .unwrap_or_else(Caller::anonymous);
        let subject = subject_of(&request, &caller);
        if is_client_stream(&path) {
            // Each message counts as it arrives; the call itself is free.
            let request = request.map(|body| {
                tonic::body::Body::new(CountedBody {
                    inner: body,
                    limiters,
                    caller,
                    subject,
                    class,
                    frame: FrameCounter::default(),
                    refused: None,
                    metrics: self.metrics.clone(),
                })
            });
            return Box::pin(self.inner.call(request));
        }
        match limiters.check(&caller, &subject, class) {
            Ok(()) => Box::pin(self.inner.call(request)),
            Err(err) => {
                tracing::info!(subject = %subject, "rate limited");
                if let Some(metrics) = &self.metrics {
                    metrics.rate_limited(caller.key_id.as_deref().unwrap_or("anonymous"));
                }
                super::refuse(err)
            }
        }
    }
}

/// Finds where gRPC messages start in a request body: each message is a
/// 5-byte header (a flag and a big-endian length) and that many bytes.
#[derive(Debug, Default)]
struct FrameCounter {
    header: [u8; 5],
    header_len: usize,
    remaining: u64,
}

impl FrameCounter {
    /// Feeds a chunk; returns the offsets in it where a message begins (its
    /// header's first byte).
    fn feed(&mut self, mut chunk: &[u8]) -> Vec<usize> {
        let mut starts = Vec::new();
        let mut offset = 0;
        while !chunk.is_empty() {
            if self.remaining > 0 {
                let take = (self.remaining.min(chunk.len() as u64)) as usize;
                self.remaining -= take as u64;
                chunk = &chunk[take..];
                offset += take;
                continue;
            }
            if self.header_len == 0 {
                starts.push(offset);
            }
            let take = (5 - self.header_len).min(chunk.len());
            self.header[self.header_len..self.header_len + take].copy_from_slice(&chunk[..take]);
            self.header_len += take;
            chunk = &chunk[take..];
            offset += take;
            if self.header_len == 5 {
                self.header_len = 0;
                let [_, a, b, c, d] = self.header;
                self.remaining = u64::from(u32::from_be_bytes([a, b, c, d]));
            }
        }
        starts
    }
}

/// A client-stream request body that takes a token per message and fails the
/// stream with the rate-limit status when there is none.
struct CountedBody {
    inner: tonic::body::Body,
    limiters: Arc<Limiters>,
    caller: Caller,
    subject: String,
    class: Class,
    frame: FrameCounter,
    /// A refusal to report once the messages before it have passed.
    refused: Option<tonic::Status>,
    metrics: Option<Metrics>,
}

impl HttpBody for CountedBody {
    type Data = bytes::Bytes;
    type Error = tonic::Status;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = &mut *self;
        if let Some(status) = this.refused.take() {
            return Poll::Ready(Some(Err(status)));
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let data = match frame.into_data() {
                    Ok(data) => data,
                    Err(frame) => return Poll::Ready(Some(Ok(frame))),
                };
                for start in this.frame.feed(&data) {
                    if let Err(err) = this.limiters.check(&this.caller, &this.subject, this.class) {
                        tracing::info!(subject = %this.subject, "rate limited within a stream");
                        if let Some(metrics) = &this.metrics {
                            metrics
                                .rate_limited(this.caller.key_id.as_deref().unwrap_or("anonymous"));
                        }
                        let status = tonic::Status::from(err);
                        if start == 0 {
                            return Poll::Ready(Some(Err(status)));
                        }
                        // Pass the messages that had tokens; refuse the rest.
                        this.refused = Some(status);
                        return Poll::Ready(Some(Ok(Frame::data(data.slice(..start)))));
                    }
                }
                Poll::Ready(Some(Ok(Frame::data(data))))
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.refused.is_none() && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_counted_across_chunks() {
        let mut message = vec![0u8, 0, 0, 0, 3, b'a', b'b', b'c'];
        message.extend([0u8, 0, 0, 0, 0]); // An empty message.
        message.extend([0u8, 0, 0, 0, 1, b'z']);
        for split in 0..message.len() {
            let mut counter = FrameCounter::default();
            let (a, b) = message.split_at(split);
            let starts: Vec<usize> = counter
                .feed(a)
                .into_iter()
                .chain(counter.feed(b).into_iter().map(|o| o + split))
                .collect();
            assert_eq!(starts, [0, 8, 13], "split at {split}");
        }
    }

    #[test]
    fn bursts_then_refuses_with_a_retry_time() {
        let defaults = RateLimits {
            enabled: true,
            analyze: RateLimit {
                per_second: 1,
                burst: 2,
            },
            ..RateLimits::default()
        };
        let limiters = Limiters::new(&defaults, &[]);
        let caller = Caller::anonymous();
        assert!(
            limiters
                .check(&caller, "peer 127.0.0.1", Class::Analyze)
                .is_ok()
        );
        assert!(
            limiters
                .check(&caller, "peer 127.0.0.1", Class::Analyze)
                .is_ok()
        );
        match limiters.check(&caller, "peer 127.0.0.1", Class::Analyze) {
            Err(Error::RateLimited {
                retry_after,
                subject,
            }) => {
                assert!(retry_after > Duration::ZERO && retry_after <= Duration::from_secs(1));
                assert!(subject.contains("1 requests per second"), "{subject}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        // Another caller and another class have their own budgets.
        assert!(
            limiters
                .check(&caller, "peer 10.0.0.9", Class::Analyze)
                .is_ok()
        );
        assert!(
            limiters
                .check(&caller, "peer 127.0.0.1", Class::Read)
                .is_ok()
        );
        assert_eq!(class_of("/grpc.health.v1.Health/Check"), None);
        assert_eq!(
            class_of("/docsift.v1.Documents/ListDocuments"),
            Some(Class::Read)
        );
    }
}
