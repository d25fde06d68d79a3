//! The only place generated protobuf code is included.
//!
//! Only `api/`, `server.rs` and this module see these types; the rest of the
//! crate works with domain types.

/// Generated messages and services of package `docsift.v1`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod pb {
    tonic::include_proto!("docsift.v1");
}

/// The server of `docsift.v1.Search`, generated from the methods `build.rs`
/// lists, so that Search can answer with a page encoded once
/// (`api::wire`). Same service, routes and messages as the proto's; the
/// generated `pb::search_server` is not served.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod search {
    include!(concat!(env!("OUT_DIR"), "/docsift.v1.Search.rs"));
}

/// The encoded file descriptor set of every docsift proto, for reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("docsift_descriptor");
