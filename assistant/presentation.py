"""How the doors present a glossary: its title, what its terms are about, example questions. From the
glossary's own data (``title``, ``subject``, ``example_questions`` in its file) or settings, else derived from
its entries, so that another team's glossary needs no code change.

    >>> p = presentation(glossary, settings)
    >>> p.subject, p.examples[0]
    ('machine-learning terms', 'What is label smoothing?')
"""
from __future__ import annotations

from dataclasses import dataclass

from assistant.corpus import Glossary
from assistant.settings import Settings
from assistant.text import normalize_name

DEFAULT_TITLE = "Glossary Assistant"
DEFAULT_SUBJECT = "the terms of this glossary"


@dataclass(frozen=True)
class Presentation:
    title: str
    subject: str
    examples: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"title": self.title, "subject": self.subject, "examples": list(self.examples)}


def presentation(glossary: Glossary, settings: Settings) -> Presentation:
    return Presentation(title=settings.assistant_title or glossary.title or DEFAULT_TITLE,
                        subject=glossary.subject or DEFAULT_SUBJECT,
                        examples=glossary.example_questions or derived_examples(glossary))


def derived_examples(glossary: Glossary) -> tuple[str, ...]:
    """Questions about entries spread over the glossary: what one is, an entry compared with one it links to,
    and the use or an example of another."""
    entries = glossary.entries
    picks = [entries[i * len(entries) // 3] for i in range(3)] if len(entries) >= 3 else list(entries)
    questions = [f"What is {picks[0].term}?"]
    by_name = {normalize_name(n): e for e in entries for n in e.names}
    linked = next(((e, by_name[normalize_name(x)]) for e in entries[len(entries) // 3:] for x in e.links
                   if normalize_name(x) in by_name and by_name[normalize_name(x)] is not e), None)
    if linked:
        questions.append(f"{linked[0].term} vs {linked[1].term}")
    for entry in picks[1:]:
        questions.append(f"When is {entry.term} used?" if entry.use_case else
                         f"What is an example of {entry.term}?" if entry.example else f"What is {entry.term}?")
    return tuple(dict.fromkeys(questions))
