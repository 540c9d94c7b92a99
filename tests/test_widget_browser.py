"""The embeddable widget in real Chromium: a host page on one loopback port, the assistant on another."""
from __future__ import annotations

import functools
import http.server
import io
import threading
from pathlib import Path

import pytest
import yaml
from PIL import Image, ImageChops

from assistant.answer import Assistant
from assistant.gate import GenerationGate
from assistant.settings import ROOT
from assistant.web.server import create_app
from tests.conftest import LiveServer, free_port, slot_taken

pytestmark = pytest.mark.browser
SHOTS = ROOT / "docs" / "screenshots"
HOSTILE_CSS = ("* { font-family: serif !important; color: red !important; letter-spacing: 3px !important; }"
               " button { all: unset; } div { border: 3px dashed orange; } input { background: yellow; }")


class HostPage:
    """Static files on their own loopback address and port: a different origin from the assistant."""

    def __init__(self, root: Path, host: str = "127.0.0.1") -> None:
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
        handler.log_message = lambda *a, **k: None
        port = free_port(host)
        self.httpd = http.server.ThreadingHTTPServer((host, port), handler)
        self.url = f"http://{host}:{port}"

    def __enter__(self) -> "HostPage":
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()


def page_html(endpoint: str, css: str = "", attrs: str = "") -> str:
    return (f"<!doctype html><html><head><meta charset='utf-8'><style>{css}</style></head><body>"
            f"<h1>Course notes</h1><p>Some text.</p>"
            f"<script src='{endpoint}/widget.js' data-endpoint='{endpoint}' {attrs} defer></script></body></html>")


def open_widget(browser, url: str, viewport=(1100, 800)):
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url, wait_until="domcontentloaded")
    page.locator("[data-glossary-assistant] [part=launcher]").click()
    page.locator("[data-glossary-assistant] [part=input]").wait_for()
    return context, page, dialogs


def ask(page, question: str) -> None:
    page.locator("[data-glossary-assistant] [part=input]").fill(question)
    page.locator("[data-glossary-assistant] [part=input]").press("Enter")


@pytest.fixture()
def site(tmp_path):
    def make(endpoint: str, host: str = "127.0.0.1", css: str = "", attrs: str = "") -> HostPage:
        (tmp_path / "index.html").write_text(page_html(endpoint, css, attrs), encoding="utf-8")
        return HostPage(tmp_path, host)
    return make


def test_widget_streams_an_answer_with_its_citation(browser, live_server, site):
    with site(live_server.url) as host:
        context, page, _ = open_widget(browser, host.url + "/index.html")
        ask(page, "What is label smoothing?")
        answer = page.locator("[data-glossary-assistant] [part=answer]").last
        page.locator('[data-glossary-assistant] [part=citation][data-term="Label Smoothing"]').wait_for(timeout=60_000)
        assert answer.get_attribute("data-state") == "done"
        assert "label smoothing" in answer.inner_text().lower()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "widget.png"))
        context.close()


def test_widget_shows_refusal_suggestions_and_escape_closes(browser, live_server, site):
    with site(live_server.url) as host:
        context, page, _ = open_widget(browser, host.url + "/index.html")
        ask(page, "What is dropout?")
        chip = page.locator('[data-glossary-assistant] [part=suggestion][data-term="DropConnect"]')
        chip.wait_for(timeout=60_000)
        assert page.locator("[data-glossary-assistant] [part=answer]").last.get_attribute("data-state") == "refused"
        chip.click()
        page.locator('[data-glossary-assistant] [part=citation][data-term="DropConnect"]').wait_for(timeout=60_000)
        page.keyboard.press("Escape")
        assert page.locator("[data-glossary-assistant] [part=launcher]").get_attribute("aria-expanded") == "false"
        context.close()


def test_markup_in_an_answer_renders_as_text(browser, site, tmp_path, settings):
    data = yaml.safe_load(settings.corpus_path.read_text(encoding="utf-8"))
    data["source"] = None
    data["entries"][0]["definition"] = "Curriculum learning is <img src=x onerror=\"alert('xss')\"> a training approach."
    corpus = tmp_path / "hostile.yaml"
    corpus.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    hostile = settings.model_copy(update={"corpus_path": corpus, "backend": "extractive",
                                          "index_dir": tmp_path / "index", "rate_limit_per_minute": 1000})
    with LiveServer(create_app(hostile)) as server, site(server.url) as host:
        app_state = server._server.config.app.state.glossary_state
        assert app_state.wait_ready(120)
        context, page, dialogs = open_widget(browser, host.url + "/index.html")
        ask(page, "What is curriculum learning?")
        page.locator('[data-glossary-assistant] [part=citation][data-term="Curriculum Learning"]').wait_for(timeout=60_000)
        answer = page.locator("[data-glossary-assistant] [part=answer]").last
        assert "<img src=x" in answer.inner_text()
        assert page.locator("[data-glossary-assistant] img").count() == 0
        assert dialogs == []
        context.close()


def test_an_answer_given_in_the_glossarys_words_for_want_of_a_slot_says_so(browser, site, server_settings, assistant):
    """The only generation slot is taken and no one may wait: the widget still shows an answer, with its citation and
    a note that it is the glossary's own text."""
    one_slot = GenerationGate(slots=1, queue_size=0, wait_s=1)
    taken = Assistant(assistant.glossary, assistant.retriever, assistant.generator, assistant.checker, one_slot,
                      assistant.config)
    with LiveServer(create_app(server_settings, taken)) as server, site(server.url) as host, slot_taken(one_slot):
        context, page, _ = open_widget(browser, host.url + "/index.html")
        ask(page, "What is mixup?")
        page.locator('[data-glossary-assistant] [part=citation][data-term="Mixup"]').wait_for(timeout=60_000)
        answer = page.locator("[data-glossary-assistant] [part=answer]").last
        assert answer.get_attribute("data-state") == "done"
        assert "glossary's own text" in answer.locator("[part=note]").inner_text()
        context.close()


def test_page_from_an_origin_outside_the_allowlist_cannot_call_the_api(browser, live_server, site):
    with site(live_server.url, host="127.0.0.2") as host:  # loopback, but not an allowed origin
        context, page, _ = open_widget(browser, host.url + "/index.html")
        ask(page, "What is label smoothing?")
        page.locator("[data-glossary-assistant] [part=error]").wait_for(timeout=30_000)
        status = page.evaluate("""async (u) => { try { await fetch(u + '/api/ask', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: '{"question": "what is SAM?"}'}); return 'read'; }
            catch (e) { return 'blocked'; } }""", live_server.url)
        assert status == "blocked"
        context.close()


def _panel_png(browser, url: str) -> Image.Image:
    context, page, _ = open_widget(browser, url)
    page.wait_for_timeout(400)  # open animation
    png = page.locator("[data-glossary-assistant] [part=panel]").screenshot()
    context.close()
    return Image.open(io.BytesIO(png)).convert("RGB")


def test_host_page_css_does_not_change_the_widget(browser, live_server, tmp_path):
    plain, hostile = tmp_path / "plain", tmp_path / "hostile"
    plain.mkdir()
    hostile.mkdir()
    (plain / "index.html").write_text(page_html(live_server.url), encoding="utf-8")
    (hostile / "index.html").write_text(page_html(live_server.url, HOSTILE_CSS), encoding="utf-8")
    with HostPage(plain) as a, HostPage(hostile) as b:
        first, second = _panel_png(browser, a.url + "/index.html"), _panel_png(browser, b.url + "/index.html")
    assert first.size == second.size
    diff = ImageChops.difference(first, second)
    changed = sum(1 for px in diff.getdata() if max(px) > 24)
    assert changed / (first.size[0] * first.size[1]) < 0.01, "host CSS leaked into the widget"
    second.save(SHOTS / "widget-hostile-page.png")
