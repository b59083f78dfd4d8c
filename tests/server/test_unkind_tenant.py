"""The server against a sandbox configured like tenants unlike ours (issue 10)."""

import dataclasses
from collections.abc import Callable
from typing import Any

from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import refusal, writes

Make = Callable[..., MCPServer[Services]]


def configure(sandbox: SandboxServer, **changes: Any) -> None:
    """Switch the sandbox's behaviour for this test (the fixture restores it)."""
    state = sandbox.state
    state.config = dataclasses.replace(state.config, **changes)


async def test_an_answer_that_will_not_change_is_not_called_transient(
    sandbox: SandboxServer, make_server: Make
) -> None:
    configure(sandbox, client_by_id="listing")
    args = {"summary": "Printer offline", "client_id": 23, "ticket_type_id": 1}
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("create_ticket", args))
    assert "expected one record in clients" in text
    assert "again" not in text.lower()
    assert "operator" in text
    assert writes(sandbox) == []


async def test_a_failure_that_can_pass_still_says_try_again_later(
    sandbox: SandboxServer, make_server: Make
) -> None:
    sandbox.state.faults.add(
        FaultRule(kind="server_error", times=None, status=503, path="/api/Tickets/1001")
    )
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("get_ticket", {"ticket_id": 1001}))
    assert "try again later" in text
    assert "HTTP 503" in text
