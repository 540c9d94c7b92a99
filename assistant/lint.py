"""``python -m assistant glossary lint PATH``: every problem of a glossary at once, each naming file, line,
entry and field.

    >>> [str(p) for p in lint(settings.corpus_path)]
    []

Checks: the file or folder reads and parses; every entry has a term and a definition; no term is used twice;
no name (term or alias) is claimed by two entries; every link (``links``, and links in a Markdown body) names a
term or alias; then everything ``corpus.load_glossary`` validates.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.corpus import load_glossary, where
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
    owner: dict[str, tuple[str, str]] = {}  # name key -> (term, where)
    entries = [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]
    for i, item in entries:
        at, term = where(path, parsed.locate, i), str(item.get("term") or "").strip() or None
        if term is None:
            problems.append(Problem(at, f"#{i + 1}", "term", "no term (name it with term, title or name)"))
        if not str(item.get("definition") or "").strip():
            problems.append(Problem(at, term, "definition", "empty definition"))
        for field, names in (("term", [term] if term else []), ("aliases", item.get("aliases") or [])):
            for name in names:
                key = normalize_name(str(name))
                if key in owner and owner[key][0] != term:
                    what = "duplicate term" if field == "term" else "alias"
                    problems.append(Problem(at, term, field, f"{what} '{name}' is already claimed by entry "
                                                            f"'{owner[key][0]}' ({owner[key][1]})"))
                owner.setdefault(key, (term or f"#{i + 1}", at))
    for i, item in entries:
        for link in item.get("links") or []:
            if normalize_name(str(link)) not in owner:
                problems.append(Problem(where(path, parsed.locate, i), item.get("term"), "links",
                                        f"links to '{link}', which is no term or alias of this glossary"))
    if not problems:  # what only full validation sees (field types, unknown fields of the schema, categories)
        try:
            load_glossary(Path(path))
        except CorpusError as exc:
            problems.append(Problem(str(exc)))
    return problems
