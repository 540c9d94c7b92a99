"""GGUF-native generation with llama-cpp-python: answers decoded together, each from a saved prompt state.

    >>> from assistant.prompt import build_prompt
    >>> gen = from_settings(settings)             # LlamaCppGenerator(gguf_path, n_threads=..., parallel=8, ...)
    >>> prompt = build_prompt(glossary.by_term("Mixup"), "what is mixup?")
    >>> gen.warm_up(prompt.fixed)
    >>> "".join(gen.stream(prompt, max_new_tokens=30)) == "".join(gen.stream(prompt, max_new_tokens=30))
    True

Up to ``parallel`` answers are decoded in one batch (``llamacpp_batch.BatchEngine``); more wait for a
free sequence. Every answer starts from a saved sequence state, never from what the previous request
left, so an answer does not depend on what was asked before:
- the fixed prompt head (instructions and worked examples, 230 tokens) is evaluated once; with
  ``state_dir`` its state is also kept on disk (CRC-checked, keyed by the model file, the head's tokens
  and every setting that changes it, the number of sequences included), so a new process restores it
  instead of evaluating it (0.3 s);
- the state after head + entry is kept per entry block (``entry_cache_mb``, least recently used out
  first; about 6 MB each), in files under ``state_dir/entries`` or, without ``state_dir``, in memory
  (``llamacpp_states.py``), so a question about an entry asked before only evaluates the question (about
  20 tokens instead of 100).
Greedy answers use prompt lookup: ``draft_tokens`` guesses copied from the prompt are checked in the
same batch, alone or with other answers.
"""
from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

from assistant.errors import GenerationError, ModelLoadError
from assistant.files import atomic_write
from assistant.generate.base import SCORED_AFTER, Cancel, Prompt
from assistant.generate.llamacpp_batch import N_BATCH, BatchEngine, Job, SeqState
from assistant.generate.llamacpp_states import StateFiles, read_state_file, state_cache, state_file_bytes
from assistant.generate.models import is_packaged, packaged_gguf
from assistant.settings import Settings

log = logging.getLogger(__name__)
_KEEP_STATES = 8  # state files kept in state_dir (newest first); each is about 4 MB
_STATE_FORMAT = "seq-state-2"  # what the files hold: ``llamacpp_states.state_file_bytes`` of one sequence's state


class LlamaCppGenerator:
    def __init__(self, gguf_path: Path, n_threads: int = 2, n_ctx: int = 1024, state_dir: Path | None = None,
                 draft_tokens: int = 3, parallel: int = 8, entry_cache_mb: int = 1024) -> None:
        """``n_ctx``: tokens per answer (prompt and completion); ``parallel``: answers decoded together."""
        self.gguf_path = Path(gguf_path)
        self.n_threads = n_threads
        self.n_ctx = n_ctx
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.draft_tokens = draft_tokens
        self.parallel = parallel
        self.prefix_source = ""  # "evaluated" or "disk": where the current prefix state came from
        self.name = f"llama_cpp:{self.gguf_path.name}"
        self._engine: BatchEngine | None = None
        self._lock = threading.Lock()  # loading and changing the prefix
        self._prefix_text: str | None = None
        self._prefix: SeqState | None = None
        self._prefix_key = ""
        budget = entry_cache_mb * 2**20
        self._entry_states = StateFiles(self.state_dir / "entries", budget) if self.state_dir is not None \
            else state_cache(budget)

    def warm_up(self, fixed_prefix: str) -> None:
        self._prefix_for(fixed_prefix)

    @property
    def load(self) -> dict[str, int]:
        """Answers decoding and waiting for a sequence."""
        return self._engine.load if self._engine is not None else {"decoding": 0, "waiting": 0}

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
                self._prefix_text = None

    def stream(self, prompt: Prompt, max_new_tokens: int, temperature: float = 0.0,
               cancel: Cancel | None = None) -> Iterator[str]:
        start = self._prefix_for(prompt.fixed)
        engine = self._engine
        job = Job(engine.tokenize(prompt.body), max_new_tokens, start=start, temperature=temperature,
                  stops=prompt.stop, cancel=cancel or Cancel(), draft_tokens=self.draft_tokens)
        engine.submit(self._from_entry(job, engine.tokenize(prompt.entry) if prompt.entry else []))
        yield from job.chunks()

    def sentence_logprobs(self, prompt: Prompt, sentences: list[str]) -> list[float]:
        """Mean log-probability per token of each sentence, read alone right after the prompt's head and entry
        and ``SCORED_AFTER`` (no question): how likely the model finds the sentence from the entry alone."""
        start = self._prefix_for(prompt.fixed)
        engine = self._engine
        entry, lead = engine.tokenize(prompt.entry), engine.tokenize(prompt.entry + SCORED_AFTER)
        jobs = []
        for sentence in sentences:
            scored = engine.tokenize(" " + sentence.strip())
            job = self._from_entry(Job(lead + scored, 0, start=start), entry)
            job.score_from = len(job.tokens) - len(scored)
            engine.submit(job)
            jobs.append(job)
        for job in jobs:
            for _ in job.chunks():
                pass
        return [sum(job.logprobs) / max(1, len(job.logprobs)) for job in jobs]

    def _from_entry(self, job: Job, entry: list[int]) -> Job:
        """The job started from the saved state of head + ``entry`` (its tokens) when there is one, else saving
        it on the way (the entry's own state saves evaluating it again)."""
        if entry and job.tokens[:len(entry)] == entry:
            key = (self._prefix_key, tuple(entry))
            cached = self._entry_states.get(key)
            if cached is not None:
                job.start, job.tokens, job.lookup = cached, job.tokens[len(entry):], entry
            else:
                job.snapshot_at = len(entry)
                job.on_snapshot = lambda state: self._entry_states.put(key, state)
        return job

    def stream_cold(self, prompt: Prompt, max_new_tokens: int) -> Iterator[str]:
        """The same prompt evaluated from an empty sequence in one piece (no saved state): what the state
        reuse is compared against. Greedy, without prompt lookup guesses."""
        self._prefix_for(prompt.fixed)
        job = Job(self._engine.tokenize(prompt.fixed + prompt.body, bos=True), max_new_tokens, stops=prompt.stop)
        self._engine.submit(job)
        yield from job.chunks()

    def _prefix_for(self, fixed_prefix: str) -> SeqState:
        """The saved state of ``fixed_prefix``, loading the model and making the state when needed."""
        with self._lock:
            if self._engine is None:
                self._load()
            if self._prefix_text != fixed_prefix:
                self._save_prefix(fixed_prefix)
            return self._prefix

    def _load(self) -> None:
        try:
            import llama_cpp  # noqa: F401
        except ImportError as exc:
            raise ModelLoadError("llama-cpp-python is not installed (pip install '.[llama]')") from exc
        if not self.gguf_path.is_file():
            raise ModelLoadError(f"GGUF file not found: {self.gguf_path}")
        self._engine = BatchEngine(self.gguf_path, n_seq=self.parallel, n_ctx_seq=self.n_ctx,
                                   n_threads=self.n_threads)

    def _save_prefix(self, fixed_prefix: str) -> None:
        ids = self._engine.tokenize(fixed_prefix, bos=True)
        self._prefix_key = self._state_key(ids)
        state_file = self.state_dir / f"{self.gguf_path.stem}-{self._prefix_key[:24]}.state" if self.state_dir else None
        state = self._read_state(state_file)
        self.prefix_source = "disk" if state is not None else "evaluated"
        if state is None:
            made: list[SeqState] = []
            _run(self._engine, Job(ids, 0, snapshot_at=len(ids), on_snapshot=made.append))
            state = made[0]
            self._write_state(state_file, state)
        self._prefix, self._prefix_text = state, fixed_prefix
        log.info("llama.cpp prefix state (%s): %d tokens, %.1f MB", self.prefix_source, len(ids), len(state.blob) / 1e6)

    def _state_key(self, ids: list[int]) -> str:
        """A hash of everything a state after these prefix tokens depends on (entry states add their tokens)."""
        import llama_cpp

        stat = self.gguf_path.stat()
        key = repr((_STATE_FORMAT, str(self.gguf_path.resolve()), stat.st_size, stat.st_mtime_ns, llama_cpp.__version__,
                    N_BATCH, self.n_threads, self.parallel, ids))
        return hashlib.sha256(key.encode()).hexdigest()

    def _read_state(self, path: Path | None) -> SeqState | None:
        """The saved state if its checksum holds and llama.cpp accepts it; None (and the file removed) otherwise."""
        state = read_state_file(path) if path is not None else None
        if state is None:
            return None
        try:
            _run(self._engine, Job([], 0, start=state))
            return state
        except GenerationError:
            log.warning("discarding an unusable prefix state file %s; evaluating the prefix again", path)
            path.unlink(missing_ok=True)
            return None

    def _write_state(self, path: Path | None, state: SeqState) -> None:
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, state_file_bytes(state))
            for old in sorted(path.parent.glob("*.state"), key=lambda p: p.stat().st_mtime, reverse=True)[_KEEP_STATES:]:
                old.unlink(missing_ok=True)
        except OSError as exc:  # a read-only or full cache only costs the next start 0.3 s
            log.warning("cannot keep the prefix state in %s: %s", path.parent, exc.strerror or exc)


def _run(engine: BatchEngine, job: Job) -> None:
    """Runs a job that yields no text to its end, raising its error."""
    engine.submit(job)
    for _ in job.chunks():
        pass


def from_settings(settings: Settings) -> LlamaCppGenerator:
    gguf = packaged_gguf(settings.model_cache_dir) if is_packaged(settings.generator_model) \
        else Path(settings.generator_model).expanduser()
    return LlamaCppGenerator(gguf, n_threads=settings.n_threads, n_ctx=settings.n_ctx,
                             state_dir=settings.model_cache_dir / "llama-state", draft_tokens=settings.draft_tokens,
                             parallel=settings.max_batch_sequences, entry_cache_mb=settings.entry_cache_mb)
