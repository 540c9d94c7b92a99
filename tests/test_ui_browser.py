"""The Gradio chat page in real Chromium against the real server: ask, see sources, refusals, glossary tab."""
from __future__ import annotations

import pytest

from assistant.settings import ROOT

pytestmark = pytest.mark.browser
SHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/", wait_until="domcontentloaded")
    page.wait_for_selector("#ga-question textarea", timeout=30_000)
    yield page
    context.close()


def ask(page, question: str) -> None:
    page.fill("#ga-question textarea", question)
    page.click("#ga-send")


def test_covered_question_streams_an_answer_with_a_source_card(page):
    assert "Glossary Assistant" in page.title()
    ask(page, "What is label smoothing?")
    page.wait_for_selector('#ga-sources .ga-card[data-term="Label Smoothing"]', timeout=60_000)
    bot = page.locator("#ga-chat .message.bot, #ga-chat [data-testid='bot']").last
    assert "label smoothing" in bot.inner_text().lower()
    card = page.locator('#ga-sources .ga-card[data-term="Label Smoothing"]')
    assert "regularization" in card.inner_text().lower()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "chat-desktop.png"), full_page=True)


def test_uncovered_question_is_refused_with_clickable_follow_ups(page):
    ask(page, "What is dropout?")
    page.wait_for_selector('#ga-sources [data-outcome="refused"]', timeout=60_000)
    assert "doesn't define" in page.locator("#ga-chat").inner_text()
    follow = page.locator("#ga-followups label", has_text="DropConnect")
    follow.click()
    page.wait_for_selector('#ga-sources .ga-card[data-term="DropConnect"]', timeout=60_000)


def test_markup_in_a_question_is_shown_as_text(page):
    ask(page, "<img src=x onerror=\"document.title='pwned'\"> what is SAM?")
    page.wait_for_selector('#ga-sources .ga-card[data-term="Sharpness-Aware Minimization"]', timeout=60_000)
    assert page.title() != "pwned"
    assert page.locator("#ga-chat img[src='x']").count() == 0
    assert "<img src=x" in page.locator("#ga-chat").inner_text()


def test_glossary_tab_filters_and_asks_about_a_clicked_term(page):
    page.get_by_role("tab", name="Glossary").click()
    table = page.locator("#ga-table")
    table.get_by_text("Label Smoothing", exact=True).first.wait_for(timeout=20_000)
    page.fill("#ga-filter textarea, #ga-filter input", "kappa")
    table.get_by_text("Label Smoothing", exact=True).first.wait_for(state="detached", timeout=20_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "glossary-tab.png"))
    table.locator(".body-cell:visible", has_text="Cohen's Kappa").first.click()
    page.wait_for_selector('#ga-sources .ga-card[data-term="Cohen\'s Kappa"]', timeout=60_000)


def test_phone_width_layout(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(live_server.url + "/", wait_until="domcontentloaded")
    page.wait_for_selector("#ga-question textarea", timeout=30_000)
    ask(page, "what's an SNN")
    page.wait_for_selector('#ga-sources .ga-card[data-term="Spiking Neural Network"]', timeout=60_000)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "no horizontal scrolling on a phone"
    page.screenshot(path=str(SHOTS / "chat-phone.png"), full_page=True)
    context.close()


def test_clear_button_empties_the_conversation(page):
    ask(page, "what is mixup?")
    page.wait_for_selector('#ga-sources .ga-card[data-term="Mixup"]', timeout=60_000)
    page.click("#ga-clear")
    page.wait_for_selector('#ga-sources .ga-card', state="detached", timeout=20_000)
    assert "mixup" not in page.locator("#ga-chat").inner_text().lower()
