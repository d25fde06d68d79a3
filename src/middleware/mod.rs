//! Tower middleware composed in `server.rs`: request tracing, the message
//! size limit's status, and the caller's identity that handlers read from
//! request extensions.

pub mod auth;
mod body;
pub mod message_limit;
pub mod protect;
pub mod rate_limit;
pub mod trace;

use std::future::Future;
use std::pin::Pin;

use crate::error::Error;
use crate::store::DEFAULT_TENANT;

/// The future a layer returns when it answers a call itself.
pub(crate) type Answer<E> =
    Pin<Box<dyn Future<Output = Result<http::Response<tonic::body::Body>, E>> + Send>>;

/// Answers a call with the status of a domain error, through the one mapping
/// in `error.rs`, without calling the service behind the layer.
pub(crate) fn refuse<E: Send + 'static>(err: Error) -> Answer<E> {
    let response = tonic::Status::from(err).into_http();
    Box::pin(async move { Ok(response) })
}

/// Who is calling, as established by the authentication layer and read by
/// handlers from the request's extensions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The tenant whose documents the caller sees and writes.
    pub tenant: String,
    /// The id of the caller's API key, when it sent one.
    pub key_id: Option<String>,
}

impl Caller {
    /// The caller of a server without API keys: the default tenant.
    pub fn anonymous() -> Self {
        Caller {
            tenant: DEFAULT_TENANT.to_string(),
            key_id: None,
        }
    }

    /// The caller recorded in a request's extensions, or the anonymous caller
    /// when no layer recorded one.
    pub fn of<T>(request: &tonic::Request<T>) -> Caller {
        request
            .extensions()
            .get::<Caller>()
            .cloned()
            .unwrap_or_else(Caller::anonymous)
    }
}
