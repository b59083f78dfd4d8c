"""Writes report what happened (issue 11): the ticket's status after an action and who
wrote it, duplicate refusals that fit each candidate, warnings nobody else would give,
and text attachments. Through a real MCP client against the sandbox."""

from collections.abc import Callable

from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.sandbox.action_writes import API_AGENT_ID, API_APPLICATION
from halopsa_mcp.server.services import Services
from tests.helpers import reconfigure, requests_to

from .conftest import ok, refusal
from .test_tools_actions import open_incident

Make = Callable[..., MCPServer[Services]]


async def test_add_action_says_the_tickets_status_after_it_and_who_wrote_it(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket_id = open_incident(sandbox)
    async with Client(make_server()) as c:
        resolved = ok(
            await c.call_tool(
                "add_action",
                {"ticket_id": ticket_id, "note": "Replaced the PSU", "outcome_id": "Resolve"},
            )
        )
        noted = ok(
            await c.call_tool("add_action", {"ticket_id": ticket_id, "note": "Customer rang"})
        )
        listed = ok(await c.call_tool("list_actions", {"ticket_id": ticket_id, "limit": 2}))
    assert (resolved["ticket_status_id"], resolved["ticket_status"]) == (8, "Resolved")
    # A note changes no status: the ticket stays where the action before left it.
    assert (noted["ticket_status_id"], noted["ticket_status"]) == (8, "Resolved")
    # The API application's own agent is not in the agent list: what is known is said.
    for row in (resolved["action"], noted["action"], *listed["actions"]):
        assert row["who_agent_id"] == API_AGENT_ID
        assert row["who"] == f"API application {API_APPLICATION}"


async def test_an_action_the_api_wrote_without_an_agent_names_the_application(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, api_actions_without_agent=True)
    ticket_id = open_incident(sandbox)
    async with Client(make_server()) as c:
        noted = ok(await c.call_tool("add_action", {"ticket_id": ticket_id, "note": "Checked"}))
        listed = ok(await c.call_tool("list_actions", {"ticket_id": ticket_id, "limit": 1}))
    for row in (noted["action"], *listed["actions"]):
        assert row["who_agent_id"] is None
        assert row["who"] == f"API application {API_APPLICATION}"


async def test_a_duplicate_refusal_gives_each_candidate_its_status_and_fitting_advice(
    sandbox: SandboxServer, make_server: Make
) -> None:
    # This instance's open_only keeps Resolved tickets, so one can be a candidate.
    reconfigure(sandbox, open_only_keeps_resolved=True)
    tickets = sandbox.state.tickets
    resolved = next(t for t in tickets.values() if t.status_id == 8 and t.tickettype_id == 1)
    with sandbox.state.lock:
        resolved.summary = "Badge reader at the loading dock rejects every card"
        open_ = next(
            t for t in tickets.values()
            if t.client_id == resolved.client_id and t.status_id == 2 and t.tickettype_id == 1
        )  # fmt: skip
        open_.summary = "Badge reader at loading dock rejects all cards"
    new = {"summary": resolved.summary, "client_id": resolved.client_id, "ticket_type_id": 1}
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("create_ticket", new))
    assert f"#{resolved.id} '{resolved.summary}' (100% similar, Resolved)" in text
    assert f"#{resolved.id} is Resolved: " in text
    assert f"reopen it with update_ticket (ticket_id={resolved.id}" in text
    assert (
        f"#{open_.id} is In Progress: add a note to it with add_action (ticket_id={open_.id})"
        in text
    )


async def test_a_customer_visible_note_to_a_ticket_without_an_end_user_warns(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket_id = open_incident(sandbox)
    with sandbox.state.lock:
        sandbox.state.tickets[ticket_id].user_id = None
    note = {"ticket_id": ticket_id, "note": "Fixed", "outcome_id": 2, "visible_to_customer": True}
    async with Client(make_server()) as c:
        shown = ok(await c.call_tool("add_action", note))
    (warning,) = [w for w in shown["warnings"] if "end user" in w]
    assert f"ticket {ticket_id} has no end user" in warning


def resolved_incident(sandbox: SandboxServer, *, recorded: bool) -> int:
    """A Resolved incident; without ``recorded`` it holds no resolution anywhere."""
    state = sandbox.state
    with state.lock:
        ticket = next(
            t for t in state.tickets.values() if t.status_id == 8 and t.tickettype_id == 1
        )
        if not recorded:
            ticket.closure_note = None
            for action in state.actions.values():
                if action.ticket_id == ticket.id:
                    action.note = action.note_html = ""
    return ticket.id


async def test_closing_a_ticket_with_no_resolution_anywhere_warns(
    sandbox: SandboxServer, make_server: Make
) -> None:
    bare = resolved_incident(sandbox, recorded=False)
    async with Client(make_server()) as c:
        closed = ok(await c.call_tool("update_ticket", {"ticket_id": bare, "status_id": "Closed"}))
    (warning,) = [w for w in closed["warnings"] if "no resolution" in w]
    assert f"ticket {bare}" in warning
    assert "resolution" in warning.split("; ")[-1]
    assert sandbox.state.tickets[bare].status_id == 9


async def test_closing_a_ticket_whose_resolution_is_on_record_does_not_warn(
    sandbox: SandboxServer, make_server: Make
) -> None:
    kept = resolved_incident(sandbox, recorded=True)
    with sandbox.state.lock:
        sandbox.state.tickets[kept].closure_note = None
    async with Client(make_server()) as c:
        closed = ok(await c.call_tool("update_ticket", {"ticket_id": kept, "status_id": "Closed"}))
        given = ok(
            await c.call_tool(
                "update_ticket",
                {"ticket_id": resolved_incident(sandbox, recorded=False), "status_id": 9,
                 "resolution": "Swapped the card reader"},
            )
        )  # fmt: skip
    assert not [w for w in (*closed["warnings"], *given["warnings"]) if "no resolution" in w]


async def test_closing_by_a_time_entry_with_no_resolution_anywhere_warns(
    sandbox: SandboxServer, make_server: Make
) -> None:
    bare = resolved_incident(sandbox, recorded=False)
    entry = {"ticket_id": bare, "time_minutes": 15, "new_status_id": "Closed"}
    async with Client(make_server()) as c:
        closed = ok(await c.call_tool("add_action", entry))
    (warning,) = [w for w in closed["warnings"] if "no resolution" in w]
    assert f"ticket {bare}" in warning
    assert closed["ticket_status"] == "Closed"


async def test_a_closure_note_on_the_ticket_spares_the_history_read(
    sandbox: SandboxServer, make_server: Make
) -> None:
    noted = resolved_incident(sandbox, recorded=False)
    with sandbox.state.lock:
        sandbox.state.tickets[noted].closure_note = "Replaced the badge reader"
    async with Client(make_server()) as c:
        closed = ok(await c.call_tool("update_ticket", {"ticket_id": noted, "status_id": 9}))
    assert requests_to(sandbox, "GET", "/api/Actions") == []
    assert not [w for w in closed["warnings"] if "no resolution" in w]
