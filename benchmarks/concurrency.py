"""Many answers at once: this project's server against llama.cpp's own server on the same GGUF and prompts.

    $ .venv/bin/python benchmarks/concurrency.py [--llama-server PATH/llama-server] [--clients 1,2,4,8,16]

For each number of concurrent clients, the same generated-answer questions go to, one server at a time,
- this project batched (``serve --no-ui``, default settings: up to 8 answers decoded together, admission
  by estimated wait), as ``POST /api/ask``;
- this project serial (``max_batch_sequences=1``: one answer at a time, as before batching);
- with ``--llama-server``: ``llama-server`` with ``--parallel 8`` (continuous batching over 8 slots) on the
  packaged GGUF, as ``POST /completion`` with the exact prompt this project builds for the question (fixed head +
  entry + question), greedy, stopping at the end of the answer line.
This project's answer cache is off (``answer_cache_size=0``) and its queue waits up to 300 s (no answer in the
glossary's own words for want of a slot), so every answer is generated. Reports answers/s,
generated tokens/s (for this project: the model's sentences, re-tokenized with its vocabulary), latency p50/p95,
and a burst: 8 different questions sent at once, the time until the last
is answered against one answered alone. Build llama-server from the llama.cpp sources in llama-cpp-python's sdist:
``cmake -B build -DLLAMA_CURL=OFF && cmake --build build --target llama-server``. Loopback only, bounded.
Prints a JSON document; the figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.process import configure_process  # noqa: E402

configure_process()

from assistant.corpus import load_glossary  # noqa: E402
from assistant.generate.models import packaged_gguf  # noqa: E402
from assistant.prompt import build_prompt  # noqa: E402
from assistant.settings import ROOT, load_settings  # noqa: E402
from tests.conftest import free_port, wait_until_ok  # noqa: E402  (the test suite's loopback helpers)


def _questions(n: int) -> list[tuple[str, str]]:
    """(term, question) for answerable one-term questions that get a generated answer ("what is X" forms)."""
    rows = [json.loads(line) for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines()]
    rows = [r for r in rows if r["answerable"] and r["kind"] == "direct" and len(r["expected_terms"]) == 1]
    return [(r["expected_terms"][0], r["question"]) for r in rows][:n]


def _drive(call, jobs: list, clients: int) -> tuple[list[float], list[int], float]:
    """Runs ``call(job) -> tokens`` over ``jobs`` from ``clients`` threads: (latencies s, tokens, wall s)."""
    latencies, tokens, lock, queue = [], [], threading.Lock(), list(jobs)

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            started = time.perf_counter()
            n = call(job)
            with lock:
                latencies.append(time.perf_counter() - started)
                tokens.append(n)
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, tokens, time.perf_counter() - started


def _figures(latencies: list[float], tokens: list[int], wall: float) -> dict:
    return {"answers": len(latencies), "answers_per_s": round(len(latencies) / wall, 2),
            "tokens_per_s": round(sum(tokens) / wall, 1), "latency_s_p50": round(float(np.percentile(latencies, 50)), 2),
            "latency_s_p95": round(float(np.percentile(latencies, 95)), 2)}


def _burst(call, jobs: list) -> dict:
    """One question alone (median of 3), then ``len(jobs)`` different ones at once: seconds to the last answer."""
    alone = sorted(_drive(call, [job], 1)[2] for job in jobs[:3])[1]
    together = _drive(call, jobs, len(jobs))[2]
    return {"alone_s": round(alone, 2), "together_s": round(together, 2), "ratio": round(together / alone, 1)}


def _plot(results: dict[str, dict], clients: list[int], labels: dict[str, str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (rate, wait) = plt.subplots(1, 2, figsize=(9, 3.4))
    for name, label in labels.items():
        rate.plot(clients, [results[name][str(c)]["tokens_per_s"] for c in clients], marker="o", label=label)
        wait.plot(clients, [results[name][str(c)]["latency_s_p95"] for c in clients], marker="o", label=label)
    for ax, title in ((rate, "generated tokens/s"), (wait, "latency p95 (s)")):
        ax.set_xscale("log", base=2)
        ax.set_xticks(clients, [str(c) for c in clients])
        ax.set_xlabel("concurrent clients")
        ax.set_title(title)
        ax.grid(alpha=0.3)
    rate.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--llama-server", type=Path, help="the llama-server binary (else only this project's servers)")
    parser.add_argument("--clients", default="1,2,4,8,16")
    parser.add_argument("--parallel", type=int, default=8, help="llama-server slots")
    parser.add_argument("--rounds", type=int, default=2, help="questions per client at each number of clients (at "
                                                              "least 8 questions in all)")
    parser.add_argument("--plot", type=Path, help="also write a PNG of tokens/s and p95 latency against clients")
    args = parser.parse_args()
    clients = [int(c) for c in args.clients.split(",")]
    if max(clients) > 32 or not 1 <= args.rounds <= 8:
        sys.exit("bounded: at most 32 clients and 8 rounds")
    settings = load_settings()
    glossary = load_glossary(settings.corpus_path)
    gguf = packaged_gguf(settings.model_cache_dir)
    from llama_cpp import Llama

    vocab = Llama(model_path=str(gguf), vocab_only=True, verbose=False)
    http = httpx.Client(timeout=300)

    def count(text: str) -> int:
        return len(vocab.tokenize(text.encode("utf-8"), add_bos=False))

    def ours(port: int, batch: int) -> tuple[list[str], dict, str, Callable[[tuple[str, str]], int]]:
        def ask(job: tuple[str, str]) -> int:  # tokens the model wrote: its sentences, kept or dropped
            answer = http.post(f"http://127.0.0.1:{port}/api/ask", json={"question": job[1]}).json()
            return sum(count(v["sentence"]) for v in answer.get("verdicts") or [])

        env = {**os.environ, "GLOSSARY_RATE_LIMIT_PER_MINUTE": "0", "GLOSSARY_MAX_BATCH_SEQUENCES": str(batch),
               "GLOSSARY_ANSWER_CACHE_SIZE": "0",  # a question asked again is generated again
               "GLOSSARY_QUEUE_TIMEOUT_S": "300"}  # every answer waits for the model, none in the glossary's words
        return ([sys.executable, "-m", "assistant", "serve", "--no-ui", "--port", str(port)], env,
                f"http://127.0.0.1:{port}/healthz", ask)

    def llama_server(port: int) -> tuple[list[str], dict, str, Callable[[tuple[str, str]], int]]:
        def ask(job: tuple[str, str]) -> int:
            prompt = build_prompt(glossary.by_term(job[0]), job[1])
            body = {"prompt": prompt.fixed + prompt.body, "n_predict": settings.max_new_tokens, "temperature": 0.0,
                    "stop": list(prompt.stop), "cache_prompt": True}
            return int(http.post(f"http://127.0.0.1:{port}/completion", json=body).json()["tokens_predicted"])

        return ([str(args.llama_server), "--model", str(gguf), "--port", str(port), "--threads", str(settings.n_threads),
                 "--parallel", str(args.parallel), "--ctx-size", str(settings.n_ctx * args.parallel), "--cont-batching"],
                dict(os.environ), f"http://127.0.0.1:{port}/health", ask)

    labels = {"batched": f"this project, batched ({settings.max_batch_sequences} sequences)",
              "serial": "this project, serial (max_batch_sequences=1)",
              "llama_server": f"llama-server, {args.parallel} parallel slots"}
    servers = {"batched": lambda port: ours(port, settings.max_batch_sequences), "serial": lambda port: ours(port, 1)}
    if args.llama_server:
        servers["llama_server"] = llama_server
    labels = {name: label for name, label in labels.items() if name in servers}
    questions = _questions(32)
    results: dict[str, dict] = {}
    for name, make in servers.items():  # one server at a time: each has both cores
        command, env, health, ask = make(free_port())
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_ok(health, 180, proc)
            _drive(ask, questions, 4)  # warm-up: every question once
            results[name] = {str(c): _figures(*_drive(ask, (questions * args.rounds)[:max(8, args.rounds * c)], c))
                             for c in clients}
            results[name]["burst_of_8"] = _burst(ask, questions[8:16])
        finally:
            proc.terminate()
            proc.wait(30)
    print(json.dumps({"llama_server_parallel": args.parallel if args.llama_server else None,
                      "n_threads": settings.n_threads,
                      "max_new_tokens": settings.max_new_tokens, "results": results}, indent=2))
    if args.plot:
        _plot(results, clients, labels, args.plot)


if __name__ == "__main__":
    main()
