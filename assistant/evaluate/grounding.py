"""``eval --grounding``: how well the support checker flags unsupported sentences (eval/grounding.jsonl).

Positive class = unsupported: precision is the share of flagged sentences that really are
unsupported, recall the share of unsupported sentences that get flagged.
"""
from __future__ import annotations

from pathlib import Path

from assistant.answer import Assistant
from assistant.errors import InvalidQuestion
from assistant.evaluate.questions import load_grounding_cases


def evaluate_checker(path: Path, assistant: Assistant) -> dict:
    cases = load_grounding_cases(path)
    entries = {e.term: e for e in assistant.glossary.entries}
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    per_kind: dict[str, dict[str, int]] = {}
    for case in cases:
        missing = [t for t in case.terms if t not in entries]
        if missing:
            raise InvalidQuestion(f"{path}, case {case.id}: unknown term(s) {missing}")
        flagged = not assistant.checker.check(case.sentence, [entries[t] for t in case.terms]).supported
        bad = not case.supported
        key = "tp" if flagged and bad else "fp" if flagged else "fn" if bad else "tn"
        counts[key] += 1
        kind = per_kind.setdefault(case.kind, {"n": 0, "flagged": 0})
        kind["n"] += 1
        kind["flagged"] += flagged
    precision = counts["tp"] / (counts["tp"] + counts["fp"]) if counts["tp"] + counts["fp"] else 1.0
    recall = counts["tp"] / (counts["tp"] + counts["fn"]) if counts["tp"] + counts["fn"] else 1.0
    return {"file": str(path), "n": len(cases), "flag_precision": round(precision, 4), "flag_recall": round(recall, 4),
            "confusion": counts, "flagged_share_by_kind": {k: round(v["flagged"] / v["n"], 3) for k, v in per_kind.items()}}
