#!/usr/bin/env python3
"""Python grpcio client for docsift's interop check.

Generates stubs from proto/ at run time (into tests/interop/gen, git-ignored), then
drives the Analyzer, Documents and Search services of a running server and checks
the answers against the wire contract. Prints one line per check and
"N passed, M failed" at the end; exits non-zero when any check failed.

Usage: client.py --target 127.0.0.1:50051 [--seeds seeds] [--header "name: value"]
       client.py --gen-only   (generate and import the stubs, then exit)
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
GEN = HERE / "gen"


def generate_stubs() -> None:
    """Compiles proto/ into GEN and makes `docsift.v1` and `google.rpc` importable.

    No __init__.py files are written: `docsift` and `google` stay namespace
    packages, so `google.rpc` (here) and `google.protobuf` (from the protobuf
    wheel) merge into one `google` package.
    """
    if GEN.exists():
        shutil.rmtree(GEN)
    GEN.mkdir(parents=True)
    protos = sorted(glob.glob(str(ROOT / "proto/docsift/v1/*.proto")))
    protos.append(str(ROOT / "proto/google/rpc/status.proto"))
    cmd = [
        sys.executable, "-m", "grpc_tools.protoc",
        "-I", str(ROOT / "proto"),
        f"--python_out={GEN}",
        f"--grpc_python_out={GEN}",
        *protos,
    ]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"protoc failed ({res.returncode}): {' '.join(cmd)}\n{res.stdout}{res.stderr}")
    sys.path.insert(0, str(GEN))


def import_stubs():
    """Imports the generated modules and checks that they came from GEN."""
    import importlib

    names = [
        "google.rpc.status_pb2",
        "docsift.v1.document_pb2",
        "docsift.v1.analysis_pb2",
        "docsift.v1.analysis_pb2_grpc",
        "docsift.v1.documents_pb2",
        "docsift.v1.documents_pb2_grpc",
        "docsift.v1.search_pb2",
        "docsift.v1.search_pb2_grpc",
    ]
    mods = {}
    for name in names:
        mod = importlib.import_module(name)
        if not Path(mod.__file__).resolve().is_relative_to(GEN):
            sys.exit(f"{name} was imported from {mod.__file__}, not from {GEN}")
        mods[name.rsplit(".", 1)[1]] = mod
    # google.protobuf must still come from the protobuf wheel.
    from google.protobuf import timestamp_pb2  # noqa: F401

    return mods


# --- checks -----------------------------------------------------------------------

class Checks:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.failures: list[str] = []

    def ok(self, name: str) -> None:
        self.passed += 1
        print(f"ok   - {name}", flush=True)

    def fail(self, name: str, detail: str) -> None:
        self.failed += 1
        self.failures.append(name)
        print(f"FAIL - {name}", flush=True)
        for line in str(detail).splitlines()[:60]:
            print(f"       | {line}", flush=True)

    def expect(self, name: str, cond: bool, detail: str = "") -> bool:
        if cond:
            self.ok(name)
        else:
            self.fail(name, detail)
        return cond

    def run(self, name: str, fn) -> None:
        """Runs a group of checks; an exception fails the group and is shown."""
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - report and carry on
            import grpc

            if isinstance(e, grpc.RpcError):
                detail = f"RPC failed: {e.code()} {e.details()!r}"
            else:
                detail = "".join(traceback.format_exception(e))
            self.fail(name, detail)


def slice_units(text: str, begin: int, end: int, unit: str) -> str:
    """Slices text by offsets in the given unit ("utf8", "utf16" or "cp")."""
    if unit == "cp":
        return text[begin:end]
    if unit == "utf16":
        b = text.encode("utf-16-le")
        return b[2 * begin:2 * end].decode("utf-16-le", "replace")
    b = text.encode("utf-8")
    return b[begin:end].decode("utf-8", "replace")


def units_len(text: str, unit: str) -> int:
    if unit == "cp":
        return len(text)
    if unit == "utf16":
        return len(text.encode("utf-16-le")) // 2
    return len(text.encode("utf-8"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", default="127.0.0.1:50051")
    ap.add_argument("--seeds", default=str(ROOT / "seeds"))
    ap.add_argument("--header", action="append", default=[],
                    help='"name: value" metadata sent on every call (repeatable)')
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--gen-only", action="store_true")
    args = ap.parse_args()

    generate_stubs()
    m = import_stubs()
    if args.gen_only:
        print(f"stubs generated in {GEN} and imported")
        return 0

    import grpc

    doc_pb = m["document_pb2"]
    an_pb, an_grpc = m["analysis_pb2"], m["analysis_pb2_grpc"]
    docs_pb, docs_grpc = m["documents_pb2"], m["documents_pb2_grpc"]
    s_pb, s_grpc = m["search_pb2"], m["search_pb2_grpc"]

    headers = list(args.header)
    if os.environ.get("INTEROP_AUTH_HEADER"):
        headers.append(os.environ["INTEROP_AUTH_HEADER"])
    metadata = []
    for h in headers:
        name, _, value = h.partition(":")
        metadata.append((name.strip().lower(), value.strip()))
    kw = {"metadata": metadata or None, "timeout": args.timeout}

    channel = grpc.insecure_channel(args.target)
    try:
        grpc.channel_ready_future(channel).result(timeout=15)
    except grpc.FutureTimeoutError:
        print(f"cannot connect to {args.target}")
        print("0 passed, 1 failed")
        return 1
    analyzer = an_grpc.AnalyzerStub(channel)
    documents = docs_grpc.DocumentsStub(channel)
    search = s_grpc.SearchStub(channel)
    c = Checks()

    seeds_dir = Path(args.seeds)
    seed_files = sorted(p for p in seeds_dir.iterdir() if p.is_file() and p.name != "README.md")
    # Bytes decoded by hand: no newline translation, so offsets match the server's.
    seed_text = {p.name: p.read_bytes().decode("utf-8") for p in seed_files}

    def seed_id(name: str) -> str:
        return "seed-" + name

    units = {
        "utf8": doc_pb.OFFSET_UNIT_UTF8,
        "utf16": doc_pb.OFFSET_UNIT_UTF16,
        "cp": doc_pb.OFFSET_UNIT_CODE_POINT,
    }

    # 1. Spans in every offset unit on the multiscript seed (emoji, CJK, RTL,
    #    combining marks): text[begin:end] must be the mention's text.
    def spans(unit: str):
        name = f"Analyze multiscript.txt with {doc_pb.OffsetUnit.Name(units[unit])}"
        text = seed_text["multiscript.txt"]
        req = an_pb.AnalyzeRequest(
            document=doc_pb.Document(text=text),
            options=an_pb.AnalyzeOptions(offset_unit=units[unit]),
        )
        a = analyzer.Analyze(req, **kw).analysis
        c.expect(f"{name}: analysis.offset_unit echoes the request",
                 a.offset_unit == units[unit],
                 f"expected {doc_pb.OffsetUnit.Name(units[unit])}, got {doc_pb.OffsetUnit.Name(a.offset_unit)}")
        t = a.extracted_text or text
        bad, n = [], 0
        for e in a.entities:
            for mention in e.mentions:
                n += 1
                got = slice_units(t, mention.span.begin, mention.span.end, unit)
                if got != mention.text:
                    bad.append(f"{e.name!r}: span [{mention.span.begin},{mention.span.end}) slices to "
                               f"{got!r}, mention.text is {mention.text!r}")
        c.expect(f"{name}: at least one entity mention", n > 0,
                 f"expected entities (Maria Santos, Tokyo, Anna Kowalski...); got {[e.name for e in a.entities]}")
        c.expect(f"{name}: every entity mention span slices to its text ({n} mentions)", not bad,
                 "\n".join(bad[:30]))
        bad = []
        for q in a.quotes:
            got = slice_units(t, q.span.begin, q.span.end, unit)
            if got != q.text:
                bad.append(f"quote span [{q.span.begin},{q.span.end}) slices to {got!r}, quote.text is {q.text!r}")
        for k in a.keyphrases:
            if k.spans:
                got = slice_units(t, k.spans[0].begin, k.spans[0].end, unit)
                if got != k.text:
                    bad.append(f"keyphrase first span [{k.spans[0].begin},{k.spans[0].end}) slices to {got!r}, "
                               f"keyphrase.text is {k.text!r}")
        total = units_len(t, unit)
        prev_end = 0
        for i, s in enumerate(a.sentences):
            if not (prev_end <= s.span.begin <= s.span.end <= total):
                bad.append(f"sentence {i} span [{s.span.begin},{s.span.end}) out of order or past "
                           f"the end ({total} units, previous end {prev_end})")
            prev_end = s.span.end
        c.expect(f"{name}: quote, keyphrase and sentence spans are consistent", not bad, "\n".join(bad[:30]))

    for unit in ("cp", "utf16", "utf8"):
        c.run(f"Analyze multiscript.txt ({unit})", lambda unit=unit: spans(unit))

    # 2. AnalyzeStream: one answer per request, in order; a bad item does not end it.
    def analyze_stream():
        reqs = [
            an_pb.AnalyzeStreamRequest(document=doc_pb.Document(text=seed_text["note.txt"])),
            an_pb.AnalyzeStreamRequest(document=doc_pb.Document(text="")),
            an_pb.AnalyzeStreamRequest(document=doc_pb.Document(text=seed_text["french_article.txt"])),
        ]
        resps = list(analyzer.AnalyzeStream(iter(reqs), **kw))
        got = [(r.index, r.status.code) for r in resps]
        c.expect("AnalyzeStream: 3 answers, in order, the empty item INVALID_ARGUMENT (3), others OK",
                 got == [(0, 0), (1, 3), (2, 0)],
                 f"expected [(index, status.code)] == [(0, 0), (1, 3), (2, 0)], got {got}")
        if len(resps) == 3:
            code = resps[2].analysis.language.code
            c.expect("AnalyzeStream: french_article.txt is detected as fr", code == "fr",
                     f"expected language.code 'fr', got {code!r}")

    c.run("AnalyzeStream", analyze_stream)

    # 3. IngestStream (bidi) with every seed plus one bad item.
    ingested: list[str] = []

    def ingest_stream():
        refresh = docs_pb.IngestOptions(refresh=docs_pb.REFRESH_WAIT_FOR)
        reqs, expect_ok = [], []
        for p in seed_files:
            if p.suffix == ".html":
                # Raw bytes exercise the charset/HTML path.
                d = doc_pb.Document(id=seed_id(p.name), raw=p.read_bytes(),
                                    content_type=doc_pb.CONTENT_TYPE_TEXT_HTML, source="interop")
            else:
                d = doc_pb.Document(id=seed_id(p.name), text=seed_text[p.name], source="interop",
                                    tags=["seed"], attributes={"file": p.name})
            reqs.append(docs_pb.IngestStreamRequest(document=d, options=refresh))
            expect_ok.append(True)
        bad_at = len(reqs) - 1
        reqs.insert(bad_at, docs_pb.IngestStreamRequest(
            document=doc_pb.Document(id="seed-empty", text=""), options=refresh))
        expect_ok.insert(bad_at, False)

        resps = list(documents.IngestStream(iter(reqs), **kw))
        c.expect("IngestStream: one response per request", len(resps) == len(reqs),
                 f"expected {len(reqs)} responses, got {len(resps)}")
        problems = []
        okres = (docs_pb.INGEST_RESULT_CREATED, docs_pb.INGEST_RESULT_UPDATED, docs_pb.INGEST_RESULT_UNCHANGED)
        for i, (req, r) in enumerate(zip(reqs, resps)):
            if r.index != i:
                problems.append(f"response {i}: index {r.index}, expected {i}")
            if expect_ok[i]:
                if r.status.code != 0:
                    problems.append(f"response {i} ({req.document.id}): status {r.status.code} "
                                    f"{r.status.message!r}, expected OK (0)")
                    continue
                if r.id != req.document.id:
                    problems.append(f"response {i}: id {r.id!r}, expected {req.document.id!r}")
                if r.result.result not in okres:
                    problems.append(f"response {i} ({req.document.id}): result "
                                    f"{docs_pb.IngestResult.Name(r.result.result)}, expected CREATED/UPDATED/UNCHANGED")
                else:
                    ingested.append(req.document.id)
            elif r.status.code != 3:
                problems.append(f"response {i} (empty document): status {r.status.code} "
                                f"{r.status.message!r}, expected INVALID_ARGUMENT (3)")
        c.expect(f"IngestStream: {len(seed_files)} seeds OK in order, the empty item INVALID_ARGUMENT, "
                 "stream not ended by it", not problems, "\n".join(problems))

    c.run("IngestStream", ingest_stream)

    # 4. GetDocument.
    def get_document():
        name = "french_article.txt"
        sd = documents.GetDocument(docs_pb.GetDocumentRequest(id=seed_id(name), include_analysis=True), **kw)
        c.expect("GetDocument: id and text as ingested",
                 sd.document.id == seed_id(name) and sd.document.text == seed_text[name],
                 f"expected id {seed_id(name)!r} and the seed's text; got id {sd.document.id!r}, "
                 f"text {sd.document.text[:80]!r}...")
        c.expect("GetDocument: version >= 1, created_at set", sd.version >= 1 and sd.HasField("created_at"),
                 f"version {sd.version}, created_at set: {sd.HasField('created_at')}")
        c.expect("GetDocument include_analysis: language fr", sd.analysis.language.code == "fr",
                 f"expected analysis.language.code 'fr', got {sd.analysis.language.code!r}")

    c.run("GetDocument", get_document)

    # 5. ListDocuments paging with page_size=2.
    first_token = {}

    def list_documents():
        seen, pages, token, total = [], 0, "", None
        while True:
            resp = documents.ListDocuments(docs_pb.ListDocumentsRequest(page_size=2, page_token=token), **kw)
            pages += 1
            if len(resp.documents) > 2:
                c.fail("ListDocuments: page_size=2 respected", f"page {pages} has {len(resp.documents)} documents")
                return
            seen.extend(d.document.id for d in resp.documents)
            total = resp.total_size
            if pages == 1:
                first_token["t"] = resp.next_page_token
            token = resp.next_page_token
            if not token:
                break
            if pages > 200:
                c.fail("ListDocuments: paging ends", "more than 200 pages of 2; the token never runs out")
                return
        dups = sorted({i for i in seen if seen.count(i) > 1})
        missing = [i for i in ingested if i not in seen]
        c.expect(f"ListDocuments page_size=2: {len(seen)} ids over {pages} pages, each once",
                 not dups and not missing,
                 f"duplicates: {dups}\nmissing ingested ids: {missing}\nseen: {seen}")
        c.expect("ListDocuments: ordered by id", seen == sorted(seen), f"got order {seen}")
        c.expect("ListDocuments: total_size equals the number listed", total == len(seen),
                 f"total_size {total}, listed {len(seen)}")

    c.run("ListDocuments", list_documents)

    # 6. Search with a facet.
    def search_facet():
        resp = search.Search(s_pb.SearchRequest(query="", page_size=100, facets=["entity.PERSON"]), **kw)
        facets = {f.field: f for f in resp.facets}
        if not c.expect("Search facets=[entity.PERSON]: the facet is returned", "entity.PERSON" in facets,
                        f"facet fields returned: {list(facets)}"):
            return
        values = {v.value: v.count for v in facets["entity.PERSON"].values}
        c.expect("Search facet entity.PERSON counts \"Ben Rhodes\" in >= 2 documents",
                 values.get("Ben Rhodes", 0) >= 2,
                 f"expected 'Ben Rhodes' with count >= 2 (founding article twice + syndicated copy); got {values}")
        ids = {h.id for h in resp.hits}
        missing = [i for i in ingested if i not in ids]
        c.expect("Search with an empty query matches every document", not missing,
                 f"missing: {missing}; total_size {resp.total_size}")

    c.run("Search facets", search_facet)

    def search_person():
        resp = search.Search(s_pb.SearchRequest(query='person:"Priya Raman"'), **kw)
        ids = [h.id for h in resp.hits]
        c.expect("Search person:\"Priya Raman\" finds press_release.txt only",
                 ids == [seed_id("press_release.txt")], f"got hits {ids}")

    c.run("Search person:", search_person)

    # 7. Errors.
    def expect_code(name: str, code, fn) -> None:
        try:
            fn()
        except grpc.RpcError as e:
            c.expect(name, e.code() == code, f"expected {code}, got {e.code()} {e.details()!r}")
            return
        c.fail(name, f"expected {code}, but the call succeeded")

    expect_code("ListDocuments with a garbage page_token: INVALID_ARGUMENT", grpc.StatusCode.INVALID_ARGUMENT,
                lambda: documents.ListDocuments(
                    docs_pb.ListDocumentsRequest(page_size=2, page_token="not-a-real-token"), **kw))
    expect_code("Search with a garbage page_token: INVALID_ARGUMENT", grpc.StatusCode.INVALID_ARGUMENT,
                lambda: search.Search(s_pb.SearchRequest(query="France", page_token="not-a-real-token"), **kw))
    tok = first_token.get("t", "")
    if tok:
        i = len(tok) // 2
        tampered = tok[:i] + ("A" if tok[i] != "A" else "B") + tok[i + 1:]
        expect_code("ListDocuments with a tampered page_token: INVALID_ARGUMENT",
                    grpc.StatusCode.INVALID_ARGUMENT,
                    lambda: documents.ListDocuments(
                        docs_pb.ListDocumentsRequest(page_size=2, page_token=tampered), **kw))
    expect_code("GetDocument with an unknown id: NOT_FOUND", grpc.StatusCode.NOT_FOUND,
                lambda: documents.GetDocument(docs_pb.GetDocumentRequest(id="no-such-document-42"), **kw))

    # 8. Delete, then Get and Search no longer find it.
    def delete_document():
        victim = seed_id("note.txt")
        resp = documents.DeleteDocument(
            docs_pb.DeleteDocumentRequest(id=victim, refresh=docs_pb.REFRESH_WAIT_FOR), **kw)
        c.expect("DeleteDocument returns the id and version", resp.id == victim and resp.version >= 1,
                 f"got id {resp.id!r} version {resp.version}")
        expect_code("GetDocument after DeleteDocument: NOT_FOUND", grpc.StatusCode.NOT_FOUND,
                    lambda: documents.GetDocument(docs_pb.GetDocumentRequest(id=victim), **kw))
        hits = [h.id for h in search.Search(s_pb.SearchRequest(query="budget meeting"), **kw).hits]
        c.expect("Search after DeleteDocument (REFRESH_WAIT_FOR) no longer finds it", victim not in hits,
                 f"hits: {hits}")
        expect_code("DeleteDocument again: NOT_FOUND", grpc.StatusCode.NOT_FOUND,
                    lambda: documents.DeleteDocument(docs_pb.DeleteDocumentRequest(id=victim), **kw))

    c.run("DeleteDocument", delete_document)

    channel.close()
    if c.failures:
        print("\nfailed checks:")
        for f in c.failures:
            print(f"  - {f}")
    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
