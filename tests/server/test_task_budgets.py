"""Everyday requests from a fresh session on an instance the agent has not seen, in as
few tool calls as issue 11 allows, through a real MCP client against the unkind sandbox
(every tenant switch on: renumbered IDs, unreadable agents and teams, ...).

The agent here is scripted but reads the server's answers as a model must: an ID it
needs and does not know is taken from the refusal that lists the choices.
"""

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

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
async def fresh_session() -> AsyncIterator[tuple[Agent, SandboxServer]]:
    with SandboxServer(unkind(rate_limit_requests=0)) as sandbox:
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
