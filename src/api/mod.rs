//! The gRPC services: one file per service. Each handler validates its request,
//! calls the [`Engine`](crate::engine::Engine), and converts the result; no
//! analysis or storage logic lives here.

pub mod analyzer;
pub mod convert;
pub mod documents;
pub mod search;
mod stream;
pub mod wire;

use tonic::Status;

use crate::error::Error;

/// Converts a domain error to the `google.rpc.Status` carried by a stream item.
pub(crate) fn rpc_status(err: Error) -> tonic_types::pb::Status {
    let status: Status = err.into();
    status_to_rpc(&status)
}

/// The OK `google.rpc.Status` of a stream item.
pub(crate) fn rpc_ok() -> tonic_types::pb::Status {
    tonic_types::pb::Status {
        code: tonic::Code::Ok as i32,
        message: String::new(),
        details: Vec::new(),
    }
}

/// Converts a tonic status, keeping its rich error details.
pub(crate) fn status_to_rpc(status: &Status) -> tonic_types::pb::Status {
    let details = <tonic_types::pb::Status as prost::Message>::decode(status.details())
        .map(|s| s.details)
        .unwrap_or_default();
    tonic_types::pb::Status {
        code: status.code() as i32,
        message: status.message().to_string(),
        details,
    }
}

/// Validates an AIP-158 page size: 0 means `default`, larger than `max` is
/// lowered to `max`, negative is an error.
pub(crate) fn page_size(value: i32, default: usize, max: usize) -> Result<usize, Error> {
    match value {
        v if v < 0 => Err(Error::invalid("page_size", "must not be negative")),
        0 => Ok(default),
        v => Ok((v as usize).min(max)),
    }
}
