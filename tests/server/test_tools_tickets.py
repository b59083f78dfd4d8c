"""search_tickets, get_ticket, create_ticket and update_ticket through a real MCP client."""

from collections.abc import Callable
from dataclasses import replace

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.server.services import Services

from ..helpers import requests_to
from .conftest import ok, records, refusal, writes

Make = Callable[..., MCPServer[Services]]
NEAR_DUPLICATE = 1116  # seed: client 15, "Outlook not syncing on laptop", open


async def test_search_returns_compact_named_rows(sandbox: SandboxServer, make_server: Make) -> None:
    async with Client(make_server()) as c:
        page = ok(await c.call_tool("search_tickets", {"limit": 5}))
    assert len(page["tickets"]) == 5
    assert page["has_more"] is True
    open_count = sum(1 for t in sandbox.state.tickets.values() if t.dateclosed is None)
    assert page["total"] == open_count
    row = page["tickets"][0]
    assert set(row) == {
        "id", "summary", "client_id", "client", "site_id", "user_id", "status_id", "status",
        "priority_id", "priority", "agent_id", "agent", "ticket_type_id", "ticket_type", "created",
        "last_action", "sla", "fix_by",
    }  # fmt: skip
    assert row["status"]
    assert row["priority"]
    assert row["ticket_type"]
    assert row["client"]


async def test_search_filters_and_pages(sandbox: SandboxServer, make_server: Make) -> None:
    async with Client(make_server()) as c:
        mine = ok(await c.call_tool("search_tickets", {"client_id": 15, "open_only": False}))
        first = ok(await c.call_tool("search_tickets", {"limit": 4, "page": 1}))
        second = ok(await c.call_tool("search_tickets", {"limit": 4, "page": 2}))
        by_text = ok(await c.call_tool("search_tickets", {"text": "Outlook not syncing"}))
        dated = ok(
            await c.call_tool(
                "search_tickets",
                {"open_only": False, "date_from": "2026-10-01", "date_to": "2026-10-31"},
            )
        )
    assert mine["total"] == sum(1 for t in sandbox.state.tickets.values() if t.client_id == 15)
    assert all(t["client_id"] == 15 for t in mine["tickets"])
    assert not {t["id"] for t in first["tickets"]} & {t["id"] for t in second["tickets"]}
    assert NEAR_DUPLICATE in {t["id"] for t in by_text["tickets"]}
    assert dated["tickets"]
    assert all("2026-10" in t["created"] for t in dated["tickets"])


async def test_search_rejects_a_backwards_date_range(make_server: Make) -> None:
    async with Client(make_server()) as c:
        text = refusal(
            await c.call_tool(
                "search_tickets", {"date_from": "2026-11-02", "date_to": "2026-11-01"}
            )
        )
    assert "date_from" in text


async def test_get_ticket_resolves_names_and_recent_actions(
    sandbox: SandboxServer, make_server: Make
) -> None:
    busiest = max(
        sandbox.state.tickets,
        key=lambda t: sum(1 for a in sandbox.state.actions.values() if a.ticket_id == t),
    )
    async with Client(make_server()) as c:
        ticket = ok(
            await c.call_tool(
                "get_ticket",
                {"ticket_id": busiest, "include_actions": 2, "extra_fields": ["fixbydate"]},
            )
        )
    assert ticket["id"] == busiest
    assert ticket["status"]
    assert ticket["ticket_type"]
    assert ticket["client"]
    assert len(ticket["recent_actions"]) == 2
    assert ticket["extra_fields"]["fixbydate"] == sandbox.state.tickets[busiest].fixbydate.strftime(
        "%Y-%m-%dT%H:%M:%S"
    )


async def test_get_ticket_reads_the_ticket_and_its_actions_at_once(
    sandbox: SandboxServer, make_server: Make
) -> None:
    # The ticket's answer is held back: the actions must be asked for while it is awaited,
    # so a call costs one HaloPSA round trip, not two in a row.
    sandbox.state.faults.add(FaultRule(kind="slow", delay=0.3, path="/api/Tickets/1001"))
    async with Client(make_server()) as c:
        ok(await c.call_tool("get_ticket", {"ticket_id": 1001}))
    log = sandbox.state.requests()
    ticket = next(r for r in log if r.path == "/api/Tickets/1001")
    actions = next(r for r in log if r.path == "/api/Actions")
    assert ticket.answered is not None
    assert actions.arrived < ticket.answered


async def test_get_ticket_of_a_missing_ticket_says_so_whatever_its_actions_read_gives(
    sandbox: SandboxServer, make_server: Make
) -> None:
    sandbox.state.faults.add(FaultRule(kind="server_error", times=None, path="/api/Actions"))
    async with Client(make_server()) as c:
        missing = await c.call_tool("get_ticket", {"ticket_id": 999_999})
        failing = await c.call_tool("get_ticket", {"ticket_id": 1001})
    assert missing.is_error
    assert "Ticket 999999 does not exist" in missing.content[0].text
    assert failing.is_error
    assert "read the actions of ticket 1001" in failing.content[0].text


async def test_get_ticket_of_a_missing_ticket_stops_reading_its_actions(
    sandbox: SandboxServer, make_server: Make
) -> None:
    # Once the ticket is known to be missing, the actions read alongside it is given up:
    # its retries would only delay the answer.
    sandbox.state.faults.add(
        FaultRule(kind="rate_limit", times=None, path="/api/Actions", retry_after=0.5)
    )
    async with Client(make_server()) as c:
        missing = await c.call_tool("get_ticket", {"ticket_id": 999_999})
    assert "Ticket 999999 does not exist" in missing.content[0].text
    assert len(requests_to(sandbox, "GET", "/api/Actions")) <= 1


async def test_get_ticket_whose_ticket_read_fails_says_which_read(
    sandbox: SandboxServer, make_server: Make
) -> None:
    sandbox.state.faults.add(
        FaultRule(kind="server_error", status=403, times=None, path="/api/Tickets/1001")
    )
    async with Client(make_server()) as c:
        failed = await c.call_tool("get_ticket", {"ticket_id": 1001})
    assert failed.is_error
    assert "read ticket 1001" in failed.content[0].text


async def test_get_ticket_without_actions_asks_for_none(
    sandbox: SandboxServer, make_server: Make
) -> None:
    open_ticket = next(
        t.id for t in sandbox.state.tickets.values() if t.dateclosed is None and t.id >= 1001
    )
    async with Client(make_server()) as c:
        ok(await c.call_tool("get_ticket", {"ticket_id": 1001}))  # lookups read
        sandbox.state.clear_requests()
        ok(await c.call_tool("get_ticket", {"ticket_id": open_ticket, "include_actions": 0}))
    assert [r.path for r in sandbox.state.requests()] == [f"/api/Tickets/{open_ticket}"]


async def test_unknown_extra_fields_are_reported_not_faked(make_server: Make) -> None:
    async with Client(make_server()) as c:
        ticket = ok(
            await c.call_tool(
                "get_ticket", {"ticket_id": 1001, "extra_fields": ["summary", "no_such_field"]}
            )
        )
    assert ticket["extra_fields"] == {"summary": ticket["summary"]}
    assert ticket["missing_fields"] == ["no_such_field"]


async def test_hostile_ticket_text_reaches_the_model_inert(make_server: Make) -> None:
    async with Client(make_server()) as c:
        ticket = ok(await c.call_tool("get_ticket", {"ticket_id": 1120}))
    details = ticket["details"]
    assert "<script" not in details
    assert "onerror" not in details
    assert not any(ch in details for ch in "\u200b\u200c\u200d\u2060\ufeff")
    assert "Payment ref" in details


async def test_get_unknown_ticket_says_how_to_find_one(make_server: Make) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("get_ticket", {"ticket_id": 999_999}))
    assert "999999" in text
    assert "search_tickets" in text


async def test_create_without_a_client_is_refused_and_writes_nothing(
    sandbox: SandboxServer, make_server: Make
) -> None:
    before = records(sandbox)
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("create_ticket", {"summary": "Mouse broken"}))
    assert "client_id" in text
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_create_reports_every_broken_rule_at_once(
    sandbox: SandboxServer, make_server: Make
) -> None:
    before = records(sandbox)
    async with Client(make_server()) as c:
        text = refusal(
            await c.call_tool(
                "create_ticket",
                {
                    "summary": " \u200b ",
                    "client_id": 424242,
                    "ticket_type_id": 1,
                    "priority_id": 5,
                    "status_id": 9,
                },
            )
        )
    for field in ("summary", "client_id", "priority_id", "status_id"):
        assert f"- {field}:" in text
    assert "4 rules" in text
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_create_with_a_client_applies_the_defaults(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        result = ok(
            await c.call_tool(
                "create_ticket",
                {"summary": "Projector in boardroom flickers", "client_id": 23,
                 "ticket_type_id": 1, "details": "Since <b>Monday</b>"},
            )
        )  # fmt: skip
    ticket = result["ticket"]
    assert result["dry_run"] is False
    assert (ticket["status"], ticket["priority"]) == ("New", "Medium")
    stored = sandbox.state.tickets[ticket["id"]]
    assert stored.summary == "Projector in boardroom flickers"
    assert "&lt;b&gt;Monday&lt;/b&gt;" in stored.details_html


async def test_a_default_ticket_type_can_be_configured(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server(HALOPSA_DEFAULT_TICKET_TYPE_ID="3")) as c:
        result = ok(
            await c.call_tool("create_ticket", {"summary": "New starter laptop", "client_id": 23})
        )
    assert result["ticket"]["ticket_type_id"] == 3


async def test_a_likely_duplicate_is_refused_unless_declared_new(
    sandbox: SandboxServer, make_server: Make
) -> None:
    args = {"summary": "Outlook not syncing on the laptop", "client_id": 15, "ticket_type_id": 1}
    before = records(sandbox)
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("create_ticket", args))
        assert f"#{NEAR_DUPLICATE}" in text
        assert "not_duplicate" in text
        assert records(sandbox) == before
        created = ok(await c.call_tool("create_ticket", {**args, "not_duplicate": True}))
    assert created["ticket"]["id"] in sandbox.state.tickets


async def test_dry_run_shows_the_request_and_writes_nothing(
    sandbox: SandboxServer, make_server: Make
) -> None:
    before = records(sandbox)
    async with Client(make_server()) as c:
        result = ok(
            await c.call_tool(
                "create_ticket",
                {"summary": "Printer jam", "client_id": 23, "ticket_type_id": 1, "dry_run": True},
            )
        )
    assert result["dry_run"] is True
    assert result["ticket"] is None
    assert result["would_send"]["summary"] == "Printer jam"
    assert result["would_send"]["status_id"] == 1
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_a_ticket_moves_through_in_progress_to_resolved(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        created = ok(
            await c.call_tool(
                "create_ticket",
                {"summary": "Shared drive unavailable", "client_id": 23, "ticket_type_id": 1},
            )
        )
        ticket_id = created["ticket"]["id"]
        started = ok(await c.call_tool("update_ticket", {"ticket_id": ticket_id, "status_id": 2}))
        assert any("agent" in w for w in started["warnings"])
        assert sandbox.state.tickets[ticket_id].status_id == 2

        before = records(sandbox)
        text = refusal(await c.call_tool("update_ticket", {"ticket_id": ticket_id, "status_id": 8}))
        assert "resolution" in text
        assert records(sandbox) == before

        resolved = ok(
            await c.call_tool(
                "update_ticket",
                {"ticket_id": ticket_id, "status_id": 8, "resolution": "Remapped the drive."},
            )
        )
    assert resolved["ticket"]["status"] == "Resolved"
    stored = sandbox.state.tickets[ticket_id]
    # Recorded the proven way, by an action (tests/server/test_resolving.py).
    assert stored.status_id == 8
    assert sandbox.state.actions[resolved["action"]["id"]].note_html == "<p>Remapped the drive.</p>"


async def test_new_straight_to_closed_warns(sandbox: SandboxServer, make_server: Make) -> None:
    new_ticket = next(t.id for t in sandbox.state.tickets.values() if t.status_id == 1)
    async with Client(make_server()) as c:
        result = ok(
            await c.call_tool(
                "update_ticket",
                {"ticket_id": new_ticket, "status_id": 9, "resolution": "Raised in error."},
            )
        )
    assert any("In Progress" in w for w in result["warnings"])
    assert sandbox.state.tickets[new_ticket].status_id == 9


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"status_id": 77}, "status_id"),
        ({"status_id": 23}, "status_id"),  # Change Approved: only for change requests
        ({"priority_id": 5}, "priority_id"),  # Planned: only in the change SLA
        ({"agent_id": 4242}, "agent_id"),
        ({}, "nothing"),
    ],
)
async def test_bad_updates_are_refused_and_write_nothing(
    sandbox: SandboxServer, make_server: Make, args: dict[str, int], field: str
) -> None:
    incident = next(
        t.id for t in sandbox.state.tickets.values() if t.tickettype_id == 1 and t.status_id == 2
    )
    before = records(sandbox)
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("update_ticket", {"ticket_id": incident, **args}))
    assert field in text
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_unknown_status_lists_the_valid_ones(make_server: Make) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("update_ticket", {"ticket_id": 1001, "status_id": 77}))
    assert "1 New" in text
    assert "8 Resolved" in text


async def test_rules_follow_the_instances_status_names_not_default_ids(
    sandbox: SandboxServer, make_server: Make
) -> None:
    # An instance where "Resolved" is status 21 and 8 is an ordinary open status.
    state = sandbox.state
    with state.lock:
        state.statuses[8] = replace(state.statuses[8], name="Awaiting Review")
        state.statuses[21] = replace(state.statuses[21], name="Resolved")
    ticket_id = next(t.id for t in state.tickets.values() if t.status_id == 2)
    async with Client(make_server()) as c:
        text = refusal(
            await c.call_tool("update_ticket", {"ticket_id": ticket_id, "status_id": 21})
        )
        assert "resolution" in text
        moved = ok(await c.call_tool("update_ticket", {"ticket_id": ticket_id, "status_id": 8}))
    assert moved["ticket"]["status"] == "Awaiting Review"


@pytest.mark.parametrize(
    ("args", "check"),
    [
        ({"status_id": 9}, lambda t, s: t.status_id == 9),  # a closed status despite open_only
        ({"ticket_type_id": 2, "open_only": False}, lambda t, s: t.tickettype_id == 2),
        ({"agent_id": 3, "open_only": False}, lambda t, s: t.agent_id == 3),
    ],
)
async def test_each_filter_selects_exactly_its_tickets(
    sandbox: SandboxServer,
    make_server: Make,
    args: dict[str, object],
    check: Callable[[object, SandboxServer], bool],
) -> None:
    expected = {t.id for t in sandbox.state.tickets.values() if check(t, sandbox)}
    async with Client(make_server()) as c:
        page = ok(await c.call_tool("search_tickets", {**args, "limit": 100}))
    assert expected
    assert {t["id"] for t in page["tickets"]} == expected
    assert page["total"] == len(expected)
    assert page["has_more"] is False


async def test_ordering_and_the_last_page(sandbox: SandboxServer, make_server: Make) -> None:
    async with Client(make_server()) as c:
        newest = ok(await c.call_tool("search_tickets", {"open_only": False, "limit": 5}))
        oldest = ok(
            await c.call_tool(
                "search_tickets", {"open_only": False, "limit": 5, "descending": False}
            )
        )
        total = newest["total"]
        last = ok(
            await c.call_tool(
                "search_tickets",
                {"open_only": False, "limit": 50, "page": -(-total // 50)},
            )
        )
    ids = sorted(sandbox.state.tickets)
    assert [t["id"] for t in newest["tickets"]] == ids[::-1][:5]
    assert [t["id"] for t in oldest["tickets"]] == ids[:5]
    assert last["has_more"] is False
    assert len(last["tickets"]) == total - 50 * (-(-total // 50) - 1)


@pytest.mark.parametrize(
    ("args", "field"),
    [({"status_id": 77}, "status_id"), ({"ticket_type_id": 99}, "ticket_type_id"),
     ({"agent_id": 4242}, "agent_id")],
)  # fmt: skip
async def test_filters_naming_unknown_ids_are_refused_not_silently_empty(
    make_server: Make, args: dict[str, int], field: str
) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("search_tickets", args))
    assert f"- {field}:" in text
    assert "Nothing was written" not in text


async def test_a_ticket_number_written_with_a_hash_is_found(make_server: Make) -> None:
    async with Client(make_server()) as c:
        page = ok(await c.call_tool("search_tickets", {"text": "#1116", "open_only": False}))
    assert [t["id"] for t in page["tickets"]] == [1116]


async def test_a_ticket_resolved_by_an_action_can_then_be_closed(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket_id = next(
        t.id for t in sandbox.state.tickets.values() if t.status_id == 2 and t.tickettype_id == 1
    )
    async with Client(make_server()) as c:
        ok(
            await c.call_tool(
                "add_action", {"ticket_id": ticket_id, "outcome_id": 7, "note": "Fixed the PSU."}
            )
        )
        closed = ok(await c.call_tool("update_ticket", {"ticket_id": ticket_id, "status_id": 9}))
    assert closed["ticket"]["status"] == "Closed"


async def test_a_reopened_ticket_needs_a_fresh_resolution(
    sandbox: SandboxServer, make_server: Make
) -> None:
    ticket_id = next(
        t.id for t in sandbox.state.tickets.values() if t.status_id == 8 and t.closure_note
    )
    async with Client(make_server()) as c:
        reopened = ok(await c.call_tool("update_ticket", {"ticket_id": ticket_id, "status_id": 2}))
        text = refusal(await c.call_tool("update_ticket", {"ticket_id": ticket_id, "status_id": 8}))
    assert any("reopen" in w.lower() for w in reopened["warnings"])
    assert "resolution" in text


def other_clients_site_and_user(sandbox: SandboxServer, client_id: int) -> tuple[int, int]:
    site = next(x.id for x in sandbox.state.sites.values() if x.client_id != client_id)
    user = next(x.id for x in sandbox.state.users.values() if x.client_id != client_id)
    return site, user


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"site": True}, "site_id"),
        ({"user": True}, "user_id"),
        ({"team": "Night Shift"}, "team"),
        ({"inactive": True}, "client_id"),
    ],
)
async def test_references_halopsa_would_refuse_are_refused_first(
    sandbox: SandboxServer, make_server: Make, extra: dict[str, object], field: str
) -> None:
    client_id = 23
    args: dict[str, object] = {"summary": "Dock not charging", "ticket_type_id": 1}
    site, user = other_clients_site_and_user(sandbox, client_id)
    if extra.get("site"):
        args["site_id"] = site
    if extra.get("user"):
        args["user_id"] = user
    if isinstance(extra.get("team"), str):
        args["team"] = extra["team"]
    if extra.get("inactive"):
        client_id = next(c.id for c in sandbox.state.clients.values() if c.inactive)
    before = records(sandbox)
    async with Client(make_server()) as c:
        for dry_run in (True, False):
            text = refusal(
                await c.call_tool(
                    "create_ticket", {**args, "client_id": client_id, "dry_run": dry_run}
                )
            )
            assert f"- {field}:" in text
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_a_site_user_and_team_of_the_client_are_accepted(
    sandbox: SandboxServer, make_server: Make
) -> None:
    site = next(x.id for x in sandbox.state.sites.values() if x.client_id == 23)
    user = next(x.id for x in sandbox.state.users.values() if x.client_id == 23)
    async with Client(make_server()) as c:
        created = ok(
            await c.call_tool(
                "create_ticket",
                {"summary": "Dock not charging", "client_id": 23, "ticket_type_id": 1,
                 "site_id": site, "user_id": user, "team": "service desk"},
            )
        )  # fmt: skip
    stored = sandbox.state.tickets[created["ticket"]["id"]]
    assert (stored.site_id, stored.user_id, stored.team) == (site, user, "Service Desk")
