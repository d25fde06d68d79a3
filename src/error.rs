//! The one domain error type and its one mapping to gRPC status codes.
//!
//! Every error a client can see is built here, from an [`Error`]. The mapping
//! in `From<Error> for Status` is exhaustive (no `_ =>` arm), so adding a
//! variant forces a decision about its code.

use std::time::Duration;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// Everything that can go wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A request field is missing or malformed.
    #[error("invalid argument: {field}: {description}")]
    InvalidArgument {
        /// The field's path in the request, for example `document.text`.
        field: String,
        /// What is wrong with it.
        description: String,
    },
    /// No document with this id exists for the caller's tenant.
    #[error("document {id:?} not found")]
    NotFound {
        /// The id asked for.
        id: String,
    },
    /// A request exceeded a configured limit.
    #[error("{limit} exceeded: {description}")]
    LimitExceeded {
        /// The name of the limit (for example `max_document_bytes`).
        limit: String,
        /// What was too large, and the limit's value.
        description: String,
    },
    /// A caller exceeded its rate limit.
    #[error("rate limit exceeded for {subject}; retry after {retry_after:?}")]
    RateLimited {
        /// Who is limited (key id or peer).
        subject: String,
        /// When the caller may try again.
        retry_after: Duration,
    },
    /// The caller sent no credentials or unknown ones.
    #[error("unauthenticated: {0}")]
    Unauthenticated(String),
    /// The caller's key lacks the scope this call needs.
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    /// A request would conflict with the stored state.
    #[error("aborted: {0}")]
    Aborted(String),
    /// A call did not finish within its deadline.
    #[error("deadline exceeded: {0}")]
    DeadlineExceeded(String),
    /// The server is shutting down or overloaded.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A bug or a failure of the server's own machinery (never a caller's mistake).
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        Error::InvalidArgument {
            field: field.into(),
            description: description.into(),
        }
    }

    /// Shorthand for [`Error::LimitExceeded`].
    pub fn limit(limit: impl Into<String>, description: impl Into<String>) -> Self {
        Error::LimitExceeded {
            limit: limit.into(),
            description: description.into(),
        }
    }

    /// Shorthand for [`Error::Internal`], for failures of the server's own machinery.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        Error::Internal(err.to_string())
    }
}

/// A result with the domain error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for Status {
    fn from(err: Error) -> Status {
        let message = err.to_string();
        match err {
            Error::InvalidArgument { field, description } => {
                let mut details = ErrorDetails::new();
                details.add_bad_request_violation(field, description);
                Status::with_error_details(Code::InvalidArgument, message, details)
            }
            Error::NotFound { id } => {
                let mut details = ErrorDetails::new();
                details.set_resource_info("docsift.v1.Document", id, "", "no such document");
                Status::with_error_details(Code::NotFound, message, details)
            }
            Error::LimitExceeded { limit, description } => {
                let mut details = ErrorDetails::new();
                details.add_quota_failure_violation(limit, description);
                Status::with_error_details(Code::ResourceExhausted, message, details)
            }
            Error::RateLimited {
                subject,
                retry_after,
            } => {
                let mut details = ErrorDetails::new();
                details.set_retry_info(Some(retry_after));
                details.add_quota_failure_violation(subject, "requests per second");
                let mut status =
                    Status::with_error_details(Code::ResourceExhausted, message, details);
                let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
                if let Ok(value) = secs.to_string().parse() {
                    status.metadata_mut().insert("retry-after", value);
                }
                status
            }
            Error::Unauthenticated(_) => Status::unauthenticated(message),
            Error::PermissionDenied(_) => Status::permission_denied(message),
            Error::Aborted(_) => Status::aborted(message),
            Error::DeadlineExceeded(_) => Status::deadline_exceeded(message),
            Error::Unavailable(_) => Status::unavailable(message),
            Error::Internal(_) => Status::internal(message),
        }
    }
}
