"""A folder of Markdown files, one term each, with YAML front matter (how docs sites keep glossaries).

    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "pod.md").write_text("---\\ntitle: Pod\\n---\\nA set of containers.\\n")
    >>> parsed = load(folder)
    >>> parsed.data[0]["title"], parsed.locate.entry_path(0).name
    ('Pod', 'pod.md')

Files are read in path order (subfolders too). Each gives its front matter's fields and, as ``body``, the
Markdown after it; ``formats/fields.py`` maps them like any team's fields (the body's first paragraph is the
definition when no field gives one, the rest the details). Files without front matter (a README) are skipped.
"""
from __future__ import annotations

import hashlib
import re
import tempfile  # noqa: F401  (the docstring example)
from pathlib import Path

import yaml

from assistant.errors import CorpusError
from assistant.formats.base import Parsed, read_text
from assistant.formats.yaml_format import YAML_LOADER

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def load(folder: Path) -> Parsed:
    files = sorted(p for p in folder.rglob("*.md") if p.is_file())
    if not files:
        raise CorpusError(f"{folder}: no Markdown (.md) files in this folder")
    entries, paths, digest = [], [], hashlib.sha256()
    for path in files:
        text, file_digest = read_text(path)
        digest.update(f"{path.relative_to(folder)}\0{file_digest}\n".encode())
        match = _FRONT_MATTER.match(text)
        if match is None:
            continue
        try:
            front = yaml.load(match.group(1), Loader=YAML_LOADER)  # noqa: S506 (a safe loader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f", line {mark.line + 2}" if mark else ""  # + the opening '---'
            raise CorpusError(f"{path}{line}: invalid front matter: {getattr(exc, 'problem', exc)}") from exc
        if not isinstance(front, dict):
            raise CorpusError(f"{path}, line 2: the front matter is not a mapping of fields")
        # The file's name ("service-mesh.md", or its folder's for "pod/index.md") is the page's slug, what sibling
        # pages link to; a slug in the front matter wins.
        slug = path.parent.name if path.stem.lower() in ("index", "_index") else path.stem
        entries.append({"slug": slug, **front, "body": text[match.end():]} if "body" not in front else front)
        paths.append(path)
    if not entries:
        raise CorpusError(f"{folder}: none of its {len(files)} Markdown files starts with front matter (---)")
    return Parsed(entries, _FileLines(paths), digest.hexdigest())


class _FileLines:
    def __init__(self, paths: list[Path]) -> None:
        self._paths = paths

    def entry_line(self, index: int, field: str | None = None) -> int:
        return 1 if index < len(self._paths) else 0

    def entry_path(self, index: int) -> Path | None:
        return self._paths[index] if index < len(self._paths) else None
