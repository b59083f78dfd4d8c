"""The one reading of HaloPSA's loosely typed values.

HaloPSA's JSON is not strict: IDs arrive as ints, as integral floats, or as strings
("2" in a status's ticket types), and 0 means "none" in reference fields. Every value
the client parses goes through these, so one rule holds everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

Row = Mapping[str, Any]
V = TypeVar("V")


def integer(value: object) -> int | None:
    """An int from an int, an integral float or a string of digits; never from a bool."""
    # Most IDs are plain ints and most absent ones None: each page of rows reads
    # hundreds, so these two are answered before any other test is made.
    if type(value) is int:
        return value
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def reference(value: object) -> int | None:
    """An ID that refers to another record; HaloPSA writes 0 (or nothing) for "none"."""
    if type(value) is int:
        return value if value > 0 else None
    id_ = integer(value)
    return id_ if id_ is not None and id_ > 0 else None


def number(value: object) -> float | None:
    """A quantity (hours, a target's amount); never a bool."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def text(value: object) -> str:
    """Text as sent ("" when absent or not text): ticket text is cleaned later, for the
    reader, not here."""
    return value if isinstance(value, str) else ""


def name(value: object) -> str:
    """A configured name (a status's, an agent's), without surrounding blanks."""
    return value.strip() if isinstance(value, str) else ""


def optional_text(value: object) -> str | None:
    """Text such as a date, or None when absent or not text."""
    return value if isinstance(value, str) and value else None


def flag(value: object, *, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def first(row: Row, *keys: str) -> object:
    """The value under the first of ``keys`` the row has with a value."""
    for key in keys:
        value = row.get(key)
        if value is not None and value != "":
            return value
    return None


def mappings(rows: Iterable[object]) -> Iterator[Row]:
    return (row for row in rows if isinstance(row, Mapping))


def identified(rows: Iterable[object]) -> Iterator[tuple[Row, int]]:
    """Lookup rows with a usable ID; rows without one are skipped, not fatal."""
    for row in mappings(rows):
        id_ = integer(row.get("id"))
        if id_ is not None:
            yield row, id_


def type_ids(value: object) -> frozenset[int]:
    """Ticket type IDs from HaloPSA's ``[{"value": "2", "label": "..."}]`` (or bare IDs)."""
    if not isinstance(value, list | tuple):
        return frozenset()
    ids = (integer(item.get("value") if isinstance(item, Mapping) else item) for item in value)
    return frozenset(id_ for id_ in ids if id_ is not None)


def given(**values: V | None) -> dict[str, V]:
    """The values actually given: None leaves a parameter or field out of what is sent."""
    return {key: value for key, value in values.items() if value is not None}
