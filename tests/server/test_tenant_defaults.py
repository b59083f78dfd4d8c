"""Defaults and filters against a sandbox configured unlike ours, as live tenants are:
the ticket type's initial status, the default priority by name, "open" searches and date
filters (issue 10, items 3, 4, 5 and 8)."""

from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services
from tests.helpers import reconfigure

from .conftest import ok

Make = Callable[..., MCPServer[Services]]
CHANGE_REQUEST, SCHEDULED = 2, 21


async def test_a_new_ticket_starts_in_its_types_initial_status(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, reseed=True, change_starts_scheduled=True)
    async with Client(make_server()) as c:
        result = ok(
            await c.call_tool(
                "create_ticket",
                {"summary": "Replace core switch", "client_id": 23,
                 "ticket_type_id": CHANGE_REQUEST},
            )
        )  # fmt: skip
    assert result["ticket"]["status"] == "Scheduled"
    assert sandbox.state.tickets[result["ticket"]["id"]].status_id == SCHEDULED


async def test_the_default_priority_is_chosen_by_name_and_said(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        medium = ok(
            await c.call_tool(
                "create_ticket",
                {"summary": "Monitor flickers", "client_id": 23, "ticket_type_id": 1},
            )
        )
    assert medium["ticket"]["priority"] == "Medium"
    assert any("3 Medium" in w and "named Medium" in w for w in medium["warnings"])


async def test_without_medium_the_fallback_priority_is_named_in_the_warnings(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, reseed=True, sla_without_medium=True)
    async with Client(make_server()) as c:
        result = ok(
            await c.call_tool(
                "create_ticket",
                {"summary": "Monitor flickers", "client_id": 23, "ticket_type_id": 1},
            )
        )
    assert result["ticket"]["priority"] == "Normal"
    chosen = [w for w in result["warnings"] if "priority" in w]
    assert len(chosen) == 1, result["warnings"]
    assert "no Medium" in chosen[0]
    assert "3 Normal" in chosen[0]
    assert "priority_id" in chosen[0]


def _open_ids(sandbox: SandboxServer) -> list[int]:
    state = sandbox.state
    return sorted(
        (t.id for t in state.tickets.values() if not state.statuses[t.status_id].is_closed),
        reverse=True,
    )


async def test_open_search_leaves_out_resolved_tickets_halopsa_keeps(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, reseed=True, open_only_keeps_resolved=True)
    expected = _open_ids(sandbox)
    async with Client(make_server()) as c:
        pages = [
            ok(await c.call_tool("search_tickets", {"limit": 7, "page": page}))
            for page in range(1, 4)
        ]
        last = len(expected) // 7 + 1
        tail = ok(await c.call_tool("search_tickets", {"limit": 7, "page": last}))
    got = [t["id"] for page in pages for t in page["tickets"]]
    assert got == expected[:21]
    assert all(page["total"] == len(expected) for page in [*pages, tail])
    assert all(page["has_more"] for page in pages)
    assert [t["id"] for t in tail["tickets"]] == expected[(last - 1) * 7 :]
    assert tail["has_more"] is False
    assert all(t["status"] not in ("Resolved", "Closed") for t in tail["tickets"])


async def test_an_instance_whose_open_filter_holds_is_checked_once_per_lookup_ttl(
    sandbox: SandboxServer, make_server: Make
) -> None:
    # Its open_only let no closed ticket through when checked: later open searches cost
    # one request, not one more per closing status.
    async with Client(make_server()) as c:
        ok(await c.call_tool("search_tickets", {"limit": 5}))
        sandbox.state.clear_requests()
        ok(await c.call_tool("search_tickets", {"limit": 5}))
        ok(await c.call_tool("search_tickets", {"limit": 5, "text": "printer"}))
    assert [r.path for r in sandbox.state.requests()] == ["/api/Tickets"] * 2


async def test_an_instance_whose_open_filter_leaks_is_checked_every_time(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, reseed=True, open_only_keeps_resolved=True)
    expected = _open_ids(sandbox)
    async with Client(make_server()) as c:
        for _ in range(2):
            page = ok(await c.call_tool("search_tickets", {"limit": 5}))
            assert [t["id"] for t in page["tickets"]] == expected[:5]


@pytest.mark.parametrize(
    ("date_field", "attribute"), [(None, "dateoccurred"), ("closed", "dateclosed")]
)
async def test_every_row_of_a_date_search_lies_in_the_range(
    sandbox: SandboxServer, make_server: Make, date_field: str | None, attribute: str
) -> None:
    reconfigure(sandbox, reseed=True, datesearch_documented_only=True)
    moments = sorted(
        m for t in sandbox.state.tickets.values() if (m := getattr(t, attribute)) is not None
    )
    first, last = moments[len(moments) // 3].date(), moments[len(moments) // 2].date()
    expected = {
        t.id
        for t in sandbox.state.tickets.values()
        if (m := getattr(t, attribute)) is not None and first <= m.date() <= last
    }
    arguments: dict[str, Any] = {"open_only": False, "limit": 100}
    arguments |= {"date_from": first.isoformat(), "date_to": last.isoformat()}
    if date_field:
        arguments["date_field"] = date_field
    async with Client(make_server()) as c:
        page = ok(await c.call_tool("search_tickets", arguments))
    assert 0 < len(expected) < len(sandbox.state.tickets)
    assert {t["id"] for t in page["tickets"]} == expected
    assert page["total"] == len(expected)
