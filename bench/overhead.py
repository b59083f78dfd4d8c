"""Tool-call overhead: our tools against the same HaloPSA requests made directly with httpx.

For each tool, one warm call is recorded in the sandbox's request log; the direct baseline
then replays exactly those requests (same methods, paths, queries and bodies) with a
plain httpx client holding a token. Both run against the same sandbox in the same run,
interleaved, so the difference is what the MCP layer, the rules and the client add.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import anyio
import httpx
from common import (
    Table,
    halo_env,
    mcp_server,
    median_ms,
    percentile_ms,
    sandbox,
    timed,
)
from mcp import Client, StdioServerParameters

from halopsa_mcp.sandbox import SandboxServer

RUNS = 30
COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")


def workloads() -> dict[str, Any]:
    """Arguments per tool; writes get fresh text each call, as real use would."""
    return {
        "get_ticket": lambda: {"ticket_id": 1001, "include_actions": 5},
        "search_tickets": lambda: {"client_id": 15, "limit": 20},
        "create_ticket": lambda: {
            "summary": f"Bench {uuid.uuid4().hex[:12]} monitor flicker",
            "client_id": 23,
            "ticket_type_id": 1,
        },
        "add_action": lambda: {"ticket_id": 1002, "note": f"Bench note {uuid.uuid4().hex}"},
    }


async def record_requests(
    box: SandboxServer, c: Client, tool: str, args: dict[str, Any]
) -> list[Any]:
    before = len(box.state.request_log)
    result = await c.call_tool(tool, args)
    assert not result.is_error, result.content
    return list(box.state.request_log)[before:]


async def direct_replay(box: SandboxServer, recorded: list[Any]) -> Any:
    """A callable making the recorded HaloPSA requests directly, with one shared token."""
    http = httpx.AsyncClient(base_url=box.url)
    token = (
        await http.post(
            "/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": box.state.config.client_id,
                "client_secret": box.state.config.client_secret,
                "scope": "all",
            },
        )
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    async def replay() -> None:
        for r in recorded:
            url = f"{r.path}?{r.query}" if r.query else r.path
            answer = await http.request(r.method, url, json=r.body, headers=headers)
            answer.json()

    return http, replay


class ServerSide(logging.Handler):
    """Collects the server-side duration our per-call log line reports."""

    def __init__(self) -> None:
        super().__init__()
        self.durations: list[float] = []

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "fields", {})
        if "duration_ms" in fields:
            self.durations.append(fields["duration_ms"] / 1000)


async def measure(box: SandboxServer) -> list[list[Any]]:
    rows = []
    server_side = ServerSide()
    calls = logging.getLogger("halopsa_mcp.calls")
    calls.addHandler(server_side)
    calls.setLevel(logging.INFO)
    calls.propagate = False
    env = {**os.environ, **halo_env(box), "HALOPSA_LOG_LEVEL": "WARNING"}
    stdio = StdioServerParameters(command=COMMAND, env=env)
    async with Client(mcp_server(box)) as local, Client(stdio) as remote:
        for tool, args in workloads().items():
            await local.call_tool(tool, args())  # warm: token, lookups, client check
            await remote.call_tool(tool, args())
            recorded = await record_requests(box, local, tool, args())
            http, replay = await direct_replay(box, recorded)
            try:
                direct = await timed(replay, RUNS)

                async def in_process(tool: str = tool, args: Any = args) -> None:
                    await local.call_tool(tool, args())

                async def over_stdio(tool: str = tool, args: Any = args) -> None:
                    await remote.call_tool(tool, args())

                server_side.durations.clear()
                ours = await timed(in_process, RUNS)
                handled = server_side.durations[1:]
                piped = await timed(over_stdio, RUNS)
            finally:
                await http.aclose()
            base = median_ms(direct)
            rows.append(
                [
                    tool,
                    len(recorded),
                    base,
                    median_ms(handled),
                    median_ms(handled) / base,
                    median_ms(ours),
                    percentile_ms(ours, 95),
                    median_ms(ours) - base,
                    median_ms(ours) / base,
                    median_ms(piped),
                    percentile_ms(piped, 95),
                    median_ms(piped) - base,
                    median_ms(piped) / base,
                ]
            )
    return rows


def run() -> list[Table]:
    with sandbox() as box:
        rows = anyio.run(measure, box)
    return [
        Table(
            "Tool-call overhead (ms; median of 30 warm calls each, side by side)",
            [
                "tool",
                "HaloPSA reqs",
                "direct httpx",
                "server-side",
                "ratio",
                "in-process",
                "p95",
                "+ms",
                "ratio",
                "stdio",
                "p95",
                "+ms",
                "ratio",
            ],
            rows,
            note=(
                "direct httpx replays exactly the HaloPSA requests the tool made (warm cache), "
                "with a held token. server-side: the tool call as our server handles it "
                "(argument checks, rules, HaloPSA requests, shaping), from its own log line. "
                "in-process: a full round trip through the SDK's Client(server); stdio: the "
                "installed halopsa-mcp as a subprocess. Round trips include the SDK client's "
                "re-validation of every structured result against the output schema. All "
                "include the sandbox's own time."
            ),
        )
    ]


if __name__ == "__main__":
    for table in run():
        print(table.render())
