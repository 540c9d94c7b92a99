"""Follow-up questions resolved against the conversation, with the real retriever and decision."""
from __future__ import annotations

import pytest

from assistant.errors import InvalidQuestion, QuestionTooLong
from assistant.followup import clean_history, resolve
from assistant.schema import Turn


def turn(question: str, *citations: str) -> Turn:
    return Turn(question=question, answer="…", citations=list(citations))


LABEL_SMOOTHING = [turn("What is label smoothing?", "Label Smoothing")]


@pytest.mark.parametrize("question, resolved", [
    ("and an example?", "Label Smoothing: an example?"),  # ellipsis: the topic goes in front
    ("any drawbacks?", "Label Smoothing: any drawbacks?"),
    ("why does that help?", "why does Label Smoothing help?"),  # pronoun
    ("what are its downsides?", "what are Label Smoothing's downsides?"),
    ("is this method used in NLP?", "is Label Smoothing used in NLP?"),  # demonstrative + generic noun
    ("how is it different from mixup?", "how is Label Smoothing different from mixup?"),  # compare with previous
    ("ok and EWC?", "What is EWC?"),  # the earlier question, about the new name
])
def test_a_follow_up_becomes_the_question_it_stands_for(retriever, question, resolved):
    resolution = resolve(question, LABEL_SMOOTHING, retriever)
    assert resolution.followup and resolution.question == resolved


@pytest.mark.parametrize("question", [
    "What is a pointer network?",  # a new topic, named
    "what is dropout?",  # a new topic the glossary lacks
    "What is the name for training on easy examples first?",  # a new topic, described
    "what is mixup and why does it help?",  # "it" is the thing the question names
    "Is there anybody who has some insights about this dilation conv operation?",  # "this" is a determiner
])
def test_a_question_that_stands_alone_is_not_rewritten(retriever, question):
    resolution = resolve(question, LABEL_SMOOTHING, retriever)
    assert not resolution.followup and resolution.question == question


def test_a_long_question_carries_its_own_context(retriever):
    question = ("I tried it on my own data set with five classes and the validation loss went up after a few epochs "
                "while the training loss kept going down, so I wonder whether it is normal or a bug in my code?")
    assert not resolve(question, LABEL_SMOOTHING, retriever).followup


def test_the_same_aspect_is_asked_about_a_new_name(retriever):
    history = [turn("When should I use mixup?", "Mixup")]
    assert resolve("and label smoothing?", history, retriever).question == "When should I use label smoothing?"


def test_they_stands_for_the_last_two_topics(retriever):
    history = [turn("What is SAM?", "Sharpness-Aware Minimization"), turn("What is the lottery ticket hypothesis?",
                                                                          "Lottery Ticket Hypothesis")]
    assert resolve("how do they compare?", history, retriever).question == \
        "how do Lottery Ticket Hypothesis and Sharpness-Aware Minimization compare?"


def test_a_reference_word_never_stands_for_a_name_the_turn_says(retriever):
    history = [turn("what is knowledge distillation?", "Knowledge Distillation"),
               turn("why soft labels and not the hard ones", "Label Smoothing")]  # a closest guess, cited
    resolution = resolve("wait, is that basically label smoothing", history, retriever)
    assert resolution.question == "wait, is Knowledge Distillation basically label smoothing"


def test_a_correction_asks_again_without_the_entry_it_turned_away_from(retriever):
    history = [turn("What's the loss with a margin between anchor and negative?", "Triplet Loss")]
    resolution = resolve("no, I meant the other one", history, retriever)
    assert resolution.question == history[0].question and resolution.exclude == ("Triplet Loss",)
    named = resolve("no, I meant contrastive loss", history, retriever)
    assert named.question == "contrastive loss" and named.exclude == ("Triplet Loss",)


def test_a_refused_topic_stays_the_topic(retriever):
    history = [turn("what is dropout?")]  # refused: no citations, the question's subject is the topic
    assert resolve("why does it help?", history, retriever).question == "why does dropout help?"


def test_unknown_citations_from_a_client_are_ignored(retriever):
    history = [turn("tell me something", "Not A Glossary Term", "<script>")]
    assert not resolve("and an example?", history, retriever).followup


@pytest.mark.parametrize("conversation, expected", [
    (["What is label smoothing?", "and an example?"], ("answered", ["Label Smoothing"], "example")),
    (["What is label smoothing?", "how is it different from mixup?"],
     ("answered", ["Label Smoothing", "Mixup"], "compare")),
    (["What is label smoothing?", "and what about dropout?"], ("refused", [], None)),  # uncovered follow-up
    (["what is dropout?", "why does it help?"], ("refused", [], None)),
    (["What's the loss with a margin between anchor and negative?", "no, I meant the other one"],
     ("answered", ["Contrastive Loss"], None)),
    (["What is label smoothing?", "What is the name for training on easy examples first?"],
     ("closest", ["Curriculum Learning"], None)),  # a new topic is decided alone, not from the previous entry
])
def test_the_decision_runs_on_every_turn(assistant, conversation, expected):
    history: list[Turn] = []
    for question in conversation:
        route = assistant.route(question, history)
        history.append(Turn(question=question, citations=route.decision.terms, resolved_question=route.question))
    outcome, terms, ask = expected
    assert (route.decision.outcome, route.decision.terms) == (outcome, terms)
    if ask:
        assert route.decision.ask == ask


def test_history_is_capped_and_checked():
    turns = [turn(f"question {i}") for i in range(30)]
    assert [t.question for t in clean_history(turns, 10, 20_000)] == [f"question {i}" for i in range(20, 30)]
    assert clean_history(turns, 0, 20_000) == []
    with pytest.raises(QuestionTooLong):
        clean_history([Turn(question="x" * 5000, answer="y" * 20_000)], 10, 20_000)
    with pytest.raises(InvalidQuestion, match="history"):
        clean_history([Turn(question="   ")], 10, 20_000)


def test_a_closest_entry_the_conversation_agrees_with_is_answered(assistant):
    question = "if you don't do dropout in inference, the result will stay the same right?"
    assert assistant.route(question).decision.outcome == "closest"
    answered = Turn(question="What is MC dropout?", citations=["Monte Carlo Dropout"], outcome="answered")
    decision = assistant.route(question, [answered]).decision
    assert (decision.outcome, decision.terms, decision.reason) == ("answered", ["Monte Carlo Dropout"], "conversation")
    # A question that names a concept of its own is about that concept, whatever the conversation was about.
    clipping = Turn(question="What is gradient clipping?", citations=["Gradient Clipping"], outcome="answered")
    named = assistant.route("Why are RNNs especially susceptible to vanishing and exploding gradients?", [clipping])
    assert named.decision.outcome == "closest"


def test_a_follow_up_on_a_marked_closest_entry_stays_marked(assistant):
    guess = Turn(question="whats the trick where you pick a random softmax sample", citations=["Gumbel-Softmax"],
                 outcome="closest")
    route = assistant.route("any downsides?", [guess])
    assert route.question == "Gumbel-Softmax: any downsides?" and route.decision.outcome == "closest"
    sure = Turn(question="what is gumbel softmax?", citations=["Gumbel-Softmax"], outcome="answered")
    assert assistant.route("any downsides?", [sure]).decision.outcome == "answered"


@pytest.mark.parametrize("question", ["`|x", "and ?", "ok ...", "?? vs", "— vs log loss?", "C{±ò\udb1b|", "it"])
def test_odd_follow_ups_are_routed_not_crashed(assistant, question):
    """Found by the schema fuzzer: a fragment that opens with punctuation."""
    route = assistant.route(question, [LABEL_SMOOTHING[0]])
    assert route.decision.outcome in ("answered", "closest", "refused")
