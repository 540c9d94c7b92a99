"""Hot reload against real servers on loopback: a valid glossary edit is served without a restart (only the
edited entry embedded again), in every worker; an invalid edit is rejected while the last good glossary serves."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import time

import httpx
import pytest
import yaml

from assistant.settings import ROOT
from assistant.web.server import create_app
from assistant.wiring import build_retrieval
from tests.conftest import LiveServer, free_port

NEW_DEFINITION = "Label smoothing replaces one-hot targets with a mixture of the target and a uniform distribution."


@pytest.fixture()
def own_settings(server_settings, tmp_path):
    corpus = tmp_path / "corpus" / "glossary.yaml"
    corpus.parent.mkdir()
    shutil.copy(server_settings.corpus_path, corpus)
    settings = server_settings.model_copy(update={"corpus_path": corpus, "index_dir": tmp_path / "index",
                                                  "backend": "extractive", "reload_poll_s": 0.2})
    build_retrieval(settings)
    return settings


def edit(settings, change) -> None:
    data = yaml.safe_load(settings.corpus_path.read_text(encoding="utf-8"))
    change({e["term"]: e for e in data["entries"]})
    settings.corpus_path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def until(condition, timeout_s: float = 30.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("not within the time limit")


def ask(url: str) -> dict:
    return httpx.post(f"{url}/api/ask", json={"question": "What is label smoothing?"}, timeout=30).json()


def test_a_valid_edit_is_served_without_a_restart(own_settings, caplog):
    with caplog.at_level(logging.INFO), LiveServer(create_app(own_settings)) as server:
        assert server._server.config.app.state.glossary_state.wait_ready(120)
        before = ask(server.url)
        edit(own_settings, lambda e: e["Label Smoothing"].update(definition=NEW_DEFINITION))
        after = until(lambda: (a := ask(server.url))["glossary_version"] != before["glossary_version"] and a)
        health = httpx.get(f"{server.url}/healthz").json()
    assert after["answer"].startswith(NEW_DEFINITION) and not before["answer"].startswith(NEW_DEFINITION)
    assert health["glossary_version"] == after["glossary_version"] and "corpus_error" not in health
    assert "reused 50 of 51 entry vectors; embedded 1" in caplog.text, "only the edited entry is embedded again"


def test_an_invalid_edit_is_rejected_and_the_last_good_glossary_serves(own_settings, caplog):
    with caplog.at_level(logging.ERROR), LiveServer(create_app(own_settings)) as server:
        assert server._server.config.app.state.glossary_state.wait_ready(120)
        good = ask(server.url)["glossary_version"]
        edit(own_settings, lambda e: e["Mixup"].update(definition=""))
        health = until(lambda: (h := httpx.get(f"{server.url}/healthz").json()).get("corpus_error") and h)
        still = ask(server.url)
        edit(own_settings, lambda e: e["Mixup"].update(definition="Mixup blends two training examples and labels."))
        fixed = until(lambda: "corpus_error" not in (h := httpx.get(f"{server.url}/healthz").json()) and h)
    assert "line" in health["corpus_error"] and "entry 'Mixup', field 'definition'" in health["corpus_error"]
    assert health["status"] == "ok" and still["glossary_version"] == good
    assert still["citations"][0]["term"] == "Label Smoothing"
    assert "rejected; the last valid glossary keeps serving" in caplog.text
    assert fixed["glossary_version"] != good


def test_an_edit_reaches_every_worker(own_settings):
    port = free_port()
    env = {**os.environ, "GLOSSARY_INDEX_DIR": str(own_settings.index_dir), "GLOSSARY_BACKEND": "extractive",
           "GLOSSARY_CORPUS_PATH": str(own_settings.corpus_path), "GLOSSARY_RELOAD_POLL_S": "0.2"}
    command = [sys.executable, "-m", "assistant", "serve", "--port", str(port), "--workers", "2", "--no-ui"]
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        def versions(n: int = 12) -> set[str]:  # connections spread over both workers
            return {httpx.get(f"{url}/healthz", timeout=5).json().get("glossary_version") for _ in range(n)}

        before = until(lambda: _quietly(versions), timeout_s=150)
        assert len(before) == 1 and None not in before, "both workers ready on the same glossary"
        edit(own_settings, lambda e: e["Label Smoothing"].update(definition=NEW_DEFINITION))
        after = until(lambda: (v := versions()) and v.isdisjoint(before) and len(v) == 1 and v)
        assert all(ask(url)["answer"].startswith(NEW_DEFINITION) for _ in range(6))
        assert len(after) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _quietly(versions) -> set[str] | None:
    try:
        found = versions()
    except httpx.TransportError:
        return None
    return found if None not in found else None


@pytest.mark.browser
def test_the_chat_page_shows_the_glossary_serving_now(own_settings, browser):
    """After a reload, a newly opened chat page shows the new title and the new entry in its glossary table."""
    with LiveServer(create_app(own_settings)) as server:
        assert server._server.config.app.state.glossary_state.wait_ready(120)
        before = ask(server.url)["glossary_version"]
        data = yaml.safe_load(own_settings.corpus_path.read_text(encoding="utf-8"))
        data["title"] = "Reloaded Glossary"
        new_entry = {**data["entries"][0], "term": "Frobnication", "aliases": [], "definition": "A test entry."}
        data["entries"].insert(0, new_entry)
        own_settings.corpus_path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
        until(lambda: ask(server.url)["glossary_version"] != before)
        context = browser.new_context()
        page = context.new_page()
        page.goto(server.url + "/", wait_until="domcontentloaded")
        page.wait_for_selector(".ga-header h1:has-text('Reloaded Glossary')", timeout=30_000)
        page.get_by_role("tab", name="Glossary").click()
        page.wait_for_selector("#ga-table :text('Frobnication')", timeout=10_000)  # the new first entry
        context.close()
