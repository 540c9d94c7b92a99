"""The support check: is each answer sentence backed by the cited entries?

    >>> checker.check("Label smoothing softens the labels during training.", [entry]).supported
    True

A sentence is supported when most of its content words occur in the cited entries' text and it
adds no specifics the entries lack: no number, no capitalised name, and no word whose opposite is what
the entry says ("more" where the entry says "less"). Measured on eval/grounding.jsonl
(``python -m assistant eval --grounding``); it is a lexical check, so it cannot see every contradiction.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.corpus import Entry
from assistant.text import STOPWORDS, content_stems, split_sentences, stem, words

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-zA-Z0-9]*(?:[-'][A-Za-z0-9]+)*)")
_OPPOSITES = [("more", "less"), ("increase", "decrease"), ("higher", "lower"), ("high", "low"), ("larger", "smaller"),
              ("large", "small"), ("minimise", "maximise"), ("minimize", "maximize"), ("closer", "farther"),
              ("easy", "hard"), ("simple", "complex"), ("before", "after"), ("first", "last"), ("better", "worse"),
              ("stable", "unstable"), ("overconfident", "underconfident"), ("wider", "narrower"), ("sharp", "flat"),
              ("supervised", "unsupervised"), ("discrete", "continuous"), ("similar", "dissimilar"), ("apart", "together"),
              ("fewer", "more"), ("slower", "faster"), ("slow", "fast"), ("confident", "humble")]
_OPPOSITE = {a: b for a, b in _OPPOSITES} | {b: a for a, b in _OPPOSITES}


@dataclass(frozen=True)
class Verdict:
    sentence: str
    supported: bool
    support: float  # share of the sentence's content stems found in the entries
    problem: str | None = None


class GroundingChecker:
    """Checks sentences against entries. ``min_support``: share of content words that must be in the entries."""

    def __init__(self, min_support: float = 0.6) -> None:
        if not 0.0 < min_support <= 1.0:
            raise ValueError("min_support must be in (0, 1]")
        self.min_support = min_support

    def check_text(self, text: str, entries: list[Entry]) -> list[Verdict]:
        source = _Source.of(entries)  # built once for all the sentences
        return [self._verdict(s, source) for s in split_sentences(text)]

    def check(self, sentence: str, entries: list[Entry]) -> Verdict:
        return self._verdict(sentence, _Source.of(entries))

    def _verdict(self, sentence: str, source: _Source) -> Verdict:
        wanted = content_stems(sentence)
        if not wanted:
            return Verdict(sentence, False, 0.0, "no content words")
        support = sum(w in source.stems for w in wanted) / len(wanted)
        problem = self._specifics(sentence, source)
        if problem is None and support < self.min_support:
            problem = f"only {support:.0%} of its content words are in the entry"
        return Verdict(sentence, problem is None, round(support, 3), problem)

    @staticmethod
    def _specifics(sentence: str, source: _Source) -> str | None:
        for number in _NUMBER.findall(sentence):
            if number.rstrip("%") not in source.text:
                return f"number {number} is not in the entry"
        for name in _NAME.findall(sentence.strip()):
            if any(w not in source.words and stem(w) not in source.stems and w not in STOPWORDS for w in words(name)):
                return f"name {name} is not in the entry"
        for w in words(sentence):  # raw words: "more"/"less" are stopwords for the support share
            if w not in source.words and _OPPOSITE.get(w) in source.words:
                return f"'{w}' where the entry says '{_OPPOSITE[w]}'"
        return None


@dataclass(frozen=True)
class _Source:
    """The cited entries' names and passages: raw text, folded words, content stems."""

    text: str
    words: frozenset[str]
    stems: frozenset[str]

    @classmethod
    def of(cls, entries: list[Entry]) -> _Source:
        text = " ".join([*(n for e in entries for n in e.names), *(t for e in entries for _, t in e.passages())])
        return cls(text, frozenset(words(text)), frozenset(content_stems(text)))
