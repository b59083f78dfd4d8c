"""One structured log line per tool call, and no secret anywhere a session can show it."""

import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.server import MCPServer

from halopsa_mcp.config import HaloSettings, HttpSettings
from halopsa_mcp.logfmt import JsonLines
from halopsa_mcp.sandbox import SandboxConfig, SandboxServer
from halopsa_mcp.server.services import Services

Make = Callable[..., MCPServer[Services]]
COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")
CLIENT_SECRET = "cs-7f3a9e1b2c4d5e6f-never-shown"
MCP_TOKEN = "mt-0a1b2c3d4e5f6a7b-never-shown"


def call_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [r.fields for r in caplog.records if r.name == "halopsa_mcp.calls"]  # type: ignore[attr-defined]


async def test_each_tool_call_logs_tool_duration_requests_and_outcome(
    sandbox: SandboxServer, make_server: Make, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="halopsa_mcp.calls")
    async with Client(make_server()) as c:
        await c.call_tool("get_ticket", {"ticket_id": 1001})
        before = len(sandbox.state.request_log)
        await c.call_tool("get_ticket", {"ticket_id": 1002, "include_actions": 3})
        warm_requests = len(sandbox.state.request_log) - before
        await c.call_tool("get_ticket", {"ticket_id": "x", "secret_arg": "customer data"})
    cold, warm, refused = call_lines(caplog)
    assert cold["tool"] == warm["tool"] == "get_ticket"
    assert cold["halopsa_requests"] > warm["halopsa_requests"]  # token and lookups, once
    assert warm["halopsa_requests"] == warm_requests == 2  # the ticket and its actions
    assert warm["outcome"] == "ok"
    assert isinstance(warm["duration_ms"], float)
    assert refused["outcome"] == "error"
    assert refused["halopsa_requests"] == 0
    assert "customer data" not in json.dumps(refused)


def test_log_lines_are_json_objects() -> None:
    record = logging.LogRecord(
        "halopsa_mcp.calls", logging.INFO, __file__, 1, "tool call", (), None
    )
    record.fields = {"tool": "get_ticket", "halopsa_requests": 2}
    line = json.loads(JsonLines().format(record))
    assert line["msg"] == "tool call"
    assert line["tool"] == "get_ticket"
    assert line["level"] == "INFO"


def test_settings_reprs_hide_secrets() -> None:
    halo = HaloSettings.from_env(
        {"HALOPSA_URL": "https://a.halopsa.com", "HALOPSA_CLIENT_ID": "i",
         "HALOPSA_CLIENT_SECRET": CLIENT_SECRET}
    )  # fmt: skip
    http = HttpSettings.from_env({"HALOPSA_MCP_TOKEN": MCP_TOKEN})
    for shown in (repr(halo), str(halo), repr(http), str(http), halo.model_dump_json()):
        assert CLIENT_SECRET not in shown
        assert MCP_TOKEN not in shown


async def test_a_whole_stdio_session_never_shows_the_secret(tmp_path: Path) -> None:
    """Everything a session prints (DEBUG logs included) and every tool result."""
    stderr_file = tmp_path / "stderr.txt"
    seen: list[str] = []
    with SandboxServer(SandboxConfig(client_secret=CLIENT_SECRET, rate_limit_requests=0)) as hp:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HALOPSA_URL": hp.url,
            "HALOPSA_CLIENT_ID": "sandbox-client",
            "HALOPSA_CLIENT_SECRET": CLIENT_SECRET,
            "HALOPSA_MCP_TOKEN": MCP_TOKEN,
            "HALOPSA_LOG_LEVEL": "DEBUG",
        }
        for secret in (CLIENT_SECRET, CLIENT_SECRET + "-wrong"):  # a good and a refused login
            params = StdioServerParameters(
                command=COMMAND, env={**env, "HALOPSA_CLIENT_SECRET": secret}
            )
            with stderr_file.open("a") as errlog:
                async with Client(stdio_client(params, errlog=errlog)) as c:
                    for name, args in [
                        ("search_tickets", {"limit": 3}),
                        ("get_ticket", {"ticket_id": 1001}),
                        ("create_ticket", {"summary": "x"}),
                        ("update_ticket", {"ticket_id": 999_999, "status_id": 2}),
                        ("add_action", {"ticket_id": 1001, "note": "n", "dry_run": True}),
                    ]:
                        result = await c.call_tool(name, args)
                        seen.append(result.model_dump_json())
    logs = stderr_file.read_text()
    assert '"msg": "tool call"' in logs  # the logs were captured, at DEBUG
    assert "invalid_client" in "".join(seen)  # the refused login was exercised
    for text in (logs, *seen):
        assert CLIENT_SECRET not in text
        assert MCP_TOKEN not in text
