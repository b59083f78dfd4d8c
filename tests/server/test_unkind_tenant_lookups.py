"""The server against a sandbox configured like tenants unlike ours (issue 10)."""

from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.server import MCPServer

from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.server.app import build_server
from halopsa_mcp.server.services import Services
from tests.helpers import FAST, NO_WARM_UP, halo_settings, reconfigure, requests_to

from .conftest import ok, refusal, writes

Make = Callable[..., MCPServer[Services]]


async def test_a_read_by_id_answered_with_the_listing_takes_the_row_asked_for(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, client_by_id="listing")
    args = {"summary": "Printer offline", "client_id": 23, "ticket_type_id": 1}
    async with Client(make_server()) as c:
        created = ok(await c.call_tool("create_ticket", args))["ticket"]
    assert created["client_id"] == 23
    assert writes(sandbox) == ["POST /api/Tickets"]


async def test_an_answer_that_will_not_change_is_not_called_transient(
    sandbox: SandboxServer, make_server: Make
) -> None:
    # The listing GET /Client/{id} answers with here leaves the inactive client 34 out.
    reconfigure(sandbox, client_by_id="listing")
    args = {"summary": "Printer offline", "client_id": 34, "ticket_type_id": 1}
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("create_ticket", args))
    assert "expected one record in clients, got 0" in text
    assert "again" not in text.lower()
    assert "operator" in text
    assert writes(sandbox) == []


async def test_a_failure_that_can_pass_still_says_try_again_later(
    sandbox: SandboxServer, make_server: Make
) -> None:
    sandbox.state.faults.add(
        FaultRule(kind="server_error", times=None, status=503, path="/api/Tickets/1001")
    )
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("get_ticket", {"ticket_id": 1001}))
    assert "try again later" in text
    assert "HTTP 503" in text


# One call of every tool, none of which writes.
EVERY_TOOL: dict[str, dict[str, Any]] = {
    "search_tickets": {},
    "get_ticket": {"ticket_id": 1001},
    "create_ticket": {
        "summary": "Printer offline",
        "client_id": 23,
        "ticket_type_id": 1,
        "not_duplicate": True,
        "dry_run": True,
    },
    "update_ticket": {"ticket_id": 1001, "summary": "Printer offline again", "dry_run": True},
    "update_tickets": {"ticket_ids": [1001, 1002], "agent_id": 0, "dry_run": True},
    "add_action": {"ticket_id": 1001, "note": "Checked the cable.", "dry_run": True},
    "list_actions": {"ticket_id": 1001},
    "upload_attachment": {
        "ticket_id": 1001,
        "filename": "a.txt",
        "content_base64": "aGk=",
        "dry_run": True,
    },
    "list_attachments": {"ticket_id": 1001},
    "list_statuses": {},
    "list_priorities": {},
    "list_ticket_types": {},
    "list_outcomes": {},
}
# The lookups each tool cannot work without; agents and teams are never among them.
NEEDS: dict[str, set[str]] = {
    "create_ticket": {"Status", "Priority", "TicketType"},
    "update_ticket": {"Status", "Priority", "TicketType"},
    "update_tickets": {"Status", "Priority", "TicketType"},
    "add_action": {"Status", "TicketType", "Outcome"},
    "list_statuses": {"Status"},
    "list_priorities": {"Priority"},
    "list_ticket_types": {"TicketType"},
    "list_outcomes": {"Outcome"},
}
RESOURCE_NEEDS = {
    "halopsa://lookups/statuses": "Status",
    "halopsa://lookups/ticket-types": "TicketType",
    "halopsa://lookups/outcomes": "Outcome",
}
LOOKUPS = ("Status", "Priority", "TicketType", "Outcome", "Agent", "Team")


@pytest.mark.parametrize("status", [403, 404])
@pytest.mark.parametrize("lookup", LOOKUPS)
async def test_a_lookup_a_tool_does_not_need_cannot_take_it_down(
    sandbox: SandboxServer, make_server: Make, lookup: str, status: int
) -> None:
    reconfigure(sandbox, unreadable_lookups=((lookup, status),))
    async with Client(make_server()) as c:
        for tool, args in EVERY_TOOL.items():
            result = await c.call_tool(tool, args)
            if lookup in NEEDS.get(tool, set()):
                assert f"/api/{lookup}" in refusal(result), tool
            else:
                ok(result)
        for uri, needs in RESOURCE_NEEDS.items():
            if lookup == needs:
                with pytest.raises(MCPError, match=f"/api/{lookup}"):
                    await c.read_resource(uri)
            else:
                assert (await c.read_resource(uri)).contents
    assert writes(sandbox) == []
    # Remembered after failing once, not asked again by every call.
    assert len(requests_to(sandbox, "GET", f"/api/{lookup}")) == 1


async def test_without_agents_and_teams_names_are_left_out_and_their_checks_say_skipped(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, unreadable_lookups=(("Agent", 403), ("Team", 404)))
    agent_id = next(a.id for a in sandbox.state.agents.values() if not a.isdisabled)
    assigned = next(t for t in sandbox.state.tickets.values() if t.agent_id)
    async with Client(make_server()) as c:
        ticket = ok(await c.call_tool("get_ticket", {"ticket_id": assigned.id}))
        args = {"ticket_id": 1001, "agent_id": agent_id, "team": "Nowhere", "dry_run": True}
        preview = ok(await c.call_tool("update_ticket", args))
    assert (ticket["agent_id"], ticket["agent"]) == (assigned.agent_id, None)
    warned = " ".join(preview["warnings"])
    assert "agent_id was not checked" in warned
    assert "team was not checked" in warned


async def test_an_outcome_the_application_may_not_use_is_named_as_a_missing_permission(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, forbidden_outcomes=(7,))
    args = {"ticket_id": 1001, "outcome_id": 7, "note": "Fixed the PSU."}
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("add_action", args))
    assert "You do not have access to this Action at the moment" in text
    assert "outcome_id=7" in text
    assert "permission" in text
    assert "list_outcomes" in text
    assert "again" not in text.lower()
    assert writes(sandbox) == ["POST /api/Actions"]


async def test_a_ticket_type_with_a_mandatory_approval_is_named_as_such(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, approval_types=(1,))
    args = {"summary": "Swap the core switch", "client_id": 23, "ticket_type_id": 1}
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("create_ticket", {**args, "not_duplicate": True}))
    assert "CODE:APP03/2 Please select the CAB members to approve" in text
    assert "ticket_type_id=1" in text
    assert "mandatory" in text
    assert "Check the IDs" not in text


async def test_a_timeout_can_pass_so_it_says_try_again_later(sandbox: SandboxServer) -> None:
    sandbox.state.faults.add(FaultRule(kind="slow", times=None, delay=1.0, path="/api/Tickets"))
    server = build_server(
        halo_settings(sandbox, HALOPSA_TIMEOUT="0.2"),
        ServerSettings.from_env(NO_WARM_UP),
        policy=FAST,
    )
    async with Client(server) as c:
        text = refusal(await c.call_tool("get_ticket", {"ticket_id": 1001}))
    assert "did not answer in time" in text
    assert "try again later" in text
    assert "not something to retry" not in text


@pytest.mark.parametrize(
    "fault",
    [
        FaultRule(kind="server_error", times=4, status=503, path="/api/Status"),
        FaultRule(kind="expire_token", times=4, path="/api/Status"),
    ],
    ids=["5xx", "token"],
)
async def test_a_lookup_failure_that_can_pass_is_not_remembered(
    sandbox: SandboxServer, make_server: Make, fault: FaultRule
) -> None:
    """Only a refusal that will not change (403, 404) is remembered; a failure that can
    pass is asked again by the next call."""
    sandbox.state.faults.add(fault)
    async with Client(make_server()) as c:
        refusal(await c.call_tool("list_statuses", {}))
        sandbox.state.faults.clear()
        ok(await c.call_tool("list_statuses", {}))
