//! Reports an oversize gRPC message as `RESOURCE_EXHAUSTED` naming the
//! `limits.max_message_bytes` setting.
//!
//! tonic refuses a message over its decoding limit with `OUT_OF_RANGE` and a
//! generic text. Clients should see the code our API promises for a request
//! over a limit, and the name of the setting to change, so this layer rewrites
//! that one status wherever it appears: in the response headers (a call that
//! failed before answering) or in the trailers (a stream).

use std::pin::Pin;
use std::task::{Context, Poll};

use http::HeaderMap;
use tonic::Code;
use tower::{Layer, Service};

use super::body::{BodyObserver, observe};

/// The start of tonic's message for a request over the decoding limit.
const TONIC_TOO_LARGE: &str = "Error, decoded message length too large";

/// The layer; see the module docs.
#[derive(Debug, Clone, Copy)]
pub struct MessageLimitLayer {
    max_message_bytes: usize,
}

impl MessageLimitLayer {
    /// A layer for a server whose decoding limit is `max_message_bytes`.
    pub fn new(max_message_bytes: usize) -> Self {
        MessageLimitLayer { max_message_bytes }
    }
}

impl<S> Layer<S> for MessageLimitLayer {
    type Service = MessageLimit<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MessageLimit {
            inner,
            max_message_bytes: self.max_message_bytes,
        }
    }
}

/// The service of [`MessageLimitLayer`].
#[derive(Debug, Clone)]
pub struct MessageLimit<S> {
    inner: S,
    max_message_bytes: usize,
}

impl<S, B> Service<http::Request<B>> for MessageLimit<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future =
        Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let limit = self.max_message_bytes;
        let future = self.inner.call(request);
        Box::pin(async move {
            let mut response = future.await?;
            if rewrite(response.headers_mut(), limit) {
                return Ok(response);
            }
            let (parts, body) = response.into_parts();
            let body = observe(body, RewriteTrailers { limit });
            Ok(http::Response::from_parts(parts, body))
        })
    }
}

/// Rewrites tonic's oversize status in `headers`; true when it was there.
fn rewrite(headers: &mut HeaderMap, limit: usize) -> bool {
    let is_out_of_range = headers
        .get("grpc-status")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i32>().ok())
        == Some(Code::OutOfRange as i32);
    if !is_out_of_range {
        return false;
    }
    let message = headers
        .get("grpc-message")
        .and_then(|v| v.to_str().ok())
        .map(|m| m.replace("%20", " "))
        .unwrap_or_default();
    if !message.starts_with(TONIC_TOO_LARGE) {
        return false;
    }
    let status = tonic::Status::from(crate::error::Error::limit(
        "max_message_bytes",
        format!("the request message is larger than the limit max_message_bytes of {limit} bytes"),
    ));
    let mut replacement = HeaderMap::new();
    if status.add_header(&mut replacement).is_err() {
        return false;
    }
    for key in ["grpc-status", "grpc-message", "grpc-status-details-bin"] {
        headers.remove(key);
    }
    for (name, value) in replacement.iter() {
        if name.as_str().starts_with("grpc-") {
            headers.insert(name.clone(), value.clone());
        }
    }
    true
}

/// Gives a streamed response's trailers the same rewrite.
struct RewriteTrailers {
    limit: usize,
}

impl BodyObserver for RewriteTrailers {
    fn on_trailers(&mut self, trailers: &mut HeaderMap) {
        rewrite(trailers, self.limit);
    }
}
