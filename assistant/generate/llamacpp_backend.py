"""GGUF-native generation with llama-cpp-python, with deterministic reuse of the fixed prompt prefix.

    >>> gen = LlamaCppGenerator(Path("gemma-3-270m-q4_k_m.gguf"), n_threads=2)
    >>> gen.warm_up(prompt.fixed)
    >>> "".join(gen.stream(prompt, max_new_tokens=60))

The fixed prefix is evaluated once; its context state (~5 MB: KV cache, positions) is saved with
``llama_state_get_data`` and restored with ``llama_state_set_data`` before every request (about 2 ms),
so the body is always evaluated on the same state in the same batches: an answer does not depend on
what was asked before. (llama-cpp-python's own prefix cache reuses whatever the previous request left,
which changes greedy answers.)
"""
from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from assistant.errors import GenerationError, ModelLoadError
from assistant.generate.base import Cancel, Prompt, StopWatcher

log = logging.getLogger(__name__)


class LlamaCppGenerator:
    def __init__(self, gguf_path: Path, n_threads: int = 2, n_ctx: int = 2048) -> None:
        self.gguf_path = Path(gguf_path)
        self.n_threads = n_threads
        self.n_ctx = n_ctx
        self.name = f"llama_cpp:{self.gguf_path.name}"
        self._llm = None
        self._lock = threading.Lock()  # one llama context: requests run one at a time
        self._prefix_text: str | None = None
        self._prefix_ids: np.ndarray | None = None
        self._state: ctypes.Array | None = None
        self._samplers: dict[float, object] = {}

    def _sampler(self, temperature: float):
        """One sampler chain per temperature, built once (greedy at 0: stateless, so history-independent)."""
        if temperature not in self._samplers:
            self._samplers[temperature] = self._llm._init_sampler(temp=temperature, top_k=40, top_p=0.95, min_p=0.05,
                                                                  repeat_penalty=1.0)
        return self._samplers[temperature]

    def warm_up(self, fixed_prefix: str) -> None:
        with self._lock:
            self._load()
            if self._prefix_text != fixed_prefix:
                self._save_prefix(fixed_prefix)

    def _load(self) -> None:
        if self._llm is not None:
            return
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelLoadError("llama-cpp-python is not installed (pip install '.[llama]')") from exc
        if not self.gguf_path.is_file():
            raise ModelLoadError(f"GGUF file not found: {self.gguf_path}")
        try:
            self._llm = Llama(model_path=str(self.gguf_path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                              n_threads_batch=self.n_threads, n_batch=512, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"llama.cpp cannot load {self.gguf_path}: {exc}") from exc

    def _save_prefix(self, fixed_prefix: str) -> None:
        import llama_cpp

        llm = self._llm
        llm.reset()
        ids = llm.tokenize(fixed_prefix.encode("utf-8"), add_bos=True, special=False)
        llm.eval(ids)
        ctx = llm._ctx.ctx
        size = llama_cpp.llama_state_get_size(ctx)
        buf = (ctypes.c_uint8 * size)()
        used = llama_cpp.llama_state_get_data(ctx, buf, size)
        self._state = (ctypes.c_uint8 * used).from_buffer_copy(buf)
        self._prefix_ids = np.array(ids, dtype=np.intc)
        self._prefix_text = fixed_prefix
        log.info("llama.cpp prefix state: %d tokens, %.1f MB", len(ids), used / 1e6)

    def _restore_prefix(self) -> None:
        import llama_cpp

        llm = self._llm
        n = len(self._prefix_ids)
        if llama_cpp.llama_state_set_data(llm._ctx.ctx, self._state, len(self._state)) != len(self._state):
            raise GenerationError("llama.cpp could not restore the prompt prefix state")
        llm.input_ids[:n] = self._prefix_ids
        llm.n_tokens = n

    def stream(self, prompt: Prompt, max_new_tokens: int, temperature: float = 0.0,
               cancel: Cancel | None = None) -> Iterator[str]:
        with self._lock:
            if self._prefix_text != prompt.fixed:
                self._load()
                self._save_prefix(prompt.fixed)
            self._restore_prefix()
            yield from self._decode(prompt.body, prompt.stop, max_new_tokens, temperature, cancel)

    def stream_cold(self, prompt: Prompt, max_new_tokens: int) -> Iterator[str]:
        """The same prompt evaluated from an empty context in one piece (no saved state): what prefix
        reuse is compared against. Greedy."""
        with self._lock:
            self._load()
            self._llm.reset()
            self._prefix_text = None  # the context no longer holds the prefix state
            yield from self._decode(prompt.fixed + prompt.body, prompt.stop, max_new_tokens, 0.0, None, add_bos=True)

    def _decode(self, text: str, stops: tuple[str, ...], max_new_tokens: int, temperature: float,
                cancel: Cancel | None, add_bos: bool = False) -> Iterator[str]:
        """Evaluates ``text`` after the current context, then samples until a stop (caller holds the lock)."""
        import llama_cpp

        llm = self._llm
        tokens = llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=False)
        room = self.n_ctx - llm.n_tokens - len(tokens)
        if room < 8:
            raise GenerationError(f"the prompt ({llm.n_tokens + len(tokens)} tokens) does not fit n_ctx={self.n_ctx}")
        llm.eval(tokens)
        watcher = StopWatcher(stops)
        pending = b""  # bytes of a multi-byte character split across tokens
        vocab = llm._model.vocab
        sampler = self._sampler(temperature)
        for _ in range(min(max_new_tokens, room)):
            if cancel is not None and cancel.is_set:
                return
            token = sampler.sample(llm._ctx, -1)
            if llama_cpp.llama_vocab_is_eog(vocab, token):
                break
            pending += llm.detokenize([token])
            try:
                piece, pending = pending.decode("utf-8"), b""
            except UnicodeDecodeError:
                piece = ""
            out = watcher.feed(piece) if piece else ""
            if out:
                yield out
            if watcher.stopped:
                return
            llm.eval([token])
        tail = watcher.flush()
        if tail:
            yield tail
