"""A client given by name where a tool takes its ID: create_ticket and search_tickets,
through a real MCP client against the sandbox."""

from collections.abc import Callable

from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services
from tests.helpers import reconfigure

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


async def test_statuses_types_and_agents_are_taken_by_name(
    sandbox: SandboxServer, make_server: Make
) -> None:
    create = {
        "summary": "Plotter offline",
        "client_id": 23,
        "ticket_type_id": "service request",
        "agent_id": "tom",
    }
    async with Client(make_server()) as c:
        created = ok(await c.call_tool("create_ticket", create))["ticket"]
        ok(await c.call_tool("update_ticket", {"ticket_id": created["id"], "status_id": "pending"}))
        found = ok(
            await c.call_tool(
                "search_tickets", {"agent_id": "Tom Whitaker", "status_id": "Pending"}
            )
        )
    saved = sandbox.state.tickets[created["id"]]
    assert (saved.tickettype_id, saved.agent_id, saved.status_id) == (3, 3, 3)
    assert created["id"] in [t["id"] for t in found["tickets"]]
    assert {(t["agent_id"], t["status_id"]) for t in found["tickets"]} == {(3, 3)}


async def test_an_outcome_is_taken_by_name(sandbox: SandboxServer, make_server: Make) -> None:
    args = {"ticket_id": 1001, "note": "Called the user.", "outcome_id": "phone call"}
    async with Client(make_server()) as c:
        action = ok(await c.call_tool("add_action", args))["action"]
    assert sandbox.state.actions[action["id"]].outcome_id == 3


async def test_names_matching_several_or_none_are_all_refused_at_once_and_nothing_written(
    sandbox: SandboxServer, make_server: Make
) -> None:
    before = records(sandbox)
    update = {"ticket_id": 1001, "status_id": "waiting", "agent_id": "nobody"}
    action = {"ticket_id": 1001, "note": "x", "outcome_id": "private memo"}
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("update_ticket", update))
        outcome = refusal(await c.call_tool("add_action", action))
    assert "Nothing was written: the request breaks 2 rules" in text
    assert "- status_id: 'waiting' matches 2 statuses" in text
    assert "5 Waiting on Client, 6 Waiting on Third Party" in text
    assert "- agent_id: no agent is named like 'nobody'" in text
    assert "2 Priya Natarajan" in text
    assert "9 Ravi Desai" not in text  # disabled: cannot be assigned
    assert "- outcome_id: no outcome is named like 'private memo'" in outcome
    assert "1 Private Note" in outcome
    assert "list_outcomes" in outcome
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_an_agent_name_on_an_instance_that_hides_agents_is_refused_not_guessed(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, unreadable_lookups=(("Agent", 403),))
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("update_ticket", {"ticket_id": 1001, "agent_id": "tom"}))
        by_id = ok(await c.call_tool("update_ticket", {"ticket_id": 1001, "agent_id": 3}))
    assert "agent_id: agent names cannot be matched" in text
    assert "pass the ID" in text
    assert by_id["ticket"]["agent_id"] == 3


async def test_an_end_user_and_a_priority_are_taken_by_name(
    sandbox: SandboxServer, make_server: Make
) -> None:
    user = next(u for u in sandbox.state.users.values() if u.client_id == 27)
    create = {
        "summary": "Label printer offline",
        "client_id": "oakridge",
        "ticket_type_id": "incident",
        "user_id": user.name.upper(),
        "priority_id": "high",
    }
    async with Client(make_server()) as c:
        created = ok(await c.call_tool("create_ticket", create))["ticket"]
        text = refusal(await c.call_tool("create_ticket", {**create, "user_id": "Nobody Here"}))
    saved = sandbox.state.tickets[created["id"]]
    assert (saved.client_id, saved.user_id, saved.site_id, saved.priority_id) == (
        27,
        user.id,
        user.site_id,
        2,
    )
    assert "user_id: no end user is named like 'Nobody Here'" in text
    assert "search_directory (kind=users, client_id=27)" in text


async def test_an_empty_name_is_refused_naming_the_field(
    sandbox: SandboxServer, make_server: Make
) -> None:
    args = {"summary": "Scanner jams", "client_id": " ", "ticket_type_id": ""}
    async with Client(make_server()) as c:
        client = refusal(await c.call_tool("create_ticket", args))
        status = refusal(await c.call_tool("update_ticket", {"ticket_id": 1001, "status_id": ""}))
    assert "client_id: is empty" in client
    assert "status_id: no status is named like ''" in status
    assert "use one of:" in status
    assert writes(sandbox) == []
