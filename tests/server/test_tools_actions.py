"""add_action and list_actions through a real MCP client against the sandbox."""

from collections.abc import Callable

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import ok, records, refusal, writes

Make = Callable[..., MCPServer[Services]]


def open_incident(sandbox: SandboxServer, status_id: int = 2) -> int:
    return next(
        t.id
        for t in sandbox.state.tickets.values()
        if t.tickettype_id == 1 and t.status_id == status_id and t.agent_id
    )


async def test_a_note_is_internal_and_escaped(sandbox: SandboxServer, make_server: Make) -> None:
    ticket_id = open_incident(sandbox)
    async with Client(make_server()) as c:
        result = ok(
            await c.call_tool(
                "add_action",
                {"ticket_id": ticket_id, "note": "Checked <b>logs</b>\nRebooted the switch"},
            )
        )
    action = result["action"]
    assert action["visible_to_customer"] is False
    assert action["outcome"] == "Private Note"
    assert "Rebooted the switch" in action["note"]
    stored = sandbox.state.actions[action["id"]]
    assert stored.hiddenfromuser is True
    assert "&lt;b&gt;logs&lt;/b&gt;" in stored.note_html
    assert "<br>" in stored.note_html


async def test_a_customer_update_is_visible(sandbox: SandboxServer, make_server: Make) -> None:
    ticket_id = open_incident(sandbox)
    async with Client(make_server()) as c:
        result = ok(
            await c.call_tool(
                "add_action",
                {
                    "ticket_id": ticket_id,
                    "note": "We are on it.",
                    "outcome_id": 2,
                    "visible_to_customer": True,
                },
            )
        )
    assert result["action"]["visible_to_customer"] is True
    assert sandbox.state.actions[result["action"]["id"]].hiddenfromuser is False


async def test_a_time_entry_needs_no_note_and_is_stored_in_hours(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket_id = open_incident(sandbox)
    async with Client(make_server()) as c:
        result = ok(
            await c.call_tool(
                "add_action", {"ticket_id": ticket_id, "time_minutes": 30, "outcome_id": 4}
            )
        )
    assert result["action"]["time_minutes"] == 30
    assert sandbox.state.actions[result["action"]["id"]].timetaken == 0.5


async def test_resolving_by_outcome_needs_a_note_as_the_resolution(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket_id = open_incident(sandbox)
    before = records(sandbox)
    async with Client(make_server()) as c:
        text = refusal(
            await c.call_tool(
                "add_action", {"ticket_id": ticket_id, "outcome_id": 7, "time_minutes": 10}
            )
        )
        assert "note" in text
        assert records(sandbox) == before
        result = ok(
            await c.call_tool(
                "add_action",
                {"ticket_id": ticket_id, "outcome_id": 7, "note": "Replaced the PSU."},
            )
        )
    assert result["action"]["new_status"] == "Resolved"
    assert sandbox.state.tickets[ticket_id].status_id == 8


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({}, "note"),
        ({"note": "   "}, "note"),
        ({"time_minutes": -5, "note": "x"}, "time_minutes"),
        ({"time_minutes": 100_000, "note": "x"}, "time_minutes"),
        ({"note": "x", "outcome_id": 999}, "outcome_id"),
        ({"note": "x", "outcome_id": 10}, "outcome_id"),  # Approve Change: change requests only
        ({"note": "x", "new_status_id": 77}, "new_status_id"),
    ],
)
async def test_bad_actions_are_refused_and_write_nothing(
    sandbox: SandboxServer, make_server: Make, args: dict[str, object], field: str
) -> None:
    ticket_id = open_incident(sandbox)
    before = records(sandbox)
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("add_action", {"ticket_id": ticket_id, **args}))
    assert f"- {field}:" in text
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_an_action_on_a_missing_ticket_is_refused(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("add_action", {"ticket_id": 999_999, "note": "hello"}))
    assert "999999" in text
    assert "search_tickets" in text
    assert writes(sandbox) == []


async def test_the_default_outcome_is_configurable(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket_id = open_incident(sandbox)
    async with Client(make_server(HALOPSA_DEFAULT_OUTCOME="investigation")) as c:
        result = ok(await c.call_tool("add_action", {"ticket_id": ticket_id, "note": "Looking."}))
    assert result["action"]["outcome"] == "Investigation"


async def test_dry_run_shows_the_action_and_writes_nothing(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket_id = open_incident(sandbox)
    before = records(sandbox)
    async with Client(make_server()) as c:
        result = ok(
            await c.call_tool(
                "add_action",
                {"ticket_id": ticket_id, "note": "Plan", "time_minutes": 15, "dry_run": True},
            )
        )
    assert result["would_send"]["timetaken"] == 0.25
    assert result["would_send"]["hiddenfromuser"] is True
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_list_actions_is_newest_first_and_includes_the_new_one(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket_id = open_incident(sandbox)
    async with Client(make_server()) as c:
        added = ok(await c.call_tool("add_action", {"ticket_id": ticket_id, "note": "Latest"}))
        listed = ok(await c.call_tool("list_actions", {"ticket_id": ticket_id, "limit": 2}))
    assert listed["actions"][0]["id"] == added["action"]["id"]
    assert len(listed["actions"]) <= 2
    all_actions = sum(1 for a in sandbox.state.actions.values() if a.ticket_id == ticket_id)
    assert listed["total"] == all_actions
    assert listed["has_more"] is (all_actions > 2)


async def test_list_actions_of_a_missing_ticket_is_an_error(make_server: Make) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("list_actions", {"ticket_id": 999_999}))
    assert "999999" in text
