"""``python -m assistant glossary lint PATH``: every problem of a glossary at once, each naming file, line,
entry and field.

    >>> [str(p) for p in lint(settings.corpus_path)]
    []

Checks: the file or folder reads and parses; every entry has a term and a definition; no term is used twice;
no name (term or alias) is claimed by two entries; every link (``links``, and links in a Markdown body) names a
term or alias; then everything ``corpus.load_glossary`` validates.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from assistant.corpus import load_glossary, names_claimed_twice, where
from assistant.errors import CorpusError
from assistant.formats import load
from assistant.formats.fields import to_glossary
from assistant.text import normalize_name


@dataclass(frozen=True)
class Problem:
    where: str  # "file, line N"; for a file that does not load, the loader's whole message
    entry: str | None = None
    field: str | None = None
    message: str = ""

    def __str__(self) -> str:
        what = "".join(f", {label} '{value}'" for label, value in (("entry", self.entry), ("field", self.field))
                       if value)
        return f"{self.where}{what}" + (f": {self.message}" if self.message else "")


def lint(path: Path) -> list[Problem]:
    try:
        parsed = load(Path(path))
    except CorpusError as exc:
        return [Problem(str(exc))]
    data = to_glossary(parsed.data)
    items = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return [Problem(str(path), message="expected a list of entries, or a mapping with 'version' and 'entries'")]
    problems: list[Problem] = []
    entries = [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]
    names = [(str(item.get("term") or "").strip() or None, item.get("aliases") or []) for _, item in entries]
    clashes = defaultdict(list)
    for clash in names_claimed_twice(names):
        clashes[clash.index].append(clash)
    for k, ((i, item), (term, _)) in enumerate(zip(entries, names)):
        at = where(path, parsed.locate, i)
        if term is None:
            problems.append(Problem(at, f"#{i + 1}", "term", "no term (name it with term, title or name)"))
        if not str(item.get("definition") or "").strip():
            problems.append(Problem(at, term, "definition", "empty definition"))
        problems += [Problem(at, term, c.field, f"{c} ({where(path, parsed.locate, entries[c.first_index][0])})")
                     for c in clashes[k]]
    known = {normalize_name(str(n)) for term, aliases in names for n in ([term] if term else []) + list(aliases)}
    for i, item in entries:
        for link in item.get("links") or []:
            if normalize_name(str(link)) not in known:
                problems.append(Problem(where(path, parsed.locate, i), item.get("term"), "links",
                                        f"links to '{link}', which is no term or alias of this glossary"))
    if not problems:  # what only full validation sees (field types, unknown fields of the schema, categories)
        try:
            load_glossary(Path(path))
        except CorpusError as exc:
            problems.append(Problem(str(exc)))
    return problems
