"""Read-only mode and tool allow/deny lists: hidden tools are gone, not merely unlisted."""

from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.config import ConfigError
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.http import http_app
from halopsa_mcp.server.policy import exposed_tools
from halopsa_mcp.server.services import Services

from .conftest import ok, records, writes
from .served import served
from .test_http import TOKEN, mcp_client

Make = Callable[..., MCPServer[Services]]
WRITES = {"create_ticket", "update_ticket", "update_tickets", "add_action", "upload_attachment"}
CREATE = {"summary": "Scanner offline", "client_id": 23, "ticket_type_id": 1}


@pytest.mark.parametrize(
    ("read_only", "allow", "deny", "expected"),
    [
        (False, set(), set(), {"r1", "r2", "w1", "w2"}),
        (True, set(), set(), {"r1", "r2"}),
        (False, {"r1", "w1"}, set(), {"r1", "w1"}),
        (False, {"r1", "w1"}, {"w1"}, {"r1"}),  # deny wins over allow
        (True, {"w1", "r2"}, set(), {"r2"}),  # read-only wins over allow
        (False, set(), {"r1", "r2", "w1", "w2"}, set()),
    ],
)
def test_exposed_tools(
    read_only: bool, allow: set[str], deny: set[str], expected: set[str]
) -> None:
    flags = {"r1": True, "r2": True, "w1": False, "w2": False}
    got = exposed_tools(flags, read_only=read_only, allow=frozenset(allow), deny=frozenset(deny))
    assert got == expected


def same_as_unknown(result: Any, tool: str) -> dict[str, Any]:
    """The result with the tool's name replaced, to compare with a never-existing tool."""
    dumped: dict[str, Any] = result.model_dump(mode="json")
    text = dumped["content"][0]["text"].replace(tool, "TOOL")
    dumped["content"][0]["text"] = text
    return dumped


async def test_read_only_hides_writes_and_refuses_them_like_unknown_tools(
    sandbox: SandboxServer, make_server: Make
) -> None:
    before = records(sandbox)
    async with Client(make_server(HALOPSA_READ_ONLY="true")) as c:
        listed = {t.name for t in (await c.list_tools()).tools}
        hidden = await c.call_tool("create_ticket", CREATE)
        never = await c.call_tool("no_such_tool", {})
        prompts = (await c.list_prompts()).prompts
        assert ok(await c.call_tool("search_tickets", {"limit": 1}))["tickets"]
    assert not listed & WRITES
    assert hidden.is_error
    assert prompts == []  # the triage prompt would point at write tools
    assert same_as_unknown(hidden, "create_ticket") == same_as_unknown(never, "no_such_tool")
    assert records(sandbox) == before
    assert writes(sandbox) == []


async def test_deny_wins_over_allow(sandbox: SandboxServer, make_server: Make) -> None:
    server = make_server(
        HALOPSA_TOOLS_ALLOW="get_ticket,create_ticket", HALOPSA_TOOLS_DENY="create_ticket"
    )
    async with Client(server) as c:
        listed = {t.name for t in (await c.list_tools()).tools}
        denied = await c.call_tool("create_ticket", CREATE)
        unlisted = await c.call_tool("search_tickets", {})
    assert listed == {"get_ticket"}
    assert denied.is_error
    assert unlisted.is_error
    assert writes(sandbox) == []


def test_a_misspelt_tool_in_the_lists_stops_the_server(make_server: Make) -> None:
    with pytest.raises(ConfigError, match="create_tickets"):
        make_server(HALOPSA_TOOLS_DENY="create_tickets")


async def test_read_only_holds_at_call_time_over_http(
    sandbox: SandboxServer, make_server: Make
) -> None:
    app = http_app(
        make_server(HALOPSA_READ_ONLY="1"), host="127.0.0.1", token=TOKEN, stateless=True
    )
    with served(app) as url:
        async with mcp_client(url, TOKEN.get_secret_value()) as c:
            listed = {t.name for t in (await c.list_tools()).tools}
            refused = await c.call_tool("add_action", {"ticket_id": 1001, "note": "x"})
    assert not listed & WRITES
    assert refused.is_error
    assert "add_action" in refused.content[0].text  # type: ignore[union-attr]
    assert writes(sandbox) == []
