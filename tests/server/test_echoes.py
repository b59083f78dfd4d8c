"""Caller values a tool error quotes back: short, and with invisible characters spelled out."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.server import MCPServer
from mcp.types import INVALID_PARAMS

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import refusal, writes

Make = Callable[..., MCPServer[Services]]
HUGE = "bad name " + "x" * 1_000_000


async def refused(server: MCPServer[Services], tool: str, arguments: dict[str, Any]) -> str:
    async with Client(server) as c:
        return refusal(await c.call_tool(tool, arguments))


def quoted_line(text: str, field: str) -> str:
    [line] = [line for line in text.splitlines() if line.startswith(f"- {field}")]
    return line


async def test_a_huge_extra_field_name_is_echoed_short(make_server: Make) -> None:
    text = await refused(make_server(), "get_ticket", {"ticket_id": 1001, "extra_fields": [HUGE]})
    line = quoted_line(text, "extra_fields")
    assert "'bad name xxx" in line
    assert "…'" in line  # marked as cut
    assert len(text) < 1000


async def test_a_huge_unknown_argument_name_is_echoed_short(make_server: Make) -> None:
    text = await refused(make_server(), "get_ticket", {"ticket_id": 1001, HUGE: 1})
    assert "…'" in text
    assert len(text) < 1000


@pytest.mark.parametrize(
    ("hidden", "shown"),
    [("\u202e", "\\u202e"), ("\u200b", "\\u200b"), ("\ufe0f", "\\ufe0f"), ("\n", "\\n")],
)
async def test_invisible_characters_in_an_echoed_value_are_spelled_out(
    make_server: Make, hidden: str, shown: str
) -> None:
    name = f"fix{hidden}bydate"
    text = await refused(make_server(), "get_ticket", {"ticket_id": 1001, "extra_fields": [name]})
    line = quoted_line(text, "extra_fields")
    assert f"'fix{shown}bydate'" in line
    assert hidden not in line


async def test_a_long_team_name_is_echoed_short(sandbox: SandboxServer, make_server: Make) -> None:
    team = "Nobody " + "y" * 92
    text = await refused(make_server(), "update_ticket", {"ticket_id": 1001, "team": team})
    line = quoted_line(text, "team")
    assert "'Nobody yyy" in line
    assert "…'" in line
    assert team not in text
    assert writes(sandbox) == []


async def test_a_long_path_is_echoed_short(make_server: Make, tmp_path: Path) -> None:
    path = "relative/" + "z" * 4000
    text = await refused(
        make_server(HALOPSA_ATTACHMENT_DIRS=str(tmp_path)),
        "upload_attachment",
        {"ticket_id": 1001, "path": path},
    )
    line = quoted_line(text, "path")
    assert "'relative/zzz" in line
    assert "…'" in line
    assert len(text) < 1000


async def test_a_path_with_a_nul_character_says_so(
    sandbox: SandboxServer, make_server: Make, tmp_path: Path
) -> None:
    text = await refused(
        make_server(HALOPSA_ATTACHMENT_DIRS=str(tmp_path)),
        "upload_attachment",
        {"ticket_id": 1001, "path": "/srv/report.txt\x00.png"},
    )
    line = quoted_line(text, "path")
    assert "contains a NUL character" in line
    assert "not an absolute path" not in line
    assert "\\x00" in line  # shown where it is
    assert writes(sandbox) == []


# Names of things that do not exist, echoed by the answer that says so


async def test_a_huge_unknown_tool_name_is_echoed_short(make_server: Make) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("no_such_tool_" + "t" * 100_000, {}))
        plain = refusal(await c.call_tool("no_such_tool", {}))
    assert text.startswith("Unknown tool: 'no_such_tool_ttt")
    assert text.endswith("…'")
    assert len(text) < 200
    assert plain == "Unknown tool: no_such_tool"  # as the SDK words it


async def test_an_unknown_prompt_is_named_short(make_server: Make) -> None:
    async with Client(make_server()) as c:
        with pytest.raises(MCPError) as raised:
            await c.get_prompt("triage_" + "p" * 100_000, {"ticket_id": "1005"})
    assert raised.value.code == INVALID_PARAMS
    assert "Unknown prompt: 'triage_ppp" in raised.value.message
    assert "triage_ticket" in raised.value.message  # what there is instead
    assert len(raised.value.message) < 300


async def test_an_unknown_resource_is_named_short(make_server: Make) -> None:
    async with Client(make_server()) as c:
        with pytest.raises(MCPError) as raised:
            await c.read_resource("halopsa://lookups/" + "r" * 100_000)
    error = raised.value
    assert "Unknown resource: 'halopsa://lookups/rrr" in error.message
    assert len(error.message) + len(str(error.error.data or "")) < 300


# Many bad arguments in one call: the answer lists a few and counts the rest, and the
# check stops early instead of walking every element.


async def test_thousands_of_unknown_argument_names_get_a_short_answer(make_server: Make) -> None:
    names = {f"k{i:05}": 1 for i in range(20_000)}
    text = await refused(make_server(), "get_ticket", {"ticket_id": 1001, **names})
    assert "'k00000': no such argument" in text
    assert "and 19,990 more unknown arguments" in text
    assert len(text) < 2000


async def test_an_over_long_list_is_refused_without_checking_each_element(
    make_server: Make,
) -> None:
    text = await refused(
        make_server(), "get_ticket", {"ticket_id": 1001, "extra_fields": [1] * 20_000}
    )
    assert "- extra_fields: must have at most 20 items" in text
    assert len(text) < 2000
