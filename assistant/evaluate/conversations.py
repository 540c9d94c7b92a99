"""Multi-turn evaluation: each conversation runs turn by turn, every turn answered in the light of the turns
before it (the assistant's own earlier answers, sent back as a client would), and scored per turn.

    >>> from assistant.evaluate.runner import alias_map
    >>> from assistant.settings import ROOT
    >>> conversations = load_conversations(ROOT / "eval" / "conversations" / "written.jsonl")[:3]
    >>> rows = run_conversations(assistant, conversations, retrieval_only=True, progress=False)
    >>> summarize_conversations(rows, alias_map(assistant))["conversations"]
    3

A file holds one conversation per line (the blind-written set is split over ``written*.jsonl``, each file
under 5 MiB):
``{"id": "c001", "source": "https://...", "split": "dev", "turns": [{"question": "...", "expected_terms":
["Label Smoothing"], "answerable": true, "kind": "first"}, ...]}``. A turn is right when it is answered
citing an expected entry, or, when the glossary does not cover it, declined (refused, or the marked closest
entry). A turn about a new topic must not be answered from an entry the previous turn cited.
"""
from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from tqdm import tqdm

from assistant.answer import Assistant
from assistant.errors import InvalidQuestion
from assistant.evaluate.metrics import Row, every_side_cited, first_rank, outcome_rates
from assistant.evaluate.questions import read_jsonl
from assistant.schema import Turn


class ConversationTurn(BaseModel):
    model_config = ConfigDict(extra="allow")

    question: str
    expected_terms: list[str] = Field(default_factory=list)
    answerable: bool
    kind: str = "unspecified"


class Conversation(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    turns: list[ConversationTurn] = Field(min_length=1, max_length=20)
    split: str | None = None


def load_conversations(*paths: Path) -> list[Conversation]:
    """The conversations of one or more files, in order (a large set comes in several files); an id may be used
    once across all of them."""
    conversations: list[Conversation] = [c for path in paths for c in read_jsonl(path, Conversation)]
    ids = [c.id for c in conversations]
    if len(set(ids)) != len(ids):
        raise InvalidQuestion(f"{', '.join(map(str, paths))}: duplicate conversation ids")
    return conversations


def run_conversations(assistant: Assistant, conversations: list[Conversation], retrieval_only: bool,
                      progress: bool = True) -> list[Row]:
    """One row per turn. ``retrieval_only``: the decision alone (which entries would answer), no generation."""
    rows = []
    for conversation in tqdm(conversations, desc="eval", unit="conversation", file=sys.stderr, disable=not progress):
        history: list[Turn] = []
        previous: list[str] = []
        for number, turn in enumerate(conversation.turns, 1):
            route = assistant.route(turn.question, history)
            if retrieval_only:
                decision = route.decision
                outcome, terms, text = decision.outcome, list(decision.terms), ""
            else:
                answer = assistant.ask(turn.question, route=route)
                outcome, terms, text = answer.outcome, [c.term for c in answer.citations], answer.answer
            rows.append({**turn.model_dump(), "conversation": conversation.id, "turn": number,
                         "split": conversation.split, "resolved_question": route.question, "outcome": outcome,
                         "refused": outcome == "refused", "decided_terms": terms, "previous_terms": previous,
                         "answer": text if not retrieval_only else None})
            history.append(Turn(question=turn.question, answer=text, citations=terms, resolved_question=route.question,
                                outcome=outcome))
            previous = terms
    return rows


def turn_right(row: Row, aliases: dict[str, str]) -> bool:
    if row["answerable"]:
        cited = first_rank(row["decided_terms"], row["expected_terms"], aliases)
        return row["outcome"] == "answered" and cited is not None
    return row["outcome"] != "answered"


def from_previous_entry(row: Row, aliases: dict[str, str]) -> bool:
    """A turn about something else than the previous turn's entries, answered from one of them."""
    if row["outcome"] != "answered" or not row["previous_terms"]:
        return False
    if first_rank(row["previous_terms"], row["expected_terms"], aliases) is not None:
        return False  # the same topic (or a comparison with it): the previous entry is right to answer
    return first_rank(row["decided_terms"], row["previous_terms"], aliases) is not None


def summarize_conversations(rows: list[Row], aliases: dict[str, str]) -> dict:
    groups: dict[str, dict[str, list[Row]]] = {"kind": defaultdict(list), "split": defaultdict(list),
                                               "position": defaultdict(list)}
    for row in rows:
        groups["kind"][row["kind"]].append(row)
        groups["split"][row["split"] or "none"].append(row)
        groups["position"]["first turn" if row["turn"] == 1 else "follow-up turns"].append(row)

    def figures(part: list[Row]) -> dict:
        return {"n": len(part), "turns_right": round(sum(turn_right(r, aliases) for r in part) / len(part), 4),
                **{k: (round(v, 4) if v is not None else None) for k, v in outcome_rates(part, aliases).items()}}

    wrong_topic = [f"{r['conversation']}#{r['turn']}" for r in rows if from_previous_entry(r, aliases)]
    return {**figures(rows), "conversations": len({r["conversation"] for r in rows}),
            "every_side_cited": every_side_cited(rows, aliases), "answered_from_previous_entry": wrong_topic,
            **{f"by_{name}": {key: figures(part) for key, part in sorted(group.items())}
               for name, group in groups.items()}}


def conversation_markdown(summary: dict) -> str:
    lines = [f"Conversations: {summary['conversations']}, turns: {summary['n']}", "",
             f"- turns right: {summary['turns_right']:.3f}",
             f"- turns expecting several entries answered citing every one: {_rate(summary['every_side_cited'])}",
             f"- new topics answered from the previous entry: {len(summary['answered_from_previous_entry'])} "
             f"{summary['answered_from_previous_entry'] or ''}".rstrip()]
    for name in ("by_position", "by_kind", "by_split"):
        lines += ["", f"| {name[3:]} | n | turns right | answered right | covered refused | uncovered answered |",
                  "|---|---|---|---|---|---|"]
        for key, fig in summary[name].items():
            lines.append(f"| {key} | {fig['n']} | {fig['turns_right']:.3f} | "
                         + " | ".join(_rate(fig[k]) for k in ("answered_right", "covered_refused", "uncovered_answered"))
                         + " |")
    return "\n".join(lines) + "\n"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
