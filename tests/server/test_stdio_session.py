"""The installed ``halopsa-mcp`` command over stdio, driven as Claude Desktop drives it."""

import base64
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters

from .conftest import ok, refusal

COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")
# Only what a desktop app would pass: no HALOPSA_* leaks in from the test run.
ENV = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}


async def test_an_agent_session_over_stdio_against_the_embedded_sandbox() -> None:
    params = StdioServerParameters(command=COMMAND, args=["--sandbox"], env=ENV)
    async with Client(params) as c:

        async def call(name: str, **args: Any) -> Any:
            return await c.call_tool(name, args)

        names = {t.name for t in (await c.list_tools()).tools}
        assert {"search_tickets", "create_ticket", "update_ticket", "add_action"} <= names

        # Look up this instance's IDs first, as the skill tells an agent to.
        statuses = ok(await call("list_statuses"))["statuses"]
        role = {s["role"]: s["id"] for s in statuses if s["role"]}
        types = ok(await call("list_ticket_types"))["ticket_types"]
        incident = next(t["id"] for t in types if t["name"] == "Incident")
        priorities = ok(await call("list_priorities", ticket_type_id=incident))["priorities"]
        assert {p["name"] for p in priorities} >= {"High", "Medium"}

        found = ok(await call("search_tickets", text="VPN", limit=5))
        assert found["tickets"]
        client_id = found["tickets"][0]["client_id"]

        summary = "Conference room display will not wake"
        text = refusal(await call("create_ticket", summary=summary))
        assert "client_id" in text
        created = ok(
            await call(
                "create_ticket", summary=summary, client_id=client_id, ticket_type_id=incident
            )
        )["ticket"]
        assert created["status_id"] == role["new"]

        ok(await call("update_ticket", ticket_id=created["id"], status_id=role["in_progress"]))
        text = refusal(
            await call("update_ticket", ticket_id=created["id"], status_id=role["resolved"])
        )
        assert "resolution" in text
        resolved = ok(
            await call(
                "update_ticket",
                ticket_id=created["id"],
                status_id=role["resolved"],
                resolution="Replaced the HDMI cable.",
            )
        )["ticket"]
        assert resolved["status"] == "Resolved"

        note = ok(await call("add_action", ticket_id=created["id"], note="Cable swapped."))
        timed = ok(await call("add_action", ticket_id=created["id"], time_minutes=45))
        history = ok(await call("list_actions", ticket_id=created["id"]))
        assert {note["action"]["id"], timed["action"]["id"]} <= {
            a["id"] for a in history["actions"]
        }
        assert timed["action"]["time_minutes"] == 45

        content = base64.b64encode(b"display log\n").decode()
        uploaded = ok(
            await call(
                "upload_attachment",
                ticket_id=created["id"],
                filename="display.log",
                content_base64=content,
            )
        )["attachment"]
        listed = ok(await call("list_attachments", ticket_id=created["id"]))["attachments"]
        assert uploaded["id"] in {a["id"] for a in listed}

        ticket = ok(await call("get_ticket", ticket_id=created["id"], include_actions=5))
        assert ticket["resolution"] == "Replaced the HDMI cable."


def test_without_a_tenant_the_command_refuses_and_says_what_to_set() -> None:
    done = subprocess.run(  # noqa: S603 - our own console script
        [COMMAND], env=ENV, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""  # stdout belongs to the protocol
    assert "HALOPSA_URL is not set" in done.stderr
    assert "--sandbox" in done.stderr
