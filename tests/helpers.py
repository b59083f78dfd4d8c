"""Helpers for tests that run against the sandbox HaloPSA."""

import os
from dataclasses import replace
from typing import Any

from halopsa_mcp.client import RetryPolicy
from halopsa_mcp.config import HaloSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.sandbox.models import User

# Quick backoff so fault tests take milliseconds; the bounds still apply.
FAST = RetryPolicy(max_retries=3, max_rate_limit_wait=2.0, backoff_base=0.01, backoff_cap=0.05)

# For servers in tests that count HaloPSA requests or inject faults: the start-up warm-up
# would add requests (and use up faults) that no tool call made.
NO_WARM_UP = {"HALOPSA_WARM_UP": "false"}


def reconfigure(sandbox: SandboxServer, *, reseed: bool = False, **changes: Any) -> None:
    """Switch the sandbox's behaviour for this test (the sandbox fixture restores it);
    ``reseed`` for switches that shape the seeded data."""
    sandbox.state.config = replace(sandbox.state.config, **changes)
    if reseed:
        sandbox.state.reset()


# The MCP handshake as a client sends it, for tests that speak JSON-RPC to the command.
INITIALIZE: dict[str, Any] = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}
INITIALIZED: dict[str, Any] = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def requests_to(sandbox: SandboxServer, method: str, path: str) -> list[int]:
    """Statuses of the requests the sandbox received for ``method path`` (exact path)."""
    return [r.status for r in sandbox.state.request_log if r.method == method and r.path == path]


def command_env(sandbox: SandboxServer, **extra: str) -> dict[str, str]:
    """The environment a halopsa-mcp process needs to serve ``sandbox``, and no more."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HALOPSA_URL": sandbox.url,
        "HALOPSA_CLIENT_ID": sandbox.state.config.client_id,
        "HALOPSA_CLIENT_SECRET": sandbox.state.config.client_secret,
        "HALOPSA_LOG_LEVEL": "WARNING",
        **extra,
    }


def halo_settings(sandbox: SandboxServer, **env: str) -> HaloSettings:
    base = {
        "HALOPSA_URL": sandbox.url,
        "HALOPSA_CLIENT_ID": sandbox.state.config.client_id,
        "HALOPSA_CLIENT_SECRET": sandbox.state.config.client_secret,
        "HALOPSA_TIMEOUT": "2",
    }
    return HaloSettings.from_env({**base, **env})


class FakeClock:
    """A clock that moves only when slept on: waits are instant and recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def user_away_from_main_site(sandbox: SandboxServer) -> User:
    """An end user whose own site is not the client's main one: filling in the main site
    for them would be wrong."""
    state = sandbox.state
    return next(
        u for u in state.users.values() if u.site_id != state.clients[u.client_id].main_site_id
    )
