//! API keys: who is calling, which tenant they act for, and whether the
//! method they call is within their key's scopes.
//!
//! A key travels as `authorization: Bearer <key>` or `x-api-key: <key>`. The
//! server knows only the SHA-256 of each key and compares hashes in constant
//! time against every configured key, so neither the secret nor the timing of
//! a comparison reveals anything. The caller's identity goes into the request
//! extensions as a [`Caller`] for the handlers; the key id and tenant go into
//! the request's log line, never the key.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use tower::{Layer, Service};

use super::Caller;
use crate::config::{ApiKeyConfig, Scope};
use crate::error::Error;

/// The prefix of keys made by `docsift keys create`, so a leaked key is easy
/// to recognise in a scanner.
pub const KEY_PREFIX: &str = "dsk_";

/// A new random key and its hash: (key, lower-case hex SHA-256 of the key).
pub fn generate_key() -> (String, String) {
    let secret: [u8; 32] = rand::random();
    let key = format!("{KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(secret));
    let hash = hash_hex(&key);
    (key, hash)
}

/// The lower-case hex SHA-256 of a key.
pub fn hash_hex(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One configured key, ready to compare.
#[derive(Debug, Clone)]
struct Key {
    id: String,
    hash: [u8; 32],
    scopes: Vec<Scope>,
    tenant: String,
}

/// The configured keys.
#[derive(Debug, Clone, Default)]
pub struct KeyRing {
    keys: Vec<Key>,
}

impl KeyRing {
    /// Builds the ring; hashes that are not 64 hex digits are skipped (the
    /// configuration is validated before this).
    pub fn new(keys: &[ApiKeyConfig]) -> KeyRing {
        let keys = keys
            .iter()
            .filter_map(|k| {
                let mut hash = [0u8; 32];
                for (i, byte) in hash.iter_mut().enumerate() {
                    let pair = k.secret_sha256.get(i * 2..i * 2 + 2)?;
                    *byte = u8::from_str_radix(pair, 16).ok()?;
                }
                Some(Key {
                    id: k.id.clone(),
                    hash,
                    scopes: k.scopes.clone(),
                    tenant: k.tenant.clone(),
                })
            })
            .collect();
        KeyRing { keys }
    }

    /// Whether no key is configured (the server then runs open).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Finds the key whose hash matches, comparing against every key in
    /// constant time so the answer's timing does not depend on the secret.
    fn find(&self, presented: &str) -> Option<&Key> {
        let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let mut found = None;
        for key in &self.keys {
            let diff = key
                .hash
                .iter()
                .zip(digest.iter())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b));
            if diff == 0 && found.is_none() {
                found = Some(key);
            }
        }
        found
    }
}

/// What a method needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// Nothing: health and reflection while they are open.
    Nothing,
    /// A valid key with this scope.
    Scope(Scope),
    /// A valid key (a method this server does not know; tonic answers it).
    AnyKey,
}

/// The scope each method needs (api.md's table).
fn needs(path: &str, open_health_and_reflection: bool) -> Needs {
    let service = path.trim_start_matches('/').split('/').next().unwrap_or("");
    match service {
        "docsift.v1.Analyzer" => Needs::Scope(Scope::Analyze),
        "docsift.v1.Search" => Needs::Scope(Scope::Read),
        "docsift.v1.Documents" => match path.rsplit('/').next().unwrap_or("") {
            "GetDocument" | "ListDocuments" => Needs::Scope(Scope::Read),
            _ => Needs::Scope(Scope::Write),
        },
        "grpc.health.v1.Health"
        | "grpc.reflection.v1.ServerReflection"
        | "grpc.reflection.v1alpha.ServerReflection"
            if open_health_and_reflection =>
        {
            Needs::Nothing
        }
        _ => Needs::AnyKey,
    }
}

/// The key a request presents, if any.
fn presented_key<B>(request: &http::Request<B>) -> Option<&str> {
    let headers = request.headers();
    if let Some(value) = headers.get(http::header::AUTHORIZATION)
        && let Ok(value) = value.to_str()
    {
        let mut parts = value.trim().splitn(2, ' ');
        let scheme = parts.next().unwrap_or("");
        if scheme.eq_ignore_ascii_case("bearer") {
            return parts.next().map(str::trim).filter(|k| !k.is_empty());
        }
        return None;
    }
    headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// Decides a request: the caller it runs as, or the error it gets.
fn authorize<B>(ring: &KeyRing, open: bool, request: &http::Request<B>) -> Result<Caller, Error> {
    let path = request.uri().path();
    let needed = needs(path, open);
    if ring.is_empty() || needed == Needs::Nothing {
        return Ok(Caller::anonymous());
    }
    let Some(presented) = presented_key(request) else {
        return Err(Error::Unauthenticated(
            "this server needs an API key: send `authorization: Bearer <key>` or `x-api-key: <key>`"
                .into(),
        ));
    };
    let Some(key) = ring.find(presented) else {
        return Err(Error::Unauthenticated(
            "the API key is not known to this server".into(),
        ));
    };
    if let Needs::Scope(scope) = needed
        && !key.scopes.contains(&scope)
        && !key.scopes.contains(&Scope::Admin)
    {
        return Err(Error::PermissionDenied(format!(
            "key {:?} lacks the {:?} scope that {path} needs",
            key.id,
            scope.as_str()
        )));
    }
    Ok(Caller {
        tenant: key.tenant.clone(),
        key_id: Some(key.id.clone()),
    })
}

/// The layer; see the module docs.
#[derive(Debug, Clone)]
pub struct AuthLayer {
    ring: Arc<KeyRing>,
    open_health_and_reflection: bool,
}

impl AuthLayer {
    /// A layer over the configured keys.
    pub fn new(ring: KeyRing, open_health_and_reflection: bool) -> Self {
        AuthLayer {
            ring: Arc::new(ring),
            open_health_and_reflection,
        }
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Auth {
            inner,
            ring: self.ring.clone(),
            open: self.open_health_and_reflection,
        }
    }
}

/// The service of [`AuthLayer`].
#[derive(Debug, Clone)]
pub struct Auth<S> {
    inner: S,
    ring: Arc<KeyRing>,
    open: bool,
}

impl<S, B> Service<http::Request<B>> for Auth<S>
where
    S: Service<http::Request<B>, Response = http::Response<tonic::body::Body>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future =
        Pin<Box<dyn std::future::Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        match authorize(&self.ring, self.open, &request) {
            Ok(caller) => {
                let key_id = caller.key_id.clone().unwrap_or_default();
                let tenant = caller.tenant.clone();
                request.extensions_mut().insert(caller);
                let future = self.inner.call(request);
                Box::pin(async move {
                    // Polled inside the request's span: name who is calling.
                    let span = tracing::Span::current();
                    span.record("key_id", key_id.as_str());
                    span.record("tenant", tenant.as_str());
                    future.await
                })
            }
            Err(err) => super::refuse(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(key: &str) -> KeyRing {
        KeyRing::new(&[ApiKeyConfig {
            id: "k1".into(),
            secret_sha256: hash_hex(key),
            scopes: vec![Scope::Read],
            tenant: "acme".into(),
            rate_limit: None,
        }])
    }

    fn request(path: &str, header: Option<(&str, &str)>) -> http::Request<()> {
        let mut builder = http::Request::builder().uri(path);
        if let Some((name, value)) = header {
            builder = builder.header(name, value);
        }
        builder.body(()).unwrap()
    }

    #[test]
    fn keys_scopes_and_open_paths() {
        let (key, hash) = generate_key();
        assert!(key.starts_with(KEY_PREFIX));
        assert_eq!(hash, hash_hex(&key));
        let ring = ring(&key);
        let bearer = format!("Bearer {key}");
        // (path, header, the caller's tenant or the refusal's code)
        type Case<'a> = (
            &'a str,
            Option<(&'a str, &'a str)>,
            Result<&'a str, tonic::Code>,
        );
        let cases: Vec<Case> = vec![
            (
                "/docsift.v1.Search/Search",
                Some(("authorization", &bearer)),
                Ok("acme"),
            ),
            (
                "/docsift.v1.Search/Search",
                Some(("x-api-key", &key)),
                Ok("acme"),
            ),
            (
                "/docsift.v1.Search/Search",
                None,
                Err(tonic::Code::Unauthenticated),
            ),
            (
                "/docsift.v1.Search/Search",
                Some(("authorization", "Bearer nope")),
                Err(tonic::Code::Unauthenticated),
            ),
            (
                "/docsift.v1.Search/Search",
                Some(("authorization", "Basic abc")),
                Err(tonic::Code::Unauthenticated),
            ),
            (
                "/docsift.v1.Documents/Ingest",
                Some(("authorization", &bearer)),
                Err(tonic::Code::PermissionDenied),
            ),
            (
                "/docsift.v1.Documents/GetDocument",
                Some(("authorization", &bearer)),
                Ok("acme"),
            ),
            (
                "/docsift.v1.Analyzer/Analyze",
                Some(("authorization", &bearer)),
                Err(tonic::Code::PermissionDenied),
            ),
            ("/grpc.health.v1.Health/Check", None, Ok("default")),
            (
                "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                None,
                Ok("default"),
            ),
            (
                "/unknown.Service/Method",
                None,
                Err(tonic::Code::Unauthenticated),
            ),
        ];
        for (path, header, expected) in cases {
            let got = authorize(&ring, true, &request(path, header));
            match (got, expected) {
                (Ok(caller), Ok(tenant)) => assert_eq!(caller.tenant, tenant, "{path}"),
                (Err(err), Err(code)) => {
                    assert_eq!(tonic::Status::from(err).code(), code, "{path}")
                }
                (got, expected) => panic!("{path} {header:?}: got {got:?}, expected {expected:?}"),
            }
        }
        // Protected health needs a key too.
        let got = authorize(&ring, false, &request("/grpc.health.v1.Health/Check", None));
        assert!(got.is_err());
        // No keys: everyone is the default tenant.
        let open = authorize(
            &KeyRing::default(),
            true,
            &request("/docsift.v1.Documents/Ingest", None),
        );
        assert_eq!(open.unwrap(), Caller::anonymous());
    }
}
