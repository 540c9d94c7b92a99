"""Load test on loopback: N concurrent clients for S seconds against /api/ask and/or /api/ask/stream.

    $ .venv/bin/python benchmarks/load.py --clients 50 --seconds 60            # starts its own server
    $ .venv/bin/python benchmarks/load.py --url http://127.0.0.1:7860 --seconds 10

Each client has its own loopback address (127.0.0.2, 127.0.0.3, ...) so the per-client rate limit
applies as it would to real users. Counts every status; only answers other than 200 / 429 / 503
(deliberate backpressure) are failures; answers are counted by how they were made (generated, in the glossary's
own words, in its own words because no generation slot was free in time, refused, closest entry). Samples the
server's RSS every second. Bounded in count and time; traffic goes to loopback only.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent


def _questions() -> list[str]:
    lines = (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


async def _client(i: int, url: str, endpoint: str, deadline: float, questions: list[str], out: list) -> None:
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.0.{2 + i % 250}")
    rng = random.Random(i)
    async with httpx.AsyncClient(transport=transport, timeout=90) as client:
        while time.monotonic() < deadline:
            path = endpoint if endpoint != "both" else rng.choice(["/api/ask", "/api/ask/stream"])
            started = time.monotonic()
            try:
                answer = None
                if path.endswith("stream"):
                    async with client.stream("POST", url + path, json={"question": rng.choice(questions)}) as r:
                        event = None
                        async for line in r.aiter_lines():
                            event = line[6:].strip() if line.startswith("event:") else event
                            if event == "answer" and line.startswith("data:"):
                                answer = json.loads(line[5:])
                        status = r.status_code if (answer or r.status_code != 200) else -1
                else:
                    r = await client.post(url + path, json={"question": rng.choice(questions)})
                    status = r.status_code
                    answer = r.json() if status == 200 else None
                if status in (429, 503):
                    await asyncio.sleep(min(float(r.headers.get("retry-after", 1)), 5.0))
            except httpx.HTTPError as exc:
                status = f"error:{exc.__class__.__name__}"
            out.append((path, status, time.monotonic() - started, _made(answer)))


def _made(answer: dict | None) -> str | None:
    """How an answer was made: generated, extractive (the glossary's own words), busy (its own words because no
    generation slot was free in time), refused or closest."""
    if answer is None:
        return None
    if answer.get("busy"):
        return "busy"
    return answer["mode"] if answer["outcome"] == "answered" else answer["outcome"]


async def run_load(url: str, clients: int, seconds: float, endpoint: str = "both", pid: int | None = None) -> dict:
    """Runs the load and returns the figures (also used by tests/test_load.py in a short form)."""
    questions, results, rss = _questions(), [], []
    deadline = time.monotonic() + seconds
    proc = psutil.Process(pid) if pid else None

    async def sample() -> None:
        while time.monotonic() < deadline:
            if proc:
                rss.append(proc.memory_info().rss / 2**20)
            await asyncio.sleep(1.0)

    await asyncio.gather(sample(), *(_client(i, url, endpoint, deadline, questions, results)
                                     for i in range(clients)))
    ok = [t for _, s, t, _ in results if s == 200]
    statuses: dict[str, int] = {}
    made: dict[str, int] = {}
    for _, s, _, how in results:
        statuses[str(s)] = statuses.get(str(s), 0) + 1
        if how:
            made[how] = made.get(how, 0) + 1
    pct = (lambda q: round(float(np.percentile(ok, q)) * 1000, 1)) if ok else (lambda q: None)
    return {"clients": clients, "seconds": seconds, "endpoint": endpoint, "requests": len(results),
            "statuses": statuses, "answers": made,
            "failures": sum(n for s, n in statuses.items() if s not in ("200", "429", "503")),
            "answers_per_s": round(len(ok) / seconds, 2), "latency_ms": {"p50": pct(50), "p95": pct(95), "p99": pct(99)},
            "server_rss_mb": {"first": round(rss[0], 1), "last": round(rss[-1], 1), "max": round(max(rss), 1)} if rss else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a running server; default: start one on a free port")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--endpoint", choices=["/api/ask", "/api/ask/stream", "both"], default="both")
    parser.add_argument("--warmup", type=float, default=15, help="seconds of load before the measured run")
    args = parser.parse_args()
    if args.clients > 250 or args.seconds > 600:
        sys.exit("bounded: at most 250 clients and 600 seconds")
    server, pid = None, None
    url = args.url
    if url is None:
        port = 7900 + os.getpid() % 90
        server = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        pid, url = server.pid, f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.5)
    try:
        if args.warmup:
            asyncio.run(run_load(url, args.clients, args.warmup, args.endpoint, pid))
        report = asyncio.run(run_load(url, args.clients, args.seconds, args.endpoint, pid))
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
    json.dump(report, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
