//! The command-line client: the real `docsift` binary run against a real
//! server on 127.0.0.1:0, its output and exit codes checked.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::Duration;

use docsift::config::{ApiKeyConfig, Config, Scope};
use docsift::middleware::auth::hash_hex;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

use crate::util::{TestServer, seed_path};

const FOUNDING: &str = "000_3db58b10b3ad52bf.txt";

/// The binary with the server's address and none of the caller's settings.
fn docsift(server: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_docsift"));
    command
        .env("DOCSIFT_SERVER", server)
        .env_remove("DOCSIFT_API_KEY")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

fn url(server: &TestServer) -> String {
    format!("http://{}", server.addr)
}

async fn run(server: &str, args: &[&str]) -> Output {
    docsift(server)
        .args(args)
        .output()
        .await
        .expect("run the docsift binary")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs the binary and expects exit code 0; returns stdout.
async fn ok(server: &str, args: &[&str]) -> String {
    let output = run(server, args).await;
    assert!(
        output.status.success(),
        "docsift {args:?} failed ({:?}):\nstdout: {}\nstderr: {}",
        output.status.code(),
        stdout(&output),
        stderr(&output)
    );
    stdout(&output)
}

fn seeds() -> String {
    seed_path("").display().to_string()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "docsift-cli-{name}-{}-{}",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[tokio::test]
async fn cli_analyze_prints_a_report_or_json() {
    let server = TestServer::start().await;
    let url = url(&server);
    let file = seed_path(FOUNDING).display().to_string();

    let report = ok(&url, &["analyze", &file]).await;
    assert!(report.contains("Language   en (English"), "{report}");
    assert!(report.contains("PERSON"), "{report}");
    assert!(report.contains("Ben Rhodes"), "{report}");
    assert!(report.contains("Quotes ("), "{report}");
    assert!(report.contains("Summary"), "{report}");
    assert!(
        !report.contains('\x1b'),
        "piped output has no colour: {report}"
    );

    let text = ok(&url, &["analyze", &file, "--json"]).await;
    let value = json(&text);
    let analysis = &value["analysis"];
    assert_eq!(analysis["language"]["code"], "en");
    let rhodes = analysis["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .find(|e| e["name"] == "Ben Rhodes")
        .unwrap_or_else(|| panic!("no Ben Rhodes: {text}"));
    assert_eq!(
        rhodes["type"], "ENTITY_TYPE_PERSON",
        "enum names, as grpcurl"
    );
    assert!(
        analysis.get("keyphrases").is_some() && analysis.get("offset_unit").is_none(),
        "lowerCamelCase names: {text}"
    );

    // From stdin, only the entities.
    let mut child = docsift(&url)
        .args(["analyze", "-", "--features", "entities"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"Ben Rhodes spoke in Paris on Sunday.")
        .await
        .expect("write stdin");
    drop(stdin);
    let output = child.wait_with_output().await.expect("wait");
    let report = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        report.contains("Ben Rhodes") && report.contains("Paris"),
        "{report}"
    );
    assert!(!report.contains("Summary"), "only entities: {report}");

    let output = run(&url, &["analyze", "/nonexistent/docsift.txt"]).await;
    assert_eq!(
        output.status.code(),
        Some(2),
        "a missing file is a usage error"
    );
    assert!(stderr(&output).contains("cannot read /nonexistent/docsift.txt"));
}

#[tokio::test]
async fn cli_ingest_lists_failures_and_keeps_the_rest() {
    let server = TestServer::start().await;
    let url = url(&server);
    let extra = temp_dir("ingest");
    std::fs::write(extra.join("empty.txt"), "   \n").expect("write");
    std::fs::write(
        extra.join("wire.jsonl"),
        "{\"id\": \"wire-1\", \"text\": \"Claire Fontaine opened the bridge in Lyon.\", \"source\": \"wire\"}\n\
         {\"id\": \"wire-2\", \"tags\": 3}\n",
    )
    .expect("write");

    let output = run(
        &url,
        &[
            "ingest",
            &seeds(),
            &extra.display().to_string(),
            "--tag",
            "demo",
        ],
    )
    .await;
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(
        output.status.code(),
        Some(1),
        "an item failed:\n{out}\n{err}"
    );
    let seed_count = std::fs::read_dir(seed_path(""))
        .expect("seeds")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().is_file()))
        .count();
    let expected = format!(
        "ingested {} of {} documents",
        seed_count + 1,
        seed_count + 3
    );
    assert!(out.contains(&expected), "{expected:?} in {out}");
    assert!(err.contains("2 failed:"), "{err}");
    assert!(
        err.contains("empty.txt: empty.txt (INVALID_ARGUMENT"),
        "{err}"
    );
    assert!(err.contains("wire.jsonl:2: not a document"), "{err}");

    // The rest is stored and searchable as soon as the command returned.
    let list = ok(&url, &["list", "--page-size", "100"]).await;
    assert!(list.contains(FOUNDING) && list.contains("wire-1"), "{list}");
    let hits = ok(&url, &["search", "Rhodes"]).await;
    assert!(hits.contains(FOUNDING), "{hits}");
    let hits = ok(&url, &["search", "", "--source", "wire", "--tag", "demo"]).await;
    assert!(
        hits.contains("wire-1") && hits.contains("1 of 1 hits"),
        "{hits}"
    );
    std::fs::remove_dir_all(extra).ok();
}

#[tokio::test]
async fn cli_search_get_delete_and_list() {
    let server = TestServer::start().await;
    let url = url(&server);
    let out = ok(&url, &["ingest", &seeds()]).await;
    assert!(out.contains("ingested"), "{out}");

    let hits = ok(
        &url,
        &[
            "search",
            "airstrikes France",
            "--facets",
            "entity.PERSON,language",
        ],
    )
    .await;
    assert!(hits.contains(FOUNDING), "{hits}");
    assert!(
        hits.contains("entity.PERSON:") && hits.contains("Ben Rhodes ("),
        "{hits}"
    );
    assert!(hits.contains("language: en ("), "{hits}");
    assert!(!hits.contains('\x1b'), "piped output has no colour: {hits}");

    // A question with characters the query language refuses, as plain text.
    let question = "who said France (and the US) would intensify air-strikes?: \"Syria";
    let refused = run(&url, &["search", question]).await;
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("INVALID_ARGUMENT"),
        "{}",
        stderr(&refused)
    );
    let hits = ok(&url, &["search", "--plain", question]).await;
    assert!(hits.contains(FOUNDING), "{hits}");

    let value = json(&ok(&url, &["search", "Rhodes", "--json"]).await);
    assert_eq!(value["hits"][0]["id"], FOUNDING);
    assert!(
        value["totalSize"].is_string(),
        "uint64 as a string: {value}"
    );

    // Page through everything, two at a time, with the printed token.
    let mut seen = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..20 {
        let mut args = vec!["search", "", "--page-size", "2"];
        if let Some(token) = &next {
            args.extend(["--next", token.as_str()]);
        }
        let page = ok(&url, &args).await;
        let value = json(&ok(&url, &[&args[..], &["--json"]].concat()).await);
        for hit in value["hits"].as_array().expect("hits") {
            let id = hit["id"].as_str().expect("id").to_string();
            assert!(!seen.contains(&id), "{id} twice");
            seen.push(id);
        }
        next = page
            .lines()
            .find_map(|l| l.strip_prefix("next page: --next "))
            .map(str::to_string);
        if next.is_none() {
            break;
        }
    }
    let total = json(&ok(&url, &["list", "--json"]).await)["totalSize"]
        .as_str()
        .expect("totalSize")
        .parse::<usize>()
        .expect("a number");
    assert_eq!(seen.len(), total, "every document once: {seen:?}");

    let doc = ok(&url, &["get", FOUNDING]).await;
    assert!(doc.contains(&format!("id         {FOUNDING}")), "{doc}");
    assert!(doc.contains("shoulder to shoulder"), "{doc}");
    let doc = ok(&url, &["get", FOUNDING, "--analysis"]).await;
    assert!(
        doc.contains("Ben Rhodes") && doc.contains("Entities ("),
        "{doc}"
    );
    let value = json(&ok(&url, &["get", FOUNDING, "--json"]).await);
    assert_eq!(value["document"]["id"], FOUNDING);

    let out = ok(&url, &["delete", FOUNDING]).await;
    assert!(out.starts_with(&format!("deleted {FOUNDING}")), "{out}");
    let output = run(&url, &["get", FOUNDING]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("docsift: NOT_FOUND: "),
        "{}",
        stderr(&output)
    );
    let hits = ok(&url, &["search", "Rhodes"]).await;
    assert!(!hits.contains(FOUNDING), "deleted: {hits}");
}

#[tokio::test]
async fn cli_ingest_takes_globs_stdin_and_content_ids() {
    let server = TestServer::start().await;
    let url = url(&server);
    // A quoted glob (the shell does not expand it), ids from the content.
    let pattern = format!("{}/*.html", seeds());
    let out = ok(&url, &["ingest", &pattern, "--id-from", "hash"]).await;
    assert!(out.contains("ingested 1 of 1 documents"), "{out}");
    let value = json(&ok(&url, &["list", "--json"]).await);
    let id = value["documents"][0]["document"]["id"]
        .as_str()
        .expect("an id")
        .to_string();
    assert!(
        id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
        "{id}"
    );
    // HTML by extension: the title comes from <title>, the text without markup.
    let doc = ok(&url, &["get", &id]).await;
    assert!(doc.contains("title "), "{doc}");

    // JSON lines on stdin.
    let mut child = docsift(&url)
        .args(["ingest", "-", "--source", "stdin-test"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin
        .write_all(b"{\"id\": \"s1\", \"text\": \"Nadia Okafor visited Rotterdam.\"}\n{\"id\": \"s2\", \"body\": \"Karim Benali left Lyon.\"}\n")
        .await
        .expect("write");
    drop(stdin);
    let output = child.wait_with_output().await.expect("wait");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("ingested 2 of 2 documents"));
    let hits = ok(&url, &["search", "", "--source", "stdin-test"]).await;
    assert!(hits.contains("s1") && hits.contains("s2"), "{hits}");

    let output = run(&url, &["ingest", "/nonexistent/docsift-*.txt"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("matches no file"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn cli_watch_prints_each_new_match() {
    let server = TestServer::start().await;
    let url = url(&server);
    let mut watch = docsift(&url)
        .args(["watch", "Rhodes"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn watch");
    let mut err_lines = BufReader::new(watch.stderr.take().expect("stderr")).lines();
    let mut out_lines = BufReader::new(watch.stdout.take().expect("stdout")).lines();
    // The guard only keeps a broken build from hanging the suite.
    let guard = Duration::from_secs(60);
    let started = tokio::time::timeout(guard, err_lines.next_line())
        .await
        .expect("watch starts")
        .expect("read stderr")
        .expect("a line");
    assert!(started.starts_with("watching "), "{started}");

    ok(
        &url,
        &["ingest", &seed_path("note.txt").display().to_string()],
    )
    .await;
    ok(
        &url,
        &["ingest", &seed_path(FOUNDING).display().to_string()],
    )
    .await;
    let line = tokio::time::timeout(guard, out_lines.next_line())
        .await
        .expect("a match arrives")
        .expect("read stdout")
        .expect("a line");
    assert!(
        line.starts_with("created") && line.contains(FOUNDING),
        "{line}"
    );
    watch.kill().await.expect("stop watch");
}

#[tokio::test]
async fn cli_errors_name_the_code_and_what_to_do() {
    const KEY: &str = "dsk_cli_test_key";
    let config = Config {
        keys: vec![ApiKeyConfig {
            id: "cli".into(),
            secret_sha256: hash_hex(KEY),
            scopes: vec![Scope::Read],
            tenant: "t".into(),
            rate_limit: None,
        }],
        ..Config::default()
    };
    let server = TestServer::start_with(config).await;
    let url = url(&server);

    let output = run(&url, &["list"]).await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.starts_with("docsift: UNAUTHENTICATED: "), "{err}");
    assert!(
        err.contains("set DOCSIFT_API_KEY or pass --api-key"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");

    let output = run(&url, &["list", "--api-key", "wrong"]).await;
    assert!(stderr(&output).starts_with("docsift: UNAUTHENTICATED: "));

    let output = docsift(&url)
        .args(["list"])
        .env("DOCSIFT_API_KEY", KEY)
        .output()
        .await
        .expect("run");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("0 of 0 documents"));

    let output = run(&url, &["ingest", &seeds(), "--api-key", KEY]).await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.starts_with("docsift: PERMISSION_DENIED: "), "{err}");
    assert!(err.contains("\"write\""), "names the scope: {err}");

    // No server: a port that was just free.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let free = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let output = run(&free, &["search", "x"]).await;
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.starts_with("docsift: UNAVAILABLE: "), "{err}");
    assert!(
        err.contains(&format!("is the server running at {free}?")),
        "{err}"
    );
    assert!(err.contains("docsift serve"), "{err}");

    let output = run(&url, &["search", "x", "--timeout", "soon"]).await;
    assert_eq!(output.status.code(), Some(2), "a usage error");
}

#[tokio::test]
async fn cli_speaks_tls_with_a_private_ca() {
    use crate::transport::{pki, start_tls, temp_file};
    let pki = pki();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        tls_cert: Some(temp_file(&dir, "server.pem", &pki.server_cert)),
        tls_key: Some(temp_file(&dir, "server.key", &pki.server_key)),
        ..Config::default()
    };
    let (addr, _stop) = start_tls(config).await;
    let ca = temp_file(&dir, "ca.pem", &pki.ca).display().to_string();
    // The certificate names "localhost".
    let url = format!("localhost:{}", addr.port());

    let out = ok(&url, &["list", "--ca-cert", &ca]).await;
    assert!(out.contains("0 of 0 documents"), "{out}");
    let https = format!("https://{url}");
    let out = ok(&https, &["list", "--ca-cert", &ca]).await;
    assert!(out.contains("0 of 0 documents"), "{out}");

    // The web's root CAs do not vouch for a private CA.
    let output = run(&url, &["list", "--tls"]).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("docsift: UNAVAILABLE: "),
        "{}",
        stderr(&output)
    );
    let output = run(&url, &["list", "--ca-cert", "/nonexistent/ca.pem"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read --ca-cert"),
        "{}",
        stderr(&output)
    );
}

/// The README's walk-through uses these three commands; they must exist.
#[test]
fn readme_walks_through_the_client() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    for command in [
        "target/release/docsift ingest seeds/",
        "target/release/docsift search",
    ] {
        assert!(readme.contains(command), "README shows {command:?}");
    }
}

/// Documents whose every field is set, an HTML and a Markdown one among
/// them, as JSON lines `docsift ingest` reads.
const FULL_DOCUMENTS: &str = r##"{"id": "rt-html", "text": "<html><head><title>The new bridge</title></head><body><nav>Home | World</nav><p>Claire Fontaine opened the Pont Neuf bridge in Lyon on Sunday. \"It is a great day for the city,\" Fontaine said. Critics in Paris called the project a terrible waste of money.</p></body></html>", "contentType": "CONTENT_TYPE_TEXT_HTML", "url": "https://example.com/bridge", "source": "wire", "publishedAt": "2015-11-15T18:00:00Z", "tags": ["city", "bridges"], "attributes": {"desk": "regional", "priority": "2"}, "language": "en"}
{"id": "rt-md", "text": "# Summit\n\nAngela Merkel met Emmanuel Macron in Berlin on Monday. The **talks** were friendly and productive.", "contentType": "CONTENT_TYPE_TEXT_MARKDOWN", "title": "Summit in Berlin", "source": "agency", "publishedAt": "2017-05-15T09:30:00.250Z", "tags": ["politics"], "attributes": {"desk": "europe"}}
{"id": "rt-plain", "text": "Nadia Okafor visited Rotterdam. She praised the harbour.", "contentType": "CONTENT_TYPE_TEXT_PLAIN", "title": "A visit", "url": "https://example.com/visit"}
"##;

fn export_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines().map(json).collect()
}

#[tokio::test]
async fn cli_export_and_import_round_trip() {
    let (one, two) = (TestServer::start().await, TestServer::start().await);
    let (url1, url2) = (url(&one), url(&two));
    let dir = temp_dir("roundtrip");
    let full = dir.join("full.jsonl");
    std::fs::write(&full, FULL_DOCUMENTS).expect("write");
    let bare = dir.join("bare.jsonl");
    std::fs::write(
        &bare,
        "{\"id\": \"rt-bare\", \"text\": \"Stored without analysis by Karim Benali.\"}\n",
    )
    .expect("write");
    ok(&url1, &["ingest", &seeds()]).await;
    ok(&url1, &["ingest", &full.display().to_string()]).await;
    let bare = bare.display().to_string();
    ok(&url1, &["ingest", &bare, "--skip-analysis"]).await;
    let count = json(&ok(&url1, &["list", "--json"]).await)["totalSize"]
        .as_str()
        .expect("totalSize")
        .parse::<usize>()
        .expect("a number");

    // To a file (the summary on stdout), and to stdout (the summary on
    // stderr): the same lines.
    let file1 = dir.join("one.jsonl");
    let file1_arg = file1.display().to_string();
    let out = ok(
        &url1,
        &["export", "--output", &file1_arg, "--page-size", "3"],
    )
    .await;
    assert!(
        out.starts_with(&format!("exported {count} documents to {file1_arg} in ")),
        "{out}"
    );
    let exported = export_lines(&std::fs::read_to_string(&file1).expect("the export"));
    let output = run(&url1, &["export"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(export_lines(&stdout(&output)), exported, "stdout = file");
    assert!(
        stderr(&output).starts_with(&format!("exported {count} documents in ")),
        "{}",
        stderr(&output)
    );
    assert_eq!(exported.len(), count);
    let ids: Vec<&str> = exported
        .iter()
        .map(|line| line["document"]["id"].as_str().expect("an id"))
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "in id order");
    let html = exported
        .iter()
        .find(|line| line["document"]["id"] == "rt-html")
        .expect("rt-html exported");
    assert_eq!(html["document"]["contentType"], "CONTENT_TYPE_TEXT_HTML");
    assert_eq!(html["document"]["attributes"]["desk"], "regional");
    assert!(
        html["analysis"]["entities"]
            .as_array()
            .is_some_and(|e| !e.is_empty()),
        "with its analysis: {html}"
    );

    // Into a fresh server, then again: nothing changes the second time.
    let out = ok(&url2, &["import", &file1_arg]).await;
    assert!(
        out.contains(&format!("imported {count} of {count} documents"))
            && out.contains(&format!(": {count} created")),
        "{out}"
    );
    let out = ok(&url2, &["import", &file1_arg]).await;
    assert!(out.contains(&format!(": {count} unchanged")), "{out}");

    let file2 = dir.join("two.jsonl");
    ok(&url2, &["export", "-o", &file2.display().to_string()]).await;
    let reexported = export_lines(&std::fs::read_to_string(&file2).expect("the export"));
    assert_eq!(reexported.len(), exported.len());
    for (before, after) in exported.iter().zip(&reexported) {
        let id = &before["document"]["id"];
        // The document as submitted: id, content, content type, title, url,
        // source, published_at, language hint, tags, attributes.
        assert_eq!(before["document"], after["document"], "{id}");
        assert_eq!(after["version"], "1", "{id}");
        // The stateless stages come out the same; key phrases depend on the
        // tenant's corpus, created_at on the clock.
        for part in [
            "extractedText",
            "language",
            "stats",
            "sentences",
            "entities",
            "sentiment",
            "summary",
            "quotes",
            "fingerprint",
            "title",
            "publishedAt",
        ] {
            assert_eq!(
                before["analysis"].get(part),
                after["analysis"].get(part),
                "{id}: analysis.{part}"
            );
        }
    }
    let bare_after = reexported
        .iter()
        .find(|line| line["document"]["id"] == "rt-bare")
        .expect("rt-bare");
    assert!(
        bare_after["analysis"].get("language").is_none()
            && bare_after["analysis"].get("stats").is_none(),
        "stored without analysis again: {bare_after}"
    );
    let founding = reexported
        .iter()
        .find(|line| line["document"]["id"] == FOUNDING)
        .expect("the founding article");
    assert!(
        founding["analysis"]["entities"]
            .as_array()
            .expect("entities")
            .iter()
            .any(|e| e["name"] == "Ben Rhodes"),
        "{founding}"
    );
    // Searchable, with its metadata, once the import returned.
    let hits = ok(
        &url2,
        &[
            "search",
            "bridge",
            "--tag",
            "bridges",
            "--attr",
            "desk=regional",
        ],
    )
    .await;
    assert!(
        hits.contains("rt-html") && hits.contains("1 of 1 hits"),
        "{hits}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn cli_import_lists_malformed_lines_and_loads_the_rest() {
    let server = TestServer::start().await;
    let url = url(&server);
    let dir = temp_dir("import-bad");
    let file = dir.join("mixed.jsonl");
    std::fs::write(
        &file,
        "{\"document\": {\"id\": \"m-1\", \"text\": \"Claire Fontaine opened the bridge in Lyon.\"}}\n\
         {\"document\": {\"id\": \"m-2\", \"text\": \n\
         \n\
         {\"document\": {\"text\": \"No id here.\"}}\n\
         {\"id\": \"bad id!\", \"text\": \"An id with a space.\"}\n\
         {\"document\": {\"id\": \"m-6\", \"tags\": 3}}\n\
         {\"id\": \"m-7\", \"body\": \"Nadia Okafor visited Rotterdam.\"}\n",
    )
    .expect("write");
    let file_arg = file.display().to_string();
    let output = run(&url, &["import", &file_arg]).await;
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(output.status.code(), Some(1), "{out}\n{err}");
    assert!(out.contains("imported 2 of 6 documents"), "{out}");
    assert!(err.contains("4 failed:"), "{err}");
    assert!(err.contains(&format!("{file_arg}:2: not JSON")), "{err}");
    assert!(
        err.contains(&format!("{file_arg}:4: the document has no id")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file_arg}:5: bad id! (INVALID_ARGUMENT")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file_arg}:6: document: not a document")),
        "{err}"
    );
    // The good lines around the bad ones are in, and searchable at once.
    let hits = ok(&url, &["search", "Rotterdam OR Lyon"]).await;
    assert!(hits.contains("m-1") && hits.contains("m-7"), "{hits}");

    let output = run(&url, &["import", "/nonexistent/docsift.jsonl"]).await;
    assert_eq!(
        output.status.code(),
        Some(2),
        "a missing file is a usage error"
    );
    assert!(stderr(&output).contains("cannot read /nonexistent/docsift.jsonl"));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn cli_export_of_an_empty_tenant_imports_as_nothing() {
    let (one, two) = (TestServer::start().await, TestServer::start().await);
    let output = run(&url(&one), &["export"]).await;
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "no lines");
    assert!(stderr(&output).starts_with("exported 0 documents in "));
    let dir = temp_dir("export-empty");
    let file = dir.join("empty.jsonl");
    ok(&url(&one), &["export", "-o", &file.display().to_string()]).await;
    assert_eq!(std::fs::read(&file).expect("written").len(), 0);

    // Through a pipe, as `docsift export | docsift import -` would.
    let mut child = docsift(&url(&two))
        .args(["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdin.take());
    let output = child.wait_with_output().await.expect("wait");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("imported 0 of 0 documents from stdin"),
        "{}",
        stdout(&output)
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn cli_export_halves_pages_and_never_leaves_a_truncated_file() {
    // A message limit an analysed 3 KB document does not fit in.
    let mut config = Config::default();
    config.limits.max_message_bytes = 8_000;
    config.limits.max_document_bytes = 4_000;
    let server = TestServer::start_with(config).await;
    let url = url(&server);
    let dir = temp_dir("export-large");
    let small = dir.join("small.jsonl");
    // Ids before "README.md": the first page that fits holds these.
    std::fs::write(
        &small,
        "{\"id\": \"0-a\", \"text\": \"Nadia Okafor visited Rotterdam.\"}\n\
         {\"id\": \"0-b\", \"text\": \"Karim Benali left Lyon.\"}\n\
         {\"id\": \"0-c\", \"text\": \"Claire Fontaine opened a bridge.\"}\n",
    )
    .expect("write");
    ok(&url, &["ingest", &small.display().to_string()]).await;
    // 3 KB of Markdown, some 13 KB with its analysis.
    ok(
        &url,
        &["ingest", &seed_path("README.md").display().to_string()],
    )
    .await;

    let file = dir.join("out.jsonl");
    let file_arg = file.display().to_string();
    std::fs::write(&file, "an earlier export\n").expect("write");
    let output = run(&url, &["export", "-o", &file_arg]).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.starts_with("docsift: OUT_OF_RANGE: "), "{err}");
    assert!(err.contains("--no-analysis"), "{err}");
    assert!(
        err.contains(&format!("{file_arg} was not written")),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("still there"),
        "an earlier export\n",
        "the earlier file is left as it was"
    );
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temporary file left: {leftovers:?}");

    // On stdout the lines written so far stay, and the error says so.
    let output = run(&url, &["export"]).await;
    assert_eq!(output.status.code(), Some(1));
    let lines = export_lines(&stdout(&output));
    let ids: Vec<&str> = lines
        .iter()
        .map(|l| l["document"]["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["0-a", "0-b", "0-c"], "pages halved until they fit");
    assert!(
        stderr(&output).contains("the output is incomplete: 3 document(s) were written"),
        "{}",
        stderr(&output)
    );

    let out = ok(&url, &["export", "-o", &file_arg, "--no-analysis"]).await;
    assert!(out.starts_with("exported 4 documents"), "{out}");
    let lines = export_lines(&std::fs::read_to_string(&file).expect("written"));
    assert_eq!(lines.len(), 4);
    assert!(lines.iter().all(|l| l.get("analysis").is_none()));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn cli_import_waits_out_a_rate_limit_and_resends() {
    // 20 writes a second, 4 at once: the stream of 30 documents is refused
    // part way, more than once.
    let mut config = Config::default();
    config.rate_limits.write = docsift::config::RateLimit {
        per_second: 20,
        burst: 4,
    };
    let server = TestServer::start_with(config).await;
    let url = url(&server);
    let dir = temp_dir("import-rate");
    let file = dir.join("many.jsonl");
    let lines: String = (0..30)
        .map(|i| format!("{{\"id\": \"r-{i:02}\", \"text\": \"Report {i} from Lyon.\"}}\n"))
        .collect();
    std::fs::write(&file, lines).expect("write");
    let file_arg = file.display().to_string();

    let output = run(&url, &["import", &file_arg, "--concurrency", "8"]).await;
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(output.status.success(), "{out}\n{err}");
    assert!(out.contains("imported 30 of 30 documents"), "{out}");
    let total = json(&ok(&url, &["list", "--json"]).await)["totalSize"].clone();
    assert_eq!(total, "30", "every document once");
    std::fs::remove_dir_all(dir).ok();
}

/// `import --help` says what an import cannot restore.
#[test]
fn import_help_names_what_cannot_be_restored() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_docsift"))
        .args(["import", "--help"])
        .output()
        .expect("run the docsift binary");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{help}");
    for words in [
        "What cannot be restored",
        "version starts again",
        "created_at",
        "key phrases",
        "listed with its line",
    ] {
        assert!(help.contains(words), "{words:?} in {help}");
    }
}

/// A report piped into a reader that has gone (`docsift eval ner ... |
/// head -1`) ends the command quietly, as a closed pipe should, instead of
/// a panic and exit code 101.
#[test]
fn a_closed_stdout_ends_an_eval_quietly() {
    let dir = temp_dir("closed-pipe");
    let conll = dir.join("tiny.conll");
    let mut text = String::new();
    for _ in 0..200 {
        text.push_str("Peter B-PER\nBlackburn I-PER\nvisited O\nParis B-LOC\n. O\n\n");
    }
    std::fs::write(&conll, text).expect("write the CoNLL file");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_docsift"))
        .args(["eval", "ner", "--json", "--conll"])
        .arg(&conll)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run the docsift binary");
    // Close the reading end before the report is written.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait for docsift");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {err}", output.status);
    assert!(!err.contains("panicked"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}
