//! Transports other than plaintext HTTP/2: TLS (and client certificates),
//! gRPC-Web over HTTP/1.1 with CORS, and compressed messages.

use docsift::config::Config;
use docsift::proto::pb;
use prost::Message;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Identity};

use crate::util::{TestServer, text_document};

/// A CA, a server certificate for "localhost" and a client certificate, as PEM.
pub(crate) struct Pki {
    pub(crate) ca: String,
    pub(crate) server_cert: String,
    pub(crate) server_key: String,
    client_cert: String,
    client_key: String,
}

pub(crate) fn pki() -> Pki {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::CrlSign,
    ];
    let ca =
        CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("ca key")).expect("ca");
    let server_key = KeyPair::generate().expect("server key");
    let mut server_params = CertificateParams::new(vec!["localhost".to_string()]).expect("params");
    server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = server_params
        .signed_by(&server_key, &ca)
        .expect("server cert");
    let client_key = KeyPair::generate().expect("client key");
    let mut client_params = CertificateParams::new(vec!["client".to_string()]).expect("params");
    client_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let client_cert = client_params
        .signed_by(&client_key, &ca)
        .expect("client cert");
    Pki {
        ca: ca.pem(),
        server_cert: server_cert.pem(),
        server_key: server_key.serialize_pem(),
        client_cert: client_cert.pem(),
        client_key: client_key.serialize_pem(),
    }
}

/// Writes `text` to a file `name` in `dir`, a temporary folder the test
/// keeps (and so removes) for as long as the server reads from it.
pub(crate) fn temp_file(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// Starts a server with a TLS configuration; drop the sender to stop it.
pub(crate) async fn start_tls(
    config: Config,
) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(docsift::server::run(config, listener, async move {
        let _ = stopped.await;
    }));
    (addr, stop)
}

async fn analyze_over(channel: Channel) -> Result<pb::Analysis, tonic::Status> {
    pb::analyzer_client::AnalyzerClient::new(channel)
        .analyze(pb::AnalyzeRequest {
            document: Some(text_document("", "Ben Rhodes spoke in Paris on Sunday.")),
            options: None,
        })
        .await
        .map(|r| r.into_inner().analysis.unwrap_or_default())
}

#[tokio::test]
async fn tls_and_client_certificates() {
    let pki = pki();
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Config {
        tls_cert: Some(temp_file(&dir, "server.pem", &pki.server_cert)),
        tls_key: Some(temp_file(&dir, "server.key", &pki.server_key)),
        ..Config::default()
    };
    let (addr, _stop) = start_tls(config).await;
    let tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(&pki.ca))
        .domain_name("localhost");
    let channel = Channel::from_shared(format!("https://{addr}"))
        .expect("uri")
        .tls_config(tls)
        .expect("tls config")
        .connect()
        .await
        .expect("TLS connection");
    let analysis = analyze_over(channel).await.expect("analyze over TLS");
    assert!(analysis.entities.iter().any(|e| e.name == "Ben Rhodes"));

    // Plaintext HTTP/2 to a TLS server fails.
    let plain = Channel::from_shared(format!("http://{addr}"))
        .expect("uri")
        .connect()
        .await;
    if let Ok(channel) = plain {
        assert!(analyze_over(channel).await.is_err());
    }

    // With a client CA, a client needs a certificate it signed.
    let config = Config {
        tls_cert: Some(temp_file(&dir, "server.pem", &pki.server_cert)),
        tls_key: Some(temp_file(&dir, "server.key", &pki.server_key)),
        tls_client_ca: Some(temp_file(&dir, "ca.pem", &pki.ca)),
        ..Config::default()
    };
    let (addr, _stop) = start_tls(config).await;
    let connect = |identity: Option<Identity>| {
        let mut tls = ClientTlsConfig::new()
            .ca_certificate(Certificate::from_pem(&pki.ca))
            .domain_name("localhost");
        if let Some(identity) = identity {
            tls = tls.identity(identity);
        }
        async move {
            let channel = Channel::from_shared(format!("https://{addr}"))
                .expect("uri")
                .tls_config(tls)
                .expect("tls config")
                .connect()
                .await
                .map_err(|e| tonic::Status::unavailable(e.to_string()))?;
            analyze_over(channel).await
        }
    };
    assert!(connect(None).await.is_err(), "no client certificate");
    let with_cert = connect(Some(Identity::from_pem(&pki.client_cert, &pki.client_key))).await;
    assert!(with_cert.is_ok(), "{with_cert:?}");
}

/// Sends one raw HTTP/1.1 request and returns the whole response.
pub(crate) async fn http1(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> Vec<u8> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(body).await.expect("body");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    response
}

#[tokio::test]
async fn grpc_web_over_http1_with_cors() {
    let config = Config {
        cors_allowed_origins: vec!["https://app.example.com".into()],
        ..Config::default()
    };
    let server = TestServer::start_with(config).await;
    let request = pb::AnalyzeRequest {
        document: Some(text_document("", "Angela Merkel visited Paris on Monday.")),
        options: None,
    }
    .encode_to_vec();
    let mut framed = vec![0u8];
    framed.extend((request.len() as u32).to_be_bytes());
    framed.extend(&request);
    let head = format!(
        "POST /docsift.v1.Analyzer/Analyze HTTP/1.1\r\nHost: test\r\n\
         Content-Type: application/grpc-web+proto\r\nX-Grpc-Web: 1\r\n\
         Origin: https://app.example.com\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        framed.len()
    );
    let response = http1(server.addr, &head, &framed).await;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let headers = String::from_utf8_lossy(&response[..split]).to_lowercase();
    assert!(headers.starts_with("http/1.1 200"), "{headers}");
    assert!(
        headers.contains("content-type: application/grpc-web"),
        "{headers}"
    );
    assert!(
        headers.contains("access-control-allow-origin: https://app.example.com"),
        "{headers}"
    );
    let mut body = &response[split + 4..];
    // Chunked transfer encoding: join the chunks.
    let mut joined = Vec::new();
    if headers.contains("transfer-encoding: chunked") {
        while let Some(line_end) = body.windows(2).position(|w| w == b"\r\n") {
            let size =
                usize::from_str_radix(std::str::from_utf8(&body[..line_end]).expect("size"), 16)
                    .expect("hex size");
            if size == 0 {
                break;
            }
            joined.extend(&body[line_end + 2..line_end + 2 + size]);
            body = &body[line_end + 2 + size + 2..];
        }
    } else {
        joined.extend(body);
    }
    // The first frame is the message; a trailer frame (flag 0x80) follows.
    assert_eq!(joined[0], 0, "a message frame");
    let len = u32::from_be_bytes([joined[1], joined[2], joined[3], joined[4]]) as usize;
    let message = pb::AnalyzeResponse::decode(&joined[5..5 + len]).expect("decode");
    let analysis = message.analysis.expect("analysis");
    assert!(analysis.entities.iter().any(|e| e.name == "Angela Merkel"));
    let trailers = &joined[5 + len..];
    assert_eq!(trailers[0], 0x80, "a trailer frame");
    assert!(String::from_utf8_lossy(&trailers[5..]).contains("grpc-status:0"));

    // A CORS preflight from the allowed origin is answered; another origin is not allowed.
    let preflight = |origin: &str| {
        format!(
            "OPTIONS /docsift.v1.Analyzer/Analyze HTTP/1.1\r\nHost: test\r\nOrigin: {origin}\r\n\
             Access-Control-Request-Method: POST\r\n\
             Access-Control-Request-Headers: content-type,x-grpc-web,authorization\r\n\
             Connection: close\r\n\r\n"
        )
    };
    let allowed = String::from_utf8_lossy(
        &http1(server.addr, &preflight("https://app.example.com"), b"").await,
    )
    .to_lowercase();
    assert!(
        allowed.contains("access-control-allow-origin: https://app.example.com"),
        "{allowed}"
    );
    assert!(allowed.contains("authorization"), "{allowed}");
    let other =
        String::from_utf8_lossy(&http1(server.addr, &preflight("https://evil.example"), b"").await)
            .to_lowercase();
    assert!(!other.contains("access-control-allow-origin"), "{other}");
}

#[tokio::test]
async fn compressed_messages_both_ways() {
    use tonic::codec::CompressionEncoding;
    let server = TestServer::start().await;
    for encoding in [CompressionEncoding::Gzip, CompressionEncoding::Zstd] {
        let response = server
            .analyzer()
            .send_compressed(encoding)
            .accept_compressed(encoding)
            .analyze(pb::AnalyzeRequest {
                document: Some(text_document(
                    "",
                    &"Ben Rhodes spoke in Paris. ".repeat(200),
                )),
                options: None,
            })
            .await
            .expect("compressed call");
        let sent = response
            .metadata()
            .get("grpc-encoding")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let expected = match encoding {
            CompressionEncoding::Gzip => "gzip",
            _ => "zstd",
        };
        assert_eq!(
            sent.as_deref(),
            Some(expected),
            "the answer is compressed too"
        );
    }
}
