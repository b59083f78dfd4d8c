"""A failure of something calls share must be shared too, or concurrency multiplies it.

The token cache does this (callers that waited for a failed token fetch get its error
instead of each fetching again); the lookup cache must do the same, or N calls waiting
for a lookup load that fails each repeat the whole load, one after another, and the
last of them waits N times the bound of one.
"""

from __future__ import annotations

import time

import anyio
from mcp import Client
from mcp.types import CallToolResult

from halopsa_mcp.client import RetryPolicy
from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.server.app import build_server
from tests.helpers import NO_WARM_UP, halo_settings

TIMEOUT = 0.1
POLICY = RetryPolicy(max_retries=3, max_rate_limit_wait=0.5, backoff_base=0.005, backoff_cap=0.02)
# One lookup load that fails: every attempt at /api/Status times out, with backoff.
ONE_LOAD = (POLICY.max_retries + 1) * TIMEOUT + POLICY.max_retries * POLICY.backoff_cap
SLACK = 1.0
CALLERS = 5


async def test_callers_waiting_for_a_failing_lookup_load_share_its_failure(
    sandbox: SandboxServer,
) -> None:
    sandbox.state.faults.add(
        FaultRule(kind="slow", times=None, delay=TIMEOUT + 0.05, path="/api/Status")
    )
    server = build_server(
        halo_settings(sandbox, HALOPSA_TIMEOUT=str(TIMEOUT)),
        ServerSettings.from_env(NO_WARM_UP),
        policy=POLICY,
    )
    outcomes: list[tuple[float, CallToolResult]] = []

    async def call(c: Client) -> None:
        started = time.monotonic()
        result = await c.call_tool("list_statuses", {})
        outcomes.append((time.monotonic() - started, result))

    async with Client(server) as c, anyio.create_task_group() as tg:
        for _ in range(CALLERS):
            tg.start_soon(call, c)

    assert len(outcomes) == CALLERS
    for _, result in outcomes:
        assert result.is_error
        assert "lookup list /api/Status" in result.content[0].text  # type: ignore[union-attr]
    status_reads = sum(1 for r in sandbox.state.requests() if r.path == "/api/Status")
    # One load's attempts, not one load per waiting caller (today: CALLERS times as many).
    assert status_reads <= POLICY.max_retries + 1, status_reads
    slowest = max(latency for latency, _ in outcomes)
    # Today the last caller waits about CALLERS * ONE_LOAD.
    assert slowest < ONE_LOAD + SLACK, f"{slowest:.2f}s"
