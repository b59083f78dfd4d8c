"""Issue 11's context budgets, as sizes (deterministic, so a test and not a benchmark):
what every session pays before its first call, and the largest everyday answer.

Sizes are compact JSON in KB of 1,000 bytes, as bench/economy.py measures them.
"""

import json
from collections.abc import Callable
from typing import Any

from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.server.services import Services

Make = Callable[..., MCPServer[Services]]


def _kb(value: Any) -> float:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()) / 1000


async def _tools(make_server: Make) -> list[dict[str, Any]]:
    async with Client(make_server()) as c:
        tools = (await c.list_tools()).tools
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]


async def test_the_tools_a_model_reads_fit_in_12_kb(make_server: Make) -> None:
    read = [
        {k: t[k] for k in ("name", "description", "inputSchema") if k in t}
        for t in await _tools(make_server)
    ]
    assert _kb(read) <= 12


async def test_the_whole_tools_list_fits_in_20_kb(make_server: Make) -> None:
    assert _kb(await _tools(make_server)) <= 20


async def test_a_50_row_search_reads_in_8_kb(make_server: Make) -> None:
    async with Client(make_server()) as c:
        result = await c.call_tool("search_tickets", {"limit": 50, "open_only": False})
    assert not result.is_error
    assert len(result.structured_content["tickets"]) == 50  # type: ignore[index]
    assert len(result.content[0].text.encode()) / 1000 <= 8  # type: ignore[union-attr]


async def test_optional_arguments_sent_as_null_count_as_not_given(make_server: Make) -> None:
    # The compact schemas leave null out of the types; a model sending one is not refused.
    async with Client(make_server()) as c:
        given = await c.call_tool("search_tickets", {"limit": 2, "text": None, "sla": None})
        plain = await c.call_tool("search_tickets", {"limit": 2})
        refused = await c.call_tool("get_ticket", {"ticket_id": None})
    assert not given.is_error
    assert given.structured_content == plain.structured_content
    assert refused.is_error
    assert "ticket_id: must be of type integer" in refused.content[0].text  # type: ignore[union-attr]


async def test_the_compact_schemas_keep_every_constraint(make_server: Make) -> None:
    async with Client(make_server()) as c:
        result = await c.call_tool(
            "search_tickets", {"client_id": 0, "status_id": "x" * 101, "limit": 101}
        )
    text = result.content[0].text  # type: ignore[union-attr]
    assert result.is_error
    for problem in (
        "client_id: must be at least 1",
        "status_id: must have at most 100 characters",
        "limit: must be at most 100",
    ):
        assert problem in text, text


async def test_an_unknown_argument_sent_as_null_is_still_refused(make_server: Make) -> None:
    async with Client(make_server()) as c:
        result = await c.call_tool("add_action", {"ticket_id": 1001, "priority": None})
    assert result.is_error
    assert "'priority': no such argument" in result.content[0].text  # type: ignore[union-attr]
