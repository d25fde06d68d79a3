//! A tower layer that gives every request a tracing span and one log line at
//! its end with the method, the peer, the caller, the gRPC status code and the
//! latency, and records the same outcome in the Prometheus metrics.
//!
//! The status of a gRPC call arrives either in the response headers (an error
//! before any message) or in the trailers after the last message, so the layer
//! watches the response body for its trailers; a streaming call ends when its
//! body does. Client mistakes are logged at INFO, server faults at ERROR.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tonic::Code;
use tonic::transport::server::TcpConnectInfo;
use tower::{Layer, Service};
use tracing::{Instrument, Span, field};

use super::body::{BodyObserver, observe};
use crate::metrics::{InFlightGuard, Metrics};

/// The methods this server serves; any other path is counted as "other" so
/// that made-up paths cannot multiply metric series.
const KNOWN_METHODS: [&str; 14] = [
    "/docsift.v1.Analyzer/Analyze",
    "/docsift.v1.Analyzer/AnalyzeStream",
    "/docsift.v1.Documents/Ingest",
    "/docsift.v1.Documents/IngestStream",
    "/docsift.v1.Documents/GetDocument",
    "/docsift.v1.Documents/DeleteDocument",
    "/docsift.v1.Documents/ListDocuments",
    "/docsift.v1.Search/Search",
    "/docsift.v1.Search/SimilarDocuments",
    "/docsift.v1.Search/Watch",
    "/grpc.health.v1.Health/Check",
    "/grpc.health.v1.Health/Watch",
    "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
];

/// The layer; see the module docs.
#[derive(Debug, Clone, Default)]
pub struct TraceLayer {
    metrics: Option<Metrics>,
}

impl TraceLayer {
    /// A layer that also records each call in `metrics`, when given.
    pub fn new(metrics: Option<Metrics>) -> Self {
        TraceLayer { metrics }
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Trace {
            inner,
            metrics: self.metrics.clone(),
        }
    }
}

/// The service of [`TraceLayer`].
#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
    metrics: Option<Metrics>,
}

/// One call on its way: what its end is logged and counted with.
struct Call {
    span: Span,
    started: Instant,
    method: &'static str,
    metrics: Option<Metrics>,
    _in_flight: Option<InFlightGuard>,
}

impl Call {
    /// Records the outcome on the span, logs the call's one line and counts it.
    fn finish(self, code: Code) {
        let latency = self.started.elapsed();
        self.span.record("code", field::debug(code));
        self.span
            .record("latency_ms", (latency.as_secs_f64() * 1e6).round() / 1e3);
        if let Some(metrics) = &self.metrics {
            metrics.request_finished(self.method, code, latency);
        }
        let _entered = self.span.enter();
        match code {
            Code::Ok => tracing::info!("rpc finished"),
            Code::Internal | Code::Unknown | Code::DataLoss | Code::Unimplemented => {
                tracing::error!("rpc failed")
            }
            Code::Unavailable | Code::DeadlineExceeded => tracing::warn!("rpc failed"),
            _ => tracing::info!("rpc refused"),
        }
    }
}

impl<S, B> Service<http::Request<B>> for Trace<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: std::fmt::Display,
    B: Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future =
        Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let peer = request
            .extensions()
            .get::<TcpConnectInfo>()
            .and_then(|info| info.remote_addr())
            .map(|addr| addr.to_string())
            .unwrap_or_default();
        let path = request.uri().path();
        let method = KNOWN_METHODS
            .iter()
            .find(|m| **m == path)
            .copied()
            .unwrap_or("other");
        let span = tracing::info_span!(
            "rpc",
            method = %path,
            peer = %peer,
            key_id = field::Empty,
            tenant = field::Empty,
            code = field::Empty,
            latency_ms = field::Empty,
        );
        let call = Call {
            span: span.clone(),
            started: Instant::now(),
            method,
            _in_flight: self.metrics.as_ref().map(Metrics::request_started),
            metrics: self.metrics.clone(),
        };
        let future = self.inner.call(request);
        Box::pin(
            async move {
                match future.await {
                    Ok(response) => {
                        if let Some(code) = status_of(response.headers()) {
                            call.finish(code);
                            return Ok(response);
                        }
                        let (parts, body) = response.into_parts();
                        let body = observe(body, TraceEnd { call: Some(call) });
                        Ok(http::Response::from_parts(parts, body))
                    }
                    Err(err) => {
                        tracing::error!(error = %err, "rpc failed in transport");
                        call.finish(Code::Unknown);
                        Err(err)
                    }
                }
            }
            .instrument(span),
        )
    }
}

/// Reads the gRPC status code from headers or trailers.
fn status_of(headers: &http::HeaderMap) -> Option<Code> {
    headers
        .get("grpc-status")
        .map(|v| Code::from_bytes(v.as_bytes()))
}

/// Ends the call when its response body ends.
struct TraceEnd {
    call: Option<Call>,
}

impl BodyObserver for TraceEnd {
    fn on_trailers(&mut self, trailers: &mut http::HeaderMap) {
        if let Some(call) = self.call.take() {
            call.finish(status_of(trailers).unwrap_or(Code::Unknown));
        }
    }

    fn on_error(&mut self, status: &tonic::Status) {
        if let Some(call) = self.call.take() {
            call.finish(status.code());
        }
    }

    fn on_end(&mut self, dropped: bool) {
        // A body dropped before its end means the client went away.
        if let Some(call) = self.call.take() {
            call.finish(if dropped {
                Code::Cancelled
            } else {
                Code::Unknown
            });
        }
    }
}
