"""Stateful HTTP sessions: capped, and a flood of new ones locks nobody out."""

from __future__ import annotations

import time

import httpx

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.http import http_app

from .conftest import ok
from .served import served
from .test_http import HEADERS, INITIALIZE, TOKEN, Make, mcp_client

CAP = 20
FLOOD = 300
AUTH = {**HEADERS, "authorization": f"Bearer {TOKEN.get_secret_value()}"}


def _open(raw: httpx.Client, url: str) -> str:
    answer = raw.post(f"{url}/mcp", json=INITIALIZE, headers=AUTH)
    assert answer.status_code == 200, answer.text
    return answer.headers["mcp-session-id"]


def _in_session(session: str) -> dict[str, str]:
    return {**AUTH, "mcp-session-id": session, "mcp-protocol-version": "2025-06-18"}


async def _open_async(raw: httpx.AsyncClient, url: str) -> str:
    answer = await raw.post(f"{url}/mcp", json=INITIALIZE, headers=AUTH)
    assert answer.status_code == 200, answer.text
    return answer.headers["mcp-session-id"]


async def _call_async(raw: httpx.AsyncClient, url: str, session: str) -> httpx.Response:
    call = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "list_ticket_types", "arguments": {}},
    }
    return await raw.post(f"{url}/mcp", json=call, headers=_in_session(session))


async def _alive_async(raw: httpx.AsyncClient, url: str, session: str) -> bool:
    ping = {"jsonrpc": "2.0", "id": 3, "method": "ping"}
    answer = await raw.post(f"{url}/mcp", json=ping, headers=_in_session(session))
    assert answer.status_code in (200, 404), answer.text
    return answer.status_code == 200


def _alive(raw: httpx.Client, url: str, session: str) -> bool:
    ping = {"jsonrpc": "2.0", "id": 3, "method": "ping"}
    answer = raw.post(f"{url}/mcp", json=ping, headers=_in_session(session))
    assert answer.status_code in (200, 404), answer.text
    return answer.status_code == 200


async def test_a_flood_of_initializes_keeps_the_cap_and_locks_nobody_out(
    sandbox: SandboxServer, make_server: Make
) -> None:
    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=False, max_sessions=CAP)
    with served(app) as url:
        async with httpx.AsyncClient(timeout=30) as raw:
            established = await _open_async(raw, url)
            notice = {"jsonrpc": "2.0", "method": "notifications/initialized"}
            await raw.post(f"{url}/mcp", json=notice, headers=_in_session(established))
            assert (await _call_async(raw, url, established)).status_code == 200
            flood = []
            for n in range(FLOOD):
                flood.append(await _open_async(raw, url))
                if n % 50 == 49:
                    during = await _call_async(raw, url, established)
                    assert during.status_code == 200, during.text
            after = await _call_async(raw, url, established)
            held = sum([await _alive_async(raw, url, s) for s in flood])
        async with mcp_client(url, TOKEN.get_secret_value()) as newcomer:
            assert ok(await newcomer.call_tool("list_statuses", {}))["statuses"]
    assert after.status_code == 200
    assert "ticket_types" in after.text
    # The established session counts too.
    assert held + 1 <= CAP, held


def test_idle_sessions_expire(make_server: Make) -> None:
    app = http_app(
        make_server(),
        host="127.0.0.1",
        token=TOKEN,
        stateless=False,
        max_sessions=CAP,
        session_idle_seconds=0.2,
    )
    with served(app) as url, httpx.Client(timeout=30) as raw:
        session = _open(raw, url)
        deadline = time.monotonic() + 20
        # Each ping restarts the idle clock: wait well past it before the next.
        while _alive(raw, url, session):
            assert time.monotonic() < deadline, "an idle session never expired"
            time.sleep(0.5)
        assert _open(raw, url)


def test_when_every_session_is_busy_a_new_one_gets_a_clear_503(make_server: Make) -> None:
    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=False, max_sessions=2)
    with served(app) as url, httpx.Client(timeout=30) as raw:
        sessions = [_open(raw, url) for _ in range(2)]
        # An open event stream is a request in flight: those sessions are in use.
        streams = [
            raw.stream(
                "GET",
                f"{url}/mcp",
                headers={**_in_session(s), "accept": "text/event-stream"},
            )
            for s in sessions
        ]
        opened = [s.__enter__() for s in streams]
        try:
            assert [r.status_code for r in opened] == [200, 200]
            refused = raw.post(f"{url}/mcp", json=INITIALIZE, headers=AUTH)
        finally:
            for s in streams:
                s.__exit__(None, None, None)
    assert refused.status_code == 503
    assert refused.headers["retry-after"]
    assert "busy" in refused.json()["error"]["message"]


def test_a_session_its_client_ends_frees_its_place_at_once(make_server: Make) -> None:
    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=False, max_sessions=2)
    with served(app) as url, httpx.Client(timeout=30) as raw:
        kept = _open(raw, url)
        ended = _open(raw, url)
        assert raw.delete(f"{url}/mcp", headers=_in_session(ended)).status_code == 200
        newcomer = _open(raw, url)
        # Two places, two live sessions: nobody had to make room.
        assert _alive(raw, url, kept)
        assert _alive(raw, url, newcomer)
