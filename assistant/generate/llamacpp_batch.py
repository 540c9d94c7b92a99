"""Continuous batching on llama.cpp: every answer in progress advances in one ``llama_decode`` per step.

    >>> from assistant.generate.models import packaged_gguf
    >>> engine = BatchEngine(packaged_gguf(settings.model_cache_dir), n_seq=2, n_ctx_seq=512, n_threads=2)
    >>> job = Job(tokens=engine.tokenize("The capital of France is", bos=True), max_new_tokens=4)
    >>> engine.submit(job)
    >>> "".join(job.chunks()).strip() != ""
    True
    >>> engine.close()

Each answer owns one sequence of the context, with its own KV stream (``n_ctx_seq`` cells), so it
attends only to its own tokens. One thread runs the loop: a step puts each decoding answer's next token
and its prompt-lookup guesses, then waiting prompt (at most ``PROMPT_TOKENS_WHILE_DECODING`` tokens of it
while answers decode, else up to ``N_BATCH``), into one batch, decodes it, and hands each answer its tokens.
A new answer joins at the next step; a finished, stopped or cancelled one leaves and frees its sequence for
the next. One pass over the weights serves every row of a step: on 2 cores with AVX a step of 1 row takes
about 14 ms, of 8 rows 50 ms, of 32 rows (8 answers with 3 guesses each) about 135 ms, and grounded answers
copy their entry, so most guesses are kept. (With AVX2, 1 row 16 ms but every further row with logits about
7.5 ms: the 262k-word output layer, evaluated per row.)

An answer starts from a saved sequence state (``SeqState``: the fixed prompt head, or head + entry),
restored into its sequence with ``llama_state_seq_set_data``, so it does not depend on what was asked
before. What else is in the batch can still move a near-tie, because a bigger batch sums in another
order; ``tests/test_batching.py`` measures how often.
"""
from __future__ import annotations

import collections
import ctypes
import heapq
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.errors import GenerationError, ModelLoadError
from assistant.generate.base import Cancel, StopWatcher
from assistant.generate.lookup import propose

log = logging.getLogger(__name__)
N_BATCH = 512  # most tokens in one step, when no answer is decoding
# While answers are decoding, a step evaluates at most this many prompt tokens (about one question) next to them:
# a burst of newcomers' prompts then slows each decoding answer's step to about twice its cost instead of
# 10-15 times (chunked prefill), so an answer being written is not stalled by every question asked after it.
PROMPT_TOKENS_WHILE_DECODING = 32
_SEED = 1234  # sampling (temperature > 0) seed: the same request samples the same text


_log_callback = None  # kept referenced: llama.cpp calls it from C
_GGML_ERROR = 4  # ggml_log_level: NONE, DEBUG, INFO, WARN, ERROR, CONT


def _route_llama_logs(llama_cpp) -> None:
    """llama.cpp's log lines go to this module's logger (errors as errors, the rest as debug), not stderr."""
    global _log_callback
    if _log_callback is None:
        @llama_cpp.llama_log_callback
        def forward(level: int, text: bytes, _user_data) -> None:
            text = text.decode("utf-8", "replace").rstrip()
            log.log(logging.ERROR if level == _GGML_ERROR else logging.DEBUG, "%s", text)

        _log_callback = forward
        llama_cpp.llama_log_set(_log_callback, None)


@dataclass(frozen=True)
class SeqState:
    """A sequence's saved KV state and how many positions it holds."""

    blob: bytes
    n_tokens: int


@dataclass(eq=False)
class Job:
    """One completion: prompt tokens evaluated after ``start``, then tokens generated until a stop.

    With ``snapshot_at`` the sequence state after that many prompt tokens is passed to ``on_snapshot``
    (how a head or entry state is made); ``max_new_tokens=0`` ends the job there. With ``score_from`` the
    log-probability of each prompt token from that index on is kept in ``logprobs`` (how likely the model
    finds a given text after ``start``)."""

    tokens: list[int]
    max_new_tokens: int
    start: SeqState | None = None
    temperature: float = 0.0
    stops: tuple[str, ...] = ()
    cancel: Cancel = field(default_factory=Cancel)
    draft_tokens: int = 0  # greedy: most prompt-lookup guesses per step
    lookup: list[int] = field(default_factory=list)  # tokens already in ``start`` that guesses may copy too
    snapshot_at: int = 0
    on_snapshot: Callable[[SeqState], None] | None = None
    score_from: int | None = None
    logprobs: list[float] = field(default_factory=list)
    out: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)  # str chunks, then None or an error
    # progress, owned by the engine thread
    seq: int = -1
    pos: int = 0
    fed: int = 0  # prompt tokens evaluated
    produced: int = 0
    limit: int = 0
    next_token: int | None = None  # chosen, emitted, not yet evaluated
    guesses: list[int] = field(default_factory=list)
    context: list[int] = field(default_factory=list)
    sampler: object | None = None
    watcher: StopWatcher | None = None
    pending: bytes = b""  # bytes of a character split across tokens
    closed: bool = False  # the reader stopped reading

    @property
    def gone(self) -> bool:
        return self.closed or self.cancel.is_set

    def chunks(self) -> Iterator[str]:
        """The completion's text as it is produced; raises what the engine raised for this job. It ends at
        once when the job is cancelled (text already decoded is dropped); closing it early cancels the job."""
        try:
            while (item := self.out.get()) is not None and not self.cancel.is_set:
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.closed = True


class BatchEngine:
    def __init__(self, gguf_path: Path, n_seq: int, n_ctx_seq: int, n_threads: int) -> None:
        import llama_cpp

        self._ll = llama_cpp
        self.n_seq = n_seq
        self.n_ctx_seq = n_ctx_seq
        _route_llama_logs(llama_cpp)
        llama_cpp.llama_backend_init()
        model_params = llama_cpp.llama_model_default_params()
        self._model = llama_cpp.llama_model_load_from_file(str(gguf_path).encode(), model_params)
        if not self._model:
            raise ModelLoadError(f"llama.cpp cannot load {gguf_path}")
        params = llama_cpp.llama_context_default_params()
        params.n_ctx, params.n_seq_max, params.kv_unified = n_ctx_seq * n_seq, n_seq, False
        params.n_batch = params.n_ubatch = N_BATCH
        params.n_threads = params.n_threads_batch = n_threads
        params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED  # faster here on short prompts
        self._ctx = llama_cpp.llama_init_from_model(self._model, params)
        if not self._ctx:
            llama_cpp.llama_model_free(self._model)
            raise ModelLoadError(f"llama.cpp cannot make a context for {gguf_path} ({n_seq} x {n_ctx_seq} tokens)")
        self._vocab = llama_cpp.llama_model_get_vocab(self._model)
        self._n_vocab = llama_cpp.llama_vocab_n_tokens(self._vocab)
        self._memory = llama_cpp.llama_get_memory(self._ctx)
        self._batch = llama_cpp.llama_batch_init(N_BATCH, 0, 1)
        self._waiting: collections.deque[Job] = collections.deque()
        self._active: list[Job] = []
        self._free = list(range(n_seq))  # a heap: the lowest free sequence id is used first
        self._wake = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name="llama-batch", daemon=True)
        self._thread.start()

    # --- called from any thread

    def tokenize(self, text: str, bos: bool = False) -> list[int]:
        data = text.encode("utf-8")
        buf = (self._ll.llama_token * (len(data) + 8))()
        n = self._ll.llama_tokenize(self._vocab, data, len(data), buf, len(buf), bos, False)
        return list(buf[:n])

    def submit(self, job: Job) -> None:
        with self._wake:
            if self._closed:
                raise GenerationError("the llama.cpp engine is closed")
            self._waiting.append(job)
            self._wake.notify()

    @property
    def load(self) -> dict[str, int]:
        return {"decoding": len(self._active), "waiting": len(self._waiting)}

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join()
        self._ll.llama_batch_free(self._batch)
        self._ll.llama_free(self._ctx)
        self._ll.llama_model_free(self._model)

    # --- the engine thread

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._closed and not self._waiting and not self._active:
                    self._wake.wait()
                if self._closed:
                    for job in [*self._active, *self._waiting]:
                        job.out.put(GenerationError("the llama.cpp engine closed"))
                    return
                newcomers = [self._waiting.popleft() for _ in range(min(len(self._waiting), len(self._free)))]
            for job in newcomers:
                try:
                    self._begin(job)
                except Exception as exc:  # a job that cannot start fails alone
                    log.exception("llama.cpp job could not start")
                    self._end(job, GenerationError(f"llama.cpp could not start the answer: {exc}"))
            try:
                self._step()
            except Exception as exc:  # a failed decode ends the answers in it, not the engine
                log.exception("llama.cpp batch step failed")
                for job in list(self._active):
                    self._end(job, GenerationError(f"llama.cpp decode failed: {exc}"))

    def _begin(self, job: Job) -> None:
        """Gives the job a sequence holding its start state (or nothing); from here on the job is active."""
        job.seq = heapq.heappop(self._free)
        self._active.append(job)
        self._ll.llama_memory_seq_rm(self._memory, job.seq, -1, -1)
        if job.start is not None:
            blob = job.start.blob  # read in place: llama.cpp copies it into the sequence
            data = ctypes.cast(ctypes.c_char_p(blob), ctypes.POINTER(ctypes.c_uint8))
            if self._ll.llama_state_seq_set_data(self._ctx, data, len(blob), job.seq) != len(blob):
                self._end(job, GenerationError("llama.cpp could not restore a saved sequence state"))
                return
            job.pos, job.start = job.start.n_tokens, None  # the sequence holds the state now: let it go
        room = self.n_ctx_seq - job.pos - len(job.tokens)
        job.limit = min(job.max_new_tokens, room)
        if room < (8 if job.max_new_tokens else 0):
            self._end(job, GenerationError(f"the prompt ({job.pos + len(job.tokens)} tokens) does not fit "
                                           f"n_ctx={self.n_ctx_seq}"))
            return
        if not job.tokens:  # a state restored to check that llama.cpp accepts it
            self._end(job, None if job.max_new_tokens == 0 else GenerationError("nothing to continue from"))
            return
        job.context = job.lookup + job.tokens
        job.watcher = StopWatcher(job.stops)
        if job.temperature > 0:
            job.sampler = self._sampler(job.temperature)

    def _step(self) -> None:
        for job in [j for j in self._active if j.gone]:
            self._end(job)
        decoding = [j for j in self._active if j.next_token is not None]
        plan: list[tuple[Job, list[int], int]] = []  # (job, tokens, rows with logits at the end)
        most_guesses = {job: 0 if job.sampler is not None else min(job.draft_tokens, job.limit - job.produced - 1)
                        for job in decoding}
        for job, most in most_guesses.items():
            job.guesses = propose(job.context, most)
        # llama.cpp runs a step in one pass only when its sequences have equally many rows: shorter guess
        # lists are padded (a padded guess is checked like any other; usually it is just rejected).
        width = max((len(j.guesses) for j in decoding), default=0)
        for job, most in most_guesses.items():
            job.guesses += [job.next_token] * (min(width, most) - len(job.guesses))
            tokens = [job.next_token, *job.guesses]
            plan.append((job, tokens, len(tokens)))
        room = N_BATCH - sum(len(tokens) for _, tokens, _ in plan)
        if decoding:
            room = min(room, PROMPT_TOKENS_WHILE_DECODING)
        for job in [j for j in self._active if j.next_token is None]:
            end = job.snapshot_at if job.fed < job.snapshot_at else len(job.tokens)
            chunk = job.tokens[job.fed:min(end, job.fed + room)]
            if chunk:
                room -= len(chunk)
                outputs = int(job.fed + len(chunk) == len(job.tokens) and job.max_new_tokens > 0)
                if job.score_from is not None:  # the rows that predict a scored token (and the last)
                    outputs = min(len(chunk), max(1, job.fed + len(chunk) + 1 - job.score_from))
                plan.append((job, chunk, outputs))
        # Rows in increasing sequence order: llama.cpp puts consecutive sequence ids in one pass over the
        # weights (with one KV stream per sequence); out of order, a step costs up to twice as much.
        self._batch.n_tokens = 0
        rows = [self._add(job, tokens, outputs) for job, tokens, outputs in sorted(plan, key=lambda p: p[0].seq)]
        if not rows:
            return
        code = self._ll.llama_decode(self._ctx, self._batch)
        if code != 0:
            raise GenerationError(f"llama_decode returned {code}")
        for job, first, n in rows:
            if job.next_token is None:
                self._prefilled(job, first, n)
            else:
                self._decoded(job, first)

    def _add(self, job: Job, tokens: list[int], outputs: int) -> tuple[Job, int, int]:
        """Appends ``tokens`` at the job's next positions, with logits at the last ``outputs`` rows."""
        batch, first = self._batch, self._batch.n_tokens
        for i, token in enumerate(tokens):
            batch.token[first + i] = token
            batch.pos[first + i] = job.pos + i
            batch.n_seq_id[first + i] = 1
            batch.seq_id[first + i][0] = job.seq
            batch.logits[first + i] = i >= len(tokens) - outputs
        batch.n_tokens = first + len(tokens)
        return job, first, len(tokens)

    def _prefilled(self, job: Job, first: int, n: int) -> None:
        if job.score_from is not None:  # row r predicts prompt token fed + r + 1
            job.logprobs += [self._logprob(first + r, job.tokens[job.fed + r + 1]) for r in range(n)
                             if job.score_from <= job.fed + r + 1 < len(job.tokens)]
        job.fed += n
        job.pos += n
        if job.fed == job.snapshot_at and job.on_snapshot is not None:
            job.on_snapshot(self._snapshot(job))
        if job.fed < len(job.tokens):
            return
        if job.max_new_tokens == 0:
            self._end(job)
            return
        self._emit(job, self._pick(job, first + n - 1))

    def _decoded(self, job: Job, first: int) -> None:
        """The job's next token and guesses were evaluated: keep the guesses the model agrees with."""
        job.pos += 1
        token = None
        for i, guess in enumerate(job.guesses):
            best = self._pick(job, first + i)
            if best != guess:
                token = best
                break
            job.pos += 1
            if not self._emit(job, guess):
                return
        if token is None:
            token = self._pick(job, first + len(job.guesses))
        if job.guesses:
            self._ll.llama_memory_seq_rm(self._memory, job.seq, job.pos, -1)  # rejected guesses
        self._emit(job, token)

    def _pick(self, job: Job, row: int) -> int:
        if job.sampler is not None:
            return self._ll.llama_sampler_sample(job.sampler, self._ctx, row)
        logits = self._ll.llama_get_logits_ith(self._ctx, row)
        return int(np.argmax(np.ctypeslib.as_array(logits, shape=(self._n_vocab,))))

    def _logprob(self, row: int, token: int) -> float:
        logits = np.ctypeslib.as_array(self._ll.llama_get_logits_ith(self._ctx, row), shape=(self._n_vocab,))
        top = float(logits.max())
        return float(logits[token]) - top - float(np.log(np.exp(logits - top).sum()))

    def _emit(self, job: Job, token: int) -> bool:
        """Hands the token's text to the job; False when the job ended with it."""
        job.context.append(token)
        job.produced += 1
        if self._ll.llama_vocab_is_eog(self._vocab, token):
            return self._end(job)
        job.pending += self._piece(token)
        try:
            text, job.pending = job.pending.decode("utf-8"), b""
        except UnicodeDecodeError:
            text = ""
        out = job.watcher.feed(text) if text else ""
        if out:
            job.out.put(out)
        if job.watcher.stopped or job.produced >= job.limit:
            return self._end(job)
        job.next_token = token
        return True

    def _end(self, job: Job, error: BaseException | None = None) -> bool:
        if error is None and job.watcher is not None:
            tail = job.watcher.flush()
            if tail:
                job.out.put(tail)
        job.out.put(error)
        self._active.remove(job)
        self._ll.llama_memory_seq_rm(self._memory, job.seq, -1, -1)
        heapq.heappush(self._free, job.seq)
        if job.sampler is not None:
            self._ll.llama_sampler_free(job.sampler)
        return False

    def _snapshot(self, job: Job) -> SeqState:
        size = self._ll.llama_state_seq_get_size(self._ctx, job.seq)
        buf = (ctypes.c_uint8 * size)()
        used = self._ll.llama_state_seq_get_data(self._ctx, buf, size, job.seq)
        return SeqState(ctypes.string_at(buf, used), job.pos)  # not bytes(buf[:used]): a list of 6M ints, 0.2 s

    def _piece(self, token: int) -> bytes:
        buf = ctypes.create_string_buffer(64)
        n = self._ll.llama_token_to_piece(self._vocab, token, buf, len(buf), 0, False)
        if n < 0:
            buf = ctypes.create_string_buffer(-n)
            n = self._ll.llama_token_to_piece(self._vocab, token, buf, len(buf), 0, False)
        return buf.raw[:n]

    def _sampler(self, temperature: float):
        ll = self._ll
        chain = ll.llama_sampler_chain_init(ll.llama_sampler_chain_default_params())
        for stage in (ll.llama_sampler_init_top_k(40), ll.llama_sampler_init_top_p(0.95, 1),
                      ll.llama_sampler_init_min_p(0.05, 1), ll.llama_sampler_init_temp(temperature),
                      ll.llama_sampler_init_dist(_SEED)):
            ll.llama_sampler_chain_add(chain, stage)
        return chain
