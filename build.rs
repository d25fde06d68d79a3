//! Compiles the wire contract in `proto/` with protox (pure Rust, no system
//! `protoc`) and tonic-prost-build, and writes the descriptor set that the
//! reflection service serves.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = [
        "proto/docsift/v1/document.proto",
        "proto/docsift/v1/analysis.proto",
        "proto/docsift/v1/documents.proto",
        "proto/docsift/v1/search.proto",
        "proto/google/rpc/status.proto",
    ];
    for file in files {
        println!("cargo:rerun-if-changed={file}");
    }
    println!("cargo:rerun-if-changed=build.rs");

    let fds = protox::compile(files, ["proto"])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("docsift_descriptor.bin"),
        prost::Message::encode_to_vec(&fds),
    )?;

    tonic_prost_build::configure()
        .extern_path(".google.rpc", "::tonic_types::pb")
        // A FULL view's document and analysis is large; boxed, a BASIC
        // search hit stays small to build and move.
        .boxed(".docsift.v1.SearchHit.document")
        .compile_fds(fds)?;

    // The server side of `docsift.v1.Search` once more, by hand, so that
    // Search can answer with a page encoded once and kept with the cached
    // results (`api::wire`); the wire contract is the proto's, unchanged.
    // Clients keep the generated `pb::search_client`.
    let prost = "tonic_prost::ProstCodec";
    let method = |name: &str, route: &str, input: &str, output: &str, codec: &str| {
        tonic_build::manual::Method::builder()
            .name(name)
            .route_name(route)
            .input_type(format!("crate::proto::pb::{input}"))
            .output_type(output)
            .codec_path(codec)
    };
    let search = tonic_build::manual::Service::builder()
        .name("Search")
        .package("docsift.v1")
        .comment("Search over the stored corpus (see `proto/docsift/v1/search.proto`).")
        .method(
            method(
                "search",
                "Search",
                "SearchRequest",
                "crate::api::wire::SearchReply",
                "crate::api::wire::SearchCodec",
            )
            .comment("Searches the corpus with a query string (or plain text), filters and facets.")
            .build(),
        )
        .method(
            method(
                "similar_documents",
                "SimilarDocuments",
                "SimilarDocumentsRequest",
                "crate::proto::pb::SimilarDocumentsResponse",
                prost,
            )
            .comment("Finds documents like a stored document or a given text (more-like-this).")
            .build(),
        )
        .method(
            method(
                "watch",
                "Watch",
                "WatchRequest",
                "crate::proto::pb::WatchResponse",
                prost,
            )
            .comment(
                "Streams every document ingested after the call that matches a query and filter.",
            )
            .server_streaming()
            .build(),
        )
        .build();
    tonic_build::manual::Builder::new()
        .build_client(false)
        .compile(&[search]);
    Ok(())
}
