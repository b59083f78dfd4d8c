"""Issue 12: nothing CPU-heavy runs on the event loop during a call.

The pure steps a call runs between two awaits, timed alone on the issue's sizes: the
reading of 100 open tickets from HaloPSA's JSON into records, the duplicate check of a
new summary against them, the cleaning of a 50-row search's texts for the model, and the
compaction of that search's result. Each step holds the event loop, and every other call
waits, for as long as it takes.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from common import Table

from halopsa_mcp.client import wire
from halopsa_mcp.client.json_body import parsed
from halopsa_mcp.rules.duplicates import similar_tickets
from halopsa_mcp.sandbox import shapes
from halopsa_mcp.sandbox.config import SandboxConfig
from halopsa_mcp.sandbox.seed import build_seed
from halopsa_mcp.sandbox.state import SandboxState
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


def _open_tickets_body() -> bytes:
    """GET /api/Tickets as the sandbox answers it, with the seeded tickets the duplicate
    check's row compares (the first 100)."""
    state = SandboxState(SandboxConfig())
    rows = [shapes.ticket_row(state, t) for t in list(state.tickets.values())[:100]]
    page = {"page_no": 1, "page_size": 100, "record_count": len(rows), "tickets": rows}
    return json.dumps(page).encode()


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
    # Each run of the cold case compares summaries the check has not seen before.
    unseen = iter([[(i, f"{text} ({run})") for i, text in open_100] for run in range(RUNS + 1)])
    body = _open_tickets_body()
    steps = [
        (
            "HaloPSA JSON to records",
            f"100 open ticket rows, {len(body) // 1024} KB",
            lambda: [wire.ticket_row(row) for row in parsed(body)["tickets"]],
        ),
        ("duplicate check", "100 open tickets", lambda: similar_tickets(NEW_SUMMARY, open_100)),
        (
            "duplicate check, first sight",
            "100 open tickets",
            lambda: similar_tickets(NEW_SUMMARY, next(unseen)),
        ),
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
            "100 candidates with difflib (issue 12); it keeps each summary's words for the "
            "next scan, so 'first sight' is a client's first create in a while. The JSON "
            "is decoded as the transport decodes an answer; the dates read are remembered "
            "(1,024), as they are between two reads of the same open tickets."
        ),
    )
    return [table]


if __name__ == "__main__":
    for t in run():
        print(t.render())
