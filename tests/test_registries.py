"""One place to add each kind of part: a backend, an embedder, a glossary format or a retrieval method is one
function or module registered by name, and everything else (settings, CLI, eval) picks it up."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.cli import _parser
from assistant.corpus import load_glossary
from assistant.embed import EMBEDDERS, make_embedder
from assistant.errors import ConfigError, CorpusError
from assistant.formats import FORMATS, Parsed
from assistant.formats.base import NoLines, read_text
from assistant.fusion import FUSIONS
from assistant.generate import BACKENDS, make_generator
from assistant.settings import load_settings


class EchoGenerator:
    """Plumbing fake for the registry: repeats the question (no claim about answers is made with it)."""
    name = "echo"

    def warm_up(self, fixed_prefix: str) -> None: ...

    def stream(self, prompt, max_new_tokens, temperature=0.0, cancel=None):
        yield prompt.user


def from_settings(settings) -> EchoGenerator:  # this module is the registered backend module
    return EchoGenerator()


def test_a_backend_is_one_registered_module(monkeypatch):
    with pytest.raises(ConfigError, match="unknown backend 'echo'"):
        load_settings(backend="echo")
    monkeypatch.setitem(BACKENDS, "echo", __name__)
    assert isinstance(make_generator(load_settings(backend="echo")), EchoGenerator)


def test_an_embedder_is_one_registered_builder(monkeypatch):
    with pytest.raises(ConfigError, match="unknown embedder backend"):
        load_settings(embedder_backend="hashing")
    built = []
    monkeypatch.setitem(EMBEDDERS, "hashing", lambda settings: built.append(settings.embedder) or "embedder")
    assert make_embedder(load_settings(embedder_backend="hashing")) == "embedder" and built == ["all-MiniLM-L6-v2"]


def _lines_format(path) -> Parsed:
    """A toy format: one 'term: definition' per line."""
    text, digest = read_text(path)
    entries = [dict(zip(("term", "definition"), line.split(": ", 1))) for line in text.splitlines() if line.strip()]
    return Parsed(entries, NoLines(), digest)


def test_a_glossary_format_is_one_registered_loader(monkeypatch, tmp_path):
    lines = tmp_path / "glossary.lines"
    lines.write_text("Pod: A set of containers.\nNode: A machine in the cluster.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"unknown glossary format '\.lines' \(supported: \.csv, \.json, \.md, "
                                          r"\.yaml, \.yml\)"):
        load_glossary(lines)
    monkeypatch.setitem(FORMATS, ".lines", _lines_format)
    glossary = load_glossary(lines)
    assert [(e.term, e.definition, e.category) for e in glossary.entries] == [
        ("Pod", "A set of containers.", "General"), ("Node", "A machine in the cluster.", "General")]


def test_a_retrieval_method_is_one_registered_function(monkeypatch, retriever):
    monkeypatch.setitem(FUSIONS, "max", lambda dense, bm25, params: np.maximum(dense, bm25 / (bm25 + 6)))
    assert retriever.retrieve("what is label smoothing?", method="max").hits[0].term == "Label Smoothing"
    assert _parser().parse_args(["search", "what is mixup?", "--method", "max"]).method == "max", "the CLI offers it"
