//! API keys, scopes and tenants over a real connection.

use docsift::config::{ApiKeyConfig, Config, Scope};
use docsift::middleware::auth::hash_hex;
use docsift::proto::pb;
use tonic::Code;

use crate::util::{TestServer, text_document, wait_for};

const KEY_A: &str = "dsk_test_tenant_a_all";
const KEY_B: &str = "dsk_test_tenant_b_all";
const KEY_READ: &str = "dsk_test_tenant_a_read";
const KEY_ANALYZE: &str = "dsk_test_tenant_a_analyze";

fn key(id: &str, secret: &str, scopes: &[Scope], tenant: &str) -> ApiKeyConfig {
    ApiKeyConfig {
        id: id.into(),
        secret_sha256: hash_hex(secret),
        scopes: scopes.to_vec(),
        tenant: tenant.into(),
        rate_limit: None,
    }
}

async fn keyed_server() -> TestServer {
    let all = [Scope::Analyze, Scope::Read, Scope::Write];
    let config = Config {
        keys: vec![
            key("a", KEY_A, &all, "tenant-a"),
            key("b", KEY_B, &all, "tenant-b"),
            key("a-read", KEY_READ, &[Scope::Read], "tenant-a"),
            key("a-analyze", KEY_ANALYZE, &[Scope::Analyze], "tenant-a"),
        ],
        ..Config::default()
    };
    TestServer::start_with(config).await
}

/// Wraps a message in a request that carries `key` (if any).
fn with_key<T>(message: T, key: Option<&str>) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    if let Some(key) = key {
        let value = format!("Bearer {key}").parse().expect("header value");
        request.metadata_mut().insert("authorization", value);
    }
    request
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rpc {
    Analyze,
    AnalyzeStream,
    Ingest,
    IngestStream,
    GetDocument,
    DeleteDocument,
    ListDocuments,
    Search,
    SimilarDocuments,
    Watch,
}

impl Rpc {
    const ALL: [Rpc; 10] = [
        Rpc::Analyze,
        Rpc::AnalyzeStream,
        Rpc::Ingest,
        Rpc::IngestStream,
        Rpc::GetDocument,
        Rpc::DeleteDocument,
        Rpc::ListDocuments,
        Rpc::Search,
        Rpc::SimilarDocuments,
        Rpc::Watch,
    ];

    /// A key of tenant A that lacks the scope this RPC needs.
    fn wrong_scope_key(self) -> &'static str {
        match self {
            Rpc::Analyze | Rpc::AnalyzeStream => KEY_READ,
            Rpc::Ingest | Rpc::IngestStream | Rpc::DeleteDocument => KEY_READ,
            Rpc::GetDocument
            | Rpc::ListDocuments
            | Rpc::Search
            | Rpc::SimilarDocuments
            | Rpc::Watch => KEY_ANALYZE,
        }
    }

    /// Whether the RPC names a stored document by id.
    fn takes_id(self) -> bool {
        matches!(
            self,
            Rpc::GetDocument | Rpc::DeleteDocument | Rpc::SimilarDocuments
        )
    }
}

/// Runs one RPC with a key; for RPCs that take an id, on `id`. Streams are
/// read to their first answer.
async fn call(
    server: &TestServer,
    rpc: Rpc,
    key: Option<&str>,
    id: &str,
) -> Result<(), tonic::Status> {
    let text = "Angela Merkel met Emmanuel Macron in Berlin on Monday.";
    match rpc {
        Rpc::Analyze => {
            server
                .analyzer()
                .analyze(with_key(
                    pb::AnalyzeRequest {
                        document: Some(text_document("", text)),
                        options: None,
                    },
                    key,
                ))
                .await?;
        }
        Rpc::AnalyzeStream => {
            let items = tokio_stream::iter([pb::AnalyzeStreamRequest {
                document: Some(text_document("", text)),
                options: None,
            }]);
            let mut stream = server
                .analyzer()
                .analyze_stream(with_key(items, key))
                .await?
                .into_inner();
            stream.message().await?;
        }
        Rpc::Ingest => {
            server
                .documents()
                .ingest(with_key(
                    pb::IngestRequest {
                        document: Some(text_document("new-doc", text)),
                        options: None,
                    },
                    key,
                ))
                .await?;
        }
        Rpc::IngestStream => {
            let items = tokio_stream::iter([pb::IngestStreamRequest {
                document: Some(text_document("new-doc-2", text)),
                options: None,
            }]);
            let mut stream = server
                .documents()
                .ingest_stream(with_key(items, key))
                .await?
                .into_inner();
            stream.message().await?;
        }
        Rpc::GetDocument => {
            server
                .documents()
                .get_document(with_key(
                    pb::GetDocumentRequest {
                        id: id.into(),
                        ..Default::default()
                    },
                    key,
                ))
                .await?;
        }
        Rpc::DeleteDocument => {
            server
                .documents()
                .delete_document(with_key(
                    pb::DeleteDocumentRequest {
                        id: id.into(),
                        ..Default::default()
                    },
                    key,
                ))
                .await?;
        }
        Rpc::ListDocuments => {
            server
                .documents()
                .list_documents(with_key(pb::ListDocumentsRequest::default(), key))
                .await?;
        }
        Rpc::Search => {
            server
                .search()
                .search(with_key(
                    pb::SearchRequest {
                        query: "fox".into(),
                        ..Default::default()
                    },
                    key,
                ))
                .await?;
        }
        Rpc::SimilarDocuments => {
            server
                .search()
                .similar_documents(with_key(
                    pb::SimilarDocumentsRequest {
                        like: Some(pb::similar_documents_request::Like::Id(id.into())),
                        ..Default::default()
                    },
                    key,
                ))
                .await?;
        }
        Rpc::Watch => {
            server
                .search()
                .watch(with_key(pb::WatchRequest::default(), key))
                .await?;
        }
    }
    Ok(())
}

async fn ingest(server: &TestServer, key: &str, id: &str, text: &str) {
    server
        .documents()
        .ingest(with_key(
            pb::IngestRequest {
                document: Some(text_document(id, text)),
                options: wait_for(),
            },
            Some(key),
        ))
        .await
        .expect("ingest");
}

#[tokio::test]
async fn every_rpc_checks_key_scope_and_tenant() {
    let server = keyed_server().await;
    // A document of tenant A only, read by the id-based RPCs.
    ingest(
        &server,
        KEY_A,
        "only-a",
        "The quick brown fox jumps over the lazy dog in Paris.",
    )
    .await;

    for rpc in Rpc::ALL {
        // (case, key, id, expected code)
        let cases: [(&str, Option<&str>, &str, Code); 4] = [
            ("no key", None, "only-a", Code::Unauthenticated),
            (
                "bad key",
                Some("dsk_not_a_key"),
                "only-a",
                Code::Unauthenticated,
            ),
            (
                "wrong scope",
                Some(rpc.wrong_scope_key()),
                "only-a",
                Code::PermissionDenied,
            ),
            (
                "other tenant's document",
                Some(KEY_B),
                "only-a",
                Code::NotFound,
            ),
        ];
        for (case, key, id, expected) in cases {
            if case == "other tenant's document" && !rpc.takes_id() {
                continue;
            }
            let got = call(&server, rpc, key, id).await.expect_err(case);
            assert_eq!(got.code(), expected, "{rpc:?} with {case}: {got:?}");
        }
    }
    // The right key works for every RPC (Delete last: it removes the document).
    let delete_last = Rpc::ALL
        .into_iter()
        .filter(|r| *r != Rpc::DeleteDocument)
        .chain([Rpc::DeleteDocument]);
    for rpc in delete_last {
        let result = call(&server, rpc, Some(KEY_A), "only-a").await;
        assert!(result.is_ok(), "{rpc:?} with the right key: {result:?}");
    }
    // x-api-key works as well as a bearer token.
    let mut request = tonic::Request::new(pb::ListDocumentsRequest::default());
    request
        .metadata_mut()
        .insert("x-api-key", KEY_READ.parse().expect("header"));
    assert!(server.documents().list_documents(request).await.is_ok());
    // Health and reflection stay open.
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel.clone());
    assert!(
        health
            .check(tonic_health::pb::HealthCheckRequest::default())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn tenants_never_see_each_other() {
    let server = keyed_server().await;
    let words = "Storm Ciaran hit the coast of Portugal near Lisbon, officials said on Sunday.";
    ingest(&server, KEY_A, "same-id", words).await;
    ingest(&server, KEY_B, "same-id", words).await;
    ingest(
        &server,
        KEY_A,
        "a-only",
        "Lisbon storm damage was counted by officials.",
    )
    .await;

    for (key, tenant, expected_total) in [(KEY_A, "tenant-a", 2u64), (KEY_B, "tenant-b", 1)] {
        let stored = server
            .documents()
            .get_document(with_key(
                pb::GetDocumentRequest {
                    id: "same-id".into(),
                    ..Default::default()
                },
                Some(key),
            ))
            .await
            .expect("get")
            .into_inner();
        assert_eq!(stored.tenant, tenant);
        assert_eq!(stored.version, 1, "each tenant has its own first version");

        let list = server
            .documents()
            .list_documents(with_key(pb::ListDocumentsRequest::default(), Some(key)))
            .await
            .expect("list")
            .into_inner();
        assert_eq!(list.total_size, expected_total, "{tenant}");
        assert!(list.documents.iter().all(|d| d.tenant == tenant));

        let search = server
            .search()
            .search(with_key(
                pb::SearchRequest {
                    query: "lisbon storm".into(),
                    facets: vec!["entity.LOCATION".into()],
                    ..Default::default()
                },
                Some(key),
            ))
            .await
            .expect("search")
            .into_inner();
        assert_eq!(search.total_size, expected_total, "{tenant}");
        let lisbon = search
            .facets
            .iter()
            .flat_map(|f| f.values.iter())
            .find(|v| v.value == "Lisbon")
            .map(|v| v.count);
        assert_eq!(
            lisbon,
            Some(expected_total),
            "facets count only {tenant}'s documents"
        );

        let similar = server
            .search()
            .similar_documents(with_key(
                pb::SimilarDocumentsRequest {
                    like: Some(pb::similar_documents_request::Like::Text(words.into())),
                    ..Default::default()
                },
                Some(key),
            ))
            .await
            .expect("similar")
            .into_inner();
        assert!(similar.hits.len() as u64 <= expected_total);
    }

    // B deleting its copy leaves A's untouched; B cannot delete A's own document.
    server
        .documents()
        .delete_document(with_key(
            pb::DeleteDocumentRequest {
                id: "same-id".into(),
                ..Default::default()
            },
            Some(KEY_B),
        ))
        .await
        .expect("delete b");
    let err = server
        .documents()
        .delete_document(with_key(
            pb::DeleteDocumentRequest {
                id: "a-only".into(),
                ..Default::default()
            },
            Some(KEY_B),
        ))
        .await
        .expect_err("not b's");
    assert_eq!(err.code(), Code::NotFound);
    assert!(
        server
            .documents()
            .get_document(with_key(
                pb::GetDocumentRequest {
                    id: "same-id".into(),
                    ..Default::default()
                },
                Some(KEY_A),
            ))
            .await
            .is_ok()
    );

    // A watcher of tenant B never sees tenant A's documents.
    let mut watch = server
        .search()
        .watch(with_key(pb::WatchRequest::default(), Some(KEY_B)))
        .await
        .expect("watch")
        .into_inner();
    ingest(&server, KEY_A, "a-later", words).await;
    ingest(&server, KEY_B, "b-later", words).await;
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), watch.message())
        .await
        .expect("in time")
        .expect("item")
        .expect("open");
    assert_eq!(first.hit.expect("hit").id, "b-later");
}

#[tokio::test]
async fn no_keys_refuses_a_non_loopback_address() {
    // Binding the wildcard address sends no traffic anywhere; the server must
    // refuse before it serves a single call.
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0")
        .await
        .expect("bind");
    let err = docsift::server::run(Config::default(), listener, std::future::pending())
        .await
        .expect_err("refused");
    assert!(
        err.to_string().contains("--insecure-allow-anonymous"),
        "says how to proceed: {err}"
    );

    let listener = tokio::net::TcpListener::bind("0.0.0.0:0")
        .await
        .expect("bind");
    let config = Config {
        insecure_allow_anonymous: true,
        ..Config::default()
    };
    let started = docsift::server::run(config, listener, async {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    })
    .await;
    assert!(started.is_ok(), "{started:?}");
}

#[tokio::test]
async fn bursts_reach_resource_exhausted_across_connections() {
    use docsift::config::{RateLimit, RateLimits};
    use tonic_types::StatusExt;

    let config = Config {
        rate_limits: RateLimits {
            analyze: RateLimit {
                per_second: 1,
                burst: 3,
            },
            write: RateLimit {
                per_second: 1,
                burst: 3,
            },
            ..RateLimits::default()
        },
        ..Config::default()
    };
    let server = TestServer::start_with(config).await;
    let analyze = |channel: tonic::transport::Channel| async move {
        pb::analyzer_client::AnalyzerClient::new(channel)
            .analyze(pb::AnalyzeRequest {
                document: Some(text_document("", "A short note about Paris.")),
                options: None,
            })
            .await
    };
    // The burst is shared by every connection of the same caller (peer address).
    let mut results = Vec::new();
    for _ in 0..5 {
        results.push(analyze(server.new_connection().await).await);
    }
    let refused: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        results.iter().take(3).all(|r| r.is_ok()),
        "the burst passes: {results:?}"
    );
    assert_eq!(refused.len(), 2, "then callers are refused: {results:?}");
    let status = refused[0];
    assert_eq!(status.code(), Code::ResourceExhausted);
    let retry = status.get_details_retry_info().expect("RetryInfo");
    assert!(
        retry
            .retry_delay
            .is_some_and(|d| d > std::time::Duration::ZERO)
    );
    let quota = status.get_details_quota_failure().expect("QuotaFailure");
    assert!(
        quota.violations[0]
            .description
            .contains("requests per second")
    );
    assert!(status.metadata().get("retry-after").is_some());

    // Health is never limited.
    let mut health = tonic_health::pb::health_client::HealthClient::new(server.channel.clone());
    for _ in 0..10 {
        assert!(
            health
                .check(tonic_health::pb::HealthCheckRequest::default())
                .await
                .is_ok()
        );
    }

    // Every message of a client stream counts: five items against a burst of
    // three end the stream with RESOURCE_EXHAUSTED after the accepted ones.
    let items: Vec<_> = (0..5)
        .map(|i| pb::IngestStreamRequest {
            document: Some(text_document(
                &format!("burst-{i}"),
                "Rain fell on Lisbon today.",
            )),
            options: None,
        })
        .collect();
    let mut stream = server
        .documents()
        .ingest_stream(tokio_stream::iter(items))
        .await
        .expect("stream opens")
        .into_inner();
    let mut accepted = 0;
    let end = loop {
        match stream.message().await {
            Ok(Some(item)) => {
                assert_eq!(item.status.expect("status").code, 0);
                accepted += 1;
            }
            Ok(None) => break None,
            Err(status) => break Some(status),
        }
    };
    assert_eq!(accepted, 3, "the burst's items are answered");
    assert_eq!(end.map(|s| s.code()), Some(Code::ResourceExhausted));
}

#[tokio::test]
async fn metrics_are_scraped_over_http() {
    use docsift::config::{RateLimit, RateLimits};

    let config = Config {
        rate_limits: RateLimits {
            analyze: RateLimit {
                per_second: 1,
                burst: 1,
            },
            ..RateLimits::default()
        },
        ..Config::default()
    };
    let (server, metrics) = TestServer::start_with_metrics(config).await;
    ingest(
        &server,
        "unused",
        "m-1",
        "Floods hit Lisbon on Monday, officials said.",
    )
    .await;
    for _ in 0..2 {
        let _ = server
            .analyzer()
            .analyze(pb::AnalyzeRequest {
                document: Some(text_document("", "A short note about Paris.")),
                options: None,
            })
            .await;
    }
    let page = crate::util::http_get(metrics, "/metrics").await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    for expected in [
        r#"docsift_requests_total{method="/docsift.v1.Documents/Ingest",code="Ok"} 1"#,
        r#"docsift_requests_total{method="/docsift.v1.Analyzer/Analyze",code="Ok"} 1"#,
        r#"docsift_requests_total{method="/docsift.v1.Analyzer/Analyze",code="ResourceExhausted"} 1"#,
        r#"docsift_rate_limited_total{key="anonymous"} 1"#,
        r#"docsift_documents{tenant="default"} 1"#,
        "docsift_request_duration_seconds_bucket",
        "docsift_requests_in_flight",
        r#"docsift_index_bytes{tenant="default"}"#,
    ] {
        assert!(page.contains(expected), "missing {expected:?} in:\n{page}");
    }
}

/// A long text whose analysis takes a while even in a release build.
fn long_text() -> String {
    "Ben Rhodes said on Sunday that France and the United States would work together. "
        .repeat(5_000)
}

/// A text whose analysis outlasts the test's 300 ms wait in either build:
/// an optimised build analyses [`long_text`] in less (3.3 MB instead of
/// 410 KB there, under the 4 MB limit set).
fn slot_text() -> String {
    let times = if cfg!(debug_assertions) {
        5_000
    } else {
        40_000
    };
    "Ben Rhodes said on Sunday that France and the United States would work together. "
        .repeat(times)
}

#[tokio::test]
async fn deadlines_and_the_concurrency_limit_name_their_limit() {
    let mut config = Config::default();
    config.limits.max_document_bytes = 4 * 1024 * 1024;
    config.limits.request_timeout_ms = 1;
    let server = TestServer::start_with(config).await;
    let err = server
        .analyzer()
        .analyze(pb::AnalyzeRequest {
            document: Some(text_document("", &long_text())),
            options: None,
        })
        .await
        .expect_err("past the deadline");
    assert_eq!(err.code(), Code::DeadlineExceeded);
    assert!(err.message().contains("request_timeout_ms"), "{err:?}");

    // A client's own deadline (grpc-timeout) shorter than the server's wins.
    // tonic's client enforces its deadline itself, so the header goes on a
    // raw gRPC-Web request to see the server's answer.
    let mut config = Config::default();
    config.limits.max_document_bytes = 4 * 1024 * 1024;
    let server = TestServer::start_with(config).await;
    let body = {
        use prost::Message;
        let request = pb::AnalyzeRequest {
            document: Some(text_document("", &long_text())),
            options: None,
        }
        .encode_to_vec();
        let mut framed = vec![0u8];
        framed.extend((request.len() as u32).to_be_bytes());
        framed.extend(request);
        framed
    };
    let head = format!(
        "POST /docsift.v1.Analyzer/Analyze HTTP/1.1\r\nHost: test\r\n\
         Content-Type: application/grpc-web+proto\r\nGrpc-Timeout: 5m\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let response = crate::transport::http1(server.addr, &head, &body).await;
    let response = String::from_utf8_lossy(&response).to_lowercase();
    assert!(
        response.contains("grpc-status: 4"),
        "DEADLINE_EXCEEDED: {response}"
    );
    assert!(
        response.contains("grpc-timeout"),
        "names the client's deadline: {response}"
    );

    let mut config = Config::default();
    config.limits.max_document_bytes = 4 * 1024 * 1024;
    config.limits.max_concurrent_requests = 1;
    // The long call must finish however loaded the machine running the
    // tests is (a debug build): only the slot is under test here.
    config.limits.request_timeout_ms = 600_000;
    let server = TestServer::start_with(config).await;
    // The analysis of a long text is a large message.
    let mut slow_client = server
        .analyzer()
        .max_decoding_message_size(64 * 1024 * 1024);
    let slow = tokio::spawn(async move {
        slow_client
            .analyze(pb::AnalyzeRequest {
                document: Some(text_document("", &slot_text())),
                options: None,
            })
            .await
    });
    // Give the long call time to take the only slot; while it holds it, other
    // calls are shed at once.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut refused = None;
    while !slow.is_finished() {
        let quick = server
            .analyzer()
            .analyze(pb::AnalyzeRequest {
                document: Some(text_document("", "A short note.")),
                options: None,
            })
            .await;
        if let Err(status) = quick {
            refused = Some(status);
            break;
        }
    }
    let refused = refused.expect("a call was shed while the slot was taken");
    assert_eq!(refused.code(), Code::ResourceExhausted);
    assert!(
        refused.message().contains("max_concurrent_requests"),
        "{refused:?}"
    );
    let slow = slow.await.expect("task");
    assert!(slow.is_ok(), "the long call itself completes: {slow:?}");
}
