"""What every generator backend offers, and the prompt it receives.

    >>> from assistant.prompt import build_prompt
    >>> prompt = build_prompt(glossary.by_term("Label Smoothing"), "what is label smoothing?")
    >>> text = "".join(assistant.generator.stream(prompt, max_new_tokens=40))
    >>> text != "" and "\\n" not in text     # the completion stops at the end of the answer line
    True

A backend turns a ``Prompt`` into streamed text. Local backends evaluate ``prompt.fixed`` (instructions
and worked examples) once, keep that state, and restore it for every request, so an answer never
depends on earlier requests.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Prompt:
    """A few-shot completion prompt, split at the point where requests start to differ."""

    fixed: str  # instructions + worked examples: identical for every request
    body: str  # the entry, the question and the answer primer
    system: str  # the instructions alone, for chat models
    user: str  # entry + question as one chat message, for chat models
    primer: str = ""  # text the answer starts with (already at the end of ``body``)
    stop: tuple[str, ...] = ("\n",)
    entry: str = ""  # the start of ``body`` that is the same for every question about the entry (its state is kept)


@dataclass
class Cancel:
    """Set by the caller (client gone, timeout) to stop a generation between tokens."""

    event: threading.Event = field(default_factory=threading.Event)

    def set(self) -> None:
        self.event.set()

    @property
    def is_set(self) -> bool:
        return self.event.is_set()


class Generator(Protocol):
    name: str  # e.g. "llama_cpp:gemma-3-270m-q4_k_m.gguf"
    parallel: int  # generations it runs at once (the gate admits that many)

    def warm_up(self, fixed_prefix: str) -> None:
        """Load the model and precompute the state of ``fixed_prefix`` (no-op for remote backends)."""

    def stream(self, prompt: Prompt, max_new_tokens: int, temperature: float = 0.0,
               cancel: Cancel | None = None) -> Iterator[str]:
        """Yield text chunks of the completion, stopping at the first stop string (not yielded)."""


@runtime_checkable
class ColdPrefill(Protocol):
    """Optional capability of local backends: generate from a cold prefill of the whole prompt, without the
    saved fixed-prefix state (``eval --cold-check`` compares the two)."""

    def stream_cold(self, prompt: Prompt, max_new_tokens: int) -> Iterator[str]: ...


SCORED_AFTER = "Answer:"  # what a scored sentence follows, after the entry: an answer without its question


@runtime_checkable
class SentenceScorer(Protocol):
    """Optional capability of local backends: how likely the model finds each sentence after the prompt's
    entry alone (mean log-probability per token), which ``likelihood.py`` uses to check answers."""

    def sentence_logprobs(self, prompt: Prompt, sentences: list[str]) -> list[float]: ...


class StopWatcher:
    """Holds back text that could be the start of a stop string, and reports when one is complete.

    >>> w = StopWatcher(("\\n",)); w.feed("Hi.\\nMore")
    'Hi.'
    >>> w.stopped
    True
    """

    def __init__(self, stops: tuple[str, ...]) -> None:
        self.stops = tuple(s for s in stops if s)
        self.stopped = False
        self._pending = ""

    def feed(self, text: str) -> str:
        """Returns what can be emitted now."""
        if self.stopped:
            return ""
        self._pending += text
        cut = min((i for i in (self._pending.find(s) for s in self.stops) if i >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            out, self._pending = self._pending[:cut], ""
            return out
        hold = 0  # the longest tail of the pending text that could begin a stop string
        for stop in self.stops:
            hold = max([hold] + [k for k in range(1, len(stop)) if self._pending.endswith(stop[:k])])
        out = self._pending[: len(self._pending) - hold] if hold else self._pending
        self._pending = self._pending[len(out):]
        return out

    def flush(self) -> str:
        out, self._pending = ("" if self.stopped else self._pending), ""
        return out
