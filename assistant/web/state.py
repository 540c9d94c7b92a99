"""What the web doors share: settings, the glossary, and the assistant once it has loaded.

    >>> state = ServerState(settings)      # ServerState(settings, assistant) when it is already built
    >>> state.require()
    Traceback (most recent call last):
    assistant.errors.NotReady: The assistant is still loading its models; retry in a few seconds.
    >>> state.start_loading(); state.wait_ready(120)
    True

The server listens at once and loads models in the background, so ``/healthz`` can tell liveness
(the process answers) from readiness (models and index loaded).
"""
from __future__ import annotations

import logging
import threading
import time

from assistant.answer import Assistant
from assistant.corpus import Glossary
from assistant.errors import AssistantError, NotReady
from assistant.feedback import FeedbackLog
from assistant.inbox import GapLog
from assistant.settings import Settings
from assistant.wiring import build_assistant, load_glossary_or_snapshot

log = logging.getLogger(__name__)


class ServerState:
    def __init__(self, settings: Settings, assistant: Assistant | None = None) -> None:
        self.settings = settings
        self.started = time.time()
        self.assistant = assistant
        self.error: str | None = None
        self.corpus_error: str | None = None  # an invalid corpus edit, rejected: the last good glossary serves
        if assistant is not None:
            self.glossary: Glossary = assistant.glossary
        else:
            self.glossary, self.corpus_error = load_glossary_or_snapshot(settings)
        self._thread: threading.Thread | None = None
        self.feedback = FeedbackLog(settings.feedback_path)
        self.gaps = GapLog(settings.gap_log_path)  # off unless gap_log_path is set

    @property
    def ready(self) -> bool:
        return self.assistant is not None

    def start_loading(self) -> None:
        if self.assistant is not None or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._load, name="load-models", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        started = time.perf_counter()
        try:
            self.assistant = build_assistant(self.settings, keep_serving=True)
            log.info("models and index ready in %.1f s (backend %s)", time.perf_counter() - started,
                     self.assistant.backend)
        except AssistantError as exc:
            self.error = str(exc)
            log.error("the assistant could not start: %s", exc)
        except Exception as exc:  # noqa: BLE001 - any load failure must reach /healthz, not end the thread unseen
            self.error = f"The assistant could not start: {type(exc).__name__}: {exc}"
            log.exception("the assistant could not start")

    def wait_ready(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.ready

    def swap(self, assistant: Assistant) -> None:
        """Serve ``assistant`` (a reloaded glossary) from now on; answers in flight finish on the old one."""
        self.assistant, self.glossary, self.corpus_error = assistant, assistant.glossary, None

    def require(self) -> Assistant:
        if self.assistant is None:
            raise NotReady(self.error or "The assistant is still loading its models; retry in a few seconds.")
        return self.assistant
