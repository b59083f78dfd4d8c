"""A spent request budget reaches the model as "transient: come back in N seconds"."""

import re

import anyio
from mcp import Client

from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.server.app import build_server
from tests.helpers import FAST, NO_WARM_UP, halo_settings

from .conftest import refusal, writes

COME_BACK = re.compile(r"try again in about (\d+) seconds")


def seconds_named(text: str) -> int:
    found = COME_BACK.search(text)
    assert found, text
    return int(found.group(1))


async def test_a_spent_budget_tells_the_model_when_to_come_back(sandbox: SandboxServer) -> None:
    settings = halo_settings(sandbox, HALOPSA_RATE_LIMIT="4", HALOPSA_RATE_LIMIT_WINDOW="60")
    server = build_server(settings, ServerSettings.from_env(NO_WARM_UP), policy=FAST)
    async with Client(server) as c:
        with anyio.fail_after(30):  # does not hang: unbounded, it would wait a minute
            for _ in range(6):
                result = await c.call_tool("get_ticket", {"ticket_id": 1001})
                if result.is_error:
                    break
            text = refusal(result)
            note = {"ticket_id": 1001, "note": "Called the customer back."}
            write = refusal(await c.call_tool("add_action", note))
    assert 50 < seconds_named(text) <= 60
    assert "transient" in text
    assert "request budget" in text
    assert 50 < seconds_named(write) <= 60
    assert "Nothing was written" in write
    assert writes(sandbox) == []


async def test_a_429_without_retry_after_still_names_the_seconds(sandbox: SandboxServer) -> None:
    sandbox.state.faults.add(FaultRule(kind="rate_limit", times=None, path="/api/Tickets/1001"))
    server = build_server(halo_settings(sandbox), ServerSettings.from_env(NO_WARM_UP), policy=FAST)
    async with Client(server) as c:
        text = refusal(await c.call_tool("get_ticket", {"ticket_id": 1001}))
    # Paced at the hosted default (300 per 300 s): our oldest request leaves HaloPSA's
    # window at most 300 s from now.
    assert 0 < seconds_named(text) <= 300
    assert "Rate Limit Reached" in text
    assert "transient" in text
