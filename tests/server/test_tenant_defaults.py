"""Defaults and filters against a sandbox configured unlike ours, as live tenants are:
the ticket type's initial status, the default priority by name, "open" searches and date
filters (issue 10, items 3, 4, 5 and 8)."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import ok

Make = Callable[..., MCPServer[Services]]
CHANGE_REQUEST, SCHEDULED = 2, 21


def _configure(sandbox: SandboxServer, **switches: Any) -> None:
    """Reseed the sandbox with ``switches`` on; the fixture restores the defaults."""
    sandbox.state.config = replace(sandbox.state.config, **switches)
    sandbox.state.reset()


async def test_a_new_ticket_starts_in_its_types_initial_status(
    sandbox: SandboxServer, make_server: Make
) -> None:
    _configure(sandbox, change_starts_scheduled=True)
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
