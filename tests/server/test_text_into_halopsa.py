"""Every text field the server writes to HaloPSA arrives cleaned and escaped: checked
field by field in what the sandbox stored, after a write through a real MCP client."""

import base64
from collections.abc import Callable

from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services

from .conftest import ok

Make = Callable[..., MCPServer[Services]]
HOSTILE = (
    'Printer <script>alert(1)</script> <img src=x onerror="alert(1)"> jam '
    '\u202eexe.txt\u202c\u200b "quoted" & co'
)
# Live markup and characters that hide or disguise text, none of which may be stored.
RAW = ("<script", "<img", "\u202e", "\u200b")


def assert_inert(field: str, stored: str | None) -> None:
    assert stored, f"{field} was not stored"
    for raw in RAW:
        assert raw not in stored, f"{raw!r} reached HaloPSA in {field}: {stored!r}"
    assert "Printer" in stored, f"{field} lost the visible text: {stored!r}"


async def test_create_ticket_stores_every_text_field_escaped(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        created = ok(
            await c.call_tool(
                "create_ticket",
                {
                    "summary": HOSTILE,
                    "details": HOSTILE,
                    "category": HOSTILE,
                    "client_id": 23,
                    "ticket_type_id": 1,
                    "not_duplicate": True,
                },
            )
        )["ticket"]
        shown = ok(await c.call_tool("get_ticket", {"ticket_id": created["id"]}))
    stored = sandbox.state.tickets[created["id"]]
    for field, value in [
        ("summary", stored.summary),
        ("details_html", stored.details_html),
        ("category_1", stored.category_1),
    ]:
        assert_inert(field, value)
    assert "&lt;script&gt;" in stored.summary
    # Read back, the user's own text is as typed: no entity shows, none is doubled.
    assert '"quoted" & co' in shown["summary"]
    assert '"quoted" & co' in shown["category"]
    assert "&amp;" not in shown["summary"] + shown["category"] + shown["details"]


async def test_update_ticket_stores_every_text_field_escaped(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        ok(
            await c.call_tool(
                "update_ticket",
                {
                    "ticket_id": 1001,
                    "summary": HOSTILE,
                    "details": HOSTILE,
                    "category": HOSTILE,
                    "resolution": HOSTILE,
                },
            )
        )
        shown = ok(await c.call_tool("get_ticket", {"ticket_id": 1001}))
    stored = sandbox.state.tickets[1001]
    for field, value in [
        ("summary", stored.summary),
        ("details_html", stored.details_html),
        ("category_1", stored.category_1),
        ("closure_note", stored.closure_note),
    ]:
        assert_inert(field, value)
    assert '"quoted" & co' in shown["resolution"]


async def test_add_action_stores_the_note_escaped(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        action = ok(await c.call_tool("add_action", {"ticket_id": 1001, "note": HOSTILE}))
    stored = sandbox.state.actions[action["action"]["id"]]
    assert_inert("note_html", stored.note_html)


async def test_upload_attachment_stores_description_and_name_clean(
    sandbox: SandboxServer, make_server: Make
) -> None:
    async with Client(make_server()) as c:
        saved = ok(
            await c.call_tool(
                "upload_attachment",
                {
                    "ticket_id": 1001,
                    "filename": "Printer <img src=x onerror=alert(1)>\u202etxt.exe\u200b",
                    "content_base64": base64.b64encode(b"log").decode(),
                    "description": HOSTILE,
                },
            )
        )["attachment"]
        listed = ok(await c.call_tool("list_attachments", {"ticket_id": 1001}))
    stored = sandbox.state.attachments[saved["id"]]
    assert_inert("desc", stored.desc)
    assert_inert("filename", stored.filename)
    shown = next(a for a in listed["attachments"] if a["id"] == saved["id"])
    assert '"quoted" & co' in shown["description"]
