"""Each entry's closest sentence to a question, with the real embedder."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.corpus import Entry
from assistant.sentences import EntrySentences, entry_sentences


def _direct_closeness(embedder, question: str, entry: Entry, parts: tuple[str, ...] = ()) -> float:
    """The same figure computed without the class: every sentence embedded at once, the best cosine with the
    question or any of ``parts``."""
    queries = np.stack([embedder.encode_query(q) for q in (question, *parts)])
    return float((embedder.encode(entry_sentences(entry)) @ queries.T).max())


def test_sentences_of_every_passage_carry_the_term_and_skip_fragments():
    entry = Entry(term="Warm Restarts", category="Optimization", definition="Reset the learning rate now and then.",
                  example="See SGDR. A cosine schedule restarts from the top every few epochs.", details="Short.")
    assert entry_sentences(entry) == ["Warm Restarts: Reset the learning rate now and then.",
                                      "Warm Restarts: A cosine schedule restarts from the top every few epochs."]
    bare = Entry(term="Tiny", category="General", definition="Too short.")
    assert entry_sentences(bare) == ["Tiny: Too short."]  # no sentence is long enough: the definition stands in


def test_closeness_is_the_best_sentence_cosine_for_each_entry(retriever, glossary):
    entries = {e.term: e for e in glossary.entries}
    question = "is there a name for showing a model the easy training examples before the hard ones?"
    close = retriever.sentences.closeness(question, ["Curriculum Learning", "Mixup", "Gradient Clipping"])
    for term, value in close.items():
        assert value == pytest.approx(_direct_closeness(retriever.embedder, question, entries[term]), abs=1e-4)
    assert max(close, key=close.get) == "Curriculum Learning"


def test_a_question_in_several_sentences_counts_its_closest_sentence(retriever, glossary):
    """The asker's own situation beside the description dilutes the whole question; its description alone says it."""
    entry = next(e for e in glossary.entries if e.term == "Monte Carlo Dropout")
    parts = ("My grandfather was a fisherman and I grew up on boats in the north sea.",
             "Is there a way to keep dropout on when predicting and average many passes to get uncertainty?")
    question = " ".join(parts)
    close = retriever.sentences.closeness(question, [entry.term])[entry.term]
    whole = _direct_closeness(retriever.embedder, question, entry)
    assert close == pytest.approx(_direct_closeness(retriever.embedder, question, entry, parts), abs=1e-4)
    assert close > whole + 0.05


def test_an_entry_with_more_sentences_than_one_call_embeds_is_embedded_whole(retriever):
    sentences = [f"Step {n} of the schedule multiplies the rate by a factor below one." for n in range(40)]
    entry = Entry(term="Long Schedule", category="Optimization", definition="A schedule told at length.",
                  details=" ".join(sentences[:-1]) + " The last step restarts the learning rate at its peak value.")
    scorer = EntrySentences([entry], retriever.embedder)
    question = "what restarts the learning rate at its peak?"
    best = scorer.closeness(question, ["Long Schedule"])["Long Schedule"]
    assert best == pytest.approx(_direct_closeness(retriever.embedder, question, entry), abs=1e-4)
    assert len(entry_sentences(entry)) == 41 and np.isfinite(best)
