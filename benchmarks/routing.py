"""Routing latency: cleaning, follow-up resolution, retrieval and the coverage decision (`Assistant.route`), no
generation, for single questions and for the later turns of written conversations, each turn with its history.

    $ .venv/bin/python benchmarks/routing.py [--conversations 300]

"cold": the first time a text is routed (its embedding included); "warm": routed again, the embedding cached, so
the figure is the resolution and the decision alone. Prints a JSON document; the figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.process import configure_process  # noqa: E402

configure_process()  # before numpy loads

from assistant.schema import Turn  # noqa: E402
from assistant.settings import ROOT, load_settings  # noqa: E402
from assistant.wiring import build_assistant  # noqa: E402

import numpy as np  # noqa: E402


def _pct(values: list[float]) -> dict[str, float]:
    arr = np.array(values)
    return {"n": len(values), "p50_ms": round(float(np.percentile(arr, 50)), 3),
            "p95_ms": round(float(np.percentile(arr, 95)), 3)}


def _timed(route) -> tuple[float, object]:
    started = time.perf_counter()
    result = route()
    return (time.perf_counter() - started) * 1000, result


def _single(assistant, questions: list[str]) -> list[float]:
    return [_timed(lambda: assistant.route(q))[0] for q in questions]


def _followups(assistant, conversations: list[dict]) -> list[float]:
    """Milliseconds per turn after the first, each routed with the turns before it as its history."""
    times = []
    for conversation in conversations:
        history: list[Turn] = []
        for turn in conversation["turns"]:
            ms, route = _timed(lambda: assistant.route(turn["question"], history))
            if history:
                times.append(ms)
            history.append(Turn(question=turn["question"], answer="", citations=list(route.decision.terms),
                                resolved_question=route.question, outcome=route.decision.outcome))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=300, help="written conversations to route")
    args = parser.parse_args()
    assistant = build_assistant(load_settings(), warm=False)
    questions = [json.loads(line)["question"] for line in (ROOT / "eval" / "questions.jsonl").read_text().splitlines()]
    lines = (ROOT / "eval" / "conversations" / "written.jsonl").read_text().splitlines()
    conversations = [json.loads(line) for line in lines[:args.conversations]]
    assistant.route("warm up the encoder")
    result = {"single_cold": _pct(_single(assistant, questions)), "single_warm": _pct(_single(assistant, questions)),
              "followup_cold": _pct(_followups(assistant, conversations)),
              "followup_warm": _pct(_followups(assistant, conversations))}
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
