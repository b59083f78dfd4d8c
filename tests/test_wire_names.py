"""HaloPSA's field names stay in the client (and the sandbox that imitates HaloPSA).

The names known to be HaloPSA's: every field the client's payload models send, every key
client/wire.py reads, every query parameter client/api.py sends and every compound field
name (with an underscore or a digit) in HaloPSA's OpenAPI file. Those that are also this
project's own words (a tool's argument or result field or enum value, a domain record's
field) are not leaks: ``status_id`` is ours too. What remains, written anywhere else in
src/ as a string, a keyword argument, an attribute, a parameter or a class field, is a
HaloPSA name used outside the client: ``record.get("closure_note")`` or
``TicketFields(category_1=...)`` in server/ fails this test.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from halopsa_mcp.client import payloads
from halopsa_mcp.domain import records, writes
from halopsa_mcp.server import models

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "halopsa_mcp"
HALOPSA_SIDE = {"client", "sandbox"}
# HaloPSA names that are plain English words too, used as such in our own code.
ENGLISH = {"search", "order", "count"}
# Names a model may wrongly pass as arguments, which the argument guard points to ours.
ALLOWED = {
    ("server/guards.py", "closure_note"),
    ("server/guards.py", "tickettype_id"),
    # The sandbox's own setting, named like a HaloPSA field; the command line sets it.
    ("cli.py", "ticket_count"),
    # pydantic's dump mode, as the SDK dumps a tool's result and its listing.
    ("server/tool_calls.py", "json"),
    ("server/tools/published.py", "json"),
}


def _strings(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _names(tree: ast.AST) -> Iterator[str]:
    """Every name the code spells out: strings, and the identifiers a payload's or a
    record's fields would be written as."""
    yield from _strings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg:
            yield node.arg
        elif isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, ast.arg):
            yield node.arg
        elif isinstance(node, ast.ClassDef):
            for statement in node.body:
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                    yield statement.target.id


def _query_names() -> set[str]:
    """The query parameters client/api.py sends (dict keys and ``given`` arguments) and
    the list envelope's count."""
    tree = ast.parse((PACKAGE / "client" / "api.py").read_text(encoding="utf-8"))
    names = {"record_count"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            names |= {k.value for k in node.keys if isinstance(k, ast.Constant)}
        elif isinstance(node, ast.Call) and ast.unparse(node.func) == "given":
            names |= {k.arg for k in node.keywords if k.arg}
    return {name for name in names if isinstance(name, str)}


def _client_names() -> set[str]:
    names: set[str] = set()
    for model in (
        payloads.TicketFields,
        payloads.ActionFields,
        payloads.AttachmentUpload,
        payloads.TicketQuery,
    ):
        names |= payloads.wire_names(model)
    tree = ast.parse((PACKAGE / "client" / "wire.py").read_text(encoding="utf-8"))
    names |= {value for value in _strings(tree) if re.fullmatch(r"[a-z][a-z0-9_]*", value)}
    return names | _query_names()


def _openapi_names() -> set[str]:
    spec = json.loads((PACKAGE / "sandbox" / "openapi_fields.json").read_text(encoding="utf-8"))
    names: set[str] = set()
    for fields in spec["schemas"].values():
        names |= set(fields)
    return {name for name in names if re.search(r"[_0-9]", name)}


def _our_names() -> set[str]:
    ours: set[str] = set()

    def walk(node: Any) -> None:
        # A tool's argument and result fields, and the values its enums take.
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                ours.update(node["properties"])
            ours.update(value for value in node.get("enum", ()) if isinstance(value, str))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads((ROOT / "tests" / "snapshots" / "tools.json").read_text(encoding="utf-8")))
    for module in (records, writes):
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value):
                ours.update(field.name for field in dataclasses.fields(value))
    return ours | _result_fields()


def _result_fields() -> set[str]:
    """The result rows' fields: the output schemas show only a result's own fields."""
    rows = [v for v in vars(models).values() if isinstance(v, type) and issubclass(v, BaseModel)]
    return {name for row in rows for name in row.model_fields}


WIRE_NAMES = frozenset((_client_names() | _openapi_names()) - _our_names() - ENGLISH)


def leaks(source: str, where: str) -> list[str]:
    return sorted(
        {name for name in _names(ast.parse(source)) if name in WIRE_NAMES}
        - {name for file, name in ALLOWED if file == where}
    )


def test_the_list_knows_the_names_that_differ_from_ours() -> None:
    known = {"closure_note", "category_1", "actisbillable", "tickettype_id", "hiddenfromuser"}
    known |= {"timetaken", "default_sla", "newstatus", "slaid", "datecreated", "isimage"}
    known |= {"includedetails", "pageinate", "page_size", "showinactive", "record_count"}
    assert known <= WIRE_NAMES
    # Our own names are not leaks, even where HaloPSA uses them too.
    assert not {"status_id", "agent_id", "summary", "team", "id"} & WIRE_NAMES


@pytest.mark.parametrize(
    ("source", "leak"),
    [
        ('status = record.get("closure_note")', "closure_note"),
        # The issue's own example: wire names as keyword arguments of a payload.
        ('fields = dict(category_1="Hardware")', "category_1"),
        ("payload = TicketFields(actisbillable=True)", "actisbillable"),
        ("note = saved.closure_note", "closure_note"),
        ("class Row(BaseModel):\n    hiddenfromuser: bool", "hiddenfromuser"),
        ("def plan(timetaken: float) -> None: ...", "timetaken"),
        # Query parameters the client sends are HaloPSA's names too.
        ('params = {"includedetails": True}', "includedetails"),
        ('params = {"pageinate": True}', "pageinate"),
        ('total = body["record_count"]', "record_count"),
    ],
)
def test_a_halopsa_name_outside_the_client_is_found(source: str, leak: str) -> None:
    assert leaks(source + "\n", "server/x.py") == [leak]


@pytest.mark.parametrize(
    "path",
    [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in HALOPSA_SIDE
    ],
    ids=lambda path: str(path.relative_to(PACKAGE)),
)
def test_no_halopsa_field_name_outside_the_client(path: Path) -> None:
    where = path.relative_to(PACKAGE).as_posix()
    assert leaks(path.read_text(encoding="utf-8"), where) == []
