"""A bounded queue in front of the one generator a process holds.

    >>> gate = GenerationGate(slots=1, queue_size=8, wait_s=30)
    >>> with gate.slot():               # generate here
    ...     gate.load["running"]
    1

At most ``slots`` generations run at once and at most ``queue_size`` wait; the next caller gets
``Busy`` at once instead of piling up. A waiter that waits longer than ``wait_s`` also gets ``Busy``.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from assistant.errors import Busy


class GenerationGate:
    def __init__(self, slots: int = 1, queue_size: int = 16, wait_s: float = 30.0) -> None:
        if slots < 1 or queue_size < 0:
            raise ValueError("slots must be >= 1 and queue_size >= 0")
        self._slots = threading.BoundedSemaphore(slots)
        self._capacity = slots + queue_size
        self._inside = 0  # running + waiting
        self._running = 0
        self._lock = threading.Lock()
        self.wait_s = wait_s

    @property
    def load(self) -> dict[str, int]:
        with self._lock:
            return {"running": self._running, "waiting": self._inside - self._running, "capacity": self._capacity}

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            if self._inside >= self._capacity:
                raise Busy()
            self._inside += 1
        acquired = False
        try:
            acquired = self._slots.acquire(timeout=self.wait_s)
            if not acquired:
                raise Busy("The assistant is still busy after waiting; retry in a few seconds.", retry_after_s=5)
            with self._lock:
                self._running += 1
            yield
        finally:
            with self._lock:
                self._inside -= 1
                if acquired:
                    self._running -= 1
            if acquired:
                self._slots.release()
