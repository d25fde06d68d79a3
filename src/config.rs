//! The one configuration of a docsift server, built once in `main` and passed
//! down: defaults < TOML file < environment (`DOCSIFT_*`) < command-line flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The largest search result cache, in MiB (64 GiB: far beyond any sound
/// setting, so a typo in the unit is caught).
const MAX_SEARCH_CACHE_MB: u64 = 64 * 1024;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable, coloured on a terminal.
    #[default]
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Limits that protect the server from oversize requests. Each refusal names
/// the limit by the key used here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// The largest gRPC message the server accepts, in bytes.
    pub max_message_bytes: usize,
    /// The largest document content (text or raw bytes), in bytes.
    pub max_document_bytes: usize,
    /// The most items of one stream that are processed at the same time.
    pub max_stream_in_flight: usize,
    /// The most calls the server works on at once; more are refused at once.
    pub max_concurrent_requests: usize,
    /// The longest a call may take until its response starts, in
    /// milliseconds; a client's shorter `grpc-timeout` wins.
    pub request_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // A document of the largest size plus its metadata and framing.
            max_message_bytes: 12 * 1024 * 1024,
            // Every stage is linear in the text's length (the `stage_long`
            // benches), so a document this large is analysed in seconds.
            max_document_bytes: 10 * 1024 * 1024,
            max_stream_in_flight: 4,
            max_concurrent_requests: 1024,
            request_timeout_ms: 30_000,
        }
    }
}

/// A permission an API key can carry; each RPC needs one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Analyzer RPCs.
    Analyze,
    /// GetDocument, ListDocuments and the Search service.
    Read,
    /// Ingest, IngestStream and DeleteDocument.
    Write,
    /// Every RPC.
    Admin,
}

impl Scope {
    /// The scope's name in configuration and errors.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Analyze => "analyze",
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Admin => "admin",
        }
    }

    /// Parses a scope name.
    pub fn parse(name: &str) -> Option<Scope> {
        match name.trim().to_ascii_lowercase().as_str() {
            "analyze" => Some(Scope::Analyze),
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            "admin" => Some(Scope::Admin),
            _ => None,
        }
    }
}

/// One API key as configured: never the secret itself, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKeyConfig {
    /// A name for the key, used in logs (never the key itself).
    pub id: String,
    /// The lower-case hex SHA-256 of the whole key string.
    pub secret_sha256: String,
    /// What the key may do.
    pub scopes: Vec<Scope>,
    /// The tenant whose documents the key reads and writes.
    pub tenant: String,
    /// This key's own rate for every RPC, instead of the per-class defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
}

impl ApiKeyConfig {
    /// Parses the compact form used by `DOCSIFT_API_KEYS`:
    /// `ID:SHA256:SCOPE+SCOPE:TENANT`.
    pub fn parse_compact(entry: &str) -> Result<ApiKeyConfig, String> {
        let parts: Vec<&str> = entry.trim().split(':').collect();
        let [id, hash, scopes, tenant] = parts.as_slice() else {
            return Err(format!("{entry:?} is not ID:SHA256:SCOPE+SCOPE:TENANT"));
        };
        let scopes = scopes
            .split('+')
            .map(|s| Scope::parse(s).ok_or_else(|| format!("unknown scope {s:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ApiKeyConfig {
            id: id.to_string(),
            secret_sha256: hash.to_ascii_lowercase(),
            scopes,
            tenant: tenant.to_string(),
            rate_limit: None,
        })
    }
}

/// A rate: a sustained number of requests per second and a burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Requests (or stream messages) per second, sustained.
    pub per_second: u32,
    /// How many may come at once after a quiet period.
    pub burst: u32,
}

/// Default rate limits per class of RPC, for each caller (API key, or peer IP
/// address for anonymous callers). A key's own `rate_limit` replaces them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimits {
    /// Whether rate limits apply at all.
    pub enabled: bool,
    /// Analyzer RPCs.
    pub analyze: RateLimit,
    /// Reads: GetDocument, ListDocuments, Search.
    pub read: RateLimit,
    /// Writes: Ingest, IngestStream, DeleteDocument.
    pub write: RateLimit,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            enabled: true,
            analyze: RateLimit {
                per_second: 200,
                burst: 400,
            },
            read: RateLimit {
                per_second: 1000,
                burst: 2000,
            },
            write: RateLimit {
                per_second: 500,
                burst: 1000,
            },
        }
    }
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The address the gRPC server listens on.
    pub listen: SocketAddr,
    /// The log format.
    pub log_format: LogFormat,
    /// The log filter, in `tracing_subscriber::EnvFilter` syntax.
    pub log_filter: String,
    /// How soon, in milliseconds, an ingested document becomes searchable
    /// without `REFRESH_WAIT_FOR`.
    pub refresh_interval_ms: u64,
    /// How many documents a Watch stream may fall behind before it is ended.
    pub watch_buffer: usize,
    /// The most memory, in MiB, the search result cache holds (first pages
    /// of searches, kept until the next write or commit); 0 turns it off.
    pub search_cache_mb: u64,
    /// Where documents and their analyses persist. Unset: in RAM only, lost
    /// at exit. Set: loaded at start-up, and a write is acknowledged only
    /// once it is fsync'd there.
    pub data_dir: Option<PathBuf>,
    /// How long, in seconds, a shutdown waits for in-flight RPCs.
    pub shutdown_grace_seconds: u64,
    /// The secret that signs page tokens. Empty means a random secret per
    /// process, so tokens do not survive a restart.
    pub page_token_secret: String,
    /// Request limits.
    pub limits: Limits,
    /// API keys. With none, every caller is anonymous and belongs to the
    /// default tenant, which is allowed only on a loopback address unless
    /// `insecure_allow_anonymous` is set.
    pub keys: Vec<ApiKeyConfig>,
    /// Serve without API keys on a non-loopback address.
    pub insecure_allow_anonymous: bool,
    /// Whether health checks and reflection need a key (they are open by
    /// default so load balancers and grpcurl can use them).
    pub protect_health_and_reflection: bool,
    /// Rate limits per caller.
    pub rate_limits: RateLimits,
    /// Where to serve Prometheus metrics over HTTP (`/metrics`); off when unset.
    pub metrics_listen: Option<SocketAddr>,
    /// A PEM certificate chain: with `tls_key`, the server speaks TLS only.
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of `tls_cert`.
    pub tls_key: Option<PathBuf>,
    /// A PEM CA certificate: when set, clients must present a certificate it signed.
    pub tls_client_ca: Option<PathBuf>,
    /// Whether browsers may call the API with gRPC-Web (HTTP/1.1 and HTTP/2).
    pub grpc_web: bool,
    /// Origins allowed to call from a browser (CORS), e.g. "https://app.example.com";
    /// "*" allows any. Empty: no cross-origin calls.
    pub cors_allowed_origins: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 50051)),
            log_format: LogFormat::Pretty,
            log_filter: "info".to_string(),
            refresh_interval_ms: 1000,
            watch_buffer: 256,
            search_cache_mb: 16,
            data_dir: None,
            shutdown_grace_seconds: 30,
            page_token_secret: String::new(),
            limits: Limits::default(),
            keys: Vec::new(),
            insecure_allow_anonymous: false,
            protect_health_and_reflection: false,
            rate_limits: RateLimits::default(),
            metrics_listen: None,
            tls_cert: None,
            tls_key: None,
            tls_client_ca: None,
            grpc_web: true,
            cors_allowed_origins: Vec::new(),
        }
    }
}

/// Settings given on the command line; `None` leaves the lower layers' value.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Overrides {
    /// The address to listen on [env: DOCSIFT_LISTEN] [default: 127.0.0.1:50051].
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// The log format [env: DOCSIFT_LOG_FORMAT] [default: pretty].
    #[arg(long, value_enum)]
    pub log_format: Option<LogFormat>,
    /// A PEM certificate chain to serve TLS with (needs --tls-key) [env: DOCSIFT_TLS_CERT].
    #[arg(long)]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of --tls-cert [env: DOCSIFT_TLS_KEY].
    #[arg(long)]
    pub tls_key: Option<PathBuf>,
    /// A PEM CA that client certificates must be signed by [env: DOCSIFT_TLS_CLIENT_CA].
    #[arg(long)]
    pub tls_client_ca: Option<PathBuf>,
    /// Serve Prometheus metrics on this address, at /metrics [env: DOCSIFT_METRICS_LISTEN].
    #[arg(long)]
    pub metrics_listen: Option<SocketAddr>,
    /// Serve without API keys on a non-loopback address [env: DOCSIFT_INSECURE_ALLOW_ANONYMOUS].
    #[arg(long)]
    pub insecure_allow_anonymous: bool,
    /// The log filter, e.g. "info,docsift=debug" [env: DOCSIFT_LOG].
    #[arg(long)]
    pub log_filter: Option<String>,
    /// Keep documents in this directory, fsync'd before a write is
    /// acknowledged, and load them at start-up [env: DOCSIFT_DATA_DIR]
    /// [default: none, documents live in RAM only].
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Milliseconds until an ingested document is searchable [env: DOCSIFT_REFRESH_INTERVAL_MS].
    #[arg(long)]
    pub refresh_interval_ms: Option<u64>,
    /// The largest gRPC message in bytes [env: DOCSIFT_MAX_MESSAGE_BYTES].
    #[arg(long)]
    pub max_message_bytes: Option<usize>,
    /// The largest document content in bytes [env: DOCSIFT_MAX_DOCUMENT_BYTES].
    #[arg(long)]
    pub max_document_bytes: Option<usize>,
}

/// Why a configuration could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// The config file is not valid TOML for this configuration.
    #[error("invalid config file {path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An environment variable holds a value of the wrong form.
    #[error("invalid value {value:?} in environment variable {name}: {message}")]
    Env {
        /// The variable.
        name: String,
        /// Its value.
        value: String,
        /// What is wrong.
        message: String,
    },
    /// The combined configuration is not usable.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Builds the configuration from its layers. `file` is the TOML file, if
    /// any; `env` looks up environment variables (a parameter so tests need not
    /// touch the process environment).
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
        flags: &Overrides,
    ) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        config.apply_env(env)?;
        config.apply_flags(flags);
        config.validate()?;
        Ok(config)
    }

    /// Reads a TOML file over the defaults.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::from_toml(&text).map_err(|message| ConfigError::Parse {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parses TOML text over the defaults.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &str, value: String) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            value.trim().parse::<T>().map_err(|e| ConfigError::Env {
                name: name.to_string(),
                value: value.clone(),
                message: e.to_string(),
            })
        }
        if let Some(v) = env("DOCSIFT_LISTEN") {
            self.listen = parse("DOCSIFT_LISTEN", v)?;
        }
        if let Some(v) = env("DOCSIFT_LOG_FORMAT") {
            self.log_format = match v.trim().to_ascii_lowercase().as_str() {
                "pretty" => LogFormat::Pretty,
                "json" => LogFormat::Json,
                _ => {
                    return Err(ConfigError::Env {
                        name: "DOCSIFT_LOG_FORMAT".into(),
                        value: v,
                        message: "expected pretty or json".into(),
                    });
                }
            };
        }
        if let Some(v) = env("DOCSIFT_LOG") {
            self.log_filter = v;
        }
        if let Some(v) = env("DOCSIFT_REFRESH_INTERVAL_MS") {
            self.refresh_interval_ms = parse("DOCSIFT_REFRESH_INTERVAL_MS", v)?;
        }
        if let Some(v) = env("DOCSIFT_DATA_DIR") {
            self.data_dir = Some(PathBuf::from(v));
        }
        if let Some(v) = env("DOCSIFT_WATCH_BUFFER") {
            self.watch_buffer = parse("DOCSIFT_WATCH_BUFFER", v)?;
        }
        if let Some(v) = env("DOCSIFT_SEARCH_CACHE_MB") {
            self.search_cache_mb = parse("DOCSIFT_SEARCH_CACHE_MB", v)?;
        }
        if let Some(v) = env("DOCSIFT_SHUTDOWN_GRACE_SECONDS") {
            self.shutdown_grace_seconds = parse("DOCSIFT_SHUTDOWN_GRACE_SECONDS", v)?;
        }
        if let Some(v) = env("DOCSIFT_PAGE_TOKEN_SECRET") {
            self.page_token_secret = v;
        }
        if let Some(v) = env("DOCSIFT_MAX_MESSAGE_BYTES") {
            self.limits.max_message_bytes = parse("DOCSIFT_MAX_MESSAGE_BYTES", v)?;
        }
        if let Some(v) = env("DOCSIFT_MAX_CONCURRENT_REQUESTS") {
            self.limits.max_concurrent_requests = parse("DOCSIFT_MAX_CONCURRENT_REQUESTS", v)?;
        }
        if let Some(v) = env("DOCSIFT_REQUEST_TIMEOUT_MS") {
            self.limits.request_timeout_ms = parse("DOCSIFT_REQUEST_TIMEOUT_MS", v)?;
        }
        if let Some(v) = env("DOCSIFT_MAX_DOCUMENT_BYTES") {
            self.limits.max_document_bytes = parse("DOCSIFT_MAX_DOCUMENT_BYTES", v)?;
        }
        if let Some(v) = env("DOCSIFT_API_KEYS") {
            // The environment's keys replace the file's, like every other setting.
            self.keys = v
                .split([';', ' ', '\n', '\t'])
                .filter(|e| !e.trim().is_empty())
                .map(ApiKeyConfig::parse_compact)
                .collect::<Result<_, _>>()
                .map_err(|message| ConfigError::Env {
                    name: "DOCSIFT_API_KEYS".into(),
                    value: "(hidden)".into(),
                    message,
                })?;
        }
        if let Some(v) = env("DOCSIFT_TLS_CERT") {
            self.tls_cert = Some(PathBuf::from(v));
        }
        if let Some(v) = env("DOCSIFT_TLS_KEY") {
            self.tls_key = Some(PathBuf::from(v));
        }
        if let Some(v) = env("DOCSIFT_TLS_CLIENT_CA") {
            self.tls_client_ca = Some(PathBuf::from(v));
        }
        if let Some(v) = env("DOCSIFT_CORS_ALLOWED_ORIGINS") {
            self.cors_allowed_origins = v
                .split(',')
                .map(str::trim)
                .filter(|o| !o.is_empty())
                .map(str::to_string)
                .collect();
        }
        if let Some(v) = env("DOCSIFT_METRICS_LISTEN") {
            self.metrics_listen = Some(parse("DOCSIFT_METRICS_LISTEN", v)?);
        }
        if let Some(v) = env("DOCSIFT_INSECURE_ALLOW_ANONYMOUS") {
            self.insecure_allow_anonymous = parse("DOCSIFT_INSECURE_ALLOW_ANONYMOUS", v)?;
        }
        Ok(())
    }

    fn apply_flags(&mut self, flags: &Overrides) {
        if let Some(v) = flags.listen {
            self.listen = v;
        }
        if let Some(v) = flags.log_format {
            self.log_format = v;
        }
        if let Some(v) = &flags.log_filter {
            self.log_filter = v.clone();
        }
        if let Some(v) = &flags.tls_cert {
            self.tls_cert = Some(v.clone());
        }
        if let Some(v) = &flags.tls_key {
            self.tls_key = Some(v.clone());
        }
        if let Some(v) = &flags.tls_client_ca {
            self.tls_client_ca = Some(v.clone());
        }
        if let Some(v) = flags.metrics_listen {
            self.metrics_listen = Some(v);
        }
        if flags.insecure_allow_anonymous {
            self.insecure_allow_anonymous = true;
        }
        if let Some(v) = flags.refresh_interval_ms {
            self.refresh_interval_ms = v;
        }
        if let Some(v) = &flags.data_dir {
            self.data_dir = Some(v.clone());
        }
        if let Some(v) = flags.max_message_bytes {
            self.limits.max_message_bytes = v;
        }
        if let Some(v) = flags.max_document_bytes {
            self.limits.max_document_bytes = v;
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err(ConfigError::Invalid(
                "tls_cert and tls_key go together: set both or neither".into(),
            ));
        }
        if self.tls_client_ca.is_some() && self.tls_cert.is_none() {
            return Err(ConfigError::Invalid(
                "tls_client_ca needs tls_cert and tls_key".into(),
            ));
        }
        for origin in &self.cors_allowed_origins {
            if origin != "*" && http::HeaderValue::from_str(origin).is_err() {
                return Err(ConfigError::Invalid(format!(
                    "cors_allowed_origins: {origin:?} is not a valid origin"
                )));
            }
        }
        let mut ids = std::collections::BTreeSet::new();
        for (i, key) in self.keys.iter().enumerate() {
            let name = format!("keys[{i}] ({:?})", key.id);
            if key.id.trim().is_empty() || !ids.insert(key.id.as_str()) {
                return Err(ConfigError::Invalid(format!(
                    "{name}: every key needs a unique, non-empty id"
                )));
            }
            if key.secret_sha256.len() != 64
                || !key.secret_sha256.bytes().all(|b| b.is_ascii_hexdigit())
            {
                return Err(ConfigError::Invalid(format!(
                    "{name}: secret_sha256 must be 64 hex digits (docsift keys create prints it)"
                )));
            }
            if key.scopes.is_empty() {
                return Err(ConfigError::Invalid(format!(
                    "{name}: scopes must name at least one of analyze, read, write, admin"
                )));
            }
            if let Some(rate) = key.rate_limit
                && (rate.per_second == 0 || rate.burst == 0)
            {
                return Err(ConfigError::Invalid(format!(
                    "{name}: rate_limit per_second and burst must be at least 1"
                )));
            }
            if key.tenant.trim().is_empty() {
                return Err(ConfigError::Invalid(format!(
                    "{name}: tenant must not be empty"
                )));
            }
        }
        let limits = &self.limits;
        if limits.max_message_bytes < 1024 {
            return Err(ConfigError::Invalid(
                "limits.max_message_bytes must be at least 1024".into(),
            ));
        }
        if limits.max_document_bytes == 0 || limits.max_document_bytes > limits.max_message_bytes {
            return Err(ConfigError::Invalid(
                "limits.max_document_bytes must be between 1 and limits.max_message_bytes".into(),
            ));
        }
        if limits.max_concurrent_requests == 0 || limits.request_timeout_ms == 0 {
            return Err(ConfigError::Invalid(
                "limits.max_concurrent_requests and limits.request_timeout_ms must be at least 1"
                    .into(),
            ));
        }
        if limits.max_stream_in_flight == 0 {
            return Err(ConfigError::Invalid(
                "limits.max_stream_in_flight must be at least 1".into(),
            ));
        }
        for (class, rate) in [
            ("analyze", self.rate_limits.analyze),
            ("read", self.rate_limits.read),
            ("write", self.rate_limits.write),
        ] {
            if rate.per_second == 0 || rate.burst == 0 {
                return Err(ConfigError::Invalid(format!(
                    "rate_limits.{class}: per_second and burst must be at least 1"
                )));
            }
        }
        if self.watch_buffer == 0 {
            return Err(ConfigError::Invalid(
                "watch_buffer must be at least 1".into(),
            ));
        }
        if self.search_cache_mb > MAX_SEARCH_CACHE_MB {
            return Err(ConfigError::Invalid(format!(
                "search_cache_mb must be at most {MAX_SEARCH_CACHE_MB}"
            )));
        }
        Ok(())
    }

    /// The refresh interval as a duration.
    pub fn refresh_interval(&self) -> Duration {
        Duration::from_millis(self.refresh_interval_ms)
    }

    /// The search result cache's bound in bytes.
    pub fn search_cache_bytes(&self) -> u64 {
        self.search_cache_mb.saturating_mul(1024 * 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order() {
        let toml = "listen = \"127.0.0.1:6000\"\nrefresh_interval_ms = 200\n[limits]\nmax_document_bytes = 2048\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docsift.toml");
        std::fs::write(&path, toml).unwrap();

        let env = |name: &str| match name {
            "DOCSIFT_LISTEN" => Some("127.0.0.1:7000".to_string()),
            "DOCSIFT_REFRESH_INTERVAL_MS" => Some("300".to_string()),
            _ => None,
        };
        let flags = Overrides {
            listen: Some("127.0.0.1:8000".parse().unwrap()),
            ..Overrides::default()
        };
        let config = Config::load(Some(&path), env, &flags).unwrap();
        assert_eq!(config.listen.port(), 8000, "flags beat env");
        assert_eq!(config.refresh_interval_ms, 300, "env beats file");
        assert_eq!(
            config.limits.max_document_bytes, 2048,
            "file beats defaults"
        );
        assert_eq!(config.log_format, LogFormat::Pretty, "defaults stay");
    }

    #[test]
    fn data_dir_comes_from_file_env_or_flag() {
        assert_eq!(Config::default().data_dir, None, "RAM only by default");
        let file = Config::from_toml("data_dir = \"/var/lib/docsift\"").unwrap();
        assert_eq!(file.data_dir, Some(PathBuf::from("/var/lib/docsift")));
        let env = |name: &str| (name == "DOCSIFT_DATA_DIR").then(|| "/srv/env".to_string());
        let config = Config::load(None, env, &Overrides::default()).unwrap();
        assert_eq!(config.data_dir, Some(PathBuf::from("/srv/env")));
        let flags = Overrides {
            data_dir: Some(PathBuf::from("/srv/flag")),
            ..Overrides::default()
        };
        let config = Config::load(None, env, &flags).unwrap();
        assert_eq!(
            config.data_dir,
            Some(PathBuf::from("/srv/flag")),
            "flags beat env"
        );
    }

    #[test]
    fn the_search_cache_is_sized_in_mib_and_bounded() {
        assert_eq!(Config::default().search_cache_bytes(), 16 * 1024 * 1024);
        let off = Config::from_toml("search_cache_mb = 0").unwrap();
        assert_eq!(off.search_cache_bytes(), 0);
        let env = |name: &str| (name == "DOCSIFT_SEARCH_CACHE_MB").then(|| "64".to_string());
        let config = Config::load(None, env, &Overrides::default()).unwrap();
        assert_eq!(config.search_cache_bytes(), 64 * 1024 * 1024);
        let huge = Config::from_toml("search_cache_mb = 100000000").unwrap();
        let err = huge.validate().unwrap_err();
        assert!(err.to_string().contains("search_cache_mb"), "{err}");
    }

    #[test]
    fn bad_values_are_named() {
        let env = |name: &str| (name == "DOCSIFT_LISTEN").then(|| "nowhere".to_string());
        let err = Config::load(None, env, &Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("DOCSIFT_LISTEN"), "{err}");
        assert!(Config::from_toml("no_such_key = 1").is_err());
        assert!(Config::from_toml("[limits]\nmax_document_bytes = \"x\"").is_err());
    }
}
