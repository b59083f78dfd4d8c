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
from itertools import chain
from typing import Any, NamedTuple

_SCALARS = (str, int, float, bool, type(None))
_INTS = frozenset({int, type(None)})
_TEXTS = frozenset({str, type(None)})
# Service-desk times to the minute: the seconds only cost bytes in a table.
_TIME = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?"
_TIMESTAMP = re.compile(_TIME)
_TIMES = re.compile(rf"{_TIME}(?:\n{_TIME})*")
# The same on ASCII text, where \d is [0-9] either way, a third faster.
_ASCII_TIMES = re.compile(rf"(?a){_TIMES.pattern}")
# A time to the second with its digits read as 0s: a column of them is told in one
# comparison, four times faster than the match.
_ZEROS = str.maketrans("123456789", "000000000")
_ZERO_TIME = "0000-00-00T00:00:00"
# When a ticket was logged, to the day in a table: search_tickets filters it by day,
# and get_ticket shows the minute. Every other time keeps its minute.
_DAY_COLUMNS = frozenset({"created"})
# What CSV would quote, bar the line break (see _texts).
_QUOTED = ',"\r\u2028\u2029'
# A bare cell must read back as the same text: not empty, nothing CSV would quote, no
# padding (\s is what str.strip removes), in one match.
_BARE = re.compile(r'[^,"\r\n\u2028\u2029\s](?:[^,"\r\n\u2028\u2029]*[^,"\r\n\u2028\u2029\s])?')


# One encoder for every call: json.dumps with options builds a new one each time, which
# costs ten times the encoding of a short text.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _compact(value: Any) -> str:
    return _ENCODER.encode(value)


class _Table(NamedTuple):
    """A list of flat rows column by column: None where a row lacks the key."""

    columns: dict[str, tuple[Any, ...]]
    # The types of each column's values.
    kinds: dict[str, set[type]]
    # The keys every row holds.
    complete: set[str]


def text_of(structured: dict[str, Any]) -> str:
    """Compact JSON; a result holding one list of flat rows (every value a scalar) gives
    its other fields as a JSON line, then the list's name and the rows as CSV under a
    header line. In the table an ID column whose every row also has its name (``x_id``
    beside ``x``) is left out, as the tools take names for IDs; times lose their seconds."""
    tables = {k: t for k, v in structured.items() if isinstance(v, list) and (t := _table_of(v))}
    if len(tables) != 1:
        return _compact(structured)
    [(name, table)] = tables.items()
    # A null beside the table is a field this answer does not use; the structured
    # result keeps it.
    rest = {k: v for k, v in structured.items() if k != name and v is not None}
    return f"{_compact(rest)}\n{name}:\n{_csv(table, len(structured[name]))}"


def _table_of(rows: list[Any]) -> _Table | None:
    """``rows`` as a table, if there are some and each is a dict of scalars."""
    if not rows or not all(issubclass(kind, dict) for kind in set(map(type, rows))):
        return None
    keys = list(map(tuple, rows))
    # The rows of a page share one or two orders of keys: each order is read once.
    shapes = dict.fromkeys(keys)
    blank = dict.fromkeys(chain.from_iterable(shapes))
    order = tuple(blank)
    # Every row with every key, in one order (most rows have them already), so that one
    # zip turns the rows into columns.
    full = (
        row.values() if held == order else {**blank, **row}.values()
        for row, held in zip(rows, keys, strict=True)
    )
    columns = dict(zip(order, zip(*full, strict=True), strict=True))
    kinds = {c: set(map(type, values)) for c, values in columns.items()}
    if not all(issubclass(kind, _SCALARS) for kind in set().union(*kinds.values())):
        return None
    return _Table(columns, kinds, set(blank).intersection(*shapes))


def _csv(table: _Table, rows: int) -> str:
    shown = [c for c in table.columns if not (c.endswith("_id") and _named(c, table))]
    # Column by column: each column's values are of one or two types, and most of them
    # need no per-cell work.
    cells = [_column(table.columns[c], table.kinds[c], day=c in _DAY_COLUMNS) for c in shown]
    lines = map(",".join, zip(*cells, strict=True)) if cells else ("" for _ in range(rows))
    return "\n".join([",".join(shown), *lines])


def _named(column: str, table: _Table) -> bool:
    """An ``x_id`` column every row of which that has an ID also has the name ``x``."""
    name = column[:-3]
    if name not in table.complete:
        return False
    if type(None) not in table.kinds[name]:
        return True
    ids, names = table.columns[column], table.columns[name]
    return all(n is not None or not i for i, n in zip(ids, names, strict=True))


def _column(values: tuple[Any, ...], kinds: set[type], *, day: bool) -> list[str]:
    if kinds <= _INTS:
        return ["" if v is None else str(v) for v in values]
    if not kinds <= _TEXTS:
        return [_cell(v, day=day) for v in values]
    end = 10 if day else 16
    if type(None) not in kinds:
        return _texts(list(values), end)
    # Blanks stay blank; the texts between them are judged as a column of their own.
    texts = iter(_texts([v for v in values if v is not None], end))
    return ["" if v is None else next(texts) for v in values]


def _texts(texts: list[str], end: int) -> list[str]:
    """A column's texts, judged as a whole where that settles every cell (most columns
    are all times or all plain names), else one by one. ``end``: where a time is cut,
    after its day or its minute."""
    joined = "\n".join(texts)
    # No text holds a line break, so each line of the joined text is one of them.
    if joined.count("\n") == len(texts) - 1:
        if _times(texts, joined):
            return [t[:end] for t in texts]
        if _plain(texts, joined):
            return texts
    return [_text(t, end) for t in texts]


def _times(texts: list[str], joined: str) -> bool:
    """Every text is a time (``joined``: the texts, one a line)."""
    n = len(texts)
    if len(joined) == n * 20 - 1 and joined.translate(_ZEROS) == "\n".join([_ZERO_TIME] * n):
        return True
    return bool((_ASCII_TIMES if joined.isascii() else _TIMES).fullmatch(joined))


def _plain(texts: list[str], joined: str) -> bool:
    """No text is empty, padded or a time, and none holds a character CSV would quote."""
    return (
        all(texts)
        and not any(c in joined for c in _QUOTED)
        and list(map(str.strip, texts)) == texts
        # A time holds a colon; few other texts do.
        and not (":" in joined and any(len(t) >= 19 and t[10] == "T" for t in texts))
    )


def _cell(value: Any, *, day: bool) -> str:
    if isinstance(value, str):
        return _text(value, 10 if day else 16)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text(value: str, end: int) -> str:
    # A time is at least "YYYY-MM-DDTHH:MM:SS": the cheap test spares most cells the regex.
    if len(value) >= 19 and value[10] == "T" and _TIMESTAMP.fullmatch(value):
        return value[:end]
    # Anything a reader could take for a separator or a new row is written as a JSON
    # string: ticket text must not be able to fake a row.
    return value if _BARE.fullmatch(value) else _compact(value)
