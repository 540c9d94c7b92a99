"""Session-wide fixtures: one embedder, one index, one assistant (llama.cpp) and one transformers model."""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from assistant.process import configure_process

configure_process()  # the test process is an entry point too: before numpy and gradio load

from assistant.corpus import load_glossary  # noqa: E402
from assistant.generate import llama_cpp_available  # noqa: E402
from assistant.settings import ROOT, Settings, load_settings  # noqa: E402

QUESTIONS = ROOT / "eval" / "questions.jsonl"


def pytest_collection_modifyitems(config, items):
    """Model-free tests first, then the ones that share the loaded models, browser tests last."""
    def order(item) -> int:
        return 2 if "browser" in item.keywords else 1 if "assistant" in getattr(item, "fixturenames", ()) else 0
    items.sort(key=order)


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    # No answer cache: tests that ask a question again mean to generate again (test_answer.py turns it on).
    return load_settings(index_dir=tmp_path_factory.mktemp("index"), answer_cache_size=0,
                         feedback_path=tmp_path_factory.mktemp("data") / "feedback.jsonl")


@pytest.fixture(scope="session")
def glossary(settings):
    return load_glossary(settings.corpus_path)


@pytest.fixture(scope="session")
def stack(settings):
    from assistant.wiring import build_retrieval

    return build_retrieval(settings)


@pytest.fixture(scope="session")
def retriever(stack):
    return stack.retriever


@pytest.fixture(scope="session")
def assistant(settings, stack):
    """The default pipeline (llama.cpp when available), sharing the session's retrieval stack."""
    from assistant.answer import Assistant
    from assistant.generate import make_generator
    from assistant.ground import GroundingChecker
    from assistant.wiring import answer_config, generation_gate

    checker = GroundingChecker(concepts=stack.retriever.concepts)
    generator = make_generator(settings)
    a = Assistant(stack.glossary, stack.retriever, generator, checker, generation_gate(settings, generator),
                  answer_config(settings))
    a.warm_up()
    return a


@pytest.fixture(scope="session")
def transformers_generator(settings):
    """The packaged model through transformers (the first run converts it: about a minute)."""
    from assistant.generate.transformers_backend import TransformersGenerator
    from assistant.prompt import fixed_prefix

    gen = TransformersGenerator(settings.generator_model, settings.model_cache_dir, n_threads=settings.n_threads)
    gen.warm_up(fixed_prefix())
    return gen


@pytest.fixture(scope="session")
def questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


needs_llama = pytest.mark.skipif(not llama_cpp_available(), reason="llama-cpp-python is not installed")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@contextmanager
def slot_taken(gate, hold_s: float = 60):
    """Another thread holds one generation slot of ``gate`` while the block runs (at most ``hold_s``)."""
    held, release = threading.Event(), threading.Event()

    def hold():
        with gate.slot():
            held.set()
            release.wait(hold_s)
    threading.Thread(target=hold, daemon=True).start()
    held.wait(5)
    try:
        yield
    finally:
        release.set()


def free_port(host: str = "127.0.0.1") -> int:
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_until_ok(url: str, timeout_s: float, proc=None) -> None:
    """Polls ``url`` until it answers 200; fails the test (and kills ``proc``) after ``timeout_s``."""
    import time

    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    if proc is not None:
        proc.kill()
    pytest.fail(f"{url} did not answer 200 within {timeout_s} s")


class LiveServer:
    """A real uvicorn server on a free loopback port, in a background thread."""

    def __init__(self, app, host: str = "127.0.0.1") -> None:
        import threading

        import uvicorn

        self.port = free_port(host)
        self.host = host
        self.url = f"http://{host}:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host=host, port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        import time

        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)


@pytest.fixture(scope="session")
def server_settings(settings):
    return settings.model_copy(update={"rate_limit_per_minute": 100_000})


@pytest.fixture(scope="session")
def live_server(server_settings, assistant):
    from assistant.web.server import create_app

    with LiveServer(create_app(server_settings, assistant)) as server:
        yield server


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (installed by `make test`)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Chromium is not installed (make test installs it)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium",
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--disable-component-update", "--no-first-run", "--disable-sync"])
        yield b
        b.close()
