"""Continuous batching in the llama.cpp backend, on the packaged model: answers decoded together are the
answers given alone, one can be cancelled mid-batch, a newcomer joins while others decode."""
from __future__ import annotations

import threading
import time

import pytest

from assistant.errors import GenerationError
from assistant.generate.base import Cancel
from assistant.generate.models import packaged_gguf
from assistant.prompt import build_prompt, fixed_prefix
from tests.conftest import needs_llama

pytestmark = needs_llama
# Entries after whose quoted definition the packaged model goes on writing, for this question (for others it
# stops there, and an empty answer would prove nothing about batching).
TERMS = ["Label Smoothing", "Batch Effect", "Model Drift", "Curriculum Learning", "Catastrophic Forgetting",
         "Counterfactual Explanations", "Gradient Clipping", "Dilated Convolution"]


@pytest.fixture(scope="module")
def llama(settings):
    from assistant.generate.llamacpp_backend import LlamaCppGenerator

    gen = LlamaCppGenerator(packaged_gguf(settings.model_cache_dir), n_threads=settings.n_threads, parallel=8)
    gen.warm_up(fixed_prefix())
    yield gen
    gen.close()


def _prompts(glossary, terms=TERMS):
    return [build_prompt(glossary.by_term(t), f"what is {t.lower()} and why is it used?") for t in terms]


def _together(gen, prompts, max_new_tokens=60, cancels=None) -> list[str]:
    """All prompts streamed at once from their own threads."""
    texts = [""] * len(prompts)

    def read(i: int) -> None:
        texts[i] = "".join(gen.stream(prompts[i], max_new_tokens, cancel=cancels[i] if cancels else None))

    threads = [threading.Thread(target=read, args=(i,)) for i in range(len(prompts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return texts


def test_an_answer_is_the_same_alone_and_in_a_batch_of_eight(llama, glossary):
    """Each answer starts from its own saved state and attends only to its own tokens, but a step with more
    rows can sum some products in another order, which moves a near-tie now and then (the benchmark
    reports the share: docs/benchmarks.md). How the rows fall depends on when each answer joins (chunked
    prefill), so the share varies from run to run (0 to 3 of 7 in four smoke runs): most must be the same."""
    prompts = _prompts(glossary)
    alone = ["".join(llama.stream(p, 60)) for p in prompts]
    batched = _together(llama, prompts)
    assert all(alone) and all(batched)
    assert sum(a != b for a, b in zip(alone, batched)) <= len(prompts) // 2
    assert llama.load == {"decoding": 0, "waiting": 0}, "every sequence was given back"


def test_one_answer_cancelled_mid_batch_leaves_the_others_whole(llama, glossary):
    prompts = _prompts(glossary, TERMS[:4])
    alone = ["".join(llama.stream(p, 60)) for p in prompts]
    cancel = Cancel()
    first_chunk = threading.Event()
    texts = [""] * 4

    def read(i: int) -> None:
        for chunk in llama.stream(prompts[i], 60, cancel=cancel if i == 0 else None):
            texts[i] += chunk
            if i == 0:
                first_chunk.set()

    threads = [threading.Thread(target=read, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    assert first_chunk.wait(30)
    cancel.set()
    for t in threads:
        t.join(timeout=60)
    assert len(texts[0]) < len(alone[0]), "the cancelled answer stopped early"
    assert alone[0].startswith(texts[0])
    assert sum(a == b for a, b in zip(alone[1:], texts[1:])) >= 2, "the others finished as they would alone"
    assert llama.load == {"decoding": 0, "waiting": 0}


def test_a_newcomer_joins_while_another_answer_decodes(llama, glossary):
    """Continuous batching: the second answer's first words arrive before the first answer is done."""
    long_prompt, short_prompt = _prompts(glossary, ["Counterfactual Explanations", "Gradient Clipping"])
    events: list[tuple[str, float]] = []
    long_started = threading.Event()

    def read(name: str, prompt, after: threading.Event | None) -> None:
        if after is not None:  # the newcomer arrives once the first answer is decoding, not after a fixed delay:
            assert after.wait(30)  # with its entry state cached, that answer is written in about 0.2 s
        for _ in llama.stream(prompt, 72):
            events.append((name, time.perf_counter()))
            if name == "long":
                long_started.set()
        events.append((name + " done", time.perf_counter()))

    threads = [threading.Thread(target=read, args=("long", long_prompt, None)),
               threading.Thread(target=read, args=("short", short_prompt, long_started))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    first_short = next(t for name, t in events if name == "short")
    long_done = next(t for name, t in events if name == "long done")
    assert first_short < long_done


def test_a_prompt_too_long_fails_alone(llama, glossary):
    """One request's error ends that request only; the batch goes on."""
    good = _prompts(glossary, ["Mixup"])[0]
    huge = build_prompt(glossary.by_term("Mixup"), "why? " * 60)
    huge = type(huge)(**{**huge.__dict__, "body": huge.body + " word" * 1200})
    errors: list[Exception] = []

    def read_huge() -> None:
        try:
            "".join(llama.stream(huge, 60))
        except GenerationError as exc:
            errors.append(exc)

    t = threading.Thread(target=read_huge)
    t.start()
    text = "".join(llama.stream(good, 60))
    t.join(timeout=30)
    assert errors and "does not fit" in str(errors[0])
    assert text == "".join(llama.stream(good, 60))


def test_the_entry_state_cache_does_not_change_answers(llama, settings, glossary):
    """The state kept after head + entry gives the answer a prompt evaluated from the head gives."""
    from assistant.generate.llamacpp_backend import LlamaCppGenerator

    uncached = LlamaCppGenerator(packaged_gguf(settings.model_cache_dir), n_threads=settings.n_threads, parallel=1,
                                 entry_cache_mb=0)
    try:
        prompts = _prompts(glossary, TERMS[:3])
        for p in prompts:
            "".join(llama.stream(p, 40))  # the entry states are kept now
        assert ["".join(llama.stream(p, 40)) for p in prompts] == ["".join(uncached.stream(p, 40)) for p in prompts]
    finally:
        uncached.close()


def test_a_job_that_cannot_start_fails_alone_and_the_engine_keeps_serving(llama, glossary):
    from assistant.generate.llamacpp_batch import Job

    broken = Job(tokens=None, max_new_tokens=10)  # no prompt tokens at all: the engine cannot start it
    llama._engine.submit(broken)
    failed: list[Exception] = []

    def read() -> None:
        try:
            list(broken.chunks())
        except GenerationError as exc:
            failed.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=30)  # a dead engine thread would leave the reader waiting forever
    assert failed and "could not start" in str(failed[0])
    assert "".join(llama.stream(_prompts(glossary, ["Label Smoothing"])[0], 30)), "the next answer is served"
    assert llama.load == {"decoding": 0, "waiting": 0}


def test_a_long_prompt_is_evaluated_in_pieces_while_another_answer_decodes(llama, glossary):
    """Chunked prefill: a newcomer's prompt of 400 tokens does not stall an answer being written for one long step;
    the answer goes on a token per step while the prompt is evaluated a few dozen tokens at a time."""
    from assistant.generate.llamacpp_batch import PROMPT_TOKENS_WHILE_DECODING, Job

    engine = llama._engine
    counting = Job(engine.tokenize("1, 2, 3, 4, 5, 6, 7,", bos=True), max_new_tokens=120)  # no guesses: a token a step
    text = " ".join(f"{e.term}: {e.definition}" for e in glossary.entries)
    newcomer = Job(engine.tokenize(text, bos=True)[:400], max_new_tokens=1)
    arrivals: list[float] = []
    writing = threading.Event()

    def read() -> None:
        for _ in counting.chunks():
            arrivals.append(time.perf_counter())
            writing.set()

    reader = threading.Thread(target=read)
    engine.submit(counting)
    reader.start()
    assert writing.wait(30)
    submitted = time.perf_counter()
    engine.submit(newcomer)
    list(newcomer.chunks())
    evaluated = time.perf_counter()
    reader.join(timeout=60)
    written_meanwhile = sum(submitted < t < evaluated for t in arrivals)
    assert arrivals[-1] > evaluated, "the answer was still being written when the prompt had been evaluated"
    assert written_meanwhile >= 400 // PROMPT_TOKENS_WHILE_DECODING - 4
    assert llama.load == {"decoding": 0, "waiting": 0}
