//! `docsift ingest PATH...`: files, folders (recursively), globs, JSON lines
//! and stdin, sent over one `Documents/IngestStream` with a bounded number
//! of items in flight. A failed item (unreadable, not a document, refused by
//! the server) is listed at the end and never stops the batch; the exit code
//! is 1 when any item failed.
//!
//! Every item but the last is sent with `REFRESH_NONE`; the last is sent
//! once every earlier one is answered, with `REFRESH_WAIT_FOR`, so when the
//! command returns the whole batch is searchable (`--no-wait` skips that).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sha2::{Digest, Sha256};
use tokio::sync::{Semaphore, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::connect::{Client, ConnectArgs};
use super::{Outcome, emit, json};
use crate::bench::corpus;
use crate::bench::report::code_name;
use crate::proto::pb;

/// Extensions a folder walk picks up (a file named on the command line is
/// read whatever its extension).
const DOCUMENT_EXTENSIONS: &[&str] = &[
    "txt", "text", "html", "htm", "xhtml", "md", "markdown", "jsonl", "ndjson", "json", "sgm",
    "sgml",
];

/// How a document's id is made when its input gives none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IdFrom {
    /// The file's path relative to the folder (or glob root) given, so
    /// ingesting again updates the same documents; a JSON line adds `#LINE`.
    Path,
    /// The SHA-256 of the content (32 hex digits): identical content, one id.
    Hash,
}

/// Arguments of `docsift ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files, folders (walked recursively for .txt, .html, .md, .jsonl,
    /// .json and .sgm files), quoted globs (`'news/**/*.html'`), or `-` for
    /// stdin (JSON lines when it starts with `{`, else one document).
    /// .jsonl/.ndjson: one proto3 JSON document a line (`id`, `text` or
    /// `body`, `title`, `source`, `tags`, `publishedAt`, ...); .json: one such
    /// object or an array of them; .sgm: Reuters-21578 SGML.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// A tag to add to every document (repeatable).
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// The source of documents that do not name their own.
    #[arg(long)]
    pub source: Option<String>,
    /// How ids are made for inputs that carry none (stdin's documents use
    /// `hash`, having no path).
    #[arg(long, value_enum, default_value = "path")]
    pub id_from: IdFrom,
    /// Items in flight on the stream at once.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub concurrency: u32,
    /// Refuse documents whose content (nearly) equals a stored one's.
    #[arg(long)]
    pub dedupe: bool,
    /// Return without waiting for the batch to be searchable.
    #[arg(long)]
    pub no_wait: bool,
    /// Store and index without analysis (faster; no entities to filter by).
    #[arg(long)]
    pub skip_analysis: bool,
    /// The connection.
    #[command(flatten)]
    pub connect: ConnectArgs,
}

/// One input: where it came from, and the document or why there is none.
#[derive(Debug)]
pub struct Item {
    /// The file (and line) it came from.
    pub label: String,
    /// The document to send, or a local failure.
    pub document: Result<pb::Document, String>,
}

/// A document from a file's bytes: UTF-8 as `text` (a byte-order mark
/// dropped), anything else as `raw` for the server to decode. The content
/// type follows the extension (`html`, `htm`, `xhtml`, `md`, `markdown`,
/// `txt`); with another or none, the server recognises HTML by its content.
pub fn document_from_bytes(bytes: Vec<u8>, extension: Option<String>) -> pb::Document {
    let content_type = match extension.as_deref() {
        Some("html" | "htm" | "xhtml") => pb::ContentType::TextHtml,
        Some("md" | "markdown") => pb::ContentType::TextMarkdown,
        Some("txt" | "text") => pb::ContentType::TextPlain,
        _ => pb::ContentType::Unspecified,
    };
    let content = match String::from_utf8(bytes) {
        Ok(text) => pb::document::Content::Text(match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        }),
        Err(err) => pb::document::Content::Raw(err.into_bytes()),
    };
    pb::Document {
        content: Some(content),
        content_type: content_type as i32,
        ..Default::default()
    }
}

/// 32 hex digits of the SHA-256 of `bytes`.
pub fn content_id(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn content_bytes(document: &pb::Document) -> &[u8] {
    match &document.content {
        Some(pb::document::Content::Text(text)) => text.as_bytes(),
        Some(pb::document::Content::Raw(raw)) => raw,
        None => &[],
    }
}

fn has_glob_chars(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

/// The folder a glob is relative to: its components before the first that
/// holds a glob character.
fn glob_root(pattern: &str) -> PathBuf {
    let mut root = PathBuf::new();
    for component in Path::new(pattern).components() {
        if let Component::Normal(part) = component
            && has_glob_chars(&part.to_string_lossy())
        {
            break;
        }
        root.push(component);
    }
    root
}

/// Every document file under `dir`, by extension, hidden ones left out.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let is_document = |path: &Path| {
        path.extension().is_some_and(|e| {
            DOCUMENT_EXTENSIONS.contains(&e.to_string_lossy().to_ascii_lowercase().as_str())
        })
    };
    crate::bench::corpus::walk(dir, &is_document, out)
}

/// Reads every input the paths name into items, in order: each argument's
/// files sorted, each file's documents in file order.
pub fn collect(args: &IngestArgs) -> Vec<Item> {
    let mut items = Vec::new();
    for arg in &args.paths {
        if arg == "-" {
            let mut bytes = Vec::new();
            match std::io::stdin().read_to_end(&mut bytes) {
                Ok(_) => read_stdin(bytes, args, &mut items),
                Err(e) => items.push(Item {
                    label: "stdin".into(),
                    document: Err(format!("cannot read stdin: {e}")),
                }),
            }
            continue;
        }
        let path = Path::new(arg);
        let (root, files) = if path.is_dir() {
            let mut files = Vec::new();
            if let Err(e) = walk(path, &mut files) {
                items.push(Item {
                    label: arg.clone(),
                    document: Err(e),
                });
            }
            (path.to_path_buf(), files)
        } else if path.exists() {
            let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (root, vec![path.to_path_buf()])
        } else if has_glob_chars(arg) {
            match glob::glob(arg) {
                Ok(paths) => {
                    let mut files = Vec::new();
                    for entry in paths {
                        match entry {
                            Ok(p) if p.is_dir() => {
                                if let Err(e) = walk(&p, &mut files) {
                                    items.push(Item {
                                        label: p.display().to_string(),
                                        document: Err(e),
                                    });
                                }
                            }
                            Ok(p) => files.push(p),
                            Err(e) => items.push(Item {
                                label: e.path().display().to_string(),
                                document: Err(format!("cannot read: {}", e.error())),
                            }),
                        }
                    }
                    if files.is_empty() {
                        items.push(Item {
                            label: arg.clone(),
                            document: Err("the pattern matches no file".into()),
                        });
                    }
                    (glob_root(arg), files)
                }
                Err(e) => {
                    items.push(Item {
                        label: arg.clone(),
                        document: Err(format!("not a valid glob: {e}")),
                    });
                    continue;
                }
            }
        } else {
            items.push(Item {
                label: arg.clone(),
                document: Err("no such file or folder".into()),
            });
            continue;
        };
        let mut files = files;
        files.sort();
        files.dedup();
        for file in files {
            read_file(&root, &file, args, &mut items);
        }
    }
    items
}

/// `file` relative to `root`, with `/` separators.
fn relative(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

fn finish(mut document: pb::Document, fallback_id: String, args: &IngestArgs) -> pb::Document {
    if document.id.trim().is_empty() {
        document.id = match args.id_from {
            IdFrom::Path => fallback_id,
            IdFrom::Hash => content_id(content_bytes(&document)),
        };
    }
    for tag in &args.tags {
        if !document.tags.contains(tag) {
            document.tags.push(tag.clone());
        }
    }
    if document.source.is_empty()
        && let Some(source) = &args.source
    {
        document.source = source.clone();
    }
    document
}

fn read_stdin(bytes: Vec<u8>, args: &IngestArgs, items: &mut Vec<Item>) {
    let starts_json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{');
    let hash_args = IngestArgs {
        id_from: IdFrom::Hash,
        paths: Vec::new(),
        tags: args.tags.clone(),
        source: args.source.clone(),
        concurrency: args.concurrency,
        dedupe: args.dedupe,
        no_wait: args.no_wait,
        skip_analysis: args.skip_analysis,
        connect: args.connect.clone(),
    };
    if starts_json {
        json_lines(&String::from_utf8_lossy(&bytes), "stdin", &hash_args, items);
    } else {
        let document = document_from_bytes(bytes, None);
        items.push(Item {
            label: "stdin".into(),
            document: Ok(finish(document, String::new(), &hash_args)),
        });
    }
}

fn json_lines(text: &str, name: &str, args: &IngestArgs, items: &mut Vec<Item>) {
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let label = format!("{name}:{}", number + 1);
        let document = json::document_from_json(line)
            .map(|d| finish(d, format!("{name}#{}", number + 1), args));
        items.push(Item { label, document });
    }
}

fn read_file(root: &Path, file: &Path, args: &IngestArgs, items: &mut Vec<Item>) {
    let name = relative(root, file);
    let label = file.display().to_string();
    let extension = super::analyze::extension(file);
    match extension.as_deref() {
        Some("sgm" | "sgml") => match corpus::load(file, None) {
            Ok(docs) => {
                for doc in docs {
                    let document = pb::Document {
                        id: doc.id.clone(),
                        title: doc.title,
                        content: Some(pb::document::Content::Text(doc.body)),
                        content_type: pb::ContentType::TextPlain as i32,
                        ..Default::default()
                    };
                    items.push(Item {
                        label: format!("{label}:{}", doc.id),
                        document: Ok(finish(document, String::new(), args)),
                    });
                }
            }
            Err(e) => items.push(Item {
                label,
                document: Err(e),
            }),
        },
        _ => {
            let bytes = match std::fs::read(file) {
                Ok(bytes) => bytes,
                Err(e) => {
                    items.push(Item {
                        label,
                        document: Err(format!("cannot read: {e}")),
                    });
                    return;
                }
            };
            match extension.as_deref() {
                Some("jsonl" | "ndjson") => {
                    json_lines(&String::from_utf8_lossy(&bytes), &name, args, items);
                }
                Some("json") => json_file(&bytes, &label, &name, args, items),
                _ => {
                    let document = document_from_bytes(bytes, extension);
                    items.push(Item {
                        label,
                        document: Ok(finish(document, name, args)),
                    });
                }
            }
        }
    }
}

/// A `.json` file: one document object, or an array of them.
fn json_file(bytes: &[u8], label: &str, name: &str, args: &IngestArgs, items: &mut Vec<Item>) {
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(value) => value,
        Err(e) => {
            items.push(Item {
                label: label.to_string(),
                document: Err(format!("not JSON: {e}")),
            });
            return;
        }
    };
    let objects = match value {
        serde_json::Value::Array(values) => values,
        other => vec![other],
    };
    let many = objects.len() > 1;
    for (i, object) in objects.into_iter().enumerate() {
        let (label, fallback) = if many {
            (format!("{label}[{i}]"), format!("{name}#{i}"))
        } else {
            (label.to_string(), name.to_string())
        };
        let document =
            json::document_from_json(&object.to_string()).map(|d| finish(d, fallback, args));
        items.push(Item { label, document });
    }
}

/// How a stream of ingests went: results by kind, failures by the item
/// (`K`: an index into the batch, or a line of an import) they belong to.
#[derive(Debug)]
pub(super) struct Tally<K> {
    pub(super) results: BTreeMap<&'static str, u64>,
    pub(super) failures: Vec<(K, String)>,
}

impl<K> Default for Tally<K> {
    fn default() -> Self {
        Tally {
            results: BTreeMap::new(),
            failures: Vec::new(),
        }
    }
}

impl<K> Tally<K> {
    /// Counts one answer of `IngestStream`: its result, or its failure
    /// (code, message and id) under `item`.
    pub(super) fn record(&mut self, item: K, response: &pb::IngestStreamResponse) {
        match &response.status {
            Some(status) if status.code != 0 => {
                let code = code_name(tonic::Code::from_i32(status.code));
                let mut reason = format!("{code}: {}", status.message);
                if !response.id.is_empty() {
                    reason = format!("{} ({reason})", response.id);
                }
                self.failures.push((item, reason));
            }
            _ => {
                let result = response
                    .result
                    .as_ref()
                    .map(|r| r.result())
                    .unwrap_or_default();
                *self.results.entry(result_name(result)).or_default() += 1;
            }
        }
    }
}

fn result_name(result: pb::IngestResult) -> &'static str {
    match result {
        pb::IngestResult::Created => "created",
        pb::IngestResult::Updated => "updated",
        pb::IngestResult::Unchanged => "unchanged",
        pb::IngestResult::Duplicate => "duplicate",
        pb::IngestResult::Unspecified => "stored",
    }
}

fn progress_bar(length: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(length), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "{elapsed_precise} [{bar:30}] {pos}/{len} docs, {per_sec:.1} {msg}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Runs `docsift ingest`.
pub async fn run(args: IngestArgs) -> Outcome {
    let items = collect(&args);
    let client = Client::connect(&args.connect).await?;
    let started = Instant::now();
    let total = items.len();
    let labels: Vec<String> = items.iter().map(|i| i.label.clone()).collect();
    let mut tally = Tally::<usize>::default();
    // Documents to send, with the item each answers; local failures go
    // straight to the tally.
    let mut to_send = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        match item.document {
            Ok(document) => to_send.push((index, document)),
            Err(reason) => tally.failures.push((index, reason)),
        }
    }
    let order: Vec<usize> = to_send.iter().map(|(index, _)| *index).collect();
    let bar = progress_bar(total as u64);
    bar.inc(tally.failures.len() as u64);

    if !to_send.is_empty() {
        let window = args.concurrency as usize;
        let permits = Arc::new(Semaphore::new(window));
        let (tx, rx) = mpsc::channel::<pb::IngestStreamRequest>(window);
        let options = |refresh: pb::Refresh| {
            Some(pb::IngestOptions {
                refresh: refresh as i32,
                dedupe: args.dedupe,
                skip_analysis: args.skip_analysis,
                ..Default::default()
            })
        };
        let last_refresh = if args.no_wait {
            pb::Refresh::None
        } else {
            pb::Refresh::WaitFor
        };
        let (none, last) = (options(pb::Refresh::None), options(last_refresh));
        let sender_permits = Arc::clone(&permits);
        let sender = tokio::spawn(async move {
            let count = to_send.len();
            for (n, (_, document)) in to_send.into_iter().enumerate() {
                let is_last = n + 1 == count;
                if is_last {
                    // Once every earlier item is answered it is stored, so
                    // waiting for the last one covers the whole batch.
                    match sender_permits.acquire_many(window as u32).await {
                        Ok(all) => drop(all),
                        Err(_) => return,
                    }
                }
                match sender_permits.acquire().await {
                    Ok(permit) => permit.forget(),
                    Err(_) => return,
                }
                let request = pb::IngestStreamRequest {
                    document: Some(document),
                    options: if is_last { last.clone() } else { none.clone() },
                };
                if tx.send(request).await.is_err() {
                    return;
                }
            }
        });
        let call = client
            .documents()
            .ingest_stream(client.stream_request(ReceiverStream::new(rx)))
            .await;
        let mut responses = match call {
            Ok(response) => response.into_inner(),
            Err(status) => {
                sender.abort();
                bar.finish_and_clear();
                return Err(client.failure(&status));
            }
        };
        let mut answered = vec![false; order.len()];
        loop {
            match responses.message().await {
                Ok(Some(response)) => {
                    permits.add_permits(1);
                    bar.inc(1);
                    let Some(&item) = order.get(response.index as usize) else {
                        continue;
                    };
                    answered[response.index as usize] = true;
                    tally.record(item, &response);
                    if answered.iter().all(|a| *a) {
                        break;
                    }
                }
                Ok(None) => break,
                Err(status) => {
                    // The stream broke: every item not yet answered failed
                    // with it.
                    let line =
                        super::status::describe(&status, client.server(), args.connect.timeout);
                    for (n, done) in answered.iter().enumerate() {
                        if !done {
                            tally.failures.push((order[n], line.clone()));
                        }
                    }
                    break;
                }
            }
        }
        sender.abort();
        for (n, done) in answered.iter().enumerate() {
            if !done && !tally.failures.iter().any(|(i, _)| *i == order[n]) {
                tally.failures.push((
                    order[n],
                    "the server ended the stream without an answer".into(),
                ));
            }
        }
    }
    bar.finish_and_clear();

    let elapsed = started.elapsed().as_secs_f64();
    let stored: u64 = tally.results.values().sum();
    let breakdown: Vec<String> = tally
        .results
        .iter()
        .map(|(name, n)| format!("{n} {name}"))
        .collect();
    let mut line = format!("ingested {stored} of {total} documents in {elapsed:.2} s");
    if elapsed > 0.0 && stored > 0 {
        line.push_str(&format!(" ({:.1} docs/s)", stored as f64 / elapsed));
    }
    if !breakdown.is_empty() {
        line.push_str(&format!(": {}", breakdown.join(", ")));
    }
    emit(&format!("{line}\n"))?;
    if tally.failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    tally.failures.sort_by_key(|(item, _)| *item);
    eprintln!("{} failed:", tally.failures.len());
    for (item, reason) in &tally.failures {
        eprintln!("  {}: {reason}", labels[*item]);
    }
    Ok(ExitCode::FAILURE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_root_stops_at_the_first_pattern() {
        assert_eq!(glob_root("seeds/*.txt"), PathBuf::from("seeds"));
        assert_eq!(glob_root("a/b/**/c?.md"), PathBuf::from("a/b"));
        assert_eq!(glob_root("*.txt"), PathBuf::new());
    }

    #[test]
    fn documents_from_bytes_follow_the_extension_and_the_encoding() {
        let html = document_from_bytes(b"<p>x</p>".to_vec(), Some("html".into()));
        assert_eq!(html.content_type(), pb::ContentType::TextHtml);
        let sniffed = document_from_bytes(b"<html>x</html>".to_vec(), None);
        assert_eq!(sniffed.content_type(), pb::ContentType::Unspecified);
        let bom = document_from_bytes("\u{feff}Caf\u{e9}".as_bytes().to_vec(), Some("txt".into()));
        assert_eq!(
            bom.content,
            Some(pb::document::Content::Text("Café".into()))
        );
        let latin = document_from_bytes(b"Caf\xe9".to_vec(), Some("txt".into()));
        assert_eq!(
            latin.content,
            Some(pb::document::Content::Raw(b"Caf\xe9".to_vec()))
        );
    }

    #[test]
    fn content_ids_are_32_hex_digits_of_sha256() {
        // SHA-256("abc") starts ba7816bf8f01cfea414140de5dae2223.
        assert_eq!(content_id(b"abc"), "ba7816bf8f01cfea414140de5dae2223");
    }
}
