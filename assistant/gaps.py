"""What of a question the glossary does not cover, said in one sentence before the answer.

    >>> question = "How is temperature chosen in knowledge distillation?"
    >>> outside = assistant.retriever.concepts.find(question)
    >>> unaddressed(glossary.by_term("Knowledge Distillation"), "how", question, outside)
    "The glossary doesn't cover “temperature”; here is what it says about Knowledge Distillation."
    >>> unaddressed(glossary.by_term("Concept Drift"), "how", "How to monitor and retrain models against it?", [])
    "The glossary doesn't answer that specifically; here is what it says about Concept Drift."
    >>> undefined_text(["focal loss"])
    "The glossary doesn't define “focal loss”."

Such a sentence states no fact about the term, so the support check does not judge it.
"""
from __future__ import annotations

from collections.abc import Sequence

from assistant.asks import Ask, fields_for
from assistant.concepts import ConceptMention
from assistant.corpus import Entry
from assistant.match import tokenize
from assistant.mentions import entry_mentions, entry_stems
from assistant.text import QUERY_WORDS, STOPWORDS, content_stems, split_sentences, stem, words

_MIN_MISSING, _MIN_MISSING_SHARE = 2, 0.5  # specific words of the ask the entry lacks before saying so
_MAX_NAMED = 2  # outside concepts named in the sentence


def unaddressed(entry: Entry, ask: Ask, question: str, outside: Sequence[ConceptMention]) -> str | None:
    """One sentence saying what of the ask the entry does not address, or None when it addresses it: a missing
    field ("an example"); else, when most of the asking sentence's specific words are missing from the entry,
    the outside concepts (``outside``: those the question names) in that sentence that the entry never
    mentions ("how is temperature chosen ...?"), or that it does not answer the question specifically. Free
    text is never quoted: a stretch of a question reads badly out of its place."""
    missing_field = {"example": "give an example of", "use": "say when to use"}.get(ask)
    if missing_field and not any(getattr(entry, f) for f in fields_for(ask)):
        return f"The glossary doesn't {missing_field} {entry.term}; here is what it says."
    sentences = split_sentences(question) or [question]
    asking = next((i for i in reversed(range(len(sentences))) if "?" in sentences[i]), len(sentences) - 1)
    if not _mostly_missing(entry, sentences[asking]):
        return None
    start = sum(len(tokenize(s)) for s in sentences[:asking])  # the asking sentence's tokens in the question
    end = start + len(tokenize(sentences[asking]))
    foreign = list(dict.fromkeys(m.name for m in outside if start <= m.start and m.end <= end
                                 and not entry_mentions(entry, m)))
    if foreign:
        return f"The glossary doesn't cover {_listed(foreign[:_MAX_NAMED])}; here is what it says about {entry.term}."
    return f"The glossary doesn't answer that specifically; here is what it says about {entry.term}."


def _mostly_missing(entry: Entry, sentence: str) -> bool:
    """Whether most of the sentence's specific words (neither question words nor the term's own) are missing
    from the entry."""
    have = entry_stems(entry)
    names = set(content_stems(" ".join(entry.names)))
    specific = [stem(w) for w in words(sentence) if w not in STOPWORDS and w not in QUERY_WORDS and len(w) > 2
                and not w.isdigit() and stem(w) not in names]
    missing = [s for s in specific if s not in have]
    return len(missing) >= _MIN_MISSING and len(missing) / len(specific) >= _MIN_MISSING_SHARE


def undefined_text(names: list[str]) -> str | None:
    """One sentence naming the concepts asked about that the glossary does not define."""
    if not names:
        return None
    return f"The glossary doesn't define {_listed(names)}."


def _listed(names: list[str]) -> str:
    quoted = [f"\u201c{n}\u201d" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
