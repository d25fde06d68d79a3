//! `docsift bench`: a gRPC load generator against a running server, and
//! in-process benchmarks of the pipeline and the index.
//!
//! - [`corpus`]: loads Reuters-21578 SGML, a folder of text files or JSON lines.
//! - [`queries`]: search queries from a file or derived from a corpus.
//! - [`loadgen`]: N concurrent callers over gRPC; scenarios `health`,
//!   `analyze`, `ingest`, `ingest-stream`, `search`, `mixed`.
//! - [`inprocess`]: `bench pipeline` and `bench index`, no server, one thread.
//! - [`report`]: HDR latency histograms and the printed reports.
//!
//! The bench is a client of the API like any other, so it uses the generated
//! clients of [`crate::proto::pb`]; it never calls an address but `--server`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};

pub mod corpus;
pub mod inprocess;
pub mod loadgen;
pub mod queries;
pub mod report;

#[cfg(test)]
mod tests;

use loadgen::{LoadOptions, Mix, Scenario, Stop};

/// How many queries the search scenario derives from a corpus: the same
/// 200 as `bench index` and `bench queries`, so the figures compare.
pub const LOAD_QUERIES: usize = inprocess::INDEX_QUERIES;

/// Arguments of `docsift bench`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    /// An in-process benchmark instead of a load run.
    #[command(subcommand)]
    pub command: Option<BenchCommand>,
    /// The load run's options.
    #[command(flatten)]
    pub load: LoadArgs,
}

/// The in-process benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Analyses every corpus document on one thread, no server: docs/s,
    /// MB/s and per-document latency.
    Pipeline(PipelineArgs),
    /// Indexes the corpus in an in-memory store (analysis off), then times
    /// 200 top-10 queries: indexing docs/s and query latency.
    Index(IndexArgs),
    /// Prints the queries derived from a corpus, one a line (the ones
    /// `index` and the `search` scenario use), for peers to run the same.
    Queries(QueriesArgs),
}

/// Arguments of `docsift bench queries`.
#[derive(Debug, Args)]
pub struct QueriesArgs {
    /// Reuters-21578 SGML (file or folder), a folder of .txt files, or JSON lines.
    #[arg(long)]
    pub corpus: PathBuf,
    /// Use at most this many documents.
    #[arg(long)]
    pub limit: Option<usize>,
    /// How many queries [default: 200, as `index` uses].
    #[arg(long, default_value_t = inprocess::INDEX_QUERIES)]
    pub count: usize,
}

/// Arguments of `docsift bench pipeline`.
#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// Reuters-21578 SGML (file or folder), a folder of .txt files, or JSON lines.
    #[arg(long)]
    pub corpus: PathBuf,
    /// Use at most this many documents.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// After the timed pass, analyse every document once more (untimed) and
    /// report a digest of all the analyses, so that two builds can be shown
    /// to give the same output (relative dates resolved against
    /// 2026-01-01, so that the digest is the same whatever the day).
    #[arg(long)]
    pub digest: bool,
    /// Timed passes over the documents; the report gives the rate over all
    /// of them and of each pass (1-1000).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub passes: u16,
}

/// Arguments of `docsift bench index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Reuters-21578 SGML (file or folder), a folder of .txt files, or JSON lines.
    #[arg(long)]
    pub corpus: PathBuf,
    /// Use at most this many documents.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Queries, one a line [default: 200 derived from the corpus].
    #[arg(long)]
    pub queries: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Options of a load run against a server.
#[derive(Debug, Args)]
pub struct LoadArgs {
    /// The server's URL; nothing else is ever called.
    #[arg(long, default_value = "http://127.0.0.1:50051")]
    pub server: String,
    /// What to run.
    #[arg(long, value_enum)]
    pub scenario: Option<Scenario>,
    /// Reuters-21578 SGML (file or folder), a folder of .txt files, or JSON
    /// lines (not needed for `health`).
    #[arg(long)]
    pub corpus: Option<PathBuf>,
    /// Use at most this many corpus documents.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Concurrent callers (for `ingest-stream`: concurrent streams).
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// HTTP/2 connections the callers share [default: min(concurrency, 4)].
    #[arg(long)]
    pub connections: Option<usize>,
    /// Seconds to measure [default: 10 unless --requests is given].
    #[arg(long, conflicts_with = "requests")]
    pub duration: Option<f64>,
    /// Calls to measure (stream items for `ingest-stream`).
    #[arg(long)]
    pub requests: Option<u64>,
    /// Seconds of unmeasured load first.
    #[arg(long, default_value_t = 0.0)]
    pub warmup: f64,
    /// An API key, sent as `x-api-key` [env: DOCSIFT_API_KEY].
    #[arg(long, env = "DOCSIFT_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// Search queries, one a line [default: derived from the corpus].
    #[arg(long)]
    pub queries: Option<PathBuf>,
    /// Weights of the `mixed` scenario's calls (health, analyze, ingest, search).
    #[arg(long, default_value = "search=80,ingest=20")]
    pub mix: Mix,
    /// Ingest without analysis (`skip_analysis`).
    #[arg(long)]
    pub skip_analysis: bool,
    /// Search without highlights, as a bare top-10 query.
    #[arg(long)]
    pub no_highlight: bool,
    /// Count each search answer's hits as raw bytes instead of decoding the
    /// whole answer as a client library does: the load generator then
    /// spends less of a machine it shares with the server.
    #[arg(long)]
    pub raw_hits: bool,
    /// The server's process id: report its resident size after the run.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// With `--server-pid`: also report the resident size this many seconds
    /// after the run, once the allocator has returned freed memory.
    #[arg(long, default_value_t = 0, value_name = "SECS")]
    pub settle: u64,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs `docsift bench`: prints the report, or a one-line error with a
/// non-zero exit status.
pub fn run(args: BenchArgs) -> ExitCode {
    let result = match args.command {
        Some(BenchCommand::Pipeline(p)) => run_pipeline(&p),
        Some(BenchCommand::Index(i)) => run_index(&i),
        Some(BenchCommand::Queries(q)) => corpus::load(&q.corpus, q.limit).map(|docs| {
            let mut text = String::new();
            for query in queries::derive(&docs, q.count) {
                text.push_str(&query);
                text.push('\n');
            }
            crate::client::print_out(&text)
        }),
        None => run_load(args.load),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("docsift bench: {message}");
            ExitCode::from(2)
        }
    }
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), String> {
    let text = serde_json::to_string(value).map_err(|e| format!("cannot encode JSON: {e}"))?;
    print_text(&format!("{text}\n"))
}

/// Writes a report to stdout; a closed pipe (`| head`) is no error.
fn print_text(text: &str) -> Result<(), String> {
    match crate::client::emit(text) {
        Ok(()) | Err(crate::client::Failure::Closed) => Ok(()),
        Err(crate::client::Failure::Usage(m) | crate::client::Failure::Failed(m)) => Err(m),
    }
}

fn run_pipeline(args: &PipelineArgs) -> Result<ExitCode, String> {
    let docs = corpus::load(&args.corpus, args.limit)?;
    let report = inprocess::pipeline(&docs, args.digest, usize::from(args.passes))?;
    if args.json {
        print_json(&report)?;
    } else {
        print_text(&report.table())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn run_index(args: &IndexArgs) -> Result<ExitCode, String> {
    let docs = corpus::load(&args.corpus, args.limit)?;
    let queries = args
        .queries
        .as_deref()
        .map(queries::load_file)
        .transpose()?;
    let report = inprocess::index(&docs, queries)?;
    if args.json {
        print_json(&report)?;
    } else {
        print_text(&report.table())?;
    }
    Ok(ExitCode::SUCCESS)
}

fn seconds(name: &str, value: f64) -> Result<Duration, String> {
    if !value.is_finite() || !(0.0..=86_400.0).contains(&value) {
        return Err(format!("--{name} must be between 0 and 86400 seconds"));
    }
    Ok(Duration::from_secs_f64(value))
}

fn run_load(args: LoadArgs) -> Result<ExitCode, String> {
    let scenario = args.scenario.ok_or(
        "give --scenario (health, analyze, ingest, ingest-stream, search, mixed), \
         or a subcommand: pipeline, index",
    )?;
    if args.concurrency == 0 {
        return Err("--concurrency must be at least 1".into());
    }
    let stop = match (args.duration, args.requests) {
        (_, Some(0)) => return Err("--requests must be at least 1".into()),
        (_, Some(n)) => Stop::Requests(n),
        (Some(d), None) => {
            let d = seconds("duration", d)?;
            if d.is_zero() {
                return Err("--duration must be more than 0".into());
            }
            Stop::Duration(d)
        }
        (None, None) => Stop::Duration(Duration::from_secs(10)),
    };
    let docs = match &args.corpus {
        Some(path) => corpus::load(path, args.limit)?,
        None if scenario.needs_corpus(&args.mix) => {
            return Err(format!("scenario {} needs --corpus PATH", scenario.name()));
        }
        None => Vec::new(),
    };
    let queries = match &args.queries {
        Some(path) => queries::load_file(path)?,
        None => queries::derive(&docs, LOAD_QUERIES),
    };
    let options = LoadOptions {
        server: args.server.clone(),
        scenario,
        concurrency: args.concurrency,
        connections: args.connections.unwrap_or(args.concurrency.min(4)).max(1),
        stop,
        warmup: seconds("warmup", args.warmup)?,
        api_key: args.api_key.clone(),
        queries,
        mix: args.mix.clone(),
        skip_analysis: args.skip_analysis,
        no_highlight: args.no_highlight,
        raw_hits: args.raw_hits,
        progress: true,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a runtime: {e}"))?;
    let ingests = matches!(
        scenario,
        Scenario::Ingest | Scenario::IngestStream | Scenario::Mixed
    );
    let mut report = runtime.block_on(async {
        let report = loadgen::run(options, Arc::new(docs)).await?;
        if ingests && args.server_pid.is_some() {
            // Let the index commit what was just written (1 s refresh).
            tokio::time::sleep(Duration::from_millis(1500)).await;
        }
        Ok::<_, String>(report)
    })?;
    if let Some(pid) = args.server_pid {
        report.server_rss_bytes = Some(report::process_rss_bytes(pid)?);
        if args.settle > 0 {
            std::thread::sleep(Duration::from_secs(args.settle));
            report.server_rss_settled_bytes = Some(report::process_rss_bytes(pid)?);
        }
    }
    if args.json {
        print_json(&report)?;
    } else {
        print_text(&report.table())?;
    }
    let failed_all = report.requests > 0 && report.error_count() == report.requests;
    Ok(if failed_all {
        eprintln!("docsift bench: every call failed");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
