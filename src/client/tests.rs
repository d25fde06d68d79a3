//! Unit tests of the client's parts that need no server; tests/cli.rs runs
//! the real binary against a real one.

use std::time::Duration;

use super::Failure;
use super::connect::{parse_duration, server_url};
use super::json::{document_from_json, to_json};
use super::search::{FilterArgs, paint_fragment, parse_time, render_results};
use super::status::describe;
use super::style::Style;
use crate::proto::pb;

#[test]
fn durations_take_units_and_refuse_nonsense() {
    assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
    assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
    assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
    assert_eq!(parse_duration("1.5"), Ok(Duration::from_millis(1500)));
    for bad in ["", "soon", "0", "-1s", "NaN", "2d"] {
        assert!(parse_duration(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn server_urls_get_a_scheme() {
    let url = |s: &str, tls: bool| match server_url(s, tls) {
        Ok(url) => url,
        Err(Failure::Usage(m) | Failure::Failed(m)) => format!("error: {m}"),
        Err(Failure::Closed) => "error: closed".into(),
    };
    assert_eq!(url("localhost:50051", false), "http://localhost:50051");
    assert_eq!(url("localhost:50051", true), "https://localhost:50051");
    assert_eq!(url("http://h:1/", true), "https://h:1");
    assert_eq!(url("https://h:1", false), "https://h:1");
    assert!(url("ftp://h:1", false).starts_with("error: "));
    assert!(url(" ", false).starts_with("error: "));
}

#[test]
fn failed_calls_are_one_line_with_the_code_and_a_hint() {
    let server = "http://127.0.0.1:50051";
    let timeout = Duration::from_secs(30);
    let line = describe(
        &tonic::Status::unauthenticated("the API key is not\nknown"),
        server,
        timeout,
    );
    assert_eq!(
        line,
        "UNAUTHENTICATED: the API key is not known (set DOCSIFT_API_KEY or pass --api-key)"
    );
    let line = describe(
        &tonic::Status::unavailable("tcp connect error"),
        server,
        timeout,
    );
    assert!(line.starts_with("UNAVAILABLE: tcp connect error"), "{line}");
    assert!(
        line.contains(server) && line.contains("docsift serve"),
        "{line}"
    );
    let line = describe(&tonic::Status::deadline_exceeded("late"), server, timeout);
    assert!(
        line.contains("raise --timeout") && line.contains("30s"),
        "{line}"
    );
    let line = describe(
        &tonic::Status::cancelled("Timeout expired"),
        server,
        timeout,
    );
    assert!(
        line.starts_with("CANCELLED: Timeout expired (no answer within --timeout 30s"),
        "{line}"
    );
    let line = describe(&tonic::Status::permission_denied("no"), server, timeout);
    assert!(
        line.starts_with("PERMISSION_DENIED: no (") && line.contains("scope"),
        "{line}"
    );
    let line = describe(
        &tonic::Status::invalid_argument("document.text is empty"),
        server,
        timeout,
    );
    assert_eq!(line, "INVALID_ARGUMENT: document.text is empty");
    assert!(!describe(&tonic::Status::not_found("x"), server, timeout).contains('\n'));
}

#[test]
fn json_is_proto3_json_as_grpcurl_prints_it() {
    let response = pb::IngestResponse {
        id: "a".into(),
        version: 3,
        result: pb::IngestResult::Updated as i32,
        duplicate_of: String::new(),
        analysis: None,
    };
    let text = to_json("docsift.v1.IngestResponse", &response).expect("json");
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(
        value,
        serde_json::json!({"id": "a", "version": "3", "result": "INGEST_RESULT_UPDATED"})
    );
    let stored = pb::StoredDocument {
        document: Some(pb::Document {
            published_at: Some(prost_types::Timestamp {
                seconds: 1_447_545_600,
                nanos: 0,
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    let text = to_json("docsift.v1.StoredDocument", &stored).expect("json");
    assert!(
        text.contains("\"publishedAt\": \"2015-11-15T00:00:00Z\""),
        "{text}"
    );
}

#[test]
fn json_lines_read_documents_in_either_naming() {
    let doc = document_from_json(
        r#"{"id": 7, "body": "Text", "published_at": "2015-11-15T00:00:00Z", "tags": ["x"], "extra": 1}"#,
    )
    .expect("a document");
    assert_eq!(doc.id, "7");
    assert_eq!(
        doc.content,
        Some(pb::document::Content::Text("Text".into()))
    );
    assert_eq!(doc.tags, ["x"]);
    assert_eq!(doc.published_at.map(|t| t.seconds), Some(1_447_545_600));
    let doc = document_from_json(r#"{"text": "T", "contentType": "CONTENT_TYPE_TEXT_HTML"}"#)
        .expect("a document");
    assert_eq!(doc.content_type(), pb::ContentType::TextHtml);
    assert!(document_from_json("[1]").is_err());
    assert!(document_from_json("{\"tags\": 3}").is_err());
    assert!(document_from_json("not json").is_err());
}

#[test]
fn filters_map_to_the_search_filter() {
    assert_eq!(FilterArgs::default().to_pb(), None);
    let filter = FilterArgs {
        languages: vec!["en".into()],
        entity_types: vec![pb::EntityType::Person],
        attributes: vec![("desk".into(), "world".into())],
        after: Some(parse_time("2015-11-15").expect("date")),
        ..Default::default()
    }
    .to_pb()
    .expect("a filter");
    assert_eq!(filter.languages, ["en"]);
    assert_eq!(filter.entity_types, [pb::EntityType::Person as i32]);
    assert_eq!(
        filter.attributes.get("desk").map(String::as_str),
        Some("world")
    );
    assert_eq!(
        filter.published_after.map(|t| t.seconds),
        Some(1_447_545_600)
    );
    assert!(parse_time("2015-11-15T18:00:00+01:00").is_ok());
    assert!(parse_time("Sunday").is_err());
}

#[test]
fn snippets_are_painted_on_a_terminal_and_plain_otherwise() {
    let highlight = pb::Highlight {
        field: "body".into(),
        fragment: "air strikes in Syria\nand Iraq".into(),
        spans: vec![
            pb::Span { begin: 15, end: 20 },
            // Not on a char boundary of the fragment: shown unpainted.
            pb::Span { begin: 40, end: 50 },
        ],
    };
    assert_eq!(
        paint_fragment(&highlight, Style::new(false)),
        "air strikes in Syria and Iraq"
    );
    assert_eq!(
        paint_fragment(&highlight, Style::new(true)),
        "air strikes in \x1b[1;33mSyria\x1b[0m and Iraq"
    );
    let response = pb::SearchResponse {
        hits: vec![pb::SearchHit {
            id: "doc-1".into(),
            score: 1.5,
            highlights: vec![highlight],
            ..Default::default()
        }],
        total_size: 1,
        facets: vec![pb::Facet {
            field: "language".into(),
            values: vec![pb::FacetValue {
                value: "en".into(),
                count: 1,
            }],
        }],
        next_page_token: "tok".into(),
        took: None,
    };
    let plain = render_results(&response, Style::new(false));
    assert!(!plain.contains('\x1b'), "{plain}");
    assert!(
        plain.contains("doc-1") && plain.contains("(no title)"),
        "{plain}"
    );
    assert!(plain.contains("language: en (1)"), "{plain}");
    assert!(
        plain.contains("1 of 1 hits") && plain.contains("--next tok"),
        "{plain}"
    );
}
