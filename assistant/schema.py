"""The Answer object of ../shared/INTERFACES.md (CLI --json, POST /api/ask, eval results), plus compatible extensions."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Outcome = Literal["answered", "closest", "refused"]
Mode = Literal["generated", "extractive", "refusal"]


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
    mode: Mode = "extractive"
    suggestions: list[str] = Field(default_factory=list, description="closest terms offered with a refusal")
    verdicts: list[SentenceVerdict] = Field(default_factory=list, description="per generated sentence")
    revised: bool = Field(False, description="the final text differs from what was streamed")
    fallback: bool = Field(False, description="generation failed the support check or timed out; text is extractive")
    backend: str = ""
