"""Tool arguments checked against the tool's published input schema.

A JSON Schema check for the keywords server/schemas.py publishes (type, properties,
required, minimum, maximum, minLength, maxLength, maxItems, items, enum, format "date"),
each meaning what JSON Schema draft 2020-12 says. A general validator (jsonschema with
referencing, rpds and attrs) cost the server about 2.7 MB and 0.1 ms a call for keywords
no tool uses. A keyword outside this set fails when the schema is compiled, so a schema
change cannot be checked only in part without anyone noticing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

Path = tuple[str | int, ...]


class UnsupportedSchema(ValueError):
    """A schema uses something this check does not implement; raised when compiling."""


@dataclass(frozen=True, slots=True)
class Violation:
    """One keyword a value breaks: where (argument name, then list index), the keyword,
    and its value in the schema; for "required", the name that is missing."""

    path: Path
    keyword: str
    rule: Any


Walk = Callable[[Any, Path], Iterator[Violation]]


class _Step(NamedTuple):
    keyword: str
    rule: Any
    # A keyword judging the value alone says whether it is broken; one that looks inside
    # (properties, items, required) walks it.
    broken: Callable[[Any], bool] | None = None
    walk: Walk | None = None


# Words that describe and never constrain.
_ANNOTATIONS = frozenset({"title", "description", "default", "examples"})


def _is_integer(value: Any) -> bool:
    # A float with no fraction (1.0) is an integer to JSON Schema; a bool is not one.
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: Mapping[str, Callable[[Any], bool]] = {
    "integer": _is_integer,
    "number": _is_number,
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "null": lambda value: value is None,
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
}

# Full-date of RFC 3339 in ASCII digits; the calendar (no 30 February) is date's to judge.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_date(value: Any) -> bool:
    # A format says nothing about values of other types: "type" judges those.
    if not isinstance(value, str):
        return True
    if _DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _equal(one: Any, two: Any) -> bool:
    """Equality as JSON sees it: true is not 1 (Python says it is), 1 is 1.0, and lists
    and objects are equal when their members are, by the same rule."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(map(_equal, one, two))
    if isinstance(one, dict) and isinstance(two, dict):
        return len(one) == len(two) and all(
            key in two and _equal(value, two[key]) for key, value in one.items()
        )
    if isinstance(one, bool) or isinstance(two, bool):
        return False
    return bool(one == two)


def _unsupported(where: str, keyword: str, rule: Any) -> UnsupportedSchema:
    return UnsupportedSchema(f"{where}: the argument check does not know {keyword}={rule!r}")


def _type_step(rule: Any, where: str) -> _Step:
    names = rule if isinstance(rule, list) else [rule]
    if not names or not all(isinstance(n, str) and n in _TYPES for n in names):
        raise _unsupported(where, "type", rule)
    tests = tuple(_TYPES[n] for n in names)
    return _Step("type", rule, lambda value: not any(test(value) for test in tests))


# Each bound judges values of its own type only: a maximum says nothing about text.
_BOUNDS: Mapping[str, Callable[[Any], Callable[[Any], bool]]] = {
    "minimum": lambda rule: lambda value: _is_number(value) and value < rule,
    "maximum": lambda rule: lambda value: _is_number(value) and value > rule,
    "minLength": lambda rule: lambda value: isinstance(value, str) and len(value) < rule,
    "maxLength": lambda rule: lambda value: isinstance(value, str) and len(value) > rule,
    "maxItems": lambda rule: lambda value: isinstance(value, list) and len(value) > rule,
}


def _bound_step(keyword: str, rule: Any, where: str) -> _Step:
    counts = keyword not in ("minimum", "maximum")
    if not _is_number(rule) or (counts and (not isinstance(rule, int) or rule < 0)):
        raise _unsupported(where, keyword, rule)
    return _Step(keyword, rule, _BOUNDS[keyword](rule))


def _enum_step(rule: Any, where: str) -> _Step:
    if not isinstance(rule, list):
        raise _unsupported(where, "enum", rule)
    return _Step("enum", rule, lambda value: not any(_equal(each, value) for each in rule))


def _format_step(rule: Any, where: str) -> _Step:
    if rule != "date":
        raise _unsupported(where, "format", rule)
    return _Step("format", rule, lambda value: not _is_date(value))


def _items_step(rule: Any, where: str) -> _Step:
    each = _compiled(rule, f"{where}.items")

    def walk(value: Any, path: Path) -> Iterator[Violation]:
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from each(item, (*path, index))

    return _Step("items", rule, walk=walk)


def _properties_step(rule: Any, where: str) -> _Step:
    if not isinstance(rule, dict):
        raise _unsupported(where, "properties", rule)
    members = tuple((name, _compiled(sub, f"{where}.{name}")) for name, sub in rule.items())

    def walk(value: Any, path: Path) -> Iterator[Violation]:
        if isinstance(value, dict):
            for name, member in members:
                if name in value:
                    yield from member(value[name], (*path, name))

    return _Step("properties", rule, walk=walk)


def _required_step(rule: Any, where: str) -> _Step:
    if not isinstance(rule, list) or not all(isinstance(n, str) for n in rule):
        raise _unsupported(where, "required", rule)

    def walk(value: Any, path: Path) -> Iterator[Violation]:
        if isinstance(value, dict):
            for name in rule:
                if name not in value:
                    yield Violation(path, "required", name)

    return _Step("required", rule, walk=walk)


def _step(keyword: str, rule: Any, where: str) -> _Step:
    if keyword in _BOUNDS:
        return _bound_step(keyword, rule, where)
    steps: dict[str, Callable[[Any, str], _Step]] = {
        "type": _type_step,
        "enum": _enum_step,
        "format": _format_step,
        "items": _items_step,
        "properties": _properties_step,
        "required": _required_step,
    }
    if keyword not in steps:
        raise _unsupported(where, keyword, rule)
    return steps[keyword](rule, where)


def _compiled(schema: Any, where: str) -> Walk:
    if not isinstance(schema, dict):
        raise UnsupportedSchema(f"{where}: the argument check needs a schema object here")
    # In the schema's own order: the order the problems are found in, as jsonschema found
    # them, decides which are shown when there are more than a refusal lists.
    steps = tuple(_step(k, v, where) for k, v in schema.items() if k not in _ANNOTATIONS)

    def walk(value: Any, path: Path) -> Iterator[Violation]:
        for keyword, rule, broken, inner in steps:
            if inner is not None:
                yield from inner(value, path)
            elif broken is not None and broken(value):
                yield Violation(path, keyword, rule)

    return walk


@dataclass(frozen=True, slots=True)
class ArgumentCheck:
    """One tool's input schema, compiled, and what the argument guard reads from it."""

    names: tuple[str, ...]
    required: frozenset[str]
    # Optional arguments taking an integer and never text: "5001" sent for one means 5001.
    numbers_as_text: frozenset[str]
    max_items: Mapping[str, int]
    _walk: Walk

    def violations(self, arguments: Any) -> Iterator[Violation]:
        """Every keyword ``arguments`` break, in the order the schema lists them."""
        return self._walk(arguments, ())


def compile_arguments(tool: str, schema: Mapping[str, Any]) -> ArgumentCheck:
    """``schema`` (a tool's published input schema) compiled; raises UnsupportedSchema
    naming the tool and the keyword it does not know."""
    walk = _compiled(dict(schema), tool)
    properties = schema.get("properties", {})
    required = frozenset(schema.get("required", []))

    def kinds(name: str) -> list[Any]:
        kind = properties[name].get("type")
        return kind if isinstance(kind, list) else [kind]

    return ArgumentCheck(
        names=tuple(sorted(properties)),
        required=required,
        numbers_as_text=frozenset(
            name
            for name in properties
            if name not in required and "integer" in kinds(name) and "string" not in kinds(name)
        ),
        max_items={n: p["maxItems"] for n, p in properties.items() if "maxItems" in p},
        _walk=walk,
    )
