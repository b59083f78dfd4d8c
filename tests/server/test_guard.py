"""The argument guard: every tools/call is checked against the tool's schema first."""

from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import ok, records, refusal, writes

Make = Callable[..., MCPServer[Services]]
TICKET = 1001


async def guarded(
    sandbox: SandboxServer, server: MCPServer[Services], tool: str, arguments: dict[str, Any]
) -> str:
    """The guard's refusal of one call, after proving it changed and sent nothing."""
    before = records(sandbox)
    async with Client(server) as c:
        text = refusal(await c.call_tool(tool, arguments))
    assert text.startswith(f"Nothing was done: {tool} was called with invalid arguments."), text
    assert "validation error" not in text.lower()
    assert "pydantic" not in text.lower()
    assert "Traceback" not in text
    assert records(sandbox) == before
    assert writes(sandbox) == []
    return text


def problem_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


# Unknown argument names


@pytest.mark.parametrize(
    ("tool", "arguments", "wrong", "meant"),
    [
        ("update_ticket", {"ticket_id": TICKET, "priority": 1}, "priority", "priority_id"),
        ("update_ticket", {"ticket_id": TICKET, "status": 8}, "status", "status_id"),
        ("create_ticket", {"summary": "Printer jam", "client_id": 15, "priorty_id": 2},
         "priorty_id", "priority_id"),
        ("add_action", {"ticket_id": TICKET, "note": "Rebooted", "outcome": 1},
         "outcome", "outcome_id"),
        ("search_tickets", {"clientid": 15}, "clientid", "client_id"),
    ],
)  # fmt: skip
async def test_a_near_miss_argument_is_refused_with_a_suggestion(
    sandbox: SandboxServer, make_server: Make, tool: str, arguments: dict[str, Any],
    wrong: str, meant: str,
) -> None:  # fmt: skip
    text = await guarded(sandbox, make_server(), tool, arguments)
    assert f"- '{wrong}': no such argument (did you mean '{meant}'?)" in text
    assert len(problem_lines(text)) == 1


async def test_an_unlike_argument_is_refused_without_a_suggestion(
    sandbox: SandboxServer, make_server: Make
) -> None:
    text = await guarded(
        sandbox, make_server(), "update_ticket", {"ticket_id": TICKET, "xyzzy": "plugh"}
    )
    assert "- 'xyzzy': no such argument" in text
    assert "did you mean" not in text


async def test_an_unknown_argument_stops_an_otherwise_valid_write(
    sandbox: SandboxServer, make_server: Make
) -> None:
    """Without the guard the SDK drops 'priority' and the update would go through."""
    status_before = sandbox.state.tickets[TICKET].status_id
    await guarded(
        sandbox, make_server(), "update_ticket",
        {"ticket_id": TICKET, "status_id": 2, "priority": 1},
    )  # fmt: skip
    assert sandbox.state.tickets[TICKET].status_id == status_before


async def test_every_problem_is_listed_at_once(sandbox: SandboxServer, make_server: Make) -> None:
    text = await guarded(
        sandbox, make_server(), "search_tickets",
        {"clientid": 15, "limit": "five", "open_only": 1, "page": 0},
    )  # fmt: skip
    lines = problem_lines(text)
    assert len(lines) == 4, text
    for field in ("'clientid'", "limit", "open_only", "page"):
        assert any(line.startswith(f"- {field}:") for line in lines), (field, text)


# Wrong types and out-of-range values


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        ("get_ticket", {"ticket_id": "1001"}, "- ticket_id: must be of type integer"),
        ("get_ticket", {"ticket_id": 1001.5}, "- ticket_id: must be of type integer"),
        ("get_ticket", {"ticket_id": True}, "- ticket_id: must be of type integer"),
        ("search_tickets", {"limit": "2.5"}, "- limit: must be of type integer"),
        ("update_ticket", {"ticket_id": TICKET, "status_id": 2.5},
         "- status_id: must be of type integer"),
        ("update_ticket", {"ticket_id": TICKET, "status_id": 2, "dry_run": 1},
         "- dry_run: must be of type boolean"),
        ("search_tickets", {"open_only": 0}, "- open_only: must be of type boolean"),
        ("update_ticket", {"ticket_id": TICKET, "summary": ["New", "title"]},
         "- summary: must be of type string"),
        ("search_tickets", {"text": ["printer"]}, "- text: must be of type string"),
        ("search_tickets", {"limit": 0}, "- limit: must be at least 1"),
        ("search_tickets", {"limit": 101}, "- limit: must be at most 100"),
        ("get_ticket", {"ticket_id": -5}, "- ticket_id: must be at least 1"),
        ("update_ticket", {"ticket_id": 0, "status_id": 2}, "- ticket_id: must be at least 1"),
        ("search_tickets", {"date_field": "yesterday"},
         "- date_field: must be one of 'opened', 'closed'"),
        ("get_ticket", {"ticket_id": TICKET, "extra_fields": "fixbydate"},
         "- extra_fields: must be of type array"),
    ],
)  # fmt: skip
async def test_a_badly_typed_or_out_of_range_value_names_its_field(
    sandbox: SandboxServer, make_server: Make, tool: str, arguments: dict[str, Any],
    expected: str,
) -> None:  # fmt: skip
    text = await guarded(sandbox, make_server(), tool, arguments)
    assert expected in text, text


@pytest.mark.parametrize("value", ["31/01/2026", "2026-13-45", "tomorrow", "2026-01-31T10:00"])
async def test_a_bad_date_names_its_field(
    sandbox: SandboxServer, make_server: Make, value: str
) -> None:
    text = await guarded(sandbox, make_server(), "search_tickets", {"date_from": value})
    assert [line.split(":")[0] for line in problem_lines(text)] == ["- date_from"]


@pytest.mark.parametrize(
    ("tool", "arguments", "expected"),
    [
        pytest.param("search_tickets", {"date_from": "31/01/2026"}, "2026-01-31", id="date"),
        pytest.param("list_statuses", {"ticket_type_id": 0}, "at least 1", id="minimum"),
        pytest.param("search_tickets", {"text": "x" * 300}, "at most 200", id="max-length"),
        pytest.param("search_tickets", {"client_id": -3}, "at least 1", id="negative-id"),
    ],
)
async def test_an_optional_arguments_message_says_what_is_wrong(
    sandbox: SandboxServer, make_server: Make, tool: str, arguments: dict[str, Any],
    expected: str,
) -> None:  # fmt: skip
    text = await guarded(sandbox, make_server(), tool, arguments)
    assert expected in text, text
    assert "must be of type" not in text, text


@pytest.mark.parametrize(
    ("tool", "arguments", "missing"),
    [
        ("get_ticket", {}, ["ticket_id"]),
        ("update_ticket", {"status_id": 2}, ["ticket_id"]),
        ("create_ticket", {}, ["client_id", "summary"]),
        ("create_ticket", {"summary": "Laptop will not boot"}, ["client_id"]),
        ("list_attachments", {}, ["ticket_id"]),
    ],
)
async def test_missing_required_arguments_are_named(
    sandbox: SandboxServer, make_server: Make, tool: str, arguments: dict[str, Any],
    missing: list[str],
) -> None:  # fmt: skip
    text = await guarded(sandbox, make_server(), tool, arguments)
    assert sorted(problem_lines(text)) == [f"- {name}: is required" for name in missing]


async def test_no_halopsa_request_is_made_for_a_refused_call(
    sandbox: SandboxServer, make_server: Make
) -> None:
    await guarded(sandbox, make_server(), "get_ticket", {"ticket_id": "1001"})
    assert list(sandbox.state.request_log) == []


# Hostile argument names


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("x" * 5000, id="very-long"),
        pytest.param("a\x00b\x1b[31mc\nd\re\u202ef\u200bg", id="control-characters"),
        pytest.param("<img src=x onerror=alert(1)>" * 20, id="html"),
        pytest.param("\x00\x01\x02", id="only-control-characters"),
    ],
)
async def test_hostile_argument_names_are_echoed_short_and_printable(
    sandbox: SandboxServer, make_server: Make, name: str
) -> None:
    text = await guarded(
        sandbox, make_server(), "update_ticket", {"ticket_id": TICKET, name: "x", "status_id": 2}
    )
    lines = problem_lines(text)
    assert len(lines) == 1, text
    echoed = lines[0].removeprefix("- ").split(": no such argument")[0]
    assert echoed.startswith("'")
    assert echoed.endswith("'")
    assert len(echoed) <= 62
    assert echoed.isprintable()
    assert all(line.isprintable() for line in text.splitlines())
    assert len(text) < 400


# Unknown tools and valid calls


async def test_an_unknown_tool_is_answered_as_the_sdk_answers_it(make_server: Make) -> None:
    bare: MCPServer[Any] = MCPServer("bare")
    async with Client(bare) as c:
        expected = await c.call_tool("delete_all_tickets", {"confirm": True})
    async with Client(make_server()) as c:
        got = await c.call_tool("delete_all_tickets", {"confirm": True})
    assert got.is_error is True
    assert expected.is_error is True
    assert got.content == expected.content
    assert "delete_all_tickets" in refusal(got)


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("get_ticket", {"ticket_id": TICKET, "include_actions": 2, "extra_fields": ["fixbydate"]}),
        ("search_tickets", {"text": None, "client_id": None, "limit": 100, "page": 1,
                            "date_from": "2026-01-01", "date_to": None}),
        ("list_statuses", {"ticket_type_id": None}),
        ("update_ticket", {"ticket_id": TICKET, "status_id": 2, "dry_run": True}),
        ("list_ticket_types", {}),
    ],
)  # fmt: skip
async def test_valid_calls_pass_through(
    sandbox: SandboxServer, make_server: Make, tool: str, arguments: dict[str, Any]
) -> None:
    async with Client(make_server()) as c:
        ok(await c.call_tool(tool, arguments))
    assert writes(sandbox) == []


async def test_a_valid_write_passes_through(sandbox: SandboxServer, make_server: Make) -> None:
    async with Client(make_server()) as c:
        ok(await c.call_tool("update_ticket", {"ticket_id": TICKET, "status_id": 2}))
    assert sandbox.state.tickets[TICKET].status_id == 2
    assert writes(sandbox) == ["POST /api/Tickets"]
