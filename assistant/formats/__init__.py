"""Glossary file formats: one loader per format, chosen by the file's suffix.

    >>> sorted(FORMATS)
    ['.yaml', '.yml']

A loader turns the file's text into ``Parsed``: the glossary as plain data in the schema of
``corpus.Glossary``, and where each entry (and field) starts, for error messages. ``corpus.load_glossary``
validates what a loader returns. Adding a format is adding a loader file and its line in ``FORMATS``.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.errors import CorpusError
from assistant.formats import yaml_format
from assistant.formats.base import Locator, Parsed

__all__ = ["FORMATS", "Locator", "Parsed", "parse"]

FORMATS: dict[str, Callable[[Path, str], Parsed]] = {".yaml": yaml_format.parse, ".yml": yaml_format.parse}


def parse(path: Path, text: str) -> Parsed:
    loader = FORMATS.get(path.suffix.lower())
    if loader is None:
        raise CorpusError(f"{path}: unknown glossary format '{path.suffix}' (supported: {', '.join(sorted(FORMATS))})")
    return loader(path, text)
