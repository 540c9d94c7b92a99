"""What every glossary format loader returns, and what loaders share.

    >>> text, digest = read_text(settings.corpus_path)
    >>> len(digest)
    64
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assistant.errors import CorpusError


class Locator(Protocol):
    def entry_line(self, index: int, field: str | None = None) -> int:
        """1-based line where entry ``index`` (or its ``field``) starts; 0 when unknown."""

    def entry_path(self, index: int) -> Path | None:
        """The file entry ``index`` comes from, for formats that spread a glossary over files; else None."""


@dataclass(frozen=True)
class Parsed:
    data: object  # a mapping in corpus.Glossary's schema, or entries to map (formats/fields.py); validated after
    locate: Locator
    digest: str  # sha256 of the content: the index is rebuilt when it changes


class NoLines:
    """A locator for formats whose entries have no useful line (they are named by their term instead), and the
    base of those that have lines but keep a glossary in one file."""

    def entry_line(self, index: int, field: str | None = None) -> int:
        return 0

    def entry_path(self, index: int) -> Path | None:
        return None


class ListedLines(NoLines):
    """Entry ``i`` starts on ``lines[i]`` (1-based)."""

    def __init__(self, lines: list[int]) -> None:
        self._lines = lines

    def entry_line(self, index: int, field: str | None = None) -> int:
        return self._lines[index] if index < len(self._lines) else 0


def read_text(path: Path) -> tuple[str, str]:
    """The file's text (UTF-8, a BOM dropped) and the sha256 of its bytes; CorpusError when unreadable."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"Cannot read the glossary file {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    return text, hashlib.sha256(raw).hexdigest()
