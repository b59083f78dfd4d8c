"""The argument guard's own schema check: it refuses exactly what jsonschema refused, in
the same words, for every served tool, and a schema it cannot check stops it early."""

from __future__ import annotations

import math
import string
from collections.abc import Iterator
from typing import Annotated, Any

import anyio
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from mcp import Client, MCPError
from mcp.server import MCPServer
from pydantic import Field

from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.app import build_server
from halopsa_mcp.server.argument_check import UnsupportedSchema, compile_arguments
from halopsa_mcp.server.guards import ArgumentGuard, checked
from halopsa_mcp.server.services import Services
from tests.helpers import FAST, NO_WARM_UP, halo_settings

from . import jsonschema_reference as reference
from .conftest import refusal

Schema = dict[str, Any]


def _server(sandbox: SandboxServer) -> MCPServer[Services]:
    return build_server(halo_settings(sandbox), ServerSettings.from_env(NO_WARM_UP), policy=FAST)


@pytest.fixture(scope="module")
def schemas(sandbox_server: SandboxServer) -> dict[str, Schema]:
    """Every served tool's published input schema, as tools/list gives it."""

    async def listed() -> dict[str, Schema]:
        async with Client(_server(sandbox_server)) as client:
            return {t.name: t.input_schema for t in (await client.list_tools()).tools}

    return anyio.run(listed)


def test_every_served_tool_schema_compiles(schemas: dict[str, Schema]) -> None:
    assert len(schemas) == 14
    for tool, schema in schemas.items():
        check = compile_arguments(tool, schema)
        assert check.names == tuple(sorted(schema["properties"]))


# --- A schema the check does not know ----------------------------------------------------


def _with_a_patterned_tool(server: MCPServer[Services]) -> MCPServer[Services]:
    def lookup_code(code: Annotated[str, Field(pattern="^[A-Z]{3}$")]) -> str:
        """A tool whose schema has a keyword ("pattern") the check does not implement."""
        return code

    server.add_tool(lookup_code)
    return server


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"code": {"type": "string", "pattern": "^[A-Z]+$"}}},
        {"type": "object", "properties": {"n": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}},
        {"type": "object", "properties": {"when": {"type": "string", "format": "date-time"}}},
        {"type": "object", "properties": {"n": {"type": "int"}}},
        {"type": "object", "properties": {"n": {"$ref": "#/$defs/N"}}, "$defs": {"N": {}}},
        {"type": "object", "properties": {"ids": {"type": "array", "items": True}}},
        {"type": "object", "additionalProperties": False},
    ],
)
def test_a_keyword_the_check_does_not_know_fails_compiling(schema: Schema) -> None:
    with pytest.raises(UnsupportedSchema, match=r"^some_tool[.:].*does not know|needs a schema"):
        compile_arguments("some_tool", schema)


async def test_a_schema_the_check_does_not_know_fails_when_the_guard_is_prepared(
    sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Not silently at call time: the warm-up prepares the guard, and the failure names
    the tool and the keyword."""
    server = _with_a_patterned_tool(_server(sandbox))
    with pytest.raises(UnsupportedSchema, match=r"lookup_code\.code: .*pattern"):
        await ArgumentGuard(server).prepare()
    assert "lookup_code.code" in caplog.text


async def test_no_call_runs_unchecked_when_a_schema_cannot_be_checked(
    sandbox: SandboxServer,
) -> None:
    server = _with_a_patterned_tool(_server(sandbox))
    async with Client(server) as client:
        try:
            result = await client.call_tool("lookup_code", {"code": "ABC"})
        except MCPError:
            return
    assert result.is_error


# --- Differential: the same refusals as jsonschema, word for word ------------------------

_DATES = (
    "2026-01-31",
    "2026-02-29",
    "2024-02-29",
    "2026-02-30",
    "2026-13-01",
    "0000-01-01",
    "9999-12-31",
    "2026-1-31",
    "20260131",
    "2026-01-31\n",
    " 2026-01-31",
    "2026-01-31T00:00:00",
    "\uff12\uff10\uff12\uff16-01-31",
    "\u0662\u0660\u0662\u0666-01-31",
    "",
)
_NUMBER_TEXT = ("5001", "-3", "007", "1e3", " 5", "5 ", "+5", "\u0663", "12345678901234567", "")
_INTS = (0, 1, -1, 100, 101, 10_000, 2**31 - 1, 2**31, 2**53, 2**53 + 1, -(2**53) - 1, 10**30)
_FLOATS = (0.0, -0.0, 1.0, 1.5, 2.0, 1e20, 1e300, 2.0**53, 2.0**31, -1.0, 0.5)
_TEXT = st.text(
    st.characters(codec="utf-8") | st.sampled_from(["\u202e", "\U0001f600", "é", "\x00"]),
    max_size=12,
)


def _long_text(schema: Schema) -> st.SearchStrategy[str]:
    """Text right around the schema's length limits, in characters of every width."""
    limits = [schema[k] for k in ("maxLength", "minLength") if k in schema]
    sizes = st.sampled_from([n + d for n in limits for d in (-1, 0, 1) if n + d >= 0] or [0])
    chars = st.sampled_from(["a", "é", "\U0001f600", "\u200b"])
    return st.builds(lambda n, c: c * n, sizes, chars)


def _scalar(schema: Schema) -> st.SearchStrategy[Any]:
    enum = schema.get("items", schema).get("enum", [])
    near_enum = [e.upper() for e in enum if isinstance(e, str)] + [e + " " for e in enum]
    return st.one_of(
        st.none(),
        st.booleans(),
        st.sampled_from(_INTS),
        st.integers(),
        st.sampled_from(_FLOATS),
        st.floats(allow_nan=True, allow_infinity=True),
        _TEXT,
        _long_text(schema),
        st.sampled_from(_NUMBER_TEXT + _DATES),
        st.sampled_from(enum + near_enum) if enum else st.nothing(),
    )


def _value(schema: Schema) -> st.SearchStrategy[Any]:
    scalar = _scalar(schema)
    most = schema.get("maxItems", 3)
    element = _scalar(schema.get("items", {}))
    return st.one_of(
        scalar,
        st.lists(element, max_size=most + 2),
        st.lists(st.sampled_from(_INTS + _FLOATS), max_size=most),
        st.lists(scalar, min_size=most + 1, max_size=most + 3) if most < 60 else st.nothing(),
        st.dictionaries(_TEXT, scalar, max_size=2),
        st.lists(st.lists(scalar, max_size=2), max_size=2),
    )


_UNKNOWN = st.sampled_from(
    ["priority", "status", "comment", "hidden", "id", "ticketid", "", "\u202eevil", "x" * 300]
) | st.text(string.ascii_letters + "_", max_size=15)


@st.composite
def _arguments(draw: st.DrawFn, schema: Schema) -> Any:
    properties: dict[str, Schema] = schema["properties"]
    names = draw(st.lists(st.sampled_from(sorted(properties)), unique=True)) if properties else []
    arguments = {name: draw(_value(properties[name])) for name in names}
    for name in draw(st.lists(_UNKNOWN, max_size=draw(st.sampled_from([0, 0, 2, 12])))):
        arguments[name] = draw(_scalar({}))
    # Now and then, something that is no object of named arguments at all.
    return draw(st.sampled_from([arguments] * 9 + [[arguments], "ticket_id=1", 7]))


_EXAMPLES = settings(
    max_examples=600,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def both(schemas: dict[str, Schema]) -> dict[str, tuple[Any, Any]]:
    """Each tool's check and its jsonschema reference."""
    return {
        tool: (compile_arguments(tool, schema), reference.validator(schema))
        for tool, schema in schemas.items()
    }


@_EXAMPLES
@given(data=st.data())
def test_the_check_refuses_what_jsonschema_refused_in_its_words(
    data: st.DataObject, schemas: dict[str, Schema], both: dict[str, tuple[Any, Any]]
) -> None:
    tool = data.draw(st.sampled_from(sorted(schemas)))
    arguments = data.draw(_arguments(schemas[tool]))
    check, validator = both[tool]
    assert _same(checked(check, arguments)) == _same(reference.checked(validator, arguments))


def _same(outcome: tuple[Any, list[str]]) -> tuple[str, list[str]]:
    # NaN is unequal to itself; what matters is which arguments went on and how.
    given, problems = outcome
    return repr(given), problems


# Keywords used in ways no served schema uses yet, so that the check means what JSON Schema
# means by them and not only what today's tools need: enum of numbers, booleans, lists and
# objects (true is not 1, 1 is 1.0), number, null, object, several types, minLength, and
# items within items.
_SYNTHETIC: Schema = {
    "type": "object",
    "required": ["e", "z"],
    "properties": {
        "e": {"enum": [1, True, [1, False], {"a": 1.0}, None, "x", 2.5]},
        "n": {"type": "number", "minimum": -1.5, "maximum": 2},
        "z": {"type": "null"},
        "o": {"type": "object", "description": "anything"},
        "b": {"type": ["boolean", "array"], "maxItems": 1, "minimum": 0},
        "s": {"type": "string", "minLength": 2, "maxLength": 3},
        "d": {"format": "date", "default": "2026-01-31"},
        "i": {"items": {"type": "array", "items": {"enum": [0], "title": "zero"}}},
    },
}
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.sampled_from(_FLOATS) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=2),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None, database=None)
@given(
    arguments=st.dictionaries(
        st.sampled_from(sorted(_SYNTHETIC["properties"])) | _UNKNOWN,
        _JSON
        | st.sampled_from([0, 1, 1.0, True, False, [1, False], [1.0, 0], {"a": 1}, {"a": True}])
        | st.sampled_from(["a", "ab", "\U0001f600\u200b", "abcd", "2026-02-29", "2024-02-29"]),
        max_size=8,
    )
)
def test_the_keywords_mean_what_jsonschema_says_beyond_the_served_schemas(
    arguments: dict[str, Any],
) -> None:
    check = compile_arguments("synthetic", _SYNTHETIC)
    mine = checked(check, arguments)
    assert _same(mine) == _same(reference.checked(reference.validator(_SYNTHETIC), arguments))


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("search_tickets", {n: True for n in ("agent_id", "client_id", "date_field",
         "date_from", "date_to", "limit", "order_by", "page", "sla", "status_id", "text",
         "ticket_type_id", "descending", "open_only")}),
        ("update_tickets", {"ticket_ids": [True, 0, 1.5, "x", None] * 10, "agent_id": -1}),
        ("create_ticket", {"summary": 1, "client_id": 1e300, "agent_id": -1, "status_id": -1,
         "priority_id": [], "category": {}, "details": 2, "resolution": 3, "site_id": 0,
         "team": 4, "ticket_type_id": 0, "user_id": 0, "dry_run": "yes"}),
    ],
)  # fmt: skip
def test_of_more_problems_than_a_refusal_lists_the_same_ten_are_shown(
    tool: str, arguments: dict[str, Any], both: dict[str, tuple[Any, Any]]
) -> None:
    check, validator = both[tool]
    assert len(list(validator.iter_errors(arguments))) > 10
    mine = checked(check, arguments)
    assert mine == reference.checked(validator, arguments)


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("create_ticket", {"client_id": 1e300, "summary": None}),
        ("update_tickets", {"ticket_ids": [1] * 51, "team": "t" * 101}),
        ("search_tickets", {"sla": ["met"] * 6, "date_from": "2026-02-30", "limit": 1.0}),
        ("search_tickets", {"date_to": "2026-01-31\n", "text": "\U0001f600" * 201}),
        ("get_ticket", {"ticket_id": "5001", "include_actions": "5"}),
        ("search_tickets", {"agent_id": "5001", "page": "0", "limit": "101"}),
    ],
)
def test_known_hard_cases_match_jsonschema(
    tool: str, arguments: dict[str, Any], both: dict[str, tuple[Any, Any]]
) -> None:
    check, validator = both[tool]
    mine = checked(check, arguments)
    assert mine == reference.checked(validator, arguments)
    assert mine[1], "each of these is refused"


# --- The same, through a real MCP client ---------------------------------------------------


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[tuple[BlockingPortal, Client]]:
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(Client(_server(sandbox))) as connected,
    ):
        yield portal, connected


def _finite(value: Any) -> bool:
    """JSON can carry it as sent: the in-process client would send NaN and infinities
    as null."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(map(_finite, value))
    if isinstance(value, dict):
        return all(map(_finite, value.values()))
    return True


@settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_refused_call_reads_as_jsonschema_would_have_worded_it(
    data: st.DataObject,
    schemas: dict[str, Schema],
    both: dict[str, tuple[Any, Any]],
    client: tuple[BlockingPortal, Client],
) -> None:
    tool = data.draw(st.sampled_from(sorted(schemas)))
    arguments = data.draw(_arguments(schemas[tool]).filter(lambda a: isinstance(a, dict)))
    _, problems = reference.checked(both[tool][1], arguments)
    # Only refusals: an accepted call would run the tool (and its writes).
    assume(problems and _finite(arguments))
    portal, connected = client
    text = refusal(portal.call(connected.call_tool, tool, arguments))
    assert text == reference.refusal_text(tool, problems)
