"""The text block's table is fast to build and says exactly what the first, plain
implementation said: that implementation is kept here as the reference."""

import json
import re
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from halopsa_mcp.server.compact import text_of

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?")
_BARE = re.compile(r'[^,"\r\n\u2028\u2029]*')


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _flat(row: Any) -> bool:
    scalars = str | int | float | bool | type(None)
    return isinstance(row, dict) and all(isinstance(v, scalars) for v in row.values())


def _reference(structured: dict[str, Any]) -> str:
    tables = [k for k, v in structured.items() if isinstance(v, list) and v and all(map(_flat, v))]
    if len(tables) != 1:
        return _compact(structured)
    name = tables[0]
    rest = {k: v for k, v in structured.items() if k != name and v is not None}
    rows = structured[name]

    def named(column: str) -> bool:
        if not column.endswith("_id"):
            return False
        base = column.removesuffix("_id")
        return all(base in r and (not r.get(column) or r[base] is not None) for r in rows)

    def cell(value: Any, day: bool) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if not isinstance(value, str):
            return str(value)
        if _TIMESTAMP.fullmatch(value):
            return value[:10] if day else value[:16]
        bare = value and value == value.strip() and _BARE.fullmatch(value)
        return value if bare else _compact(value)

    columns = [c for c in dict.fromkeys(k for r in rows for k in r) if not named(c)]
    lines = [",".join(columns)]
    lines += [",".join(cell(r.get(c), c == "created") for c in columns) for r in rows]
    return f"{_compact(rest)}\n{name}:\n" + "\n".join(lines)


_TEXT = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["2026-11-01T06:05:09", "2026-11-01T06:05:09.5", "1999-01-01T00:00:00x",
                     " pad", "a,b", 'q"', "line\nbreak", "\u2028", "", "Ann"]),
)  # fmt: skip
_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(), _TEXT)
_COLUMNS = st.sampled_from(["id", "agent_id", "agent", "created", "client", "client_id", "sla"])
_ROW = st.dictionaries(_COLUMNS, _VALUE, max_size=7)
_RESULT = st.fixed_dictionaries(
    {"tickets": st.lists(_ROW, max_size=6)},
    optional={"total": st.integers(0, 9), "note": st.none() | _TEXT, "other": st.lists(_ROW)},
)


@settings(max_examples=400)
@given(_RESULT)
def test_the_table_says_what_the_reference_says(structured: dict[str, Any]) -> None:
    assert text_of(structured) == _reference(structured)
