"""server/compact.py's text_of as it was before it was made faster (commit d641a06),
frozen: the faster one must write byte for byte what this one writes."""

from __future__ import annotations

import json
import re
from typing import Any

_SCALARS = (str, int, float, bool, type(None))
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?")
_DAY_COLUMNS = frozenset({"created"})
_BARE = re.compile(r'[^,"\r\n\u2028\u2029]*')


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def text_of(structured: dict[str, Any]) -> str:
    tables = [
        k for k, v in structured.items() if isinstance(v, list) and v and all(_flat(r) for r in v)
    ]
    if len(tables) != 1:
        return _compact(structured)
    name = tables[0]
    rest = {k: v for k, v in structured.items() if k != name and v is not None}
    return f"{_compact(rest)}\n{name}:\n{_table(structured[name])}"


def _flat(row: Any) -> bool:
    return isinstance(row, dict) and all(isinstance(v, _SCALARS) for v in row.values())


def _table(rows: list[dict[str, Any]]) -> str:
    columns = [c for c in dict.fromkeys(k for row in rows for k in row) if not _named(c, rows)]
    cells = [_column([row.get(c) for row in rows], day=c in _DAY_COLUMNS) for c in columns]
    lines = map(",".join, zip(*cells, strict=True)) if cells else ("" for _ in rows)
    return "\n".join([",".join(columns), *lines])


def _named(column: str, rows: list[dict[str, Any]]) -> bool:
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
    if len(value) >= 19 and value[10] == "T" and _TIMESTAMP.fullmatch(value):
        return value[:10] if day else value[:16]
    return value if value and value == value.strip() and _BARE.fullmatch(value) else _compact(value)
