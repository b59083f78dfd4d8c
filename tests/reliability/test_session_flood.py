"""A flood of ``initialize`` requests against the real server process, default settings.

Today's SDK keeps up to 10,000 sessions and then refuses every new client until one
idles out (30 minutes). The cap keeps the table small and a new client still gets in.
"""

from __future__ import annotations

from pathlib import Path

import anyio
import httpx
import pytest

from halopsa_mcp.sandbox import SandboxServer
from tests.reliability.processes import current_rss_mb, http_server
from tests.reliability.report import FIGURES
from tests.server.conftest import ok
from tests.server.test_http import HEADERS, INITIALIZE, mcp_client

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")

FLOOD = 2000
DEFAULT_CAP = 100
IN_PARALLEL = 8


async def test_two_thousand_initializes_leave_at_most_the_cap_held(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    opened: list[str] = []
    alive: list[str] = []
    async with (
        http_server(sandbox, tmp_path / "stderr.txt") as (process, url),
        httpx.AsyncClient(timeout=60) as raw,
    ):
        before = current_rss_mb(process.pid)

        async def initialize(count: int) -> None:
            for _ in range(count):
                answer = await raw.post(f"{url}/mcp", json=INITIALIZE, headers=HEADERS)
                assert answer.status_code == 200, answer.text
                opened.append(answer.headers["mcp-session-id"])

        async def probe(sessions: list[str]) -> None:
            ping = {"jsonrpc": "2.0", "id": 3, "method": "ping"}
            for session in sessions:
                headers = {
                    **HEADERS,
                    "mcp-session-id": session,
                    "mcp-protocol-version": "2025-06-18",
                }
                answer = await raw.post(f"{url}/mcp", json=ping, headers=headers)
                if answer.status_code == 200:
                    alive.append(session)

        async with anyio.create_task_group() as tg:
            for _ in range(IN_PARALLEL):
                tg.start_soon(initialize, FLOOD // IN_PARALLEL)
        after = current_rss_mb(process.pid)
        async with anyio.create_task_group() as tg:
            for n in range(IN_PARALLEL):
                tg.start_soon(probe, opened[n::IN_PARALLEL])
        async with mcp_client(url, None) as newcomer:
            connected = bool(ok(await newcomer.call_tool("list_statuses", {}))["statuses"])
    FIGURES[f"{FLOOD} initializes, default cap"] = (
        f"{len(alive)} sessions held; RSS {before:.0f} MB before, {after:.0f} MB after; "
        f"new client connects: {'yes' if connected else 'no'}"
    )
    assert len(opened) == FLOOD
    assert len(alive) <= DEFAULT_CAP
    assert connected
