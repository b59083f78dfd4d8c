"""A client given by name where a tool takes its ID: create_ticket and search_tickets,
through a real MCP client against the sandbox."""

from collections.abc import Callable

from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import ok, records, refusal, writes

Make = Callable[..., MCPServer[Services]]


async def test_a_ticket_is_created_for_a_client_named_in_any_case(
    sandbox: SandboxServer, make_server: Make
) -> None:
    args = {"summary": "Scanner jams", "client_id": "harbourside DENTAL", "ticket_type_id": 1}
    async with Client(make_server()) as c:
        created = ok(await c.call_tool("create_ticket", args))["ticket"]
    assert created["client_id"] == 12
    assert sandbox.state.tickets[created["id"]].client_id == 12


async def test_an_ambiguous_client_name_writes_nothing_and_lists_the_candidates(
    sandbox: SandboxServer, make_server: Make
) -> None:
    before = records(sandbox)
    args = {"summary": "Scanner jams", "client_id": "ar", "ticket_type_id": 1}
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("create_ticket", args))
    assert "Nothing was written" in text
    assert "client_id: 'ar' matches 3 clients" in text
    for candidate in ("12 Harbourside Dental Group", "23 Meridian Architecture Studio"):
        assert candidate in text
    assert "search_directory" in text
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_an_unknown_client_name_writes_nothing_and_names_the_tool_that_finds_it(
    sandbox: SandboxServer, make_server: Make
) -> None:
    before = records(sandbox)
    args = {"summary": "Scanner jams", "client_id": "Contoso Dental", "ticket_type_id": 1}
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("create_ticket", args))
    assert "client_id: no client is named like 'Contoso Dental'" in text
    assert "search_directory (kind=clients)" in text
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_an_inactive_client_is_not_offered_for_a_new_ticket(
    sandbox: SandboxServer, make_server: Make
) -> None:
    args = {"summary": "Oven alarm", "client_id": "pinewood", "ticket_type_id": 1}
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("create_ticket", args))
    assert "no client is named like 'pinewood'" in text
    assert writes(sandbox) == []


async def test_tickets_are_searched_by_the_clients_name(
    sandbox: SandboxServer, make_server: Make
) -> None:
    expected = sum(1 for t in sandbox.state.tickets.values() if t.client_id == 31)
    args = {"client_id": "castell", "open_only": False, "limit": 100}
    async with Client(make_server()) as c:
        found = ok(await c.call_tool("search_tickets", args))
        text = refusal(await c.call_tool("search_tickets", {"client_id": "ar"}))
    assert found["total"] == expected > 0
    assert {t["client_id"] for t in found["tickets"]} == {31}
    assert "client_id: 'ar' matches 3 clients" in text


async def test_refusals_over_an_unknown_id_name_the_tool_that_finds_one(
    sandbox: SandboxServer, make_server: Make
) -> None:
    create = {"summary": "Scanner jams", "client_id": 424242, "ticket_type_id": 1}
    async with Client(make_server()) as c:
        client = refusal(await c.call_tool("create_ticket", create))
        agent = refusal(await c.call_tool("search_tickets", {"agent_id": 4242}))
    assert "client_id: client 424242 does not exist" in client
    assert "search_directory (kind=clients)" in client
    assert "one of its tickets" not in client
    assert "agent_id: agent 4242 does not exist" in agent
    assert "search_directory (kind=agents)" in agent
    assert writes(sandbox) == []
