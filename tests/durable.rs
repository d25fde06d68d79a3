//! A data directory under crashes: the `docsift` binary (the one cargo
//! builds for the tests, so debug under `cargo test`; `tests/interop/run.sh`
//! runs these tests again against the release binary through
//! `DOCSIFT_TEST_SERVER_BIN`) serves with `--data-dir`, is
//! killed with SIGKILL at random points while writes stream in, and is
//! restarted on the same directory; every acknowledged write must be there,
//! and nothing that was never sent. A second test searches before and after
//! a graceful restart and a SIGKILL: the same hits with the same scores (no
//! document is replaced or deleted there, so the index statistics BM25
//! scores with are the same before and after the rebuild at start-up).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use docsift::proto::pb;
use parking_lot::Mutex;
use rand::Rng;
use tokio::process::{Child, Command};
use tonic::transport::Channel;

use crate::util::{seed, text_document, wait_for};

/// A `docsift serve` child process.
struct Server {
    child: Child,
    channel: Channel,
}

impl Server {
    /// Starts the binary on a free loopback port over `data`, and waits
    /// until it answers (it loads the data directory first).
    async fn start(root: &Path, data: &Path, round: usize) -> Server {
        let config = root.join("docsift.toml");
        if !config.exists() {
            // Rate limits off: the test's writers should not be refused.
            std::fs::write(&config, "[rate_limits]\nenabled = false\n").expect("write config");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let log = std::fs::File::create(root.join(format!("server-{round}.log"))).expect("log");
        let binary = std::env::var_os("DOCSIFT_TEST_SERVER_BIN").map_or_else(
            || PathBuf::from(env!("CARGO_BIN_EXE_docsift")),
            PathBuf::from,
        );
        let child = Command::new(binary)
            .args(["serve", "--config"])
            .arg(&config)
            .args(["--listen", &addr, "--data-dir"])
            .arg(data)
            .env("DOCSIFT_LOG", "info")
            .env_remove("DOCSIFT_DATA_DIR")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("start the docsift binary");
        let started = Instant::now();
        loop {
            if let Ok(channel) = Channel::from_shared(format!("http://{addr}"))
                .expect("uri")
                .connect()
                .await
            {
                let mut documents = pb::documents_client::DocumentsClient::new(channel.clone());
                let listed = documents
                    .list_documents(pb::ListDocumentsRequest {
                        page_size: 1,
                        ..Default::default()
                    })
                    .await;
                if listed.is_ok() {
                    return Server { child, channel };
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "the server did not come up; see {}",
                root.display()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn documents(&self) -> pb::documents_client::DocumentsClient<Channel> {
        pb::documents_client::DocumentsClient::new(self.channel.clone())
    }

    fn search(&self) -> pb::search_client::SearchClient<Channel> {
        pb::search_client::SearchClient::new(self.channel.clone())
    }

    /// SIGKILL, then reap.
    async fn kill(mut self) {
        self.child.start_kill().expect("SIGKILL");
        self.child.wait().await.expect("reap");
    }

    /// SIGTERM (a graceful stop), then wait for the exit.
    async fn terminate(mut self) {
        let pid = self.child.id().expect("running");
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
        let exit = tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("the server stops on SIGTERM")
            .expect("reap");
        assert!(exit.success(), "{exit:?}");
    }
}

fn temp_root() -> PathBuf {
    let root = std::env::temp_dir().join(format!("docsift-durable-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&root).expect("temp dir");
    root
}

/// Every document the server holds: id → content.
async fn held(server: &Server) -> BTreeMap<String, String> {
    let mut documents = server.documents();
    let mut out = BTreeMap::new();
    let mut token = String::new();
    loop {
        let page = documents
            .list_documents(pb::ListDocumentsRequest {
                page_size: 1000,
                page_token: token.clone(),
                include_content: true,
                ..Default::default()
            })
            .await
            .expect("list")
            .into_inner();
        for stored in page.documents {
            let document = stored.document.expect("a document");
            let Some(pb::document::Content::Text(text)) = document.content else {
                panic!("{} has no text", document.id);
            };
            out.insert(document.id, text);
        }
        if page.next_page_token.is_empty() {
            return out;
        }
        token = page.next_page_token;
    }
}

/// One write a writer sent.
#[derive(Debug, Clone)]
enum Op {
    Put { id: String, content: String },
    Delete { id: String },
}

impl Op {
    fn id(&self) -> &str {
        match self {
            Op::Put { id, .. } | Op::Delete { id } => id,
        }
    }

    fn apply(&self, state: &mut BTreeMap<String, String>) {
        match self {
            Op::Put { id, content } => {
                state.insert(id.clone(), content.clone());
            }
            Op::Delete { id } => {
                state.remove(id);
            }
        }
    }
}

/// What one writer did in a round: its acknowledged writes in order, and
/// the one it had sent without an answer when the server died.
#[derive(Debug, Default)]
struct Log {
    acknowledged: Vec<Op>,
    in_flight: Option<Op>,
}

/// Writes until the server dies: puts of new ids, updates and deletes of
/// ids this writer owns, one at a time (so at most one is unanswered).
async fn writer(server_channel: Channel, round: usize, worker: usize, log: Arc<Mutex<Log>>) {
    let mut documents = pb::documents_client::DocumentsClient::new(server_channel);
    let mut owned: Vec<String> = Vec::new();
    for n in 0.. {
        let (op, seed) = {
            let mut rng = rand::rng();
            let roll = rng.random_range(0..10);
            let seed: u32 = rng.random();
            let op = if roll == 0 && !owned.is_empty() {
                let id = owned.swap_remove(rng.random_range(0..owned.len()));
                Op::Delete { id }
            } else if roll <= 2 && !owned.is_empty() {
                let id = owned[rng.random_range(0..owned.len())].clone();
                Op::Put {
                    content: format!("Update {seed} of {id}: the council met again on Tuesday."),
                    id,
                }
            } else {
                let id = format!("r{round}-w{worker}-{n}");
                owned.push(id.clone());
                Op::Put {
                    content: format!(
                        "Story {id} ({seed}). The minister said the harbour would reopen in May."
                    ),
                    id,
                }
            };
            (op, seed)
        };
        let _ = seed;
        log.lock().in_flight = Some(op.clone());
        let answered = match &op {
            Op::Put { id, content } => documents
                .ingest(pb::IngestRequest {
                    document: Some(text_document(id, content)),
                    options: None,
                })
                .await
                .map(|_| ()),
            Op::Delete { id } => documents
                .delete_document(pb::DeleteDocumentRequest {
                    id: id.clone(),
                    refresh: 0,
                })
                .await
                .map(|_| ()),
        };
        match answered {
            Ok(()) => {
                let mut log = log.lock();
                log.in_flight = None;
                log.acknowledged.push(op);
            }
            // The server died (or is dying): this write may or may not be kept.
            Err(_) => return,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_survives_sigkill_at_random_points() {
    const ROUNDS: usize = 4;
    const WRITERS: usize = 16;
    let root = temp_root();
    let data = root.join("data");
    // What the data directory must hold, as last checked.
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    let mut acknowledged_total = 0;
    let mut uncertain_total = 0;
    for round in 0..ROUNDS {
        let server = Server::start(&root, &data, round).await;
        assert_eq!(
            held(&server).await,
            expected,
            "round {round}: after restart"
        );
        let logs: Vec<Arc<Mutex<Log>>> = (0..WRITERS).map(|_| Arc::default()).collect();
        let tasks: Vec<_> = logs
            .iter()
            .enumerate()
            .map(|(worker, log)| {
                tokio::spawn(writer(
                    server.channel.clone(),
                    round,
                    worker,
                    Arc::clone(log),
                ))
            })
            .collect();
        let after = Duration::from_millis(rand::rng().random_range(300..2000));
        tokio::time::sleep(after).await;
        server.kill().await;
        for task in tasks {
            task.await.expect("writer");
        }

        // Every acknowledged write applies; an unanswered one may or may not.
        let mut uncertain: BTreeMap<String, Option<String>> = BTreeMap::new();
        for log in &logs {
            let log = log.lock();
            acknowledged_total += log.acknowledged.len();
            for op in &log.acknowledged {
                op.apply(&mut expected);
            }
            if let Some(op) = &log.in_flight {
                let mut with = expected.clone();
                op.apply(&mut with);
                uncertain.insert(op.id().to_string(), with.get(op.id()).cloned());
            }
        }
        uncertain_total += uncertain.len();
        let server = Server::start(&root, &data, round + ROUNDS).await;
        let mut actual = held(&server).await;
        for (id, if_kept) in &uncertain {
            let before = expected.get(id).cloned();
            let now = actual.get(id).cloned();
            assert!(
                now == before || now == *if_kept,
                "round {round}: {id} is {now:?}; expected {before:?} or, with the unanswered write, {if_kept:?}"
            );
            // Whatever the disk kept is the state from now on.
            match now {
                Some(content) => expected.insert(id.clone(), content),
                None => expected.remove(id),
            };
            actual.remove(id);
        }
        let mut certain = expected.clone();
        for id in uncertain.keys() {
            certain.remove(id);
        }
        assert_eq!(
            actual, certain,
            "round {round} (killed after {after:?}): every acknowledged write, nothing else"
        );
        server.kill().await;
    }
    assert!(
        acknowledged_total > 0,
        "the writers got writes acknowledged before the kills"
    );
    eprintln!(
        "{ROUNDS} rounds: {acknowledged_total} acknowledged writes, {uncertain_total} unanswered, {} documents kept",
        expected.len()
    );
    std::fs::remove_dir_all(&root).expect("clean up");
}

/// The ids and scores of a search, in order, and its total.
async fn results(server: &Server, query: &str) -> (Vec<(String, f32)>, u64) {
    let response = server
        .search()
        .search(pb::SearchRequest {
            query: query.to_string(),
            page_size: 20,
            ..Default::default()
        })
        .await
        .expect(query)
        .into_inner();
    (
        response
            .hits
            .into_iter()
            .map(|hit| (hit.id, hit.score))
            .collect(),
        response.total_size,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_answer_the_same_after_a_graceful_restart_and_after_sigkill() {
    let root = temp_root();
    let data = root.join("data");
    let server = Server::start(&root, &data, 0).await;
    let mut documents = server.documents();
    let seeds: Vec<_> = std::fs::read_dir(crate::util::seed_path(""))
        .expect("seeds")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .into_string()
                .expect("utf-8")
        })
        .filter(|name| name.ends_with(".txt"))
        .collect();
    assert!(seeds.len() >= 5, "the seed documents");
    for name in &seeds {
        documents
            .ingest(pb::IngestRequest {
                document: Some(text_document(name, &seed(name))),
                options: wait_for(),
            })
            .await
            .expect("ingest");
    }
    let queries = [
        "the",
        "said",
        "government",
        "\"prime minister\"",
        "market OR oil",
    ];
    let mut before = Vec::new();
    for query in queries {
        before.push(results(&server, query).await);
    }
    assert!(
        before.iter().any(|(hits, _)| !hits.is_empty()),
        "the queries find something"
    );
    let held_before = held(&server).await;
    assert_eq!(held_before.len(), seeds.len());

    server.terminate().await;
    let server = Server::start(&root, &data, 1).await;
    for (query, expected) in queries.iter().zip(&before) {
        assert_eq!(
            &results(&server, query).await,
            expected,
            "{query} after a graceful restart"
        );
    }
    assert_eq!(held(&server).await, held_before);

    server.kill().await;
    let server = Server::start(&root, &data, 2).await;
    for (query, expected) in queries.iter().zip(&before) {
        assert_eq!(
            &results(&server, query).await,
            expected,
            "{query} after SIGKILL"
        );
    }
    assert_eq!(held(&server).await, held_before);
    server.kill().await;
    std::fs::remove_dir_all(&root).expect("clean up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_data_directory_stops_with_a_clear_error() {
    let root = temp_root();
    let data = root.join("data");
    let server = Server::start(&root, &data, 0).await;
    let binary = std::env::var_os("DOCSIFT_TEST_SERVER_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_docsift")),
        PathBuf::from,
    );
    let second = Command::new(binary)
        .args(["serve", "--listen", "127.0.0.1:0", "--log-filter", "warn"])
        .env("DOCSIFT_DATA_DIR", &data)
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .expect("run the docsift binary");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot open the data directory {}: it is in use by another docsift process",
            data.display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    server.kill().await;
    std::fs::remove_dir_all(&root).expect("clean up");
}
