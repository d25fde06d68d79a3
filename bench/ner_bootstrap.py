#!/usr/bin/env python3
"""How precise a held-out NER figure is: scores each held-out document of a
CoNLL file alone (`docsift eval ner`, the same entity stage), then resamples
the documents with replacement and prints the spread of micro-F1 over
PER/ORG/LOC (a percentile bootstrap over documents).

    python3 bench/ner_bootstrap.py --docsift target/release/docsift \
        --conll ../shared/eval/ner/wikigold/wikigold.conll.txt --every 5

`--every N` takes the documents `docsift eval ner --every N` scores (the
N-th, 2N-th, ...); without it every document is scored.
"""
import argparse
import json
import os
import random
import subprocess
import tempfile


def documents(path):
    docs, cur = [], []
    for line in open(path, encoding="utf-8"):
        if line.startswith("-DOCSTART-"):
            if any(l.strip() for l in cur):
                docs.append(cur)
            cur = []
        else:
            cur.append(line)
    if any(l.strip() for l in cur):
        docs.append(cur)
    return docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docsift", required=True)
    ap.add_argument("--conll", required=True)
    ap.add_argument("--every", type=int, default=0)
    ap.add_argument("--resamples", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    docs = documents(a.conll)
    if a.every:
        docs = [d for i, d in enumerate(docs) if (i + 1) % a.every == 0]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, d in enumerate(docs):
            path = os.path.join(tmp, f"{i}.txt")
            with open(path, "w", encoding="utf-8") as f:
                f.write("-DOCSTART- O\n\n" + "".join(d) + "\n")
            out = subprocess.run(
                [a.docsift, "eval", "ner", "--conll", path, "--json"],
                check=True, capture_output=True, text=True,
            ).stdout
            r = [x for x in json.loads(out)["rows"] if x["label"] == "micro PER/ORG/LOC"][0]
            rows.append((r["gold"], r["predicted"], r["correct"]))

    def f1(rs):
        g = sum(r[0] for r in rs)
        p = sum(r[1] for r in rs)
        c = sum(r[2] for r in rs)
        return 2 * c / (g + p) if g + p else 0.0

    rng = random.Random(a.seed)
    fs = sorted(f1([rng.choice(rows) for _ in rows]) for _ in range(a.resamples))
    lo, hi = fs[int(0.025 * len(fs))], fs[int(0.975 * len(fs)) - 1]
    mean = sum(fs) / len(fs)
    sd = (sum((f - mean) ** 2 for f in fs) / len(fs)) ** 0.5
    print(json.dumps({
        "documents": len(rows),
        "gold": sum(r[0] for r in rows),
        "micro_f1": round(f1(rows), 4),
        "bootstrap_95": [round(lo, 4), round(hi, 4)],
        "bootstrap_sd": round(sd, 4),
        "share_at_or_above_0.75": round(sum(f >= 0.75 for f in fs) / len(fs), 3),
    }))


if __name__ == "__main__":
    main()
