"""Configuration problems through the real command: all at once, no password echoed."""

import os
import subprocess
import sys
from pathlib import Path

from mcp import Client

from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.app import build_server
from halopsa_mcp.server.tools.registry import TOOL_NAMES
from tests.helpers import halo_settings

COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")
ENV = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script
        [COMMAND, *args],
        env={**ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_every_problem_is_reported_in_one_message() -> None:
    done = run(
        {
            "HALOPSA_URL": "https://user:secretpw@acme.halopsa.com",
            "HALOPSA_CLIENT_ID": "abc",
            "HALOPSA_CLIENT_SECRET": "never-shown-secret",
            "HALOPSA_READ_ONLY": "maybe",
            "HALOPSA_TIMEOUT": "abc",
            "HALOPSA_TOOLS_ALLOW": "serch_tickets",
            "HALOPSA_MCP_TOKEN": "short",
        },
        "--transport",
        "http",
    )
    assert done.returncode == 2
    assert done.stdout == ""
    err = done.stderr
    assert "HALOPSA_READ_ONLY='maybe': must be true or false" in err
    assert "HALOPSA_TIMEOUT='abc': must be a number" in err
    assert "serch_tickets" in err
    assert "HALOPSA_MCP_TOKEN must be at least 16 characters" in err
    assert "HALOPSA_URL" in err
    for secret in ("secretpw", "never-shown-secret"):
        assert secret not in err


def test_the_sandbox_reports_server_setting_problems_together() -> None:
    done = run({"HALOPSA_LOG_LEVEL": "loud", "HALOPSA_TOOLS_DENY": "nope"}, "--sandbox")
    assert done.returncode == 2
    assert "HALOPSA_LOG_LEVEL='LOUD': must be one of DEBUG, INFO, WARNING, ERROR" in done.stderr
    assert "nope" in done.stderr


async def test_the_tool_name_list_matches_the_registered_tools(sandbox: SandboxServer) -> None:
    server = build_server(halo_settings(sandbox), ServerSettings())
    async with Client(server) as c:
        registered = {t.name for t in (await c.list_tools()).tools}
    assert registered == TOOL_NAMES
