"""Faults a running deployment meets: damaged index, bad corpus edit, full disk, unwritable cache, start-up
and shutdown. Real servers on loopback, real processes."""
from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import httpx
import pytest
import yaml

from assistant.errors import ModelLoadError, NotReady
from assistant.generate.models import packaged_gguf
from assistant.settings import ROOT
from assistant.web.server import create_app
from assistant.wiring import build_retrieval
from tests.conftest import LiveServer, free_port, wait_until_ok


@pytest.fixture()
def own_settings(server_settings, tmp_path):
    corpus = tmp_path / "corpus" / "glossary.yaml"
    corpus.parent.mkdir()
    shutil.copy(server_settings.corpus_path, corpus)
    return server_settings.model_copy(update={"corpus_path": corpus, "index_dir": tmp_path / "index",
                                              "backend": "extractive"})


@pytest.mark.parametrize("mmap", [False, True])
def test_index_damaged_or_deleted_while_serving(own_settings, mmap):
    """A server keeps answering from the index it loaded (memory-mapped: from the file it opened); a worker that
    starts meanwhile finds the damage on disk, rebuilds the index and answers too."""
    own_settings = own_settings.model_copy(update={"index_mmap": mmap})
    with LiveServer(create_app(own_settings)) as serving:
        assert serving._server.config.app.state.glossary_state.wait_ready(120)
        index = own_settings.index_dir / "entries.faiss"
        damaged = index.read_bytes()[:100]
        index.unlink()  # replaced, as a copy or checkout would: the open (mapped) file stays intact
        index.write_bytes(damaged)
        with LiveServer(create_app(own_settings)) as starting:
            state = starting._server.config.app.state.glossary_state
            assert state.wait_ready(120), state.error
            new = httpx.post(f"{starting.url}/api/ask", json={"question": "what is mixup?"})
        old = httpx.post(f"{serving.url}/api/ask", json={"question": "what is mixup?"})
        assert len(index.read_bytes()) > len(damaged), "the starting worker rebuilt the file"
        shutil.rmtree(own_settings.index_dir)
        gone = httpx.post(f"{serving.url}/api/ask", json={"question": "what is SAM?"})
    assert [r.json()["citations"][0]["term"] for r in (new, old, gone)] == ["Mixup", "Mixup",
                                                                            "Sharpness-Aware Minimization"]
    assert build_retrieval(own_settings).index.status == "built", "the next start rebuilds"


def test_invalid_corpus_edit_is_rejected_and_the_old_glossary_keeps_serving(own_settings, caplog):
    build_retrieval(own_settings)  # a good index (and its glossary snapshot) exists
    data = yaml.safe_load(own_settings.corpus_path.read_text())
    data["entries"][3]["definition"] = ""
    own_settings.corpus_path.write_text(yaml.safe_dump(data, sort_keys=False))
    with caplog.at_level(logging.ERROR), LiveServer(create_app(own_settings)) as server:
        state = server._server.config.app.state.glossary_state
        assert state.wait_ready(120)
        health = httpx.get(f"{server.url}/healthz").json()
        answer = httpx.post(f"{server.url}/api/ask", json={"question": "what is SAM?"}).json()
    assert "line" in health["corpus_error"] and "Sharpness-Aware Minimization" in health["corpus_error"]
    assert "rejected; serving the last valid glossary" in caplog.text
    assert answer["citations"][0]["term"] == "Sharpness-Aware Minimization"
    out = subprocess.run([sys.executable, "-m", "assistant", "index"], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "GLOSSARY_CORPUS_PATH": str(own_settings.corpus_path),
                              "GLOSSARY_INDEX_DIR": str(own_settings.index_dir)})
    assert out.returncode == 2 and "line" in out.stderr, "building from a bad corpus still fails loudly"


def test_full_disk_while_writing_the_index_is_a_clear_error_and_keeps_the_old_index(own_settings):
    build_retrieval(own_settings)
    before = (own_settings.index_dir / "entries.faiss").read_bytes()
    code = ("import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN);"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096));"
            "from assistant.cli import main; sys.exit(main(['index', '--rebuild']))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "GLOSSARY_CORPUS_PATH": str(own_settings.corpus_path),
                              "GLOSSARY_INDEX_DIR": str(own_settings.index_dir)})
    assert out.returncode == 1 and "Cannot write the index" in out.stderr and "Traceback" not in out.stderr
    assert (own_settings.index_dir / "entries.faiss").read_bytes() == before
    assert not [p for p in own_settings.index_dir.iterdir() if p.name.endswith(".tmp")]


def test_unwritable_model_cache_is_a_clear_error(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(ModelLoadError, match="not writable.*GLOSSARY_MODEL_CACHE_DIR"):
        packaged_gguf(blocker / "cache")


def test_readiness_and_liveness(own_settings, monkeypatch):
    """Plumbing: loading waits until the test has asked, so the 'still loading' answers are checked on every run."""
    from assistant.web import state as state_module

    release, build = threading.Event(), state_module.build_assistant

    def held_build(*args, **kwargs):
        release.wait(60)
        return build(*args, **kwargs)

    monkeypatch.setattr(state_module, "build_assistant", held_build)
    with LiveServer(create_app(own_settings)) as server:
        early = httpx.get(f"{server.url}/healthz")
        live = httpx.get(f"{server.url}/healthz", params={"probe": "live"})
        asked = httpx.post(f"{server.url}/api/ask", json={"question": "what is SAM?"})
        release.set()
        assert server._server.config.app.state.glossary_state.wait_ready(120)
        ready = httpx.get(f"{server.url}/healthz")
        answered = httpx.post(f"{server.url}/api/ask", json={"question": "what is SAM?"})
    assert live.status_code == 200 and live.json()["live"] and not live.json()["ready"]
    assert early.status_code == 503 and early.json()["status"] == "starting"
    assert asked.status_code == 503 and int(asked.headers["retry-after"]) > 0
    assert ready.status_code == 200 and ready.json()["ready"] and answered.status_code == 200


@pytest.mark.parametrize("log_questions", [True, False])
def test_request_logs_are_structured_and_respect_privacy(server_settings, assistant, caplog, log_questions):
    settings = server_settings.model_copy(update={"log_questions": log_questions})
    with caplog.at_level(logging.INFO, logger="assistant.access"), LiveServer(create_app(settings, assistant)) as s:
        httpx.post(f"{s.url}/api/ask", json={"question": "what is a secret project codename?"})
    records = [json.loads(r.getMessage()) for r in caplog.records if r.name == "assistant.access"]
    ask = next(r for r in records if r["path"] == "/api/ask")
    assert ask["status"] == 200 and ask["ms"] > 0 and ask["outcome"] == "refused"
    assert ("question" in ask) is log_questions
    assert ("secret project" in caplog.text) is log_questions


def test_sigterm_finishes_the_answer_in_flight(tmp_path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "GLOSSARY_INDEX_DIR": str(tmp_path / "index")})
    try:
        wait_until_ok(f"http://127.0.0.1:{port}/healthz", 120)
        events = []
        with httpx.stream("POST", f"http://127.0.0.1:{port}/api/ask/stream", timeout=60,
                          json={"question": "explain knowledge distillation"}) as r:
            for line in r.iter_lines():
                if line.startswith("event:"):
                    events.append(line[6:].strip())
                    if len(events) == 2:
                        proc.send_signal(signal.SIGTERM)
        assert events[-1] == "answer", "the in-flight answer completes after SIGTERM"
        assert proc.wait(timeout=30) in (0, -signal.SIGTERM), "exits (uvicorn re-raises SIGTERM after draining)"
    finally:
        proc.kill()


def test_several_workers_share_the_port(tmp_path, own_settings):
    build_retrieval(own_settings)  # workers find a fresh index instead of all building one
    port = free_port()
    env = {**os.environ, "GLOSSARY_INDEX_DIR": str(own_settings.index_dir), "GLOSSARY_INDEX_MMAP": "true",
           "GLOSSARY_BACKEND": "extractive", "GLOSSARY_CORPUS_PATH": str(own_settings.corpus_path)}
    command = [sys.executable, "-m", "assistant", "serve", "--port", str(port), "--workers", "2", "--no-ui"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline, ready = time.monotonic() + 150, 0
        while time.monotonic() < deadline and ready < 6:  # both workers loaded: several ready answers in a row
            try:
                ready = ready + 1 if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=3).status_code == 200 else 0
            except httpx.TransportError:
                ready = 0
            time.sleep(0.5)
        answers = [httpx.post(f"http://127.0.0.1:{port}/api/ask", json={"question": "what is SAM?"}, timeout=30)
                   for _ in range(4)]
        assert all(a.status_code == 200 for a in answers)
        assert len(psutil_children(proc.pid)) >= 2
        homes = [httpx.get(f"http://127.0.0.1:{port}/", timeout=10) for _ in range(6)]  # served by both workers
        assert all(h.status_code == 307 and h.headers["location"] == "/docs" for h in homes), "--no-ui reaches them"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def psutil_children(pid: int) -> list:
    import psutil

    return [c for c in psutil.Process(pid).children(recursive=True) if "python" in c.name()]


def test_a_load_failure_of_any_kind_is_reported_not_hidden(own_settings, monkeypatch):
    """Plumbing fake: a loader that crashes with a library error, not an AssistantError."""
    from assistant.web import state as state_module

    def crash(*args, **kwargs):
        raise RuntimeError("the backend library crashed")

    monkeypatch.setattr(state_module, "build_assistant", crash)
    state = state_module.ServerState(own_settings)
    state.start_loading()
    assert not state.wait_ready(30)
    with pytest.raises(NotReady, match="backend library crashed"):
        state.require()


def test_a_malformed_server_url_is_a_clear_error_before_loading():
    env = {**os.environ, "GLOSSARY_BACKEND": "openai", "GLOSSARY_OPENAI_BASE_URL": "localhost:8000/v1"}
    proc = subprocess.run([sys.executable, "-m", "assistant", "ask", "what is mixup?"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "openai_base_url" in proc.stderr and "Traceback" not in proc.stderr
