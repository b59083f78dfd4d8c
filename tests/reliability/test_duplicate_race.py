"""Identical create_ticket calls racing each other, against the real server process.

Before the per-client create lock, 20 identical calls made 3 to 11 tickets in one process
(4 to 9 over stateless HTTP): every call scanned before any had created. Several rounds,
each with its own summary, so one lucky interleaving cannot pass the test.
"""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.types import CallToolResult

from halopsa_mcp.sandbox import SandboxServer
from tests.reliability.processes import http_server
from tests.reliability.report import FIGURES
from tests.server.test_duplicates import created_for
from tests.server.test_http import mcp_client

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")

# Unlike each other, so one round's ticket is no duplicate of the next round's.
SUMMARIES = (
    "Badge reader at the loading dock rejects every card",
    "Payroll export to the bank fails with a certificate error",
    "Conference room display shows no signal from any laptop",
    "Scanner on the second floor emails blank pages",
    "VPN drops every ten minutes for the sales team",
)
CLIENTS = 5
CALLS_EACH = 4


async def _round(url: str, summary: str) -> list[CallToolResult]:
    """CLIENTS MCP clients, each sending CALLS_EACH identical creates at once."""
    arguments = {"summary": summary, "client_id": 23, "ticket_type_id": 1}
    results: list[CallToolResult] = []

    async def create(c: Client) -> None:
        results.append(await c.call_tool("create_ticket", arguments))

    async def caller() -> None:
        async with mcp_client(url, None) as c, anyio.create_task_group() as tg:
            for _ in range(CALLS_EACH):
                tg.start_soon(create, c)

    async with anyio.create_task_group() as tg:
        for _ in range(CLIENTS):
            tg.start_soon(caller)
    return results


@pytest.mark.parametrize("mode", ["stateless", "stateful"])
async def test_racing_identical_creates_make_one_ticket_per_round(
    sandbox: SandboxServer, tmp_path: Path, mode: str
) -> None:
    args = ("--stateless",) if mode == "stateless" else ()
    made: list[int] = []
    async with http_server(sandbox, tmp_path / "stderr.txt", *args) as (_, url):
        for summary in SUMMARIES:
            results = await _round(url, summary)
            assert len(results) == CLIENTS * CALLS_EACH
            made.append(len(created_for(sandbox, summary)))
    calls = CLIENTS * CALLS_EACH
    FIGURES[f"{calls} identical create_ticket calls over {mode} HTTP, tickets per round"] = str(
        made
    )
    assert made == [1] * len(SUMMARIES)
