"""One place to add each kind of part: a backend, an embedder, a glossary format or a retrieval method is one
function or module registered by name, and everything else (settings, CLI, eval) picks it up."""
from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from assistant.cli import _parser
from assistant.corpus import load_glossary
from assistant.embed import EMBEDDERS, make_embedder
from assistant.errors import ConfigError, CorpusError
from assistant.formats import FORMATS, Parsed
from assistant.fusion import FUSIONS
from assistant.generate import BACKENDS, make_generator
from assistant.settings import ROOT, load_settings


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


class _NoLines:
    """A Locator for a format without line numbers."""

    def entry_line(self, index: int, field: str | None = None) -> int:
        return 0


def _json_format(path, text: str) -> Parsed:
    return Parsed(json.loads(text), _NoLines())


def test_a_glossary_format_is_one_registered_loader(monkeypatch, tmp_path):
    data = yaml.safe_load((ROOT / "corpus" / "glossary.yaml").read_text(encoding="utf-8"))
    as_json = tmp_path / "glossary.json"
    as_json.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"unknown glossary format '\.json' \(supported: \.yaml, \.yml\)"):
        load_glossary(as_json)
    monkeypatch.setitem(FORMATS, ".json", _json_format)
    from_json = load_glossary(as_json)
    assert from_json.entries == load_glossary(ROOT / "corpus" / "glossary.yaml").entries


def test_a_retrieval_method_is_one_registered_function(monkeypatch, retriever):
    monkeypatch.setitem(FUSIONS, "max", lambda dense, bm25, params: np.maximum(dense, bm25 / (bm25 + 6)))
    assert retriever.retrieve("what is label smoothing?", method="max").hits[0].term == "Label Smoothing"
    assert _parser().parse_args(["search", "what is mixup?", "--method", "max"]).method == "max", "the CLI offers it"
