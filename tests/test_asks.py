"""What a question asks, read from its cue words wherever they stand."""
from __future__ import annotations

import pytest

from assistant.asks import (ask_of, asks_for_a_described_kind, asks_for_a_value, asks_for_unknown, fields_for,
                            says_a_value)


@pytest.mark.parametrize("question, ask", [
    ("What is label smoothing?", "definition"),
    ("ELI5 label smoothing pls", "definition"),
    ("What's the intuition behind knowledge distillation?", "why"),
    ("What's the purpose of gradient clipping?", "why"),
    ("When should I use mixup?", "use"),
    ("Can you give an example of concept drift?", "example"),
    ("How does DTW work?", "how"),
])
def test_the_ask_comes_from_cue_words(question, ask):
    assert ask_of(question, n_subjects=1) == ask


@pytest.mark.parametrize("subject, value", [
    ("a good score", True), ("the usual remedy", True), ("reasonable target number", True),
    ("a standard deviation", False), ("the three things", False), ("good", True),
])
def test_an_evaluative_word_first_asks_for_a_value_not_a_thing(subject, value):
    assert asks_for_a_value(subject) is value


@pytest.mark.parametrize("clause, value", [
    ("counts as a good score on", True), ("is the usual remedy for", True), ("is the loss used with", False),
])
def test_an_evaluative_word_anywhere_asks_for_a_value(clause, value):
    assert says_a_value(clause) is value


def test_two_subjects_make_a_comparison():
    assert ask_of("label smoothing or mixup, which one?", n_subjects=2) == "compare"


def test_each_ask_reads_the_entry_fields_that_address_it():
    assert fields_for("use") == ("use_case",) and fields_for("example") == ("example",)
    assert "details" in fields_for("how")


@pytest.mark.parametrize("question", [
    "Which loss should I train a face verification embedding with?",
    "What kind of network keeps its predictions when the molecule is rotated?",
    "What is the attribution method that accumulates gradients along a path from a baseline?",
    "My model trained on animals forgot them after I retrained it on cars - what happened?",
])
def test_questions_asking_for_a_concept(question):
    assert asks_for_unknown(question)


@pytest.mark.parametrize("question", [
    "What does weight decay do to the weights?",
    "What problem does layer normalization solve?",
    "When should I use focal loss?",
])
def test_questions_about_a_named_concept(question):
    assert not asks_for_unknown(question)


@pytest.mark.parametrize("question, described", [
    ("what's the distance used to compare two time series?", True),
    ("Hi, my LSTM training explodes after some epochs and the loss becomes NaN. Which technique helps here?", True),
    ("What's the standard technique for capping those?", True),  # "standard" and "the" stand between
    ("what is a diffusion model, in one paragraph?", False),  # the kind word closes a name
    ("whats a diffusion model tho, like the full def", False),
    ("What is this technique?", False),  # nothing describes which one
    ("what is label smoothing?", False),
    # one thing of a kind asked for after "is there a" (blind written, spent test65, test98)
    ("Is there a method that shows which parts of a chest X-ray the model was looking at?", True),
    ("theres a network that literally points at the input, whats it called", True),
    ("Is there some tricks for setting the weight of gp?", False),  # advice asked (real, GitHub issue)
    ("is there a particular reason you chose this?", False),  # no kind of thing
])
def test_a_kind_of_thing_right_after_the_question_word_and_described_asks_for_its_name(question, described):
    assert asks_for_a_described_kind(question) is described
