"""One process, one port: FastAPI (JSON API, SSE, widget, OpenAPI docs at /docs) with the Gradio UI at /
(``ui = false``: API and widget only, and / redirects to /docs; starts 2.4 s sooner without Gradio).

    $ python -m assistant serve --port 7860
    >>> app = create_app(settings)            # for uvicorn / tests
"""
from __future__ import annotations

import json
import logging
import os

import uvicorn
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.routing import APIRoute
from threadpoolctl import threadpool_limits

from assistant import __version__
from assistant.answer import Assistant
from assistant.process import configure_process
from assistant.settings import Settings
from assistant.web.api import build_router
from assistant.web.middleware import AccessLog, BodySizeLimit, RateLimiter, cors_origin_regex
from assistant.web.reload import GlossaryWatcher
from assistant.web.state import ServerState

log = logging.getLogger(__name__)
_WORKER_SETTINGS = "ASSISTANT_WORKER_SETTINGS"  # the settings ``serve`` hands to its worker processes, as JSON
MAX_BODY_BYTES = 64 * 1024


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """Malformed JSON or a body of the wrong shape: 422 with one readable sentence."""
    first = exc.errors()[0] if exc.errors() else {"msg": "invalid request", "loc": ()}
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body" and not isinstance(p, int)) or "body"
    message = first.get("msg", "invalid request")
    if first.get("type") == "json_invalid":
        message = "the body is not valid JSON (send {\"question\": \"...\"} as UTF-8)"
    return JSONResponse({"detail": f"{where}: {message}"}, 422)


def create_app(settings: Settings, assistant: Assistant | None = None, state: ServerState | None = None) -> FastAPI:
    """The whole server. Without ``assistant`` the models load in the background (from start-up, or
    earlier if the given ``state`` has already started loading)."""
    state = state or ServerState(settings, assistant)
    # Requests run in parallel threads and llama.cpp keeps every core busy while it generates; OpenBLAS
    # workers that spin between calls then starve both (50 clients: 4.6 instead of 14.9 answers/s).
    # One BLAS thread per call: questions are encoded side by side instead.
    threadpool_limits(limits=1, user_api="blas")

    async def lifespan(app: FastAPI):
        state.start_loading()
        watcher = GlossaryWatcher(state, settings.reload_poll_s)
        if settings.reload_poll_s > 0:
            watcher.start()
        yield
        watcher.stop()

    app = FastAPI(title="Glossary Assistant API", version=__version__, lifespan=lifespan,
                  description="Grounded answers about the terms of a glossary. See also "
                              + ("the chat UI at / and " if settings.ui else "") + "the embeddable widget at /widget.js.")
    app.state.glossary_state = state
    _document_question_limit(app, settings.max_question_chars)
    app.add_exception_handler(RequestValidationError, _validation_error)
    router = build_router(state, RateLimiter(settings.rate_limit_per_minute), RateLimiter(settings.rate_limit_per_minute))
    app.include_router(router)
    _refuse_other_methods(app, router)
    if settings.ui:
        _mount_ui(app, state)
    else:
        app.add_api_route("/", lambda: RedirectResponse("/docs"), include_in_schema=False)
    # Outermost last: CORS wraps everything (so 413/429/503 carry its headers), Gradio included.
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(AccessLog)
    app.add_middleware(CORSMiddleware, allow_origin_regex=cors_origin_regex(settings.cors_origins),
                       allow_credentials=False, allow_methods=["GET", "POST", "OPTIONS"],
                       allow_headers=["Content-Type"], expose_headers=["Retry-After"], max_age=600)
    return app


def _document_question_limit(app: FastAPI, max_chars: int) -> None:
    """The OpenAPI schema states the configured question length limit (longer questions get 413)."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            build()["components"]["schemas"]["AskRequest"]["properties"]["question"]["maxLength"] = max_chars
        return app.openapi_schema

    app.openapi = openapi


def _refuse_other_methods(app: FastAPI, router: APIRouter) -> None:
    """Undeclared methods on the API's paths get 405 and ``Allow``, not the 404 of the chat UI mounted at /."""
    allowed: dict[str, set[str]] = {}
    for route in router.routes:
        if isinstance(route, APIRoute):
            allowed.setdefault(route.path, set()).update(route.methods)
    for path, methods in allowed.items():  # routes are tried in order: the declared methods match first
        app.add_route(path, _MethodNotAllowed(", ".join(sorted(methods))), include_in_schema=False)


class _MethodNotAllowed:
    """An ASGI app, so that its route matches every method (QUERY and custom ones too): 405 with ``Allow``."""

    def __init__(self, allow: str) -> None:
        self.allow = allow

    async def __call__(self, scope, receive, send) -> None:
        await JSONResponse({"detail": "Method Not Allowed"}, 405, headers={"Allow": self.allow})(scope, receive, send)


def _mount_ui(app: FastAPI, state: ServerState) -> None:
    import gradio as gr  # 2.4 s to import: ``serve`` starts loading the models first

    from assistant.web.ui import CSS, build_ui

    gr.mount_gradio_app(app, build_ui(state), path="/", css=CSS, footer_links=["api"], show_error=True,
                        ssr_mode=False)


def serve(settings: Settings) -> None:
    """Runs until SIGINT/SIGTERM; answers in flight (streams included) finish, bounded by shutdown_grace_s."""
    from sse_starlette.sse import AppStatus

    AppStatus.disable_automatic_graceful_drain()  # let open answer streams complete; uvicorn bounds the wait
    logging.getLogger("assistant").setLevel(logging.INFO)
    if not settings.log_questions:
        log.info("privacy: question text is left out of request logs")
    doors = "API docs at /docs, widget at /widget.js" + ("" if settings.ui else "; no chat UI (--no-ui)")
    print(f"Glossary Assistant: http://{settings.host}:{settings.port}/  ({doors})", flush=True)
    # Several workers need an import string; each builds its app (and loads its models) from these settings,
    # handed over whole so that command-line options (--no-ui ...) reach the workers too.
    if settings.workers == 1:
        state = ServerState(settings)
        state.start_loading()  # the models load while Gradio is imported
        app = create_app(settings, state=state)
    else:
        os.environ[_WORKER_SETTINGS] = settings.model_dump_json()
        app = "assistant.web.server:app_from_settings"
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="info", workers=settings.workers,
                factory=settings.workers > 1, timeout_graceful_shutdown=int(settings.shutdown_grace_s),
                proxy_headers=True, forwarded_allow_ips=settings.forwarded_allow_ips)


def app_from_settings() -> FastAPI:
    """uvicorn factory for multi-worker serving: the settings ``serve`` resolved (command line included), else
    those from GLOSSARY_* and the TOML file."""
    from assistant.settings import load_settings

    configure_process()
    handed_over = os.environ.get(_WORKER_SETTINGS)
    return create_app(load_settings(**json.loads(handed_over)) if handed_over else load_settings())
