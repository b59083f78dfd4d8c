"""update_tickets through a real MCP client against the sandbox: every ticket judged before
any write, dry runs that preview each, and a batch that stops at the first failed write
saying which tickets were done, which failed and which were not attempted."""

from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import ok, records, refusal, writes

Make = Callable[..., MCPServer[Services]]
NEW, IN_PROGRESS, RESOLVED, CLOSED = 1, 2, 8, 9


def tickets_in(sandbox: SandboxServer, status_id: int, count: int) -> list[int]:
    found = sorted(t.id for t in sandbox.state.tickets.values() if t.status_id == status_id)
    assert len(found) >= count
    return found[:count]


def statuses(sandbox: SandboxServer, ticket_ids: list[int]) -> list[int]:
    return [sandbox.state.tickets[i].status_id for i in ticket_ids]


async def test_closing_resolved_tickets_reports_each_in_order(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ids = tickets_in(sandbox, RESOLVED, 3)[::-1]
    async with Client(make_server()) as c:
        result = ok(await c.call_tool("update_tickets", {"ticket_ids": ids, "status_id": "closed"}))
    assert result["dry_run"] is False
    assert [row["id"] for row in result["tickets"]] == ids
    assert {(row["status_id"], row["status"]) for row in result["tickets"]} == {(CLOSED, "Closed")}
    assert all(row["summary"] for row in result["tickets"])
    assert statuses(sandbox, ids) == [CLOSED] * 3
    assert writes(sandbox) == ["POST /api/Tickets"] * 3


async def test_one_refused_ticket_writes_nothing_for_any(
    sandbox: SandboxServer, make_server: Make
) -> None:
    resolved = tickets_in(sandbox, RESOLVED, 2)
    working = tickets_in(sandbox, IN_PROGRESS, 2)
    before = records(sandbox)
    args = {"ticket_ids": [resolved[0], working[0], resolved[1], working[1]], "status_id": CLOSED}
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("update_tickets", args))
    assert writes(sandbox) == []
    assert records(sandbox) == before
    assert "Nothing was written" in text
    # The same problem of two tickets is told once, naming both.
    problem = next(line for line in text.splitlines() if line.startswith("- "))
    assert f"tickets {working[0]}, {working[1]}: status_id:" in problem
    assert "pass resolution" in problem
    assert str(resolved[0]) not in text
    assert str(resolved[1]) not in text


async def test_a_missing_ticket_is_refused_with_the_others_unwritten(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ids = [*tickets_in(sandbox, RESOLVED, 2), 999_999]
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("update_tickets", {"ticket_ids": ids, "status_id": 9}))
    assert writes(sandbox) == []
    assert "ticket 999999: ticket_ids: does not exist" in text
    assert "search_tickets" in text


async def test_a_dry_run_previews_every_ticket_and_writes_nothing(
    sandbox: SandboxServer, make_server: Make
) -> None:
    working = tickets_in(sandbox, IN_PROGRESS, 2)
    before = records(sandbox)
    args = {"ticket_ids": working, "status_id": "Resolved", "resolution": "Rebooted the router.",
            "dry_run": True}  # fmt: skip
    async with Client(make_server()) as c:
        result = ok(await c.call_tool("update_tickets", args))
    assert writes(sandbox) == []
    assert records(sandbox) == before
    assert result["dry_run"] is True
    rows = result["tickets"]
    assert [(r["id"], r["status_id"], r["status"]) for r in rows] == [
        (working[0], RESOLVED, "Resolved"),
        (working[1], RESOLVED, "Resolved"),
    ]


async def test_a_resolution_for_many_is_one_resolving_action_each(
    sandbox: SandboxServer, make_server: Make
) -> None:
    working = tickets_in(sandbox, IN_PROGRESS, 2)
    args = {"ticket_ids": working, "status_id": RESOLVED, "resolution": "Patched the server."}
    async with Client(make_server()) as c:
        result = ok(await c.call_tool("update_tickets", args))
    assert writes(sandbox) == ["POST /api/Actions"] * 2
    assert statuses(sandbox, working) == [RESOLVED] * 2
    assert [r["status"] for r in result["tickets"]] == ["Resolved"] * 2
    notes = [a.note_html for a in sandbox.state.actions.values() if a.ticket_id in working]
    assert notes.count("<p>Patched the server.</p>") == 2


# The first write goes through; the second fails: after HaloPSA saved it (its answer lost),
# or refused before doing anything.
MID_BATCH = pytest.mark.parametrize(
    ("fault", "applied", "told"),
    [
        (FaultRule(kind="drop", when="after", method="POST", path="/api/"), True, "Do NOT repeat"),
        (
            FaultRule(kind="server_error", status=400, method="POST", path="/api/"),
            False,
            "Nothing was written",
        ),
    ],
    ids=["may-have-applied", "surely-not-applied"],
)


@MID_BATCH
async def test_a_failed_write_stops_the_batch_and_says_what_was_done(
    sandbox: SandboxServer, make_server: Make, fault: FaultRule, applied: bool, told: str
) -> None:
    ids = tickets_in(sandbox, RESOLVED, 4)
    # A pass-through rule uses up the first POST, so the fault strikes the second.
    sandbox.state.faults.add(FaultRule(kind="slow", delay=0.0, method="POST", path="/api/"))
    sandbox.state.faults.add(fault)
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("update_tickets", {"ticket_ids": ids, "status_id": 9}))
    assert writes(sandbox) == ["POST /api/Tickets"] * 2, "stopped, and nothing replayed"
    assert statuses(sandbox, ids) == [CLOSED, CLOSED if applied else RESOLVED, RESOLVED, RESOLVED]
    lines = text.splitlines()
    assert f"Done: ticket {ids[0]}." in lines
    failed = next(line for line in lines if line.startswith("Failed:"))
    assert f"ticket {ids[1]}" in failed
    assert told in failed
    assert f"Not attempted (nothing sent): tickets {ids[2]}, {ids[3]}." in lines


@pytest.mark.parametrize(
    ("ticket_ids", "told"),
    [
        (list(range(1001, 1052)), "at most 50"),
        ([1001, 1002, 1001], "ticket 1001 is listed twice"),
        ([], "at least one ticket"),
    ],
    ids=["51", "duplicate", "none"],
)
async def test_a_bad_list_of_tickets_is_refused_naming_the_field(
    sandbox: SandboxServer, make_server: Make, ticket_ids: list[int], told: str
) -> None:
    async with Client(make_server()) as c:
        args: dict[str, Any] = {"ticket_ids": ticket_ids, "status_id": 9}
        text = refusal(await c.call_tool("update_tickets", args))
    assert "ticket_ids" in text
    assert told in text
    assert writes(sandbox) == []
    assert not [r for r in sandbox.state.request_log if r.path.startswith("/api/Tickets/")]


async def test_nothing_to_change_is_refused(sandbox: SandboxServer, make_server: Make) -> None:
    ids = tickets_in(sandbox, RESOLVED, 2)
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("update_tickets", {"ticket_ids": ids}))
    assert "nothing to change" in text
    assert writes(sandbox) == []
    assert not [r for r in sandbox.state.request_log if r.path.startswith("/api/Tickets/")]


async def test_each_ticket_carries_its_own_warnings(
    sandbox: SandboxServer, make_server: Make
) -> None:
    new, working = tickets_in(sandbox, NEW, 1), tickets_in(sandbox, IN_PROGRESS, 1)
    args = {"ticket_ids": [*new, *working], "status_id": RESOLVED, "resolution": "New cable.",
            "dry_run": True}  # fmt: skip
    async with Client(make_server()) as c:
        rows = ok(await c.call_tool("update_tickets", args))["tickets"]
    assert "without an In Progress step" in " ".join(rows[0]["warnings"])
    assert "warnings" not in rows[1]


async def test_a_ticket_closed_with_no_resolution_anywhere_is_warned_of(
    sandbox: SandboxServer, make_server: Make
) -> None:
    state = sandbox.state
    with state.lock:
        resolved = [t for t in state.tickets.values() if t.status_id == 8][:2]
        bare, kept = resolved[0].id, resolved[1].id
        state.tickets[bare].closure_note = None
        for action in state.actions.values():
            if action.ticket_id == bare:
                action.note = action.note_html = ""
    args = {"ticket_ids": [bare, kept], "status_id": "Closed"}
    async with Client(make_server()) as c:
        preview = ok(await c.call_tool("update_tickets", {**args, "dry_run": True}))
        done = ok(await c.call_tool("update_tickets", args))
    for rows in (preview["tickets"], done["tickets"]):
        warned = {row["id"]: " ".join(row.get("warnings", [])) for row in rows}
        assert "no resolution" in warned[bare]
        assert "no resolution" not in warned[kept]
