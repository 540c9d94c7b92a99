"""The chat page and the widget present whichever glossary they serve: its title, subject and example
questions come from its data, else from its entries."""
from __future__ import annotations

import httpx

from assistant.corpus import load_glossary
from assistant.presentation import DEFAULT_SUBJECT, presentation
from assistant.settings import ROOT


def test_the_ml_glossary_presents_itself_from_its_own_data(glossary, settings, live_server):
    shown = presentation(glossary, settings)
    assert shown.subject == "machine-learning terms" and shown.examples == glossary.example_questions
    info = httpx.get(f"{live_server.url}/api/info", timeout=30).json()
    assert info == {**shown.as_dict(), "entries": 51, "glossary_version": glossary.short_hash}


def test_another_glossary_gets_examples_about_its_own_entries(settings):
    other = load_glossary(ROOT / "eval" / "other" / "cncf" / "source" / "content" / "en")
    shown = presentation(other, settings)
    names = {n for e in other.entries for n in e.names}
    assert shown.subject == DEFAULT_SUBJECT and shown.title == "Glossary Assistant"
    assert len(shown.examples) >= 3
    for question in shown.examples:  # each question is about terms of this glossary
        assert any(name in question for name in names), question
    assert presentation(other, settings.model_copy(update={"assistant_title": "Cloud words"})).title == "Cloud words"


def test_the_prompt_head_belongs_to_the_glossary(glossary, settings, tmp_path):
    import pytest

    from assistant.errors import CorpusError
    from assistant.prompt import PromptStyle, packaged_style

    ml = PromptStyle.for_glossary(glossary, settings.corpus_path)
    assert ml == packaged_style() and "machine-learning terms" in ml.instructions  # the packaged examples file
    folder = ROOT / "eval" / "other" / "cncf" / "source" / "content" / "en"
    other = PromptStyle.for_glossary(load_glossary(folder), folder)
    assert "machine-learning" not in other.fixed_prefix() and "Early Stopping" not in other.fixed_prefix()
    assert [x.term for x in other.examples] == [e.term for e in load_glossary(folder).entries[:2]]
    copy = tmp_path / "glossary.yaml"
    copy.write_text("- term: Pod\n  definition: A set of containers.\n", encoding="utf-8")
    (tmp_path / "prompt-examples.yaml").write_text(
        "examples:\n  - term: Node\n    definition: A machine.\n    question: what is a node?\n"
        "    answer: A machine.\n", encoding="utf-8")
    assert [x.term for x in PromptStyle.for_glossary(load_glossary(copy), copy).examples] == ["Node"]
    (tmp_path / "prompt-examples.yaml").write_text("examples: [{term: Node}]\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="prompt's worked examples"):
        PromptStyle.for_glossary(load_glossary(copy), copy)
