"""Generator backends behind one protocol; ``make_generator`` picks one from Settings.

    >>> generator = make_generator(load_settings(backend="transformers"))
"""
from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from assistant.generate.base import Cancel, Generator, Prompt
from assistant.settings import Settings

log = logging.getLogger(__name__)
__all__ = ["Cancel", "Generator", "Prompt", "make_generator", "llama_cpp_available"]


def llama_cpp_available() -> bool:
    if importlib.util.find_spec("llama_cpp") is None:
        return False
    try:
        import llama_cpp  # noqa: F401  (the shared library can fail to load even when the package exists)
    except (ImportError, OSError) as exc:
        log.warning("llama-cpp-python is installed but cannot be imported: %s", exc)
        return False
    return True


def _gguf_for(settings: Settings) -> Path:
    from assistant.generate.models import is_packaged, packaged_gguf

    if is_packaged(settings.generator_model):
        return packaged_gguf(settings.model_cache_dir)
    return Path(settings.generator_model).expanduser()


def make_generator(settings: Settings) -> Generator | None:
    """The configured backend, or None for ``backend="extractive"`` (answers from glossary text only).

    ``auto`` uses llama.cpp for GGUF models (the packaged default) when llama-cpp-python imports, and
    transformers otherwise, saying so once.
    """
    backend = settings.backend
    if backend == "extractive":
        return None
    if backend == "openai":
        from assistant.generate.openai_backend import OpenAIChatGenerator

        return OpenAIChatGenerator.from_env(settings.openai_base_url, settings.openai_model,
                                            settings.openai_api_key_env, settings.openai_timeout_s,
                                            settings.openai_retries)
    from assistant.generate.models import is_packaged

    gguf_model = is_packaged(settings.generator_model) or settings.generator_model.endswith(".gguf")
    if backend == "auto":
        if gguf_model and llama_cpp_available():
            backend = "llama_cpp"
        else:
            if gguf_model:
                log.warning("llama-cpp-python is not available (pip install '.[llama]'); using transformers, "
                            "which is about 3x slower on this model")
            backend = "transformers"
    if backend == "llama_cpp":
        from assistant.generate.llamacpp_backend import LlamaCppGenerator

        return LlamaCppGenerator(_gguf_for(settings), n_threads=settings.n_threads, n_ctx=settings.n_ctx,
                                 state_dir=settings.model_cache_dir / "llama-state", draft_tokens=settings.draft_tokens)
    from assistant.generate.transformers_backend import TransformersGenerator

    return TransformersGenerator(settings.generator_model, settings.model_cache_dir, n_threads=settings.n_threads)
