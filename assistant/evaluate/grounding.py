"""``eval --grounding``: how well the support checker flags unsupported sentences.

Files: eval/grounding.jsonl (sentences written by the team) and eval/real/judged.jsonl (sentences the
assistant produced for real questions, judged supported / beyond / contradicts, split dev and test).
Positive class = unsupported: precision is the share of flagged sentences that really are unsupported,
recall the share of unsupported sentences that get flagged. The check measured is the one answers get: the
lexical check (``ground.py``), then the meaning stage (``closeness.py``, ``likelihood.py``). Figures per split
when cases carry one.
"""
from __future__ import annotations

from pathlib import Path

from assistant.answer import Assistant
from assistant.asks import ask_of
from assistant.errors import InvalidQuestion
from assistant.evaluate.questions import GroundingCase, load_grounding_cases
from assistant.prompt import build_prompt


def _figures(pairs: list[tuple[bool, bool]]) -> dict:
    """(flagged, unsupported) pairs -> precision, recall and confusion counts."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for flagged, bad in pairs:
        counts["tp" if flagged and bad else "fp" if flagged else "fn" if bad else "tn"] += 1
    precision = counts["tp"] / (counts["tp"] + counts["fp"]) if counts["tp"] + counts["fp"] else 1.0
    recall = counts["tp"] / (counts["tp"] + counts["fn"]) if counts["tp"] + counts["fn"] else 1.0
    return {"n": len(pairs), "flag_precision": round(precision, 4), "flag_recall": round(recall, 4),
            "confusion": counts}


def evaluate_checker(path: Path, assistant: Assistant) -> dict:
    """Figures for the whole check (lexical, then the meaning stage the answers get: ``Assistant.review``) and,
    under ``lexical``, for the lexical check alone. A case's ``question``, when it has one, makes the prompt the
    meaning stage reads the sentence after."""
    cases = load_grounding_cases(path)
    entries = {e.term: e for e in assistant.glossary.entries}
    results: list[tuple[GroundingCase, bool, bool]] = []  # (case, flagged by the lexical check, by the whole check)
    for case in cases:
        missing = [t for t in case.terms if t not in entries]
        if missing:
            raise InvalidQuestion(f"{path}, case {case.id}: unknown term(s) {missing}")
        cited = [entries[t] for t in case.terms]
        question = (case.model_extra or {}).get("question") or ""
        lexical = assistant.checker.check(case.sentence, cited)
        whole = assistant.review([lexical], cited, build_prompt(cited[0], question, ask_of(question, len(cited)),
                                                                   assistant.prompt_style))
        results.append((case, not lexical.supported, not whole[0].supported))
    kinds = sorted({c.kind for c, _, _ in results})
    split_of = {c.id: (c.model_extra or {}).get("split") for c, _, _ in results}
    return {"file": str(path), **_figures([(f, not c.supported) for c, _, f in results]),
            "lexical": _figures([(f, not c.supported) for c, f, _ in results]),
            "flagged_share_by_kind": {k: round(sum(f for c, _, f in results if c.kind == k) /
                                               sum(c.kind == k for c, _, _ in results), 3) for k in kinds},
            "by_split": {s: _figures([(f, not c.supported) for c, _, f in results if split_of[c.id] == s])
                         for s in sorted({s for s in split_of.values() if s})}}
