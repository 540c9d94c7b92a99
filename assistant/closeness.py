"""Shown only when close in meaning: a generated sentence the support check passed must also stay near a
sentence of its entry, measured with the retrieval embedder.

    >>> closeness = Closeness(assistant.retriever.embedder, minimum=0.85)
    >>> entry = glossary.by_term("Brier Score")
    >>> faithful = "The Brier score is the mean squared difference between predicted probabilities and actual outcomes."
    >>> round(closeness.similarity(faithful, [entry]), 2)
    0.93
    >>> closeness.similarity("It is calculated by averaging the scores of predicted and actual outcomes.", [entry]) < 0.85
    True

The lexical check (``ground.py``) catches added specifics, opposites, negations and recombined words, but not
a definition reworded into a wrong one with the entry's own words. Such sentences, and the loose paraphrases
that carry most of the risk, sit further from every entry sentence than faithful restatements do (on
``eval/real/judged.jsonl``: supported sentences median 0.98, 25th percentile 0.83; unsupported ones that pass the
lexical check median 0.83). This is a display policy, not a verdict on truth: a sentence below ``minimum`` is
dropped and, when too little is left, the answer is the entry's own text. A leading pronoun ("It", "They") is
read as the entry's term.
"""
from __future__ import annotations

import re
import threading

import numpy as np

from assistant.corpus import Entry
from assistant.embed import Embedder
from assistant.ground import Verdict
from assistant.text import split_sentences

_PRONOUN = re.compile(r"^(?:it|they|this|these)\b", re.IGNORECASE)


def about_entry(sentence: str, entry: Entry) -> str:
    """The sentence with a leading pronoun ("It", "They") replaced by the entry's term: read on its own."""
    return _PRONOUN.sub(entry.term, sentence.strip(), count=1)


class Closeness:
    def __init__(self, embedder: Embedder, minimum: float) -> None:
        self.embedder = embedder
        self.minimum = minimum
        self._sentences: dict[str, np.ndarray] = {}  # term -> (n, dim) vectors of its entry's sentences
        self._lock = threading.Lock()

    def similarity(self, sentence: str, entries: list[Entry]) -> float:
        """Highest cosine between the sentence and any sentence of the entries."""
        vector = self.embedder.encode_query(about_entry(sentence, entries[0]))
        return max(float((self._vectors(e) @ vector).max()) for e in entries)

    def review(self, verdicts: list[Verdict], entries: list[Entry]) -> list[Verdict]:
        """The verdicts with each supported sentence that strays from every entry sentence marked unsupported."""
        if self.minimum <= 0:
            return verdicts
        out = []
        for v in verdicts:
            if v.supported:
                similarity = self.similarity(v.sentence, entries)
                if similarity < self.minimum:
                    v = Verdict(v.sentence, False, v.support, f"it strays from what the entry says (similarity "
                                                              f"{similarity:.2f})")
            out.append(v)
        return out

    def _vectors(self, entry: Entry) -> np.ndarray:
        with self._lock:
            vectors = self._sentences.get(entry.term)
        if vectors is None:
            sentences = [s for _, text in entry.passages() for s in split_sentences(text)]
            vectors = np.stack([self.embedder.encode_query(s) for s in sentences])
            with self._lock:
                self._sentences[entry.term] = vectors
        return vectors
