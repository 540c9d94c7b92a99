"""A short, bounded form of benchmarks/load.py in CI: concurrent clients on loopback get answers or
deliberate backpressure (429/503), never failures, and the server keeps serving."""
from __future__ import annotations

import asyncio
import sys

import httpx

from assistant.settings import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from load import run_load  # noqa: E402


def test_short_load_has_no_failures(live_server, assistant):
    report = asyncio.run(run_load(live_server.url, clients=12, seconds=8, endpoint="both"))
    assert report["failures"] == 0, report["statuses"]
    assert report["statuses"].get("200", 0) >= 5
    assert assistant.gate.load["running"] == 0 and assistant.gate.load["waiting"] == 0
    ok = httpx.post(f"{live_server.url}/api/ask", json={"question": "what is SAM?"}, timeout=60)
    assert ok.status_code == 200
