//! Helpers shared by the integration tests: a real server on 127.0.0.1:0, its
//! clients, and the seed documents.

use std::path::PathBuf;

use docsift::config::Config;
use docsift::proto::pb;
use tokio::sync::oneshot;
use tonic::transport::Channel;

/// A server running in this process on a loopback port.
pub struct TestServer {
    /// Where it listens.
    pub addr: std::net::SocketAddr,
    /// A channel to it.
    pub channel: Channel,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestServer {
    /// Starts a server with the default configuration.
    pub async fn start() -> TestServer {
        TestServer::start_with(Config::default()).await
    }

    /// Starts a server with a configuration (its `listen` is ignored).
    pub async fn start_with(config: Config) -> TestServer {
        TestServer::start_inner(config, None).await
    }

    /// Starts a server that also serves metrics; returns the metrics address.
    pub async fn start_with_metrics(config: Config) -> (TestServer, std::net::SocketAddr) {
        let metrics = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port for metrics");
        let metrics_addr = metrics.local_addr().expect("metrics address");
        (
            TestServer::start_inner(config, Some(metrics)).await,
            metrics_addr,
        )
    }

    async fn start_inner(config: Config, metrics: Option<tokio::net::TcpListener>) -> TestServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a loopback port");
        let addr = listener.local_addr().expect("local address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(docsift::server::run_with(
            config,
            listener,
            metrics,
            async move {
                let _ = stopped.await;
            },
        ));
        let channel = Channel::from_shared(format!("http://{addr}"))
            .expect("valid uri")
            .connect()
            .await
            .expect("connect to the test server");
        TestServer {
            addr,
            channel,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// A channel on a new connection of its own.
    pub async fn new_connection(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.addr))
            .expect("valid uri")
            .connect()
            .await
            .expect("connect to the test server")
    }

    /// An Analyzer client.
    pub fn analyzer(&self) -> pb::analyzer_client::AnalyzerClient<Channel> {
        pb::analyzer_client::AnalyzerClient::new(self.channel.clone())
    }

    /// A Documents client.
    pub fn documents(&self) -> pb::documents_client::DocumentsClient<Channel> {
        pb::documents_client::DocumentsClient::new(self.channel.clone())
    }

    /// A Search client.
    pub fn search(&self) -> pb::search_client::SearchClient<Channel> {
        pb::search_client::SearchClient::new(self.channel.clone())
    }

    /// Signals shutdown and waits for the server to return.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.expect("server task"),
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The path of a file in `seeds/`.
pub fn seed_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("seeds")
        .join(name)
}

/// The text of a file in `seeds/`.
pub fn seed(name: &str) -> String {
    std::fs::read_to_string(seed_path(name)).unwrap_or_else(|e| panic!("read seed {name}: {e}"))
}

/// The founding Reuters article.
pub fn founding_article() -> String {
    seed("000_3db58b10b3ad52bf.txt")
}

/// A plain-text document.
pub fn text_document(id: &str, text: &str) -> pb::Document {
    pb::Document {
        id: id.to_string(),
        content: Some(pb::document::Content::Text(text.to_string())),
        ..Default::default()
    }
}

/// Ingest options that wait until the document is searchable.
pub fn wait_for() -> Option<pb::IngestOptions> {
    Some(pb::IngestOptions {
        refresh: pb::Refresh::WaitFor as i32,
        ..Default::default()
    })
}

/// The field named by the BadRequest details of a status, if any.
pub fn bad_field(status: &tonic::Status) -> Option<String> {
    use tonic_types::StatusExt;
    status
        .get_details_bad_request()
        .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
}

/// Fetches a page over plain HTTP/1.1 from a loopback address.
pub async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("read the response");
    response
}
