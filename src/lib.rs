//! docsift: a gRPC service that turns raw documents into structured analysis
//! and keeps them in a searchable corpus.
//!
//! Module map (see ARCHITECTURE.md for the data flow and invariants):
//! - [`config`]: the one configuration, layered defaults < file < env < flags.
//! - [`server`]: `run(config, listener, shutdown)`, every layer and service.
//! - [`middleware`]: tower layers (request tracing) and the caller identity.
//! - [`api`]: one thin handler module per gRPC service.
//! - [`engine`]: the domain operations the handlers call.
//! - [`analysis`]: the pure, deterministic analysis pipeline.
//! - [`store`]: documents and their search index behind the `Store` trait.
//! - [`search`]: search requests, results and page tokens in domain terms.
//! - [`error`]: the one error enum and its mapping to gRPC codes.
//! - [`metrics`]: Prometheus metrics and their HTTP endpoint.
//! - [`proto`]: the generated code, seen only by `api/` and `server`.
//! - [`client`]: `docsift analyze`, `ingest`, `search`, `watch`, `get`,
//!   `delete`, `list`: the command-line client, a gRPC client like any other.
//! - [`bench`]: `docsift bench`, the gRPC load generator and in-process benchmarks.
//! - [`eval`]: `docsift eval`, the analysis scored on gold data.

pub mod analysis;
pub mod api;
pub mod bench;
pub mod client;
pub mod config;
pub mod engine;
pub mod error;
pub mod eval;
pub mod metrics;
pub mod middleware;
pub mod proto;
pub mod search;
pub mod server;
pub mod store;
