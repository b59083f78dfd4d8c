"""Tokens revoked mid-session: a rejected token must not be sent again.

A request earns one refresh after a 401. When the fresh token is refused as well, the
call fails (rightly: that is a configuration problem, or a revocation storm); but the
token HaloPSA has just refused must then be forgotten, or the next call sends it again,
pays a wasted round trip, and spends its own single refresh on a token already known bad.
"""

from __future__ import annotations

from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.client import RetryPolicy
from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.server.app import build_server
from halopsa_mcp.server.services import Services
from tests.helpers import NO_WARM_UP, halo_settings

POLICY = RetryPolicy(max_retries=3, max_rate_limit_wait=0.5, backoff_base=0.005, backoff_cap=0.02)
TICKET = 1004


def _server(sandbox: SandboxServer) -> MCPServer[Services]:
    return build_server(
        halo_settings(sandbox, HALOPSA_TIMEOUT="0.5"),
        ServerSettings.from_env(NO_WARM_UP),
        policy=POLICY,
    )


async def test_a_token_revoked_once_mid_session_costs_one_refresh_and_no_error(
    sandbox: SandboxServer,
) -> None:
    async with Client(_server(sandbox)) as c:
        # The same call first, so every lookup it shows is cached before the fault.
        args = {"ticket_id": TICKET, "include_actions": 0}
        assert not (await c.call_tool("get_ticket", args)).is_error
        sandbox.state.faults.add(FaultRule(kind="expire_token", path="/api/"))
        sandbox.state.clear_requests()
        result = await c.call_tool("get_ticket", {"ticket_id": TICKET, "include_actions": 0})
    assert not result.is_error, result.content
    log = [(r.method, r.path, r.status) for r in sandbox.state.requests()]
    assert log == [
        ("GET", f"/api/Tickets/{TICKET}", 401),
        ("POST", "/auth/token", 200),
        ("GET", f"/api/Tickets/{TICKET}", 200),
    ]


async def test_after_a_fresh_token_is_refused_the_next_call_does_not_resend_it(
    sandbox: SandboxServer,
) -> None:
    async with Client(_server(sandbox)) as c:
        assert not (await c.call_tool("list_statuses", {})).is_error
        # The token in use and the fresh one are both revoked: the call fails.
        sandbox.state.faults.add(FaultRule(kind="expire_token", times=2, path="/api/Tickets/"))
        failed = await c.call_tool("get_ticket", {"ticket_id": TICKET, "include_actions": 0})
        assert failed.is_error
        assert "freshly issued token" in failed.content[0].text  # type: ignore[union-attr]
        assert sandbox.state.faults.rules() == []
        sandbox.state.clear_requests()
        # No fault is left, so nothing should be refused.
        result = await c.call_tool("get_ticket", {"ticket_id": TICKET, "include_actions": 0})
    assert not result.is_error, result.content
    refused = [(r.method, r.path) for r in sandbox.state.requests() if r.status == 401]
    assert refused == [], f"the refused token was sent again: {refused}"
