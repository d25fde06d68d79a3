//! `docsift export`: every document of the caller's tenant (the tenant of
//! the API key) as JSON lines, one `docsift.v1.StoredDocument` a line in
//! proto3 JSON (as grpcurl prints it, on one line), with its content and,
//! unless `--no-analysis`, its stored analysis. `docsift import` reads the
//! lines back.
//!
//! The documents come from `Documents/ListDocuments`, a page at a time in id
//! order. A page the server cannot send (over its `max_message_bytes`) is
//! asked for again at half the size. The export is not a snapshot: a
//! document written while it runs may or may not be in it.
//!
//! A file is written to a temporary file beside it and renamed into place
//! only once every page is written, so a failed or interrupted (Ctrl-C)
//! export never leaves a truncated file (an existing one is left as it was). On stdout a failure
//! is reported as such, with the number of lines written before it.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::connect::{Client, ConnectArgs};
use super::{Failure, Outcome, emit, json};
use crate::proto::pb;

/// Arguments of `docsift export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write the JSON lines: a file, or `-` for stdout. A file is
    /// written to a temporary file beside it and renamed into place once
    /// complete.
    #[arg(long, short = 'o', default_value = "-", value_name = "FILE")]
    pub output: String,
    /// Leave each document's stored analysis out (smaller; `docsift import`
    /// does not need it, as the server analyses again).
    #[arg(long)]
    pub no_analysis: bool,
    /// Documents asked for per `ListDocuments` call (at most 1000); halved
    /// for a page the server cannot send in one message.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i32).range(1..=1000))]
    pub page_size: i32,
    /// The connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// One export line: the stored document as proto3 JSON on one line, no
/// newline.
pub fn line_of(stored: &pb::StoredDocument) -> Result<String, String> {
    json::to_json_line("docsift.v1.StoredDocument", stored)
}

/// Whether a failed `ListDocuments` is a page too large for one message
/// (tonic's `OUT_OF_RANGE` for a message over the encoding or decoding
/// limit), which a smaller page may cure.
fn page_too_large(status: &tonic::Status) -> bool {
    status.code() == tonic::Code::OutOfRange
        && status.message().contains("message length too large")
}

/// Where the lines go.
enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File {
        temp: std::io::BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
    },
}

impl Sink {
    fn open(output: &str) -> Result<Sink, Failure> {
        if output == "-" {
            return Ok(Sink::Stdout(std::io::BufWriter::with_capacity(
                1 << 16,
                std::io::stdout(),
            )));
        }
        let path = PathBuf::from(output);
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".docsift-export-")
            .suffix(".partial")
            .tempfile_in(&dir)
            .map_err(|e| {
                Failure::Usage(format!(
                    "cannot create a file in {} for --output {output}: {e}",
                    dir.display()
                ))
            })?;
        Ok(Sink::File {
            temp: std::io::BufWriter::with_capacity(1 << 16, temp),
            path,
        })
    }

    fn write_line(&mut self, line: &str) -> std::io::Result<()> {
        let out: &mut dyn Write = match self {
            Sink::Stdout(out) => out,
            Sink::File { temp, .. } => temp,
        };
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")
    }

    /// Flushes, and for a file syncs it and renames it into place.
    fn finish(self) -> Result<(), Failure> {
        match self {
            Sink::Stdout(mut out) => out.flush().map_err(write_failure),
            Sink::File { temp, path } => {
                let temp = temp
                    .into_inner()
                    .map_err(|e| write_failure(e.into_error()))?;
                temp.as_file().sync_all().map_err(write_failure)?;
                temp.persist(&path).map_err(|e| {
                    Failure::Failed(format!(
                        "cannot move the export into place at {}: {}",
                        path.display(),
                        e.error
                    ))
                })?;
                Ok(())
            }
        }
    }

    fn is_stdout(&self) -> bool {
        matches!(self, Sink::Stdout(_))
    }

    /// What became of the output after a failure, for the error line.
    fn after_failure(&self, written: u64) -> String {
        match self {
            Sink::Stdout(_) => format!(
                "the output is incomplete: {written} document(s) were written before the failure"
            ),
            Sink::File { path, .. } => format!("{} was not written", path.display()),
        }
    }
}

fn write_failure(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::Closed
    } else {
        Failure::Failed(format!("cannot write the export: {e}"))
    }
}

fn progress_bar(visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{elapsed_precise} [{bar:30}] {pos}/{len} docs, {per_sec:.1} {msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs `docsift export`.
///
/// Ctrl-C stops it like a failure: the temporary file is removed (so FILE is
/// left as it was), and on stdout the output is said to be incomplete.
pub async fn run(args: ExportArgs) -> Outcome {
    let after = if args.output == "-" {
        "the output is incomplete".to_string()
    } else {
        format!("{} was not written", args.output)
    };
    tokio::select! {
        outcome = export(args) => outcome,
        // Dropping the export drops its temporary file, which removes it.
        Ok(()) = tokio::signal::ctrl_c() => {
            Err(Failure::Failed(format!("interrupted; {after}")))
        }
    }
}

async fn export(args: ExportArgs) -> Outcome {
    let client = Client::connect(&args.connect).await?;
    let mut documents = client.documents().max_decoding_message_size(usize::MAX);
    let mut sink = Sink::open(&args.output)?;
    // On a terminal the lines themselves would scroll the bar away.
    let bar = progress_bar(!(sink.is_stdout() && std::io::stdout().is_terminal()));
    let started = Instant::now();
    let mut page_size = args.page_size;
    let mut token = String::new();
    let mut written: u64 = 0;
    let mut total_at_start: Option<u64> = None;
    loop {
        let request = pb::ListDocumentsRequest {
            page_size,
            page_token: token.clone(),
            include_analysis: !args.no_analysis,
            include_content: true,
        };
        let page = match documents.list_documents(client.request(request)).await {
            Ok(response) => response.into_inner(),
            Err(status) if page_too_large(&status) && page_size > 1 => {
                page_size = (page_size / 2).max(1);
                continue;
            }
            Err(status) => {
                bar.finish_and_clear();
                let mut line = match client.failure(&status) {
                    Failure::Failed(line) | Failure::Usage(line) => line,
                    Failure::Closed => String::new(),
                };
                if page_too_large(&status) && !args.no_analysis {
                    line.push_str(
                        " (one document with its analysis is larger than a message may be; \
                         --no-analysis leaves the analyses out)",
                    );
                }
                return Err(Failure::Failed(format!(
                    "{line}; {}",
                    sink.after_failure(written)
                )));
            }
        };
        if total_at_start.is_none() {
            total_at_start = Some(page.total_size);
            bar.set_length(page.total_size);
        }
        for stored in &page.documents {
            let line = line_of(stored).map_err(Failure::Failed)?;
            if let Err(e) = sink.write_line(&line) {
                bar.finish_and_clear();
                return Err(match write_failure(e) {
                    Failure::Failed(m) => {
                        Failure::Failed(format!("{m}; {}", sink.after_failure(written)))
                    }
                    other => other,
                });
            }
            written += 1;
        }
        bar.set_position(written);
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let is_stdout = sink.is_stdout();
    sink.finish()?;
    bar.finish_and_clear();

    let elapsed = started.elapsed().as_secs_f64();
    let mut line = format!("exported {written} documents");
    if !is_stdout {
        line.push_str(&format!(" to {}", Path::new(&args.output).display()));
    }
    line.push_str(&format!(" in {elapsed:.2} s"));
    if let Some(total) = total_at_start
        && total != written
    {
        line.push_str(&format!(
            " (the tenant held {total} when the export began; documents changed meanwhile)"
        ));
    }
    if is_stdout {
        // Stdout carries the lines themselves.
        eprintln!("{line}");
    } else {
        emit(&format!("{line}\n"))?;
    }
    Ok(ExitCode::SUCCESS)
}
