"""Hot reload: the server watches its glossary and serves a valid edit without a restart.

    >>> from assistant.web.state import ServerState
    >>> watcher = GlossaryWatcher(ServerState(settings, assistant), poll_s=1.0)
    >>> watcher.check()        # what the server's thread does every poll_s (``start``): nothing changed here
    False

Every ``poll_s`` seconds the glossary's files are stat-ed (a file, or every file of a glossary folder). When
they have changed, and look the same at the next poll (so a file half written is not read), the glossary is
loaded again and a new retrieval stack built around the running generator: only
new or edited entries are embedded again (``index.py`` reuses the other vectors), and the swap is one
reference, so answers in flight finish on the glossary they started with. An invalid edit is rejected: the
error goes to the log and ``/healthz`` (``corpus_error``) and the last good glossary keeps serving. Each server
worker runs its own watcher.
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from assistant.errors import AssistantError
from assistant.wiring import with_current_glossary

log = logging.getLogger(__name__)


def fingerprint(path: Path) -> tuple:
    """What changes when the glossary is edited: (name, size, mtime) of its file, or of every file below it."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    stats = []
    for file in files:
        try:
            st = file.stat()
        except OSError:  # removed meanwhile (an editor's swap file, the file itself)
            continue
        stats.append((str(file), st.st_size, st.st_mtime_ns))
    return tuple(stats)


class GlossaryWatcher:
    def __init__(self, state, poll_s: float) -> None:
        self.state = state  # web.state.ServerState
        self.poll_s = poll_s
        self._seen = fingerprint(state.settings.corpus_path)
        self._changing: tuple | None = None  # files seen changed once: read when two looks agree
        self._stop = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._run, name="glossary-watcher", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.poll_s):
            self.check()

    def check(self) -> bool:
        """Reloads when the files changed since the last look; whether a new glossary is serving."""
        if not self.state.ready:  # still loading: an edit made meanwhile is seen once the models are up
            return False
        now = fingerprint(self.state.settings.corpus_path)
        if now == self._seen:
            return False
        if now != self._changing:  # still being written (an editor saving, a copy in progress): look again
            self._changing = now
            return False
        self._seen, self._changing = now, None
        started = time.perf_counter()
        try:
            self.state.swap(with_current_glossary(self.state.require(), self.state.settings))
        except AssistantError as exc:
            self.state.corpus_error = str(exc)
            log.error("%s -- rejected; the last valid glossary keeps serving", exc)
            return False
        log.info("glossary reloaded in %.2f s: %d entries, version %s", time.perf_counter() - started,
                 len(self.state.glossary.entries), self.state.glossary.short_hash)
        return True
