"""Glossary formats: one loader per format, chosen by the file's suffix, or by the files a folder holds.

    >>> sorted(FORMATS)
    ['.csv', '.json', '.md', '.yaml', '.yml']

A loader reads ``path`` and returns ``Parsed``: the glossary as plain data, where each entry (and field)
starts, for error messages, and a digest of the content. Teams' field names are mapped onto the schema by
``fields.to_glossary``; ``corpus.load_glossary`` then validates. Adding a format is adding a loader file and
its line in ``FORMATS``. A folder is read by the ``.md`` loader: one term per Markdown file with front matter.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant.errors import CorpusError
from assistant.formats import csv_format, json_format, markdown_folder, yaml_format
from assistant.formats.base import Locator, Parsed

__all__ = ["FORMATS", "Locator", "Parsed", "load"]

FORMATS: dict[str, Callable[[Path], Parsed]] = {
    ".yaml": yaml_format.load, ".yml": yaml_format.load, ".json": json_format.load, ".csv": csv_format.load,
    ".md": markdown_folder.load,  # a folder of them
}


def load(path: Path) -> Parsed:
    suffix = _folder_suffix(path) if path.is_dir() else path.suffix.lower()
    loader = FORMATS.get(suffix)
    if loader is None:
        raise CorpusError(f"{path}: unknown glossary format '{suffix}' (supported: {', '.join(sorted(FORMATS))})")
    return loader(path)


def _folder_suffix(folder: Path) -> str:
    if not any(folder.rglob("*.md")):
        raise CorpusError(f"{folder}: a glossary folder holds Markdown files (.md) with front matter; this one has none")
    return ".md"
