"""SLA through the MCP client: "which tickets are about to breach?" in one call, on the
default sandbox and on the unkind one; get_ticket's SLA; no state for a tenant that
tracks no SLA. Every answer is checked against the sandbox's own records."""

from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.sandbox.models import StatusType, Ticket
from halopsa_mcp.sandbox.times import timestamp
from halopsa_mcp.sandbox.unkind import UNKIND_TENANT, unkind
from halopsa_mcp.server.app import build_server
from halopsa_mcp.server.services import Services
from tests.helpers import FAST, NO_WARM_UP, halo_settings, reconfigure

from .conftest import ok

Make = Callable[..., MCPServer[Services]]
HOUR = timedelta(hours=1)
ABOUT_TO_BREACH = {"sla": ["breached", "at_risk"], "limit": 100}


def truly(sandbox: SandboxServer, ticket: Ticket, now: datetime) -> str | None:
    """The skill's SLA state of a sandbox record, worked out from the record itself."""
    status = sandbox.state.statuses[ticket.status_id]
    if ticket.fixbydate is None:
        return None
    if status.is_closed:
        assert ticket.dateclosed is not None
        return "met" if ticket.dateclosed <= ticket.fixbydate else "breached"
    if status.type == StatusType.PAUSED:
        return "paused"
    if ticket.fixbydate < now:
        return "breached"
    return "at_risk" if ticket.fixbydate - now < HOUR else "on_track"


def about_to_breach(sandbox: SandboxServer, now: datetime) -> list[int]:
    """Open tickets breached or at risk, soonest deadline first."""
    found = [
        t
        for t in sandbox.state.tickets.values()
        if not sandbox.state.statuses[t.status_id].is_closed
        and truly(sandbox, t, now) in {"breached", "at_risk"}
    ]
    return [t.id for t in sorted(found, key=lambda t: (t.fixbydate, t.id))]


def switch_to_unkind(sandbox: SandboxServer) -> None:
    preset = unkind(rate_limit_requests=0)
    reconfigure(sandbox, reseed=True, **{f.name: getattr(preset, f.name) for f in fields(preset)})


async def one_call(server: MCPServer[Services], arguments: dict[str, Any]) -> dict[str, Any]:
    """A fresh session making exactly one tool call."""
    async with Client(server) as c:
        return ok(await c.call_tool("search_tickets", arguments))


@pytest.mark.parametrize("tenant", ["default", "unkind"])
async def test_which_tickets_are_about_to_breach_is_one_call(
    sandbox: SandboxServer, make_server: Make, tenant: str
) -> None:
    env = {}
    if tenant == "unkind":
        switch_to_unkind(sandbox)
        env["HALOPSA_TENANT"] = UNKIND_TENANT
    server = build_server(
        halo_settings(sandbox, **env), ServerSettings.from_env(NO_WARM_UP), policy=FAST
    )
    now = datetime.now(UTC)
    expected = about_to_breach(sandbox, now)
    found = await one_call(server, ABOUT_TO_BREACH)
    rows = found["tickets"]
    assert [r["id"] for r in rows] == expected
    assert found["total"] == len(expected)
    assert not found["has_more"]
    assert "note" not in found
    states = {r["sla"] for r in rows}
    assert states == {"breached", "at_risk"}, "the seed holds both"
    for row in rows:
        record = sandbox.state.tickets[row["id"]]
        assert row["sla"] == truly(sandbox, record, now)
        assert row["fix_by"] == timestamp(record.fixbydate)


async def test_one_state_alone_and_paging_stay_true(
    sandbox: SandboxServer, make_server: Make
) -> None:
    now = datetime.now(UTC)
    at_risk = [
        i for i in about_to_breach(sandbox, now)
        if truly(sandbox, sandbox.state.tickets[i], now) == "at_risk"
    ]  # fmt: skip
    assert len(at_risk) >= 3
    server = make_server()
    first = await one_call(server, {"sla": ["at_risk"], "limit": 2})
    second = await one_call(server, {"sla": ["at_risk"], "limit": 2, "page": 2})
    assert [r["id"] for r in first["tickets"] + second["tickets"]] == at_risk[:4]
    assert first["total"] == second["total"] == len(at_risk)
    assert first["has_more"]
    assert second["has_more"] == (len(at_risk) > 4)


async def test_paused_and_closed_states_are_found_too(
    sandbox: SandboxServer, make_server: Make
) -> None:
    now = datetime.now(UTC)
    server = make_server()
    paused = await one_call(server, {"sla": ["paused"], "limit": 100})
    done = await one_call(server, {"sla": ["met"], "open_only": False, "limit": 100})
    assert paused["total"] >= 2
    assert done["total"] >= 2
    for found, state in ((paused, "paused"), (done, "met")):
        for row in found["tickets"]:
            assert row["sla"] == state
            assert truly(sandbox, sandbox.state.tickets[row["id"]], now) == state
    # A done ticket's deadline no longer matters in a list: its state says it all.
    assert all("fix_by" not in row for row in done["tickets"])


async def test_sorted_by_fix_by(sandbox: SandboxServer, make_server: Make) -> None:
    found = await one_call(make_server(), {"order_by": "fix_by", "descending": False})
    deadlines = [r["fix_by"] for r in found["tickets"]]
    assert len(deadlines) == 20
    assert deadlines == sorted(deadlines)
    assert any(r.query and "order=fixbydate" in r.query for r in sandbox.state.request_log)


async def test_get_ticket_shows_the_state_and_both_deadlines(
    sandbox: SandboxServer, make_server: Make
) -> None:
    now = datetime.now(UTC)
    open_id = about_to_breach(sandbox, now)[-1]
    closed_id = next(
        t.id for t in sandbox.state.tickets.values() if truly(sandbox, t, now) == "breached"
        and sandbox.state.statuses[t.status_id].is_closed
    )  # fmt: skip
    async with Client(make_server()) as c:
        shown = [
            ok(await c.call_tool("get_ticket", {"ticket_id": i, "include_actions": 0}))
            for i in (open_id, closed_id)
        ]
    for ticket in shown:
        record = sandbox.state.tickets[ticket["id"]]
        assert ticket["sla"] == truly(sandbox, record, now)
        assert ticket["fix_by"] == timestamp(record.fixbydate)
        assert ticket["respond_by"] == timestamp(record.respondbydate)
    assert shown[1]["sla"] == "breached"


@pytest.mark.parametrize("mode", ["absent", "placeholders"])
async def test_a_tenant_that_tracks_no_sla_gets_no_state_invented(
    sandbox: SandboxServer, make_server: Make, mode: str
) -> None:
    reconfigure(sandbox, sla_dates=mode)
    ticket_id = next(iter(sandbox.state.tickets))
    server = make_server()
    listed = await one_call(server, {"open_only": False, "limit": 50})
    breaching = await one_call(server, ABOUT_TO_BREACH)
    async with Client(server) as c:
        ticket = ok(await c.call_tool("get_ticket", {"ticket_id": ticket_id}))
    assert len(listed["tickets"]) == 50
    for row in [*listed["tickets"], ticket]:
        assert not {"sla", "fix_by", "respond_by"} & set(row)
    assert breaching["tickets"] == []
    assert breaching["total"] == 0
    # An empty answer must not read as "nothing at risk": nothing could be judged.
    assert "no SLA deadline" in breaching["note"]


async def test_an_answer_with_deadlines_has_no_such_note(
    sandbox: SandboxServer, make_server: Make
) -> None:
    found = await one_call(make_server(), {"sla": ["met"], "limit": 5})
    assert found["total"] == 0, "met is for done tickets, and the search is open only"
    assert "note" not in found


async def test_past_the_scan_the_answer_says_so(sandbox: SandboxServer, make_server: Make) -> None:
    reconfigure(sandbox, reseed=True, ticket_count=700)
    now = datetime.now(UTC)
    arguments = {"sla": ["breached", "met"], "open_only": False, "limit": 5}
    found = await one_call(make_server(), arguments)
    assert "first 500 tickets" in found["note"]
    assert len(found["tickets"]) == 5
    assert found["has_more"]
    for row in found["tickets"]:
        assert truly(sandbox, sandbox.state.tickets[row["id"]], now) == row["sla"]
