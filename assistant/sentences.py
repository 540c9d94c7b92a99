"""How close a question comes to each entry's single best sentence: a description of one thing ("a network that
spits out the weights for another network, whats that called") often says what one sentence of an entry says (its
example, its use case) while the entry as a whole, embedded in one vector, stays middling.

    >>> sentences = assistant.retriever.sentences  # an EntrySentences(entries, embedder)
    >>> close = sentences.closeness("is there a name for training on easy examples first?",
    ...                             ["Curriculum Learning", "Mixup"])
    >>> close["Curriculum Learning"] > 0.45 > close["Mixup"]
    True

Each entry's sentences are embedded the first time a question needs them, prefixed with the entry's term, a few
at a time (no batch model load), and kept in a bounded cache (a 51-entry glossary needs 0.4 MB; a large one keeps
the entries asked about most recently).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from assistant.corpus import Entry
from assistant.embed import FEW_TEXTS, Embedder
from assistant.lru import LRU
from assistant.text import split_sentences

_MIN_WORDS = 4  # shorter sentences ("See also dropout.") say too little to match a description
_CACHE_BYTES = 32 << 20  # sentence vectors kept: about 3,600 entries of six 384-dimension vectors


def entry_sentences(entry: Entry) -> list[str]:
    """The entry's sentences of four words or more from every passage, each prefixed with its term; the
    definition when no sentence is that long."""
    found = [s for _, text in entry.passages() for s in split_sentences(text) if len(s.split()) >= _MIN_WORDS]
    return [f"{entry.term}: {s}" for s in found or [entry.definition]]


class EntrySentences:
    """Per entry, the (n_sentences, dim) vectors of ``entry_sentences``, embedded on first use."""

    def __init__(self, entries: Iterable[Entry], embedder: Embedder) -> None:
        self._entries = {e.term: e for e in entries}
        self._embedder = embedder
        self._vectors: LRU[str, np.ndarray] = LRU(_CACHE_BYTES, cost=lambda vectors: vectors.nbytes)

    def closeness(self, question: str, terms: Sequence[str]) -> dict[str, float]:
        """term -> the best cosine between that entry's sentences and the question, whole or any one of its
        sentences of four words or more: a description often sits in one sentence beside others about the asker
        ("I'm a radiologist dabbling in ML. How can a network tell me how unsure it is?")."""
        parts = [question, *(s for s in split_sentences(question) if len(s.split()) >= _MIN_WORDS)]
        queries = np.stack([self._embedder.encode_query(part) for part in dict.fromkeys(parts)])
        return {term: float((self._of(term) @ queries.T).max()) for term in terms}

    def _of(self, term: str) -> np.ndarray:
        vectors = self._vectors.get(term)
        if vectors is None:
            texts = entry_sentences(self._entries[term])
            vectors = np.concatenate([self._embedder.encode(texts[i:i + FEW_TEXTS])
                                      for i in range(0, len(texts), FEW_TEXTS)])
            self._vectors.put(term, vectors)
        return vectors
