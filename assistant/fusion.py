"""Score fusion as pure functions over per-entry score arrays (one slot per glossary entry).

    >>> convex(np.array([0.5, 0.2]), np.array([0.0, 8.0]), weight=0.5, bm25_scale=8.0)
    array([0.25, 0.35])
    >>> FUSIONS["rrf"](np.array([0.5, 0.2]), np.array([0.0, 8.0]), FusionParams(0.5, 8.0)).argmax()
    np.int64(0)

A retrieval method is one function in ``FUSIONS``: (dense, bm25, params) -> per-entry ranking scores.
Adding a method is adding a function and its line there; the CLI and the eval list the keys.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class FusionParams:
    dense_weight: float
    bm25_scale: float


def _hybrid(dense: np.ndarray, bm25: np.ndarray, params: FusionParams) -> np.ndarray:
    return convex(dense, bm25, params.dense_weight, params.bm25_scale)


def _dense(dense: np.ndarray, bm25: np.ndarray, params: FusionParams) -> np.ndarray:
    return dense


def _bm25(dense: np.ndarray, bm25: np.ndarray, params: FusionParams) -> np.ndarray:
    return bm25


def _rrf(dense: np.ndarray, bm25: np.ndarray, params: FusionParams) -> np.ndarray:
    return rrf(dense, bm25)


# The first is the default; only it also ranks the entries a question names first (see retrieve.py).
FUSIONS: dict[str, Callable[[np.ndarray, np.ndarray, FusionParams], np.ndarray]] = {
    "hybrid": _hybrid, "dense": _dense, "bm25": _bm25, "rrf": _rrf}
