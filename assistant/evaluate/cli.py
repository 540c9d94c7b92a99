"""``python -m assistant eval``: run the question set, write results/summary/report, gate on thresholds.

    $ python -m assistant eval --limit 40 --kinds direct,misspelled
    $ python -m assistant eval --retrieval-only --compare eval/runs/20261128-101500
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from assistant.errors import InvalidQuestion
from assistant.settings import ROOT, Settings, load_settings

DEFAULT_QUESTIONS = ROOT / "eval" / "questions.jsonl"
DEFAULT_GROUNDING = ROOT / "eval" / "grounding.jsonl"


def add_eval_parser(sub: argparse._SubParsersAction) -> None:
    e = sub.add_parser("eval", help="batch evaluation: retrieval, refusal, grounding, latency; exits 1 below a gate")
    source = e.add_mutually_exclusive_group()
    source.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="JSON Lines question file")
    source.add_argument("--from-feedback", type=Path, metavar="FILE",
                        help="evaluate the cases a feedback file gives (thumbs up: what was answered; thumbs down: "
                             "the expected entry)")
    source.add_argument("--conversations", type=Path, nargs="+", metavar="FILE",
                        help="multi-turn conversations (JSON Lines, one or more files), scored per turn")
    e.add_argument("--out", type=Path, help="output folder (default eval/runs/<timestamp>/)")
    e.add_argument("--retrieval-only", action="store_true", help="retrieval and the refusal decision, no generation")
    e.add_argument("--limit", type=int, help="evaluate N questions spread evenly over the file")
    e.add_argument("--kinds", help="comma-separated question kinds to keep")
    e.add_argument("--split", help="keep only questions of this split (e.g. dev or test)")
    e.add_argument("--compare", type=Path, metavar="OLD_RUN_DIR", help="diff against an earlier run")
    e.add_argument("--grounding", nargs="?", type=Path, const=DEFAULT_GROUNDING, metavar="FILE",
                   help="also measure the support checker on labelled sentences (default eval/grounding.jsonl)")
    e.add_argument("--concurrency", type=int, default=1, help="questions in flight (useful with the openai backend)")
    e.add_argument("--cold-check", type=int, default=0, metavar="N",
                   help="regenerate N answers from a cold prefill and count those that differ from prefix reuse")
    e.add_argument("--batch-check", type=int, default=0, metavar="N",
                   help="regenerate N answers alone and then decoded together, and count those that differ")
    e.add_argument("--json", action="store_true", help="print summary.json to stdout instead of the table")


def _gates(settings: Settings, retrieval_only: bool) -> dict[str, float]:
    gates = {"hit@1": settings.gate_hit_at_1, "hit@3": settings.gate_hit_at_3,
             "refusal_precision": settings.gate_refusal_precision, "refusal_recall": settings.gate_refusal_recall}
    if not retrieval_only:
        gates |= {"grounded_rate": settings.gate_grounded_rate, "citation_accuracy": settings.gate_citation_accuracy}
    return gates


def _output_dir(args: argparse.Namespace) -> Path:
    out = args.out or ROOT / "eval" / "runs" / datetime.now().strftime("%Y%m%d-%H%M%S")
    out.mkdir(parents=True, exist_ok=True)
    return out


def _run_conversations(args: argparse.Namespace) -> int:
    """``eval --conversations FILE...``: every conversation turn by turn; per-turn figures; exits 1 below the gate."""
    from assistant.evaluate.conversations import (conversation_markdown, load_conversations, run_conversations,
                                                  summarize_conversations)
    from assistant.evaluate.runner import alias_map
    from assistant.wiring import build_assistant

    files = ", ".join(map(str, args.conversations))
    conversations = load_conversations(*args.conversations)
    if args.split:
        conversations = [c for c in conversations if c.split == args.split]
    if not conversations:
        raise InvalidQuestion(f"no conversations left in {files} after --split")
    settings = load_settings(**({"backend": "extractive"} if args.retrieval_only else {}))
    assistant = build_assistant(settings, warm=not args.retrieval_only)
    rows = run_conversations(assistant, conversations, args.retrieval_only)
    summary = summarize_conversations(rows, alias_map(assistant))
    summary |= {"conversations_file": files, "retrieval_only": args.retrieval_only,
                "gate_turns_right": settings.gate_turns_right,
                "passed": summary["turns_right"] >= settings.gate_turns_right}
    return _write_run(args, rows, summary, conversation_markdown(summary))


def _write_run(args: argparse.Namespace, rows: list[dict], summary: dict, markdown: str,
               report: str | None = None) -> int:
    """Writes results.jsonl, summary.json, summary.md (and report.html) to the run folder, prints the summary;
    the exit code says whether every gate passed."""
    from assistant.files import atomic_write

    out = _output_dir(args)
    files = {"results.jsonl": "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
             "summary.json": json.dumps(summary, indent=2, ensure_ascii=False), "summary.md": markdown}
    if report is not None:
        files["report.html"] = report
    for name, text in files.items():
        atomic_write(out / name, text)
    if args.json:
        json.dump(summary, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        print(markdown)
    print(f"wrote {out}/{', '.join(files)}", file=sys.stderr)
    return 0 if summary["passed"] else 1


def run_eval(args: argparse.Namespace) -> int:
    # imported here so that every other command starts without the evaluation (and plotting) modules
    from assistant.evaluate.compare import compare_markdown, compare_runs
    from assistant.evaluate.grounding import evaluate_checker
    from assistant.evaluate.questions import load_questions, questions_from_feedback
    from assistant.evaluate.report import render_report
    from assistant.evaluate.runner import alias_map, batch_check, cold_prefill_check, run_questions
    from assistant.evaluate.summary import summarize, summary_markdown
    from assistant.wiring import build_assistant

    if args.limit is not None and args.limit < 1:
        raise InvalidQuestion("--limit must be at least 1")
    if args.conversations:
        return _run_conversations(args)
    kinds = {k.strip() for k in args.kinds.split(",") if k.strip()} if args.kinds else None
    source = args.from_feedback or args.questions
    questions = questions_from_feedback(source) if args.from_feedback else load_questions(source, kinds, args.limit)
    if args.split:
        questions = [q for q in questions if q.split == args.split]
    if not questions:
        raise InvalidQuestion(f"no questions left in {source} after --kinds/--split/--limit")
    # every answer waits for the model: an eval never gets the glossary's own words for want of a slot
    overrides = {"queue_size": max(16, args.concurrency), "when_busy": "busy", "queue_timeout_s": 3600.0}
    if args.retrieval_only:
        overrides["backend"] = "extractive"  # no model is loaded for a retrieval-only run
    settings = load_settings(**overrides)
    assistant = build_assistant(settings, warm=not args.retrieval_only)
    started = time.perf_counter()
    rows = run_questions(assistant, questions, args.retrieval_only, args.concurrency, progress=True)
    meta = {"retrieval_only": args.retrieval_only, "questions_file": str(source),
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "wall_s": round(time.perf_counter() - started, 2), "backend": assistant.backend,
            "embedder": settings.embedder, "settings": json.loads(settings.model_dump_json())}
    summary = summarize(rows, meta, alias_map(assistant), _gates(settings, args.retrieval_only))
    if args.grounding:
        summary["grounding"] = evaluate_checker(args.grounding, assistant)
    if args.cold_check and not args.retrieval_only:
        summary["cold_prefill"] = cold_prefill_check(assistant, rows, args.cold_check)
    if args.batch_check and not args.retrieval_only:
        summary["batched"] = batch_check(assistant, rows, args.batch_check)
    markdown = summary_markdown(summary)
    if args.compare:
        diff = compare_runs(args.compare, summary, rows)
        summary["compare"] = diff
        markdown += "\n" + compare_markdown(diff)
    return _write_run(args, rows, summary, markdown, render_report(summary, rows, settings.answer_threshold))
