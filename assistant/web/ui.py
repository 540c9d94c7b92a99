"""The Gradio chat page: streamed answers with source cards, follow-ups for refusals, a browsable glossary.

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
from assistant.schema import Answer
from assistant.web.state import ServerState

TITLE = "Glossary Assistant"
EXAMPLES = ["What is label smoothing?", "lable smoothing vs mixup", "What does EWC stand for?",
            "Which method would help a fraud model whose patterns change over time?",
            "What is the name for training on easy examples first?", "What is dropout?"]
CSS = """
.ga-header h1{margin:0}.ga-sub{color:#64748b;margin-top:2px}
.ga-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:10px}
.ga-card{border:1px solid #e2e8f0;border-left:4px solid #4f46e5;border-radius:8px;padding:10px 12px;background:#fff}
.ga-card h3{margin:0 0 2px;font-size:16px}.ga-card .cat{font-size:12px;color:#6366f1;text-transform:uppercase}
.ga-card p{margin:6px 0 0;font-size:14px;color:#1e293b}.ga-card .ex{color:#475569;font-style:italic}
.ga-note{font-size:13px;color:#92400e;background:#fffbeb;border-radius:6px;padding:6px 10px}
.ga-refused{font-size:13px;color:#991b1b;background:#fef2f2;border-radius:6px;padding:6px 10px}
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
    cards = []
    for c in answer.citations:
        example = f'<p class="ex">Example: {e(c.example)}</p>' if c.example else ""
        cards.append(f'<div class="ga-card" data-term="{e(c.term)}"><div class="cat">{e(c.category or "")}</div>'
                     f"<h3>{e(c.term)}</h3><p>{e(c.definition or '')}</p>{example}</div>")
    if cards:
        parts.append(f'<div class="ga-cards" aria-label="Sources">{"".join(cards)}</div>')
    return "".join(parts)


def glossary_rows(state: ServerState, category: str, text: str) -> list[list[str]]:
    needle = text.strip().lower()
    return [[e.term, e.category, e.definition] for e in state.glossary.entries
            if (category in ("", "All") or e.category == category)
            and (not needle or needle in " ".join([*e.names, e.definition]).lower())]


def build_ui(state: ServerState) -> gr.Blocks:
    categories = ["All", *sorted({e.category for e in state.glossary.entries})]

    def respond(message: str, history: list[dict]) -> Iterator[tuple]:
        # The chat component renders HTML even without Markdown: escape everything shown in it.
        history = [*history, {"role": "user", "content": html.escape(message)}, {"role": "assistant", "content": "…"}]
        hidden = gr.update(choices=[], value=None, visible=False)
        yield history, "", hidden, ""
        try:
            assistant = state.require()
            streamed = ""
            for event in assistant.stream(message):
                if isinstance(event, Answer):
                    history[-1] = {"role": "assistant", "content": html.escape(event.answer)}
                    follow = gr.update(choices=event.suggestions, value=None, visible=bool(event.suggestions))
                    yield history, source_cards(event), follow, ""
                else:
                    streamed += event
                    history[-1] = {"role": "assistant", "content": html.escape(streamed)}
                    yield history, "", hidden, ""
        except AssistantError as exc:
            raise gr.Error(str(exc)) from exc

    def ask_about(term: str | None) -> str:
        return f"What is {term}?" if term else ""

    with gr.Blocks(title=f"{TITLE} — machine-learning terms, grounded in a glossary", fill_width=True) as blocks:
        gr.HTML(f'<div class="ga-header"><h1>{TITLE}</h1><div class="ga-sub">Answers about machine-learning '
                "terms, grounded in a curated glossary. Every answer cites its entries; questions the glossary "
                "does not cover are declined.</div></div>")
        with gr.Tabs() as tabs:
            with gr.Tab("Chat", id="chat"):
                chat = gr.Chatbot(label="Conversation", height=420, render_markdown=False, sanitize_html=True,
                                  allow_tags=False, feedback_options=None, elem_id="ga-chat")
                with gr.Row():
                    box = gr.Textbox(placeholder="Ask about an ML term, e.g. “What is SAM?”", show_label=False,
                                     scale=6, max_length=state.settings.max_question_chars, elem_id="ga-question",
                                     autofocus=True)
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="ga-send")
                    clear = gr.Button("Clear", variant="secondary", scale=1, min_width=80, elem_id="ga-clear")
                follow = gr.Radio(label="Closest glossary entries — click one to ask about it", choices=[],
                                  visible=False, elem_id="ga-followups")
                sources = gr.HTML(elem_id="ga-sources")
                gr.Examples(EXAMPLES, inputs=box, label="Try")
            with gr.Tab("Glossary", id="glossary"):
                with gr.Row():
                    category = gr.Dropdown(categories, value="All", label="Category", elem_id="ga-category")
                    search = gr.Textbox(label="Filter", placeholder="term, alias or words in the definition",
                                        elem_id="ga-filter")
                table = gr.Dataframe(headers=["Term", "Category", "Definition"], datatype=["str", "str", "str"],
                                     value=glossary_rows(state, "All", ""), interactive=False, wrap=True,
                                     elem_id="ga-table")
                gr.Markdown("Click a term to ask about it in the chat.")
        outputs = [chat, sources, follow, box]
        box.submit(respond, [box, chat], outputs)
        send.click(respond, [box, chat], outputs)
        follow.select(ask_about, follow, box).then(respond, [box, chat], outputs)
        clear.click(lambda: ([], "", gr.update(choices=[], value=None, visible=False), ""), None, outputs)
        category.change(lambda c, t: glossary_rows(state, c, t), [category, search], table)
        search.change(lambda c, t: glossary_rows(state, c, t), [category, search], table)

        def pick(evt: gr.SelectData, rows) -> tuple:
            term = rows.iloc[evt.index[0], 0] if hasattr(rows, "iloc") else rows[evt.index[0]][0]
            return gr.Tabs(selected="chat"), ask_about(term)

        table.select(pick, table, [tabs, box]).then(respond, [box, chat], outputs)
    blocks.queue(default_concurrency_limit=None,  # the generation gate decides who waits
                 max_size=max(1, state.settings.queue_size))
    return blocks
