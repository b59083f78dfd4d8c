"""The tools' JSON schemas in the fewest bytes every session pays for in tools/list.

pydantic writes a title on every field, "default": null on every optional one and an
optional value as anyOf [its type, null]. None of it tells a model anything the
property name and type do not: an optional argument sent as null counts as not given
(server/guards.py). Input schemas keep every constraint and description (the argument
guard checks calls against them); output schemas describe the fields of
a result and their JSON types, one level deep: the rows inside are self-describing in
every result, and a deep schema would repeat the ticket row in every tool returning one.
"""

from __future__ import annotations

from typing import Any

_PRIMITIVES = frozenset({"string", "integer", "number", "boolean", "null"})


def input_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without titles, nulls or null defaults, each anyOf of plain types
    merged."""
    properties = schema.get("properties", {})
    compact = {k: v for k, v in schema.items() if k not in ("title", "properties")}
    return {**compact, "properties": {n: _argument(p) for n, p in properties.items()}}


def _argument(schema: dict[str, Any]) -> dict[str, Any]:
    kept = {k: v for k, v in schema.items() if k != "title" and not (k == "default" and v is None)}
    if "anyOf" in kept:
        branches = [b for b in kept["anyOf"] if b != {"type": "null"}]
        if len(branches) == 1:
            del kept["anyOf"]
            return _argument({**branches[0], **kept})
        kept["anyOf"] = branches
        merged = _merged(branches)
        if merged is not None:
            del kept["anyOf"]
            return {**merged, **kept}
        kept["anyOf"] = [{k: v for k, v in b.items() if k != "title"} for b in kept["anyOf"]]
    if "items" in kept and isinstance(kept["items"], dict):
        kept["items"] = {k: v for k, v in kept["items"].items() if k != "title"}
    return kept


def _merged(branches: list[Any]) -> dict[str, Any] | None:
    """One schema for branches of distinct plain types whose other keywords do not
    clash: each keyword (minimum, maxLength, ...) applies to its own type only, so
    {"type": ["integer", "string"], "minimum": 1, "maxLength": 100} means the same."""
    types: list[str] = []
    merged: dict[str, Any] = {}
    for branch in branches:
        kind = branch.get("type") if isinstance(branch, dict) else None
        if not isinstance(kind, str) or kind not in _PRIMITIVES or kind in types:
            return None
        for key, value in branch.items():
            if key != "type" and merged.setdefault(key, value) != value:
                return None
        types.append(kind)
    return {"type": types, **merged}


def output_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The result's own fields and their JSON types; nested rows typed as objects."""
    defs = schema.get("$defs", {})
    properties = schema.get("properties", {})
    shallow = {name: _json_type(p, defs) for name, p in properties.items()}
    out: dict[str, Any] = {"type": "object", "properties": shallow}
    if schema.get("required"):
        out["required"] = schema["required"]
    return out


def _json_type(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    kinds: list[str] = []
    typed: dict[str, Any] = {}
    for branch in schema.get("anyOf", [schema]):
        kind = _kind(branch, defs)
        if kind not in kinds:
            kinds.append(kind)
        if isinstance(branch.get("items"), dict):
            typed["items"] = {"type": _kind(branch["items"], defs)}
    return {"type": kinds[0] if len(kinds) == 1 else kinds, **typed}


def _kind(schema: dict[str, Any], defs: dict[str, Any]) -> str:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return str(defs.get(ref.rsplit("/", 1)[-1], {}).get("type", "object"))
    if "enum" in schema and "type" not in schema:
        return "string"
    return str(schema.get("type", "object"))
