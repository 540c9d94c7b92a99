"""A bounded cache that drops the least recently used values first.

    >>> cache = LRU(budget=12, cost=len)
    >>> cache.put("a", b"123456"); cache.put("b", b"1234"); cache.get("a")
    b'123456'
    >>> cache.put("c", b"12345"); cache.get("b") is None, cache.get("a") is not None
    (True, True)
"""
from __future__ import annotations

import collections
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """Values by key, the least recently used dropped while their total ``cost`` (default: one each) is past
    ``budget``; a budget of 0 keeps nothing. Thread-safe."""

    def __init__(self, budget: int, cost: Callable[[V], int] = lambda value: 1) -> None:
        self.budget = budget
        self._cost = cost
        self._items: collections.OrderedDict[K, V] = collections.OrderedDict()
        self._total = 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
            return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if key in self._items:
                self._total -= self._cost(self._items.pop(key))
            self._items[key] = value
            self._total += self._cost(value)
            while self._items and self._total > self.budget:
                self._total -= self._cost(self._items.popitem(last=False)[1])

    def __len__(self) -> int:
        return len(self._items)
