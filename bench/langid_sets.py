#!/usr/bin/env python3
"""Builds three more test sets for `docsift eval langid --lingua DIR` from the
gold data in ../shared/eval (read at run time, never committed):

  OUT/english-sentences/sentences/en.txt  sentences of 6 tokens or more of
      CoNLL++ dev and wikigold, tokens joined by spaces, the space before
      punctuation dropped: short English news and encyclopedia text,
      headlines and results tables among them;
  OUT/english-documents/sentences/en.txt  the first 1,500 characters of each
      BBC News article and PolNeAR dev article, on one line;
  OUT/lingua-triples/sentences/XX.txt  lingua's word pairs joined three by
      three (six-word texts in 75 languages, lower case).

Usage: python3 bench/langid_sets.py --eval ../shared/eval --out /tmp/langid-sets
"""

import argparse
import glob
import os
import re


def conll_sentences(path):
    out, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                if cur:
                    out.append(cur)
                    cur = []
                continue
            if line.startswith("-DOCSTART-"):
                continue
            cur.append(line.split()[0])
    if cur:
        out.append(cur)
    return out


def detokenize(tokens):
    s = " ".join(tokens)
    s = re.sub(r" ([,.;:!?%)\]])", r"\1", s)
    s = re.sub(r"([(\[$]) ", r"\1", s)
    return s.replace(" 's", "'s").replace(" n't", "n't")


def write(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eval", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ner = os.path.join(a.eval, "ner")
    sentences = []
    for f in ["wikigold/wikigold.conll.txt", "conllpp_dev.txt"]:
        sentences += [detokenize(s) for s in conll_sentences(os.path.join(ner, f)) if len(s) >= 6]
    write(os.path.join(a.out, "english-sentences/sentences/en.txt"), sentences)
    docs = []
    files = sorted(glob.glob(os.path.join(a.eval, "corpus/bbc/*/*.txt")))
    files += sorted(glob.glob(os.path.join(a.eval, "quotes/polnear/dev/text/*.txt")))
    for f in files:
        with open(f, encoding="utf-8", errors="replace") as h:
            docs.append(h.read().replace("\n", " ")[:1500])
    write(os.path.join(a.out, "english-documents/sentences/en.txt"), docs)
    pairs = os.path.join(a.eval, "langid/lingua/word-pairs")
    for name in sorted(os.listdir(pairs)):
        with open(os.path.join(pairs, name), encoding="utf-8") as h:
            lines = [l.strip() for l in h if l.strip()]
        triples = [" ".join(lines[i : i + 3]) for i in range(0, len(lines) - 2, 3)]
        write(os.path.join(a.out, "lingua-triples/sentences", name), triples)
    print(f"{len(sentences)} sentences, {len(docs)} documents, {len(os.listdir(pairs))} languages")


if __name__ == "__main__":
    main()
