"""Runs eval questions through every retrieval method and (unless retrieval-only) the full answer pipeline.

    >>> from assistant.evaluate.questions import load_questions
    >>> from assistant.settings import ROOT
    >>> questions = load_questions(ROOT / "eval" / "questions.jsonl", limit=2)
    >>> rows = run_questions(assistant, questions, retrieval_only=True, progress=False)
    >>> [(r["kind"], r["outcome"], r["ranks"]["hybrid"]) for r in rows]
    [('direct', 'answered', 1), ('example', 'closest', 1)]
"""
from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from tqdm import tqdm

from assistant.answer import Assistant
from assistant.errors import AssistantError
from assistant.evaluate.metrics import Row, bigram_precision, first_rank, term_key
from assistant.evaluate.questions import EvalQuestion
from assistant.generate import ColdPrefill, Prompt
from assistant.retrieve import METHODS


def alias_map(assistant: Assistant) -> dict[str, str]:
    """Every name's key -> its term's key, so expected terms may be written as aliases."""
    return {term_key(name): term_key(e.term) for e in assistant.glossary.entries for name in e.names}


def run_questions(assistant: Assistant, questions: list[EvalQuestion], retrieval_only: bool,
                  concurrency: int = 1, progress: bool = True) -> list[Row]:
    aliases = alias_map(assistant)
    entries = {e.term: e for e in assistant.glossary.entries}

    def one(q: EvalQuestion) -> Row:
        return _evaluate(assistant, q, retrieval_only, aliases, entries)

    bar = tqdm(total=len(questions), desc="eval", unit="q", file=sys.stderr, disable=not progress)
    rows: list[Row] = []
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for row in pool.map(one, questions):
            rows.append(row)
            bar.update(1)
    bar.close()
    return rows


def _evaluate(assistant: Assistant, q: EvalQuestion, retrieval_only: bool, aliases: dict[str, str],
              entries: dict) -> Row:
    """One question through the assistant's own routing (retrieved once); every retrieval method's ranks come
    from the scores that retrieval computed."""
    row: Row = q.model_dump()
    try:
        route = assistant.route(q.question)
    except AssistantError as exc:  # an eval line that the doors would reject counts as a refusal
        return {**row, "ranks": {m: None for m in METHODS}, "refused": True, "outcome": "refused", "reason": "invalid",
                "error": str(exc), "answer": None, "citations": None, "grounded": None, "retrieved": [],
                "latency_ms": 0.0, "timings": {}, "top_score": None}
    hits, retriever = route.retrieval.hits, assistant.retriever
    ranks = {m: first_rank([h.term for h in hits] if m == METHODS[0] else retriever.ranked_terms(route.retrieval, m),
                           q.expected_terms, aliases) for m in METHODS}
    row.update(ranks=ranks, top_score=hits[0].fused, top_term=hits[0].term,
               both_in_top3=all(first_rank([h.term for h in hits[:3]], [t], aliases) for t in q.expected_terms))
    if retrieval_only:
        decision = route.decision
        row.update(answer=None, citations=None, grounded=None, refused=decision.outcome == "refused",
                   outcome=decision.outcome, reason=decision.reason, decided_terms=decision.terms,
                   decided_ask=decision.ask, retrieved=[{"term": h.term, "score": h.score} for h in hits],
                   latency_ms=route.retrieve_ms, timings={"retrieve_ms": route.retrieve_ms})
        return row
    try:
        answer = assistant.ask(q.question, route=route)
    except AssistantError as exc:
        return {**row, "refused": True, "outcome": "refused", "reason": "error", "error": str(exc), "answer": None,
                "citations": [], "grounded": None, "retrieved": [], "latency_ms": 0.0, "timings": {}}
    row.update(answer.model_dump(mode="json", exclude={"question"}))
    row["latency_ms"] = answer.timings.total_ms
    if not answer.refused and answer.citations:
        cited = [entries[c.term] for c in answer.citations]
        row["bigram_precision"] = round(bigram_precision(answer.answer, [t for e in cited for _, t in e.passages()]), 4)
    return row


def _generated_prompts(assistant: Assistant, rows: list[Row], n: int) -> list[tuple[str, Prompt]]:
    """(id, prompt) of up to ``n`` rows answered with a generated answer, built for their first citation."""
    from assistant.prompt import build_prompt

    entries = {e.term: e for e in assistant.glossary.entries}
    picked = [r for r in rows if r.get("mode") == "generated" and r.get("citations")][:n]
    return [(r["id"], build_prompt(entries[r["citations"][0]["term"]], r["question"], style=assistant.prompt_style))
            for r in picked]


def _differing(ids: list[str], these: list[str], those: list[str]) -> dict:
    differ = [i for i, a, b in zip(ids, these, those) if a != b]
    return {"checked": len(ids), "differ": len(differ), "differing_ids": differ}


def cold_prefill_check(assistant: Assistant, rows: list[Row], n: int) -> dict:
    """Regenerates up to ``n`` generated answers twice, with the cached prompt prefix and from a cold
    prefill of the whole prompt, and counts how many texts differ (greedy)."""
    generator = assistant.generator
    if not isinstance(generator, ColdPrefill):
        return {"checked": 0, "differ": 0, "note": f"{assistant.backend} has no local prefix state"}
    picked = _generated_prompts(assistant, rows, n)
    limit = assistant.config.max_new_tokens
    warm = ["".join(generator.stream(prompt, limit)) for _, prompt in picked]
    cold = ["".join(generator.stream_cold(prompt, limit)) for _, prompt in picked]
    return _differing([i for i, _ in picked], warm, cold)


def batch_check(assistant: Assistant, rows: list[Row], n: int) -> dict:
    """Regenerates up to ``n`` generated answers alone, one after another, and then as many at once as the
    backend decodes together, and counts how many texts differ (greedy)."""
    generator = assistant.generator
    if generator is None or generator.parallel < 2:
        return {"checked": 0, "differ": 0, "note": f"{assistant.backend} generates one answer at a time"}
    picked = _generated_prompts(assistant, rows, n)
    limit = assistant.config.max_new_tokens
    alone = ["".join(generator.stream(prompt, limit)) for _, prompt in picked]
    with ThreadPoolExecutor(max_workers=generator.parallel) as pool:
        together = list(pool.map(lambda item: "".join(generator.stream(item[1], limit)), picked))
    return _differing([i for i, _ in picked], alone, together)
