"""Sentence-level citations: the entry, and the part of it, each sentence of a shown answer rests on.

    >>> entry = glossary.by_term("Label Smoothing")
    >>> [(s.term, s.part) for s in attribute(entry.definition.split(". ")[0] + ".", [entry])]
    [('Label Smoothing', 'definition')]

A sentence rests on the entry sentence that holds most of its content words (their stems): the answers
quote entries or stay close to them, and the support check has already dropped any sentence that strays.
A sentence that holds too few of them cites nothing: it is the answer's own framing ("The glossary doesn't
define focal loss.").
"""
from __future__ import annotations

from assistant.corpus import Entry
from assistant.schema import SentenceSource
from assistant.text import content_stems, split_sentences

MIN_SHARE = 0.5  # of a sentence's content words an entry sentence must hold to be its source


def attribute(text: str, entries: list[Entry]) -> list[SentenceSource]:
    """Every sentence of ``text`` in order, each with the entry part it rests on (or none)."""
    candidates = [(entry, part, passage, set(content_stems(sentence)))
                  for entry in entries for part, passage in entry.passages() for sentence in split_sentences(passage)]
    sources = []
    for sentence in split_sentences(text):
        stems = set(content_stems(sentence))
        best = max(candidates, key=lambda c: len(stems & c[3]), default=None)  # ties: the earlier part
        if best is not None and stems and len(stems & best[3]) / len(stems) >= MIN_SHARE:
            sources.append(SentenceSource(sentence=sentence, term=best[0].term, part=best[1], text=best[2]))
        else:
            sources.append(SentenceSource(sentence=sentence))
    return sources
