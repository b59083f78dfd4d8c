"""Everyday requests from a fresh session on an instance the agent has not seen, in as
few tool calls as issue 11 allows, through a real MCP client against the unkind sandbox
(every tenant switch on: renumbered IDs, unreadable agents and teams, ...).

The agent here is scripted but reads the server's answers as a model must: an ID it
needs and does not know is taken from the refusal that lists the choices.
"""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult

from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.sandbox.unkind import UNKIND_TENANT, unkind
from halopsa_mcp.server.app import build_server
from tests.helpers import FAST, NO_WARM_UP, halo_settings

from .conftest import ok


class Agent:
    """An MCP client session that counts its tool calls."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.calls = 0

    async def call(self, tool: str, **args: Any) -> CallToolResult:
        self.calls += 1
        return await self.client.call_tool(tool, args)


@asynccontextmanager
async def fresh_session(**switches: Any) -> AsyncIterator[tuple[Agent, SandboxServer]]:
    with SandboxServer(unkind(rate_limit_requests=0, **switches)) as sandbox:
        server = build_server(
            halo_settings(sandbox, HALOPSA_TENANT=UNKIND_TENANT),
            ServerSettings.from_env(NO_WARM_UP),
            policy=FAST,
        )
        async with Client(server) as client:
            yield Agent(client), sandbox


def choice(text: str, field: str, name: str) -> int:
    """The ID a refusal offers for ``field`` under ``name`` ("use one of: 7 Incident, ...")."""
    line = next(line for line in text.splitlines() if line.startswith(f"- {field}:"))
    found = re.search(rf"(\d+) {re.escape(name)}\b", line)
    assert found, line
    return int(found.group(1))


async def log_a_ticket(agent: Agent, client: str, problem: str) -> dict[str, Any]:
    """ "Log a ticket for <client>: <problem>", fixing what each refusal names."""
    args: dict[str, Any] = {"summary": problem, "client_id": client}
    while True:
        result = await agent.call("create_ticket", **args)
        if not result.is_error:
            return ok(result)["ticket"]
        text = result.content[0].text  # type: ignore[union-attr]
        assert "Nothing was written" in text, text
        assert agent.calls < 3, text
        if "- ticket_type_id:" in text:
            args["ticket_type_id"] = choice(text, "ticket_type_id", "Incident")
        if "similar open ticket" in text:
            args["not_duplicate"] = True


async def test_log_a_ticket_for_a_client_by_name_in_three_calls_at_most() -> None:
    async with fresh_session() as (agent, sandbox):
        ticket = await log_a_ticket(agent, "Harbourside Dental", "Reception printer offline")
        assert agent.calls <= 3
        assert ticket["client_id"] == 12
        saved = sandbox.state.tickets[ticket["id"]]
        assert (saved.client_id, saved.summary) == (12, "Reception printer offline")


def _open(sandbox: SandboxServer) -> set[int]:
    closing = {s.id for s in sandbox.state.statuses.values() if s.is_closed or s.name == "Resolved"}
    return {t.id for t in sandbox.state.tickets.values() if t.status_id not in closing}


def named(sandbox: SandboxServer, kind: str, name: str) -> int:
    """The unkind instance's ID for a status or outcome, by its name."""
    records = getattr(sandbox.state, kind).values()
    key = "outcome" if kind == "outcomes" else "name"
    return next(r.id for r in records if getattr(r, key) == name)


async def test_assign_the_oldest_open_ticket_to_an_agent_by_first_name_in_four_calls() -> None:
    # Agents readable here: on an instance that hides them no name can find one.
    async with fresh_session(unreadable_lookups=()) as (agent, sandbox):
        oldest = ok(
            await agent.call(
                "search_tickets", client_id="Castell", order_by="created", descending=False
            )
        )["tickets"][0]
        ok(
            await agent.call(
                "update_ticket", ticket_id=oldest["id"], agent_id="Sofia", status_id="in progress"
            )
        )
        ok(
            await agent.call(
                "add_action", ticket_id=oldest["id"], note="Looking into it.", time_minutes=20
            )
        )
        assert agent.calls <= 4
        ticket = sandbox.state.tickets[oldest["id"]]
        assert (ticket.client_id, ticket.agent_id) == (31, 6)
        assert ticket.status_id == named(sandbox, "statuses", "In Progress")
        opened = [t for t in sandbox.state.tickets.values() if t.client_id == 31]
        assert ticket.dateoccurred == min(t.dateoccurred for t in opened if t.id in _open(sandbox))
        logged = [a for a in sandbox.state.actions.values() if a.ticket_id == ticket.id]
        assert logged[-1].timetaken == pytest.approx(20 / 60, abs=1e-3)


async def test_tell_a_clients_user_we_are_waiting_on_their_reply_in_three_calls() -> None:
    async with fresh_session() as (agent, sandbox):
        rows = ok(await agent.call("search_tickets", client_id="northgate"))["tickets"]
        ticket = next(t for t in rows if t["user_id"])
        ok(
            await agent.call(
                "add_action",
                ticket_id=ticket["id"],
                note="We are waiting on your reply.",
                outcome_id="waiting on client",
                visible_to_customer=True,
            )
        )
        assert agent.calls <= 3
        action = [a for a in sandbox.state.actions.values() if a.ticket_id == ticket["id"]][-1]
        assert action.outcome_id == named(sandbox, "outcomes", "Waiting on Client")
        assert not action.hiddenfromuser
        assert sandbox.state.tickets[ticket["id"]].client_id == 15


async def test_close_every_resolved_ticket_of_a_client_older_than_a_week_in_three_calls() -> None:
    async with fresh_session() as (agent, sandbox):
        week_ago = date.today() - timedelta(days=7)
        closed = named(sandbox, "statuses", "Closed")
        resolved = named(sandbox, "statuses", "Resolved")
        meant = {
            t.id
            for t in sandbox.state.tickets.values()
            if t.client_id == 15 and t.status_id == resolved and t.dateoccurred.date() <= week_ago
        }
        found = ok(
            await agent.call(
                "search_tickets",
                client_id="northgate",
                status_id="resolved",
                date_to=week_ago.isoformat(),
                limit=50,
            )
        )
        ids = [t["id"] for t in found["tickets"]]
        change = {"ticket_ids": ids, "status_id": "closed"}
        preview = ok(await agent.call("update_tickets", **change, dry_run=True))
        assert [t["status"] for t in preview["tickets"]] == ["Closed"] * len(ids)
        done = ok(await agent.call("update_tickets", **change))
        assert agent.calls <= 3
        assert set(ids) == meant
        assert len(meant) >= 2
        assert [t["id"] for t in done["tickets"]] == ids
        assert {sandbox.state.tickets[i].status_id for i in meant} == {closed}
