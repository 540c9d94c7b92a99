"""Generation through any OpenAI-compatible server (vLLM, TGI, llama.cpp server): chat or plain completions.

    >>> gen = OpenAIChatGenerator("http://127.0.0.1:8000/v1", model="qwen2.5-1.5b-instruct")
    >>> gen.name
    'openai:qwen2.5-1.5b-instruct@http://127.0.0.1:8000/v1'

``"".join(gen.stream(prompt, max_new_tokens=120))`` then asks the server (tests run a real llama.cpp one).

``api="chat"`` sends the instructions, entry and question as chat messages (instruction-tuned models);
``api="completions"`` sends the few-shot prompt the local backends complete, primer included, and stops
at the end of the answer line (base models, such as the packaged one behind ``llama-server``).

Streams over server-sent events. Connection errors, 429 and 5xx are retried with backoff, but only
before the first token arrives: a half-streamed answer is never silently restarted.
"""
from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterator

import httpx

from assistant.errors import GenerationError
from assistant.generate.base import Cancel, Prompt
from assistant.settings import Settings

log = logging.getLogger(__name__)
_RETRY_STATUS = {408, 429, 500, 502, 503, 504}


class OpenAIChatGenerator:
    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout_s: float = 30.0,
                 retries: int = 2, parallel: int = 1, api: str = "chat") -> None:
        """``parallel``: requests in flight to the server at once (it batches them)."""
        if api not in ("chat", "completions"):
            raise ValueError(f"api must be 'chat' or 'completions', got {api!r}")
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"openai_base_url must start with http:// or https://, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = httpx.Timeout(timeout_s, connect=min(5.0, timeout_s))
        self.retries = retries
        self.name = f"openai:{model}@{self.base_url}"
        self.parallel = parallel
        self.api = api

    def warm_up(self, fixed_prefix: str) -> None:
        """Remote servers manage their own prefix caching; nothing to precompute here."""

    def stream(self, prompt: Prompt, max_new_tokens: int, temperature: float = 0.0,
               cancel: Cancel | None = None) -> Iterator[str]:
        payload = {"model": self.model, "stream": True, "max_tokens": max_new_tokens, "temperature": temperature}
        if self.api == "chat":
            payload["messages"] = [{"role": "system", "content": prompt.system},
                                   {"role": "user", "content": prompt.user}]
        else:
            payload |= {"prompt": prompt.fixed + prompt.body, "stop": list(prompt.stop)}
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        url = f"{self.base_url}/{'chat/completions' if self.api == 'chat' else 'completions'}"
        for attempt in range(self.retries + 1):
            started = False
            try:
                with httpx.Client(timeout=self.timeout) as client, \
                        client.stream("POST", url, json=payload, headers=headers) as response:
                    if response.status_code in _RETRY_STATUS and attempt < self.retries:
                        raise _Retryable(f"HTTP {response.status_code}")
                    if response.status_code != 200:
                        response.read()
                        raise GenerationError(f"{url} answered HTTP {response.status_code}: {response.text[:200]}")
                    for text in _sse_deltas(response.iter_lines()):
                        if cancel is not None and cancel.is_set:
                            return
                        started = True
                        yield text
                return
            except (_Retryable, httpx.TransportError) as exc:
                if started or attempt >= self.retries:
                    raise GenerationError(f"The generation server at {self.base_url} failed: {exc}") from exc
                delay = 0.25 * 2 ** attempt
                log.warning("generation server error (%s); retrying in %.2f s", exc, delay)
                time.sleep(delay)


class _Retryable(Exception):
    pass


def _sse_deltas(lines: Iterator[str]) -> Iterator[str]:
    """Text deltas from an OpenAI SSE stream: ``data: {json}`` lines until ``data: [DONE]``."""
    for line in lines:
        if not line.startswith("data:"):
            continue
        data = line[5:].strip()
        if data == "[DONE]":
            return
        try:
            choice = json.loads(data)["choices"][0]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise GenerationError(f"malformed stream event from the generation server: {data[:120]}") from exc
        text = (choice.get("delta") or {}).get("content") or choice.get("text") or ""
        if text:
            yield text


def from_settings(settings: Settings) -> OpenAIChatGenerator:
    return OpenAIChatGenerator(settings.openai_base_url, settings.openai_model,
                               os.environ.get(settings.openai_api_key_env) or None, settings.openai_timeout_s,
                               settings.openai_retries, settings.max_concurrent_generations, settings.openai_api)
