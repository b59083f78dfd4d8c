"""Normalise the shapes HaloPSA answers in.

The same kind of answer comes in different wrappings: lookups often as a bare array,
lists as ``{"record_count": N, "<things>": [...]}``, and a POST of a one-element array
usually as one object, sometimes as an array or a wrapped list.
"""

from __future__ import annotations

from typing import Any

from halopsa_mcp.client.errors import HaloResponseError
from halopsa_mcp.client.values import integer

Record = dict[str, Any]


def records(body: Any, key: str) -> list[Record]:
    """The list of records in ``body``: a bare array, or the array under ``key``."""
    if isinstance(body, dict):
        if key in body:
            body = body[key]
        elif "id" in body:
            return [body]
    if isinstance(body, list) and all(isinstance(item, dict) for item in body):
        return body
    raise HaloResponseError(f"expected a list of {key}, got {_describe(body)}")


def record_count(body: Any) -> int | None:
    """The total number of matches the server reports, or None when it does not say."""
    if isinstance(body, dict):
        count = integer(body.get("record_count"))
        if count is not None and count >= 0:
            return count
    return None


def single(body: Any, key: str, *, record_id: int | None = None) -> Record:
    """The one record an answer holds (a read by ID, or a POST of a one-element array),
    however wrapped.

    A read by ID has been seen answered with the whole listing (GET /Client/{id} on one
    live tenant): given ``record_id``, the row with that ID is taken from such a list.
    """
    rows = records(body, key)
    if record_id is not None and len(rows) > 1:
        rows = [row for row in rows if integer(row.get("id")) == record_id]
    if len(rows) != 1:
        raise HaloResponseError(f"expected one record in {key}, got {len(rows)}")
    return rows[0]


def _describe(body: Any) -> str:
    if isinstance(body, dict):
        keys = ", ".join(sorted(body)[:8])
        return f"an object with keys [{keys}]"
    return type(body).__name__
