//! The `docsift` command: `docsift serve` runs the gRPC server; `docsift
//! analyze`, `ingest`, `search`, `watch`, `get`, `delete` and `list` are its
//! command-line client (see [`docsift::client`]); `docsift bench` measures
//! one (see [`docsift::bench`]); `docsift eval` scores the analysis on gold
//! data (see [`docsift::eval`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use docsift::config::{Config, LogFormat, Overrides, Scope};
use tracing_subscriber::EnvFilter;

/// jemalloc instead of the system allocator: the server allocates from many
/// threads (runtime workers, the blocking pool, the index writer), and
/// glibc kept far more memory resident than was live (measured in
/// BENCHMARKS.md). Its background thread (on by the crate's feature) returns
/// freed pages to the system, after the decay set in `.cargo/config.toml`.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// docsift: document analysis and search over gRPC.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the gRPC server with the embedded store (in RAM; kept on disk with --data-dir).
    Serve {
        /// A TOML config file [env: DOCSIFT_CONFIG].
        #[arg(long, env = "DOCSIFT_CONFIG")]
        config: Option<PathBuf>,
        #[command(flatten)]
        overrides: Overrides,
    },
    /// The command-line client: talks to a running server over gRPC.
    #[command(flatten)]
    Client(docsift::client::ClientCommand),
    /// Manages API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Benchmarks: drives a running server over gRPC (`--scenario`), or runs
    /// the pipeline or the index in process (`pipeline`, `index`).
    Bench(docsift::bench::BenchArgs),
    /// Scores the analysis on gold data (`ner`, `langid`, `quotes`).
    Eval(docsift::eval::EvalArgs),
    /// Trains the learned parts of the analysis (`ner`, `df`).
    Train(docsift::eval::TrainArgs),
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Prints a new random API key once, with the config entry to paste.
    Create {
        /// The tenant whose documents the key reads and writes.
        #[arg(long)]
        tenant: String,
        /// Comma-separated scopes: analyze, read, write, admin.
        #[arg(long, value_delimiter = ',', required = true)]
        scopes: Vec<String>,
        /// A name for the key in logs [default: a random one].
        #[arg(long)]
        id: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Client(command) => docsift::client::run(command),
        Command::Bench(args) => docsift::bench::run(args),
        Command::Eval(args) => docsift::eval::run(args),
        Command::Train(args) => docsift::eval::run_train(args),
        Command::Keys(KeysCommand::Create { tenant, scopes, id }) => {
            match create_key(&tenant, &scopes, id) {
                Ok(text) => docsift::client::print_out(&text),
                Err(message) => {
                    eprintln!("docsift: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Serve { config, overrides } => {
            let config = match Config::load(
                config.as_deref(),
                |name| std::env::var(name).ok(),
                &overrides,
            ) {
                Ok(config) => config,
                Err(err) => {
                    eprintln!("docsift: {err}");
                    return ExitCode::from(2);
                }
            };
            init_tracing(&config);
            match serve(config) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    tracing::error!("{err:#}");
                    eprintln!("docsift: {err:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Makes a key and the text that shows it once with its config entry.
fn create_key(tenant: &str, scopes: &[String], id: Option<String>) -> Result<String, String> {
    let tenant = tenant.trim();
    if tenant.is_empty() {
        return Err("--tenant must not be empty".into());
    }
    let mut parsed = Vec::new();
    for scope in scopes {
        let scope = Scope::parse(scope)
            .ok_or_else(|| format!("unknown scope {scope:?}; use analyze, read, write or admin"))?;
        if !parsed.contains(&scope) {
            parsed.push(scope);
        }
    }
    let id = id.unwrap_or_else(|| format!("key-{:08x}", rand::random::<u32>()));
    if id.contains([':', '"', ';']) || id.trim().is_empty() {
        return Err("--id must be non-empty and hold no ':', ';' or '\"'".into());
    }
    let (key, hash) = docsift::middleware::auth::generate_key();
    let names: Vec<&str> = parsed.iter().map(|s| s.as_str()).collect();
    let toml_scopes: Vec<String> = names.iter().map(|s| format!("\"{s}\"")).collect();
    Ok(format!(
        "API key (shown only now; the server keeps only its hash):\n\n  {key}\n\n\
         Add to the config file:\n\n\
         [[keys]]\nid = \"{id}\"\nsecret_sha256 = \"{hash}\"\nscopes = [{}]\ntenant = \"{tenant}\"\n\n\
         or to the environment (entries separated by ';'):\n\n  DOCSIFT_API_KEYS='{id}:{hash}:{}:{tenant}'\n\n\
         Clients send it as `authorization: Bearer <key>` or `x-api-key: <key>`.\n",
        toml_scopes.join(", "),
        names.join("+"),
    ))
}

fn init_tracing(config: &Config) {
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|err| {
        eprintln!(
            "docsift: invalid log filter {:?} ({err}); using \"info\"",
            config.log_filter
        );
        EnvFilter::new("info")
    });
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match config.log_format {
        LogFormat::Pretty => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn serve(config: Config) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", config.listen))?;
        let shutdown = shutdown_signal()?;
        docsift::server::run(config, listener, shutdown).await
    })
}

/// Installs the SIGINT (Ctrl-C) and SIGTERM handlers now, before the server
/// says it is listening, and returns a future that resolves on either signal.
#[cfg(unix)]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => tracing::info!("received SIGINT"),
            _ = terminate.recv() => tracing::info!("received SIGTERM"),
        }
    })
}

/// Returns a future that resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            tracing::info!("received Ctrl-C");
        }
    })
}
