"""The Answer object of ../shared/INTERFACES.md (CLI --json, POST /api/ask, eval results), plus compatible extensions."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

Outcome = Literal["answered", "closest", "refused"]
Mode = Literal["generated", "extractive", "refusal"]
WhenBusy = Literal["glossary", "busy"]  # what a question gets when no generation slot is free in time


class Citation(BaseModel):
    term: str
    score: float
    category: str | None = None
    definition: str | None = Field(None, description="the entry's definition, for source cards")
    example: str | None = None


class Retrieved(BaseModel):
    term: str
    score: float
    category: str | None = None


class Timings(BaseModel):
    retrieve_ms: float = 0.0
    generate_ms: float = 0.0
    total_ms: float = 0.0
    first_token_ms: float | None = None


class SentenceVerdict(BaseModel):
    """The grounding check's verdict on one generated sentence."""

    sentence: str
    supported: bool
    support: float = Field(description="share of the sentence's content words found in the cited entries")
    problem: str | None = Field(None, description="why it is unsupported, e.g. 'number 0.5 not in entry'")


class SentenceSource(BaseModel):
    """One sentence of the shown answer and the part of an entry it rests on (none for the answer's own framing)."""

    sentence: str
    term: str | None = None
    part: str | None = Field(None, description="definition, example, use_case, analogy or details")
    text: str | None = Field(None, description="that part's text in the entry")


class Turn(BaseModel):
    """An earlier turn of a conversation, as a client sends it back in ``history`` (the server keeps no state).
    ``citations`` may be terms or the Answer's citation objects; fields beyond these are ignored, so a client
    may send back whole Answer objects."""

    model_config = ConfigDict(extra="ignore")

    question: StrictStr = Field(json_schema_extra={"pattern": r"\S"})  # blank: 422, as for a question
    answer: StrictStr = ""
    citations: list[StrictStr] = Field(default_factory=list, max_length=10)
    resolved_question: StrictStr | None = Field(None, description="the Answer's resolved_question, if the client kept it")
    outcome: Outcome | None = Field(None, description="the Answer's outcome, if the client kept it: a follow-up on a "
                                                       "marked closest entry stays marked as closest")

    @field_validator("citations", mode="before")
    @classmethod
    def _terms(cls, value: object) -> object:
        return citation_terms(value)

    @classmethod
    def from_answer(cls, answer: Answer) -> Turn:
        """The turn a client keeps of an answer, to send back with the next question."""
        return cls(question=answer.question, answer=answer.answer, citations=[c.term for c in answer.citations],
                   resolved_question=answer.resolved_question, outcome=answer.outcome)


def citation_terms(value: object) -> object:
    """A list of citations as terms: the Answer's citation objects ({"term": ...}) are accepted too."""
    if isinstance(value, list):
        return [c.get("term") if isinstance(c, dict) else c for c in value]
    return value


class Answer(BaseModel):
    """What the assistant says, with its evidence. Fields up to `timings` are the contract; the rest extend it."""

    model_config = ConfigDict(extra="forbid")

    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    grounded: bool
    retrieved: list[Retrieved]
    timings: Timings
    outcome: Outcome = "answered"
    reason: str = Field("", description="why this outcome: named, definition, descriptive, closest, injection, ...")
    subject: str | None = Field(None, description="what the question asks about when it names it (for a refusal: the "
                                                  "concept the glossary does not define)")
    mode: Mode = "extractive"
    suggestions: list[str] = Field(default_factory=list, description="closest terms offered with a refusal")
    followups: list[str] = Field(default_factory=list, description="questions about related entries, each one the "
                                                                   "assistant answers from that entry")
    verdicts: list[SentenceVerdict] = Field(default_factory=list, description="per generated sentence")
    revised: bool = Field(False, description="the final text differs from what was streamed")
    fallback: bool = Field(False, description="generation failed the support check or timed out; text is extractive")
    busy: bool = Field(False, description="no generation slot was free within the queue's wait: answered at once in "
                                          "the glossary's own words (``when_busy``)")
    backend: str = ""
    resolved_question: str | None = Field(None, description="the question actually answered: the question itself, "
                                                             "or what a follow-up stands for in the conversation")
    glossary_version: str = Field("", description="content hash of the glossary that answered")
    sentences: list[SentenceSource] = Field(default_factory=list, description="the answer sentence by sentence, "
                                                                             "each with the entry part it rests on")
