"""What every glossary format loader returns."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Locator(Protocol):
    def entry_line(self, index: int, field: str | None = None) -> int:
        """1-based line where entry ``index`` (or its ``field``) starts; 0 when unknown."""


@dataclass(frozen=True)
class Parsed:
    data: object  # should be a mapping with "version" and "entries"; validated by the caller
    locate: Locator
