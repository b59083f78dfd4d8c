"""list_statuses, list_priorities, list_ticket_types and list_outcomes, and their cache."""

from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import ok, records, refusal

Make = Callable[..., MCPServer[Services]]
INCIDENT, CHANGE_REQUEST, INACTIVE = 1, 2, 5
LOOKUP_PATHS = ("/api/Status", "/api/Priority", "/api/TicketType", "/api/Outcome", "/api/Agent")


def by_id(rows: list[dict[str, Any]], key: str = "id") -> dict[int, dict[str, Any]]:
    return {row[key]: row for row in rows}


def gets(sandbox: SandboxServer, path: str) -> int:
    return sum(1 for r in sandbox.state.request_log if r.method == "GET" and r.path == path)


# Statuses


async def test_statuses_mark_the_roles_and_the_closing_ones(make_server: Make) -> None:
    async with Client(make_server()) as c:
        rows = ok(await c.call_tool("list_statuses", {}))["statuses"]
    statuses = by_id(rows)
    assert set(statuses) == {1, 2, 3, 4, 5, 6, 8, 9, 21, 22, 23}
    assert {s["id"]: s["role"] for s in rows if s["role"]} == {
        1: "new", 2: "in_progress", 8: "resolved", 9: "closed",
    }  # fmt: skip
    assert {s["id"] for s in rows if s["needs_resolution"]} == {8, 9}
    assert statuses[8]["name"] == "Resolved"
    assert statuses[22]["name"] == "Awaiting Parts"
    assert statuses[22]["ticket_type_ids"] == [1, 3]
    assert statuses[23]["ticket_type_ids"] == [CHANGE_REQUEST]
    assert statuses[1]["ticket_type_ids"] == []


async def test_statuses_for_a_ticket_type_keep_only_its_own(make_server: Make) -> None:
    async with Client(make_server()) as c:
        change = ok(await c.call_tool("list_statuses", {"ticket_type_id": CHANGE_REQUEST}))
        incident = ok(await c.call_tool("list_statuses", {"ticket_type_id": INCIDENT}))
    change_ids = {s["id"] for s in change["statuses"]}
    incident_ids = {s["id"] for s in incident["statuses"]}
    assert 23 in change_ids
    assert 22 not in change_ids
    assert 22 in incident_ids
    assert 23 not in incident_ids
    # The statuses for every type stay.
    assert {1, 2, 3, 4, 5, 6, 8, 9, 21} <= change_ids & incident_ids


# Priorities


async def test_priorities_follow_the_ticket_types_sla(make_server: Make) -> None:
    async with Client(make_server()) as c:
        change = ok(await c.call_tool("list_priorities", {"ticket_type_id": CHANGE_REQUEST}))
        incident = ok(await c.call_tool("list_priorities", {"ticket_type_id": INCIDENT}))
        problem = ok(await c.call_tool("list_priorities", {"ticket_type_id": 4}))
    assert [p["priority_id"] for p in change["priorities"]] == [3, 4, 5]
    assert {p["sla_id"] for p in change["priorities"]} == {3}
    assert by_id(change["priorities"], "priority_id")[5]["name"] == "Planned"
    assert [p["priority_id"] for p in incident["priorities"]] == [1, 2, 3, 4]
    assert {p["sla_id"] for p in incident["priorities"]} == {1}
    assert [p["priority_id"] for p in problem["priorities"]] == [1, 2, 3, 4]
    assert {p["sla_id"] for p in problem["priorities"]} == {2}


async def test_priority_rows_carry_response_and_fix_targets(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        rows = ok(await c.call_tool("list_priorities", {}))["priorities"]
    seeded = {(p.slaid, p.priorityid): p for p in sandbox.state.priorities}
    assert {(r["sla_id"], r["priority_id"]) for r in rows} == set(seeded)
    for row in rows:
        policy = seeded[(row["sla_id"], row["priority_id"])]
        assert row["name"] == policy.name
        assert row["response"] == f"{policy.responsetime:g} {policy.responseunits}"
        assert row["fix"] == f"{policy.fixtime:g} {policy.fixunits}"
    critical = next(r for r in rows if (r["sla_id"], r["priority_id"]) == (2, 1))
    assert critical["response"] == "15 minutes"


# Ticket types


async def test_ticket_types_include_inactive_ones_marked_not_creatable(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        rows = ok(await c.call_tool("list_ticket_types", {}))["ticket_types"]
    # Inactive types exist (old tickets use them), so the server asks for them too.
    fetched = [r for r in sandbox.state.request_log if r.path == "/api/TicketType"]
    assert fetched
    assert all("showinactive=true" in r.query for r in fetched)
    assert [(t["id"], t["name"], t["sla_id"], t["can_create"]) for t in rows] == [
        (1, "Incident", 1, True), (3, "Service Request", 1, True), (4, "Problem", 2, True),
        (2, "Change Request", 3, True), (INACTIVE, "Legacy Request", 1, False),
    ]  # fmt: skip
    assert sandbox.state.tickettypes[INACTIVE].active is False


async def test_an_inactive_type_can_be_inspected_but_not_used_for_new_tickets(
    sandbox: SandboxServer, make_server: Make
) -> None:
    before = records(sandbox)
    async with Client(make_server()) as c:
        ok(await c.call_tool("list_statuses", {"ticket_type_id": INACTIVE}))
        text = refusal(
            await c.call_tool(
                "create_ticket",
                {"summary": "Old style request", "client_id": 23, "ticket_type_id": INACTIVE},
            )
        )
    assert "ticket_type_id" in text
    assert records(sandbox) == before


# Outcomes


async def test_outcomes_show_the_status_they_set_and_visibility(make_server: Make) -> None:
    async with Client(make_server()) as c:
        rows = ok(await c.call_tool("list_outcomes", {}))["outcomes"]
    outcomes = {o["name"]: o for o in rows}
    assert outcomes["Resolve"]["sets_status"] == "Resolved"
    assert outcomes["Resolve"]["sets_status_id"] == 8
    assert outcomes["Close"]["sets_status"] == "Closed"
    assert outcomes["Private Note"]["id"] == 1
    assert outcomes["Private Note"]["hidden_from_customer"] is True
    assert outcomes["Private Note"]["sets_status"] is None
    assert outcomes["Customer Update"]["hidden_from_customer"] is False
    assert outcomes["Approve Change"]["sets_status"] == "Change Approved"


async def test_outcomes_for_a_ticket_type_leave_out_the_others(make_server: Make) -> None:
    async with Client(make_server()) as c:
        incident = ok(await c.call_tool("list_outcomes", {"ticket_type_id": INCIDENT}))
        change = ok(await c.call_tool("list_outcomes", {"ticket_type_id": CHANGE_REQUEST}))
    incident_names = {o["name"] for o in incident["outcomes"]}
    assert "Approve Change" not in incident_names
    assert {"Private Note", "Resolve", "Close"} <= incident_names
    assert "Approve Change" in {o["name"] for o in change["outcomes"]}


# Unknown ticket types


@pytest.mark.parametrize("tool", ["list_statuses", "list_priorities", "list_outcomes"])
async def test_an_unknown_ticket_type_points_to_list_ticket_types(
    make_server: Make, tool: str
) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool(tool, {"ticket_type_id": 99}))
    assert "ticket_type_id" in text
    assert "99" in text
    assert "list_ticket_types" in text


# The cache


async def test_lookups_are_fetched_once_for_all_the_list_tools_and_only_when_needed(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        ok(await c.call_tool("list_statuses", {}))
        assert [gets(sandbox, path) for path in LOOKUP_PATHS] == [1, 0, 0, 0, 0]
        ok(await c.call_tool("list_statuses", {"ticket_type_id": CHANGE_REQUEST}))
        ok(await c.call_tool("list_priorities", {"ticket_type_id": INCIDENT}))
        ok(await c.call_tool("list_priorities", {}))
        ok(await c.call_tool("list_ticket_types", {}))
        ok(await c.call_tool("list_outcomes", {}))
        ok(await c.call_tool("list_outcomes", {"ticket_type_id": INCIDENT}))
        refusal(await c.call_tool("list_outcomes", {"ticket_type_id": 99}))
    # Agents name rows; no list tool shows them.
    assert [gets(sandbox, path) for path in LOOKUP_PATHS] == [1, 1, 1, 1, 0]


async def test_with_no_ttl_every_call_refetches(sandbox: SandboxServer, make_server: Make) -> None:
    async with Client(make_server(HALOPSA_LOOKUP_TTL="0")) as c:
        for done in range(1, 4):
            ok(await c.call_tool("list_statuses", {}))
            ok(await c.call_tool("list_priorities", {"ticket_type_id": INCIDENT}))
            assert gets(sandbox, "/api/Status") == done
            assert gets(sandbox, "/api/Priority") == done
