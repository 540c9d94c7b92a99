"""A queue in front of the one generator a process holds, admitting by the wait it can promise.

    >>> gate = GenerationGate(slots=1, queue_size=8, wait_s=30)
    >>> with gate.slot():               # generate here
    ...     gate.load["running"]
    1

At most ``slots`` generations run at once. A newcomer is admitted when the wait it would face, estimated
from how long recent generations held a slot (the mean of the last ``2 * slots``: two batches' worth, so one slow
answer moves it by its share, not by a fixed weight), is within ``wait_s``; otherwise it gets ``Busy`` at once, with
a ``Retry-After`` from the same estimate. Waiters are served first come, first served: a freed slot is
handed to the oldest waiter, never taken by a newcomer, so under a steady queue every wait stays near the
estimate. ``queue_size`` only bounds how many may wait (memory), and a waiter that still waits longer than
``wait_s`` (a slow burst) also gets ``Busy``.
"""
from __future__ import annotations

import collections
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from assistant.errors import Busy


class GenerationGate:
    def __init__(self, slots: int = 1, queue_size: int = 16, wait_s: float = 30.0, service_s: float = 1.0) -> None:
        """``service_s``: the generation time assumed until one has been measured."""
        if slots < 1 or queue_size < 0 or service_s <= 0:
            raise ValueError("slots must be >= 1, queue_size >= 0 and service_s > 0")
        self.slots = slots
        self._free = slots
        self._waiters: collections.deque[threading.Event] = collections.deque()  # oldest first
        self._capacity = slots + queue_size
        self._lock = threading.Lock()
        self.wait_s = wait_s
        self._assumed_s = service_s
        self._held: collections.deque[float] = collections.deque(maxlen=2 * slots)  # hold times, newest last

    @property
    def service_s(self) -> float:
        """How long one generation holds a slot: the mean of the last ``2 * slots`` hold times."""
        return sum(self._held) / len(self._held) if self._held else self._assumed_s

    @property
    def load(self) -> dict[str, float]:
        with self._lock:
            return {"running": self.slots - self._free, "waiting": len(self._waiters), "capacity": self._capacity,
                    "service_s": round(self.service_s, 3), "wait_s": round(self._wait_for(self._inside()), 3)}

    def _inside(self) -> int:
        """Generations running or waiting (caller holds the lock)."""
        return self.slots - self._free + len(self._waiters)

    def _wait_for(self, ahead: int) -> float:
        """Estimated wait of a newcomer with ``ahead`` generations running or waiting before it."""
        return max(0, ahead - self.slots + 1) * self.service_s / self.slots

    @contextmanager
    def slot(self) -> Iterator[None]:
        turn = self._admit()
        if turn is not None and not turn.wait(self.wait_s):
            with self._lock:
                if not turn.is_set():  # not handed a slot in time
                    self._waiters.remove(turn)
                    raise Busy("The assistant is still busy after waiting; retry in a few seconds.", retry_after_s=5)
        started = time.perf_counter()
        try:
            yield
        finally:
            with self._lock:
                self._held.append(time.perf_counter() - started)
                if self._waiters:
                    self._waiters.popleft().set()  # the slot passes straight to the oldest waiter
                else:
                    self._free += 1

    def _admit(self) -> threading.Event | None:
        """Takes a free slot (None) or a place in the queue (the event set when the slot is handed over)."""
        with self._lock:
            inside = self._inside()
            wait = self._wait_for(inside)
            if inside >= self._capacity or wait > self.wait_s:
                raise Busy(retry_after_s=max(1, math.ceil(wait - self.wait_s)))
            if self._free and not self._waiters:
                self._free -= 1
                return None
            turn = threading.Event()
            self._waiters.append(turn)
            return turn
