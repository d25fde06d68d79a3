//! Criterion benches of search on an index of the Reuters-21578 corpus
//! (issue 4, part 2).
//!
//! The corpus is read at run time from `../shared/eval/corpus/reuters21578/` (beside the repository)
//! (or `$DOCSIFT_REUTERS_DIR`); it is under a research licence and never copied
//! into the repo. When the folder is missing, the bench prints a note and
//! measures nothing.
//!
//! Every body is put into a `MemoryStore` with an empty `Analysis` (this bench
//! measures search, not analysis) and its TOPICS as tags, so a tags facet has
//! something to count. Then `Store::search` runs a top-10 query of each kind:
//! one term, two terms, a phrase, and one term with a tags facet.
//!
//! Run with `cargo bench --bench search -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use docsift::analysis::Analysis;
use docsift::search::{FacetField, SearchRequest};
use docsift::store::memory::{MemoryStore, MemoryStoreConfig};
use docsift::store::{DEFAULT_TENANT, NewDocument, PutOptions, Store};

/// One Reuters story: its NEWID, title, body and topics.
struct Story {
    id: String,
    title: String,
    body: String,
    topics: Vec<String>,
}

fn corpus_dir() -> PathBuf {
    std::env::var_os("DOCSIFT_REUTERS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/corpus/reuters21578")
        })
}

/// The text between the first `<tag>` and the next `</tag>` of `s`, if any.
fn element<'a>(s: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = s.find(&open)? + open.len();
    let end = s[start..].find(&close)? + start;
    Some(&s[start..end])
}

/// Undoes the SGML entities the corpus uses and drops control characters.
fn unescape(s: &str) -> String {
    let s = s
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#3;", "")
        .replace("&amp;", "&");
    s.trim().to_string()
}

/// Loads every story with a non-empty body from the `.sgm` files, in file
/// order. The files are latin-1: every byte is the char of the same value.
fn load_reuters(dir: &PathBuf) -> std::io::Result<Vec<Story>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sgm"))
        .collect();
    files.sort();
    let mut stories = Vec::new();
    for file in files {
        let bytes = std::fs::read(&file)?;
        let text: String = bytes.iter().map(|&b| b as char).collect();
        for chunk in text.split("</REUTERS>") {
            let Some(head) = chunk.find("<REUTERS") else {
                continue;
            };
            let chunk = &chunk[head..];
            let Some(body) = element(chunk, "BODY") else {
                continue;
            };
            let id = chunk
                .split("NEWID=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_default()
                .to_string();
            let topics = element(chunk, "TOPICS")
                .map(|t| {
                    t.split("<D>")
                        .filter_map(|d| d.split("</D>").next())
                        .filter(|d| !d.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            stories.push(Story {
                id,
                title: element(chunk, "TITLE").map(unescape).unwrap_or_default(),
                body: unescape(body),
                topics,
            });
        }
    }
    Ok(stories)
}

/// A top-10 relevance search for `query`, with the facets given.
fn request(query: &str, facets: Vec<(String, FacetField)>) -> SearchRequest {
    SearchRequest {
        facets,
        ..SearchRequest::first_page(query, 10)
    }
}

fn bench_search(c: &mut Criterion) {
    let dir = corpus_dir();
    if !dir.is_dir() {
        println!(
            "note: {} is missing; the search bench needs the Reuters-21578 corpus and was skipped",
            dir.display()
        );
        return;
    }
    let stories = match load_reuters(&dir) {
        Ok(stories) => stories,
        Err(e) => {
            println!(
                "note: cannot read {}: {e}; search bench skipped",
                dir.display()
            );
            return;
        }
    };

    // Index every story; the committer makes them visible on wait_visible.
    let store = MemoryStore::new(MemoryStoreConfig::default());
    let started = Instant::now();
    let bytes: usize = stories.iter().map(|s| s.title.len() + s.body.len()).sum();
    let mut last_seq = 0;
    for story in &stories {
        let document = NewDocument {
            id: Some(story.id.clone()),
            content: story.body.clone().into(),
            title: story.title.clone(),
            source: "reuters".to_string(),
            tags: story.topics.clone(),
            ..NewDocument::default()
        };
        let outcome = store
            .put(
                DEFAULT_TENANT,
                document,
                std::sync::Arc::new(Analysis::default()),
                PutOptions::default(),
            )
            .expect("put");
        last_seq = outcome.seq;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime
        .block_on(store.wait_visible(last_seq))
        .expect("wait_visible");
    println!(
        "indexed {} Reuters stories ({:.1} MB of title + body) in {:.2?}",
        stories.len(),
        bytes as f64 / 1e6,
        started.elapsed()
    );

    let queries = [
        ("term", request("oil", Vec::new())),
        ("two_terms", request("coffee prices", Vec::new())),
        ("phrase", request("\"interest rates\"", Vec::new())),
        (
            "term_tags_facet",
            request("bank", vec![("tags".to_string(), FacetField::Tags)]),
        ),
    ];
    let mut group = c.benchmark_group("search_reuters");
    for (name, req) in &queries {
        let total = store.search(DEFAULT_TENANT, req).expect("search").total;
        println!("query {name} ({:?}) matches {total} stories", req.query);
        group.bench_function(*name, |b| {
            b.iter(|| {
                store
                    .search(DEFAULT_TENANT, black_box(req))
                    .expect("search")
            })
        });
    }
    group.finish();
    store.shutdown();
}

criterion_group!(benches, bench_search);
criterion_main!(benches);
