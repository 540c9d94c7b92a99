"""Retrieval latency per method (warm process, query embeddings not cached) and index build time.

    $ .venv/bin/python benchmarks/retrieval.py [--repeat 3] [--query-runtime auto|numpy|sentence_transformers]

Prints a JSON document; the figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.process import configure_process  # noqa: E402

configure_process()  # before numpy loads

from assistant.index import IndexStore  # noqa: E402
from assistant.retrieve import METHODS  # noqa: E402
from assistant.settings import ROOT, load_settings  # noqa: E402
from assistant.wiring import build_retrieval  # noqa: E402

import numpy as np  # noqa: E402


def _pct(values: list[float]) -> dict[str, float]:
    arr = np.array(values)
    return {"p50_ms": round(float(np.percentile(arr, 50)), 3), "p95_ms": round(float(np.percentile(arr, 95)), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="index builds to time")
    parser.add_argument("--query-runtime", default="auto", help="how questions are encoded (embedder_query_runtime)")
    args = parser.parse_args()
    settings = load_settings(index_dir=Path(tempfile.mkdtemp()), embedder_query_runtime=args.query_runtime)
    stack = build_retrieval(settings)
    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines()]
    retriever, embedder = stack.retriever, stack.embedder
    for q in questions[:20]:  # warm-up: threads, allocator, BM25 and FAISS code paths
        retriever.retrieve(q, k=5)
    result: dict = {"questions": len(questions), "query_runtime": args.query_runtime, "methods": {}}
    for method in METHODS:
        times = []
        for q in questions:
            embedder._cache.clear()  # the question is new to the process: encoding is included
            started = time.perf_counter()
            retriever.retrieve(q, k=5, method=method)
            times.append((time.perf_counter() - started) * 1000)
        result["methods"][method] = _pct(times)
    cached = []
    for q in questions:
        retriever.retrieve(q, k=5)  # the second ask of the same question hits the embedding cache
        started = time.perf_counter()
        retriever.retrieve(q, k=5)
        cached.append((time.perf_counter() - started) * 1000)
    result["hybrid_cached_embedding"] = _pct(cached)
    encoders = {"sentence_transformers": lambda q: embedder.encode([q])}
    if embedder._query_encoder is not None:
        encoders["numpy"] = embedder._query_encoder.encode
    result["query_encoding_only"] = {}
    for name, encode in encoders.items():
        times = []
        for q in questions:
            started = time.perf_counter()
            encode(q)
            times.append((time.perf_counter() - started) * 1000)
        result["query_encoding_only"][name] = _pct(times)
    builds = []
    for _ in range(args.repeat):
        store = IndexStore(Path(tempfile.mkdtemp()), embedder)
        started = time.perf_counter()
        store.load_or_build(stack.glossary.entries)
        builds.append(time.perf_counter() - started)
    result["index_build_s"] = {"entries": len(stack.glossary.entries), "median": round(float(np.median(builds)), 3)}
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
