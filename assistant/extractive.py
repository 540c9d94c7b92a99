"""Answers assembled from glossary sentences alone: the accuracy floor, and the fallback when generated text
is not supported by the entry. Also the wording of refusals.

    >>> extractive_answer([glossary.by_term("Label Smoothing")], "what is label smoothing?")
    'Label smoothing is a method of softening the labels ... It gives the wrong classes a tiny portion ...'
"""
from __future__ import annotations

import re

from assistant.asks import Ask, fields_for
from assistant.corpus import Entry
from assistant.ground import repeats, says
from assistant.text import content_stems, split_sentences

_MAX_SENTENCES = 3
_ALREADY_SAID = 0.6  # share of a passage's content words an answer must hold to count as saying it


def _relevance(sentence: str, wanted: set[str]) -> int:
    return len(set(content_stems(sentence)) & wanted)


def extractive_answer(entries: list[Entry], question: str, ask: Ask = "definition") -> str:
    """One entry: its definition, then the passage that addresses the ask (use case for "when", example for
    "example", ...) or else the one sentence most relevant to the question.
    Several entries (a comparison): the opening sentence of each definition."""
    if len(entries) > 1:
        return _side_by_side(entries)
    entry = entries[0]
    answer = split_sentences(entry.definition)[:2]
    passage = ask_passage(entry, ask)
    if passage:
        return " ".join([*answer, passage])
    asked = set(content_stems(question)) - set(content_stems(" ".join(entry.names)))
    extras = [(_relevance(sentence, asked), _labelled(field, sentence)) for field, text in entry.passages()
              if field != "definition" for sentence in split_sentences(text)]
    best = max(extras, key=lambda x: x[0], default=(0, ""))
    if best[0] > 0:
        answer.append(best[1])
    elif entry.example and len(answer) == 1:
        answer.append(_labelled("example", entry.example))
    return " ".join(answer[:_MAX_SENTENCES])


def _side_by_side(entries: list[Entry]) -> str:
    """The opening sentence of each definition, in turn ("Triplet loss is ... By contrast, contrastive loss ...").
    Where a definition does not name its term ("A hypothesis usually stating ..."), each sentence is led by the
    term it defines, so that the reader can tell the sides apart."""
    openings = [(entry, split_sentences(entry.definition)[0]) for entry in entries]
    if all(_names_itself(entry, opening) for entry, opening in openings):
        (_, first), *others = openings
        return " ".join([first, *(f"By contrast, {s[0].lower()}{s[1:]}" for _, s in others)])
    return " ".join(f"{entry.term[0].upper()}{entry.term[1:]}: {opening}" for entry, opening in openings)


def _names_itself(entry: Entry, sentence: str) -> bool:
    """Whether the sentence says one of the entry's names (a plural too: "Spiking Neural Networks (SNNs) are ...")."""
    return any(re.search(rf"(?<!\w){re.escape(name)}", sentence, re.IGNORECASE) for name in entry.names)


def ask_passage(entry: Entry, ask: Ask) -> str | None:
    """The entry's first sentence that addresses the ask (its use case for "when", its example for "example"...)."""
    for field in fields_for(ask) if ask != "definition" else ():
        text = getattr(entry, field)
        if text:
            return _labelled(field, split_sentences(text)[0])
    return None


def completed(answer: str, entry: Entry, ask: Ask) -> str:
    """The generated ``answer`` after the definition's opening sentence (the answer's primer, quoted), without
    generated sentences that only restate it, and with the passage that addresses the ask last, unless the
    answer says that already."""
    opening = split_sentences(entry.definition)[0]
    parts = [opening, *(s for s in split_sentences(answer) if not repeats(s, opening))]
    passage = ask_passage(entry, ask)
    if passage and not says(answer, passage, _ALREADY_SAID):
        parts.append(passage)
    return " ".join(parts)


def _labelled(field: str, sentence: str) -> str:
    return f"For example: {sentence}" if field == "example" else sentence


def closest_answer(entry: Entry, subject: str | None = None) -> tuple[str, str]:
    """(reply, the glossary sentence it quotes). ``subject``: the concept asked about, when it has a name."""
    opening = split_sentences(entry.definition)[0]
    head = (f"The glossary has no entry for \u201c{subject}\u201d." if subject
            else "The glossary has no entry that clearly matches this question.")
    return f"{head} The closest entry is {entry.term}: {opening}", opening


def refusal_text(reason: str, subject: str | None, suggestions: list[str]) -> str:
    if reason == "injection":
        return ("I can only answer questions about the terms in this glossary, and I don't follow instructions "
                "written inside a question.")
    if reason == "no_words":
        return "Please ask a question in words about a term of the glossary."
    head = (f"The glossary doesn't define \u201c{subject}\u201d." if subject
            else "The glossary doesn't cover that question.")
    if suggestions:
        return f"{head} Closest entries: {', '.join(suggestions)}."
    return head
