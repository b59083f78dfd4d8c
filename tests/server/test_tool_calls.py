"""A tool call answered by server/tool_calls.py is the answer the SDK's own path gave.

Each call is made of two servers on one sandbox, one answering tool calls itself and one
the SDK's way (tests/server/sdk_tool_path.py), in both protocol eras; whatever the client
receives must be the same, and so must the answer as it goes out, byte for byte.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Annotated, Any

import pytest
from mcp import Client
from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import AfterValidator, BaseModel

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services
from halopsa_mcp.server.tools.registry import READ
from tests.server.sdk_tool_path import on_the_sdk_path

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("list_statuses", {}),
    ("list_priorities", {"ticket_type_id": 1}),
    ("get_ticket", {"ticket_id": 1001, "include_actions": 5}),
    ("get_ticket", {"ticket_id": 1001, "extra_fields": ["fixbydate", "nosuchfield"]}),
    ("search_tickets", {"open_only": False, "limit": 50}),
    ("search_tickets", {"text": "printer", "sla": ["breached", "at_risk"]}),
    ("list_actions", {"ticket_id": 1001}),
    ("search_directory", {"kind": "clients", "name": "a"}),
    (
        "create_ticket",
        {"summary": "Scanner jams", "client_id": 23, "ticket_type_id": 1, "dry_run": True},
    ),
    ("update_ticket", {"ticket_id": 1002, "summary": "Printer offline again", "dry_run": True}),
    ("add_action", {"ticket_id": 1002, "note": "Called back", "dry_run": True}),
    # Failures: a missing ticket, a rule broken, an argument the tool itself refuses.
    ("get_ticket", {"ticket_id": 999999}),
    ("update_ticket", {"ticket_id": 1002, "status_id": 99999, "dry_run": True}),
    ("get_ticket", {"ticket_id": 1001, "extra_fields": ["no such field!"]}),
    ("search_tickets", {"date_from": "2026-02-30"}),
]


class _Sent:
    """Outermost middleware: the last tools/call answer as the server hands it on."""

    answer: Any = None

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        answer = await call_next(ctx)
        if ctx.method != "tools/call":
            return answer
        # As the SDK writes out what a middleware returns.
        dump = getattr(answer, "model_dump", None)
        self.answer = dump(by_alias=True, mode="json", exclude_none=True) if dump else answer
        return answer


class _Lines(logging.Handler):
    """The SDK logger's lines, as logfmt reads them: level, wording, values, traceback."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[int, str, Any, bool]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelno, str(record.msg), record.args, bool(record.exc_info)))

    def taken(self) -> list[tuple[int, str, Any, bool]]:
        lines, self.lines = self.lines, []
        return lines


def _same_answers(
    ours: MCPServer[Services], sdks: MCPServer[Services], calls: list[tuple[str, Any]]
) -> Callable[[str], Any]:
    sent = (_Sent(), _Sent())
    ours.middleware.insert(0, sent[0])
    sdks.middleware.insert(0, sent[1])

    async def compare(mode: str) -> list[bool]:
        errors = []
        logged = _Lines()
        sdk_log = logging.getLogger("mcp.server.mcpserver.server")
        sdk_log.addHandler(logged)
        level, sdk_log.level = sdk_log.level, logging.DEBUG
        async with Client(ours, mode=mode) as a, Client(sdks, mode=mode) as b:  # type: ignore[arg-type]
            for tool, arguments in calls:
                got = await a.call_tool(tool, arguments)
                our_lines = logged.taken()
                expected = await b.call_tool(tool, arguments)
                assert our_lines == logged.taken(), (mode, tool, arguments)
                assert got.model_dump() == expected.model_dump(), (mode, tool, arguments)
                wire = [json.dumps(s.answer, ensure_ascii=False) for s in sent]
                assert wire[0] == wire[1], (mode, tool, arguments)
                errors.append(got.is_error)
        sdk_log.removeHandler(logged)
        sdk_log.setLevel(level)
        return errors

    return compare


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_tool_calls_are_answered_as_the_sdk_answered_them(
    make_server: Callable[..., MCPServer[Services]], sandbox: SandboxServer, mode: str
) -> None:
    compare = _same_answers(make_server(), on_the_sdk_path(make_server()), CALLS)
    assert await compare(mode) == [False] * 11 + [True] * 4


class _Echo(BaseModel):
    said: str


def _not_blank(words: str) -> str:
    if not words.strip():
        raise ValueError("say something")
    return words


async def echo(ctx: Context[Services], words: Annotated[str, AfterValidator(_not_blank)]) -> _Echo:
    """Say it back, or fail as asked."""
    if words == "refuse":
        raise ToolError("refused: say something else")
    if words == "crash":
        raise RuntimeError("a bug, with internals the caller must not see")
    if words == "no model":
        return "not a model"  # type: ignore[return-value]
    if words == "bad model":
        return _Echo(said=None)  # type: ignore[arg-type]
    return _Echo(said=words)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_failures_of_every_kind_are_worded_as_the_sdk_words_them(
    make_server: Callable[..., MCPServer[Services]], mode: str
) -> None:
    servers = []
    for server in (make_server(), on_the_sdk_path(make_server())):
        server.tool(title="Echo", annotations=READ)(echo)
        servers.append(server)
    # A blank is refused by the argument's own validator, past the schema check.
    said = ("hello", "refuse", "crash", "no model", "bad model", " ")
    calls = [("echo", {"words": words}) for words in said]
    errors = await _same_answers(servers[0], servers[1], calls)(mode)
    assert errors == [False] + [True] * (len(said) - 1)
