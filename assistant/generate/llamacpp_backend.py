"""GGUF-native generation with llama-cpp-python, with deterministic reuse of the fixed prompt prefix.

    >>> from assistant.prompt import build_prompt
    >>> gen = from_settings(settings)             # LlamaCppGenerator(gguf_path, n_threads=..., state_dir=...)
    >>> prompt = build_prompt(glossary.by_term("Mixup"), "what is mixup?")
    >>> gen.warm_up(prompt.fixed)
    >>> "".join(gen.stream(prompt, max_new_tokens=30)) == "".join(gen.stream(prompt, max_new_tokens=30))
    True

The fixed prefix is evaluated once; its context state (~5 MB: KV cache, positions) is saved with
``llama_state_get_data`` and restored with ``llama_state_set_data`` before every request (about 2 ms),
so the body is always evaluated on the same state in the same batches: an answer does not depend on
what was asked before. (llama-cpp-python's own prefix cache reuses whatever the previous request left,
which changes greedy answers.)

With ``state_dir`` the saved state is also kept on disk (checksummed, keyed by the model file, the
prefix tokens and every setting that changes it), so a new process restores it instead of evaluating
the prefix again (0.4 s of a 2 s start).
"""
from __future__ import annotations

import ctypes
import hashlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from assistant.errors import GenerationError, ModelLoadError
from assistant.files import atomic_write
from assistant.generate.base import Cancel, Prompt, StopWatcher
from assistant.generate.lookup import propose
from assistant.generate.models import is_packaged, packaged_gguf
from assistant.settings import Settings

log = logging.getLogger(__name__)
_N_BATCH = 512
_KEEP_STATES = 8  # state files kept in state_dir (newest first); each is about 5 MB


class LlamaCppGenerator:
    def __init__(self, gguf_path: Path, n_threads: int = 2, n_ctx: int = 2048, state_dir: Path | None = None,
                 draft_tokens: int = 3) -> None:
        self.gguf_path = Path(gguf_path)
        self.n_threads = n_threads
        self.n_ctx = n_ctx
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.draft_tokens = draft_tokens
        self.prefix_source = ""  # "evaluated" or "disk": where the current prefix state came from
        self.name = f"llama_cpp:{self.gguf_path.name}"
        self._llm = None
        self._lock = threading.Lock()  # one llama context: requests run one at a time
        self._prefix_text: str | None = None
        self._prefix_ids: np.ndarray | None = None
        self._state: ctypes.Array | None = None
        self._samplers: dict[float, object] = {}
        self._n_vocab = 0

    def _sampler(self, temperature: float):
        """One sampler chain per temperature (> 0), built once."""
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
                              n_threads_batch=self.n_threads, n_batch=_N_BATCH, verbose=False)
        except (ValueError, RuntimeError) as exc:
            raise ModelLoadError(f"llama.cpp cannot load {self.gguf_path}: {exc}") from exc
        self._n_vocab = self._llm.n_vocab()

    def _save_prefix(self, fixed_prefix: str) -> None:
        import llama_cpp

        llm = self._llm
        ids = llm.tokenize(fixed_prefix.encode("utf-8"), add_bos=True, special=False)
        self._prefix_ids = np.array(ids, dtype=np.intc)
        self._prefix_text = None  # until a state for these ids is in place
        state_file = self._state_file(ids)
        self._state = self._read_state(state_file)  # each request restores the state before decoding
        if self._state is not None:
            self.prefix_source = "disk"
        else:
            llm.reset()
            llm.eval(ids)
            ctx = llm._ctx.ctx
            size = llama_cpp.llama_state_get_size(ctx)
            buf = (ctypes.c_uint8 * size)()
            used = llama_cpp.llama_state_get_data(ctx, buf, size)
            self._state = (ctypes.c_uint8 * used).from_buffer_copy(buf)
            self.prefix_source = "evaluated"
            self._write_state(state_file)
        self._prefix_text = fixed_prefix
        log.info("llama.cpp prefix state (%s): %d tokens, %.1f MB", self.prefix_source, len(ids),
                 len(self._state) / 1e6)

    def _state_file(self, ids: list[int]) -> Path | None:
        """Where the state for these prefix tokens lives: the name hashes everything that changes it."""
        if self.state_dir is None:
            return None
        import llama_cpp

        stat = self.gguf_path.stat()
        key = hashlib.sha256(repr((str(self.gguf_path.resolve()), stat.st_size, stat.st_mtime_ns, llama_cpp.__version__,
                                   self.n_ctx, _N_BATCH, self.n_threads, ids)).encode()).hexdigest()
        return self.state_dir / f"{self.gguf_path.stem}-{key[:24]}.state"

    def _read_state(self, path: Path | None) -> ctypes.Array | None:
        """The saved state if its checksum holds and llama.cpp accepts it; None (and the file removed) otherwise."""
        if path is None or not path.is_file():
            return None
        blob = path.read_bytes()
        digest, payload = blob[:32], blob[32:]
        state = (ctypes.c_uint8 * len(payload)).from_buffer_copy(payload) if payload else None
        if state is not None and hashlib.sha256(payload).digest() == digest:
            import llama_cpp

            if llama_cpp.llama_state_set_data(self._llm._ctx.ctx, state, len(state)) == len(state):
                return state
        log.warning("discarding an unusable prefix state file %s; evaluating the prefix again", path)
        path.unlink(missing_ok=True)
        return None

    def _write_state(self, path: Path | None) -> None:
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            payload = bytes(self._state)
            atomic_write(path, hashlib.sha256(payload).digest() + payload)
            for old in sorted(path.parent.glob("*.state"), key=lambda p: p.stat().st_mtime, reverse=True)[_KEEP_STATES:]:
                old.unlink(missing_ok=True)
        except OSError as exc:  # a read-only or full cache only costs the next start 0.4 s
            log.warning("cannot keep the prefix state in %s: %s", path.parent, exc.strerror or exc)

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
        """Evaluates ``text`` after the current context, then generates until a stop (caller holds the lock)."""
        import llama_cpp

        llm = self._llm
        tokens = llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=False)
        room = self.n_ctx - llm.n_tokens - len(tokens)
        if room < 8:
            raise GenerationError(f"the prompt ({llm.n_tokens + len(tokens)} tokens) does not fit n_ctx={self.n_ctx}")
        llm.eval(tokens)
        limit = min(max_new_tokens, room)
        if temperature > 0:
            steps = self._sampled_tokens(temperature)
        else:
            steps = self._greedy_tokens(llm.input_ids[:llm.n_tokens].tolist(), limit)
        watcher = StopWatcher(stops)
        pending = b""  # bytes of a multi-byte character split across tokens
        vocab = llm._model.vocab
        for _, token in zip(range(limit), steps):
            if cancel is not None and cancel.is_set:
                return
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
        tail = watcher.flush()
        if tail:
            yield tail

    def _sampled_tokens(self, temperature: float) -> Iterator[int]:
        llm, sampler = self._llm, self._sampler(temperature)
        while True:
            token = sampler.sample(llm._ctx, -1)
            yield token
            llm.eval([token])

    def _greedy_tokens(self, context: list[int], limit: int) -> Iterator[int]:
        """Greedy tokens, with prompt lookup: up to ``draft_tokens`` guesses (tokens that followed the same
        n-gram earlier in the context) are evaluated in the same batch as the next token, and each guess
        the model agrees with is kept without a decode of its own. Guesses depend only on this prompt,
        so answers stay independent of earlier requests."""
        llm = self._llm
        token = self._best(-1)
        produced = 0
        while True:
            yield token
            context.append(token)
            produced += 1
            guesses = propose(context, min(self.draft_tokens, limit - produced))
            self._eval_batch([token, *guesses])
            token = None
            for i, guess in enumerate(guesses):
                best = self._best(i)
                if best != guess:
                    token = best
                    break
                yield guess
                context.append(guess)
                produced += 1
                llm.n_tokens += 1
            if token is None:
                token = self._best(len(guesses))

    def _eval_batch(self, batch: list[int]) -> None:
        """Evaluates ``batch`` after the accepted context with logits at every position; the first token
        becomes part of the context (guesses are added as they are accepted; the rest are dropped)."""
        llm = self._llm
        llm._ctx.kv_cache_seq_rm(-1, llm.n_tokens, -1)
        llm._batch.set_batch(batch=batch, n_past=llm.n_tokens, logits_all=True)
        llm._ctx.decode(llm._batch)
        llm.n_tokens += 1

    def _best(self, row: int) -> int:
        """The highest-scoring next token after batch position ``row`` (-1: the last evaluated)."""
        import llama_cpp

        logits = llama_cpp.llama_get_logits_ith(self._llm._ctx.ctx, row)
        return int(np.argmax(np.ctypeslib.as_array(logits, shape=(self._n_vocab,))))


def from_settings(settings: Settings) -> LlamaCppGenerator:
    gguf = packaged_gguf(settings.model_cache_dir) if is_packaged(settings.generator_model) \
        else Path(settings.generator_model).expanduser()
    return LlamaCppGenerator(gguf, n_threads=settings.n_threads, n_ctx=settings.n_ctx,
                             state_dir=settings.model_cache_dir / "llama-state", draft_tokens=settings.draft_tokens)
