"""The prompt: a fixed few-shot head for base models, then one glossary entry, the question and a primer.

    >>> p = build_prompt(glossary.by_term("Label Smoothing"), "why smooth labels?")
    >>> p.body.endswith("Answer: " + split_sentences(glossary.by_term("Label Smoothing").definition)[0])
    True

Measured on this domain (../shared/FINDINGS.md): one entry beats three, and priming the answer keeps a small base
model on the entry. The primer is the definition's opening sentence itself, so the model adds to it. The question
is data: it is flattened to one line and cut, so it cannot open a new section of the prompt.
"""
from __future__ import annotations

import re

from assistant.asks import Ask, fields_for
from assistant.corpus import Entry
from assistant.generate.base import Prompt
from assistant.text import split_sentences

INSTRUCTIONS = ("Answer questions about machine-learning terms in one to three plain sentences. "
                "Use only the glossary entry given with the question; do not add facts that are not in it.")

# Worked examples use terms the glossary does not define, so they never stand in for an entry.
_EXAMPLES = (
    ("Early Stopping",
     "Early stopping ends training when the validation loss stops improving, which prevents overfitting.",
     "Training halts at epoch 12 because the validation loss rose three epochs in a row.",
     "why would i stop training early?",
     "Early stopping ends training when the validation loss stops improving, which prevents overfitting. "
     "For example, training halts at epoch 12 after the validation loss rose three epochs in a row."),
    ("Weight Sharing",
     "Weight sharing reuses the same parameters in several parts of a network, which reduces the number of "
     "parameters to learn.",
     "A convolution applies one small kernel at every position of an image.",
     "What is weight sharing?",
     "Weight sharing reuses the same parameters in several parts of a network, which reduces the number of "
     "parameters to learn. A convolution, for example, applies one small kernel at every position of an image."),
)
_MAX_QUESTION_CHARS = 300


_LABELS = {"example": "Example", "use_case": "Use", "details": "Details", "analogy": "Analogy"}


def _entry_block(term: str, definition: str, example: str | None, extra: dict[str, str] | None = None) -> str:
    lines = [f"Entry: {term}", f"Definition: {definition}"]
    if example:
        lines.append(f"Example: {example}")
    lines += [f"{_LABELS[field]}: {text}" for field, text in (extra or {}).items()]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:_MAX_QUESTION_CHARS]


def fixed_prefix() -> str:
    """Instructions and worked examples: the same for every request, so backends cache its state."""
    shots = [f"{_entry_block(t, d, e)}\nQuestion: {q}\nAnswer: {a}" for t, d, e, q, a in _EXAMPLES]
    return INSTRUCTIONS + "\n\n" + "\n\n".join(shots) + "\n\n"


def primer_for(entry: Entry) -> str:
    """How the answer starts: the definition's opening sentence, quoted. What the term *is* is the one thing
    every answer says, and a small model's restatement of it can only lose or invent (the judged real-question
    answers: half the unsupported sentences the check let through were paraphrased definitions); the model writes
    what follows it."""
    return split_sentences(entry.definition)[0]


def build_prompt(entry: Entry, question: str, ask: Ask = "definition") -> Prompt:
    """The entry block holds the definition, the example and the fields that address the ask."""
    extra = {f: getattr(entry, f) for f in fields_for(ask) if f != "example" and getattr(entry, f)}
    block = _entry_block(entry.term, entry.definition, entry.example, extra)
    primer = primer_for(entry)
    q = _one_line(question)
    return Prompt(fixed=fixed_prefix(), body=f"{block}\nQuestion: {q}\nAnswer: {primer}", system=INSTRUCTIONS,
                  user=f"Glossary entry:\n{block}\n\nQuestion: {q}", primer=primer, stop=("\n",), entry=f"{block}\n")
