"""One process, one port: FastAPI (JSON API, SSE, widget, OpenAPI docs at /docs) with the Gradio UI at /
(``ui = false``: API and widget only, and / redirects to /docs; starts 2.4 s sooner without Gradio).

    $ python -m assistant serve --port 7860
    >>> app = create_app(settings)            # for uvicorn / tests
"""
from __future__ import annotations

import json
import logging
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import uvicorn  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402
from fastapi.exceptions import RequestValidationError  # noqa: E402
from fastapi.middleware.cors import CORSMiddleware  # noqa: E402
from fastapi.responses import JSONResponse, RedirectResponse  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from assistant import __version__  # noqa: E402
from assistant.answer import Assistant  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.web.api import build_router  # noqa: E402
from assistant.web.middleware import AccessLog, BodySizeLimit, RateLimiter, cors_origin_regex  # noqa: E402
from assistant.web.state import ServerState  # noqa: E402

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
        yield

    app = FastAPI(title="Glossary Assistant API", version=__version__, lifespan=lifespan,
                  description="Grounded answers about machine-learning terms. See also "
                              + ("the chat UI at / and " if settings.ui else "") + "the embeddable widget at /widget.js.")
    app.state.glossary_state = state
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.include_router(build_router(state, RateLimiter(settings.rate_limit_per_minute)))
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

    handed_over = os.environ.get(_WORKER_SETTINGS)
    return create_app(load_settings(**json.loads(handed_over)) if handed_over else load_settings())
