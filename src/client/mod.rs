//! The command-line client: `docsift analyze`, `ingest`, `search`, `get`,
//! `delete`, `list`, `watch`, `export` and `import` talk to a running server
//! over gRPC exactly as any other client does, through the generated clients of
//! [`crate::proto::pb`] and nothing else (no shortcut into the store).
//!
//! - [`connect`]: the common flags (`--server`, `--api-key`, `--tls`,
//!   `--ca-cert`, `--timeout`), the channel, and requests that carry the key.
//! - [`status`]: a failed call as one line naming the code and what to do.
//! - [`json`]: `--json`, proto3 JSON as grpcurl prints it.
//! - [`style`]: colour on a terminal, plain when piped or with `NO_COLOR`.
//! - one file per command: [`analyze`], [`ingest`], [`search`] (and
//!   `watch`), [`documents`] (`get`, `delete`, `list`), [`export`] and
//!   [`import`] (a tenant's documents to JSON lines and back).
//!
//! Exit codes: 0 on success, 1 when a call (or, for `ingest`, any item)
//! failed, 2 for a usage error (as clap's own).

use std::process::ExitCode;

use clap::Subcommand;

pub mod analyze;
pub mod connect;
pub mod documents;
pub mod export;
pub mod import;
pub mod ingest;
pub mod json;
pub mod search;
pub mod status;
pub mod style;

#[cfg(test)]
mod tests;

/// The client commands, flattened into the binary's own subcommands.
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Analyzes a document (a file, or `-` for stdin) and prints a report.
    Analyze(analyze::AnalyzeArgs),
    /// Ingests files, folders (recursively), globs, JSON lines or stdin.
    Ingest(ingest::IngestArgs),
    /// Searches the corpus and prints a table of hits and facets.
    Search(search::SearchArgs),
    /// Prints each newly ingested document that matches a query, until Ctrl-C.
    Watch(search::WatchArgs),
    /// Prints a stored document.
    Get(documents::GetArgs),
    /// Deletes a stored document.
    Delete(documents::DeleteArgs),
    /// Lists stored documents, a page at a time.
    List(documents::ListArgs),
    /// Writes every document of the tenant, with its analysis, as JSON lines.
    Export(export::ExportArgs),
    /// Loads JSON lines (as `export` writes them) back, with their ids
    /// (`import --help` says what cannot be restored).
    Import(import::ImportArgs),
}

/// A failure of a client command, printed as one line on stderr.
#[derive(Debug)]
pub enum Failure {
    /// The command line or a local input is wrong (exit code 2).
    Usage(String),
    /// A call or the command failed (exit code 1).
    Failed(String),
    /// Stdout was closed (`docsift search x | head`): stop quietly, exit 0.
    Closed,
}

impl Failure {
    fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Usage(_) => ExitCode::from(2),
            Failure::Failed(_) => ExitCode::FAILURE,
            Failure::Closed => ExitCode::SUCCESS,
        }
    }

    fn message(&self) -> Option<&str> {
        match self {
            Failure::Usage(m) | Failure::Failed(m) => Some(m),
            Failure::Closed => None,
        }
    }
}

/// Writes `text` to stdout and flushes it (a watch prints as matches
/// arrive). A closed pipe ends the command quietly instead of panicking as
/// `print!` would.
pub fn emit(text: &str) -> Result<(), Failure> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::Closed),
        Err(e) => Err(Failure::Failed(format!("cannot write to stdout: {e}"))),
    }
}

/// Writes `text` to stdout for a command that is not a client call: a
/// closed pipe (`docsift eval ner ... | head`) ends it quietly with success,
/// another write error is reported on stderr and fails it.
pub fn print_out(text: &str) -> ExitCode {
    match emit(text) {
        Ok(()) | Err(Failure::Closed) => ExitCode::SUCCESS,
        Err(Failure::Usage(m) | Failure::Failed(m)) => {
            eprintln!("docsift: {m}");
            ExitCode::FAILURE
        }
    }
}

/// What a command returns: success, or a failure to print.
pub type Outcome = Result<ExitCode, Failure>;

/// Runs one client command on a runtime of its own and returns the exit code.
pub fn run(command: ClientCommand) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("docsift: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async move {
        match command {
            ClientCommand::Analyze(args) => analyze::run(args).await,
            ClientCommand::Ingest(args) => ingest::run(args).await,
            ClientCommand::Search(args) => search::run(args).await,
            ClientCommand::Watch(args) => search::watch(args).await,
            ClientCommand::Get(args) => documents::get(args).await,
            ClientCommand::Delete(args) => documents::delete(args).await,
            ClientCommand::List(args) => documents::list(args).await,
            ClientCommand::Export(args) => export::run(args).await,
            ClientCommand::Import(args) => import::run(args).await,
        }
    });
    // A watch may leave its stream open; do not wait for it to close.
    runtime.shutdown_background();
    match outcome {
        Ok(code) => code,
        Err(failure) => {
            if let Some(message) = failure.message() {
                eprintln!("docsift: {message}");
            }
            failure.exit_code()
        }
    }
}
