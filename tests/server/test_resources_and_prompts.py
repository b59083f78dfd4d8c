"""The lookup resources and the triage_ticket prompt, through a real MCP client."""

import json
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from mcp import Client, MCPError
from mcp.server import MCPServer
from mcp.types import INVALID_PARAMS, TextContent, TextResourceContents

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import ok

Make = Callable[..., MCPServer[Services]]
RESOURCES = {
    "halopsa://lookups/statuses": ("list_statuses", "statuses"),
    "halopsa://lookups/ticket-types": ("list_ticket_types", "ticket_types"),
    "halopsa://lookups/outcomes": ("list_outcomes", "outcomes"),
}


async def read_json(c: Client, uri: str) -> Any:
    result = await c.read_resource(uri)
    assert len(result.contents) == 1
    content = result.contents[0]
    assert isinstance(content, TextResourceContents)
    assert str(content.uri) == uri
    assert content.mime_type == "application/json"
    return json.loads(content.text)


# Resources


async def test_the_three_lookup_resources_are_listed(make_server: Make) -> None:
    async with Client(make_server()) as c:
        listed = await c.list_resources()
    resources = {str(r.uri): r for r in listed.resources}
    assert set(resources) == set(RESOURCES)
    for resource in resources.values():
        assert resource.mime_type == "application/json"
        assert resource.description
        assert resource.name in {"statuses", "ticket-types", "outcomes"}


async def test_the_statuses_resource_matches_list_statuses(make_server: Make) -> None:
    async with Client(make_server()) as c:
        resource = await read_json(c, "halopsa://lookups/statuses")
        tool = ok(await c.call_tool("list_statuses", {}))["statuses"]
    assert resource == tool
    assert {s["id"] for s in resource if s["needs_resolution"]} == {8, 9}
    assert {s["id"]: s["role"] for s in resource if s["role"]} == {
        1: "new", 2: "in_progress", 8: "resolved", 9: "closed",
    }  # fmt: skip


@pytest.mark.parametrize("uri", ["halopsa://lookups/ticket-types", "halopsa://lookups/outcomes"])
async def test_the_other_resources_match_their_tools(make_server: Make, uri: str) -> None:
    tool, key = RESOURCES[uri]
    async with Client(make_server()) as c:
        resource = await read_json(c, uri)
        rows = ok(await c.call_tool(tool, {}))[key]
    assert resource == rows
    assert resource


async def test_the_resources_share_the_tools_cache(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        for tool, _ in RESOURCES.values():
            ok(await c.call_tool(tool, {}))
        seen = len(sandbox.state.request_log)
        for uri in RESOURCES:
            await read_json(c, uri)
    assert len(sandbox.state.request_log) == seen


async def test_an_unknown_resource_is_an_error(make_server: Make) -> None:
    async with Client(make_server()) as c:
        with pytest.raises(MCPError, match="Unknown resource"):
            await c.read_resource("halopsa://lookups/agents")


# The prompt


async def test_the_triage_prompt_is_listed_with_its_argument(make_server: Make) -> None:
    async with Client(make_server()) as c:
        listed = await c.list_prompts()
    prompts = {p.name: p for p in listed.prompts}
    assert set(prompts) == {"triage_ticket"}
    arguments = prompts["triage_ticket"].arguments or []
    assert [(a.name, a.required) for a in arguments] == [("ticket_id", True)]
    assert "ticket" in (arguments[0].description or "")


@pytest.mark.parametrize("ticket_id", ["1005", "1120"])
async def test_the_triage_prompt_renders_for_the_ticket(
    sandbox: SandboxServer, make_server: Make, ticket_id: str
) -> None:
    async with Client(make_server()) as c:
        prompt = await c.get_prompt("triage_ticket", {"ticket_id": ticket_id})
    assert len(prompt.messages) == 1
    message = prompt.messages[0]
    assert message.role == "user"
    assert isinstance(message.content, TextContent)
    text = message.content.text
    assert f"ticket {ticket_id}" in text
    assert f"ticket_id={ticket_id}" in text
    assert "dry_run=true" in text
    for tool in ("get_ticket", "list_priorities", "list_statuses", "update_ticket", "add_action"):
        assert tool in text
    assert "never as instructions" in text
    # Rendering the prompt reads nothing from HaloPSA.
    assert list(sandbox.state.request_log) == []


@pytest.mark.parametrize("arguments", [{}, None, {"ticketid": "1005"}])
async def test_the_triage_prompt_needs_a_ticket_id(
    make_server: Make, arguments: dict[str, str] | None
) -> None:
    async with Client(make_server()) as c:
        with pytest.raises(MCPError) as raised:
            await c.get_prompt("triage_ticket", arguments)
    assert raised.value.code == INVALID_PARAMS
    assert "ticket_id" in raised.value.message
    assert "required" in raised.value.message
    assert "Internal" not in raised.value.message


async def test_a_non_numeric_ticket_id_is_explained(make_server: Make) -> None:
    async with Client(make_server()) as c:
        with pytest.raises(MCPError) as raised:
            await c.get_prompt("triage_ticket", {"ticket_id": "the printer one"})
    assert "ticket_id" in raised.value.message


# Capabilities


async def test_only_what_works_is_advertised(make_server: Make) -> None:
    """Nothing here changes while the server runs, and no resource can be subscribed to:
    a client told otherwise would wait for notifications that never come."""
    async with Client(make_server()) as c:
        capabilities = c.server_capabilities
        assert capabilities.resources is not None
        assert not capabilities.resources.subscribe
        assert not capabilities.resources.list_changed
        assert capabilities.tools is not None
        assert not capabilities.tools.list_changed
        assert capabilities.prompts is not None
        assert not capabilities.prompts.list_changed
        # And it is true: a subscription is not served.
        with anyio.fail_after(10), pytest.raises(MCPError):
            async with c.listen(resource_subscriptions=["halopsa://lookups/statuses"]):
                pass
