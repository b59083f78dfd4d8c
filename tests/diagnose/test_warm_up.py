"""Warm-up at start: wrong settings are logged at WARNING without any tool call, and a
call made meanwhile shares the fetches in flight instead of repeating them."""

import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest
from mcp import Client

from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.sandbox.faults import FaultRule
from halopsa_mcp.server.app import build_server
from tests.helpers import FAST, halo_settings, requests_to
from tests.server.conftest import ok

COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")
ENV = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}
WRONG = "wrong-secret-never-logged"


def test_wrong_credentials_are_logged_at_warning_without_a_tool_call(
    sandbox: SandboxServer,
) -> None:
    env = {
        **ENV,
        "HALOPSA_URL": sandbox.url,
        "HALOPSA_CLIENT_ID": "sandbox-client",
        "HALOPSA_CLIENT_SECRET": WRONG,
        "HALOPSA_LOG_LEVEL": "WARNING",
    }
    with subprocess.Popen(  # noqa: S603 - our own console script
        [COMMAND],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        seen = _stderr_until(
            process, lambda ln: '"WARNING"' in ln and "HALOPSA_CLIENT_SECRET" in ln
        )
    warning = next((ln for ln in seen if "HALOPSA_CLIENT_SECRET" in ln), None)
    assert warning is not None, seen
    assert "HALOPSA_CLIENT_ID" in warning
    assert "invalid_client" in warning
    assert WRONG not in "".join(seen)


def _stderr_until(process: subprocess.Popen[str], wanted: Callable[[str], bool]) -> list[str]:
    """The process's stderr lines up to the wanted one (or a generous 30 s), then it is
    stopped and the rest of its stderr read too."""
    lines: queue.Queue[str | None] = queue.Queue()
    stream = process.stderr
    assert stream is not None

    def read() -> None:
        for ln in stream:
            lines.put(ln)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    seen: list[str] = []
    deadline = time.monotonic() + 30  # proves "without a tool call", not "fast"
    while time.monotonic() < deadline and not (seen and wanted(seen[-1])):
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line is None:
            break
        seen.append(line)
    process.terminate()
    process.wait(timeout=30)
    while (line := lines.get(timeout=10)) is not None:
        seen.append(line)
    return seen


async def test_a_call_during_warm_up_shares_the_fetches_in_flight(
    sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="halopsa_mcp.warmup")
    # A slow token endpoint keeps warm-up busy while the call arrives.
    sandbox.state.faults.add(FaultRule(kind="slow", delay=0.5, path="/auth/token"))
    server = build_server(halo_settings(sandbox), ServerSettings(), policy=FAST)
    async with Client(server) as c:
        await c.list_tools()  # the handshake is done: the warm-up starts
        ok(await c.call_tool("list_statuses", {}))
        ok(await c.call_tool("list_outcomes", {}))
        # The calls read only their own lookups; the warm-up goes on with the rest.
        with anyio.fail_after(10):
            while "warmed up: token and lookups fetched" not in caplog.messages:  # noqa: ASYNC110
                await anyio.sleep(0.05)
    assert requests_to(sandbox, "POST", "/auth/token") == [200]
    for lookup in ("Status", "Priority", "TicketType", "Outcome", "Agent", "Team"):
        assert requests_to(sandbox, "GET", f"/api/{lookup}") == [200], lookup


async def test_warm_up_can_be_switched_off(sandbox: SandboxServer) -> None:
    settings = ServerSettings.from_env({"HALOPSA_WARM_UP": "false"})
    server = build_server(halo_settings(sandbox), settings, policy=FAST)
    async with Client(server) as c:
        await c.list_tools()
    assert list(sandbox.state.request_log) == []


async def test_warm_up_waits_for_the_client_handshake(sandbox: SandboxServer) -> None:
    server = build_server(halo_settings(sandbox), ServerSettings(), policy=FAST)
    async with Client(server) as c:
        # Initialized, but not yet answered anything else: HaloPSA is left alone, so the
        # client's tools/list never competes with the warm-up for the event loop.
        await anyio.sleep(0.5)
        assert list(sandbox.state.request_log) == []
        await c.list_tools()
        with anyio.fail_after(10):
            # The sandbox answers from its own thread: polled, there is no event to await.
            while len(requests_to(sandbox, "GET", "/api/Team")) < 1:  # noqa: ASYNC110
                await anyio.sleep(0.05)
    assert requests_to(sandbox, "POST", "/auth/token") == [200]


async def test_a_warm_up_whose_http_stack_fails_to_import_leaves_the_server_serving(
    sandbox: SandboxServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As a broken install would (no ssl, a half-removed httpx): the import raises.
    monkeypatch.setitem(sys.modules, "halopsa_mcp.client.transport", None)
    caplog.set_level(logging.WARNING, logger="halopsa_mcp.warmup")
    server = build_server(halo_settings(sandbox), ServerSettings(), policy=FAST)
    async with Client(server) as c:
        await c.list_tools()  # the handshake is done: the warm-up starts
        with anyio.fail_after(10):
            while not any("warm-up failed" in m for m in caplog.messages):  # noqa: ASYNC110
                await anyio.sleep(0.05)
        # Still serving: the warm-up's failure is logged, not raised.
        assert len((await c.list_tools()).tools) == 14
