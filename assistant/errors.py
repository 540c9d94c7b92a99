"""Errors a user can act on. The doors (CLI, HTTP, UI) translate them; nothing else catches them."""
from __future__ import annotations


class AssistantError(Exception):
    """Base class: the message is written for the person running the assistant."""


class CorpusError(AssistantError):
    """The glossary file is missing, unreadable or fails validation (the message names file, line, entry, field)."""


class IndexBuildError(AssistantError):
    """The index cannot be built or written (e.g. the index folder is read-only or the disk is full)."""


class ModelLoadError(AssistantError):
    """A model (embedder or generator) cannot be found, converted or loaded."""


class GenerationError(AssistantError):
    """The generator backend failed while answering (e.g. the HTTP backend is unreachable)."""


class InvalidQuestion(AssistantError):
    """The question is empty, too long or not text."""


class Busy(AssistantError):
    """All generation slots and queue places are taken; the client should retry later."""

    def __init__(self, message: str = "The assistant is busy answering other questions; retry in a few seconds.",
                 retry_after_s: int = 2) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class ConfigError(AssistantError):
    """The settings (environment or TOML file) are invalid."""
