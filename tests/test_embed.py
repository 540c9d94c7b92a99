"""The torch-free query encoder against sentence-transformers, and when it is (not) used."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.embed import SentenceTransformerEmbedder, resolve_embedder_path
from assistant.errors import ConfigError
from assistant.numpy_bert import NumpyBertEncoder, supported
from assistant.settings import ROOT

PACKAGED = Path(resolve_embedder_path("all-MiniLM-L6-v2"))
EDGE_CASES = ["", "x", "word " * 400, "héllo naïve café 日本語 🙂", "<script>alert(1)</script>", "What is L2?"]


def test_numpy_encoder_matches_sentence_transformers(stack, questions, glossary):
    """Every eval question, every entry text and edge cases (empty, truncated, non-ASCII) embed alike."""
    texts = [q["question"] for q in questions] + [e.index_text() for e in glossary.entries] + EDGE_CASES
    reference = stack.embedder.encode(texts)  # batched through sentence-transformers
    encoder = NumpyBertEncoder(PACKAGED)
    mine = np.stack([encoder.encode(t) for t in texts])
    assert mine.dtype == np.float32 and mine.shape == reference.shape
    assert np.allclose(np.linalg.norm(mine, axis=1), 1.0, atol=1e-5)
    assert (mine * reference).sum(axis=1).min() > 0.99999


def test_session_embedder_answers_questions_with_the_numpy_encoder(stack):
    assert stack.embedder._query_encoder is not None


@pytest.mark.parametrize("edit, reason", [
    (("1_Pooling/config.json", {"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}), "pooling"),
    (("config.json", {"model_type": "roberta"}), "BERT"),
    (("modules.json", None), "sentence-transformers"),
])
def test_unsupported_models_are_recognised(tmp_path, edit, reason):
    folder = tmp_path / "model"
    shutil.copytree(PACKAGED, folder)
    name, change = edit
    path = folder / name
    if change is None:
        path.unlink()
    else:
        path.write_text(json.dumps(json.loads(path.read_text()) | change))
    assert reason in (supported(folder) or "")
    auto = SentenceTransformerEmbedder(str(folder), query_runtime="auto")
    assert auto._numpy_encoder() is None, "auto falls back to sentence-transformers"
    with pytest.raises(ConfigError, match="numpy"):
        SentenceTransformerEmbedder(str(folder), query_runtime="numpy").warm_up()


def test_answering_a_question_never_imports_torch(stack, settings):
    """The fast start depends on it: torch and sentence-transformers take about 4 s to import. (With
    a fresh index in place: building one embeds entries with sentence-transformers.)"""
    code = ("import sys; from assistant.cli import main; main(['ask', 'What is label smoothing?', '--json']);"
            "print('torch imported' if 'torch' in sys.modules else 'no torch', file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT,
                         env={**os.environ, "GLOSSARY_INDEX_DIR": str(settings.index_dir)})
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["citations"][0]["term"] == "Label Smoothing"
    assert "no torch" in out.stderr
