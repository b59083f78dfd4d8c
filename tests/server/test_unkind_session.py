"""A whole technician session, through the installed command over stdio, against a
sandbox configured as unlike the defaults as it can be (sandbox/unkind.py).

Every step finds its IDs the way an agent must, through the lookup tools, because on
this instance none of HaloPSA's documented defaults mean what they usually do.
"""

import base64
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mcp import Client, StdioServerParameters

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.sandbox.unkind import UNKIND_TENANT, unkind

from .conftest import ok, refusal

COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")


class Session:
    """One MCP client session on the installed server, with the instance's IDs by meaning."""

    def __init__(self, client: Client, sandbox: SandboxServer) -> None:
        self.client = client
        self.sandbox = sandbox
        self.role: dict[str, int] = {}
        self.type_id: dict[str, int] = {}
        self.outcome_id: dict[str, int] = {}

    async def ok(self, tool: str, **args: Any) -> dict[str, Any]:
        return ok(await self.client.call_tool(tool, args))

    async def refused(self, tool: str, **args: Any) -> str:
        return refusal(await self.client.call_tool(tool, args))

    async def learn_the_instance(self) -> None:
        statuses = (await self.ok("list_statuses"))["statuses"]
        self.role = {s["role"]: s["id"] for s in statuses if s["role"]}
        types = (await self.ok("list_ticket_types"))["ticket_types"]
        self.type_id = {t["name"]: t["id"] for t in types}
        outcomes = (await self.ok("list_outcomes"))["outcomes"]
        self.outcome_id = {o["name"]: o["id"] for o in outcomes}


@asynccontextmanager
async def unkind_session() -> AsyncIterator[Session]:
    with SandboxServer(unkind(rate_limit_requests=0)) as sandbox:
        config = sandbox.state.config
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", ""),
            "HALOPSA_URL": sandbox.url,
            "HALOPSA_CLIENT_ID": config.client_id,
            "HALOPSA_CLIENT_SECRET": config.client_secret,
            "HALOPSA_TENANT": UNKIND_TENANT,
        }
        async with Client(StdioServerParameters(command=COMMAND, env=env)) as client:
            opened = Session(client, sandbox)
            await opened.learn_the_instance()
            yield opened


async def test_the_instance_is_learned_not_assumed() -> None:
    async with unkind_session() as s:
        await _defaults_mean_other_things(s)


async def _defaults_mean_other_things(s: Session) -> None:
    # The documented defaults exist on this instance but mean something else.
    assert s.role["new"] != 1
    assert s.role["resolved"] != 8
    assert s.role["closed"] != 9
    assert "Internal Note" in s.outcome_id
    assert "Private Note" not in s.outcome_id
    incident = s.type_id["Incident"]
    names = {
        p["name"] for p in (await s.ok("list_priorities", ticket_type_id=incident))["priorities"]
    }
    assert "Normal" in names
    assert "Medium" not in names


async def test_a_technician_session_end_to_end() -> None:
    async with unkind_session() as s:
        await _session(s)


async def _session(s: Session) -> None:
    ticket = await _find_and_read(s)
    created = await _create_tickets(s, client_id=ticket["client_id"], user_id=ticket["user_id"])
    await _work_the_ticket(s, created)
    await _resolve_and_close(s, created)
    await _attach(s, created)
    emailed = [
        a for a in s.sandbox.state.actions.values() if a.ticket_id == created and a.sendemail
    ]
    assert emailed == [], "an action emailed the customer"


async def _find_and_read(s: Session) -> dict[str, Any]:
    """Open tickets only (this instance's open_only keeps Resolved ones), a date range
    the server can make true, then one ticket read in full."""
    since = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    found = await s.ok("search_tickets", date_from=since, limit=50)
    assert found["tickets"], "no open ticket opened in the last 30 days"
    closing = {s.role["resolved"], s.role["closed"]}
    assert not [t for t in found["tickets"] if t["status_id"] in closing]
    assert all(t["created"] >= since for t in found["tickets"])
    with_user = next(t for t in found["tickets"] if t["user_id"])
    detail = await s.ok("get_ticket", ticket_id=with_user["id"], include_actions=5)
    # Rows came without names: the IDs are kept.
    assert detail["site_id"]
    assert detail["user_id"] == with_user["user_id"]
    whens = [a["when"] for a in detail["recent_actions"]]
    assert whens == sorted(whens, reverse=True), "recent actions are not newest first"
    return detail


async def _create_tickets(s: Session, *, client_id: int, user_id: int) -> int:
    """An incident for an end user given alone (the server supplies the site HaloPSA
    demands), a change request (starts Scheduled), a problem (needs CAB approval)."""
    incident = await s.ok(
        "create_ticket",
        summary="Shared mailbox not showing for new starter",
        client_id=client_id,
        user_id=user_id,
        ticket_type_id=s.type_id["Incident"],
        not_duplicate=True,
    )
    row = incident["ticket"]
    assert row["status_id"] == s.role["new"]
    assert row["user_id"] == user_id
    assert any("Normal" in w for w in incident["warnings"]), incident["warnings"]
    assert any(f"site {row['site_id']}" in w for w in incident["warnings"]), incident["warnings"]
    change = await s.ok(
        "create_ticket",
        summary="Replace core switch in comms room",
        client_id=client_id,
        ticket_type_id=s.type_id["Change Request"],
        not_duplicate=True,
    )
    assert change["ticket"]["status"] == "Scheduled"
    text = await s.refused(
        "create_ticket",
        summary="Recurring VPN drops",
        client_id=client_id,
        ticket_type_id=s.type_id["Problem"],
        not_duplicate=True,
    )
    assert "CAB members" in text
    assert "ticket_type_id" in text
    return int(row["id"])


async def _work_the_ticket(s: Session, ticket_id: int) -> None:
    note = await s.ok("add_action", ticket_id=ticket_id, note="Checked mailbox permissions.")
    assert note["action"]["outcome"] == "Internal Note"
    assert note["action"]["visible_to_customer"] is False
    timed = await s.ok("add_action", ticket_id=ticket_id, time_minutes=30, note="Remote session.")
    assert timed["action"]["time_minutes"] == 30
    text = await s.refused(
        "add_action",
        ticket_id=ticket_id,
        note="Rang the user.",
        outcome_id=s.outcome_id["Phone Call"],
    )
    assert "outcome_id" in text
    assert "permission" in text.lower()
    started = await s.ok("update_ticket", ticket_id=ticket_id, status_id=s.role["in_progress"])
    assert started["ticket"]["status_id"] == s.role["in_progress"]


async def _resolve_and_close(s: Session, ticket_id: int) -> None:
    resolution = "Re-added the mailbox permission; Outlook shows it after a restart."
    resolved = await s.ok(
        "update_ticket", ticket_id=ticket_id, status_id=s.role["resolved"], resolution=resolution
    )
    assert resolved["ticket"]["status_id"] == s.role["resolved"]
    assert (await s.ok("get_ticket", ticket_id=ticket_id))["resolution"] == resolution
    closed = await s.ok("update_ticket", ticket_id=ticket_id, status_id=s.role["closed"])
    assert closed["ticket"]["status_id"] == s.role["closed"]
    after = await s.ok("get_ticket", ticket_id=ticket_id)
    assert after["status_id"] == s.role["closed"]
    assert after["resolution"] == resolution


async def _attach(s: Session, ticket_id: int) -> None:
    content = base64.b64encode(b"mailbox audit\n").decode()
    uploaded = await s.ok(
        "upload_attachment", ticket_id=ticket_id, filename="audit.log", content_base64=content
    )
    listed = await s.ok("list_attachments", ticket_id=ticket_id)
    assert uploaded["attachment"]["id"] in [a["id"] for a in listed["attachments"]]
