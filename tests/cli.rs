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
    let config = Config {
        tls_cert: Some(temp_file("server.pem", &pki.server_cert)),
        tls_key: Some(temp_file("server.key", &pki.server_key)),
        ..Config::default()
    };
    let (addr, _stop) = start_tls(config).await;
    let ca = temp_file("ca.pem", &pki.ca).display().to_string();
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
