"""Property 1: arguments that break a tool's schema are refused before anything runs.

For every tool, from its live input schema: valid arguments with at least one deliberate
break (wrong JSON type, out of range, over length, not in the enum, not a date, too many
items, a required argument left out, an argument the tool does not have), with hostile
text everywhere. The call must return (no exception escapes), be refused by the argument
guard naming every break, leak no internals, and reach HaloPSA not at all.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic import SecretStr

from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.app import build_server
from halopsa_mcp.server.http import http_app
from tests.helpers import FAST, NO_WARM_UP, halo_settings
from tests.server.conftest import records, writes
from tests.server.served import served

from .conftest import LEAKS, Session, error_text, fuzz_settings, live, no_leak
from .strategies import hostile_text, invalid_arguments, json_values

SNAPSHOT = Path(__file__).parent.parent / "snapshots" / "tools.json"
TOOLS = sorted(t["name"] for t in json.loads(SNAPSHOT.read_text()))

FUZZ = fuzz_settings(40)


def problem_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


def test_the_fuzzed_tools_are_the_served_tools(session: Session) -> None:
    """TOOLS parametrizes the fuzzing; it must name every tool the server lists."""
    assert sorted(session.tools) == TOOLS


@pytest.mark.parametrize("tool", TOOLS)
@FUZZ
@given(data=st.data())
def test_schema_breaking_arguments_are_refused_and_touch_nothing(
    sandbox: SandboxServer, session: Session, tool: str, data: st.DataObject
) -> None:
    broken = data.draw(invalid_arguments(session.schema(tool)), label="broken")
    session.examples += 1
    state = sandbox.state
    before, sent_before = session.baseline(sandbox), len(state.request_log)

    result = session.call(tool, broken.arguments)

    no_leak(result, broken.arguments)
    text = error_text(result)
    assert text.startswith(f"Nothing was done: {tool} was called with invalid arguments."), text
    problems = problem_lines(text)
    for name in broken.bad_fields:
        named = (f"- {name}:", f"- {name}.", f"- '{name}':")
        assert any(p.startswith(named) for p in problems), (name, text)
    for name in broken.missing:
        assert f"- {name}: is required" in problems, (name, text)
    refused_names = [p for p in problems if p.startswith("- '") and "': no such argument" in p]
    assert len(refused_names) == len(broken.unknown), text
    # The guard answers before the tool runs: HaloPSA never hears of the call.
    assert len(state.request_log) == sent_before
    assert live(sandbox) == before
    assert writes(sandbox) == []


@FUZZ
@given(
    name=st.one_of(
        hostile_text(60),
        st.sampled_from(
            ["get_tickets", "Get_Ticket", "delete_ticket", "get_ticket ", "tools/call", ""]
        ),
    ),
    arguments=st.dictionaries(st.text(max_size=10), json_values, max_size=4),
)
def test_an_unknown_tool_is_refused_cleanly(
    sandbox: SandboxServer, session: Session, name: str, arguments: dict[str, Any]
) -> None:
    assume(name not in session.tools)
    session.examples += 1
    before = session.baseline(sandbox)
    result = session.call(name, arguments)
    assert result.is_error
    no_leak(result, {name: arguments})
    assert writes(sandbox) == []
    assert live(sandbox) == before


# --- Found by this fuzzing: numbers the schema accepted but pydantic did not ---------------
#
# jsonschema counts 1e20 as an integer (a float with no fraction) and any int as a number,
# so the guard let these through; pydantic then refused them and the SDK sent its
# "1 validation error for ...Arguments ... https://errors.pydantic.dev/..." text to the model.


def _leaks_pydantic(session: Session, tool: str, arguments: dict[str, Any]) -> None:
    result = session.call(tool, arguments)
    text = error_text(result)
    assert "pydantic" not in text, text
    assert "validation error" not in text, text


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("get_ticket", {"ticket_id": 1e20}),
        ("search_tickets", {"client_id": 1e300}),
        ("update_ticket", {"ticket_id": 1001, "agent_id": 9.3e18, "dry_run": True}),
    ],
)
def test_a_huge_integral_float_is_refused_without_pydantic_text(
    sandbox: SandboxServer, session: Session, tool: str, arguments: dict[str, Any]
) -> None:
    _leaks_pydantic(session, tool, arguments)
    assert writes(sandbox) == []


def test_an_int_beyond_float_range_is_refused_without_pydantic_text(
    sandbox: SandboxServer, session: Session
) -> None:
    _leaks_pydantic(
        session, "add_action", {"ticket_id": 1001, "note": "x", "time_minutes": 10**400}
    )
    assert writes(sandbox) == []


# --- Non-finite numbers, which only a raw JSON body can carry ------------------------------

TOKEN = SecretStr("fuzz-token-0123456789abcdef")
HEADERS = {
    "accept": "application/json, text/event-stream",
    "content-type": "application/json",
    "authorization": f"Bearer {TOKEN.get_secret_value()}",
    "mcp-protocol-version": "2025-06-18",
}


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    [
        ("add_action", {"ticket_id": 1001, "note": "Rebooted"}, "time_minutes"),
        ("add_action", {"note": "Rebooted"}, "ticket_id"),
        ("get_ticket", {"ticket_id": 1001}, "include_actions"),
        ("search_tickets", {}, "limit"),
        ("update_ticket", {"ticket_id": 1001}, "priority_id"),
        ("create_ticket", {"summary": "Printer jam", "ticket_type_id": 1}, "client_id"),
    ],
)
def test_non_finite_numbers_over_http_are_refused(
    sandbox: SandboxServer, tool: str, arguments: dict[str, Any], field: str
) -> None:
    """The in-process client turns NaN and infinities into null; a raw JSON body does not.
    (Python's JSON, and pydantic's, read NaN, Infinity and 1e999 as floats.)"""
    server = build_server(halo_settings(sandbox), ServerSettings.from_env(NO_WARM_UP), policy=FAST)
    app = http_app(server, host="127.0.0.1", token=TOKEN, stateless=True)
    before = records(sandbox)
    with served(app) as url:
        for literal in ("NaN", "Infinity", "-Infinity", "1e999", "-1e999"):
            body = json.dumps(
                {
                    "jsonrpc": "2.0",
                    "id": 1,
                    "method": "tools/call",
                    "params": {"name": tool, "arguments": {**arguments, field: "@@"}},
                }
            ).replace('"@@"', literal)
            answer = httpx.post(f"{url}/mcp", content=body, headers=HEADERS, timeout=10)
            assert answer.status_code == 200, answer.text
            result = answer.json()["result"]
            assert result["isError"] is True, (literal, result)
            text = "\n".join(block["text"] for block in result["content"])
            for leak in LEAKS:
                assert leak not in text, (literal, text)
            assert field in text, (literal, text)
    assert records(sandbox) == before
    assert writes(sandbox) == []
