"""``--compare OLD_RUN_DIR``: figures side by side and the questions whose outcome changed.

    $ python -m assistant eval --compare eval/runs/20261201-101500   # prints compare_runs(old_dir, summary, rows)
"""
from __future__ import annotations

import json
from pathlib import Path

from assistant.errors import InvalidQuestion
from assistant.evaluate.metrics import Row

_FIGURES = ("hit@1", "hit@3", "hit@5", "mrr", "refusal_precision", "refusal_recall", "citation_accuracy",
            "grounded_rate", "unsupported_sentence_rate", "fallback_rate", "latency_ms_p50", "latency_ms_p95")


def _correct(row: Row) -> bool:
    if not row["answerable"]:
        return bool(row["refused"])
    if row.get("answer") is None:
        return row["ranks"].get("hybrid") == 1
    return not row["refused"] and bool({c["term"] for c in row.get("citations") or []} & set(row["expected_terms"]))


def load_run(run_dir: Path) -> tuple[dict, list[Row]]:
    try:
        summary = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
        rows = [json.loads(line) for line in (run_dir / "results.jsonl").read_text(encoding="utf-8").splitlines() if line]
    except (OSError, ValueError) as exc:
        raise InvalidQuestion(f"--compare: {run_dir} is not a readable eval run ({exc})") from exc
    return summary, rows


def compare_runs(old_dir: Path, summary: dict, rows: list[Row]) -> dict:
    old_summary, old_rows = load_run(old_dir)
    old_by_id = {r["id"]: r for r in old_rows}
    figures = {f: {"old": old_summary.get(f), "new": summary.get(f)} for f in _FIGURES
               if f in summary or f in old_summary}
    newly_wrong, newly_right = [], []
    for row in rows:
        old = old_by_id.get(row["id"])
        if old is None:
            continue
        before, after = _correct(old), _correct(row)
        if before and not after:
            newly_wrong.append({"id": row["id"], "question": row["question"], "old": old.get("answer"), "new": row.get("answer")})
        elif after and not before:
            newly_right.append({"id": row["id"], "question": row["question"], "old": old.get("answer"), "new": row.get("answer")})
    return {"old_run": str(old_dir), "figures": figures, "newly_wrong": newly_wrong, "newly_right": newly_right}


def compare_markdown(diff: dict) -> str:
    lines = [f"### Compared with {diff['old_run']}", "", "| figure | old | new |", "|---|---|---|"]
    for name, fig in diff["figures"].items():
        lines.append(f"| {name} | {fig['old']} | {fig['new']} |")
    for title, key in (("Newly wrong", "newly_wrong"), ("Newly right", "newly_right")):
        lines += ["", f"**{title}: {len(diff[key])}**"]
        lines += [f"- `{d['id']}` {d['question']}" for d in diff[key][:50]]
    return "\n".join(lines) + "\n"
