"""A YAML glossary file (``corpus/glossary.yaml``, or a team's list of terms), with the line of every entry.

    >>> path = Path(tempfile.mkdtemp()) / "g.yaml"
    >>> _ = path.write_text("version: 1\\nentries:\\n  - term: A\\n")
    >>> load(path).locate.entry_line(0)
    3
"""
from __future__ import annotations

import tempfile  # noqa: F401  (the docstring example)
from pathlib import Path

import yaml

from assistant.errors import CorpusError
from assistant.formats.base import NoLines, Parsed, read_text
from assistant.formats.fields import ENTRY_LISTS

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it: 10x faster


def load(path: Path) -> Parsed:
    text, digest = read_text(path)
    try:
        root = yaml.compose(text, Loader=YAML_LOADER)
        data = yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise CorpusError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    return Parsed(data, _LineFinder(root), digest)


class _LineFinder(NoLines):
    """Maps entry indexes (and their fields) to 1-based line numbers of the YAML source: the items of the
    top-level list, or of the list of entries under its key ("entries", "terms", ...)."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._entries: list[yaml.Node] = []
        if isinstance(root, yaml.SequenceNode):
            self._entries = list(root.value)
        elif isinstance(root, yaml.MappingNode):
            lists = {key.value: value for key, value in root.value if isinstance(value, yaml.SequenceNode)}
            found = next((lists[k] for k in ENTRY_LISTS if k in lists), None)
            self._entries = list(found.value) if found is not None else []

    def entry_line(self, index: int, field: str | None = None) -> int:
        if index >= len(self._entries):
            return 0
        node = self._entries[index]
        if field and isinstance(node, yaml.MappingNode):
            for key, _ in node.value:
                if key.value == field:
                    return key.start_mark.line + 1
        return node.start_mark.line + 1
