"""The sandbox HaloPSA as an ASGI app: Halo's routes, errors, faults and request log."""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from halopsa_mcp.sandbox import (
    routes_actions,
    routes_auth,
    routes_control,
    routes_lookups,
    routes_tickets,
)
from halopsa_mcp.sandbox.errors import ErrorAnswer
from halopsa_mcp.sandbox.faults import run_with_fault
from halopsa_mcp.sandbox.state import RequestRecord, SandboxState


def create_app(state: SandboxState) -> Starlette:
    api_routes = routes_tickets.ROUTES + routes_actions.ROUTES + routes_lookups.ROUTES
    app = Starlette(
        routes=[
            *routes_auth.ROUTES,
            Mount("/api", routes=api_routes),
            *routes_control.ROUTES,
        ],
        middleware=[Middleware(_Gateway, state=state)],
        exception_handlers={ErrorAnswer: _halo_error},
    )
    app.state.sandbox = state
    return app


async def _halo_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, ErrorAnswer)
    return error.response()


def _is_halo_path(path: str) -> bool:
    """The paths a real Halo serves: logged and open to faults, unlike /_sandbox."""
    return path == "/auth/token" or path.startswith("/api/")


class _Gateway:
    """Logs each Halo request with the status it got, and fails it if a fault rule fires.

    It reads the whole request body first, as a server does before its handler runs: the
    log can show what a client sent, and a "slow" fault still stores a write whose
    client has given up waiting, as a real server would.
    """

    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_halo_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        rule = self.state.faults.pick(scope["method"], scope["path"])
        record = RequestRecord(
            method=scope["method"],
            path=scope["path"],
            query=scope["query_string"].decode("latin-1"),
            body=_json_or_none(body),
            fault=rule.kind if rule else None,
        )
        # Logged on arrival, so the log's order is the order requests came in, even
        # when a slow one is answered after a later one.
        self.state.record(record)

        async def send_noting_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.state.settle(record, message["status"])
            await send(message)

        replay = _replay(body, receive)
        if rule is None:
            await self.app(scope, replay, send_noting_status)
        else:
            await run_with_fault(rule, self.app, self.state, scope, replay, send_noting_status)


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client went away mid-request
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, then waits on the client."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None
