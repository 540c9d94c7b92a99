"""Every local backend on the same prompts, one process per backend: load time, first token and total
p50/p95, decode tokens/s, peak RSS, greedy agreement between backends, and prefix reuse vs cold prefill.

    $ .venv/bin/python benchmarks/generation.py [--prompts 20] [--backends llama_cpp,llama_cpp_plain,transformers]

``llama_cpp_plain`` is llama.cpp without prompt lookup (``draft_tokens=0``): one decode per token.

Prints a JSON document; the figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.settings import ROOT, load_settings  # noqa: E402


def _prompts(n: int) -> list[tuple[str, str]]:
    """(term, question) for the first n answerable single-term questions, spread over the set."""
    rows = [json.loads(line) for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines()]
    rows = [r for r in rows if r["answerable"] and len(r["expected_terms"]) == 1 and r["kind"] != "described"]
    step = max(1, len(rows) // n)
    return [(r["expected_terms"][0], r["question"]) for r in rows[::step][:n]]


def worker(backend: str, n: int) -> dict:
    from assistant.corpus import load_glossary
    from assistant.generate import ColdPrefill, make_generator
    from assistant.prompt import build_prompt, fixed_prefix

    plain = backend == "llama_cpp_plain"
    settings = load_settings(backend="llama_cpp" if plain else backend, **({"draft_tokens": 0} if plain else {}))
    glossary = load_glossary(settings.corpus_path)
    started = time.perf_counter()
    gen = make_generator(settings)
    gen.warm_up(fixed_prefix())
    load_s = time.perf_counter() - started
    records = []
    for term, question in _prompts(n):
        prompt = build_prompt(glossary.by_term(term), question)
        t0 = time.perf_counter()
        first, chunks = None, []
        for chunk in gen.stream(prompt, settings.max_new_tokens):
            if first is None:
                first = time.perf_counter() - t0
            chunks.append(chunk)
        total = time.perf_counter() - t0
        records.append({"ttft": first or total, "total": total, "tokens": len(chunks), "text": "".join(chunks)})
    cold_same = None
    if isinstance(gen, ColdPrefill):
        cold_same = sum("".join(gen.stream_cold(build_prompt(glossary.by_term(t), q), settings.max_new_tokens)) == r["text"]
                        for (t, q), r in zip(_prompts(n), records))
    return {"backend": gen.name, "load_s": round(load_s, 2), "records": records, "cold_prefill_equal": cold_same,
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def _summary(result: dict) -> dict:
    recs = result["records"]
    ttft = [r["ttft"] for r in recs]
    total = [r["total"] for r in recs]
    decode = [(r["tokens"] - 1) / (r["total"] - r["ttft"]) for r in recs if r["tokens"] > 1 and r["total"] > r["ttft"]]
    return {"backend": result["backend"], "load_s": result["load_s"], "peak_rss_mb": result["peak_rss_mb"],
            "first_token_s": {"p50": round(float(np.percentile(ttft, 50)), 3), "p95": round(float(np.percentile(ttft, 95)), 3)},
            "total_s": {"p50": round(float(np.percentile(total, 50)), 3), "p95": round(float(np.percentile(total, 95)), 3)},
            "decode_tok_s": round(float(np.median(decode)), 1), "mean_tokens": round(float(np.mean([r["tokens"] for r in recs])), 1),
            "cold_prefill_equal": result["cold_prefill_equal"], "prompts": len(recs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prompts", type=int, default=20)
    parser.add_argument("--backends", default="llama_cpp,llama_cpp_plain,transformers")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        Path(args.out).write_text(json.dumps(worker(args.worker, args.prompts)))
        return
    results = {}
    for backend in args.backends.split(","):
        out = Path(tempfile.mkstemp(suffix=".json")[1])
        subprocess.run([sys.executable, __file__, "--worker", backend, "--out", str(out), "--prompts",
                        str(args.prompts)], check=True)
        results[backend] = json.loads(out.read_text())
    report = {b: _summary(r) for b, r in results.items()}
    first, *others = results
    report["greedy_agreement_with_" + first] = {
        b: f"{sum(x['text'] == y['text'] for x, y in zip(results[first]['records'], results[b]['records']))}/{args.prompts}"
        for b in others}
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
