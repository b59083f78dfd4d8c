"""The tools' interface (names, schemas, annotations, descriptions) is pinned in a snapshot.

Changing a tool's interface fails this test until the snapshot is updated on purpose:

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/server/test_tools_snapshot.py
"""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.server.services import Services

SNAPSHOT = Path(__file__).resolve().parents[1] / "snapshots" / "tools.json"
EXPECTED_TOOLS = {
    "search_tickets", "get_ticket", "create_ticket", "update_ticket", "update_tickets",
    "add_action", "list_actions", "upload_attachment", "list_attachments", "list_statuses",
    "list_priorities", "list_ticket_types", "list_outcomes", "search_directory",
}  # fmt: skip
WRITES = {"create_ticket", "update_ticket", "update_tickets", "add_action", "upload_attachment"}


async def listed_tools(make_server: Callable[..., MCPServer[Services]]) -> list[dict[str, Any]]:
    async with Client(make_server()) as c:
        tools = (await c.list_tools()).tools
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]


async def test_tools_match_the_snapshot(make_server: Callable[..., MCPServer[Services]]) -> None:
    current = await listed_tools(make_server)
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert SNAPSHOT.exists(), "no snapshot yet: run with UPDATE_SNAPSHOTS=1"
    assert current == json.loads(SNAPSHOT.read_text(encoding="utf-8")), (
        "a tool's interface changed; if on purpose, run with UPDATE_SNAPSHOTS=1"
    )


async def test_every_tool_is_fully_declared(
    make_server: Callable[..., MCPServer[Services]],
) -> None:
    tools = await listed_tools(make_server)
    assert {t["name"] for t in tools} == EXPECTED_TOOLS
    for tool in tools:
        hints = tool["annotations"]
        assert set(hints) >= {"readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"}
        assert hints["readOnlyHint"] is (tool["name"] not in WRITES)
        assert tool["title"]
        assert len(tool["description"]) > 80, f"{tool['name']} needs a fuller description"
        assert tool["outputSchema"]["type"] == "object"
        if tool["name"] in WRITES:
            assert "dry_run" in tool["inputSchema"]["properties"]


async def test_the_text_block_is_compact_json_with_rows_as_a_table(
    make_server: Callable[..., MCPServer[Services]],
) -> None:
    async with Client(make_server()) as c:
        result = await c.call_tool("search_tickets", {"limit": 3})
        statuses = await c.call_tool("list_statuses", {})
    structured = result.structured_content
    assert structured is not None
    head, name, header, *rows = result.content[0].text.split("\n")  # type: ignore[union-attr]
    assert json.loads(head) == {k: v for k, v in structured.items() if k != "tickets"}
    assert name == "tickets:"
    columns = header.split(",")
    # Names stand for the IDs the tools also take; IDs without a name stay.
    assert {"id", "summary", "client", "status", "user_id"} <= set(columns)
    assert "status_id" not in columns
    assert [int(r.split(",")[0]) for r in rows] == [t["id"] for t in structured["tickets"]]
    for row, ticket in zip(rows, structured["tickets"], strict=True):
        assert ticket["summary"] in row
        assert ticket["created"][:16] in row
    # A result without a list of flat rows stays compact JSON.
    text = statuses.content[0].text  # type: ignore[union-attr]
    assert json.loads(text) == statuses.structured_content
    assert "\n" not in text
    assert ", " not in text.replace('", "', "")  # no padding after separators
