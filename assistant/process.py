"""Process-wide options, applied by the entry points (CLI, app.py, benchmarks, tests) before heavy imports.

    >>> configure_process()
    >>> os.environ["GRADIO_ANALYTICS_ENABLED"]
    'False'

Importing any ``assistant`` module changes nothing in the process; these settings are the entry points'.
"""
from __future__ import annotations

import ctypes
import os


def configure_process() -> None:
    # Questions are encoded with numpy (OpenBLAS) just before llama.cpp prefills the prompt on the same
    # cores. OpenBLAS workers spin for 2^28 cycles (~0.1 s) after each call by default, which slowed the
    # first token by 80 ms; 2^20 cycles keeps encoding as fast. Read when numpy loads: call this first.
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "20")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: Gradio must not call home
    # Every request runs in a thread of its own, and glibc gives threads up to 8 malloc arenas per core, each
    # keeping what it freed resident: 240 questions (12 at a time) left the server at 1.20-1.24 GB with them,
    # 0.98-0.99 GB with 2. Worker processes read the variable; this process is told with mallopt.
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    _limit_malloc_arenas(int(os.environ["MALLOC_ARENA_MAX"]))


def _limit_malloc_arenas(most: int) -> None:
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to limit
        return
    libc.mallopt(_M_ARENA_MAX, most)


_M_ARENA_MAX = -8  # glibc's malloc.h
