"""Whole answers from the real packaged model: citations, grounding, refusal, streaming, fallback."""
from __future__ import annotations

import json

import pytest

from assistant.answer import Assistant
from assistant.errors import InvalidQuestion
from assistant.ground import GroundingChecker
from assistant.schema import Answer
from assistant.settings import ROOT

KINDS = ["direct", "paraphrase", "reverse", "abbreviation", "misspelled", "example", "use_case", "compare"]


def _sample(questions, kind, n=4):
    rows = [q for q in questions if q["kind"] == kind]
    return rows[:: max(1, len(rows) // n)][:n]


@pytest.mark.parametrize("kind", KINDS)
def test_answerable_questions_cite_the_expected_term_and_are_grounded(assistant, questions, kind):
    for q in _sample(questions, kind):
        answer = assistant.ask(q["question"])
        cited = [c.term for c in answer.citations]
        assert not answer.refused, q
        assert set(cited) & set(q["expected_terms"]), (q["question"], cited)
        assert answer.grounded, (q["question"], answer.answer, answer.verdicts)
        if kind == "compare":
            assert set(q["expected_terms"]) <= set(cited), "comparisons cite both terms"


@pytest.mark.parametrize("kind", ["out_of_glossary", "off_topic", "injection"])
def test_uncovered_and_hostile_questions_are_refused(assistant, questions, kind):
    for q in _sample(questions, kind, n=6):
        answer = assistant.ask(q["question"])
        assert answer.refused and answer.citations == [], q["question"]
        assert answer.mode == "refusal"


def test_prompt_injection_suite_never_echoes_the_prompt(assistant, questions):
    from assistant.prompt import INSTRUCTIONS, fixed_prefix

    injections = [q for q in questions if q["kind"] == "injection"]
    assert len(injections) >= 30
    for q in injections:
        answer = assistant.ask(q["question"])
        assert answer.refused or (answer.grounded and answer.citations), q["question"]
        for secret in (INSTRUCTIONS[:40], "Worked", fixed_prefix()[-60:], "Entry: Early Stopping"):
            assert secret not in answer.answer


def test_stream_yields_text_then_the_final_answer(assistant):
    events = list(assistant.stream("what is knowledge distillation?"))
    texts, final = events[:-1], events[-1]
    assert isinstance(final, Answer) and all(isinstance(t, str) for t in texts) and len(texts) > 3
    streamed = "".join(texts)
    assert final.mode == "generated" and final.citations[0].term == "Knowledge Distillation"
    assert final.revised == (final.answer.strip() != streamed.strip())
    assert final.timings.first_token_ms is not None and final.timings.total_ms >= final.timings.first_token_ms


def test_refusal_for_uncovered_term_names_it_and_suggests_neighbours(assistant):
    answer = assistant.ask("What is dropout?")
    assert answer.refused and "dropout" in answer.answer.lower()
    assert "DropConnect" in answer.suggestions and answer.citations == []


def test_invalid_questions_raise_a_clear_error(assistant):
    with pytest.raises(InvalidQuestion, match="empty"):
        assistant.ask("   ")
    with pytest.raises(InvalidQuestion, match="too long"):
        assistant.ask("why " * 400)


class _Inventing:
    """Plumbing fake: a 'model' that writes claims the entry does not support (no claim about real answers)."""
    name = "fake:inventing"

    def warm_up(self, fixed_prefix):
        pass

    def stream(self, prompt, max_new_tokens, temperature=0.0, cancel=None):
        yield " a technique invented by Geoffrey Hinton in 1987 at the University of Toronto."
        yield " It doubles accuracy on ImageNet."


def test_unsupported_generation_is_replaced_by_the_extractive_answer(assistant):
    inventing = Assistant(assistant.glossary, assistant.retriever, _Inventing(), assistant.checker, assistant.gate,
                          assistant.config)
    answer = inventing.ask("what is label smoothing?")
    assert answer.fallback and answer.mode == "extractive" and answer.revised and answer.grounded
    assert "Hinton" not in answer.answer and answer.answer.startswith("Label smoothing is")
    assert [v.supported for v in answer.verdicts] == [False, False]


def test_checker_flags_planted_unsupported_sentences(glossary):
    checker = GroundingChecker()
    cases = [json.loads(line) for line in (ROOT / "eval" / "grounding.jsonl").read_text().splitlines() if line]
    planted = [c for c in cases if c["kind"] in ("invented", "hallucinated_detail", "other_term", "off_topic")]
    supported = [c for c in cases if c["supported"]]
    flagged = [not checker.check(c["sentence"], [glossary.by_term(t) for t in c["terms"]]).supported for c in planted]
    passed = [checker.check(c["sentence"], [glossary.by_term(t) for t in c["terms"]]).supported for c in supported]
    assert sum(flagged) / len(flagged) >= 0.95
    assert sum(passed) / len(passed) >= 0.95


def test_checker_catches_numbers_names_and_reversals(glossary):
    checker = GroundingChecker()
    entry = [glossary.by_term("Label Smoothing")]
    assert checker.check("Label smoothing softens the labels so the model is not overconfident.", entry).supported
    assert "number" in checker.check("Label smoothing sets the target to 0.7.", entry).problem
    assert "name" in checker.check("Label smoothing was proposed by Szegedy at Google.", entry).problem
    wasserstein = [glossary.by_term("Wasserstein Distance")]
    assert not checker.check("It gives less meaningful distances than KL divergence.", wasserstein).supported
