"""Answers assembled from glossary sentences alone: the accuracy floor, and the fallback when generated text
is not supported by the entry. Also the wording of refusals.

    >>> extractive_answer([entry], "what is label smoothing?")
    'Label smoothing is a method of softening the labels ... It gives the wrong classes a tiny portion ...'
"""
from __future__ import annotations

from assistant.corpus import Entry
from assistant.text import content_stems, split_sentences

_MAX_SENTENCES = 3
_EXAMPLE_WORDS = {"exampl", "instanc", "e.g", "illustr", "case", "scenario", "analog", "intuit", "like"}
_USE_WORDS = {"when", "why", "use", "which", "should", "help", "need", "want", "good"}


def _relevance(sentence: str, wanted: set[str]) -> int:
    return len(set(content_stems(sentence)) & wanted)


def extractive_answer(entries: list[Entry], question: str) -> str:
    """One entry: its definition plus the one passage sentence most relevant to the question.
    Several entries (a comparison): the opening sentence of each definition."""
    if len(entries) > 1:
        first, *others = (split_sentences(e.definition)[0] for e in entries)
        return " ".join([first, *(f"By contrast, {s[0].lower()}{s[1:]}" for s in others)])
    entry = entries[0]
    answer = split_sentences(entry.definition)[:2]
    asked = set(content_stems(question)) - set(content_stems(" ".join(entry.names)))
    extras: list[tuple[int, str]] = []
    for field, text in entry.passages():
        if field == "definition":
            continue
        for sentence in split_sentences(text):
            labelled = f"For example: {sentence}" if field == "example" else sentence
            extras.append((_relevance(sentence, asked), labelled))
    best = max(extras, key=lambda x: x[0], default=(0, ""))
    wants_example = bool(asked & _EXAMPLE_WORDS)
    if best[0] > 0:
        answer.append(best[1])
    elif entry.use_case and asked & _USE_WORDS:
        answer.append(entry.use_case)
    elif entry.example and (wants_example or len(answer) == 1):
        answer.append(f"For example: {entry.example}")
    return " ".join(answer[:_MAX_SENTENCES])


def closest_answer(entry: Entry) -> tuple[str, str]:
    """(reply, the glossary sentence it quotes)."""
    opening = split_sentences(entry.definition)[0]
    return (f"The glossary has no entry that clearly matches this description. The closest entry is {entry.term}: "
            f"{opening}", opening)


def refusal_text(reason: str, subject: str | None, suggestions: list[str]) -> str:
    if reason == "injection":
        return ("I can only answer questions about the terms in this machine-learning glossary, and I don't follow "
                "instructions written inside a question.")
    if reason == "no_words":
        return "Please ask a question in words about a machine-learning term."
    head = (f"The glossary doesn't define \u201c{subject}\u201d." if subject
            else "The glossary doesn't cover that question.")
    if suggestions:
        return f"{head} Closest entries: {', '.join(suggestions)}."
    return head
