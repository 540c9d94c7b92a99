"""Evaluation figures as pure functions over result rows (dicts as written to results.jsonl).

    >>> hit_at([{"ranks": {"hybrid": 2}, "answerable": True}], "hybrid", 3)
    1.0
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from assistant.text import normalize_name, words

Row = dict


def term_key(term: str) -> str:
    """Case-, space- and punctuation-insensitive key: "Cohen's kappa" == "cohens-kappa"."""
    return normalize_name(term).replace("'", "").replace(" ", "")


def first_rank(ranked: list[str], expected: list[str], aliases: dict[str, str]) -> int | None:
    """1-based rank of the first ranked term matching any expected term (aliases resolved), else None."""
    wanted = {aliases.get(term_key(t), term_key(t)) for t in expected}
    for rank, term in enumerate(ranked, 1):
        if aliases.get(term_key(term), term_key(term)) in wanted:
            return rank
    return None


def _answerable(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r["answerable"]]


def hit_at(rows: list[Row], method: str, k: int) -> float:
    scored = _answerable(rows)
    return _mean(r["ranks"].get(method) is not None and r["ranks"][method] <= k for r in scored)


def mrr(rows: list[Row], method: str) -> float:
    return _mean(1.0 / r["ranks"][method] if r["ranks"].get(method) else 0.0 for r in _answerable(rows))


def refusal_counts(rows: list[Row]) -> dict[str, int]:
    """Confusion counts with refusal as the positive class."""
    c = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    for r in rows:
        refused, should = bool(r["refused"]), not r["answerable"]
        c["tp" if refused and should else "fp" if refused else "fn" if should else "tn"] += 1
    return c


def refusal_precision(rows: list[Row]) -> float:
    c = refusal_counts(rows)
    return c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0


def refusal_recall(rows: list[Row]) -> float:
    c = refusal_counts(rows)
    return c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0


def citation_accuracy(rows: list[Row], aliases: dict[str, str]) -> float:
    """Share of answerable questions whose answer cites an expected term (a refusal counts as a miss)."""
    return _mean(first_rank([c["term"] for c in r.get("citations") or []], r["expected_terms"], aliases) is not None
                 for r in _answerable(rows))


def answer_terms(row: Row) -> list[str]:
    """The entries an answer rests on: its citations, or in a retrieval-only run the decision's terms."""
    if row.get("citations") is not None:
        return [c["term"] for c in row["citations"]]
    return list(row.get("decided_terms") or [])


def outcome_rates(rows: list[Row], aliases: dict[str, str]) -> dict[str, float | None]:
    """The three outcomes users trust or not: answered citing an expected entry (of answerable questions),
    covered but refused (of answerable), uncovered answered as if covered (of unanswerable; a clearly
    marked closest entry is not counted as answered)."""
    covered = _answerable(rows)
    uncovered = [r for r in rows if not r["answerable"]]

    def right(r: Row) -> bool:
        return r.get("outcome") == "answered" and first_rank(answer_terms(r), r["expected_terms"], aliases) is not None

    return {"answered_right": _mean(right(r) for r in covered) if covered else None,
            "covered_refused": _mean(bool(r["refused"]) for r in covered) if covered else None,
            "uncovered_answered": _mean(r.get("outcome") == "answered" for r in uncovered) if uncovered else None}


def expecting_several(rows: list[Row]) -> list[Row]:
    """The answerable questions that expect several entries (a comparison, a list)."""
    return [r for r in _answerable(rows) if len(r["expected_terms"]) > 1]


def every_side_cited(rows: list[Row], aliases: dict[str, str]) -> float | None:
    """Of the questions expecting several entries, the share answered citing every one of them: "population and
    sample" answered from both, not from one."""
    several = expecting_several(rows)
    if not several:
        return None
    return _mean(r.get("outcome") == "answered" and all(first_rank(answer_terms(r), [t], aliases) is not None
                                                        for t in r["expected_terms"]) for r in several)


def answered(rows: list[Row]) -> list[Row]:
    return [r for r in rows if not r["refused"] and r.get("answer") is not None]


def grounded_rate(rows: list[Row]) -> float:
    return _mean(bool(r["grounded"]) for r in answered(rows))


def unsupported_sentence_rate(rows: list[Row]) -> float:
    verdicts = [v for r in answered(rows) for v in r.get("verdicts") or []]
    return _mean(not v["supported"] for v in verdicts)


def fallback_rate(rows: list[Row]) -> float:
    attempted = [r for r in answered(rows) if r.get("mode") == "generated" or r.get("fallback")]
    return _mean(bool(r.get("fallback")) for r in attempted)


def bigram_precision(answer: str, sources: Iterable[str]) -> float:
    """Independent faithfulness: share of the answer's word bigrams that occur in the cited entries' text.
    Surface n-grams, no stemming or stopword list: it shares nothing with the support checker."""
    source_bigrams = {b for s in sources for b in _bigrams(words(s))}
    mine = _bigrams(words(answer))
    return sum(b in source_bigrams for b in mine) / len(mine) if mine else 0.0


def _bigrams(tokens: list[str]) -> list[tuple[str, str]]:
    return list(zip(tokens, tokens[1:]))


def percentiles(values: Iterable[float | None]) -> dict[str, float | None]:
    data = np.array([v for v in values if v is not None], dtype=float)
    if not len(data):
        return {"p50": None, "p95": None, "max": None}
    return {"p50": round(float(np.percentile(data, 50)), 2), "p95": round(float(np.percentile(data, 95)), 2),
            "max": round(float(data.max()), 2)}


def _mean(values: Iterable[bool | float]) -> float:
    values = list(values)
    return round(float(sum(values)) / len(values), 4) if values else float("nan")
