"""HTTP guards: request-body cap, per-client rate limit, CORS allowlist pattern, structured access log."""
from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("assistant.access")


def cors_origin_regex(origins: list[str]) -> str:
    """Each allowed origin on any port: "http://localhost" -> ^http://localhost(:\\d+)?$ (exact scheme and host)."""
    parts = []
    for origin in origins:
        origin = origin.rstrip("/")
        if re.search(r":\d+$", origin):
            parts.append(re.escape(origin))
        else:
            parts.append(re.escape(origin) + r"(?::\d+)?")
    return "^(?:" + "|".join(parts) + ")$" if parts else r"^$"


class BodySizeLimit:
    """Rejects request bodies over ``max_bytes`` with 413 before anything parses them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await _too_large(send, self.max_bytes)
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise _TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(send, self.max_bytes)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"Request body too large (limit {limit} bytes)."}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class RateLimiter:
    """Sliding one-minute window per client key; ``check`` returns seconds to wait, or 0 when allowed."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> int:
        if self.per_minute <= 0:
            return 0
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] >= 60.0:
                hits.popleft()
            if len(hits) >= self.per_minute:
                return max(1, int(60.0 - (now - hits[0])) + 1)
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle clients so memory stays flat
                for k in [k for k, v in self._hits.items() if not v or now - v[-1] >= 60.0]:
                    del self._hits[k]
        return 0


class AccessLog:
    """One JSON line per API request at INFO: method, path, status, duration; the question only if allowed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(("/api/", "/healthz")):
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status = {"code": 0}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            record = {"method": scope["method"], "path": scope["path"], "status": status["code"],
                      "ms": round((time.perf_counter() - started) * 1000, 1),
                      "client": (scope.get("client") or ("?",))[0]}
            record.update(scope.get("state", {}).get("log_extra", {}))
            access_log.info(json.dumps(record, ensure_ascii=False))
