//! The load generator against a real server on 127.0.0.1:0, every scenario
//! briefly. No timing assertions.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;

use super::corpus::CorpusDoc;
use super::loadgen::{self, LoadOptions, Mix, Scenario, Stop};
use super::queries;
use crate::config::Config;

fn docs() -> Vec<CorpusDoc> {
    (0..12)
        .map(|i| CorpusDoc {
            id: format!("bench-{i}"),
            title: format!("Cocoa review number {i}"),
            body: format!(
                "Showers continued in Bahia, Comissaria Smith said on Monday. \
                 Arrivals were {i} thousand bags. \"Prices will rise,\" said Ana Lopes \
                 of Northwind Robotics Inc. in Sao Paulo."
            ),
        })
        .collect()
}

struct Server {
    url: String,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn start() -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    let mut config = Config::default();
    config.rate_limits.enabled = false;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(crate::server::run(config, listener, async move {
        let _ = stopped.await;
    }));
    Server {
        url: format!("http://{addr}"),
        stop: Some(stop),
        task,
    }
}

impl Server {
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(10), self.task).await;
    }
}

fn options(url: &str, scenario: Scenario, docs: &[CorpusDoc]) -> LoadOptions {
    LoadOptions {
        server: url.to_string(),
        scenario,
        concurrency: 4,
        connections: 2,
        stop: Stop::Requests(20),
        warmup: Duration::ZERO,
        api_key: None,
        queries: queries::derive(docs, 50),
        mix: Mix::default(),
        skip_analysis: false,
        no_highlight: false,
        raw_hits: false,
        progress: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_scenario_runs_without_errors() {
    let server = start().await;
    let docs = Arc::new(docs());
    // (scenario, skip analysis, no highlight)
    for (scenario, skip_analysis, no_highlight) in [
        (Scenario::Health, false, false),
        (Scenario::Analyze, false, false),
        (Scenario::Ingest, false, false),
        (Scenario::Ingest, true, false),
        (Scenario::IngestStream, false, false),
        (Scenario::IngestStream, true, false),
        (Scenario::Search, false, false),
        (Scenario::Search, false, true),
        (Scenario::Mixed, false, false),
    ] {
        let mut opts = options(&server.url, scenario, &docs);
        opts.skip_analysis = skip_analysis;
        opts.no_highlight = no_highlight;
        let report = loadgen::run(opts, Arc::clone(&docs))
            .await
            .unwrap_or_else(|e| panic!("{scenario:?}: {e}"));
        assert_eq!(report.scenario, scenario.name());
        assert_eq!(report.requests, 20, "{report:?}");
        assert!(
            report.errors.is_empty(),
            "{scenario:?}: {:?}",
            report.errors
        );
        assert!(report.throughput_per_s > 0.0, "{report:?}");
        assert!(report.latency_ms.p50 > 0.0, "{report:?}");
        assert!(report.latency_ms.p50 <= report.latency_ms.p99, "{report:?}");
        assert!(report.latency_ms.p99 <= report.latency_ms.max, "{report:?}");
        let ingests = matches!(
            scenario,
            Scenario::Ingest | Scenario::IngestStream | Scenario::Mixed
        );
        assert_eq!(report.docs_per_s.is_some(), ingests, "{report:?}");
        assert_eq!(
            report.corpus_raw_text_bytes.is_some(),
            ingests,
            "{report:?}"
        );
        if scenario == Scenario::Mixed {
            let calls: u64 = report.operations.values().map(|o| o.requests).sum();
            assert_eq!(calls, 20, "{report:?}");
            assert!(report.operations.contains_key("search"), "{report:?}");
        }
        let json = serde_json::to_value(&report).expect("json");
        assert!(json["latency_ms"]["p99"].is_number(), "{json}");
        assert!(json["errors"].is_object(), "{json}");
        assert!(report.table().contains("throughput"));
    }
    // A duration-bound run with a warm-up stops on its own.
    let mut opts = options(&server.url, Scenario::Health, &docs);
    opts.stop = Stop::Duration(Duration::from_millis(200));
    opts.warmup = Duration::from_millis(50);
    let report = loadgen::run(opts, Arc::clone(&docs)).await.expect("health");
    assert!(
        report.requests > 0 && report.errors.is_empty(),
        "{report:?}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_count_their_hits_whole_or_as_raw_bytes_alike() {
    let server = start().await;
    let docs = Arc::new(docs());
    let mut opts = options(&server.url, Scenario::Ingest, &docs);
    opts.stop = Stop::Requests(docs.len() as u64);
    let report = loadgen::run(opts, Arc::clone(&docs)).await.expect("ingest");
    assert!(report.errors.is_empty(), "{report:?}");
    assert_eq!(report.hits_per_search, None, "no searches");
    let hits = |raw_hits: bool| {
        let mut opts = options(&server.url, Scenario::Search, &docs);
        opts.raw_hits = raw_hits;
        let docs = Arc::clone(&docs);
        async move {
            let report = loadgen::run(opts, docs).await.expect("search");
            assert!(report.errors.is_empty(), "{report:?}");
            report.hits_per_search.expect("hits per search")
        }
    };
    // The ingest becomes searchable with the next refresh.
    let mut counted = 0.0;
    for _ in 0..100 {
        counted = hits(false).await;
        if counted > 0.0 && hits(false).await == counted {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(counted > 0.0, "the queries come from the corpus");
    assert_eq!(hits(true).await, counted);
    server.stop().await;
}

#[tokio::test]
async fn errors_are_counted_by_code_and_bad_servers_are_clear() {
    let server = start().await;
    let docs = Arc::new(vec![CorpusDoc {
        id: "bad id with spaces".into(),
        title: String::new(),
        body: "Some text.".into(),
    }]);
    let mut opts = options(&server.url, Scenario::Ingest, &docs);
    opts.stop = Stop::Requests(5);
    let report = loadgen::run(opts, Arc::clone(&docs)).await.expect("run");
    assert_eq!(
        report.errors.get("INVALID_ARGUMENT"),
        Some(&5),
        "{report:?}"
    );
    let mut opts = options(&server.url, Scenario::IngestStream, &docs);
    opts.stop = Stop::Requests(5);
    opts.concurrency = 1;
    let report = loadgen::run(opts, Arc::clone(&docs)).await.expect("run");
    assert_eq!(
        report.errors.get("INVALID_ARGUMENT"),
        Some(&5),
        "{report:?}"
    );
    server.stop().await;

    // Nothing listens on a port just freed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let opts = options(&format!("http://{addr}"), Scenario::Health, &docs);
    let err = loadgen::run(opts, docs).await.expect_err("unreachable");
    assert!(err.starts_with("cannot connect to"), "{err}");
    assert!("search=80,ingest=x".parse::<Mix>().is_err());
    assert!("bogus=1".parse::<Mix>().is_err());
    assert!("search=0".parse::<Mix>().is_err());
}
