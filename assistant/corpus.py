"""The glossary: pydantic models, loading (any format in ``formats/``) and validation with errors that name
file, line, entry, field.

    >>> glossary = load_glossary(settings.corpus_path)
    >>> glossary.entries[0].term
    'Curriculum Learning'
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import CorpusError
from assistant.formats import Locator, load
from assistant.formats.fields import to_glossary
from assistant.text import normalize_name

FORMAT_VERSION = 1


class Entry(BaseModel):
    """One glossary term. Optional fields are None when the article has no such passage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    term: str = Field(min_length=1, max_length=120)
    aliases: tuple[str, ...] = ()
    category: str
    definition: str = Field(min_length=1)
    example: str | None = None
    analogy: str | None = None
    details: str | None = None
    use_case: str | None = None
    notes: str | None = None
    links: tuple[str, ...] = ()  # names of other entries it refers to ("see also", links in its text)

    @field_validator("term", "category", "definition", "example", "analogy", "details", "use_case", "notes")
    @classmethod
    def _not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("must not be empty or whitespace")
        return value.strip() if value is not None else None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)

    def passages(self) -> list[tuple[str, str]]:
        """(field, text) for every text field the answer may quote, definition first."""
        fields = ("definition", "example", "use_case", "analogy", "details")
        return [(f, getattr(self, f)) for f in fields if getattr(self, f)]

    def index_text(self) -> str:
        """What gets embedded: names, definition, example, use case and analogy (a lay description may match only the
        analogy: "try a new fraud model on real traffic without it touching any customer decisions"). Longer details
        are left to BM25: a vector of them drifts from what the entry is (a Markdown page's body, say)."""
        parts = [self.term, ", ".join(self.aliases), self.definition, self.example or "", self.use_case or "",
                 self.analogy or ""]
        return ". ".join(p for p in parts if p)


class Category(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)


class SkippedPassage(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    text: str
    reason: str = Field(min_length=1)


class Article(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str
    introduction: tuple[str, ...] = ()
    conclusion: tuple[str, ...] = ()
    skipped: tuple[SkippedPassage, ...] = ()


class Glossary(BaseModel):
    """The whole validated file. ``content_hash`` identifies it for index staleness checks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    source: str | None = None
    title: str | None = Field(None, description="what the chat page is called (default: Glossary Assistant)")
    subject: str | None = Field(None, description="what the glossary's terms are, as in 'questions about ...'")
    example_questions: tuple[str, ...] = ()  # offered on the chat page and in the widget
    article: Article | None = None
    categories: tuple[Category, ...] = ()
    entries: tuple[Entry, ...] = Field(min_length=1)
    content_hash: str = ""

    @property
    def short_hash(self) -> str:
        """Which glossary answered (``Answer.glossary_version``): the start of its content hash."""
        return self.content_hash[:16]

    def by_term(self, term: str) -> Entry:
        key = normalize_name(term)
        for entry in self.entries:
            if normalize_name(entry.term) == key:
                return entry
        raise KeyError(term)


def load_glossary(path: Path) -> Glossary:
    """Read (a file, by its format, or a folder of Markdown files), map a team's field names and validate the
    glossary; any problem raises CorpusError naming where it is."""
    parsed = load(Path(path))
    data, locate = to_glossary(parsed.data), parsed.locate
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a list of entries, or a mapping with 'version' and 'entries'")
    try:
        glossary = Glossary.model_validate({**data, "content_hash": parsed.digest})
    except ValidationError as exc:
        err = exc.errors()[0]
        raise CorpusError(_describe(path, data, err["loc"], err["msg"], locate)) from exc
    _check_consistency(path, glossary, locate)
    return glossary


def where(path: Path, locate: Locator, index: int, field: str | None = None) -> str:
    """"file, line N" of entry ``index`` (its own file for a folder glossary)."""
    line = locate.entry_line(index, field)
    return f"{locate.entry_path(index) or path}" + (f", line {line}" if line else "")


def _check_consistency(path: Path, glossary: Glossary, locate: Locator) -> None:
    if glossary.version != FORMAT_VERSION:
        raise CorpusError(f"{path}: format version {glossary.version} is not supported (expected {FORMAT_VERSION})")
    categories = {c.name for c in glossary.categories}
    entries = glossary.entries
    for i, entry in enumerate(entries):
        at = f"{where(path, locate, i)}, entry '{entry.term}'"
        if categories and entry.category not in categories:
            raise CorpusError(f"{at}, field 'category': unknown category '{entry.category}'")
        if blank := next((name for name in entry.names if not normalize_name(name)), None):
            raise CorpusError(f"{at}, field 'aliases': alias '{blank}' has no letters or digits")
    for clash in names_claimed_twice([(e.term, e.aliases) for e in entries]):
        raise CorpusError(f"{where(path, locate, clash.index)}, entry '{entries[clash.index].term}', "
                          f"field '{clash.field}': {clash}")


@dataclass(frozen=True)
class NameClash:
    index: int  # the entry that claims a name again
    field: str  # "term" or "aliases"
    name: str
    first_index: int  # the entry that claimed it first
    first: str  # ... and its term

    def __str__(self) -> str:
        what = "duplicate term" if self.field == "term" else "alias"
        return f"{what} '{self.name}' is already claimed by entry '{self.first}'"


def names_claimed_twice(entries: Sequence[tuple[str | None, Sequence[str]]]) -> Iterator[NameClash]:
    """Each name (term or alias, compared folded) that an entry claims after another entry did; ``entries``
    are (term, aliases) pairs, a missing term None. Shared by loading (which stops at the first) and lint."""
    owner: dict[str, int] = {}
    for i, (term, aliases) in enumerate(entries):
        for field, names in (("term", [term] if term else []), ("aliases", aliases)):
            for name in names:
                key = normalize_name(str(name))
                if key in owner and owner[key] != i:
                    yield NameClash(i, field, str(name), owner[key], entries[owner[key]][0] or f"#{owner[key] + 1}")
                owner.setdefault(key, i)


def _describe(path: Path, data: dict, loc: tuple, msg: str, locate: Locator) -> str:
    if len(loc) >= 2 and loc[0] == "entries" and isinstance(loc[1], int):
        i = loc[1]
        items = data.get("entries") or []
        term = items[i].get("term", f"#{i + 1}") if i < len(items) and isinstance(items[i], dict) else f"#{i + 1}"
        field = loc[2] if len(loc) > 2 else "entry"
        msg = "unknown field (not allowed)" if msg.startswith("Extra inputs") else msg
        return f"{where(path, locate, i, str(field))}, entry '{term}', field '{field}': {msg}"
    return f"{path}: field '{'.'.join(map(str, loc))}': {msg}"
