"""Where a warm tool call's time goes, layer by layer, in-process (issue 12's profile).

A sys.setprofile hook charges each span between profiler events to the running frame's
layer (by file), or for stdlib/third-party code to its nearest caller's: the split is
exclusive. See NOTE for how to read it.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict
from types import FrameType
from typing import Any

import anyio
from common import Table, mcp_server, median_ms, sandbox, timed
from mcp import Client
from overhead import OPEN_FOR_SCAN, fill_scan, workloads

RUNS = 20
HTML = ("for_the_model", "css", "visibility", "images")
LAYERS = [
    ("/halopsa_mcp/server/guards.py", "argument guard"),
    ("/halopsa_mcp/rules/", "rules"),
    *((part, "HaloPSA client") for part in ("/halopsa_mcp/client/", "/httpx/", "/httpcore/")),
    ("/halopsa_mcp/server/results.py", "shaping"),
    *((f"/halopsa_mcp/server/{name}.py", "HTML to text") for name in HTML),
    ("/halopsa_mcp/server/compact.py", "compaction"),
    ("/halopsa_mcp/", "tool code, other"),
    ("/mcp/server/", "SDK server"),
    ("/mcp/client/", "SDK client, other"),
    ("/mcp/shared/", "SDK session, other"),
]
WAIT = "HTTP wait (loop idle)"
COLUMNS = [*dict.fromkeys(name for _, name in LAYERS), "client validation", WAIT, "other"]


def _own_layer(frame: FrameType) -> str | None:
    code = frame.f_code
    if code.co_name == "validate_tool_result" and "/mcp/client/" in code.co_filename:
        return "client validation"
    return next((name for part, name in LAYERS if part in code.co_filename), None)


def layer_of(frame: FrameType | None) -> str:
    while frame is not None:
        own = _own_layer(frame)
        if own is not None:
            return own
        frame = frame.f_back
    return "other"


class LayerClock:
    """Charges elapsed time to the layer running since the last profiler event."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self.layer = "other"
        self.last = time.perf_counter()

    def hook(self, frame: FrameType, event: str, arg: Any) -> None:
        now = time.perf_counter()
        self.spent[self.layer] += now - self.last
        if event == "return":
            self.layer = layer_of(frame.f_back)
        elif event == "c_call" and getattr(arg, "__name__", "") in ("poll", "select"):
            self.layer = WAIT
        else:
            self.layer = layer_of(frame)
        self.last = time.perf_counter()


async def profiled(c: Client, tool: str, args: dict[str, Any]) -> dict[str, float]:
    clock = LayerClock()
    sys.setprofile(clock.hook)
    try:
        result = await c.call_tool(tool, args)
    finally:
        sys.setprofile(None)
    assert not result.is_error, result.content
    return clock.spent


async def row(c: Client, tool: str, make: Any) -> list[Any]:
    wall = median_ms(await timed(lambda: c.call_tool(tool, make()), RUNS))
    spent = [await profiled(c, tool, make()) for _ in range(RUNS)]
    medians = [statistics.median(s.get(col, 0.0) for s in spent) * 1000 for col in COLUMNS]
    total = statistics.median(sum(s.values()) for s in spent) * 1000
    return [tool, *medians, total, wall]


async def measure(box: Any) -> list[list[Any]]:
    async with Client(mcp_server(box)) as c:
        await fill_scan(c, box)
        rows = []
        for tool, make in workloads().items():
            await c.call_tool(tool, make())  # warm: token, lookups, caches
            rows.append(await row(c, tool, make))
        return rows


def estimated(rows: list[list[Any]]) -> list[list[Any]]:
    """Each layer's share of the profiled total, applied to the unprofiled wall time."""
    return [[r[0], *(ms / r[-2] * r[-1] for ms in r[1:-2]), r[-1]] for r in rows]


def run() -> list[Table]:
    with sandbox() as box:
        rows = anyio.run(measure, box)
    return [
        Table(
            f"Where a warm call's time goes (profiled ms, median of {RUNS} calls per layer)",
            ["tool", *COLUMNS, "profiled total", "unprofiled wall"],
            rows,
            note=NOTE,
        ),
        Table(
            "The same, as estimated unprofiled ms (layer's share x unprofiled wall)",
            ["tool", *COLUMNS, "unprofiled wall"],
            estimated(rows),
            note=(
                "The hook costs the same per Python call in every layer, so layers making "
                "many small calls (httpx, difflib, pydantic validators) are overstated."
            ),
        ),
    ]


NOTE = (
    "In-process mcp.Client(server) against the sandbox, 50-row search (open_only=false), "
    f"create_ticket scanning >= {OPEN_FOR_SCAN} open tickets of its client. Measured with a "
    "sys.setprofile hook: each span between profiler events goes to the running frame's "
    "layer (by file), or, for stdlib/third-party code, to its nearest caller's layer. The "
    "hook inflates absolute times several-fold (compare 'profiled total' with 'unprofiled "
    "wall'): read the shares. HTTP wait is the event loop idle in poll while the sandbox "
    "(another thread) answers; that thread shares the GIL, so part of its time shows in "
    "whichever layer was running. 'other': the event loop and anyio plumbing outside any "
    "layer. Per-layer medians need not add up to the median total."
)


if __name__ == "__main__":
    for table in run():
        print(table.render())
