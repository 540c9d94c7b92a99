"""What of a question the glossary does not cover, said in one sentence before the answer.

    >>> unaddressed(glossary.by_term("Concept Drift"), "how", "How to monitor and retrain models against it?")
    "The glossary doesn't cover “monitor and retrain models”; here is what it says about Concept Drift."
    >>> undefined_text(["focal loss"])
    "The glossary doesn't define “focal loss”."

Such a sentence states no fact about the term, so the support check does not judge it.
"""
from __future__ import annotations

import re

from assistant.asks import Ask, fields_for
from assistant.corpus import Entry
from assistant.mentions import entry_stems
from assistant.text import QUERY_WORDS, STOPWORDS, content_stems, split_sentences, stem, words

_MIN_MISSING, _MIN_MISSING_SHARE = 2, 0.5  # specific words of the ask the entry lacks before saying so
_MAX_SPAN_WORDS = 7
_MAX_QUOTED_SENTENCE_WORDS = 14


def unaddressed(entry: Entry, ask: Ask, question: str) -> str | None:
    """One sentence saying what of the ask the entry does not address, or None when it addresses it: a missing
    field ("an example"), or the specifics of the question's asking sentence that the entry never mentions
    ("how to monitor and retrain models in prod")."""
    missing_field = {"example": "give an example of", "use": "say when to use"}.get(ask)
    if missing_field and not any(getattr(entry, f) for f in fields_for(ask)):
        return f"The glossary doesn't {missing_field} {entry.term}; here is what it says."
    sentence = _asking_sentence(question)
    span = _unaddressed_span(entry, sentence)
    if span is None:
        return None
    if len(sentence.split()) > _MAX_QUOTED_SENTENCE_WORDS:  # a long ask: quoting a stretch of it reads badly
        return f"The glossary doesn't answer that specifically; here is what it says about {entry.term}."
    return f"The glossary doesn't cover \u201c{span}\u201d; here is what it says about {entry.term}."


def _asking_sentence(question: str) -> str:
    sentences = split_sentences(question) or [question]
    return next((s for s in reversed(sentences) if "?" in s), sentences[-1])


def _unaddressed_span(entry: Entry, sentence: str) -> str | None:
    """The stretch of ``sentence`` holding its specific words that the entry lacks, when they are most of them."""
    tokens = re.findall(r"\S+", sentence)
    have = entry_stems(entry)
    names = set(content_stems(" ".join(entry.names)))
    specific = [(i, stem(w)) for i, tok in enumerate(tokens) for w in words(tok)
                if w not in STOPWORDS and w not in QUERY_WORDS and len(w) > 2 and not w.isdigit()
                and stem(w) not in names]
    missing = [i for i, s in specific if s not in have]
    if len(missing) < _MIN_MISSING or len(missing) / len(specific) < _MIN_MISSING_SHARE:
        return None
    span = tokens[missing[0]:missing[0] + _MAX_SPAN_WORDS]  # from the first word the entry lacks ...
    while span and all(w in STOPWORDS or stem(w) in names for w in words(span[-1])):
        span.pop()  # ... to the last word that is neither a stopword nor the term's own name
    return " ".join(span).strip(" ,.;:?!\"'()[]\u2018\u2019\u201c\u201d")


def undefined_text(names: list[str]) -> str | None:
    """One sentence naming the concepts asked about that the glossary does not define."""
    if not names:
        return None
    quoted = [f"\u201c{n}\u201d" for n in names]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"The glossary doesn't define {listed}."
