"""Hybrid retrieval on the project's question set, per kind, with the real embedder and BM25."""
from __future__ import annotations

import numpy as np
import pytest

from assistant.fusion import FUSIONS, convex, rrf
from assistant.retrieve import METHODS

KINDS = ["direct", "paraphrase", "reverse", "abbreviation", "misspelled", "example", "use_case", "compare", "described"]


def _hits(retriever, questions, kind, method="hybrid"):
    rows = [q for q in questions if q["answerable"] and q["kind"] == kind]
    ranked = [[h.term for h in retriever.retrieve(q["question"], k=5, method=method).hits] for q in rows]
    hit1 = np.mean([r[0] in q["expected_terms"] for r, q in zip(ranked, rows)])
    hit3 = np.mean([bool(set(r[:3]) & set(q["expected_terms"])) for r, q in zip(ranked, rows)])
    return hit1, hit3, rows, ranked


@pytest.mark.parametrize("kind", KINDS)
def test_each_question_kind_finds_the_expected_term(retriever, questions, kind):
    hit1, hit3, rows, _ = _hits(retriever, questions, kind)
    assert len(rows) >= 20
    assert hit1 >= 0.9, f"{kind}: hit@1 {hit1:.3f}"
    assert hit3 >= 0.97, f"{kind}: hit@3 {hit3:.3f}"


def test_comparisons_put_both_terms_in_the_top_three(retriever, questions):
    _, _, rows, ranked = _hits(retriever, questions, "compare")
    both = np.mean([set(q["expected_terms"]) <= set(r[:3]) for r, q in zip(ranked, rows)])
    assert both >= 0.95


def test_hybrid_beats_each_single_method(retriever, questions):
    scores = {}
    for method in ("hybrid", "dense", "bm25", "rrf"):
        per_kind = [_hits(retriever, questions, k, method)[0] for k in KINDS]
        scores[method] = float(np.mean(per_kind))
    assert scores["hybrid"] > max(scores["dense"], scores["bm25"], scores["rrf"]) + 0.02, scores


@pytest.mark.parametrize("question, term", [
    ("which method would help a fraud model whose patterns change over time?", "Concept Drift"),
    ("What is the name for the technique that trains on easy examples first?", "Curriculum Learning"),
    ("lable smoothing", "Label Smoothing"),
    ("what does EWC do", "Elastic Weight Consolidation"),
])
def test_issue_examples(retriever, question, term):
    assert retriever.retrieve(question, k=3).hits[0].term == term


@pytest.mark.parametrize("question, term", [
    # blind-written first turns (spent splits test27, test53) in the words of the entry's analogy, not its definition
    ("We want to try a new fraud model on real traffic without it touching any customer decisions. Is there a name "
     "for that setup?", "Shadow Deployment"),
    ("my friend said big networks secretly have a tiny network hiding inside that would've worked just as well. is "
     "that a real idea?", "Lottery Ticket Hypothesis"),
])
def test_an_entry_is_found_by_the_words_of_its_analogy(retriever, question, term):
    assert retriever.retrieve(question, k=3).hits[0].term == term


def test_scores_are_usable_for_coverage_decisions(retriever):
    covered = retriever.retrieve("how does mixup blend two images and their labels?", k=1).hits[0]
    off_topic = retriever.retrieve("how do I bake sourdough bread at home?", k=1).hits[0]
    assert 0.0 <= off_topic.fused < 0.2 < covered.fused <= 1.0


def test_named_entries_rank_first_in_mention_order(retriever):
    hits = retriever.retrieve("model drift vs concept drift", k=3).hits
    assert [h.term for h in hits[:2]] == ["Model Drift", "Concept Drift"] and hits[0].named


def test_fusion_functions_keep_their_properties():
    """Properties, not the formulas again: the limits of the convex weight, absolute 0..1 scores, and rank-only RRF."""
    rng = np.random.default_rng(0)
    dense, bm25 = rng.uniform(0.0, 1.0, 50), rng.exponential(5.0, 50)
    assert np.array_equal(np.argsort(-convex(dense, bm25, 1.0, 6.0)), np.argsort(-dense))
    assert np.array_equal(np.argsort(-convex(dense, bm25, 0.0, 6.0)), np.argsort(-bm25))
    fused = convex(dense, bm25, 0.45, 6.0)
    assert ((fused >= 0) & (fused < 1)).all() and np.all(convex(dense, bm25 + 1, 0.45, 6.0) > fused)
    assert np.allclose(rrf(dense, bm25), rrf(dense * 3 - 1, np.log1p(bm25))), "ranks only"
    assert np.allclose(rrf(dense, bm25), rrf(bm25, dense))
    best = int(np.argmax(dense))
    bm25[best] = bm25.max() + 1  # first by both methods
    assert rrf(dense, bm25).argmax() == best
    assert set(FUSIONS) == set(METHODS) and METHODS[0] == "hybrid"


