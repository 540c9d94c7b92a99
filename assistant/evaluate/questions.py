"""Eval question files (JSON Lines): validated at the edge, unknown fields kept and copied to the results.

    >>> questions = load_questions(Path("eval/questions.jsonl"), kinds={"direct"}, limit=10)
"""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import InvalidQuestion
from assistant.feedback import NOT_COVERED, StoredFeedback


class EvalQuestion(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    question: str
    expected_terms: list[str] = Field(default_factory=list)
    answerable: bool
    kind: str = "unspecified"
    split: str | None = None


class GroundingCase(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: str
    terms: list[str] = Field(min_length=1)
    sentence: str
    supported: bool
    kind: str = "unspecified"


def read_jsonl(path: Path, model: type[BaseModel]) -> list:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidQuestion(f"Cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidQuestion(f"{path} is not UTF-8 text") from exc
    items = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            items.append(model.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InvalidQuestion(f"{path}, line {number}: not valid JSON ({exc.msg})") from exc
        except ValidationError as exc:
            err = exc.errors()[0]
            raise InvalidQuestion(f"{path}, line {number}, field '{'.'.join(map(str, err['loc']))}': {err['msg']}") from exc
    return items


def load_questions(path: Path, kinds: set[str] | None = None, limit: int | None = None) -> list[EvalQuestion]:
    questions: list[EvalQuestion] = read_jsonl(path, EvalQuestion)
    seen: set[str] = set()
    for q in questions:
        if q.id in seen:
            raise InvalidQuestion(f"{path}: duplicate question id {q.id!r}")
        seen.add(q.id)
    if kinds:
        questions = [q for q in questions if q.kind in kinds]
    return _spread(questions, limit) if limit else questions


def questions_from_feedback(path: Path) -> list[EvalQuestion]:
    """Eval cases from a feedback file (``assistant/feedback.py``). A thumbs-up keeps what was answered: its
    citations, or a refusal. A thumbs-down with an expected entry asks for that entry ('none': a refusal). A
    thumbs-down without one says only that the answer was wrong, which is no case."""
    cases = []
    for number, feedback in enumerate(read_jsonl(path, StoredFeedback), 1):
        if feedback.rating == "up":
            expected = feedback.citations
        elif feedback.expected_entry:
            expected = [] if feedback.expected_entry.strip().lower() == NOT_COVERED else [feedback.expected_entry]
        else:
            continue
        cases.append(EvalQuestion(id=f"feedback-{number}", question=feedback.resolved_question or feedback.question,
                                  expected_terms=expected, answerable=bool(expected), kind=f"feedback-{feedback.rating}",
                                  source="feedback", time=feedback.time, reason=feedback.reason))
    return cases


def _spread(questions: list[EvalQuestion], limit: int) -> list[EvalQuestion]:
    """``limit`` questions taken evenly across the file, so a smoke run still sees every kind."""
    if limit >= len(questions):
        return questions
    step = len(questions) / limit
    return [questions[int(i * step)] for i in range(limit)]


def load_grounding_cases(path: Path) -> list[GroundingCase]:
    return read_jsonl(path, GroundingCase)
