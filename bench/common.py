"""Shared pieces of the benchmarks: tables, statistics, and a sandbox to measure against.

Every benchmark measures our server and its baseline side by side in the same run, on
the same sandbox, because these machines are shared and noisy: compare the ratios, not
absolute numbers between runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from halopsa_mcp.client import RetryPolicy
from halopsa_mcp.config import HaloSettings, ServerSettings
from halopsa_mcp.sandbox import SandboxConfig, SandboxServer
from halopsa_mcp.server.app import build_server


@dataclass
class Table:
    title: str
    headers: Sequence[str]
    rows: list[Sequence[Any]] = field(default_factory=list)
    note: str = ""

    def render(self) -> str:
        cells = [[_cell(v) for v in row] for row in self.rows]
        widths = [
            max(len(str(h)), *(len(r[i]) for r in cells)) if cells else len(str(h))
            for i, h in enumerate(self.headers)
        ]
        line = (
            "| "
            + " | ".join(str(h).ljust(w) for h, w in zip(self.headers, widths, strict=True))
            + " |"
        )
        rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
        body = [
            "| " + " | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) + " |"
            for r in cells
        ]
        out = [f"### {self.title}", "", line, rule, *body]
        if self.note:
            out += ["", self.note]
        return "\n".join(out)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def median_ms(seconds: Sequence[float]) -> float:
    return statistics.median(seconds) * 1000


def percentile_ms(seconds: Sequence[float], pct: float) -> float:
    ordered = sorted(seconds)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index] * 1000


async def timed(
    call: Callable[[], Awaitable[Any]],
    runs: int,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Seconds of ``runs`` sequential calls (after one untimed warm-up) by ``clock``: the
    wall clock, or time.thread_time for this thread's CPU time."""
    await call()
    samples = []
    for _ in range(runs):
        started = clock()
        await call()
        samples.append(clock() - started)
    return samples


@contextmanager
def sandbox(**config: Any) -> Iterator[SandboxServer]:
    """A sandbox HaloPSA with no rate limit (benchmarks measure us, not the quota)."""
    with SandboxServer(SandboxConfig(rate_limit_requests=0, **config)) as server:
        yield server


def halo_env(server: SandboxServer) -> dict[str, str]:
    return {
        "HALOPSA_URL": server.url,
        "HALOPSA_CLIENT_ID": server.state.config.client_id,
        "HALOPSA_CLIENT_SECRET": server.state.config.client_secret,
        # Benchmarks send more than hosted HaloPSA's quota: no client-side pacing either.
        "HALOPSA_RATE_LIMIT": "0",
    }


def mcp_server(server: SandboxServer, **env: str) -> Any:
    """Our MCP server wired to ``server``, for an in-process client."""
    return build_server(
        HaloSettings.from_env(halo_env(server)),
        # Benchmarks count the requests each call makes: none may come from a warm-up.
        ServerSettings.from_env({"HALOPSA_WARM_UP": "false", **env}),
        policy=RetryPolicy(),
    )
