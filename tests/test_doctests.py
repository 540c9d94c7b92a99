"""The ``>>>`` examples in the package's docstrings run, with the session's real assistant, glossary and settings."""
from __future__ import annotations

import doctest
import importlib
import io
import pkgutil
from pathlib import Path

import pytest

import assistant as package

# Modules whose docstrings hold examples (``__main__`` runs the CLI when imported).
MODULES = sorted(m.name for m in pkgutil.walk_packages(package.__path__, "assistant.")
                 if m.name != "assistant.__main__"
                 and ">>>" in Path(importlib.util.find_spec(m.name).origin).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name, assistant, glossary, settings):
    module = importlib.import_module(name)
    names = {"assistant": assistant, "glossary": glossary, "settings": settings}
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    for test in doctest.DocTestFinder(exclude_empty=True).find(module, name, extraglobs=names):
        runner.run(test, out=report.write)
    assert runner.tries > 0, f"{name} has '>>>' outside a docstring the finder reads"
    assert runner.failures == 0, report.getvalue()
