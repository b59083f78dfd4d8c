"""Tool results in the fewest tokens: the text block a model reads.

The SDK sends each structured result twice, as structuredContent and as a text block for
clients that do not read structured results, and it pretty-prints that text with a
two-space indent. Many clients hand the model only the text block. Ours is written
compactly instead (server/tool_calls.py): JSON without padding, and a list of flat rows
as a table (see ``text_of``), where repeating every key in every row would cost most of
the bytes.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SCALARS = (str, int, float, bool, type(None))
# Service-desk times to the minute: the seconds only cost bytes in a table.
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?")
# When a ticket was logged, to the day in a table: search_tickets filters it by day,
# and get_ticket shows the minute. Every other time keeps its minute.
_DAY_COLUMNS = frozenset({"created"})
# A bare cell must read back as the same text: nothing CSV would quote, no padding.
_BARE = re.compile(r'[^,"\r\n\u2028\u2029]*')


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def text_of(structured: dict[str, Any]) -> str:
    """Compact JSON; a result holding one list of flat rows (every value a scalar) gives
    its other fields as a JSON line, then the list's name and the rows as CSV under a
    header line. In the table an ID column whose every row also has its name (``x_id``
    beside ``x``) is left out, as the tools take names for IDs; times lose their seconds."""
    tables = [
        k for k, v in structured.items() if isinstance(v, list) and v and all(_flat(r) for r in v)
    ]
    if len(tables) != 1:
        return _compact(structured)
    name = tables[0]
    # A null beside the table is a field this answer does not use; the structured
    # result keeps it.
    rest = {k: v for k, v in structured.items() if k != name and v is not None}
    return f"{_compact(rest)}\n{name}:\n{_table(structured[name])}"


def _flat(row: Any) -> bool:
    return isinstance(row, dict) and all(isinstance(v, _SCALARS) for v in row.values())


def _table(rows: list[dict[str, Any]]) -> str:
    columns = [c for c in dict.fromkeys(k for row in rows for k in row) if not _named(c, rows)]
    # Column by column: one pass over each column's values, most of them numbers or
    # plain names that need no per-cell work.
    cells = [_column([row.get(c) for row in rows], day=c in _DAY_COLUMNS) for c in columns]
    lines = map(",".join, zip(*cells, strict=True)) if cells else ("" for _ in rows)
    return "\n".join([",".join(columns), *lines])


def _named(column: str, rows: list[dict[str, Any]]) -> bool:
    """An ``x_id`` column every row of which that has an ID also has the name ``x``."""
    if not column.endswith("_id"):
        return False
    name = column.removesuffix("_id")
    return all(name in row and (not row.get(column) or row[name] is not None) for row in rows)


def _column(values: list[Any], *, day: bool) -> list[str]:
    if all(v is None or type(v) is int for v in values):
        return ["" if v is None else str(v) for v in values]
    return [_cell(v, day=day) for v in values]


def _cell(value: Any, *, day: bool = False) -> str:
    if not isinstance(value, str):
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)
    # A time is at least "YYYY-MM-DDTHH:MM:SS": the cheap test spares most cells the regex.
    if len(value) >= 19 and value[10] == "T" and _TIMESTAMP.fullmatch(value):
        return value[:10] if day else value[:16]
    # Anything a reader could take for a separator or a new row is written as a JSON
    # string: ticket text must not be able to fake a row.
    return value if value and value == value.strip() and _BARE.fullmatch(value) else _compact(value)
