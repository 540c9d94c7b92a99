"""The OpenAI-compatible backend against a real server on loopback: llama.cpp's own OpenAI server
(``python -m llama_cpp.server``) serving the packaged GGUF, as a user would run it for a bigger model."""
from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from assistant.answer import Assistant
from assistant.errors import GenerationError
from assistant.generate.models import packaged_gguf
from assistant.generate.openai_backend import OpenAIChatGenerator, _sse_deltas
from assistant.prompt import build_prompt
from tests.conftest import free_port, needs_llama, wait_until_ok


@pytest.fixture(scope="module")
def openai_server(settings):
    pytest.importorskip("starlette_context", reason="llama_cpp.server needs starlette-context (make test installs it)")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(packaged_gguf(settings.model_cache_dir)),
                             "--host", "127.0.0.1", "--port", str(port), "--n_threads", "1", "--n_ctx", "2048",
                             "--model_alias", "gemma-270m"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    wait_until_ok(f"{url}/models", 90, proc)
    yield url
    proc.terminate()
    proc.wait(timeout=20)


pytestmark = needs_llama


def test_streams_chat_completion_deltas(openai_server, glossary):
    gen = OpenAIChatGenerator(openai_server, model="gemma-270m", timeout_s=60)
    chunks = list(gen.stream(build_prompt(glossary.by_term("Mixup"), "what is mixup?"), max_new_tokens=40))
    assert len(chunks) > 3 and "".join(chunks).strip()


def test_completions_api_continues_the_few_shot_prompt_like_the_local_backend(openai_server, glossary, assistant):
    """A base model behind the server gets the local backends' prompt: same model, greedy, same opening."""
    gen = OpenAIChatGenerator(openai_server, model="gemma-270m", timeout_s=60, api="completions")
    prompt = build_prompt(glossary.by_term("Label Smoothing"), "what is label smoothing?")
    remote = "".join(gen.stream(prompt, max_new_tokens=60))
    local = "".join(assistant.generator.stream(prompt, max_new_tokens=60))
    assert remote.strip() and "\n" not in remote, "it stops at the end of the answer line"
    assert remote.split()[:5] == local.split()[:5]


def test_assistant_answers_through_the_http_backend_and_stays_grounded(openai_server, assistant):
    remote = Assistant(assistant.glossary, assistant.retriever,
                       OpenAIChatGenerator(openai_server, model="gemma-270m", timeout_s=60), assistant.checker,
                       assistant.gate, assistant.config)
    answer = remote.ask("What is label smoothing?")
    assert answer.backend.startswith("openai:") and answer.citations[0].term == "Label Smoothing"
    assert answer.grounded, "whatever the remote model writes, only supported text is shown"


def test_unreachable_server_is_retried_then_reported(glossary):
    gen = OpenAIChatGenerator(f"http://127.0.0.1:{free_port()}/v1", model="x", timeout_s=2, retries=2)
    started = time.perf_counter()
    with pytest.raises(GenerationError, match="failed"):
        list(gen.stream(build_prompt(glossary.by_term("Mixup"), "what is mixup?"), max_new_tokens=5))
    assert time.perf_counter() - started >= 0.7, "two retries with backoff (0.25 s + 0.5 s)"


def test_unreachable_server_falls_back_to_the_extractive_answer(assistant):
    dead = OpenAIChatGenerator(f"http://127.0.0.1:{free_port()}/v1", model="x", timeout_s=2, retries=0)
    remote = Assistant(assistant.glossary, assistant.retriever, dead, assistant.checker, assistant.gate,
                       assistant.config)
    answer = remote.ask("What is label smoothing?")
    assert answer.fallback and answer.mode == "extractive" and answer.grounded


def test_sse_parser_handles_done_comments_and_malformed_events():
    lines = [": keep-alive", 'data: {"choices": [{"delta": {"content": "Hel"}}]}', "",
             'data: {"choices": [{"delta": {"content": "lo"}}]}', "data: [DONE]", 'data: {"ignored": true}']
    assert list(_sse_deltas(iter(lines))) == ["Hel", "lo"]
    with pytest.raises(GenerationError, match="malformed"):
        list(_sse_deltas(iter(["data: {not json"])))


def test_eval_runs_questions_concurrently_against_the_http_backend(openai_server, assistant):
    from assistant.evaluate.questions import EvalQuestion
    from assistant.evaluate.runner import run_questions
    from assistant.gate import GenerationGate

    remote = Assistant(assistant.glossary, assistant.retriever,
                       OpenAIChatGenerator(openai_server, model="gemma-270m", timeout_s=60), assistant.checker,
                       GenerationGate(slots=3, queue_size=8), assistant.config)
    questions = [EvalQuestion(id=str(i), question=q, expected_terms=[t], answerable=True) for i, (q, t) in enumerate([
        ("what is mixup?", "Mixup"), ("what is SAM?", "Sharpness-Aware Minimization"),
        ("explain concept drift", "Concept Drift"), ("what is a feature store?", "Feature Store")])]
    rows = run_questions(remote, questions, retrieval_only=False, concurrency=3, progress=False)
    assert [r["citations"][0]["term"] for r in rows] == [q.expected_terms[0] for q in questions]
    assert all(r["grounded"] and r["backend"].startswith("openai:") for r in rows)
