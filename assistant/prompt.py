"""The prompt: a fixed few-shot head for base models, then one glossary entry, the question and a primer.

    >>> p = build_prompt(glossary.by_term("Label Smoothing"), "why smooth labels?")
    >>> p.body.endswith("Answer: " + split_sentences(glossary.by_term("Label Smoothing").definition)[0])
    True

Measured on this domain (../shared/FINDINGS.md): one entry beats three, and priming the answer keeps a small base
model on the entry. The primer is the definition's opening sentence itself, so the model adds to it. The question
is data: it is flattened to one line and cut, so it cannot open a new section of the prompt.

The head belongs to the glossary (``PromptStyle.for_glossary``): its instructions name the glossary's subject, and
its worked examples come from the ``prompt-examples.yaml`` beside the glossary file, or else from two of its own
entries. Without a style, the packaged machine-learning glossary's is used.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.asks import Ask, fields_for
from assistant.corpus import Entry, Glossary
from assistant.errors import CorpusError
from assistant.generate.base import Prompt
from assistant.settings import beside_glossary
from assistant.text import split_sentences

EXAMPLES_FILE = "prompt-examples.yaml"
PACKAGED_EXAMPLES = Path(__file__).resolve().parent.parent / "corpus" / EXAMPLES_FILE
_INSTRUCTIONS = ("Answer questions about {subject} in one to three plain sentences. "
                 "Use only the glossary entry given with the question; do not add facts that are not in it.")
_MAX_QUESTION_CHARS = 300


class WorkedExample(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    term: str
    definition: str
    example: str | None = None
    question: str
    answer: str


class _ExamplesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    examples: tuple[WorkedExample, ...]


@dataclass(frozen=True)
class PromptStyle:
    """The fixed head of every prompt: instructions and worked examples."""

    instructions: str
    examples: tuple[WorkedExample, ...]

    @classmethod
    def for_glossary(cls, glossary: Glossary, corpus_path: Path) -> PromptStyle:
        beside = beside_glossary(corpus_path, EXAMPLES_FILE)
        examples = _read_examples(beside) if beside.is_file() else _own_examples(glossary)
        return cls(_INSTRUCTIONS.format(subject=glossary.subject or "the terms of a glossary"), examples)

    def fixed_prefix(self) -> str:
        """Instructions and worked examples: the same for every request, so backends cache its state."""
        shots = [f"{_entry_block(x.term, x.definition, x.example)}\nQuestion: {x.question}\nAnswer: {x.answer}"
                 for x in self.examples]
        return self.instructions + "\n\n" + "\n\n".join(shots) + "\n\n"


@cache
def packaged_style() -> PromptStyle:
    """The packaged machine-learning glossary's head: the default for callers that name no style."""
    return PromptStyle(_INSTRUCTIONS.format(subject="machine-learning terms"), _read_examples(PACKAGED_EXAMPLES))


def _read_examples(path: Path) -> tuple[WorkedExample, ...]:
    try:
        return _ExamplesFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))).examples
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
        raise CorpusError(f"Cannot read the prompt's worked examples {path}: {exc}") from exc


def _own_examples(glossary: Glossary) -> tuple[WorkedExample, ...]:
    """Two entries of the glossary with an example (else any two), asked "What is X?" and answered with their
    definition's opening and the example."""
    entries = sorted(glossary.entries, key=lambda e: e.example is None)[:2]
    return tuple(WorkedExample(term=e.term, definition=e.definition, example=e.example, question=f"What is {e.term}?",
                               answer=" ".join([split_sentences(e.definition)[0],
                                                *([f"For example: {e.example}"] if e.example else [])]))
                 for e in entries)


_LABELS = {"example": "Example", "use_case": "Use", "details": "Details", "analogy": "Analogy"}


def _entry_block(term: str, definition: str, example: str | None, extra: dict[str, str] | None = None) -> str:
    lines = [f"Entry: {term}", f"Definition: {definition}"]
    if example:
        lines.append(f"Example: {example}")
    lines += [f"{_LABELS[field]}: {text}" for field, text in (extra or {}).items()]
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()[:_MAX_QUESTION_CHARS]


def fixed_prefix(style: PromptStyle | None = None) -> str:
    return (style or packaged_style()).fixed_prefix()


def primer_for(entry: Entry) -> str:
    """How the answer starts: the definition's opening sentence, quoted. What the term *is* is the one thing
    every answer says, and a small model's restatement of it can only lose or invent (the judged real-question
    answers: half the unsupported sentences the check let through were paraphrased definitions); the model writes
    what follows it."""
    return split_sentences(entry.definition)[0]


def build_prompt(entry: Entry, question: str, ask: Ask = "definition", style: PromptStyle | None = None) -> Prompt:
    """The entry block holds the definition, the example and the fields that address the ask."""
    style = style or packaged_style()
    extra = {f: getattr(entry, f) for f in fields_for(ask) if f != "example" and getattr(entry, f)}
    block = _entry_block(entry.term, entry.definition, entry.example, extra)
    primer = primer_for(entry)
    q = _one_line(question)
    return Prompt(fixed=style.fixed_prefix(), body=f"{block}\nQuestion: {q}\nAnswer: {primer}", system=style.instructions,
                  user=f"Glossary entry:\n{block}\n\nQuestion: {q}", primer=primer, stop=("\n",), entry=f"{block}\n")
