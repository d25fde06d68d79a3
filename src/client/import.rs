//! `docsift import FILE|-`: loads JSON lines back into the caller's tenant
//! over one `Documents/IngestStream`, with each document's own id, so
//! importing an export into an empty server restores the documents, and
//! importing it again changes nothing (`unchanged`).
//!
//! A line is either an export line (a `StoredDocument`: its `document` is
//! loaded, the rest ignored) or a bare `Document` as `docsift ingest` reads
//! JSON lines (`body` taken for `text`). Either must carry an id.
//!
//! The file is streamed: a reader thread reads and parses one line at a time
//! and at most `--concurrency` documents are in flight, so memory does not
//! grow with the file; the progress bar counts the bytes read. Every line is
//! tried: a malformed line or a refused document is listed at the end with
//! its line number and the exit code is 1, while the lines around it are
//! loaded. The last document is sent with `REFRESH_WAIT_FOR` once every
//! earlier one is answered, so the import is searchable when the command
//! returns. When a rate limit ends the stream (`RESOURCE_EXHAUSTED` with
//! `RetryInfo`), the import waits as long as the server asks (at least
//! 100 ms) and sends the unanswered items again on a new stream; any other
//! broken stream ends the import, naming the last line read.
//!
//! What the public API cannot restore (said in `--help` and the README):
//! versions start again at 1 (or go up by one for an id the tenant already
//! holds), `created_at` is the time of the import, and the analysis is
//! computed again rather than copied. The stateless stages are deterministic,
//! so language, entities, sentiment, quotes and the summary come out the
//! same; key phrases are scored with the tenant's document frequencies, so
//! they can differ while the tenant's corpus differs (e.g. before the rest of
//! the import is in). A document stored without analysis (its exported
//! analysis is empty) is loaded without analysis again; other per-document
//! choices of analysed features are not kept.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tonic_types::StatusExt;

use super::connect::{Client, ConnectArgs};
use super::ingest::Tally;
use super::{Failure, Outcome, emit, json};
use crate::proto::pb;

/// The failures listed one by one; beyond these only their number is given.
const LISTED_FAILURES: usize = 100;

/// Arguments of `docsift import`.
#[derive(Debug, Args)]
#[command(after_long_help = "\
Documents go to the tenant of the API key, whatever tenant the lines name.

What cannot be restored through the API: each document's version starts again
at 1 (or goes up by one when the tenant already holds the id), created_at is
the time of the import, and the analysis is not copied but computed again by
the server (relative dates resolved against published_at, not against a
reference_time the original ingest may have given). Language, entities,
sentiment, quotes and the summary come out the same (those stages are
deterministic); key phrases are scored against the tenant's own document
frequencies, so they can differ while the tenant's corpus differs from the
exported one. A document exported with an empty analysis (stored with
--skip-analysis) is imported without analysis; other per-document feature
choices are not kept.

A document refused by the server, or a malformed line, is listed with its line
number at the end (exit code 1); every other line is still loaded. A stream
refused by a rate limit is resumed after the wait the server asks for.")]
pub struct ImportArgs {
    /// The JSON lines to load (`docsift export`'s output, or `Document`
    /// objects as `docsift ingest` reads them), or `-` for stdin.
    #[arg(value_name = "FILE|-")]
    pub input: String,
    /// Items in flight on the stream at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,
    /// Return without waiting for the documents to be searchable.
    #[arg(long)]
    pub no_wait: bool,
    /// The connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// A document read from one line, and how to ingest it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The document, with its id.
    pub document: pb::Document,
    /// The line carried an empty analysis: the document was stored without
    /// analysis, and is loaded so again.
    pub skip_analysis: bool,
}

/// The analysis fields that are set only when some stage ran (one word
/// each, so proto3 JSON's lowerCamelCase name is the proto's own).
const ANALYSIS_RESULTS: &[&str] = &[
    "language",
    "stats",
    "sentences",
    "tokens",
    "entities",
    "keyphrases",
    "sentiment",
    "summary",
    "quotes",
    "cleanup",
    "fingerprint",
];

/// Whether an exported analysis holds no stage's result.
fn analysis_is_empty(analysis: &serde_json::Map<String, serde_json::Value>) -> bool {
    ANALYSIS_RESULTS
        .iter()
        .all(|name| match analysis.get(*name) {
            None | Some(serde_json::Value::Null) => true,
            Some(serde_json::Value::Array(items)) => items.is_empty(),
            Some(_) => false,
        })
}

/// Reads one line: an export line (`{"document": {...}, "analysis": ...}`)
/// or a bare document. The error says what is wrong, for the line's entry in
/// the list of failures.
pub fn parse_line(line: &str) -> Result<Line, String> {
    let mut value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let object = value
        .as_object_mut()
        .ok_or_else(|| "not a JSON object".to_string())?;
    let (document, skip_analysis) = match object.remove("document") {
        Some(document @ serde_json::Value::Object(_)) => {
            let skip = match object.get("analysis") {
                Some(serde_json::Value::Object(analysis)) => analysis_is_empty(analysis),
                _ => false,
            };
            (
                json::document_from_value(document).map_err(|e| format!("document: {e}"))?,
                skip,
            )
        }
        Some(_) => return Err("document: not a JSON object".into()),
        None => (json::document_from_value(value)?, false),
    };
    if document.id.trim().is_empty() {
        return Err("the document has no id (import restores documents by id; \
                    `docsift ingest` names documents that have none)"
            .into());
    }
    Ok(Line {
        document,
        skip_analysis,
    })
}

/// What the reader thread passes on: a document to send, or a line that
/// failed locally.
enum Parsed {
    Document { line: u64, item: Box<Line> },
    Bad { line: u64, reason: String },
}

/// The longest line read; a longer one (a binary file, or a document far
/// over any server's message limit) is skipped and listed as failed, so a
/// file without newlines is never read into memory whole.
const MAX_LINE_BYTES: u64 = 256 << 20;

/// Reads `input` line by line on the calling (blocking) thread, sending each
/// parsed line on `out` and moving the bar to the bytes read. Stops when
/// `out` is closed.
fn read_lines(input: Box<dyn Read + Send>, out: mpsc::Sender<Parsed>, bar: ProgressBar) {
    read_lines_up_to(input, out, bar, MAX_LINE_BYTES);
}

/// [`read_lines`] with lines of at most `max_line` bytes.
fn read_lines_up_to(
    input: Box<dyn Read + Send>,
    out: mpsc::Sender<Parsed>,
    bar: ProgressBar,
    max_line: u64,
) {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let mut buffer = Vec::new();
    let mut number: u64 = 0;
    let mut read: u64 = 0;
    loop {
        buffer.clear();
        let mut stop = false;
        let message = match (&mut reader).take(max_line).read_until(b'\n', &mut buffer) {
            Ok(0) => return,
            Ok(n) => {
                number += 1;
                read += n as u64;
                bar.set_position(read);
                if n as u64 == max_line && buffer.last() != Some(&b'\n') {
                    // Skip the rest of the line.
                    let mut rest = 0;
                    loop {
                        match reader.fill_buf() {
                            Ok([]) => break,
                            Ok(bytes) => {
                                let (used, end) = match bytes.iter().position(|b| *b == b'\n') {
                                    Some(i) => (i + 1, true),
                                    None => (bytes.len(), false),
                                };
                                reader.consume(used);
                                rest += used as u64;
                                if end {
                                    break;
                                }
                            }
                            Err(_) => break,
                        }
                    }
                    read += rest;
                    bar.set_position(read);
                    Parsed::Bad {
                        line: number,
                        reason: format!("the line is longer than {max_line} bytes"),
                    }
                } else if buffer.iter().all(u8::is_ascii_whitespace) {
                    continue;
                } else {
                    match std::str::from_utf8(&buffer) {
                        Ok(text) => {
                            // A byte-order mark may open the file.
                            let text = if number == 1 {
                                text.strip_prefix('\u{feff}').unwrap_or(text)
                            } else {
                                text
                            };
                            match parse_line(text) {
                                Ok(item) => Parsed::Document {
                                    line: number,
                                    item: Box::new(item),
                                },
                                Err(reason) => Parsed::Bad {
                                    line: number,
                                    reason,
                                },
                            }
                        }
                        Err(e) => Parsed::Bad {
                            line: number,
                            reason: format!("not UTF-8: {e}"),
                        },
                    }
                }
            }
            Err(e) => {
                stop = true;
                Parsed::Bad {
                    line: number + 1,
                    reason: format!("cannot read: {e}; the rest of the input was not read"),
                }
            }
        };
        if out.blocking_send(message).is_err() || stop {
            return;
        }
    }
}

/// The input to read: its bytes, its length when known, its name for the
/// list of failures.
struct Input {
    reader: Box<dyn Read + Send>,
    length: Option<u64>,
    name: String,
}

fn open(input: &str) -> Result<Input, Failure> {
    if input == "-" {
        return Ok(Input {
            reader: Box::new(std::io::stdin()),
            length: None,
            name: "stdin".into(),
        });
    }
    let file = std::fs::File::open(input)
        .map_err(|e| Failure::Usage(format!("cannot read {input}: {e}")))?;
    let length = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    Ok(Input {
        reader: Box::new(file),
        length,
        name: input.to_string(),
    })
}

fn progress_bar(length: Option<u64>) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::stderr());
    let template = if length.is_some() {
        "{elapsed_precise} [{bar:30}] {bytes}/{total_bytes}, {bytes_per_sec} {msg}"
    } else {
        "{elapsed_precise} {spinner} {bytes}, {bytes_per_sec} {msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Streams broken by a rate limit in a row (with no answer between them)
/// before the import gives up.
const MAX_RETRIES: u32 = 20;

/// The shortest wait before a new stream after a rate limit refused one.
const MIN_RETRY_DELAY: Duration = Duration::from_millis(100);

/// How long to wait before trying again after `status` ended a stream, or
/// `None` when trying again cannot help: only a rate limit's refusal
/// (`RESOURCE_EXHAUSTED` with `google.rpc.RetryInfo`) is retried.
fn retry_delay(status: &tonic::Status) -> Option<Duration> {
    if status.code() != tonic::Code::ResourceExhausted {
        return None;
    }
    let delay = status.get_details_retry_info()?.retry_delay?;
    Some(delay.clamp(MIN_RETRY_DELAY, Duration::from_secs(60)))
}

/// Runs `docsift import`.
///
/// One task does the work: it takes parsed lines from the reader thread
/// while fewer than `--concurrency` items are unanswered, and reads the
/// answers, which come in order. Items stay in `in_flight` until answered,
/// so when a rate limit ends the stream they are sent again on a new one
/// after the wait the server asks for.
pub async fn run(args: ImportArgs) -> Outcome {
    let Input {
        reader: input,
        length,
        name,
    } = open(&args.input)?;
    let client = Client::connect(&args.connect).await?;
    let started = Instant::now();
    let bar = progress_bar(length);
    let window = args.concurrency as usize;
    let (read_tx, mut read_rx) = mpsc::channel::<Parsed>(window);
    let reader_bar = bar.clone();
    let reader = tokio::task::spawn_blocking(move || read_lines(input, read_tx, reader_bar));

    let mut tally = Tally::<u64>::default();
    // Sent and not yet answered, in stream order: (line, request).
    let mut in_flight: VecDeque<(u64, pb::IngestStreamRequest)> = VecDeque::new();
    // One document is held back until the next arrives, so the last can be
    // sent with REFRESH_WAIT_FOR once every earlier one is answered.
    let mut held: Option<(u64, Box<Line>)> = None;
    let mut input_done = false;
    let mut last_line: u64 = 0;
    let mut retries: u32 = 0;
    let mut broken: Option<String> = None;
    let request_of = |item: Line, refresh: pb::Refresh| pb::IngestStreamRequest {
        options: Some(pb::IngestOptions {
            refresh: refresh as i32,
            skip_analysis: item.skip_analysis,
            ..Default::default()
        }),
        document: Some(item.document),
    };
    let mut first = true;
    'streams: loop {
        let (tx, rx) = mpsc::channel::<pb::IngestStreamRequest>(window);
        for (_, request) in &in_flight {
            // Room for all: at most `window` are in flight.
            let _ = tx.try_send(request.clone());
        }
        let call = client
            .documents()
            .ingest_stream(client.stream_request(ReceiverStream::new(rx)))
            .await;
        let mut responses = match call {
            Ok(response) => response.into_inner(),
            Err(status) => {
                if let Some(delay) = retry_delay(&status)
                    && retries < MAX_RETRIES
                {
                    retries += 1;
                    tokio::time::sleep(delay).await;
                    continue 'streams;
                }
                if first {
                    bar.finish_and_clear();
                    return Err(client.failure(&status));
                }
                broken = Some(super::status::describe(
                    &status,
                    client.server(),
                    args.connect.timeout,
                ));
                break 'streams;
            }
        };
        first = false;
        let mut tx = Some(tx);
        loop {
            if input_done && let Some(sender) = &tx {
                match held.take() {
                    Some((line, item)) if in_flight.is_empty() || args.no_wait => {
                        let refresh = if args.no_wait {
                            pb::Refresh::None
                        } else {
                            pb::Refresh::WaitFor
                        };
                        let request = request_of(*item, refresh);
                        let _ = sender.try_send(request.clone());
                        in_flight.push_back((line, request));
                        tx = None;
                    }
                    Some(waiting) => held = Some(waiting),
                    None => tx = None,
                }
            }
            let can_read = tx.is_some() && !input_done && in_flight.len() < window;
            tokio::select! {
                biased;
                message = responses.message() => match message {
                    Ok(Some(response)) => {
                        retries = 0;
                        if let Some((line, _)) = in_flight.pop_front() {
                            tally.record(line, &response);
                        }
                    }
                    Ok(None) => {
                        if !in_flight.is_empty() || tx.is_some() {
                            broken = Some("the server ended the stream without an answer".into());
                        }
                        break 'streams;
                    }
                    Err(status) => {
                        if let Some(delay) = retry_delay(&status)
                            && retries < MAX_RETRIES
                        {
                            retries += 1;
                            tokio::time::sleep(delay).await;
                            continue 'streams;
                        }
                        broken = Some(super::status::describe(
                            &status,
                            client.server(),
                            args.connect.timeout,
                        ));
                        break 'streams;
                    }
                },
                parsed = read_rx.recv(), if can_read => match parsed {
                    Some(Parsed::Bad { line, reason }) => {
                        last_line = line;
                        tally.failures.push((line, reason));
                    }
                    Some(Parsed::Document { line, item }) => {
                        last_line = line;
                        if let Some((line, item)) = held.replace((line, item))
                            && let Some(sender) = &tx
                        {
                            let request = request_of(*item, pb::Refresh::None);
                            let _ = sender.try_send(request.clone());
                            in_flight.push_back((line, request));
                        }
                    }
                    None => input_done = true,
                },
            }
        }
    }
    drop(read_rx);
    if broken.is_none() {
        // The input was read to its end, so the reader is done. (After a
        // break it may still wait on stdin; it stops at its next line,
        // finding the channel closed, or with the process.)
        let _ = reader.await;
    }
    bar.finish_and_clear();

    let why = broken
        .clone()
        .unwrap_or_else(|| "the server ended the stream without an answer".into());
    for (line, _) in &in_flight {
        tally.failures.push((*line, why.clone()));
    }
    if let Some((line, _)) = &held {
        tally.failures.push((*line, why.clone()));
    }

    let elapsed = started.elapsed().as_secs_f64();
    let stored: u64 = tally.results.values().sum();
    let tried = stored + tally.failures.len() as u64;
    let mut summary =
        format!("imported {stored} of {tried} documents from {name} in {elapsed:.2} s");
    if elapsed > 0.0 && stored > 0 {
        summary.push_str(&format!(" ({:.1} docs/s)", stored as f64 / elapsed));
    }
    let breakdown: Vec<String> = tally
        .results
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect();
    if !breakdown.is_empty() {
        summary.push_str(&format!(": {}", breakdown.join(", ")));
    }
    emit(&format!("{summary}\n"))?;
    if let Some(line) = &broken
        && !input_done
    {
        eprintln!(
            "docsift: the stream broke: {line}; the input after line {last_line} was not loaded"
        );
    }
    if tally.failures.is_empty() && broken.is_none() {
        return Ok(ExitCode::SUCCESS);
    }
    tally.failures.sort_by_key(|(line, _)| *line);
    if !tally.failures.is_empty() {
        eprintln!("{} failed:", tally.failures.len());
        for (line, reason) in tally.failures.iter().take(LISTED_FAILURES) {
            eprintln!("  {name}:{line}: {reason}");
        }
        if tally.failures.len() > LISTED_FAILURES {
            eprintln!("  ... and {} more", tally.failures.len() - LISTED_FAILURES);
        }
    }
    Ok(ExitCode::FAILURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_lines_read_back_as_the_same_document() {
        let document = pb::Document {
            id: "wire/1".into(),
            content: Some(pb::document::Content::Text(
                "<p>Claire Fontaine opened the bridge.</p>".into(),
            )),
            content_type: pb::ContentType::TextHtml as i32,
            title: "Bridge".into(),
            url: "https://example.com/1".into(),
            source: "wire".into(),
            published_at: Some(prost_types::Timestamp {
                seconds: 1_447_545_600,
                nanos: 500_000_000,
            }),
            language: "fr".into(),
            tags: vec!["a".into(), "b c".into()],
            attributes: [("desk".to_string(), "world".to_string())].into(),
            charset: String::new(),
        };
        let stored = pb::StoredDocument {
            document: Some(document.clone()),
            version: 3,
            created_at: Some(prost_types::Timestamp {
                seconds: 1_700_000_000,
                nanos: 0,
            }),
            analysis: Some(pb::Analysis {
                language: Some(pb::Language {
                    code: "fr".into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            tenant: "t".into(),
            ..Default::default()
        };
        let line = super::super::export::line_of(&stored).expect("a line");
        assert!(!line.contains('\n'), "one line: {line}");
        let value: serde_json::Value = serde_json::from_str(&line).expect("JSON");
        assert_eq!(value["document"]["contentType"], "CONTENT_TYPE_TEXT_HTML");
        assert_eq!(value["version"], "3");
        let read = parse_line(&line).expect("reads back");
        assert_eq!(read.document, document);
        assert!(!read.skip_analysis, "the analysis has a language");
    }

    #[test]
    fn an_empty_analysis_means_the_document_was_stored_without_one() {
        let line = r#"{"document": {"id": "a", "text": "x"}, "analysis": {"offsetUnit": "OFFSET_UNIT_UTF8", "entities": []}}"#;
        assert!(parse_line(line).expect("a line").skip_analysis);
        let line =
            r#"{"document": {"id": "a", "text": "x"}, "analysis": {"sentiment": {"score": 0.1}}}"#;
        assert!(!parse_line(line).expect("a line").skip_analysis);
        let line = r#"{"document": {"id": "a", "text": "x"}}"#;
        assert!(
            !parse_line(line).expect("a line").skip_analysis,
            "an export without analyses is analysed on import"
        );
    }

    #[test]
    fn bare_documents_as_ingest_reads_them_are_accepted() {
        let read = parse_line(r#"{"id": 7, "body": "Text", "tags": ["x"]}"#).expect("a line");
        assert_eq!(read.document.id, "7");
        assert_eq!(
            read.document.content,
            Some(pb::document::Content::Text("Text".into()))
        );
        assert_eq!(read.document.tags, ["x"]);
    }

    #[test]
    fn the_reader_skips_overlong_lines_and_a_byte_order_mark() {
        let input = format!(
            "\u{feff}{{\"id\": \"a\", \"text\": \"x\"}}\n{}\n\n{{\"id\": \"b\", \"text\": \"y\"}}",
            "z".repeat(200)
        );
        let (tx, mut rx) = mpsc::channel(16);
        let cursor = std::io::Cursor::new(input.into_bytes());
        read_lines_up_to(Box::new(cursor), tx, ProgressBar::hidden(), 64);
        let mut got = Vec::new();
        while let Ok(parsed) = rx.try_recv() {
            got.push(match parsed {
                Parsed::Document { line, item } => format!("{line}: {}", item.document.id),
                Parsed::Bad { line, reason } => format!("{line}: {reason}"),
            });
        }
        assert_eq!(
            got,
            ["1: a", "2: the line is longer than 64 bytes", "4: b"],
            "line 3 is blank"
        );
    }

    #[test]
    fn malformed_lines_say_what_is_wrong() {
        let err = |line: &str| parse_line(line).expect_err(line);
        assert!(err("{\"document\": ").starts_with("not JSON"));
        assert_eq!(err("[1, 2]"), "not a JSON object");
        assert_eq!(err(r#"{"document": 3}"#), "document: not a JSON object");
        assert!(
            err(r#"{"document": {"id": "a", "tags": 3}}"#).starts_with("document: not a document")
        );
        assert!(err(r#"{"text": "no id"}"#).contains("has no id"));
        assert!(err(r#"{"document": {"id": "  ", "text": "x"}}"#).contains("has no id"));
    }
}
