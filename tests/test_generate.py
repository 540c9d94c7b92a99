"""Both local backends on the real packaged model: streaming, stops, deterministic prefix reuse, caches."""
from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import time

import pytest

from assistant.generate import make_generator
from assistant.generate.base import StopWatcher
from assistant.generate.lookup import propose
from assistant.generate.models import converted_checkpoint, packaged_gguf
from assistant.prompt import build_prompt, fixed_prefix
from tests.conftest import needs_llama

QUESTIONS = [("Label Smoothing", "why would I use label smoothing?"), ("Model Drift", "what is model drift"),
             ("Mixup", "how does mixup make new training images?")]


def _text(gen, glossary, term, question, **kw) -> str:
    return "".join(gen.stream(build_prompt(glossary.by_term(term), question), max_new_tokens=60, **kw))


@pytest.fixture(scope="module")
def llama(settings):
    from assistant.generate.llamacpp_backend import LlamaCppGenerator

    gen = LlamaCppGenerator(packaged_gguf(settings.model_cache_dir), n_threads=settings.n_threads)
    gen.warm_up(fixed_prefix())
    yield gen
    gen.close()


def _check_backend_streams_and_stops(gen, glossary):
    chunks = list(gen.stream(build_prompt(glossary.by_term("Label Smoothing"), "what is label smoothing?"), 60))
    text = "".join(chunks)
    assert len(chunks) > 5, "the answer arrives in pieces"
    assert "\n" not in text, "generation stops at the end of the answer line"
    assert "overconfident" in text or "probability" in text


def _check_answers_do_not_depend_on_history(gen, glossary):
    first = {q: _text(gen, glossary, t, q) for t, q in QUESTIONS}
    for t, q in reversed(QUESTIONS):  # the same questions after others, in another order
        assert _text(gen, glossary, t, q) == first[q]
    return first


@needs_llama
def test_llama_streams_and_stops_at_the_answer_line(llama, glossary):
    _check_backend_streams_and_stops(llama, glossary)


def _answer_in_new_process(term: str, question: str, state_dir) -> tuple[str, str]:
    """(answer, where the prefix state came from) from a fresh interpreter."""
    code = (
        "import sys; from assistant.settings import load_settings; from assistant.corpus import load_glossary;"
        "from assistant.generate.llamacpp_backend import LlamaCppGenerator;"
        "from assistant.generate.models import packaged_gguf; from assistant.prompt import build_prompt, fixed_prefix;"
        f"s = load_settings(); g = LlamaCppGenerator(packaged_gguf(s.model_cache_dir), s.n_threads, state_dir={str(state_dir)!r});"
        "g.warm_up(fixed_prefix()); print(g.prefix_source, file=sys.stderr);"
        f"e = load_glossary(s.corpus_path).by_term({term!r});"
        f"print(''.join(g.stream(build_prompt(e, {question!r}), max_new_tokens=60)), end='')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return out.stdout, out.stderr.strip().splitlines()[-1]


@needs_llama
def test_llama_answer_is_the_same_first_after_others_and_in_a_new_process(llama, glossary, tmp_path):
    """The second new process restores the prefix state the first one kept on disk: same answer."""
    first = _check_answers_do_not_depend_on_history(llama, glossary)
    term, question = QUESTIONS[1]
    assert _answer_in_new_process(term, question, tmp_path) == (first[question], "evaluated")
    assert len(list(tmp_path.glob("*.state"))) == 1
    assert _answer_in_new_process(term, question, tmp_path) == (first[question], "disk")


@needs_llama
def test_a_damaged_prefix_state_file_is_evaluated_again(llama, glossary, settings, tmp_path):
    from assistant.generate.llamacpp_backend import LlamaCppGenerator

    def fresh_generator() -> LlamaCppGenerator:
        gen = LlamaCppGenerator(packaged_gguf(settings.model_cache_dir), settings.n_threads, state_dir=tmp_path)
        gen.warm_up(fixed_prefix())
        return gen

    def prefix_source() -> str:
        gen = fresh_generator()
        gen.close()
        return gen.prefix_source

    assert prefix_source() == "evaluated"
    (state_file,) = tmp_path.glob("*.state")
    blob = bytearray(state_file.read_bytes())
    blob[len(blob) // 2] ^= 0xFF  # one flipped byte in the KV data
    state_file.write_bytes(bytes(blob))
    gen = fresh_generator()
    assert gen.prefix_source == "evaluated", "a state that fails its checksum is not used"
    assert _text(gen, glossary, *QUESTIONS[0]) == _text(llama, glossary, *QUESTIONS[0])
    gen.close()
    state_file.write_bytes(b"")
    assert prefix_source() == "evaluated"
    assert prefix_source() == "disk", "the re-evaluated state was written back"


@needs_llama
def test_prompt_lookup_keeps_the_greedy_answers(llama, glossary):
    """Guessed tokens are only kept when the model agrees; batching may move a near-tie (8 of 60 in
    the benchmark), so most answers, not all, equal plain one-token-at-a-time decoding."""
    with_lookup = [_text(llama, glossary, t, q) for t, q in QUESTIONS]
    llama.draft_tokens = 0
    try:
        plain = [_text(llama, glossary, t, q) for t, q in QUESTIONS]
    finally:
        llama.draft_tokens = 3
    assert sum(a == b for a, b in zip(with_lookup, plain)) >= len(QUESTIONS) - 1
    assert sum(map(bool, plain)) >= len(QUESTIONS) - 1, "the answers compared say something"


def test_prompt_lookup_proposals():
    assert propose([1, 2, 3, 4, 1, 2], max_tokens=2) == [3, 4]
    assert propose([1, 2, 3, 9, 2, 3, 5, 2, 3], max_tokens=3) == [5, 2, 3], "the latest match wins"
    assert propose([7, 8, 9, 1, 8, 9, 2, 7, 8, 9], max_tokens=1) == [1], "the longest n-gram wins"
    assert propose([1, 2, 3], max_tokens=4) == []
    assert propose([1, 2, 1], max_tokens=0) == []


@needs_llama
def test_llama_honours_max_tokens_and_cancel(llama, glossary):
    from assistant.generate.base import Cancel

    prompt = build_prompt(glossary.by_term("Curriculum Learning"), "explain curriculum learning in detail")
    short = "".join(llama.stream(prompt, max_new_tokens=4))
    assert 0 < len(short.split()) <= 5
    cancel = Cancel()
    stream = llama.stream(prompt, max_new_tokens=60, cancel=cancel)
    next(stream)
    cancel.set()
    assert len(list(stream)) <= 1


def test_transformers_streams_and_stops(transformers_generator, glossary):
    _check_backend_streams_and_stops(transformers_generator, glossary)


def test_transformers_answers_do_not_depend_on_history(transformers_generator, glossary):
    _check_answers_do_not_depend_on_history(transformers_generator, glossary)


@needs_llama
def test_both_backends_agree_on_greedy_answers(llama, transformers_generator, glossary):
    same = sum(_text(llama, glossary, t, q) == _text(transformers_generator, glossary, t, q) for t, q in QUESTIONS)
    assert same >= 2


def test_conversion_cache_is_reused(transformers_generator, settings):
    gguf = packaged_gguf(settings.model_cache_dir)
    started = time.perf_counter()
    path = converted_checkpoint(gguf, settings.model_cache_dir)
    assert time.perf_counter() - started < 1.0, "a converted model is not converted again"
    assert (path / "model.safetensors").is_file()


def test_corrupt_conversion_cache_is_rebuilt(transformers_generator, settings, tmp_path, glossary):
    from assistant.generate.transformers_backend import TransformersGenerator

    good = converted_checkpoint(packaged_gguf(settings.model_cache_dir), settings.model_cache_dir)
    cache = tmp_path / "cache"
    gguf = packaged_gguf(cache)
    broken = cache / "hf" / good.name
    shutil.copytree(good, broken)
    (broken / "model.safetensors").write_bytes(b"\0" * 1024)  # truncated weights
    gen = TransformersGenerator("gemma-3-270m", cache, n_threads=settings.n_threads)
    gen.warm_up(fixed_prefix())
    assert converted_checkpoint(gguf, cache) == broken
    assert (broken / "model.safetensors").stat().st_size > 100_000_000
    assert _text(gen, glossary, *QUESTIONS[0]) == _text(transformers_generator, glossary, *QUESTIONS[0])


def test_missing_llama_cpp_falls_back_to_transformers_and_says_so(settings, monkeypatch, caplog):
    import assistant.generate as generate

    monkeypatch.setattr(generate, "llama_cpp_available", lambda: False)
    with caplog.at_level(logging.WARNING):
        gen = make_generator(settings.model_copy(update={"backend": "auto"}))
    assert gen.name.startswith("transformers:")
    assert "llama-cpp-python is not available" in caplog.text


def test_extractive_backend_loads_no_model(settings):
    assert make_generator(settings.model_copy(update={"backend": "extractive"})) is None


@pytest.mark.parametrize("pieces, expected", [
    (["Hello", " world.\nNext"], "Hello world."),
    (["ab", "c\n", "d"], "abc"),
    (["no stop here"], "no stop here"),
])
def test_stop_watcher(pieces, expected):
    watcher = StopWatcher(("\n",))
    out = "".join(watcher.feed(p) for p in pieces) + watcher.flush()
    assert out == expected


def test_stop_watcher_holds_back_a_partial_multichar_stop():
    watcher = StopWatcher(("END",))
    assert watcher.feed("text E") == "text "
    assert watcher.feed("N") == ""
    assert watcher.feed("D more") == "" and watcher.stopped


def _cold_equals_warm(gen, glossary) -> int:
    same = 0
    for term, question in QUESTIONS:
        prompt = build_prompt(glossary.by_term(term), question)
        same += "".join(gen.stream(prompt, 60)) == "".join(gen.stream_cold(prompt, 60))
    return same


@needs_llama
def test_llama_prefix_reuse_matches_a_cold_prefill(llama, glossary):
    assert _cold_equals_warm(llama, glossary) >= len(QUESTIONS) - 1  # float sums may split differently
    assert _text(llama, glossary, *QUESTIONS[0])  # the saved prefix state is rebuilt after a cold run


def test_transformers_prefix_reuse_matches_a_cold_prefill(transformers_generator, glossary):
    assert _cold_equals_warm(transformers_generator, glossary) >= len(QUESTIONS) - 1
