"""Synthetic glossaries of 1k, 10k and 100k entries (generated here, never committed): index build time and
memory, hybrid search p50/p95, and the approximate index's recall@10 against exact search.

    $ .venv/bin/python benchmarks/scale.py [--sizes 1000,10000,100000] [--queries 200]

Entries are the real 51 plus synthetic ones whose names and definitions recombine glossary vocabulary,
so BM25, the name matcher and the embedder all see realistic text. Prints a JSON document.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.corpus import Entry, load_glossary  # noqa: E402
from assistant.embed import SentenceTransformerEmbedder  # noqa: E402
from assistant.index import IndexStore  # noqa: E402
from assistant.match import TermMatcher  # noqa: E402
from assistant.retrieve import Retriever  # noqa: E402
from assistant.settings import ROOT, load_settings  # noqa: E402
from assistant.text import STOPWORDS, words  # noqa: E402


def synthetic_entries(real: list[Entry], n: int, seed: int = 0) -> list[Entry]:
    rng = random.Random(seed)
    vocab = sorted({w for e in real for _, t in e.passages() for w in words(t) if w not in STOPWORDS and len(w) > 3})
    out = list(real)
    for i in range(n - len(real)):
        name = " ".join(rng.sample(vocab, 2)).title() + f" {i}"
        body = " ".join(rng.sample(vocab, 14))
        out.append(Entry(term=name, category=real[i % len(real)].category,
                         definition=f"{name} is a method that {body}.", example=f"Used when {' '.join(rng.sample(vocab, 6))}."))
    return out


def measure(size: int, real: list[Entry], embedder, queries: list[str], hnsw_above: int, dense_weight: float) -> dict:
    entries = synthetic_entries(real, size)
    rss0 = psutil.Process().memory_info().rss
    store = IndexStore(Path(tempfile.mkdtemp()), embedder, hnsw_above)
    started = time.perf_counter()
    built = store.load_or_build(entries)
    build_s = time.perf_counter() - started
    edited = [e.model_copy(update={"example": f"{e.example} Edited."}) if i % 100 == 7 else e
              for i, e in enumerate(entries)]  # a corpus edit touching 1% of the entries
    started = time.perf_counter()
    store.load_or_build(edited)
    rebuild_s = time.perf_counter() - started
    matcher = TermMatcher(entries, {w for e in real for _, t in e.passages() for w in words(t)})
    retriever = Retriever(entries, embedder, built.index, matcher, dense_weight)
    rss_index = psutil.Process().memory_info().rss - rss0
    synthetic_q = [f"what is {e.term.lower()}?" for e in random.Random(1).sample(entries[len(real):], len(queries) // 2)]
    times, found = [], 0
    for q in [*queries[: len(queries) // 2], *synthetic_q]:
        embedder._cache.clear()
        t0 = time.perf_counter()
        hits = retriever.retrieve(q, k=5).hits
        times.append((time.perf_counter() - t0) * 1000)
        found += q in synthetic_q and hits[0].term.lower() in q
    vectors = built.index.reconstruct_n(0, built.index.ntotal) if built.manifest.index_type == "flat_ip" else \
        np.vstack([built.index.reconstruct(i) for i in range(built.index.ntotal)])
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    qv = embedder.encode(queries)
    _, truth = exact.search(qv, 10)
    _, approx = built.index.search(qv, 10)
    recall = float(np.mean([len(set(a) & set(t)) / 10 for a, t in zip(approx, truth)]))
    return {"entries": len(entries), "index_type": built.manifest.index_type, "build_s": round(build_s, 1),
            "rebuild_after_1pct_edit_s": round(rebuild_s, 1),
            "index_and_retriever_rss_mb": round(rss_index / 2**20, 1),
            "search_ms": {"p50": round(float(np.percentile(times, 50)), 2), "p95": round(float(np.percentile(times, 95)), 2)},
            "recall@10_vs_exact": round(recall, 4), "synthetic_term_found_at_1": f"{found}/{len(synthetic_q)}"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    settings = load_settings()
    real = list(load_glossary(settings.corpus_path).entries)
    embedder = SentenceTransformerEmbedder(settings.embedder)
    embedder.warm_up()
    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines()]
    queries = random.Random(0).sample(questions, args.queries)
    report = [measure(int(s), real, embedder, queries, settings.hnsw_above, settings.dense_weight)
              for s in args.sizes.split(",")]
    json.dump({"hnsw_above": settings.hnsw_above, "results": report}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
