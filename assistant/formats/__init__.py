"""Glossary file formats: one loader per format, chosen by the file's suffix.

    >>> sorted(FORMATS)
    ['.yaml', '.yml']

A loader turns the file's text into ``Parsed``: the glossary as plain data in the schema of
``corpus.Glossary``, and where each entry (and field) starts, for error messages. ``corpus.load_glossary``
validates what a loader returns. Adding a format is adding a loader file and its line in ``FORMATS``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assistant.errors import CorpusError
from assistant.formats import yaml_format


class Locator(Protocol):
    def entry_line(self, index: int, field: str | None = None) -> int:
        """1-based line where entry ``index`` (or its ``field``) starts; 0 when unknown."""


@dataclass(frozen=True)
class Parsed:
    data: object  # should be a mapping with "version" and "entries"; validated by the caller
    locate: Locator


FORMATS: dict[str, Callable[[Path, str], Parsed]] = {".yaml": yaml_format.parse, ".yml": yaml_format.parse}


def parse(path: Path, text: str) -> Parsed:
    loader = FORMATS.get(path.suffix.lower())
    if loader is None:
        raise CorpusError(f"{path}: unknown glossary format '{path.suffix}' (supported: {', '.join(sorted(FORMATS))})")
    return loader(path, text)
