"""The JSON API of ../shared/INTERFACES.md, plus the SSE streaming endpoint the widget uses.

    POST /api/ask          {"question": "...", "history": [turn, ...]?} -> Answer
    POST /api/ask/stream   {"question": "...", "history": [turn, ...]?} -> text/event-stream: token*, then answer
                           (or error)
    POST /api/feedback     {"rating": "up"|"down", "question", "answer", "citations", ...} -> 201 {"status": "stored"}
    GET  /api/info         -> {"title", "subject", "examples", "entries", "glossary_version"}
    GET  /api/glossary     -> [entry, ...]
    GET  /healthz          -> readiness (200 once models are loaded, else 503); ?probe=live for liveness
    GET  /widget.js        -> the embeddable widget
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr
from sse_starlette import EventSourceResponse

from assistant.errors import AssistantError
from assistant.feedback import Feedback
from assistant.generate import Cancel
from assistant.presentation import presentation
from assistant.schema import Answer, Turn
from assistant.web.middleware import RateLimiter
from assistant.web.state import ServerState

STATIC = Path(__file__).parent / "static"
_END = object()


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # The pattern documents what the guard enforces (blank -> 422); maxLength is set from Settings by the server.
    question: StrictStr = Field(description="a question about a term of the glossary", examples=["What is SAM?"],
                                json_schema_extra={"pattern": r"\S"})
    history: list[Turn] = Field(default_factory=list, max_length=1000,
                                description="earlier turns of the conversation, oldest first; a follow-up "
                                            "(\"and an example?\") is answered in their light (the latest "
                                            "max_history_turns are read)")


class ErrorBody(BaseModel):
    detail: str


def error_response(exc: BaseException) -> JSONResponse:
    """The HTTP form of an error: the status (and Retry-After) an AssistantError carries; 500 otherwise."""
    if not isinstance(exc, AssistantError) or exc.http_status == 500:
        return JSONResponse({"detail": f"The assistant failed: {exc}"}, 500)
    headers = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s else None
    return JSONResponse({"detail": str(exc)}, exc.http_status, headers=headers)


def build_router(state: ServerState, limiter: RateLimiter, feedback_limiter: RateLimiter) -> APIRouter:
    router = APIRouter()
    responses: dict[int | str, dict[str, Any]] = {
        400: {"model": ErrorBody, "description": "the body cannot be parsed (not UTF-8 JSON text)"},
        422: {"model": ErrorBody, "description": "empty or malformed question"},
        413: {"model": ErrorBody, "description": "question or body too long"},
        429: {"model": ErrorBody, "description": "rate limited; see Retry-After"},
        503: {"model": ErrorBody, "description": "busy or still loading; see Retry-After"}}

    def admit(request: Request, body: AskRequest) -> JSONResponse | None:
        if (refusal := _limited(request, limiter, "questions")) is not None:
            return refusal
        request.state.log_extra = {"question": body.question[:200]} if state.settings.log_questions else {}
        return None

    def note(request: Request, answer: Answer) -> None:
        extra = getattr(request.state, "log_extra", {})
        extra.update(outcome=answer.outcome, mode=answer.mode, total_ms=answer.timings.total_ms)
        state.gaps.record(answer)

    @router.post("/api/ask", response_model=Answer, responses=responses, tags=["ask"])
    async def ask(request: Request, body: AskRequest):
        """Answer a question; the whole Answer object at once."""
        if (refusal := admit(request, body)) is not None:
            return refusal
        try:
            assistant = state.require()
            answer = await _in_own_thread(assistant.ask, body.question, None, None, body.history)
        except AssistantError as exc:
            return error_response(exc)
        note(request, answer)
        return JSONResponse(answer.model_dump(mode="json"))

    @router.post("/api/ask/stream", responses={**responses, 200: {
        "content": {"text/event-stream": {}},
        "description": "server-sent events: `token` {text} as the answer is written, then `answer` with the "
                       "final Answer object (its `answer` replaces the streamed text when `revised`), or `error` "
                       "{detail, status}"}}, tags=["ask"])
    async def ask_stream(request: Request, body: AskRequest):
        """Stream the answer as server-sent events; errors before the stream starts are plain JSON 4xx/503."""
        if (refusal := admit(request, body)) is not None:
            return refusal
        try:
            assistant = state.require()
        except AssistantError as exc:  # not ready
            return error_response(exc)
        cancel = Cancel()
        queue = _start_worker(assistant, body, cancel)
        first = await queue.get()
        if isinstance(first, BaseException):
            return error_response(first)
        return EventSourceResponse(_events(request, first, queue, cancel, note), ping=10,
                                   headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.post("/api/feedback", status_code=201, tags=["feedback"], responses={
        201: {"description": "stored"}, 400: responses[400],
        404: {"model": ErrorBody, "description": "this server keeps no feedback"},
        413: {"model": ErrorBody, "description": "body too long"},
        422: {"model": ErrorBody, "description": "malformed feedback"}, 429: responses[429]})
    async def feedback(request: Request, body: Feedback):
        """Keep a reader's thumbs up or down on an answer, with an optional reason and expected entry."""
        if (refusal := _limited(request, feedback_limiter, "feedback")) is not None:
            return refusal
        try:
            state.feedback.append(body, state.glossary.short_hash)
        except AssistantError as exc:
            return error_response(exc)
        return JSONResponse({"status": "stored"}, 201)

    @router.get("/api/info", tags=["glossary"])
    async def info() -> dict:
        """How to present the glossary being served: title, what its terms are about, example questions, version."""
        return {**presentation(state.glossary, state.settings).as_dict(), "entries": len(state.glossary.entries),
                "glossary_version": state.glossary.short_hash}

    @router.get("/api/glossary", tags=["glossary"])
    async def glossary() -> list[dict]:
        """Every glossary entry, as ``python -m assistant glossary --json`` prints them."""
        return [e.model_dump(mode="json", exclude_none=True) for e in state.glossary.entries]

    @router.get("/healthz", tags=["ops"])
    async def healthz(probe: str = "ready"):
        """Readiness by default (503 until models and index are loaded); ``?probe=live`` for liveness."""
        body = {"status": "ok" if state.ready else ("error" if state.error else "starting"), "live": True,
                "ready": state.ready, "entries": len(state.glossary.entries),
                "uptime_s": round(time.time() - state.started, 1)}
        if state.ready:
            body |= {"backend": state.assistant.backend, "queue": state.assistant.gate.load,
                     "glossary_version": state.glossary.short_hash}
        if state.error:
            body["error"] = state.error
        if state.corpus_error:
            body["corpus_error"] = state.corpus_error
        return JSONResponse(body, 200 if probe == "live" or state.ready else 503)

    @router.get("/widget.js", include_in_schema=False)
    async def widget() -> FileResponse:
        return FileResponse(STATIC / "widget.js", media_type="application/javascript",
                            headers={"Cache-Control": "public, max-age=300"})

    return router


def _limited(request: Request, limiter: RateLimiter, what: str) -> JSONResponse | None:
    wait = limiter.check(request.client.host if request.client else "?")
    if not wait:
        return None
    return JSONResponse({"detail": f"Too many {what}; retry in {wait} s."}, 429, headers={"Retry-After": str(wait)})


async def _in_own_thread(fn, *args):
    """Runs ``fn`` in a thread of its own: the default executor has only a few threads, and a request
    parked there would wait outside the generation gate, where no 'busy' answer can reach it."""
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def work() -> None:
        try:
            result = fn(*args)
        except BaseException as exc:  # noqa: BLE001  (re-raised in the request's task)
            loop.call_soon_threadsafe(_settle, future, None, exc)
        else:
            loop.call_soon_threadsafe(_settle, future, result, None)

    threading.Thread(target=work, name="answer", daemon=True).start()
    return await future


def _settle(future: asyncio.Future, result, exc: BaseException | None) -> None:
    if future.done():  # the request was cancelled meanwhile
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)


def _start_worker(assistant, body: AskRequest, cancel: Cancel) -> asyncio.Queue:
    """Runs the (blocking) answer stream in a thread and hands its events to the event loop."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    def put(item: object) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, item)
        except RuntimeError:  # the loop is gone (server shutting down): nobody is listening
            cancel.set()

    def work() -> None:
        try:
            for event in assistant.stream(body.question, cancel, history=body.history):
                put(event)
        except Exception as exc:  # noqa: BLE001  (delivered to the client as an error event)
            put(exc)
        finally:
            put(_END)

    threading.Thread(target=work, name="answer-stream", daemon=True).start()
    return queue


async def _events(request: Request, first: object, queue: asyncio.Queue, cancel: Cancel, note) -> AsyncIterator[dict]:
    item = first
    try:
        while item is not _END:
            if isinstance(item, Answer):
                note(request, item)
                yield {"event": "answer", "data": item.model_dump_json()}
            elif isinstance(item, BaseException):
                status = error_response(item).status_code
                yield {"event": "error", "data": json.dumps({"detail": str(item), "status": status})}
            else:
                yield {"event": "token", "data": json.dumps({"text": item})}
            item = await queue.get()
    finally:
        cancel.set()  # client gone or stream done: stop generating, free the slot
