"""Process-wide options, applied by the entry points (CLI, app.py, benchmarks, tests) before heavy imports.

    >>> configure_process()
    >>> os.environ["GRADIO_ANALYTICS_ENABLED"]
    'False'

Importing any ``assistant`` module changes nothing in the process; these settings are the entry points'.
"""
from __future__ import annotations

import os


def configure_process() -> None:
    # Questions are encoded with numpy (OpenBLAS) just before llama.cpp prefills the prompt on the same
    # cores. OpenBLAS workers spin for 2^28 cycles (~0.1 s) after each call by default, which slowed the
    # first token by 80 ms; 2^20 cycles keeps encoding as fast. Read when numpy loads: call this first.
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "20")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # offline: Gradio must not call home
