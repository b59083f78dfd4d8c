"""The server against a sandbox answering like other HaloPSA versions and tenants (issue 10):
a ticket type's SLA under another key or none, action rows whose names are unknown, and
the site filled in from the user's own."""

from collections.abc import Callable

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services
from tests.helpers import reconfigure, user_away_from_main_site

from .conftest import ok, refusal, writes

Make = Callable[..., MCPServer[Services]]

SLA_KEYS = ["default_sla", "default_sla_id", "sla_id", "slaid", "sla"]
# Change Request's SLA (Change Management) offers 3 Medium, 4 Low and 5 Planned only.
CHANGE = {
    "summary": "Replace core switch",
    "client_id": 23,
    "ticket_type_id": 2,
    "not_duplicate": True,
}


def _ways_of_sending_the_sla() -> list[tuple[str, str]]:
    return [(key, "number") for key in SLA_KEYS] + [("sla", "text"), ("sla", "object")]


@pytest.mark.parametrize(("key", "form"), _ways_of_sending_the_sla())
async def test_a_priority_outside_the_types_sla_is_refused_under_every_key(
    sandbox: SandboxServer, make_server: Make, key: str, form: str
) -> None:
    reconfigure(sandbox, ticket_type_sla_key=key, ticket_type_sla_form=form)
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("create_ticket", {**CHANGE, "priority_id": 1}))
        created = ok(await c.call_tool("create_ticket", {**CHANGE, "priority_id": 5}))
    assert "priority_id" in text
    assert "list_priorities" in text
    assert "5 Planned" in text
    assert writes(sandbox) == ["POST /api/Tickets"]
    saved = sandbox.state.tickets[created["ticket"]["id"]]
    assert (saved.sla_id, saved.priority_id) == (3, 5)
    assert not [w for w in created["warnings"] if "SLA" in w]


async def test_a_type_without_an_sla_is_checked_against_every_sla_and_says_so(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, ticket_type_sla_key=None)
    async with Client(make_server()) as c:
        unknown = refusal(await c.call_tool("create_ticket", {**CHANGE, "priority_id": 9}))
        created = ok(await c.call_tool("create_ticket", {**CHANGE, "priority_id": 4}))
        defaulted = ok(await c.call_tool("create_ticket", {**CHANGE, "dry_run": True}))
    assert "priority_id" in unknown
    assert "list_priorities" in unknown
    assert writes(sandbox) == ["POST /api/Tickets"]
    assert sandbox.state.tickets[created["ticket"]["id"]].priority_id == 4
    for result in (created, defaulted):
        (warning,) = [w for w in result["warnings"] if "SLA" in w]
        assert "Change Request" in warning
        assert "every SLA" in warning
        assert "list_priorities" in warning


async def test_action_rows_keep_every_id_whose_name_is_unknown(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, unreadable_lookups=(("Agent", 403),), ticket_rows_without_names=True)
    held = sandbox.state.actions
    ticket_id = max(
        {a.ticket_id for a in held.values() if a.who_agentid and a.new_status},
        key=lambda t: sum(1 for a in held.values() if a.ticket_id == t),
    )
    async with Client(make_server()) as c:
        listed = ok(await c.call_tool("list_actions", {"ticket_id": ticket_id, "limit": 50}))
        ticket = ok(
            await c.call_tool("get_ticket", {"ticket_id": ticket_id, "include_actions": 50})
        )
    rows = [*listed["actions"], *ticket["recent_actions"]]
    assert any(row["who_agent_id"] and row["who"] is None for row in rows)
    assert any(row["new_status_id"] for row in rows)
    for row in rows:
        action = held[row["id"]]
        assert row["who_agent_id"] == (action.who_agentid or None)
        assert row["outcome_id"] == action.outcome_id
        assert row["new_status_id"] == (action.new_status or None)
    stored = sandbox.state.tickets[ticket_id]
    assert (ticket["client_id"], ticket["site_id"], ticket["agent_id"]) == (
        stored.client_id, stored.site_id, stored.agent_id or None,
    )  # fmt: skip


async def test_a_site_filled_in_from_the_users_own_is_said_in_the_warnings(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, site_required_with_user=True)
    state = sandbox.state
    user = user_away_from_main_site(sandbox)
    base = {
        "summary": "Docking station dead",
        "client_id": user.client_id,
        "ticket_type_id": 1,
        "user_id": user.id,
        "not_duplicate": True,
    }
    async with Client(make_server()) as c:
        created = ok(await c.call_tool("create_ticket", base))
        chosen = ok(await c.call_tool("create_ticket", {**base, "site_id": user.site_id}))
    (warning,) = [w for w in created["warnings"] if "site_id" in w]
    assert f"site {user.site_id}" in warning
    assert f"user {user.id}" in warning
    assert "requires a site" in warning
    assert state.tickets[created["ticket"]["id"]].site_id == user.site_id
    assert not [w for w in chosen["warnings"] if "site_id" in w]
