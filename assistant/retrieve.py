"""Hybrid retrieval: names the question mentions first, then convex fusion of dense (FAISS) and BM25 scores.

    >>> assistant.retriever.retrieve("lable smoothing?", k=3).hits[0].term
    'Label Smoothing'
    >>> assistant.retriever.ranked_terms(assistant.retriever.retrieve("lable smoothing?"), "bm25", k=1)
    ['Label Smoothing']
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import bm25s
import faiss
import numpy as np

from assistant.concepts import ConceptFinder, ConceptMention
from assistant.corpus import Entry
from assistant.embed import Embedder
from assistant.fusion import FUSIONS, FusionParams
from assistant.match import NameMatch, TermMatcher
from assistant.name_parts import NameParts
from assistant.sentences import EntrySentences
from assistant.text import QUERY_WORDS, content_stems

METHODS: tuple[str, ...] = tuple(FUSIONS)  # "hybrid" (the default) first
_CANDIDATES = 64  # per method, before fusion
_AMBIGUOUS_BOOST = 0.1


@dataclass(frozen=True)
class Hit:
    term: str
    score: float  # ranking score: 1.0 minus typo penalty for named entries, else the method's score
    fused: float  # the method's own score (convex fusion for hybrid), named or not
    dense: float  # cosine similarity to the question
    bm25: float
    named: bool  # the question mentions this entry by name


@dataclass(frozen=True)
class Retrieval:
    question: str
    hits: list[Hit]  # best first
    matches: list[NameMatch]  # glossary names found in the question, in text order
    outside: list[ConceptMention] = field(default_factory=list)  # outside-concept names found, in text order
    name_parts: list[str] = field(default_factory=list)  # entries whose distinctive name words it uses
    kind_only: list[str] = field(default_factory=list)  # entries whose kind word it uses without the rest of a name
    own_words: list[str] = field(default_factory=list)  # entries whose name words no other name uses it uses
    dense: np.ndarray | None = field(default=None, repr=False)  # (n_entries,) cosine per entry, -1 if not scored
    bm25: np.ndarray | None = field(default=None, repr=False)  # (n_entries,) BM25 per entry
    sentences: EntrySentences | None = field(default=None, repr=False)  # each entry's closest sentence, on demand


class Retriever:
    """Ranks glossary entries for a question; ``method`` selects hybrid or a single method (for evaluation)."""

    def __init__(self, entries: tuple[Entry, ...] | list[Entry], embedder: Embedder, index: faiss.Index,
                 matcher: TermMatcher, dense_weight: float, bm25_scale: float = 6.0,
                 concepts: ConceptFinder | None = None) -> None:
        if index.ntotal != len(entries):
            raise ValueError(f"index has {index.ntotal} vectors for {len(entries)} entries")
        self.entries = list(entries)
        self._position = {e.term: i for i, e in enumerate(self.entries)}
        self.embedder = embedder
        self.index = index
        self.matcher = matcher
        self.concepts = concepts if concepts is not None else ConceptFinder({}, self.entries)
        self.name_parts = NameParts(self.entries, self.concepts)
        self.sentences = EntrySentences(self.entries, embedder)
        self.fusion = FusionParams(dense_weight, bm25_scale)
        logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG when imported: a line per index
        self._bm25 = bm25s.BM25()
        self._bm25.index([content_stems(e.index_text() + " " + (e.details or "")) or ["_"] for e in self.entries],
                         show_progress=False)

    def retrieve(self, question: str, k: int = 5, method: str = METHODS[0]) -> Retrieval:
        """The ``k`` best entries by ``method`` (a key of ``fusion.FUSIONS``); the default method also ranks
        the entries the question names first, in mention order, and finds outside-concept names."""
        default = method == METHODS[0]
        query = self.embedder.encode_query(question) if method != "bm25" else None
        matches = self.matcher.find(question) if default else []
        dense, bm25 = self._scores(question, query)
        ranking = FUSIONS[method](dense, bm25, self.fusion)
        named = self._named_scores(matches)
        boosted = ranking.astype(np.float64)  # named entries first, in mention order, then by fused score
        for i, score in named.items():
            boosted[i] = 10.0 + score
        for m in matches:  # ambiguous one-word names ("anchor") only nudge the fused ranking
            if m.ambiguous and self._position[m.term] not in named:
                boosted[self._position[m.term]] += _AMBIGUOUS_BOOST
        order = _top(boosted, k)
        hits = [Hit(self.entries[i].term, round(float(named.get(i, ranking[i])), 4), round(float(ranking[i]), 4),
                    round(float(dense[i]), 4), round(float(bm25[i]), 4), i in named) for i in order]
        outside = self.concepts.find(question) if default else []
        parts = self.name_parts.find(question, outside) if default else []
        kinds = self.name_parts.kind_only(question) if default else []
        own = self.name_parts.own_words(question, outside) if default else []
        return Retrieval(question, hits, matches, outside, parts, kinds, own, dense, bm25,
                         self.sentences if query is not None else None)

    def ranked_terms(self, retrieval: Retrieval, method: str, k: int = 5) -> list[str]:
        """The ``k`` best terms by a single ``method``, from the scores ``retrieval`` already computed."""
        assert retrieval.dense is not None and retrieval.bm25 is not None
        return [self.entries[i].term for i in _top(FUSIONS[method](retrieval.dense, retrieval.bm25, self.fusion), k)]

    def _named_scores(self, matches: list[NameMatch]) -> dict[int, float]:
        named: dict[int, float] = {}
        for rank, m in enumerate(m for m in matches if not m.ambiguous):  # earlier mentions first among equals
            i = self._position[m.term]
            named[i] = max(named.get(i, 0.0), m.score - 1e-3 * rank)
        return named

    def _scores(self, question: str, query: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Per-entry (dense cosine, BM25) arrays; entries outside both candidate lists keep dense=-1, bm25=0.
        Without a query vector (BM25-only retrieval) dense stays -1 everywhere."""
        n = len(self.entries)
        bm25 = self._bm25.get_scores(content_stems(question, QUERY_WORDS) or ["_"]).astype(np.float32)
        dense = np.full(n, -1.0, dtype=np.float32)
        if query is None:
            return dense, bm25
        k = min(n, max(_CANDIDATES, 0 if n > 4096 else n))
        sims, ids = self.index.search(query[None, :], k)
        valid = ids[0] >= 0
        dense[ids[0][valid]] = sims[0][valid]
        if n > k:  # score the BM25 candidates that the dense search did not return
            top_bm25 = np.argpartition(-bm25, _CANDIDATES)[:_CANDIDATES]
            missing = top_bm25[(dense[top_bm25] == -1.0) & (bm25[top_bm25] > 0)]
            if len(missing):
                dense[missing] = self.index.reconstruct_batch(missing.astype(np.int64)) @ query
        return dense, bm25


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first (ties in entry order)."""
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top], kind="stable")]
