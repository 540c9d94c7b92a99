"""Whole answers from the real packaged model: citations, grounding, refusal, streaming, fallback."""
from __future__ import annotations

import json
from dataclasses import replace

import pytest

from assistant.answer import Assistant
from assistant.asks import ask_of
from assistant.errors import Busy, InvalidQuestion
from assistant.gate import GenerationGate
from assistant.ground import GroundingChecker
from assistant.prompt import build_prompt
from assistant.schema import Answer
from assistant.settings import ROOT
from assistant.text import content_stems, split_sentences

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
    from assistant.prompt import fixed_prefix, packaged_style

    injections = [q for q in questions if q["kind"] == "injection"]
    assert len(injections) >= 30
    for q in injections:
        answer = assistant.ask(q["question"])
        assert answer.refused or (answer.grounded and answer.citations), q["question"]
        for secret in (packaged_style().instructions[:40], "Worked", fixed_prefix()[-60:], "Entry: Early Stopping"):
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
        assistant.ask("why " * 600)


class _Scripted:
    """Plumbing fake: a 'model' that writes the given continuation of the primed answer (no claim about real
    answers; each test says what the text stands for)."""
    name = "fake:scripted"

    def __init__(self, *chunks: str) -> None:
        self.chunks = chunks

    def warm_up(self, fixed_prefix):
        pass

    def stream(self, prompt, max_new_tokens, temperature=0.0, cancel=None):
        yield from self.chunks


def _writing(assistant, *chunks, **config):
    """The assistant with a scripted 'model' (and config changes)."""
    return Assistant(assistant.glossary, assistant.retriever, _Scripted(*chunks), assistant.checker, assistant.gate,
                     replace(assistant.config, **config))


def test_unsupported_generation_is_replaced_by_the_extractive_answer(assistant):
    inventing = _writing(assistant, " It was invented by Geoffrey Hinton in 1987 at the University of Toronto.",
                         " It doubles accuracy on ImageNet.")
    answer = inventing.ask("what is label smoothing?")
    assert answer.fallback and answer.mode == "extractive" and answer.revised and answer.grounded
    assert "Hinton" not in answer.answer and answer.answer.startswith("Label smoothing is")
    assert [v.supported for v in answer.verdicts] == [False, False]


def test_the_answer_quotes_the_definition_and_checks_what_the_model_adds(assistant):
    """The answer opens with the definition's opening sentence, quoted, whatever the model would have said the term
    is; the check reads only what the model wrote after it, so one unsupported sentence there is not outvoted by
    the quoted one."""
    entry = assistant.glossary.by_term("Brier Score")
    opening = split_sentences(entry.definition)[0]
    written = " It is calculated by averaging the predicted probabilities of each class."  # judged: contradicts
    answer = _writing(assistant, written).ask("what is the brier score?")
    assert answer.answer.startswith(opening) and written.strip() not in answer.answer
    assert [v.sentence for v in answer.verdicts] == [written.strip()] and answer.mode == "extractive"
    faithful = _writing(assistant, " Lower is better.").ask("what is the brier score?")
    assert faithful.mode == "generated" and faithful.answer.startswith(opening) and "Lower is better." in faithful.answer


def test_a_sentence_that_strays_in_meaning_from_its_entry_is_not_shown(assistant):
    """The Brier score's definition reworded into a wrong one with the entry's own words: the lexical check passes
    it (judged "contradicts" in eval/real/judged.jsonl); the closeness stage does not."""
    wrong = "It is calculated by averaging the scores of predicted and actual outcomes"
    answer = _writing(assistant, f" {wrong}.").ask("what is the brier score?")
    assert answer.mode == "extractive" and wrong not in answer.answer
    assert [v.problem.startswith("it strays from what the entry says") for v in answer.verdicts] == [True]
    lexical_only = _writing(assistant, f" {wrong}.", min_sentence_similarity=0.0).ask("what is the brier score?")
    assert [v.supported for v in lexical_only.verdicts] == [True]  # what the lexical check alone lets through


@pytest.mark.parametrize("case_id, shown", [("jt020", True), ("jr026", False)])
def test_a_sentence_far_in_meaning_from_its_entry_is_shown_only_when_the_model_finds_it_likely(assistant, case_id,
                                                                                              shown):
    """Two sentences the model wrote for real questions (eval/real/judged.jsonl): a faithful paraphrase of Mixup's
    entry ("It smooths the decision boundaries ...") and a claim beyond Monte Carlo Dropout's ("applied during
    training, inference, and both"). The lexical check passes both and neither is close in meaning to an entry
    sentence; the real model, reading each right after its entry, keeps the first and drops the second."""
    if assistant.likelihood is None:
        pytest.skip("the backend cannot score sentences (llama-cpp-python missing)")
    case = next(c for c in _cases(ROOT / "eval" / "real" / "judged.jsonl") if c["id"] == case_id)
    entries = [assistant.glossary.by_term(t) for t in case["terms"]]
    verdicts = assistant.checker.check_text(case["sentence"], entries)
    assert [v.supported for v in verdicts] == [True]
    assert assistant.closeness.similarity(case["sentence"], entries) < assistant.closeness.minimum
    reviewed = assistant.review(verdicts, entries, build_prompt(entries[0], case["question"], ask_of(case["question"], 1)))
    assert [v.supported for v in reviewed] == [shown] == [case["supported"]], reviewed
    if not shown:
        assert reviewed[0].problem.startswith("the model finds it unlikely from the entry alone")


def test_a_question_asked_again_is_answered_the_same_without_a_generation_slot(assistant):
    """A docs page's popular question: the second time, it is answered from what the model wrote the first time,
    checked the same way, even while the only generation slot is taken and a new question is turned away (a server
    set to answer 503 busy) or answered in the glossary's own words (the default)."""
    one_slot = GenerationGate(slots=1, queue_size=0, wait_s=1)
    remembering = Assistant(assistant.glossary, assistant.retriever, assistant.generator, assistant.checker, one_slot,
                            replace(assistant.config, answer_cache_size=8, when_busy="busy"))
    answering = Assistant(assistant.glossary, assistant.retriever, assistant.generator, assistant.checker, one_slot,
                          replace(assistant.config, answer_cache_size=8))
    first = remembering.ask("what is mixup?")
    with remembering.gate.slot():
        again = remembering.ask("what is mixup?")
        with pytest.raises(Busy):
            remembering.ask("what is model drift?")
        unqueued = answering.ask("what is model drift?")
    assert (again.answer, again.mode, again.verdicts) == (first.answer, first.mode, first.verdicts)
    assert not again.busy and unqueued.busy and unqueued.mode == "extractive" and unqueued.grounded
    assert [c.term for c in unqueued.citations] == ["Model Drift"]
    assert again.citations == first.citations and first.timings.generate_ms > again.timings.generate_ms


@pytest.mark.parametrize("change", [{"timeout_s": 0.01}, {"temperature": 0.7}], ids=["timed-out", "sampled"])
def test_a_cut_or_sampled_generation_is_not_kept(assistant, change):
    asked = Assistant(assistant.glossary, assistant.retriever, assistant.generator, assistant.checker, assistant.gate,
                      replace(assistant.config, answer_cache_size=8, **change))
    asked.ask("explain curriculum learning")
    assert len(asked.written) == 0


def test_a_sentence_the_generation_left_unfinished_is_not_shown(assistant):
    """Stopped by the token limit in the middle of its second sentence, as for a real question in round 5."""
    unfinished = _writing(assistant, " They preserve symmetry properties such as rotation.",
                          " For scientific data where these symmetries are essential,")
    answer = unfinished.ask("what are equivariant neural networks?")
    assert "symmetries" not in answer.answer and answer.answer.rstrip().endswith(".")
    assert answer.verdicts[-1].problem == "it stops mid-sentence"


def _cases(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def test_checker_flags_planted_unsupported_sentences(glossary, stack):
    checker = GroundingChecker(concepts=stack.retriever.concepts)
    cases = _cases(ROOT / "eval" / "grounding.jsonl")
    planted = [c for c in cases if c["kind"] in ("invented", "hallucinated_detail", "other_term", "off_topic")]
    supported = [c for c in cases if c["supported"]]
    flagged = [not checker.check(c["sentence"], [glossary.by_term(t) for t in c["terms"]]).supported for c in planted]
    passed = [checker.check(c["sentence"], [glossary.by_term(t) for t in c["terms"]]).supported for c in supported]
    assert sum(flagged) / len(flagged) >= 0.95
    assert sum(passed) / len(passed) >= 0.90  # it is strict: a paraphrase that combines words anew may be dropped


def test_checker_catches_what_the_model_really_got_wrong(glossary, stack):
    """Sentences the assistant produced for real questions, judged by a reader (eval/real/judged.jsonl, dev split):
    most of those that go beyond or contradict their entry are flagged, and most flags are right."""
    checker = GroundingChecker(concepts=stack.retriever.concepts)
    cases = [c for c in _cases(ROOT / "eval" / "real" / "judged.jsonl") if c["split"] == "dev"]
    flagged = [not checker.check(c["sentence"], [glossary.by_term(t) for t in c["terms"]]).supported for c in cases]
    true_flags = sum(f and not c["supported"] for f, c in zip(flagged, cases))
    assert true_flags / sum(not c["supported"] for c in cases) >= 0.85  # recall
    assert true_flags / sum(flagged) >= 0.85  # precision


@pytest.mark.parametrize("term, sentence", [
    ("Curriculum Learning", "Curriculum learning starts with the hardest examples and adds the easiest ones last."),
    ("Label Smoothing", "Label smoothing is not a way to soften the labels."),
    ("Triplet Loss", "Focal loss is a loss that embeds similar inputs closer together."),  # another concept
    ("Catastrophic Forgetting", "Should I retrain it?"),
])
def test_checker_rejects_contradictions_and_claims_about_other_concepts(glossary, stack, term, sentence):
    checker = GroundingChecker(concepts=stack.retriever.concepts)
    verdict = checker.check(sentence, [glossary.by_term(term)])
    assert not verdict.supported and verdict.problem, verdict


def test_repeated_sentences_are_dropped(glossary, stack):
    checker = GroundingChecker(concepts=stack.retriever.concepts)
    text = "Label smoothing softens the labels during training. Label smoothing softens the labels in training."
    assert [v.supported for v in checker.check_text(text, [glossary.by_term("Label Smoothing")])] == [True, False]


def test_checker_catches_numbers_names_and_reversals(glossary):
    checker = GroundingChecker()
    entry = [glossary.by_term("Label Smoothing")]
    assert checker.check("Label smoothing softens the labels so the model is not overconfident.", entry).supported
    assert "number" in checker.check("Label smoothing sets the target to 0.7.", entry).problem
    assert "name" in checker.check("Label smoothing was proposed by Szegedy at Google.", entry).problem
    wasserstein = [glossary.by_term("Wasserstein Distance")]
    assert not checker.check("It gives less meaningful distances than KL divergence.", wasserstein).supported


def test_a_comparison_says_which_definition_is_which(glossary):
    """Definitions that name their term are joined with "By contrast"; where one does not (glossaries of bare noun
    phrases: "A hypothesis usually stating ..."), each is led by the term it defines."""
    from assistant.corpus import load_glossary
    from assistant.extractive import extractive_answer

    ml = extractive_answer([glossary.by_term("Triplet Loss"), glossary.by_term("Contrastive Loss")], "vs?", "compare")
    assert ml.startswith("Triplet loss is") and "By contrast, contrastive loss encourages" in ml
    stats = load_glossary(ROOT / "eval/other/jamovi-stats/source/glossary.yml")
    answer = extractive_answer([stats.by_term("null hypothesis"), stats.by_term("alternative hypothesis")],
                               "What is a null and alternative hypothesis?", "compare")
    assert answer == ("Null hypothesis: A hypothesis usually stating that there is no effect, no difference, or no "
                      "relationship. Alternative hypothesis: A hypothesis stating that there is an effect, difference, "
                      "or relationship.")


def test_checker_tells_a_comparison_the_entry_makes_from_one_it_does_not(glossary):
    checker = GroundingChecker()
    wasserstein = [glossary.by_term("Wasserstein Distance")]
    assert "comparison" in checker.check("The Wasserstein distance is more accurate than KL divergence.",
                                         wasserstein).problem  # the entry says "more meaningful"
    renorm = [glossary.by_term("Batch Renormalization")]
    assert checker.check("Batch renormalization is more stable when small batch sizes are used.", renorm).supported


def test_checker_catches_a_dropped_negation_and_another_concepts_definition(glossary, stack):
    """Sentences the model wrote for real questions (eval/real/judged.jsonl, round 2), judged contradictions."""
    checker = GroundingChecker(concepts=stack.retriever.concepts)
    forgetting = [glossary.by_term("Catastrophic Forgetting")]
    assert "drops a negation" in checker.check("It requires a continuous learning process that requires retraining on "
                                               "everything it has ever seen.", forgetting).problem
    renorm = [glossary.by_term("Batch Renormalization")]
    assert "defines" in checker.check("Group normalization is a group-based normalization technique that fixes "
                                      "differences between batch and global statistics.", renorm).problem


# --- Real questions: the answer says what the glossary does not cover --------------------------------------------

@pytest.mark.parametrize("question", [
    "Explain how gradient accumulation helps with small GPUs",
    "When should I use focal loss?",
    "How does beam search pick the output sequence?",
])
def test_uncovered_concepts_are_never_answered_as_covered(assistant, question):
    answer = assistant.ask(question)
    assert answer.outcome in ("refused", "closest"), (answer.outcome, answer.answer)
    if answer.outcome == "closest":
        assert answer.answer.startswith("The glossary has no entry")


def test_a_comparison_with_an_uncovered_concept_says_so_and_compares_nothing_invented(assistant):
    answer = assistant.ask("label smoothing vs focal loss: which one should I use?")
    assert answer.outcome == "answered" and [c.term for c in answer.citations] == ["Label Smoothing"]
    assert answer.answer.startswith("The glossary doesn't define \u201cFocal Loss\u201d")
    assert answer.grounded and "focal" not in answer.answer.lower().split("\u201d", 1)[1]


def test_an_ask_the_entry_does_not_address_is_said_before_what_it_says(assistant):
    answer = assistant.ask("How to monitor and retrain ML models in prod against concept drift?")
    assert answer.citations[0].term == "Concept Drift" and answer.grounded
    first, rest = answer.answer.split(". ", 1)
    assert first.startswith("The glossary doesn't answer that specifically")  # no stretch of the question quoted
    assert "Concept drift is" in rest  # then what the entry does say


def test_an_outside_concept_the_ask_turns_on_is_named(assistant):
    answer = assistant.ask("How is temperature chosen in knowledge distillation?")
    assert answer.citations[0].term == "Knowledge Distillation" and answer.grounded
    first, rest = answer.answer.split(". ", 1)
    assert first.startswith("The glossary doesn't cover \u201ctemperature\u201d")
    assert "Knowledge distillation is" in rest


def test_a_when_question_gets_the_use_case(assistant, glossary):
    answer = assistant.ask("When should I use label smoothing?")
    use_case = set(content_stems(glossary.by_term("Label Smoothing").use_case))
    assert len(use_case & set(content_stems(answer.answer))) / len(use_case) >= 0.6 and answer.grounded
