"""Where server/tool_calls.py answers a call itself, the edges the SDK's path guarded:
a call before the handshake, and a tool whose module cannot be imported."""

import json
import logging
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import anyio
import pytest
from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server import app
from halopsa_mcp.server.services import Services
from halopsa_mcp.server.tools.registry import TOOLS
from tests.helpers import INITIALIZE, command_env, requests_to

from .conftest import ok, refusal, writes

COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")
# Generous: proves "answers, does not hang", not a speed.
HANG = 30

_CREATE = {
    "name": "create_ticket",
    "arguments": {"summary": "Before the handshake", "client_id": 23, "ticket_type_id": 1},
}


def test_a_tool_call_before_the_handshake_is_refused_and_writes_nothing(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    # The SDK refuses every request but ping until initialize; a write must not slip by.
    lines = [
        {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": _CREATE},
        INITIALIZE | {"id": 2},
    ]
    requests = tmp_path / "requests.jsonl"
    requests.write_text("".join(json.dumps(line) + "\n" for line in lines))
    env = command_env(sandbox, HALOPSA_WARM_UP="false")
    with requests.open("rb") as stdin:
        done = subprocess.run(  # noqa: S603 - our own console script
            [COMMAND], stdin=stdin, capture_output=True, env=env, timeout=HANG
        )
    answers = {a["id"]: a for a in map(json.loads, done.stdout.splitlines())}
    assert answers[1].get("error", {}).get("code") == -32602, answers[1]
    assert "result" in answers[2]
    assert writes(sandbox) == []


def _unimportable(tool: str) -> tuple[object, ...]:
    return tuple(
        replace(spec, module="halopsa_mcp.server.tools.not_installed")
        if spec.name == tool
        else spec
        for spec in TOOLS
    )


async def test_a_tool_that_cannot_be_built_fails_as_a_crash_and_the_rest_still_serve(
    make_server: Callable[..., MCPServer[Services]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(app, "TOOLS", _unimportable("list_outcomes"))
    server = make_server()
    with caplog.at_level(logging.INFO):
        async with Client(server) as client:
            failed = await client.call_tool("list_outcomes", {})
            assert ok(await client.call_tool("list_statuses", {}))["statuses"]
    # As the SDK answers a crash: the tool named, nothing of the cause.
    assert refusal(failed) == "Error executing tool list_outcomes"
    crashes = [r for r in caplog.records if "unexpected exception" in r.getMessage()]
    assert [r.args for r in crashes] == [("list_outcomes",)]


async def test_a_tool_that_cannot_be_built_does_not_stop_the_warm_up(
    make_server: Callable[..., MCPServer[Services]],
    sandbox: SandboxServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # First in the order the warm-up builds them: the others must still be built, and
    # the token and lookups fetched, which is the warm-up's job.
    monkeypatch.setattr(app, "TOOLS", _unimportable("search_tickets"))
    caplog.set_level(logging.INFO, logger="halopsa_mcp")
    server = make_server(HALOPSA_WARM_UP="true")
    async with Client(server) as client:
        await client.list_tools()  # the handshake is done: the warm-up starts
        with anyio.fail_after(HANG):
            while "warmed up: token and lookups fetched" not in caplog.messages:  # noqa: ASYNC110
                await anyio.sleep(0.05)
    assert requests_to(sandbox, "POST", "/auth/token") == [200]
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert said == [
        "tool search_tickets cannot be imported (ModuleNotFoundError); its calls will fail"
    ]
