//! A tower layer that gives every request a tracing span and one log line at
//! its end with the method, the peer, the gRPC status code and the latency.
//!
//! The status of a gRPC call arrives either in the response headers (an error
//! before any message) or in the trailers after the last message, so the layer
//! watches the response body for its trailers. Client mistakes are logged at
//! INFO, server faults at ERROR.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use tonic::Code;
use tonic::transport::server::TcpConnectInfo;
use tower::{Layer, Service};
use tracing::{Instrument, Span, field};

use super::body::{BodyObserver, observe};

/// The layer; see the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceLayer;

impl<S> Layer<S> for TraceLayer {
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Trace { inner }
    }
}

/// The service of [`TraceLayer`].
#[derive(Debug, Clone)]
pub struct Trace<S> {
    inner: S,
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
        let span = tracing::info_span!(
            "rpc",
            method = %request.uri().path(),
            peer = %peer,
            key_id = field::Empty,
            tenant = field::Empty,
            code = field::Empty,
            latency_ms = field::Empty,
        );
        let started = Instant::now();
        let future = self.inner.call(request);
        Box::pin(
            async move {
                let current = Span::current();
                match future.await {
                    Ok(response) => {
                        if let Some(code) = status_of(response.headers()) {
                            finish(&current, code, started);
                            return Ok(response);
                        }
                        let (parts, body) = response.into_parts();
                        let body = observe(
                            body,
                            TraceEnd {
                                span: current,
                                started,
                            },
                        );
                        Ok(http::Response::from_parts(parts, body))
                    }
                    Err(err) => {
                        current.record("latency_ms", latency_ms(started));
                        tracing::error!(error = %err, "rpc failed in transport");
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
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok())
        .map(Code::from_i32)
}

fn latency_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

/// Records the outcome on the span and logs the request's one line.
fn finish(span: &Span, code: Code, started: Instant) {
    span.record("code", field::debug(code));
    span.record("latency_ms", latency_ms(started));
    let _entered = span.enter();
    match code {
        Code::Ok => tracing::info!("rpc finished"),
        Code::Internal | Code::Unknown | Code::DataLoss | Code::Unimplemented => {
            tracing::error!("rpc failed")
        }
        Code::Unavailable | Code::DeadlineExceeded => tracing::warn!("rpc failed"),
        _ => tracing::info!("rpc refused"),
    }
}

/// Logs the call's outcome when its response body ends.
struct TraceEnd {
    span: Span,
    started: Instant,
}

impl BodyObserver for TraceEnd {
    fn on_trailers(&mut self, trailers: &mut http::HeaderMap) {
        let code = status_of(trailers).unwrap_or(Code::Unknown);
        finish(&self.span, code, self.started);
    }

    fn on_error(&mut self, status: &tonic::Status) {
        finish(&self.span, status.code(), self.started);
    }

    fn on_end(&mut self, dropped: bool) {
        // A body dropped before its end means the client went away.
        let code = if dropped {
            Code::Cancelled
        } else {
            Code::Unknown
        };
        finish(&self.span, code, self.started);
    }
}
