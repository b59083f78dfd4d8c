"""Outcomes of the fault matrix, one row per fault, for the terminal summary.

Filled in by test_fault_matrix.py as each row finishes; printed by conftest.py at the end
of the run when RELIABILITY_REPORT=1 (or with ``pytest -s``, as each row finishes).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Row:
    fault: str
    calls: int
    successes: int
    tool_errors: int
    do_not_repeat: int
    nothing_written: int
    faults_fired: int
    safe_replays: int
    max_latency: float
    wall: float


ROWS: dict[str, Row] = {}
# Measured figures (e.g. peak memory), by what was measured, for the same summary.
FIGURES: dict[str, str] = {}

_HEADER = ("fault", "calls", "ok", "tool errors", "do-not-repeat", "nothing-written",
           "faults fired", "safe replays", "max latency s", "wall s")  # fmt: skip


def table(rows: list[Row]) -> str:
    cells = [_HEADER] + [
        (
            r.fault,
            str(r.calls),
            str(r.successes),
            str(r.tool_errors),
            str(r.do_not_repeat),
            str(r.nothing_written),
            str(r.faults_fired),
            str(r.safe_replays),
            f"{r.max_latency:.2f}",
            f"{r.wall:.1f}",
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(_HEADER))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)
