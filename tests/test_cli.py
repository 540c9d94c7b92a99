"""``python -m assistant`` in real subprocesses: the JSON shapes of ../shared/INTERFACES.md and exit codes."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.settings import ROOT


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    env = {**os.environ, "GLOSSARY_INDEX_DIR": str(tmp_path_factory.mktemp("cli-index"))}

    def call(*args: str, extra_env: dict | None = None, timeout: int = 180) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, cwd=ROOT,
                              env={**env, **(extra_env or {})}, timeout=timeout)
    return call


def test_glossary_json_lists_every_entry(run, glossary):
    out = run("glossary", "--json")
    assert out.returncode == 0
    entries = json.loads(out.stdout)
    assert len(entries) == len(glossary.entries)
    assert {"term", "aliases", "category", "definition"} <= set(entries[0])


def test_index_builds_then_is_a_no_op(run):
    first = run("index")
    assert first.returncode == 0, first.stderr
    body = json.loads(first.stdout)
    assert {"entries", "model", "dim", "path"} <= set(body) and body["dim"] == 384 and body["status"] == "built"
    assert "index built" in first.stderr
    again = json.loads(run("index").stdout)
    assert again["status"] == "loaded"
    assert json.loads(run("index", "--rebuild").stdout)["status"] == "built"


def test_search_json_is_ranked_best_first(run):
    out = run("search", "lable smoothing", "--k", "3", "--json")
    hits = json.loads(out.stdout)
    assert len(hits) == 3 and hits[0]["term"] == "Label Smoothing"
    assert {"term", "score"} <= set(hits[0]) and hits[0]["score"] >= hits[1]["score"]
    assert len(json.loads(run("search", "what is SAM", "--json").stdout)) == 5


def test_ask_json_prints_the_answer_object(run):
    out = run("ask", "What does EWC stand for?", "--json")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert {"question", "answer", "refused", "citations", "grounded", "retrieved", "timings"} <= set(answer)
    assert answer["citations"][0]["term"] == "Elastic Weight Consolidation"


def test_ask_streams_text_and_prints_sources(run):
    out = run("ask", "what is mixup?")
    assert out.returncode == 0 and "source: Mixup" in out.stdout and "Mixup is" in out.stdout


@pytest.mark.parametrize("args, code, message", [
    (("ask", "   ", "--json"), 2, "empty"),
    (("search", "x" * 5000), 2, "too long"),
    (("search", "what", "--k", "0"), 2, "--k"),
    (("eval", "--questions", "/nonexistent.jsonl"), 2, "Cannot read"),
])
def test_bad_input_exits_2_with_one_line(run, args, code, message):
    out = run(*args)
    assert out.returncode == code and message in out.stderr and "Traceback" not in out.stderr
    assert out.stdout == ""


def test_broken_corpus_is_reported_with_its_line(run, tmp_path):
    bad = tmp_path / "glossary.yaml"
    bad.write_text("version: 1\nentries:\n  - term: X\n    category: Y\n    definition: ''\n", encoding="utf-8")
    out = run("search", "what is x", extra_env={"GLOSSARY_CORPUS_PATH": str(bad)})
    assert out.returncode == 2 and "line 5" in out.stderr and "field 'definition'" in out.stderr


def test_invalid_settings_are_reported(run):
    out = run("glossary", extra_env={"GLOSSARY_TOP_K": "lots"})
    assert out.returncode == 2 and "GLOSSARY_" in out.stderr and "top_k" in out.stderr
