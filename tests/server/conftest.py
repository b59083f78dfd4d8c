"""Tools tested through a real MCP client (in-process) against the sandbox over HTTP."""

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from mcp.server import MCPServer
from mcp.types import CallToolResult

from halopsa_mcp.config import ServerSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.app import build_server
from halopsa_mcp.server.services import Services
from tests.helpers import FAST, NO_WARM_UP, halo_settings


@pytest.fixture
def make_server(sandbox: SandboxServer) -> Callable[..., MCPServer[Services]]:
    """An MCP server wired to the sandbox; keyword arguments are extra environment."""

    def make(**env: str) -> MCPServer[Services]:
        return build_server(
            halo_settings(sandbox), ServerSettings.from_env({**NO_WARM_UP, **env}), policy=FAST
        )

    return make


# Must never reach the model from ticket text: live markup and invisible characters.
_UNSAFE_OUTPUT = ("<script", "<img", "\u202e", "\u200b", "sandbox-secret")


def ok(result: CallToolResult) -> dict[str, Any]:
    """The structured result of a call that must have succeeded, checked to carry no
    live markup, invisible characters or secrets."""
    text = result.content[0].text if result.content else ""  # type: ignore[union-attr]
    assert not result.is_error, text
    assert result.structured_content is not None
    shown = json.dumps(result.structured_content, ensure_ascii=False)
    for unsafe in _UNSAFE_OUTPUT:
        assert unsafe not in shown, f"{unsafe!r} reached the model"
    return result.structured_content


def refusal(result: CallToolResult) -> str:
    """The error text of a call that must have failed, checked to be free of internals."""
    assert result.is_error, result.structured_content
    text = result.content[0].text  # type: ignore[union-attr]
    for leak in ("Traceback", 'File "', "pydantic", "errors.pydantic.dev", "sandbox-secret"):
        assert leak not in text, text
    return text


def records(sandbox: SandboxServer) -> tuple[Any, ...]:
    """Everything a write could change, to prove a refused write changed nothing."""
    state = sandbox.state
    with state.lock:
        return copy.deepcopy((state.tickets, state.actions, state.attachments))


def writes(sandbox: SandboxServer) -> list[str]:
    return [f"{r.method} {r.path}" for r in sandbox.state.request_log if r.method == "POST"
            and r.path.startswith("/api/")]  # fmt: skip
