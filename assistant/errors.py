"""Errors a user can act on. The doors (CLI, HTTP, UI) translate them; nothing else catches them.

    >>> QuestionTooLong("The question is too long.").http_status
    413

Each error carries the HTTP status the API answers it with (and, for load, how long to wait before a retry).
"""
from __future__ import annotations


class AssistantError(Exception):
    """Base class: the message is written for the person running the assistant."""

    http_status = 500
    retry_after_s: int | None = None


class CorpusError(AssistantError):
    """The glossary file is missing, unreadable or fails validation (the message names file, line, entry, field)."""


class IndexBuildError(AssistantError):
    """The index cannot be built or written (e.g. the index folder is read-only or the disk is full)."""


class ModelLoadError(AssistantError):
    """A model (embedder or generator) cannot be found, converted or loaded."""


class GenerationError(AssistantError):
    """The generator backend failed while answering (e.g. the HTTP backend is unreachable)."""


class InvalidQuestion(AssistantError):
    """The question is empty or not text."""

    http_status = 422


class QuestionTooLong(InvalidQuestion):
    """The question is longer than ``max_question_chars``."""

    http_status = 413


class FeedbackOff(AssistantError):
    """This server keeps no feedback (``feedback_path`` is unset)."""

    http_status = 404


class Busy(AssistantError):
    """All generation slots and queue places are taken; the client should retry later."""

    http_status = 503

    def __init__(self, message: str = "The assistant is busy answering other questions; retry in a few seconds.",
                 retry_after_s: int = 2) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class NotReady(AssistantError):
    """The models are still loading, or failed to load (the message says which)."""

    http_status = 503
    retry_after_s = 5


class ConfigError(AssistantError):
    """The settings (environment or TOML file) are invalid."""
