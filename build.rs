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
    Ok(())
}
