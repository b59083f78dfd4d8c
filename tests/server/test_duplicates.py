"""create_ticket's duplicate check under concurrency, lag and large queues, through real
MCP clients (in-process and over stateless HTTP) against the sandbox."""

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

import anyio
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server import MCPServer
from mcp.shared._httpx_utils import create_mcp_http_client
from mcp.types import CallToolResult
from pydantic import SecretStr

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.http import http_app
from halopsa_mcp.server.services import Services
from halopsa_mcp.server.tools.tickets import DUPLICATE_SCAN

from .conftest import ok, refusal
from .served import served

Make = Callable[..., MCPServer[Services]]
TOKEN = SecretStr("duplicates-token-0123456789")
CLIENT = 23
NEW = {"summary": "Badge reader at the loading dock rejects every card", "client_id": CLIENT,
       "ticket_type_id": 1}  # fmt: skip


def created_for(sandbox: SandboxServer, summary: str) -> list[int]:
    with sandbox.state.lock:
        return sorted(t.id for t in sandbox.state.tickets.values() if t.summary == summary)


def outcomes(results: list[CallToolResult]) -> tuple[list[dict[str, Any]], list[str]]:
    made = [ok(r) for r in results if not r.is_error]
    refused = [refusal(r) for r in results if r.is_error]
    return made, refused


async def test_twenty_concurrent_identical_creates_make_one_ticket(
    sandbox: SandboxServer, make_server: Make
) -> None:
    results: list[CallToolResult] = []

    async def create(c: Client) -> None:
        results.append(await c.call_tool("create_ticket", NEW))

    async with Client(make_server()) as c, anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(create, c)
    made, refused = outcomes(results)
    assert created_for(sandbox, NEW["summary"]) == [made[0]["ticket"]["id"]]
    assert len(made) == 1
    assert len(refused) == 19
    assert all(f"#{made[0]['ticket']['id']} " in text for text in refused)


def http_client(url: str) -> Client:
    headers = {"Authorization": f"Bearer {TOKEN.get_secret_value()}"}
    return Client(
        streamable_http_client(f"{url}/mcp", http_client=create_mcp_http_client(headers=headers))
    )


async def test_concurrent_creates_from_several_http_clients_make_one_ticket(
    sandbox: SandboxServer, make_server: Make
) -> None:
    results: list[CallToolResult] = []

    async def create(c: Client) -> None:
        results.append(await c.call_tool("create_ticket", NEW))

    async def caller(url: str) -> None:
        async with http_client(url) as c, anyio.create_task_group() as tg:
            for _ in range(4):
                tg.start_soon(create, c)

    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=True)
    with served(app) as url:
        async with anyio.create_task_group() as tg:
            for _ in range(5):
                tg.start_soon(caller, url)
    made, refused = outcomes(results)
    assert len(results) == 20
    assert len(created_for(sandbox, NEW["summary"])) == 1
    assert len(made) == 1
    assert all(f"#{made[0]['ticket']['id']} " in text for text in refused)


@contextmanager
def hidden_from_lists(sandbox: SandboxServer, ticket_id: int) -> Iterator[None]:
    """HaloPSA's lists may lag behind a write: the new ticket is not listed yet."""
    with sandbox.state.lock:
        ticket = sandbox.state.tickets.pop(ticket_id)
    try:
        yield
    finally:
        with sandbox.state.lock:
            sandbox.state.tickets[ticket_id] = ticket


async def test_a_ticket_just_created_counts_even_before_halopsa_lists_it(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        first = ok(await c.call_tool("create_ticket", NEW))["ticket"]["id"]
        with hidden_from_lists(sandbox, first):
            text = refusal(await c.call_tool("create_ticket", NEW))
    assert f"#{first} " in text
    assert created_for(sandbox, NEW["summary"]) == [first]


def add_open_tickets(sandbox: SandboxServer, count: int, newest_summary: str) -> int:
    """``count`` more open tickets for CLIENT, each newer than the last; the newest gets
    ``newest_summary``. Returns the newest one's ID."""
    state = sandbox.state
    with state.lock:
        template = next(
            t for t in state.tickets.values()
            if t.client_id == CLIENT and not state.statuses[t.status_id].is_closed
        )  # fmt: skip
        for n in range(count):
            ticket_id = state.next_ticket_id
            state.next_ticket_id += 1
            state.tickets[ticket_id] = replace(
                template,
                id=ticket_id,
                summary=newest_summary if n == count - 1 else f"Mailbox quota {n} reached",
                datecreated=template.datecreated + timedelta(minutes=n + 1),
            )
        return ticket_id


def open_count(sandbox: SandboxServer) -> int:
    state = sandbox.state
    with state.lock:
        return sum(
            1 for t in state.tickets.values()
            if t.client_id == CLIENT and not state.statuses[t.status_id].is_closed
        )  # fmt: skip


async def test_the_scan_reads_the_newest_open_tickets_first(
    sandbox: SandboxServer, make_server: Make
) -> None:
    newest = add_open_tickets(sandbox, DUPLICATE_SCAN + 20, NEW["summary"])
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("create_ticket", NEW))
    assert f"#{newest} " in text
    assert created_for(sandbox, NEW["summary"]) == [newest]
    assert f"{DUPLICATE_SCAN} newest of this client's {open_count(sandbox)} open" in text


async def test_a_scan_cut_short_says_so_in_the_result(
    sandbox: SandboxServer, make_server: Make
) -> None:
    add_open_tickets(sandbox, DUPLICATE_SCAN + 20, "Mailbox quota reached again")
    async with Client(make_server()) as c:
        result = ok(await c.call_tool("create_ticket", NEW))
        small = ok(await c.call_tool("create_ticket", {**NEW, "client_id": 31}))
    assert any(
        f"{DUPLICATE_SCAN} newest of this client's {open_count(sandbox) - 1} open" in w
        for w in result["warnings"]
    )
    assert not any("newest" in w for w in small["warnings"])


async def test_the_duplicate_scan_reports_progress_when_asked(
    sandbox: SandboxServer, make_server: Make
) -> None:
    add_open_tickets(sandbox, 250, "Mailbox quota reached again")
    total = open_count(sandbox)
    seen: list[tuple[float, float | None, str | None]] = []

    async def progress(done: float, of: float | None, message: str | None) -> None:
        seen.append((done, of, message))

    async with Client(make_server()) as c:
        ok(await c.call_tool("create_ticket", NEW, progress_callback=progress))
    assert [done for done, _, _ in seen] == [100, 200, total]
    assert all(of == total for _, of, _ in seen)
    assert all(message and re.search(r"\d+ of \d+ open tickets", message) for *_, message in seen)


async def test_search_reports_progress_when_asked_and_works_without(
    sandbox: SandboxServer, make_server: Make
) -> None:
    seen: list[tuple[float, float | None]] = []

    async def progress(done: float, of: float | None, message: str | None) -> None:
        seen.append((done, of))

    async with Client(make_server()) as c:
        asked = ok(await c.call_tool("search_tickets", {"limit": 7}, progress_callback=progress))
        plain = ok(await c.call_tool("search_tickets", {"limit": 7}))
    assert seen == [(7, 7)]
    assert asked == plain


async def test_progress_over_stateless_http_does_not_break_the_call(
    sandbox: SandboxServer, make_server: Make
) -> None:
    add_open_tickets(sandbox, 150, "Mailbox quota reached again")

    async def progress(done: float, of: float | None, message: str | None) -> None:
        pass

    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=True)
    with served(app) as url:
        async with http_client(url) as c:
            made = ok(await c.call_tool("create_ticket", NEW, progress_callback=progress))
    assert made["ticket"]["id"] in sandbox.state.tickets
