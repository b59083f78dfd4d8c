"""Scale: on a sandbox with 10,000 tickets, search cost and memory follow the limit asked for.

Two sandboxes side by side, 10,000 tickets and 120, each behind its own in-process MCP
server. search_tickets runs at limits 10, 50 and 100 (open_only false, so every ticket
matches) against both; the floor is the same GET /api/Tickets made directly with httpx.

The sandboxes run as processes of their own (``halopsa-mcp sandbox``), so this process
holds only our server and its client: tracemalloc's peak during a call is then ours
alone, and 10,000 seeded tickets do not slow this interpreter's garbage collector.
"""

from __future__ import annotations

import asyncio
import asyncio.selector_events
import gc
import json
import logging
import statistics
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from common import Table, median_ms
from concurrency import free_port, halopsa_mcp_command, serve_process
from mcp import Client

from halopsa_mcp.client import RetryPolicy
from halopsa_mcp.config import HaloSettings, ServerSettings
from halopsa_mcp.server.app import build_server

SIZES = (10_000, 120)
LIMITS = (10, 50, 100)
RUNS = 9  # timed calls per size and limit, each side
MEMORY_RUNS = 5  # calls under tracemalloc per size and limit, each side
# asyncio reads a socket into a fresh 256 KiB bytes object and then shrinks it, so that
# buffer is the peak of any call that reads a response, whatever its size. During the
# memory pass reads use 16 KiB buffers, so the peak shows what the call itself holds.
READ_BUFFER = 16 * 1024
CLIENT_ID, CLIENT_SECRET = "bench-client", "bench-secret-0123456789"


@dataclass
class Cell:
    tickets: int
    limit: int
    total: int = 0
    ours: list[float] = field(default_factory=list)
    direct: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    direct_cpu: list[float] = field(default_factory=list)
    halo_requests: list[int] = field(default_factory=list)
    result_bytes: int = 0
    halo_bytes: int = 0
    ours_peak: list[int] = field(default_factory=list)
    direct_peak: list[int] = field(default_factory=list)


@dataclass
class Side:
    client: Client
    raw: httpx.AsyncClient  # to the sandbox, authenticated
    query: dict[int, str] = field(default_factory=dict)  # limit -> GET /api/Tickets query


@contextmanager
def _sandboxes() -> Iterator[dict[int, str]]:
    """Both sandboxes as processes; yields ticket count -> base URL."""
    with ExitStack() as stack:
        urls = {}
        for size in SIZES:
            port = free_port()
            urls[size] = f"http://127.0.0.1:{port}"
            args = [*halopsa_mcp_command(), "sandbox", "--port", str(port), "--rate-limit", "0"]
            args += ["--tickets", str(size), "--client-id", CLIENT_ID]
            args += ["--client-secret", CLIENT_SECRET]
            stack.enter_context(serve_process(args, {}, f"{urls[size]}/_sandbox/faults"))
        yield urls


async def _logged(side: Side) -> list[dict[str, Any]]:
    log = (await side.raw.get("/_sandbox/requests")).json()
    await side.raw.delete("/_sandbox/requests")
    return [r for r in log if r["path"].startswith("/api/")]


async def _search(side: Side, cell: Cell) -> None:
    args = {"limit": cell.limit, "open_only": False}
    result = await side.client.call_tool("search_tickets", args)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    cell.result_bytes = len(json.dumps(result.structured_content))
    cell.total = result.structured_content["total"]


async def _direct(side: Side, cell: Cell) -> None:
    answer = await side.raw.get(f"/api/Tickets?{side.query[cell.limit]}")
    answer.raise_for_status()
    cell.halo_bytes = len(answer.content)
    answer.json()


async def _counted(side: Side, cell: Cell, call: Callable[[], Awaitable[Any]]) -> Any:
    """Runs ``call``, recording how many HaloPSA requests our search made (and its query)."""
    await _logged(side)
    answer = await call()
    made = await _logged(side)
    cell.halo_requests.append(len(made))
    side.query[cell.limit] = made[-1]["query"]
    return answer


async def _timed(call: Callable[[], Awaitable[None]], wall: list[float], cpu: list[float]) -> None:
    """Wall time and this process's CPU time of ``call`` (the sandbox's is elsewhere)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    await call()
    wall.append(time.perf_counter() - started)
    cpu.append(time.process_time() - started_cpu)


async def _peak(call: Callable[[], Awaitable[None]]) -> int:
    """Peak bytes allocated during ``call`` above what was held before it.

    The garbage collector is off during the call: a collection that happens to run
    mid-call frees cyclic garbage early and lowers the peak by up to 40%, at random.
    """
    gc.collect()
    gc.disable()
    try:
        current = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        await call()
        return tracemalloc.get_traced_memory()[1] - current
    finally:
        gc.enable()


async def _open(url: str, stack: AsyncExitStack) -> Side:
    env = {"HALOPSA_URL": url, "HALOPSA_CLIENT_ID": CLIENT_ID}
    env["HALOPSA_CLIENT_SECRET"] = CLIENT_SECRET
    env["HALOPSA_RATE_LIMIT"] = "0"  # more requests than hosted HaloPSA's quota: no pacing
    # Per-call costs are measured: no request may come from a start-up warm-up.
    settings = ServerSettings(warm_up=False)
    server = build_server(HaloSettings.from_env(env), settings, policy=RetryPolicy())
    client = await stack.enter_async_context(Client(server))
    raw = await stack.enter_async_context(httpx.AsyncClient(base_url=url))
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID}
    form |= {"client_secret": CLIENT_SECRET, "scope": "all"}
    token = (await raw.post("/auth/token", data=form)).json()["access_token"]
    raw.headers["Authorization"] = f"Bearer {token}"
    # Token and lookups, so the measured calls do searching only.
    await client.call_tool("search_tickets", {"limit": 1})
    return Side(client, raw)


async def _measure(urls: dict[int, str]) -> list[Cell]:
    async with AsyncExitStack() as stack:
        sides = {size: await _open(url, stack) for size, url in urls.items()}
        cells = [Cell(size, limit) for limit in LIMITS for size in SIZES]
        for cell in cells:  # untimed: warms up, counts requests, records the direct query
            side = sides[cell.tickets]
            await _counted(side, cell, lambda s=side, c=cell: _search(s, c))
        # Sizes, limits and sides take turns, so drift in the machine's speed hits all.
        for _ in range(RUNS):
            for cell in cells:
                side = sides[cell.tickets]
                await _timed(lambda s=side, c=cell: _search(s, c), cell.ours, cell.ours_cpu)
                await _timed(lambda s=side, c=cell: _direct(s, c), cell.direct, cell.direct_cpu)
        transport = asyncio.selector_events._SelectorSocketTransport
        default_read = transport.max_size
        transport.max_size = READ_BUFFER
        tracemalloc.start()
        try:
            for _ in range(MEMORY_RUNS):
                for cell in cells:
                    side = sides[cell.tickets]
                    peak = await _counted(
                        side, cell, lambda s=side, c=cell: _peak(lambda: _search(s, c))
                    )
                    cell.ours_peak.append(peak)
                    cell.direct_peak.append(await _peak(lambda s=side, c=cell: _direct(s, c)))
        finally:
            tracemalloc.stop()
            transport.max_size = default_read
    return cells


def _kb(values: list[int]) -> float:
    return statistics.median(values) / 1024


def _tables(cells: list[Cell]) -> list[Table]:
    detail = Table(
        title="Scale: search_tickets on sandboxes of 10,000 and 120 tickets",
        headers=[
            "tickets",
            "limit",
            "matches",
            "median ms",
            "direct ms",
            "ratio",
            "CPU ms",
            "direct CPU ms",
            "HaloPSA req/call",
            "result bytes",
            "HaloPSA bytes",
            "peak KB (ours)",
            "peak KB (direct)",
        ],
        note=(
            f"Median of {RUNS} timed calls per row, and of {MEMORY_RUNS} calls under "
            "tracemalloc (with the garbage collector paused during each) for the peaks. "
            "open_only false, so every ticket matches. 'direct' is the GET /api/Tickets our "
            "server sent, made with httpx from this process. CPU: this process's CPU time per "
            "call (ours: MCP client + server + HaloPSA client; direct: httpx + json; the "
            "sandbox runs elsewhere). Result bytes: JSON of the structured result; HaloPSA "
            "bytes: the sandbox's response body. Peak: the most memory tracemalloc saw "
            "allocated during a call above what was held before it, with socket "
            "reads into 16 KiB buffers instead of asyncio's 256 KiB, which would otherwise "
            "be the peak of every call."
        ),
    )
    for c in cells:
        detail.rows.append(
            [
                f"{c.tickets:,}",
                c.limit,
                f"{c.total:,}",
                median_ms(c.ours),
                median_ms(c.direct),
                f"{statistics.median(c.ours) / statistics.median(c.direct):.2f}x",
                median_ms(c.ours_cpu),
                median_ms(c.direct_cpu),
                statistics.mean(c.halo_requests),
                c.result_bytes,
                c.halo_bytes,
                _kb(c.ours_peak),
                _kb(c.direct_peak),
            ]
        )
    by_key = {(c.tickets, c.limit): c for c in cells}
    big, small = SIZES
    bounded = Table(
        title=f"Scale: {big:,} tickets against {small}, same limit (1.00x = no growth)",
        headers=[
            "limit",
            "result bytes",
            "HaloPSA req/call",
            "peak memory (ours)",
            "our CPU per call",
            "sandbox ms (direct)",
            f"budget: ours flat (<= {FLAT:.2f}x)",
        ],
        note=(
            "Each cell compares the 10,000-ticket sandbox with the 120-ticket one. Our CPU per "
            "call is this process's (the sandbox runs in its own), so waiting on the sandbox "
            "does not count. The sandbox filters and sorts every ticket, so its own time "
            "grows with the ticket count (last column): that is HaloPSA's work, not ours."
        ),
    )
    for limit in LIMITS:
        b, s = by_key[(big, limit)], by_key[(small, limit)]
        cpu = [median_ms(c.ours_cpu) for c in (b, s)]
        bounded.rows.append(
            [
                limit,
                f"{b.result_bytes / s.result_bytes:.2f}x",
                f"{statistics.mean(b.halo_requests) / statistics.mean(s.halo_requests):.2f}x",
                f"{_kb(b.ours_peak):.0f} vs {_kb(s.ours_peak):.0f} KB "
                f"({_kb(b.ours_peak) / _kb(s.ours_peak):.2f}x)",
                f"{cpu[0]:.1f} vs {cpu[1]:.1f} ms ({cpu[0] / cpu[1]:.2f}x)",
                f"{median_ms(b.direct) / median_ms(s.direct):.2f}x",
                _flat_verdict(b, s, cpu),
            ]
        )
    return [detail, bounded]


# Issue 12: what the server sends, asks and holds does not grow with the tenant's size;
# CPU per call is noisy on a shared machine, so it is given some room.
FLAT = 1.25


def _flat_verdict(big: Any, small: Any, cpu: list[float]) -> str:
    ratios = [
        big.result_bytes / small.result_bytes,
        statistics.mean(big.halo_requests) / statistics.mean(small.halo_requests),
        _kb(big.ours_peak) / _kb(small.ours_peak),
        cpu[0] / cpu[1],
    ]
    return "within" if max(ratios) <= FLAT else "OVER"


def run() -> list[Table]:
    # The server's per-call INFO line would go to this terminal; it is not what is measured.
    previous = logging.root.manager.disable
    logging.disable(max(previous, logging.INFO))
    try:
        with _sandboxes() as urls:
            cells = asyncio.run(_measure(urls))
    finally:
        logging.disable(previous)
    return _tables(cells)


if __name__ == "__main__":
    for t in run():
        print(t.render())
        print()
