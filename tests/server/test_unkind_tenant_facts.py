"""The server against a sandbox switched to behave like the live tenants of issue 10."""

from collections.abc import Callable

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services
from tests.helpers import reconfigure, user_away_from_main_site

from .conftest import ok, refusal

Make = Callable[..., MCPServer[Services]]


def _busiest_ticket(sandbox: SandboxServer) -> int:
    actions = sandbox.state.actions.values()
    return max(sandbox.state.tickets, key=lambda t: sum(1 for a in actions if a.ticket_id == t))


def _newest_ids(sandbox: SandboxServer, ticket_id: int, count: int) -> list[int]:
    mine = [a for a in sandbox.state.actions.values() if a.ticket_id == ticket_id]
    mine.sort(key=lambda a: (a.datetime, a.id), reverse=True)
    return [a.id for a in mine[:count]]


async def test_actions_listed_oldest_first_are_shown_newest_first(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, actions_oldest_first=True)
    ticket_id = _busiest_ticket(sandbox)
    expected = _newest_ids(sandbox, ticket_id, 3)
    assert len(expected) == 3
    async with Client(make_server()) as c:
        listed = ok(await c.call_tool("list_actions", {"ticket_id": ticket_id, "limit": 3}))
        ticket = ok(await c.call_tool("get_ticket", {"ticket_id": ticket_id, "include_actions": 3}))
    assert [a["id"] for a in listed["actions"]] == expected
    assert [a["id"] for a in ticket["recent_actions"]] == expected


async def test_an_action_never_emails_even_where_the_outcome_would(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, emails_unless_told=True)
    ticket_id = _busiest_ticket(sandbox)
    async with Client(make_server()) as c:
        note = ok(await c.call_tool("add_action", {"ticket_id": ticket_id, "note": "Checked."}))
        update = ok(
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
        tools = {t.name: t for t in (await c.list_tools()).tools}
    for saved in (note, update):
        assert sandbox.state.actions[saved["action"]["id"]].sendemail is False
    assert "No email is ever sent" in (tools["add_action"].description or "")


async def test_an_optional_integer_sent_as_whole_number_text_is_accepted(
    sandbox: SandboxServer, make_server: Make
) -> None:
    """As the MCP Inspector CLI for Node 20 sends optional integers."""
    client_id = next(iter(sandbox.state.clients))
    async with Client(make_server()) as c:
        as_text = ok(
            await c.call_tool("search_tickets", {"client_id": str(client_id), "limit": "5"})
        )
        as_numbers = ok(await c.call_tool("search_tickets", {"client_id": client_id, "limit": 5}))
    assert as_text == as_numbers
    assert 0 < len(as_text["tickets"]) <= 5


@pytest.mark.parametrize(
    "value", ["5.0", "5x", " 5", "5\n", "", "\u0665", "1e3", "0x5", "five", "5" * 40]
)
async def test_other_text_for_an_optional_integer_is_refused(
    sandbox: SandboxServer, make_server: Make, value: str
) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("search_tickets", {"limit": value}))
    assert "- limit: must be of type integer" in text, text
    assert [r for r in sandbox.state.request_log if r.path.startswith("/api/")] == []


async def test_whole_number_text_still_meets_the_arguments_range(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("search_tickets", {"limit": "500"}))
    assert "- limit: must be at most 100" in text, text


async def test_ids_are_kept_where_the_tenant_sends_no_names(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, ticket_rows_without_names=True)
    stored = next(t for t in sandbox.state.tickets.values() if t.user_id and t.site_id)
    async with Client(make_server()) as c:
        ticket = ok(await c.call_tool("get_ticket", {"ticket_id": stored.id}))
        found = ok(await c.call_tool("search_tickets", {"client_id": stored.client_id}))
    assert found["tickets"]
    for shown in (ticket, *found["tickets"]):
        held = sandbox.state.tickets[shown["id"]]
        assert (shown["client_id"], shown["site_id"], shown["user_id"]) == (
            held.client_id, held.site_id, held.user_id or None,
        )  # fmt: skip
        assert shown["client"] is None
    assert ticket["site"] is None
    assert ticket["user"] is None


async def test_a_user_without_a_site_is_sent_with_the_users_own_site(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, site_required_with_user=True)
    state = sandbox.state
    user = user_away_from_main_site(sandbox)
    async with Client(make_server()) as c:
        arguments = {
            "summary": "Docking station dead",
            "client_id": user.client_id,
            "ticket_type_id": 1,
        }
        created = ok(await c.call_tool("create_ticket", {**arguments, "user_id": user.id}))
    saved = state.tickets[created["ticket"]["id"]]
    assert (saved.user_id, saved.site_id) == (user.id, user.site_id)


async def test_the_note_outcome_is_found_by_its_properties_under_another_name(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, reseed=True, private_note_name="Internal Note")
    ticket_id = _busiest_ticket(sandbox)
    async with Client(make_server()) as c:
        result = ok(await c.call_tool("add_action", {"ticket_id": ticket_id, "note": "Checked."}))
    action = result["action"]
    assert action["outcome"] == "Internal Note"
    assert action["visible_to_customer"] is False
    assert action["new_status"] is None
    assert any("Internal Note" in w and "Private Note" in w for w in result["warnings"])
