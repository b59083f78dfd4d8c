"""Compaction runs on the event loop of every call (issue 12): on a page of plain names,
numbers and times its work is done column by column, not by a Python call per cell.
Counted, not timed, so that it holds on a busy machine."""

import sys
from types import FrameType
from typing import Any

from halopsa_mcp.server.compact import text_of


def _page(rows: int) -> dict[str, Any]:
    """A search page as search_tickets gives it: IDs beside names, open tickets with a
    fix-by time and without an agent, closed ones without a fix-by time."""
    names = ["Northgate Logistics Ltd", "Bramley & Finch Solicitors", "Meridian Studio"]
    return {
        "total": rows,
        "tickets": [
            {"id": 1000 - i, "summary": f"VPN disconnecting every {i} minutes",
             "client_id": i % 3, "client": names[i % 3], "site_id": 40 + i % 3,
             "status_id": i % 4, "status": ["New", "In Progress", "Resolved", "Closed"][i % 4],
             "agent_id": i % 2, "agent": "Daniel Okafor" if i % 2 else None,
             "created": f"2026-10-{i % 28 + 1:02d}T09:15:00", "last_action": "2026-11-01T06:00:00",
             "sla": "on_track", **({"fix_by": "2026-12-04T02:58:00"} if i % 4 < 2 else {})}
            for i in range(rows)
        ],
    }  # fmt: skip


def _python_calls(structured: dict[str, Any]) -> int:
    calls = 0

    def count(frame: FrameType, event: str, arg: object) -> None:
        nonlocal calls
        calls += event == "call"

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        text_of(structured)
    finally:
        sys.setprofile(previous)
    return calls


def test_a_longer_page_costs_few_more_python_calls_per_row() -> None:
    """Each row adds a step to a few loops over the rows (it added 40 calls, one or more
    per cell, before the columns were judged as a whole)."""
    per_row = (_python_calls(_page(100)) - _python_calls(_page(50))) / 50
    assert per_row <= 8
