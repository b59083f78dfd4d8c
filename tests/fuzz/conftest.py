"""One in-process MCP client per fuzz test, held open across every hypothesis example.

Hypothesis' @given drives synchronous tests, so the client lives in an anyio blocking
portal (an event loop on its own thread) for the whole test, and each example calls a tool
through it. The sandbox is reseeded once per test, not per example: every example checks
its own before/after, so what earlier examples wrote does not matter.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, settings
from mcp import Client
from mcp.types import CallToolResult, TextContent, Tool

from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.app import build_server
from tests.helpers import FAST, NO_WARM_UP, halo_settings
from tests.server.conftest import records

# Fewer examples than this means the fuzzing did not really run.
MIN_EXAMPLES = 10
# Sized for CI (the folder in well under a minute); FUZZ_SCALE=20 for a long local soak.
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def fuzz_settings(max_examples: int) -> settings:
    """Settings for a fuzz test that holds one client (a function-scoped fixture) across
    its examples. No example database: failures print their reproduction instead."""
    return settings(
        max_examples=max(1, round(max_examples * SCALE)),
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


_COUNTS: dict[str, int] = {}


class Session:
    """A connected MCP client, the tools it sees, and how many examples used it.

    A plain class, not a dataclass: hypothesis prints a failing example's arguments,
    fixtures included, and would print a dataclass field by field (the client and every
    tool schema, hundreds of kB), which warns, and warnings are errors in this project.
    """

    def __init__(self, portal: BlockingPortal, client: Client, tools: dict[str, Tool]) -> None:
        self.portal = portal
        self.client = client
        self.tools = tools
        self.examples = 0
        self.calls = 0
        self._baseline: tuple[Any, ...] | None = None

    def __repr__(self) -> str:
        return f"Session(examples={self.examples}, calls={self.calls})"

    def call(self, tool: str, arguments: dict[str, Any]) -> CallToolResult:
        self.calls += 1
        return self.portal.call(self.client.call_tool, tool, arguments)

    def schema(self, tool: str) -> dict[str, Any]:
        return self.tools[tool].input_schema

    def baseline(self, sandbox: SandboxServer) -> tuple[Any, ...]:
        """records(sandbox) as the first example found them, for tests in which no example
        may change anything (a copy per example would cost more than the call)."""
        if self._baseline is None:
            self._baseline = records(sandbox)
        return self._baseline


@pytest.fixture
def session(sandbox: SandboxServer, request: pytest.FixtureRequest) -> Iterator[Session]:
    server = build_server(halo_settings(sandbox), ServerSettings.from_env(NO_WARM_UP), policy=FAST)
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(Client(server)) as client,
    ):
        listed = portal.call(client.list_tools)
        session = Session(portal, client, {t.name: t for t in listed.tools})
        yield session
    if getattr(request.function, "is_hypothesis_test", False):
        _COUNTS[request.node.nodeid] = session.examples
        assert session.examples >= MIN_EXAMPLES, f"only {session.examples} examples ran"


def live(sandbox: SandboxServer) -> tuple[Any, ...]:
    """What records(sandbox) would copy, without copying: to compare against a copy taken
    earlier (nothing else writes to the sandbox while a test runs)."""
    state = sandbox.state
    return (state.tickets, state.actions, state.attachments)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _COUNTS:
        return
    terminalreporter.section("fuzz examples run")
    for nodeid, count in sorted(_COUNTS.items()):
        terminalreporter.write_line(f"{count:5d}  {nodeid}")
    terminalreporter.write_line(f"{sum(_COUNTS.values()):5d}  in all")


# --- What every result must satisfy ------------------------------------------------------

LEAKS = (
    "Traceback",
    'File "',
    "pydantic",
    "errors.pydantic.dev",
    "validation error for",
    "sandbox-secret",
)
# Must never reach the model from ticket text: live markup and invisible characters.
UNSAFE = ("<script", "<img", "\u202e", "\u200b")


def text_of(result: CallToolResult) -> str:
    """Everything the model is shown: every content block and the structured result."""
    parts = []
    for block in result.content:
        assert isinstance(block, TextContent), f"unexpected content {block!r}"
        parts.append(block.text)
    if result.structured_content is not None:
        parts.append(json.dumps(result.structured_content, ensure_ascii=False))
    return "\n".join(parts)


def sent_text(value: Any) -> str:
    """Every string the caller sent, keys included, joined."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return "\n".join(sent_text(k) + "\n" + sent_text(v) for k, v in value.items())
    if isinstance(value, list):
        return "\n".join(sent_text(v) for v in value)
    return ""


def no_leak(result: CallToolResult, arguments: dict[str, Any]) -> str:
    """The result's text, checked to carry no internals or secrets. A word the caller sent
    itself may be quoted back (an unknown argument name, a bad field name), so only words
    absent from the arguments are held against the result."""
    shown = text_of(result)
    sent = sent_text(arguments)
    for leak in LEAKS:
        if leak not in sent:
            assert leak not in shown, f"{leak!r} reached the model: {shown[:3000]!r}"
    return shown


def error_text(result: CallToolResult) -> str:
    assert result.is_error
    block = result.content[0]
    assert isinstance(block, TextContent)
    return block.text
