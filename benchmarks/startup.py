"""Start-up: how long a new process takes to answer its first question, with warm caches (index built,
model assembled, prefix state saved, files in the OS page cache).

    $ .venv/bin/python benchmarks/startup.py [--runs 5] [--server-runs 3]

CLI: wall time of ``python -m assistant ask QUESTION --json`` from exec to exit, and its peak RSS.
Server: from launching ``python -m assistant serve`` (and ``serve --no-ui``) to the port answering,
to ``/healthz`` ready, and to the first ``/api/ask`` answer. One warm-up run of each is not counted. Prints JSON; the figures
go to docs/benchmarks.md. Loopback only.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = {"answered": "What is label smoothing?", "refused": "What is the capital of France?"}


def _cli_run(question: str) -> tuple[float, dict]:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "assistant", "ask", question, "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=True)
    return time.perf_counter() - started, json.loads(out.stdout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, deadline: float, proc: subprocess.Popen) -> float:
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return time.perf_counter()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.02)
    raise TimeoutError(url)


def _server_run(question: str, *flags: str) -> dict[str, float]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = os.environ | {"GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port), *flags], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = started + 120
        listening = _wait(f"{base}/healthz?probe=live", deadline, proc)
        ready = _wait(f"{base}/healthz", deadline, proc)
        request = urllib.request.Request(f"{base}/api/ask", data=json.dumps({"question": question}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            json.load(response)
        answered = time.perf_counter()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {"listening_s": listening - started, "ready_s": ready - started, "first_answer_s": answered - started}


def _stats(values: list[float]) -> dict[str, float]:
    return {"p50": round(statistics.median(values), 2), "min": round(min(values), 2), "max": round(max(values), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--server-runs", type=int, default=3)
    args = parser.parse_args()
    result: dict = {"cli": {}}
    _cli_run(QUESTIONS["answered"])  # warm-up: page cache, prefix state file
    for kind, question in QUESTIONS.items():
        runs = [_cli_run(question) for _ in range(args.runs)]
        result["cli"][kind] = {"wall_s": _stats([wall for wall, _ in runs]), "outcome": runs[0][1].get("outcome"),
                               "answer": runs[0][1]["answer"][:100]}
    result["cli"]["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    for name, flags in (("server", ()), ("server_no_ui", ("--no-ui",))):
        _server_run(QUESTIONS["answered"], *flags)
        runs = [_server_run(QUESTIONS["answered"], *flags) for _ in range(args.server_runs)]
        result[name] = {key: _stats([r[key] for r in runs]) for key in runs[0]}
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
