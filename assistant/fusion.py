"""Score fusion as pure functions over per-entry score arrays (one slot per glossary entry).

    >>> convex(np.array([0.5, 0.2]), np.array([0.0, 8.0]), weight=0.5, bm25_scale=8.0)
    array([0.25, 0.35])
"""
from __future__ import annotations

import numpy as np


def saturate_bm25(bm25: np.ndarray, scale: float) -> np.ndarray:
    """Maps BM25 scores (0..inf) to 0..1 on an absolute scale: s / (s + scale)."""
    return bm25 / (bm25 + scale)


def convex(dense: np.ndarray, bm25: np.ndarray, weight: float, bm25_scale: float) -> np.ndarray:
    """weight * cosine + (1 - weight) * saturated BM25; absolute, so usable for coverage thresholds."""
    return weight * dense + (1.0 - weight) * saturate_bm25(bm25, bm25_scale)


def rrf(*score_arrays: np.ndarray, k: int = 60) -> np.ndarray:
    """Reciprocal-rank fusion: sum over methods of 1 / (k + rank), rank 1-based per method."""
    fused = np.zeros_like(score_arrays[0], dtype=np.float64)
    for scores in score_arrays:
        ranks = np.empty(len(scores), dtype=np.int64)
        ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
        fused += 1.0 / (k + ranks)
    return fused
