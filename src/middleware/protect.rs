//! Protections for everyone: a global limit on calls being worked on, with
//! load shedding instead of queueing, and a deadline for every call that is
//! the sooner of the server's `request_timeout_ms` and the client's own
//! `grpc-timeout`.
//!
//! A call over the concurrency limit is refused at once with
//! `RESOURCE_EXHAUSTED` naming `max_concurrent_requests`, so a flood cannot
//! queue up work and latency for everyone else. A call past its deadline gets
//! `DEADLINE_EXCEEDED` naming the deadline that expired. Both cover the work
//! until the response starts: a stream's messages flow afterwards, bounded by
//! the per-stream limits and the rate limits.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::Semaphore;
use tower::{Layer, Service};

use crate::error::Error;

/// Parses a `grpc-timeout` header value: up to 8 digits and a unit
/// (H, M, S, m, u, n).
fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let value = value.trim();
    if value.len() < 2 || value.len() > 9 {
        return None;
    }
    let (digits, unit) = value.split_at(value.len() - 1);
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount.saturating_mul(3600)),
        "M" => Duration::from_secs(amount.saturating_mul(60)),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

/// The layer; see the module docs.
#[derive(Debug, Clone)]
pub struct ProtectLayer {
    permits: Arc<Semaphore>,
    max_concurrent: usize,
    timeout: Duration,
}

impl ProtectLayer {
    /// At most `max_concurrent` calls at once, each with at most `timeout`.
    pub fn new(max_concurrent: usize, timeout: Duration) -> Self {
        ProtectLayer {
            permits: Arc::new(Semaphore::new(max_concurrent)),
            max_concurrent,
            timeout,
        }
    }
}

impl<S> Layer<S> for ProtectLayer {
    type Service = Protect<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Protect {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service of [`ProtectLayer`].
#[derive(Debug, Clone)]
pub struct Protect<S> {
    inner: S,
    layer: ProtectLayer,
}

impl<S, B> Service<http::Request<B>> for Protect<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
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

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let Ok(permit) = self.layer.permits.clone().try_acquire_owned() else {
            let err = Error::limit(
                "max_concurrent_requests",
                format!(
                    "the server is working on its limit of {} calls (max_concurrent_requests); retry shortly",
                    self.layer.max_concurrent
                ),
            );
            return super::refuse(err);
        };
        let client = request
            .headers()
            .get("grpc-timeout")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_grpc_timeout);
        let server = self.layer.timeout;
        let (deadline, which) = match client {
            Some(client) if client < server => {
                (client, format!("the client's grpc-timeout of {client:?}"))
            }
            _ => (
                server,
                format!("request_timeout_ms of {} ms", server.as_millis()),
            ),
        };
        let future = self.inner.call(request);
        Box::pin(async move {
            let outcome = tokio::time::timeout(deadline, future).await;
            drop(permit);
            match outcome {
                Ok(result) => result,
                Err(_) => {
                    let err =
                        Error::DeadlineExceeded(format!("the call did not finish within {which}"));
                    Ok(tonic::Status::from(err).into_http())
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeout_values() {
        for (value, expected) in [
            ("5S", Some(Duration::from_secs(5))),
            ("100m", Some(Duration::from_millis(100))),
            ("2H", Some(Duration::from_secs(7200))),
            ("1M", Some(Duration::from_secs(60))),
            ("250u", Some(Duration::from_micros(250))),
            ("99999999n", Some(Duration::from_nanos(99_999_999))),
            ("S", None),
            ("123456789S", None),
            ("5x", None),
            ("-5S", None),
            ("", None),
        ] {
            assert_eq!(parse_grpc_timeout(value), expected, "{value:?}");
        }
    }
}
