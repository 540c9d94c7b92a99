"""Generator backends behind one protocol; ``make_generator`` builds the one Settings names.

    >>> make_generator(Settings(backend="extractive")) is None
    True
    >>> sorted(BACKENDS)
    ['llama_cpp', 'openai', 'transformers']

A backend is one module with a ``from_settings(settings) -> Generator`` function, registered by name in
``BACKENDS`` (imported only when chosen: torch and llama.cpp are heavy). Two more choices exist:
``auto`` (llama.cpp for GGUF models when llama-cpp-python imports, else transformers) and
``extractive`` (no model: answers are glossary text).
"""
from __future__ import annotations

import importlib
import importlib.util
import logging

from assistant.generate.base import Cancel, ColdPrefill, Generator, Prompt, SentenceScorer
from assistant.settings import Settings

log = logging.getLogger(__name__)
__all__ = ["BACKENDS", "Cancel", "ColdPrefill", "Generator", "Prompt", "SentenceScorer", "backend_choices",
           "make_generator", "llama_cpp_available"]

BACKENDS: dict[str, str] = {  # name -> module with from_settings()
    "llama_cpp": "assistant.generate.llamacpp_backend",
    "transformers": "assistant.generate.transformers_backend",
    "openai": "assistant.generate.openai_backend",
}


def backend_choices() -> tuple[str, ...]:
    """What the ``backend`` setting accepts."""
    return ("auto", *BACKENDS, "extractive")


def llama_cpp_available() -> bool:
    if importlib.util.find_spec("llama_cpp") is None:
        return False
    try:
        import llama_cpp  # noqa: F401  (the shared library can fail to load even when the package exists)
    except (ImportError, OSError) as exc:
        log.warning("llama-cpp-python is installed but cannot be imported: %s", exc)
        return False
    return True


def make_generator(settings: Settings) -> Generator | None:
    """The configured backend, or None for ``backend="extractive"`` (answers from glossary text only)."""
    backend = _auto(settings) if settings.backend == "auto" else settings.backend
    if backend == "extractive":
        return None
    return importlib.import_module(BACKENDS[backend]).from_settings(settings)


def _auto(settings: Settings) -> str:
    """llama.cpp for GGUF models (the packaged default) when llama-cpp-python imports, else transformers,
    saying so once."""
    from assistant.generate.models import is_packaged

    gguf_model = is_packaged(settings.generator_model) or settings.generator_model.endswith(".gguf")
    if gguf_model and llama_cpp_available():
        return "llama_cpp"
    if gguf_model:
        log.warning("llama-cpp-python is not available (pip install '.[llama]'); using transformers, "
                    "which is about 3x slower on this model")
    return "transformers"
