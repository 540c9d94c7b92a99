"""A JSON glossary: the schema of ``corpus/glossary.yaml``, or a team's list of entries (``formats/fields.py``).

    >>> path = Path(tempfile.mkdtemp()) / "g.json"
    >>> _ = path.write_text('[{"title": "Pod", "description": "A set of containers."},\\n {"title": "Node"}]')
    >>> load(path).locate.entry_line(1)
    2
"""
from __future__ import annotations

import json
import tempfile  # noqa: F401  (the docstring example)
from pathlib import Path

from assistant.errors import CorpusError
from assistant.formats.base import ListedLines, Parsed, read_text


def load(path: Path) -> Parsed:
    text, digest = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}, line {exc.lineno}: invalid JSON: {exc.msg}") from exc
    return Parsed(data, ListedLines(_object_lines(text)), digest)


def _object_lines(text: str) -> list[int]:
    """The line of each object opened one level inside the first list: entry ``i`` starts at the i-th."""
    lines: list[int] = []
    depth, line, in_string, escaped = 0, 1, False, False
    list_depth = None
    for ch in text:
        if ch == "\n":
            line += 1
        if in_string:
            escaped, in_string = (not escaped and ch == "\\"), in_string and (escaped or ch != '"')
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            if ch == "{" and list_depth is not None and depth == list_depth:
                lines.append(line)
            if ch == "[" and list_depth is None:
                list_depth = depth + 1
            depth += 1
        elif ch in "]}":
            depth -= 1
    return lines
