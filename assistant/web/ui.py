"""The Gradio chat page: a streamed conversation (follow-ups are read in its light), source cards with the
entry part behind each sentence, suggested follow-ups, thumbs up/down feedback, a browsable glossary.

    >>> from assistant.web.state import ServerState
    >>> blocks = build_ui(ServerState(settings, assistant))   # mounted at / by assistant.web.server

Thin by design: every function here renders an ``Answer`` (or the glossary) the pipeline produced.
All glossary and model text is shown as text: the chat renders no Markdown or HTML, and the source
cards escape every field.
"""
from __future__ import annotations

import html
from collections.abc import Iterator

import gradio as gr

from assistant.errors import AssistantError
from assistant.feedback import NOT_COVERED, Feedback
from assistant.presentation import Presentation, presentation
from assistant.schema import Answer, Turn
from assistant.web.state import ServerState

NOT_IN_GLOSSARY = "None: the glossary doesn't cover it"
MAX_TURNS = 20  # kept per chat session; the assistant reads the latest max_history_turns of them
CSS = """
.ga-header h1{margin:0}.ga-sub{color:#64748b;margin-top:2px}
.ga-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:10px}
.ga-card{border:1px solid #e2e8f0;border-left:4px solid #4f46e5;border-radius:8px;padding:10px 12px;background:#fff}
.ga-card h2{margin:0 0 2px;font-size:16px}.ga-card .cat{font-size:12px;color:#4338ca;text-transform:uppercase}
.ga-card p{margin:6px 0 0;font-size:14px;color:#1e293b}.ga-card .ex{color:#475569;font-style:italic}
.ga-note{font-size:13px;color:#92400e;background:#fffbeb;border-radius:6px;padding:6px 10px}
.ga-refused{font-size:13px;color:#991b1b;background:#fef2f2;border-radius:6px;padding:6px 10px}
.ga-basis{margin-top:10px}.ga-basis h2{margin:0 0 4px;font-size:13px;color:#334155}
.ga-basis details{border-left:3px solid #c7d2fe;padding:2px 8px;margin:4px 0;font-size:14px}
.ga-basis summary{cursor:pointer}.ga-basis .part{font-size:12px;color:#4338ca}
.ga-basis blockquote{margin:4px 0 6px;color:#334155;font-size:13px}
#ga-send{background:#4338ca !important;border-color:#4338ca !important;color:#fff !important}
.show-api{color:#4b5563 !important}
@media (max-width: 640px){.ga-cards{grid-template-columns:1fr}}
"""


def source_cards(answer: Answer | None) -> str:
    """HTML cards for the cited entries; every value escaped."""
    if answer is None:
        return ""
    e = html.escape
    parts = []
    if answer.refused:
        parts.append(f'<div class="ga-refused" data-outcome="refused">Not in the glossary ({e(answer.reason)}).</div>')
    elif answer.outcome == "closest":
        parts.append('<div class="ga-note" data-outcome="closest">Closest match: the glossary may not define '
                     "exactly what you described.</div>")
    if answer.revised:
        parts.append('<div class="ga-note" data-revised="true">The answer was revised after checking it against '
                     "the glossary.</div>")
    if answer.busy:
        parts.append('<div class="ga-note" data-busy="true">Many questions at once: this answer is the glossary\'s own '
                     "text.</div>")
    cards = []
    for c in answer.citations:
        example = f'<p class="ex">Example: {e(c.example)}</p>' if c.example else ""
        cards.append(f'<div class="ga-card" data-term="{e(c.term)}"><div class="cat">{e(c.category or "")}</div>'
                     f"<h2>{e(c.term)}</h2><p>{e(c.definition or '')}</p>{example}</div>")
    if cards:
        parts.append(f'<div class="ga-cards" aria-label="Sources">{"".join(cards)}</div>')
    parts.append(sentence_sources(answer))
    return "".join(parts)


def sentence_sources(answer: Answer) -> str:
    """Each cited sentence of the answer; opening it shows the entry part it rests on. Every value escaped."""
    e = html.escape
    items = [f'<details data-term="{e(s.term)}" data-part="{e(s.part or "")}"><summary>{e(s.sentence)} '
             f'<span class="part">[{e(s.term)} · {e((s.part or "").replace("_", " "))}]</span></summary>'
             f"<blockquote>{e(s.text or '')}</blockquote></details>" for s in answer.sentences if s.term]
    if not items:
        return ""
    heading = "Where each sentence comes from"
    return f'<div class="ga-basis" aria-label="{heading}"><h2>{heading}</h2>{"".join(items)}</div>'


def followup_choices(answer: Answer) -> dict:
    """The questions offered after an answer: its suggested follow-ups, or for a refusal the closest entries."""
    questions = answer.followups or [f"What is {term}?" for term in answer.suggestions]
    return gr.update(choices=questions, value=None, visible=bool(questions))


def glossary_rows(state: ServerState, category: str, text: str) -> list[list[str]]:
    needle = text.strip().lower()
    return [[e.term, e.category, e.definition] for e in state.glossary.entries
            if (category in ("", "All") or e.category == category)
            and (not needle or needle in " ".join([*e.names, e.definition]).lower())]


def _header(shown: Presentation) -> str:
    e = html.escape
    return (f'<div class="ga-header"><h1>{e(shown.title)}</h1><div class="ga-sub">Answers about {e(shown.subject)}, '
            "grounded in a curated glossary. Every answer cites its entries; questions the glossary does not cover "
            "are declined.</div></div>")


def _placeholder(shown: Presentation) -> str:
    return f"Ask about {shown.subject}, e.g. “{shown.examples[0]}”"


def _categories(state: ServerState) -> list[str]:
    return ["All", *sorted({e.category for e in state.glossary.entries})]


def build_ui(state: ServerState) -> gr.Blocks:
    def respond(message: str, history: list[dict], turns: list[dict]) -> Iterator[tuple]:
        # The chat component renders HTML even without Markdown: escape everything shown in it.
        history = [*history, {"role": "user", "content": html.escape(message)}, {"role": "assistant", "content": "…"}]
        hidden = gr.update(choices=[], value=None, visible=False)
        yield history, "", hidden, "", turns, None, gr.update(visible=False), ""
        try:
            assistant = state.require()
            streamed = ""
            for event in assistant.stream(message, history=[Turn(**t) for t in turns]):
                if isinstance(event, Answer):
                    state.gaps.record(event)
                    history[-1] = {"role": "assistant", "content": html.escape(event.answer)}
                    turns = [*turns, Turn.from_answer(event).model_dump()][-MAX_TURNS:]
                    yield (history, source_cards(event), followup_choices(event), "", turns,
                           event.model_dump(mode="json"), gr.update(visible=True), "")
                else:
                    streamed += event
                    history[-1] = {"role": "assistant", "content": html.escape(streamed)}
                    yield history, "", hidden, "", turns, None, gr.update(visible=False), ""
        except AssistantError as exc:
            raise gr.Error(str(exc)) from exc

    def send_feedback(rating: str, answer: dict | None, reason: str, expected: str | None) -> str:
        if not answer:
            return ""
        feedback = Feedback(rating=rating, question=answer["question"], answer=answer["answer"],
                            citations=[c["term"] for c in answer["citations"]],
                            resolved_question=answer.get("resolved_question"), reason=(reason or "").strip() or None,
                            expected_entry=NOT_COVERED if expected == NOT_IN_GLOSSARY else expected or None,
                            glossary_version=answer.get("glossary_version", ""))
        try:
            state.feedback.append(feedback, state.glossary.short_hash)
        except AssistantError as exc:
            raise gr.Error(str(exc)) from exc
        return "Thanks — your feedback was saved."

    shown = presentation(state.glossary, state.settings)
    with gr.Blocks(title=f"{shown.title} — {shown.subject}, grounded in a glossary", fill_width=True) as blocks:
        header = gr.HTML(_header(shown))
        with gr.Tabs() as tabs:
            with gr.Tab("Chat", id="chat"):
                chat = gr.Chatbot(label="Conversation", height=420, render_markdown=False, sanitize_html=True,
                                  allow_tags=False, feedback_options=None, buttons=["copy"], elem_id="ga-chat")
                with gr.Row():
                    box = gr.Textbox(placeholder=_placeholder(shown),
                                     show_label=False,
                                     scale=6, max_length=state.settings.max_question_chars, elem_id="ga-question",
                                     autofocus=True)
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ga-send")
                    clear = gr.Button("Clear", variant="secondary", scale=1, min_width=80, elem_id="ga-clear")
                follow = gr.Radio(label="Suggested questions — click one to ask it", choices=[],
                                  visible=False, elem_id="ga-followups")
                with gr.Group(visible=False, elem_id="ga-feedback") as feedback_box:
                    with gr.Row():
                        up = gr.Button("Helpful", size="sm", elem_id="ga-up")
                        down = gr.Button("Not helpful", size="sm", elem_id="ga-down")
                    with gr.Accordion("Tell us more (optional)", open=False):
                        reason = gr.Textbox(label="What was wrong or missing?", max_lines=3, max_length=1000,
                                            elem_id="ga-reason")
                        expected = gr.Dropdown([NOT_IN_GLOSSARY, *(e.term for e in state.glossary.entries)],
                                               value=None, label="Which entry should have answered?",
                                               elem_id="ga-expected")
                    thanks = gr.Markdown(elem_id="ga-thanks")
                sources = gr.HTML(elem_id="ga-sources")
                examples = gr.Examples(list(shown.examples), inputs=box, label="Try")
            with gr.Tab("Glossary", id="glossary"):
                with gr.Row():
                    category = gr.Dropdown(_categories(state), value="All", label="Category", elem_id="ga-category")
                    search = gr.Textbox(label="Filter", placeholder="term, alias or words in the definition",
                                        elem_id="ga-filter")
                table = gr.Dataframe(headers=["Term", "Category", "Definition"], datatype=["str", "str", "str"],
                                     value=glossary_rows(state, "All", ""), interactive=False, wrap=True,
                                     elem_id="ga-table")
                gr.Markdown("Click a term to ask about it in the chat.")
        turns, last = gr.State([]), gr.State(None)
        inputs, outputs = [box, chat, turns], [chat, sources, follow, box, turns, last, feedback_box, thanks]
        box.submit(respond, inputs, outputs)
        send.click(respond, inputs, outputs)
        follow.select(lambda q: q or "", follow, box).then(respond, inputs, outputs)
        clear.click(lambda: ([], "", gr.update(choices=[], value=None, visible=False), "", [], None,
                             gr.update(visible=False), ""), None, outputs)
        up.click(lambda a, r, x: send_feedback("up", a, r, x), [last, reason, expected], thanks)
        down.click(lambda a, r, x: send_feedback("down", a, r, x), [last, reason, expected], thanks)
        category.change(lambda c, t: glossary_rows(state, c, t), [category, search], table)
        search.change(lambda c, t: glossary_rows(state, c, t), [category, search], table)

        def pick(evt: gr.SelectData, rows) -> tuple:
            term = rows.iloc[evt.index[0], 0] if hasattr(rows, "iloc") else rows[evt.index[0]][0]
            return gr.Tabs(selected="chat"), f"What is {term}?"

        table.select(pick, table, [tabs, box]).then(respond, inputs, outputs)

        def current_glossary() -> tuple:
            """What the page shows of the glossary, from the one serving now (a reload may have swapped it)."""
            now = presentation(state.glossary, state.settings)
            return (_header(now), gr.update(placeholder=_placeholder(now)),
                    gr.Dataset(samples=[[q] for q in now.examples]),
                    gr.update(choices=[NOT_IN_GLOSSARY, *(e.term for e in state.glossary.entries)]),
                    gr.update(choices=_categories(state)), glossary_rows(state, "All", ""))

        blocks.load(current_glossary, None, [header, box, examples.dataset, expected, category, table])
    blocks.queue(default_concurrency_limit=None,  # the generation gate decides who waits
                 max_size=max(1, state.settings.queue_size))
    return blocks
