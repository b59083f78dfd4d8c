"""Property 2: read tools, called with schema-valid arguments, answer or say clearly why not.

IDs are drawn mostly from what the sandbox holds (tickets 1001-1120, its clients, statuses,
agents, ticket types) and sometimes from far outside it; text filters carry markup,
invisible characters and injections. Every call must succeed, or fail with a clear
"does not exist" style reason; what succeeds never carries live markup or invisible
characters to the model; and nothing is ever written.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halopsa_mcp.sandbox import SandboxServer
from tests.server.conftest import writes

from .conftest import UNSAFE, Session, error_text, fuzz_settings, live, no_leak
from .strategies import fields_of, hostile_text, valid_value

# list_ticket_types takes no arguments: nothing to fuzz (it is read in the test below).
READ_TOOLS = [
    "search_tickets",
    "get_ticket",
    "list_actions",
    "list_attachments",
    "list_statuses",
    "list_priorities",
    "list_outcomes",
    "search_directory",
]

FUZZ = fuzz_settings(30)

# Raw HaloPSA ticket fields (some the sandbox has, some it does not) and names that are not.
FIELD_NAMES = (
    "fixbydate",
    "respondbydate",
    "details",
    "details_html",
    "summary",
    "closure_note",
    "reportedby",
    "category_2",
    "timetaken",
    "onhold",
    "customfields",
    "site_name",
    "user_email",
    "nosuchfield",
    "x",
    "A" * 64,
)
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


# Mostly IDs the sandbox has; the rest anywhere the live schema allows.
LIKELY_IDS: dict[str, st.SearchStrategy[Any]] = {
    "ticket_id": st.integers(1001, 1120),
    "client_id": st.integers(12, 34),
    "status_id": st.integers(0, 24),
    "agent_id": st.integers(0, 10),
    "ticket_type_id": st.integers(1, 6),
}
EXTRA_FIELDS = st.lists(st.one_of(st.sampled_from(FIELD_NAMES), hostile_text(20)), max_size=20)


@st.composite
def read_arguments(draw: st.DrawFn, input_schema: dict[str, Any]) -> dict[str, Any]:
    arguments = {}
    for f in fields_of(input_schema):
        if not f.required and draw(st.booleans()):
            continue
        if f.name in LIKELY_IDS:
            likely = LIKELY_IDS[f.name]
            strategy = st.one_of(likely, likely, likely, valid_value(f))
        elif f.name == "extra_fields":
            strategy = EXTRA_FIELDS
        else:
            strategy = valid_value(f)
        arguments[f.name] = draw(strategy)
    return arguments


# Why a read may fairly fail with valid arguments: an ID the instance does not have, a
# backwards date range, or an extra field name that is not one.
CLEAR_REASONS = re.compile(
    r"Ticket \d+ does not exist\. Find the right ID with search_tickets\."
    r"|- (status_id|agent_id|ticket_type_id): (status|agent|ticket type) \d+ does not exist\."
    r"|- date_from: is after date_to\."
    r"|- extra_fields: .* is not a field name\."
    r"|- read_id: attachment \d+ is not one of ticket \d+'s\."
    r"|- client_id: (is empty|only kind=users takes it.*)\. Fix: "
    r"|- (client|status|agent|ticket_type|priority|user)_id: (no [a-z ]+ is named like .*"
    r"|.* matches \d+ [a-z ]+|[a-z ]+ names cannot be matched.*)\. Fix: "
)


def invisible(value: Any) -> list[str]:
    """Control and format characters (newline and tab aside) in any string of ``value``."""
    if isinstance(value, str):
        return [ch for ch in value if ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cf")]
    if isinstance(value, dict):
        return [ch for k, v in value.items() for ch in invisible(k) + invisible(v)]
    if isinstance(value, list):
        return [ch for v in value for ch in invisible(v)]
    return []


def check_shown(result_text: str, structured: Any) -> None:
    for unsafe in UNSAFE:
        assert unsafe not in result_text, f"{unsafe!r} reached the model"
    assert not invisible(structured), f"invisible characters reached the model: {structured!r}"


@pytest.mark.parametrize("tool", READ_TOOLS)
@FUZZ
@given(data=st.data())
def test_reads_answer_or_say_why_and_never_write(
    sandbox: SandboxServer, session: Session, tool: str, data: st.DataObject
) -> None:
    arguments = data.draw(read_arguments(session.schema(tool)), label="arguments")
    session.examples += 1
    before = session.baseline(sandbox)

    result = session.call(tool, arguments)

    shown = no_leak(result, arguments)
    if result.is_error:
        text = error_text(result)
        assert "called with invalid arguments" not in text, text  # they fit the schema
        assert CLEAR_REASONS.search(text), text
        if tool == "get_ticket" and arguments["ticket_id"] in sandbox.state.tickets:
            assert "is not a field name" in text, text
    else:
        check_shown(shown, result.structured_content)
        _check_answer(sandbox, tool, arguments, result.structured_content or {})
    assert live(sandbox) == before
    assert writes(sandbox) == []


def _check_answer(
    sandbox: SandboxServer, tool: str, arguments: dict[str, Any], answer: dict[str, Any]
) -> None:
    """The answer is about what was asked for."""
    if tool == "get_ticket":
        assert answer["id"] == arguments["ticket_id"]
        assert len(answer["recent_actions"]) <= arguments.get("include_actions", 5)
        asked = arguments.get("extra_fields", [])
        assert all(_FIELD_NAME.fullmatch(name) for name in asked)
        assert set(answer["extra_fields"]) | set(answer["missing_fields"]) == set(asked)
    elif tool == "list_actions":
        assert answer["ticket_id"] == arguments["ticket_id"]
        assert len(answer["actions"]) <= arguments.get("limit", 20)
        assert all(a["ticket_id"] == arguments["ticket_id"] for a in answer["actions"])
    elif tool == "list_attachments":
        assert answer["ticket_id"] == arguments["ticket_id"]
        stored = [
            a for a in sandbox.state.attachments.values() if a.ticket_id == arguments["ticket_id"]
        ]
        assert len(answer["attachments"]) == len(stored)
    elif tool == "search_tickets":
        assert len(answer["tickets"]) <= arguments.get("limit", 20)
        if isinstance(arguments.get("client_id"), int):
            assert all(t["client_id"] == arguments["client_id"] for t in answer["tickets"])
    elif tool == "search_directory":
        rows = answer[arguments["kind"]]
        assert len(rows) <= arguments.get("limit", 20) <= 100
        assert answer["total"] >= len(rows)


def test_every_seeded_record_reads_safely(sandbox: SandboxServer, session: Session) -> None:
    """Not random: every seeded ticket (the hostile one included) with its recent actions
    and raw text fields, every ticket's attachments, and the lookup lists."""
    state = sandbox.state
    assert state.landmarks.hostile_ticket_id in state.tickets
    extra = ["details", "details_html", "closure_note", "summary", "reportedby"]
    calls: list[tuple[str, dict[str, Any]]] = [
        ("get_ticket", {"ticket_id": ticket_id, "include_actions": 50, "extra_fields": extra})
        for ticket_id in sorted(state.tickets)
    ]
    calls += [
        ("list_attachments", {"ticket_id": ticket_id})
        for ticket_id in sorted({a.ticket_id for a in state.attachments.values()})
    ]
    calls += [
        (tool, {})
        for tool in ("list_ticket_types", "list_statuses", "list_priorities", "list_outcomes")
    ]
    for tool, arguments in calls:
        result = session.call(tool, arguments)
        assert not result.is_error, error_text(result)
        check_shown(no_leak(result, arguments), result.structured_content)
    assert writes(sandbox) == []
