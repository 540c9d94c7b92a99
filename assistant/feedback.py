"""Feedback on answers: thumbs up or down, an optional reason and expected entry, kept in a JSON Lines file
with the answer, its citations and the glossary version.

    >>> import tempfile
    >>> feedback_log = FeedbackLog(Path(tempfile.mkdtemp()) / "feedback.jsonl")
    >>> feedback_log.append(Feedback(question="what is mixup?", answer="Mixup is …", citations=["Mixup"], rating="up"),
    ...                     served_glossary_version="3f2a")
    >>> json.loads(feedback_log.path.read_text())["rating"]
    'up'

``python -m assistant eval --from-feedback FILE`` turns the file into eval cases
(``assistant/evaluate/questions.py``).
"""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, field_validator

from assistant.errors import AssistantError, FeedbackOff
from assistant.files import append_line
from assistant.schema import citation_terms

log = logging.getLogger(__name__)
NOT_COVERED = "none"  # the expected entry of a question the glossary should have declined


class Feedback(BaseModel):
    """What a reader says about one answer (the body of ``POST /api/feedback``)."""

    model_config = ConfigDict(extra="forbid")

    rating: Literal["up", "down"]
    question: StrictStr = Field(min_length=1, max_length=20_000)
    answer: StrictStr = Field("", max_length=20_000)
    citations: list[StrictStr] = Field(default_factory=list, max_length=10)
    resolved_question: StrictStr | None = Field(None, max_length=20_000)
    reason: StrictStr | None = Field(None, max_length=1_000)
    expected_entry: StrictStr | None = Field(None, max_length=200, description=f"the entry that should have answered, "
                                             f"or '{NOT_COVERED}' when the glossary does not cover the question")
    glossary_version: StrictStr = Field("", max_length=64, description="the answer's glossary_version")

    @field_validator("citations", mode="before")
    @classmethod
    def _terms(cls, value: object) -> object:
        return citation_terms(value)


class StoredFeedback(Feedback):
    """One line of the feedback file: the feedback, when it came, and the glossary that was serving then."""

    model_config = ConfigDict(extra="ignore")

    time: str
    served_glossary_version: str = ""


class FeedbackLog:
    def __init__(self, path: Path | None) -> None:
        self.path = path

    def append(self, feedback: Feedback, served_glossary_version: str) -> None:
        if self.path is None:
            raise FeedbackOff("This server does not keep feedback.")
        stored = StoredFeedback(**feedback.model_dump(), time=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                served_glossary_version=served_glossary_version)
        try:
            append_line(self.path, json.dumps(stored.model_dump(exclude_none=True), ensure_ascii=False))
        except OSError as exc:
            log.error("cannot append feedback to %s: %s", self.path, exc)
            raise AssistantError(f"The feedback could not be stored ({exc.strerror or exc}).") from exc
