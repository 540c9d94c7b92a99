"""The YAML glossary file (``corpus/glossary.yaml``), with the line of every entry for error messages.

    >>> parse(Path("g.yaml"), "version: 1\\nentries:\\n  - term: A\\n").locate.entry_line(0)
    3
"""
from __future__ import annotations

from pathlib import Path

import yaml

from assistant.errors import CorpusError
from assistant.formats.base import Parsed

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it: 10x faster


def parse(path: Path, text: str) -> Parsed:
    try:
        root = yaml.compose(text, Loader=_YAML_LOADER)
        data = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise CorpusError(f"{path}{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    return Parsed(data, _LineFinder(root))


class _LineFinder:
    """Maps entry indexes (and their fields) to 1-based line numbers of the YAML source."""

    def __init__(self, root: yaml.Node | None) -> None:
        self._entries: list[yaml.Node] = []
        if isinstance(root, yaml.MappingNode):
            for key, value in root.value:
                if key.value == "entries" and isinstance(value, yaml.SequenceNode):
                    self._entries = list(value.value)

    def entry_line(self, index: int, field: str | None = None) -> int:
        if index >= len(self._entries):
            return 0
        node = self._entries[index]
        if field and isinstance(node, yaml.MappingNode):
            for key, _ in node.value:
                if key.value == field:
                    return key.start_mark.line + 1
        return node.start_mark.line + 1
