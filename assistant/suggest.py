"""Suggested follow-ups: a few questions about entries related to an answer's entry, each one the assistant
answers from that entry.

    >>> suggester = FollowUps(assistant.retriever, assistant.route)
    >>> suggester.for_entries(["Label Smoothing"])
    ['What is Virtual Adversarial Training?', 'What is Spectral Normalization?', 'What is Mixup?']

Related entries are the entry's nearest neighbours in the index (cosine between entry vectors, a little
closer within the entry's category), entries its text names coming first. A suggestion is kept only when
routing it (clean, retrieve, decide) answers it from the entry it is about, so a click never ends in a
refusal; the checked list is kept per entry.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from assistant.retrieve import Retriever

MAX_FOLLOWUPS = 3
_CANDIDATES = 6  # related entries tried per answer entry
_SAME_CATEGORY = 0.1  # cosine bonus for a neighbour of the same category: a reader's next step stays in the topic


class FollowUps:
    def __init__(self, retriever: Retriever, route: Callable[[str], object]) -> None:
        self.retriever = retriever
        self.route = route  # Assistant.route: question -> Route with .decision
        self._checked: dict[str, list[str]] = {}
        self._vectors: np.ndarray | None = None  # (n_entries, dim) L2-normalised, read on first use

    def for_entries(self, terms: list[str]) -> list[str]:
        """Follow-ups for an answer from ``terms`` (the first one leads), none about the answer's own entries."""
        if terms[0] not in self._checked:
            self._checked[terms[0]] = [t for t in self._related(terms[0]) if self._answers(t)]
        return [f"What is {t}?" for t in self._checked[terms[0]] if t not in terms][:MAX_FOLLOWUPS]

    def _answers(self, term: str) -> bool:
        decision = self.route(f"What is {term}?").decision
        return decision.outcome == "answered" and decision.terms == [term]

    def _related(self, term: str) -> list[str]:
        entries = self.retriever.entries
        position = next(i for i, e in enumerate(entries) if e.term == term)
        text = " ".join(t for _, t in entries[position].passages())
        named = [m.term for m in self.retriever.matcher.find(text) if not m.ambiguous and m.term != term]
        same_category = np.array([e.category == entries[position].category for e in entries])
        closeness = self._entry_vectors() @ self._entry_vectors()[position] + _SAME_CATEGORY * same_category
        nearest = [entries[i].term for i in np.argsort(-closeness, kind="stable") if i != position]
        return list(dict.fromkeys([*named, *nearest]))[:_CANDIDATES]

    def _entry_vectors(self) -> np.ndarray:
        """The index's vectors (one row of cosines per answered entry is computed from them, never the whole
        n x n matrix: a large glossary would not fit)."""
        if self._vectors is None:
            index = self.retriever.index
            try:
                self._vectors = index.reconstruct_n(0, index.ntotal)
            except RuntimeError:  # an index type that does not keep its vectors
                self._vectors = self.retriever.embedder.encode([e.index_text() for e in self.retriever.entries])
        return self._vectors
