//! The flags every client command shares, the connection they describe, and
//! requests that carry the API key and the deadline.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

use super::Failure;
use super::status::describe;
use crate::proto::pb;

/// The server a client talks to when neither `--server` nor `DOCSIFT_SERVER`
/// says otherwise: `docsift serve`'s default listen address.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:50051";

/// Flags shared by every client command.
#[derive(Debug, Clone, Args)]
pub struct ConnectArgs {
    /// The server's URL (`http://HOST:PORT`, `https://` for TLS, or `HOST:PORT`).
    #[arg(long, env = "DOCSIFT_SERVER", default_value = DEFAULT_SERVER)]
    pub server: String,
    /// The API key, sent as `authorization: Bearer <key>`.
    #[arg(long, env = "DOCSIFT_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Speak TLS (implied by an `https://` URL); trusts the web's root CAs
    /// and `--ca-cert`.
    #[arg(long)]
    pub tls: bool,
    /// A PEM CA certificate to trust (for a server with a private CA); implies --tls.
    #[arg(long)]
    pub ca_cert: Option<PathBuf>,
    /// The deadline of each call and of connecting: `30s`, `500ms`, `2m` or
    /// seconds (streams of `ingest` and `watch` are not cut short by it).
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
}

/// Parses `500ms`, `30s`, `2m` or a plain number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60.0)
    } else {
        (text, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 500ms, 30s or 2m"))?;
    if !value.is_finite() || value <= 0.0 || value * scale > 86_400.0 {
        return Err(format!("{text:?} must be more than zero and at most a day"));
    }
    Ok(Duration::from_secs_f64(value * scale))
}

/// A connection to the server and what every request carries.
#[derive(Debug, Clone)]
pub struct Client {
    channel: Channel,
    key: Option<MetadataValue<Ascii>>,
    timeout: Duration,
    server: String,
}

impl Client {
    /// Connects to the server the flags name; a failure is one line with a hint.
    pub async fn connect(args: &ConnectArgs) -> Result<Client, Failure> {
        let key = match &args.api_key {
            Some(key) if !key.trim().is_empty() => Some(
                MetadataValue::try_from(format!("Bearer {}", key.trim())).map_err(|_| {
                    Failure::Usage(
                        "the API key (--api-key or DOCSIFT_API_KEY) holds characters a header cannot carry"
                            .into(),
                    )
                })?,
            ),
            _ => None,
        };
        let tls = args.tls || args.ca_cert.is_some();
        let url = server_url(&args.server, tls)?;
        let mut endpoint = Endpoint::from_shared(url.clone())
            .map_err(|e| Failure::Usage(format!("invalid server URL {:?}: {e}", args.server)))?
            .connect_timeout(args.timeout)
            .tcp_nodelay(true);
        if url.starts_with("https://") {
            let mut config = ClientTlsConfig::new().with_webpki_roots();
            if let Some(path) = &args.ca_cert {
                let pem = std::fs::read(path).map_err(|e| {
                    Failure::Usage(format!("cannot read --ca-cert {}: {e}", path.display()))
                })?;
                config = config.ca_certificate(Certificate::from_pem(pem));
            }
            endpoint = endpoint
                .tls_config(config)
                .map_err(|e| Failure::Usage(format!("TLS set-up failed: {e}")))?;
        }
        let channel = endpoint.connect().await.map_err(|e| {
            Failure::Failed(describe(
                &tonic::Status::unavailable(format!(
                    "cannot connect to {url}: {}",
                    error_chain(&e)
                )),
                &url,
                args.timeout,
            ))
        })?;
        Ok(Client {
            channel,
            key,
            timeout: args.timeout,
            server: url,
        })
    }

    /// A unary request: the key and the deadline.
    pub fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = self.stream_request(message);
        request.set_timeout(self.timeout);
        request
    }

    /// A streaming request: the key, no deadline (a stream runs as long as
    /// it has work, or until Ctrl-C).
    pub fn stream_request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        if let Some(key) = &self.key {
            request.metadata_mut().insert("authorization", key.clone());
        }
        request
    }

    /// A failed call as the one line to print.
    pub fn failure(&self, status: &tonic::Status) -> Failure {
        Failure::Failed(describe(status, &self.server, self.timeout))
    }

    /// The server's URL as connected to.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The Analyzer client.
    pub fn analyzer(&self) -> pb::analyzer_client::AnalyzerClient<Channel> {
        pb::analyzer_client::AnalyzerClient::new(self.channel.clone())
    }

    /// The Documents client.
    pub fn documents(&self) -> pb::documents_client::DocumentsClient<Channel> {
        pb::documents_client::DocumentsClient::new(self.channel.clone())
    }

    /// The Search client.
    pub fn search(&self) -> pb::search_client::SearchClient<Channel> {
        pb::search_client::SearchClient::new(self.channel.clone())
    }
}

/// The URL to connect to: `HOST:PORT` gets `http://` (`https://` with TLS);
/// `--tls` turns an `http://` URL into `https://`.
pub fn server_url(server: &str, tls: bool) -> Result<String, Failure> {
    let server = server.trim().trim_end_matches('/');
    if server.is_empty() {
        return Err(Failure::Usage(
            "--server (or DOCSIFT_SERVER) is empty; give a URL such as http://127.0.0.1:50051"
                .into(),
        ));
    }
    let url = if let Some(rest) = server.strip_prefix("http://") {
        if tls {
            format!("https://{rest}")
        } else {
            server.to_string()
        }
    } else if server.starts_with("https://") {
        server.to_string()
    } else if server.contains("://") {
        return Err(Failure::Usage(format!(
            "--server {server:?}: use an http:// or https:// URL"
        )));
    } else if tls {
        format!("https://{server}")
    } else {
        format!("http://{server}")
    };
    Ok(url)
}

/// An error and its causes on one line.
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
