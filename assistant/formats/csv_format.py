"""A CSV glossary: a header row naming the fields (``formats/fields.py``: term or title or name, definition or
description, ...), then one entry per row.

    >>> path = Path(tempfile.mkdtemp()) / "g.csv"
    >>> _ = path.write_text("Term,Definition\\nPod,A set of containers.\\nNode,A machine.\\n")
    >>> parsed = load(path)
    >>> parsed.data[1], parsed.locate.entry_line(1)
    ({'Term': 'Node', 'Definition': 'A machine.'}, 3)
"""
from __future__ import annotations

import csv
import io
import tempfile  # noqa: F401  (the docstring example)
from pathlib import Path

from assistant.errors import CorpusError
from assistant.formats.base import ListedLines, Parsed, read_text
from assistant.formats.fields import FIELD_NAMES


def load(path: Path) -> Parsed:
    text, digest = read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect, strict=True)
    header = [h.strip() for h in reader.fieldnames or []]
    keys = {h.lower().replace("-", "_").replace(" ", "_") for h in header}
    for field in ("term", "definition"):
        if not keys & set(FIELD_NAMES[field]):
            raise CorpusError(f"{path}, line 1: no '{field}' column (the header has {header or 'nothing'}; name "
                              f"one of {', '.join(FIELD_NAMES[field])})")
    rows, lines = [], []
    try:
        for row in reader:
            if any((v or "").strip() for v in row.values() if isinstance(v, str)):
                rows.append({k.strip(): (v or "").strip() for k, v in row.items() if k is not None})
                lines.append(reader.line_num)
    except csv.Error as exc:
        raise CorpusError(f"{path}, line {reader.line_num}: invalid CSV: {exc}") from exc
    return Parsed(rows, ListedLines(lines), digest)  # the line each row ends on (a quoted cell may span lines)
