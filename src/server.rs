//! The gRPC server: every service and every layer composed in one place.
//!
//! [`run`] takes a bound listener and a shutdown future, so `main` binds the
//! configured address while tests bind port 0 and stop the server when they
//! are done.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::codec::CompressionEncoding;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};
use tonic_health::ServingStatus;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::api::analyzer::AnalyzerApi;
use crate::api::documents::DocumentsApi;
use crate::api::search::SearchApi;
use crate::config::Config;
use crate::engine::Engine;
use crate::metrics::{Metrics, TenantStats};
use crate::middleware::auth::{AuthLayer, KeyRing};
use crate::middleware::message_limit::MessageLimitLayer;
use crate::middleware::protect::ProtectLayer;
use crate::middleware::rate_limit::{Limiters, RateLimitLayer};
use crate::middleware::trace::TraceLayer;
use crate::proto::{FILE_DESCRIPTOR_SET, pb};
use crate::search::page_token::PageTokens;
use crate::store::memory::{MemoryStore, MemoryStoreConfig};

/// The fully qualified names of docsift's own services, as health reports them.
pub const SERVICE_NAMES: [&str; 3] = [
    "docsift.v1.Analyzer",
    "docsift.v1.Documents",
    "docsift.v1.Search",
];

/// Serves docsift on `listener` until `shutdown` resolves, then stops taking
/// new calls, ends Watch streams, waits up to the configured grace period for
/// in-flight calls, and returns.
pub async fn run(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let metrics_listener = match config.metrics_listen {
        Some(addr) => Some(
            TcpListener::bind(addr)
                .await
                .map_err(|e| anyhow::anyhow!("cannot listen for metrics on {addr}: {e}"))?,
        ),
        None => None,
    };
    run_with(config, listener, metrics_listener, shutdown).await
}

/// Like [`run`], with the metrics listener bound by the caller (tests bind
/// port 0); `None` serves no metrics, whatever the configuration says.
pub async fn run_with(
    config: Config,
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let store = MemoryStore::try_new(MemoryStoreConfig {
        refresh_interval: config.refresh_interval(),
        watch_buffer: config.watch_buffer,
        data_dir: config.data_dir.clone(),
        search_cache_bytes: config.search_cache_bytes(),
        ..MemoryStoreConfig::default()
    })
    .map_err(|e| match e {
        // The store's own failures (a data directory that cannot be opened,
        // is held by another process, or cannot be read) say what they are.
        crate::error::Error::Internal(message) => {
            anyhow::anyhow!("cannot create the store: {message}")
        }
        other => anyhow::anyhow!("cannot create the store: {other}"),
    })?;
    let page_tokens = if config.page_token_secret.is_empty() {
        PageTokens::random()
    } else {
        PageTokens::new(config.page_token_secret.as_bytes())
    };
    let engine = Arc::new(Engine::new(store, page_tokens));
    // Build the analysis tables (gazetteers, lexicons, regexes) before the
    // first call, so that call is as fast as every other.
    tokio::task::spawn_blocking(Engine::warm_up).await?;
    let limits = config.limits.clone();
    let max_message = limits.max_message_bytes;

    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_service_status("", ServingStatus::Serving).await;
    for name in SERVICE_NAMES {
        health
            .set_service_status(name, ServingStatus::Serving)
            .await;
    }

    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    let (down_tx, down_rx) = watch::channel(false);
    let metrics = match metrics_listener {
        Some(metrics_listener) => {
            let corpus = engine.clone();
            let metrics = Metrics::new(move || {
                corpus
                    .tenant_stats()
                    .into_iter()
                    .map(|t| TenantStats {
                        tenant: t.tenant,
                        documents: t.documents,
                        bytes: t.indexed_bytes,
                    })
                    .collect()
            });
            let address = metrics_listener.local_addr()?;
            let mut down = down_rx.clone();
            let stop = async move {
                let _ = down.wait_for(|d| *d).await;
            };
            let served = metrics.clone();
            tokio::spawn(async move {
                if let Err(err) = crate::metrics::serve(served, metrics_listener, stop).await {
                    tracing::error!(error = %err, "the metrics endpoint failed");
                }
            });
            tracing::info!(address = %address, "metrics at http://{address}/metrics");
            Some(metrics)
        }
        None => None,
    };
    // Every docsift service gets the same message limits and compression:
    // gzip and zstd accepted, and sent when the client accepts them.
    macro_rules! configure {
        ($service:expr) => {
            $service
                .max_decoding_message_size(max_message)
                .max_encoding_message_size(max_message)
                .accept_compressed(CompressionEncoding::Gzip)
                .accept_compressed(CompressionEncoding::Zstd)
                .send_compressed(CompressionEncoding::Gzip)
                .send_compressed(CompressionEncoding::Zstd)
        };
    }
    let analyzer = configure!(pb::analyzer_server::AnalyzerServer::new(AnalyzerApi::new(
        engine.clone(),
        limits.clone()
    )));
    let documents = configure!(pb::documents_server::DocumentsServer::new(
        DocumentsApi::new(engine.clone(), limits.clone())
    ));
    let search = configure!(crate::proto::search::search_server::SearchServer::new(
        SearchApi::new(engine, down_rx.clone())
    ));

    let signal_health = health.clone();
    let signal = async move {
        shutdown.await;
        tracing::info!("shutting down: draining in-flight calls");
        signal_health
            .set_service_status("", ServingStatus::NotServing)
            .await;
        for name in SERVICE_NAMES {
            signal_health
                .set_service_status(name, ServingStatus::NotServing)
                .await;
        }
        // Ends Watch streams, which would otherwise keep the drain waiting forever.
        let _ = down_tx.send(true);
    };

    let local = listener.local_addr()?;
    let keys = KeyRing::new(&config.keys);
    if keys.is_empty() {
        if !local.ip().is_loopback() && !config.insecure_allow_anonymous {
            anyhow::bail!(
                "refusing to serve without API keys on the non-loopback address {local}: \
                 configure keys (`docsift keys create`) or pass --insecure-allow-anonymous"
            );
        }
        tracing::warn!(
            address = %local,
            "no API keys configured: every caller is anonymous and uses the default tenant"
        );
    } else {
        tracing::info!(keys = config.keys.len(), "API keys required");
    }
    // Small gRPC answers must leave at once: without TCP_NODELAY, Nagle's
    // algorithm and the peer's delayed ACKs hold them back for ~40 ms.
    let incoming = TcpListenerStream::new(listener).map(|stream| {
        let stream = stream?;
        stream.set_nodelay(true)?;
        Ok::<_, std::io::Error>(Coalesced(stream))
    });
    let mut builder = Server::builder().accept_http1(config.grpc_web);
    if let Some(tls) = tls_config(&config)? {
        builder = builder
            .tls_config(tls)
            .map_err(|e| anyhow::anyhow!("invalid TLS configuration: {e}"))?;
        tracing::info!("serving TLS");
    }
    let serve = builder
        .layer(
            tower::ServiceBuilder::new()
                .option_layer(cors_layer(&config.cors_allowed_origins))
                .option_layer(config.grpc_web.then(tonic_web::GrpcWebLayer::new))
                .layer(TraceLayer::new(metrics.clone()))
                .layer(AuthLayer::new(keys, !config.protect_health_and_reflection))
                .layer(RateLimitLayer::new(
                    config
                        .rate_limits
                        .enabled
                        .then(|| Limiters::new(&config.rate_limits, &config.keys)),
                    metrics,
                ))
                .layer(ProtectLayer::new(
                    limits.max_concurrent_requests,
                    Duration::from_millis(limits.request_timeout_ms),
                ))
                .layer(MessageLimitLayer::new(max_message)),
        )
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(analyzer)
        .add_service(documents)
        .add_service(search)
        .serve_with_incoming_shutdown(incoming, signal);
    tracing::info!(address = %local, "docsift listening");

    tokio::pin!(serve);
    let mut down = down_rx;
    tokio::select! {
        result = &mut serve => result?,
        _ = async { let _ = down.wait_for(|d| *d).await; } => {
            let grace = Duration::from_secs(config.shutdown_grace_seconds);
            match tokio::time::timeout(grace, &mut serve).await {
                Ok(result) => result?,
                Err(_) => tracing::warn!(
                    grace_seconds = config.shutdown_grace_seconds,
                    "in-flight calls did not finish within the grace period; closing them"
                ),
            }
        }
    }
    tracing::info!("docsift stopped");
    Ok(())
}

/// The server's TLS settings, read from the configured PEM files.
fn tls_config(config: &Config) -> anyhow::Result<Option<ServerTlsConfig>> {
    let (Some(cert), Some(key)) = (&config.tls_cert, &config.tls_key) else {
        return Ok(None);
    };
    let read = |path: &std::path::Path, what: &str| {
        std::fs::read(path)
            .map_err(|e| anyhow::anyhow!("cannot read the TLS {what} {}: {e}", path.display()))
    };
    let mut tls = ServerTlsConfig::new().identity(Identity::from_pem(
        read(cert, "certificate")?,
        read(key, "key")?,
    ));
    if let Some(ca) = &config.tls_client_ca {
        tls = tls.client_ca_root(Certificate::from_pem(read(ca, "client CA")?));
    }
    Ok(Some(tls))
}

/// CORS for gRPC-Web calls from the configured browser origins; none when
/// no origin is configured (browsers then refuse cross-origin calls).
fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow_origin = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| http::HeaderValue::from_str(o).ok()),
        )
    };
    let header = http::HeaderName::from_static;
    Some(
        CorsLayer::new()
            .allow_origin(allow_origin)
            .allow_methods([http::Method::POST, http::Method::OPTIONS])
            .allow_headers([
                header("content-type"),
                header("x-grpc-web"),
                header("x-user-agent"),
                header("grpc-timeout"),
                header("authorization"),
                header("x-api-key"),
            ])
            .expose_headers([
                header("grpc-status"),
                header("grpc-message"),
                header("grpc-status-details-bin"),
                header("retry-after"),
            ])
            .max_age(Duration::from_secs(3600)),
    )
}

/// A client connection that tells HTTP/2 its writes are not vectored.
///
/// h2 copies a frame into its connection's write buffer when the frame is
/// small and queues a larger one to be written on its own: over vectored IO
/// "small" is up to 256 bytes, otherwise up to 1 KB. A page of ten search
/// hits is a few hundred bytes, so over vectored IO every answer cost a
/// write of its own; copied into the buffer, the answers of all the streams
/// ready at once leave in one write. Measured in BENCHMARKS.md ("Search
/// result cache and smaller answers").
struct Coalesced(tokio::net::TcpStream);

impl tokio::io::AsyncRead for Coalesced {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Coalesced {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        false
    }
}

impl tonic::transport::server::Connected for Coalesced {
    type ConnectInfo = tonic::transport::server::TcpConnectInfo;

    fn connect_info(&self) -> Self::ConnectInfo {
        self.0.connect_info()
    }
}
