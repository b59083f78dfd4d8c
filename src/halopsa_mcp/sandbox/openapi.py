"""Request checks against the field names and types of HaloPSA's OpenAPI file.

Live Halo silently ignores query parameters and body fields it does not know, so a
misspelt name in a client goes unnoticed there. The sandbox is deliberately stricter:
every name must exist in the OpenAPI file, which makes such a mistake a test failure.

The field lists come from openapi_fields.json, distilled from the OpenAPI file by
scripts/extract_openapi_fields.py. Operations are keyed like "GET /Tickets": paths are
relative to the /api base, and path parameters such as {id} are not query parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

QueryValue = int | float | bool | str


class SpecError(ValueError):
    """A request names a field the OpenAPI file lacks, or gives it the wrong type."""


@cache
def _fields() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("openapi_fields.json").read_text("utf-8")
    fields: dict[str, Any] = json.loads(text)
    return fields


def query_params(operation: str) -> Mapping[str, str]:
    """Query parameter name -> kind for an operation such as "GET /Tickets"."""
    params: dict[str, str] = _fields()["operations"][operation]["query"]
    return params


def body_schema(operation: str) -> str:
    """Name of the schema each element of the operation's JSON array body must follow."""
    name: str = _fields()["operations"][operation]["body_schema"]
    return name


def schema_properties(schema: str) -> Mapping[str, str]:
    """Property name -> kind (integer, number, string, boolean, array, object, any)."""
    props: dict[str, str] = _fields()["schemas"][schema]
    return props


def display(operation: str) -> str:
    """The operation as a reader of an error knows it: GET /Tickets is GET /api/Tickets."""
    method, path = operation.split(" ", 1)
    return f"{method} /api{path}"


def parse_query(operation: str, items: Iterable[tuple[str, str]]) -> dict[str, QueryValue]:
    """Check every query parameter against the operation and convert it to its kind.

    A repeated parameter keeps its last value, as ASP.NET model binding does.
    """
    allowed = query_params(operation)
    parsed: dict[str, QueryValue] = {}
    for name, raw in items:
        kind = allowed.get(name)
        if kind is None:
            raise SpecError(f"sandbox: '{name}' is not a query parameter of {display(operation)}")
        value = _parse_scalar(kind, raw)
        if value is None:
            raise SpecError(
                f"sandbox: query parameter '{name}' of {display(operation)} "
                f"must be {_article(kind)}, got '{raw}'"
            )
        parsed[name] = value
    return parsed


def _parse_scalar(kind: str, raw: str) -> QueryValue | None:
    """The value of a query string in the given kind, or None when it is not one."""
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            return None
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            return None
    if kind == "boolean":
        lowered = raw.lower()
        return lowered == "true" if lowered in ("true", "false") else None
    return raw


def check_object(schema: str, obj: Mapping[str, Any], operation: str) -> None:
    """Check a JSON object's property names and JSON types against a schema.

    null is accepted for every property: the OpenAPI file marks nearly all nullable.
    """
    props = schema_properties(schema)
    for name, value in obj.items():
        kind = props.get(name)
        if kind is None:
            raise SpecError(f"sandbox: '{name}' is not a field of {schema} ({display(operation)})")
        if value is not None and not _has_kind(kind, value):
            raise SpecError(
                f"sandbox: field '{name}' of {schema} ({display(operation)}) "
                f"must be {_article(kind)}, got {json.dumps(value)[:60]}"
            )


def _has_kind(kind: str, value: Any) -> bool:
    # bool is a subclass of int in Python but never a number in JSON.
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    return True


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
