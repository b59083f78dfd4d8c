"""Issue 12: nothing CPU-heavy runs on the event loop during a call.

The pure steps a call runs between two awaits, timed alone on the issue's sizes: the
duplicate check of a new summary against 100 open tickets, the cleaning of a 50-row
search's texts for the model, and the compaction of that search's result. Each step
holds the event loop, and every other call waits, for as long as it takes.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from common import Table

from halopsa_mcp.rules.duplicates import similar_tickets
from halopsa_mcp.sandbox.config import SandboxConfig
from halopsa_mcp.sandbox.seed import build_seed
from halopsa_mcp.server.compact import text_of
from halopsa_mcp.server.for_the_model import readable

RUNS = 50
BUDGET_MS = 1.0  # below one SDK ping round trip: no call waits noticeably for another
NEW_SUMMARY = "Outlook keeps disconnecting on my laptop since Monday"


def _median_ms(step: Callable[[], Any]) -> float:
    step()
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        step()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def run() -> list[Table]:
    tickets = list(build_seed(SandboxConfig()).tickets.values())
    open_100 = [(t.id, t.summary) for t in tickets[:100]]
    rows = tickets[:50]
    page = {
        "tickets": [
            {"id": t.id, "summary": readable(t.summary), "client_id": t.client_id,
             "status_id": t.status_id, "created": "2026-11-02T09:15:00"}
            for t in rows
        ],
        "total": 50,
    }  # fmt: skip
    steps = [
        ("duplicate check", "100 open tickets", lambda: similar_tickets(NEW_SUMMARY, open_100)),
        (
            "ticket text for the model",
            "50 rows x summary + client",
            lambda: [
                (readable(t.summary, limit=200), readable("Northgate Logistics")) for t in rows
            ],
        ),
        ("compaction", "50-row search result", lambda: text_of(page)),
    ]
    table = Table(
        f"Budget: CPU work holding the event loop per call (ms, median of {RUNS}, each step alone)",
        ["step", "size", "ms", "budget", "verdict"],
        [
            [name, size, ms, f"{BUDGET_MS:.1f} ms", "within" if ms <= BUDGET_MS else "OVER"]
            for name, size, step in steps
            for ms in [_median_ms(step)]
        ],
        note=(
            "Summaries are the sandbox's seeded tickets'. The duplicate check was 29 ms for "
            "100 candidates with difflib (issue 12)."
        ),
    )
    return [table]


if __name__ == "__main__":
    for t in run():
        print(t.render())
