"""Resolving a ticket the proven way (an action carrying the note and the closing status),
on a sandbox that saves closure_note and on one that ignores it, as a live tenant may."""

from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.server.services import Services
from tests.helpers import reconfigure, requests_to

from .conftest import ok, records, refusal, writes

Make = Callable[..., MCPServer[Services]]
FIX = "Remapped the drive.\nChecked with the user."
FIX_HTML = "<p>Remapped the drive.<br>Checked with the user.</p>"
RESOLVE, CLOSE, PRIVATE_NOTE = 7, 8, 1
IGNORED = pytest.mark.parametrize("ignored", [False, True], ids=["kept", "ignored"])


def _in_progress(sandbox: SandboxServer) -> int:
    return next(
        t.id
        for t in sandbox.state.tickets.values()
        if t.status_id == 2 and t.tickettype_id == 1 and not t.closure_note
    )


def _actions_of(sandbox: SandboxServer, ticket_id: int) -> list[Any]:
    return sorted(
        (a for a in sandbox.state.actions.values() if a.ticket_id == ticket_id), key=lambda a: a.id
    )


@IGNORED
async def test_a_status_and_resolution_update_is_one_resolving_action(
    sandbox: SandboxServer, make_server: Make, ignored: bool
) -> None:
    reconfigure(sandbox, closure_note_ignored=ignored)
    ticket_id = _in_progress(sandbox)
    before = len(_actions_of(sandbox, ticket_id))
    async with Client(make_server()) as c:
        result = ok(
            await c.call_tool(
                "update_ticket", {"ticket_id": ticket_id, "status_id": 8, "resolution": FIX}
            )
        )
        shown = ok(await c.call_tool("get_ticket", {"ticket_id": ticket_id}))
    assert writes(sandbox) == ["POST /api/Actions"], "one write, and no replay"
    assert result["ticket"]["status_id"] == 8
    assert result["action"]["new_status"] == "Resolved"
    actions = _actions_of(sandbox, ticket_id)
    assert len(actions) == before + 1
    action = actions[-1]
    assert (action.outcome_id, action.new_status, action.note_html) == (RESOLVE, 8, FIX_HTML)
    assert (action.hiddenfromuser, action.sendemail) == (True, False)
    assert sandbox.state.tickets[ticket_id].status_id == 8
    assert shown["status_id"] == 8
    assert shown["resolution"] == FIX


@IGNORED
async def test_other_fields_go_first_then_the_resolving_action(
    sandbox: SandboxServer, make_server: Make, ignored: bool
) -> None:
    reconfigure(sandbox, closure_note_ignored=ignored)
    ticket_id = _in_progress(sandbox)
    args = {"ticket_id": ticket_id, "summary": "Drive mapping lost", "status_id": 9,
            "resolution": FIX}  # fmt: skip
    async with Client(make_server()) as c:
        result = ok(await c.call_tool("update_ticket", args))
        shown = ok(await c.call_tool("get_ticket", {"ticket_id": ticket_id}))
    assert writes(sandbox) == ["POST /api/Tickets", "POST /api/Actions"]
    stored = sandbox.state.tickets[ticket_id]
    assert (stored.summary, stored.status_id) == ("Drive mapping lost", 9)
    assert stored.closure_note == (None if ignored else FIX_HTML)
    assert _actions_of(sandbox, ticket_id)[-1].outcome_id == CLOSE
    assert result["ticket"]["status_id"] == 9
    assert result["ticket"]["summary"] == "Drive mapping lost"
    assert shown["resolution"] == FIX


async def test_a_dry_run_shows_both_writes_and_writes_nothing(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket_id = _in_progress(sandbox)
    before = records(sandbox)
    args = {"ticket_id": ticket_id, "agent_id": 2, "status_id": 8, "resolution": FIX,
            "dry_run": True}  # fmt: skip
    async with Client(make_server()) as c:
        result = ok(await c.call_tool("update_ticket", args))
    assert records(sandbox) == before
    assert writes(sandbox) == []
    assert result["would_send"] == {"agent_id": 2, "closure_note": FIX_HTML}
    assert result["would_add_action"] == {
        "ticket_id": ticket_id, "hiddenfromuser": True, "outcome_id": RESOLVE,
        "note_html": FIX_HTML, "new_status": 8, "sendemail": False,
    }  # fmt: skip


async def test_a_failed_resolving_action_after_the_fields_says_what_was_written(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, forbidden_outcomes=(RESOLVE,))
    ticket_id = _in_progress(sandbox)
    args = {"ticket_id": ticket_id, "summary": "Drive mapping lost", "status_id": 8,
            "resolution": FIX}  # fmt: skip
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("update_ticket", args))
    assert writes(sandbox) == ["POST /api/Tickets", "POST /api/Actions"], "nothing replayed"
    stored = sandbox.state.tickets[ticket_id]
    assert (stored.summary, stored.status_id) == ("Drive mapping lost", 2)
    assert f"ticket {ticket_id}'s summary" in text
    assert "Nothing more was written" in text
    assert "outcome_id=7" in text
    assert "add_action" in text
    assert "Nothing was written." not in text


async def test_a_resolving_action_that_may_have_been_saved_is_not_repeated(
    sandbox: SandboxServer, make_server: Make
) -> None:
    sandbox.state.faults.add(
        FaultRule(kind="server_error", when="after", method="POST", path="/api/Actions")
    )
    ticket_id = _in_progress(sandbox)
    args = {"ticket_id": ticket_id, "category": "Storage", "status_id": 8, "resolution": FIX}
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("update_ticket", args))
    assert writes(sandbox) == ["POST /api/Tickets", "POST /api/Actions"]
    assert f"ticket {ticket_id}'s category" in text
    assert "Do NOT repeat" in text
    assert f"list_actions (ticket_id={ticket_id})" in text


async def test_a_failed_fields_write_sends_no_action(
    sandbox: SandboxServer, make_server: Make
) -> None:
    sandbox.state.faults.add(FaultRule(kind="server_error", method="POST", path="/api/Tickets"))
    ticket_id = _in_progress(sandbox)
    args = {"ticket_id": ticket_id, "category": "Storage", "status_id": 8, "resolution": FIX}
    async with Client(make_server()) as c:
        refusal(await c.call_tool("update_ticket", args))
    assert requests_to(sandbox, "POST", "/api/Actions") == []


@IGNORED
async def test_a_ticket_created_resolved_keeps_its_resolution(
    sandbox: SandboxServer, make_server: Make, ignored: bool
) -> None:
    reconfigure(sandbox, closure_note_ignored=ignored)
    args = {"summary": "Password reset done on the phone", "client_id": 23,
            "ticket_type_id": 1, "status_id": 8, "resolution": FIX}  # fmt: skip
    async with Client(make_server()) as c:
        created = ok(await c.call_tool("create_ticket", args))
        ticket_id = created["ticket"]["id"]
        shown = ok(await c.call_tool("get_ticket", {"ticket_id": ticket_id}))
    assert writes(sandbox) == ["POST /api/Tickets", "POST /api/Actions"]
    (action,) = _actions_of(sandbox, ticket_id)
    assert (action.outcome_id, action.new_status, action.note_html) == (RESOLVE, 8, FIX_HTML)
    assert created["action"]["id"] == action.id
    assert (shown["status_id"], shown["resolution"]) == (8, FIX)


async def test_a_created_ticket_whose_resolving_action_failed_is_named(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, forbidden_outcomes=(RESOLVE,))
    args = {"summary": "Password reset done on the phone", "client_id": 23,
            "ticket_type_id": 1, "status_id": 8, "resolution": FIX, "dry_run": True}  # fmt: skip
    async with Client(make_server()) as c:
        preview = ok(await c.call_tool("create_ticket", args))
        text = refusal(await c.call_tool("create_ticket", {**args, "dry_run": False}))
    assert preview["would_send"]["status_id"] == 8
    assert preview["would_add_action"]["new_status"] == 8
    assert "ticket_id" not in preview["would_add_action"], "the ticket has no ID yet"
    (ticket_id,) = (t.id for t in sandbox.state.tickets.values() if t.summary == args["summary"])
    assert writes(sandbox) == ["POST /api/Tickets", "POST /api/Actions"]
    assert f"Ticket {ticket_id} was created" in text
    assert "do NOT create it again" in text
    assert "add_action" in text


async def test_closing_a_ticket_resolved_by_an_action_needs_no_new_resolution(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, closure_note_ignored=True)
    ticket_id = _in_progress(sandbox)
    resolve = {"ticket_id": ticket_id, "status_id": 8, "resolution": FIX}
    async with Client(make_server()) as c:
        ok(await c.call_tool("update_ticket", resolve))
        reads = len(requests_to(sandbox, "GET", "/api/Actions"))
        closed = ok(await c.call_tool("update_ticket", {"ticket_id": ticket_id, "status_id": 9}))
        # With no closure note kept, only the history tells the resolution is on record:
        # read once, and it is, so nothing is said.
        assert len(requests_to(sandbox, "GET", "/api/Actions")) == reads + 1
        shown = ok(await c.call_tool("get_ticket", {"ticket_id": ticket_id}))
    assert closed["ticket"]["status_id"] == 9
    assert not [w for w in closed["warnings"] if "no resolution" in w]
    assert shown["resolution"] == FIX


async def test_an_action_that_resolves_is_the_resolution_get_ticket_shows(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, closure_note_ignored=True)
    ticket_id = _in_progress(sandbox)
    async with Client(make_server()) as c:
        ok(await c.call_tool("add_action", {"ticket_id": ticket_id, "outcome_id": RESOLVE,
                                            "note": FIX}))  # fmt: skip
        ok(await c.call_tool("add_action", {"ticket_id": ticket_id, "note": "Followed up."}))
        shown = ok(await c.call_tool("get_ticket", {"ticket_id": ticket_id}))
    assert shown["resolution"] == FIX


async def test_the_resolution_is_found_without_recent_actions_only_when_needed(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, closure_note_ignored=True)
    ticket_id = _in_progress(sandbox)
    async with Client(make_server()) as c:
        ok(await c.call_tool("add_action", {"ticket_id": ticket_id, "outcome_id": RESOLVE,
                                            "note": FIX}))  # fmt: skip
        shown = ok(await c.call_tool("get_ticket", {"ticket_id": ticket_id, "include_actions": 0}))
        assert shown["recent_actions"] == []
        assert shown["resolution"] == FIX
        reads = len(requests_to(sandbox, "GET", "/api/Actions"))
        ok(await c.call_tool("get_ticket", {"ticket_id": _in_progress(sandbox),
                                            "include_actions": 0}))  # fmt: skip
    assert len(requests_to(sandbox, "GET", "/api/Actions")) == reads, "an open ticket: no read"


async def test_a_fresh_resolution_replaces_the_one_left_from_before_a_reopening(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket_id = next(
        t.id for t in sandbox.state.tickets.values() if t.status_id == 8 and t.closure_note
    )
    async with Client(make_server()) as c:
        ok(await c.call_tool("update_ticket", {"ticket_id": ticket_id, "status_id": 2}))
        resolve = {"ticket_id": ticket_id, "status_id": 8, "resolution": FIX}
        ok(await c.call_tool("update_ticket", resolve))
        shown = ok(await c.call_tool("get_ticket", {"ticket_id": ticket_id}))
    assert shown["resolution"] == FIX
    assert sandbox.state.tickets[ticket_id].closure_note == FIX_HTML


@IGNORED
async def test_a_closure_note_the_instance_did_not_keep_is_told(
    sandbox: SandboxServer, make_server: Make, ignored: bool
) -> None:
    """A resolution on a ticket that stays open goes only to the closure note."""
    reconfigure(sandbox, closure_note_ignored=ignored)
    ticket_id = _in_progress(sandbox)
    async with Client(make_server()) as c:
        result = ok(await c.call_tool("update_ticket", {"ticket_id": ticket_id, "resolution": FIX}))
    assert writes(sandbox) == ["POST /api/Tickets"]
    lost = [w for w in result["warnings"] if "did not keep the resolution" in w]
    assert len(lost) == (1 if ignored else 0), result["warnings"]
    if ignored:
        assert "add_action" in lost[0]
