"""Conversations in real Chromium: the chat UI and the widget embedded cross-origin each hold a three-turn
conversation, reveal the entry part behind a sentence, store a feedback click, and pass axe-core."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_widget_browser import HostPage, page_html

pytestmark = pytest.mark.browser
PlaywrightTimeout = pytest.importorskip("playwright.sync_api").TimeoutError
CONVERSATION = [("What is label smoothing?", {"Label Smoothing"}),
                ("and an example?", {"Label Smoothing"}),
                ("how is it different from mixup?", {"Label Smoothing", "Mixup"})]
W = "[data-glossary-assistant]"


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core as published on npm, shipped inside the axe-playwright-python wheel."""
    package = pytest.importorskip("axe_playwright_python")
    return (Path(package.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def serious_violations(page, axe_source: str, within: str | None = None) -> list[str]:
    """axe-core's serious and critical violations on the page, or only inside the element ``within``."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("async within => await axe.run(within ? {include: [[within]]} : document, "
                           "{resultTypes: ['violations']})", within)
    return [f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes']]}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]


def last_feedback(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8").splitlines()[-1])


def send_in_chat_ui(page, question: str, tries: int = 3) -> None:
    """Types the question and sends it, until the chat shows it asked. On a loaded machine the end of the previous
    answer's event can reach the page after the next question was typed and empty the box again, so the click
    would send nothing (the server refuses an empty question; the conversation itself is unchanged)."""
    for _ in range(tries):
        page.fill("#ga-question textarea", question)
        page.click("#ga-send")
        try:
            page.wait_for_function("q => document.querySelector('#ga-chat').innerText.includes(q)", arg=question,
                                   timeout=45_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the chat UI never showed {question!r} as asked")


def test_chat_ui_holds_a_conversation_with_sources_and_feedback(browser, live_server, server_settings, axe_source):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/", wait_until="domcontentloaded")
    page.wait_for_selector("#ga-question textarea", timeout=30_000)
    for n, (question, terms) in enumerate(CONVERSATION, 1):
        send_in_chat_ui(page, question)
        page.wait_for_function("n => document.querySelectorAll('#ga-chat .message-row, #ga-chat [data-testid=bot]')"
                               ".length >= 2 * n && document.querySelector('#ga-sources .ga-card')", arg=n,
                               timeout=60_000)
        page.wait_for_function("terms => terms.every(t => document.querySelector(`#ga-sources .ga-card[data-term=\"${t}\"]`))",
                               arg=sorted(terms), timeout=60_000)
    chat = page.locator("#ga-chat").inner_text()
    assert "0.9" in chat  # the example of label smoothing, asked as "and an example?"
    basis = page.locator('#ga-sources .ga-basis details[data-term="Mixup"]').first
    basis.locator("summary").click()
    assert "interpolates two images" in basis.locator("blockquote").inner_text()
    page.click("#ga-up")
    page.wait_for_selector("#ga-thanks :text('Thanks')", timeout=20_000)
    stored = last_feedback(server_settings.feedback_path)
    assert stored["rating"] == "up" and stored["question"] == "how is it different from mixup?"
    assert set(stored["citations"]) == {"Label Smoothing", "Mixup"}
    assert stored["resolved_question"] == "how is Label Smoothing different from mixup?"
    assert serious_violations(page, axe_source) == []
    context.close()


def test_widget_holds_a_conversation_cross_origin_with_sources_and_feedback(browser, live_server, server_settings,
                                                                            axe_source, tmp_path):
    (tmp_path / "index.html").write_text(page_html(live_server.url), encoding="utf-8")
    with HostPage(tmp_path) as host:
        assert host.url != live_server.url
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        page = context.new_page()
        page.goto(host.url + "/index.html", wait_until="domcontentloaded")
        page.locator(f"{W} [part=launcher]").click()
        for n, (question, terms) in enumerate(CONVERSATION, 1):
            page.locator(f"{W} [part=input]").fill(question)
            page.locator(f"{W} [part=input]").press("Enter")
            page.locator(f"{W} [part=feedback]").nth(n - 1).wait_for(timeout=60_000)
            answer = page.locator(f"{W} [part=answer]").nth(n - 1)
            assert answer.get_attribute("data-state") == "done"
            cited = {c.get_attribute("data-term") for c in answer.locator("[part=citation]").all()}
            assert cited == terms
        assert "0.9" in page.locator(f"{W} [part=answer]").nth(1).inner_text()
        ref = page.locator(f'{W} [part=answer]').nth(2).locator('[part=sentence-citation][data-term="Mixup"]')
        ref.click()
        assert ref.get_attribute("aria-expanded") == "true"
        assert "interpolates two images" in page.locator(f"{W} [part=sentence-source]:visible").last.inner_text()
        page.locator(f"{W} [part=feedback-down]").last.click()
        page.locator(f"{W} [part=feedback-reason]").last.fill("I wanted the difference in use")
        page.locator(f"{W} [part=feedback-expected]").last.select_option("Mixup")
        page.locator(f"{W} [part=feedback-send]").last.click()
        page.locator(f"{W} [part=feedback-status]").last.filter(has_text="Thanks").wait_for(timeout=20_000)
        stored = last_feedback(server_settings.feedback_path)
        assert (stored["rating"], stored["expected_entry"], stored["reason"]) == \
            ("down", "Mixup", "I wanted the difference in use")
        assert stored["resolved_question"] == "how is Label Smoothing different from mixup?"
        assert serious_violations(page, axe_source, within="glossary-assistant") == []  # the host page is not ours
        context.close()
