"""A cap on stateful Streamable HTTP sessions that a flood of new ones cannot fill.

The SDK refuses new sessions once its table is full until one idles out, so a burst of
``initialize`` requests would lock every new client out for the idle timeout. Here, when
a new session pushes the count over the cap, the least useful idle session is ended
instead: first those that never did more than open (what a flood leaves behind), then
the least recently active. Sessions with a request in flight (an open event stream
included) are never ended; if every session is busy, a new one is refused with 503.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("halopsa_mcp.http")

SESSION_HEADER = b"mcp-session-id"


@dataclass
class _Held:
    last_active: float
    requests: int = 0  # made after the one that opened it
    in_flight: int = 0


class SessionLimiter:
    """ASGI middleware in front of the SDK's stateful session manager at ``path``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        path: str,
        max_sessions: int,
        idle_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._app = app
        self._path = path
        self._max = max_sessions
        self._idle = idle_seconds
        self._clock = clock
        self._held: dict[str, _Held] = {}
        self._opening = 0

    @property
    def held(self) -> int:
        return len(self._held)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self._path:
            await self._app(scope, receive, send)
            return
        session = _header(scope, SESSION_HEADER)
        if session is None:
            await self._open(scope, receive, send)
            return
        held = self._held.get(session)
        if held is None:
            await self._app(scope, receive, send)  # unknown or ended: the SDK answers 404
            return
        held.requests += 1
        held.in_flight += 1
        ended = False

        async def watch(message: Message) -> None:
            nonlocal ended
            if message["type"] == "http.response.start":
                status = message["status"]
                # Ended by its client (DELETE) or already gone in the SDK.
                ended = status == 404 or (scope["method"] == "DELETE" and status < 400)
            await send(message)

        try:
            await self._app(scope, receive, watch)
        finally:
            held.in_flight -= 1
            held.last_active = self._clock()
            if ended and not held.in_flight:
                self._held.pop(session, None)

    async def _open(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._forget_expired()
        if len(self._held) + self._opening >= self._max and self._victim(None) is None:
            await _busy(scope, receive, send)
            return
        opened: list[str] = []

        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] < 400:
                session = _header(message, SESSION_HEADER)
                if session is not None:
                    self._held[session] = _Held(last_active=self._clock())
                    opened.append(session)
            await send(message)

        self._opening += 1
        try:
            await self._app(scope, receive, watch)
        finally:
            self._opening -= 1
        # Room is made only once the new session exists, so a request that opens
        # nothing (a malformed or refused one) never ends anybody's session.
        while opened and len(self._held) > self._max:
            victim = self._victim(opened[0])
            if victim is None:
                break
            await self._end(victim, scope)

    def _forget_expired(self) -> None:
        # The SDK ends a session after the same idle time; its entry is stale by now.
        now = self._clock()
        for session, held in list(self._held.items()):
            if not held.in_flight and now - held.last_active > self._idle:
                del self._held[session]

    def _victim(self, keep: str | None) -> str | None:
        idle = [(s, h) for s, h in self._held.items() if not h.in_flight and s != keep]
        if not idle:
            return None
        # Sessions that never went past opening (at most the "initialized" notice)
        # go first, then the least recently active.
        return min(idle, key=lambda pair: (pair[1].requests > 1, pair[1].last_active))[0]

    async def _end(self, session: str, scope: Scope) -> None:
        """End ``session`` in the SDK the way its client would: with a DELETE."""
        del self._held[session]
        headers = [(k, v) for k, v in scope["headers"] if k in (b"host", b"origin")]
        delete: Scope = {
            **scope,
            "method": "DELETE",
            "headers": [*headers, (SESSION_HEADER, session.encode())],
        }

        async def no_body() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def discard(_: Message) -> None:
            return None

        await self._app(delete, no_body, discard)
        log.info("ended an idle HTTP session to make room (cap %d)", self._max)


def _header(scope: Scope | Message, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _busy(scope: Scope, receive: Receive, send: Send) -> None:
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "id": None,
            "error": {
                "code": -32000,
                "message": "every session is busy; try again shortly",
            },
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", b"5"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
