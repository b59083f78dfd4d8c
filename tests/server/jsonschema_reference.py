"""The argument guard as it was with jsonschema: the reference the guard's own argument
check is compared with (tests/server/test_argument_check.py).

Each tool's input schema is checked by jsonschema's draft 2020-12 validator with its
format checker, and its errors worded as the guard worded them. What did not depend on
jsonschema (unknown names, out-of-range numbers, the refusal's frame) is the guard's own,
unchanged.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from halopsa_mcp.rules.wording import shown
from halopsa_mcp.server.guards import (
    _SHOWN_PROBLEMS,
    _out_of_range,
    _type_name,
    _unknown_names,
)


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def checked(validator: Draft202012Validator, arguments: Any) -> tuple[Any, list[str]]:
    """What the guard called the tool with, and the problems it refused for."""
    given = _whole_numbers(validator, _without_nulls(validator, arguments))
    return given, _problems(validator, given)


def _problems(validator: Draft202012Validator, arguments: Any) -> list[str]:
    if not isinstance(arguments, dict):
        return ["arguments: must be an object of named arguments"]
    properties = validator.schema.get("properties", {})
    problems = _unknown_names(sorted(properties), set(arguments) - set(properties))
    skipped: dict[str, str] = {}
    for name, value in sorted(arguments.items()):
        most = properties.get(name, {}).get("maxItems")
        if _out_of_range(value):
            skipped[name] = f"{shown(name)}: the number is out of range"
        elif isinstance(value, list) and most is not None and len(value) > most:
            skipped[name] = f"{name}: must have at most {most} items"
    problems += list(skipped.values())
    rest = {name: value for name, value in arguments.items() if name not in skipped}
    errors = itertools.islice(validator.iter_errors(rest), _SHOWN_PROBLEMS)
    for error in sorted(errors, key=lambda e: list(e.path)):
        if error.validator == "required" and any(f"'{name}'" in error.message for name in skipped):
            continue
        problems.append(_describe(error))
    return problems


def _without_nulls(validator: Draft202012Validator, arguments: Any) -> Any:
    if not isinstance(arguments, dict) or None not in arguments.values():
        return arguments
    schema = validator.schema
    optional = set(schema.get("properties", {})) - set(schema.get("required", []))
    return {k: v for k, v in arguments.items() if v is not None or k not in optional}


_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,16}", re.ASCII)


def _whole_numbers(validator: Draft202012Validator, arguments: Any) -> Any:
    if not isinstance(arguments, dict):
        return arguments
    properties = validator.schema.get("properties", {})
    required = set(validator.schema.get("required", []))
    converted = {
        name: int(value)
        for name, value in arguments.items()
        if isinstance(value, str)
        and name not in required
        and _takes_integer_not_text(properties.get(name))
        and _WHOLE_NUMBER.fullmatch(value)
    }
    return {**arguments, **converted} if converted else arguments


def _takes_integer_not_text(schema: Any) -> bool:
    kind = schema.get("type") if isinstance(schema, dict) else None
    kinds = kind if isinstance(kind, list) else [kind]
    return "integer" in kinds and "string" not in kinds


def _describe(error: ValidationError) -> str:
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "argument"
        return f"{missing}: is required"
    field = ".".join(str(p) for p in error.path) or "arguments"
    rule: Any = error.validator_value
    messages = {
        "type": lambda: f"must be of type {_type_name(rule)}",
        "minimum": lambda: f"must be at least {rule}",
        "maximum": lambda: f"must be at most {rule}",
        "minLength": lambda: f"must have at least {rule} characters",
        "maxLength": lambda: f"must have at most {rule} characters",
        "maxItems": lambda: f"must have at most {rule} items",
        "enum": lambda: "must be one of " + ", ".join(repr(v) for v in rule),
        "format": lambda: f"must be a {rule} (e.g. 2026-01-31 for a date)",
    }
    describe = messages.get(str(error.validator))
    if describe is not None:
        return f"{field}: {describe()}"
    return f"{field}: is not valid here"


def refusal_text(tool: str, problems: list[str]) -> str:
    return (
        f"Nothing was done: {tool} was called with invalid arguments.\n"
        + "\n".join(f"- {p}" for p in problems)
        + "\nFix these and call again."
    )
