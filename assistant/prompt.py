"""The prompt: a fixed few-shot head for base models, then one glossary entry, the question and a primer.

    >>> p = build_prompt(glossary.by_term("Label Smoothing"), "why smooth labels?")
    >>> p.body.endswith("Answer: Label smoothing is")
    True

Measured on this domain (../shared/FINDINGS.md): one entry beats three, and priming the answer with
"<Term> is" keeps a small base model on the entry. The question is data: it is flattened to one line
and cut, so it cannot open a new section of the prompt.
"""
from __future__ import annotations

import re

from assistant.asks import Ask, fields_for
from assistant.corpus import Entry
from assistant.generate.base import Prompt

INSTRUCTIONS = ("Answer questions about machine-learning terms in one to three plain sentences. "
                "Use only the glossary entry given with the question; do not add facts that are not in it.")

# Worked examples use terms the glossary does not define, so they never stand in for an entry.
_EXAMPLES = (
    ("Early Stopping",
     "Early stopping ends training when the validation loss stops improving, which prevents overfitting.",
     "Training halts at epoch 12 because the validation loss rose three epochs in a row.",
     "why would i stop training early?",
     "Early stopping ends training once the validation loss stops improving, so the model does not overfit. "
     "For example, training halts at epoch 12 after the validation loss rose three epochs in a row."),
    ("Weight Sharing",
     "Weight sharing reuses the same parameters in several parts of a network, which reduces the number of "
     "parameters to learn.",
     "A convolution applies one small kernel at every position of an image.",
     "What is weight sharing?",
     "Weight sharing is reusing the same parameters in several parts of a network, so there are fewer "
     "parameters to learn. A convolution, for example, applies one small kernel at every position of an image."),
)
_MAX_QUESTION_CHARS = 300
_VERB = re.compile(r"^(?P<head>.{1,90}?\b(?:is|are)\b)\s")


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
    """How the answer starts: the definition's opening up to its verb ("Label smoothing is") when it opens
    with the term, else the definition's own spelling of the term ("Dilated convolutions")."""
    m = _VERB.match(entry.definition)
    first_word = entry.term.split()[0].lower().rstrip("s")
    if m and first_word in m.group("head").lower():
        return m.group("head")
    term_words, def_words = entry.term.split(), entry.definition.split()
    opening = def_words[: len(term_words)]
    if all(d.lower().startswith(t.lower().rstrip("s")[:-1]) for t, d in zip(term_words, opening)):
        return " ".join(opening).rstrip(",;:")
    return entry.term


def build_prompt(entry: Entry, question: str, ask: Ask = "definition") -> Prompt:
    """The entry block holds the definition, the example and the fields that address the ask."""
    extra = {f: getattr(entry, f) for f in fields_for(ask) if f != "example" and getattr(entry, f)}
    block = _entry_block(entry.term, entry.definition, entry.example, extra)
    primer = primer_for(entry)
    q = _one_line(question)
    return Prompt(fixed=fixed_prefix(), body=f"{block}\nQuestion: {q}\nAnswer: {primer}", system=INSTRUCTIONS,
                  user=f"Glossary entry:\n{block}\n\nQuestion: {q}", primer=primer, stop=("\n",), entry=f"{block}\n")
