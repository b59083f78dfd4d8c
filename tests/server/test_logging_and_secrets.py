"""One structured log line per tool call, and no secret anywhere a session can show it."""

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import anyio
import httpx
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.server import MCPServer

from halopsa_mcp.config import HaloSettings, HttpSettings
from halopsa_mcp.logfmt import JsonLines, Redacted
from halopsa_mcp.sandbox import FaultRule, SandboxConfig, SandboxServer
from halopsa_mcp.server.services import Services

from .test_http_process import free_port

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


# What a hostile or careless session may send; none of it may reach a log line.
SUMMARY_MARK = "Zebracorn7731"  # an argument value, then another ticket's summary
ID_MARK = 2_000_123_457  # an ID that does not exist, quoted by the tool error
HUGE_MARK = "Wombat8842"  # the head of a 1 MB argument value
SEARCH_MARK = "Ocelot3390"  # search text, sent to HaloPSA in a query string
QUERY_MARK = "qs-9c1e5a7b3d-never-logged"  # a token sent in a URL's query string
NAME_MARK = "Pangolin5127"  # an argument name or a tool name the server does not have
LINE_CAP = 4096  # the longest a log line may be, in characters
HOSTILE_CALLS: list[tuple[str, dict[str, object]]] = [
    ("create_ticket", {"summary": f"{SUMMARY_MARK} scanner offline", "client_id": 15,
                       "ticket_type_id": 1}),
    # A duplicate refusal quotes the first ticket's summary.
    ("create_ticket", {"summary": f"{SUMMARY_MARK} scanner offline", "client_id": 15,
                       "ticket_type_id": 1}),
    ("get_ticket", {"ticket_id": ID_MARK}),
    ("get_ticket", {"ticket_id": 1001, "extra_fields": [HUGE_MARK + "w" * 1_000_000]}),
    ("add_action", {"ticket_id": 1001, "note": HUGE_MARK + "n" * 1_000_000}),
    ("search_tickets", {"text": SEARCH_MARK}),
    # Names are the caller's to choose too: an argument or a tool that does not exist.
    ("get_ticket", {"ticket_id": 1001, f"{NAME_MARK} says the door code is": 1}),
    (f"{NAME_MARK}_tool", {}),
]  # fmt: skip
MARKS = (SUMMARY_MARK, str(ID_MARK), HUGE_MARK, SEARCH_MARK, QUERY_MARK, NAME_MARK)


def check_log_lines(logs: str) -> None:
    for line in logs.splitlines():
        assert len(line) <= LINE_CAP, f"a {len(line)}-character log line: {line[:200]}"
        for mark in MARKS:
            assert mark not in line, line[:300]


async def test_a_hostile_stdio_session_logs_no_argument_ticket_text_or_long_line(
    tmp_path: Path,
) -> None:
    stderr_file = tmp_path / "stderr.txt"
    with SandboxServer(SandboxConfig(rate_limit_requests=0)) as hp:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HALOPSA_URL": hp.url,
            "HALOPSA_CLIENT_ID": "sandbox-client",
            "HALOPSA_CLIENT_SECRET": SandboxConfig().client_secret,
            "HALOPSA_LOG_LEVEL": "DEBUG",
        }
        # A failed attempt is retried, and the retry is logged.
        hp.state.faults.add(FaultRule(kind="server_error", path=f"/api/Tickets/{ID_MARK}"))
        params = StdioServerParameters(command=COMMAND, env=env)
        with stderr_file.open("w") as errlog:
            async with Client(stdio_client(params, errlog=errlog)) as c:
                results = [await c.call_tool(name, args) for name, args in HOSTILE_CALLS]
    created, duplicate, missing, bad_field, huge_note, _, unknown_name, unknown_tool = results
    assert not created.is_error
    assert duplicate.is_error
    assert SUMMARY_MARK in duplicate.model_dump_json()  # the refusal did quote it
    assert missing.is_error
    assert str(ID_MARK) in missing.model_dump_json()
    assert bad_field.is_error
    assert huge_note.is_error
    assert unknown_name.is_error
    assert unknown_tool.is_error
    logs = stderr_file.read_text()
    check_log_lines(logs)
    assert "HaloPSA GET /api/Tickets/{id} failed (5xx); retrying" in logs
    assert logs.count('"msg": "tool call"') == len(HOSTILE_CALLS)
    assert '"tool get_ticket failed"' in logs  # the SDK's line, kept without its text


async def test_the_http_access_log_shows_no_query_string(tmp_path: Path) -> None:
    stderr = tmp_path / "stderr.txt"
    with SandboxServer(SandboxConfig(rate_limit_requests=0)) as hp:
        port = free_port()
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HALOPSA_URL": hp.url,
            "HALOPSA_CLIENT_ID": "sandbox-client",
            "HALOPSA_CLIENT_SECRET": SandboxConfig().client_secret,
            "HALOPSA_LOG_LEVEL": "DEBUG",
        }
        with stderr.open("w") as errlog:
            process = await anyio.open_process(
                [COMMAND, "--transport", "http", "--port", str(port), "--stateless"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=errlog,
            )
        try:
            answers = await _hostile_http_requests(f"http://127.0.0.1:{port}")
        finally:
            process.terminate()
            with anyio.fail_after(10):
                await process.wait()
    health, mcp, long_path = (answer.status_code for answer in answers)
    assert health == 200
    assert mcp >= 400
    assert long_path == 404
    logs = stderr.read_text()
    assert 'GET /healthz HTTP/1.1\\" 200' in logs  # the access log still shows the path
    check_log_lines(logs)


async def _hostile_http_requests(url: str) -> list[httpx.Response]:
    async with httpx.AsyncClient() as raw:
        for _ in range(200):
            try:
                if (await raw.get(f"{url}/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                await anyio.sleep(0.05)
        return [
            await raw.get(f"{url}/healthz?token={QUERY_MARK}"),
            await raw.post(f"{url}/mcp?token={QUERY_MARK}&x={HUGE_MARK}", json={}),
            await raw.get(f"{url}/{'p' * 6000}?token={QUERY_MARK}"),
        ]


def test_a_huge_log_record_is_cut_to_the_cap_and_marked() -> None:
    record = logging.LogRecord(
        "some.library", logging.INFO, __file__, 1, "%s", ("x" * 1_000_000,), None
    )
    record.fields = {"tool": "y" * 10_000}
    text = JsonLines().format(record)
    assert len(text) <= LINE_CAP
    line = json.loads(text)
    assert line["cut"] is True
    assert line["logger"] == "some.library"
    assert line["msg"].startswith("xxx")


def redacted(name: str, level: int, msg: str, args: tuple[object, ...]) -> str | None:
    record = logging.LogRecord(name, level, __file__, 1, msg, args, None)
    return JsonLines().format(record) if Redacted().filter(record) else None


def test_library_lines_keep_their_wording_but_not_their_values() -> None:
    session = "3f2a9c0e-session-id-never-logged"
    warned = redacted(
        "mcp.server.streamable_http_manager", logging.WARNING,
        "Rejecting request for session %s: credential does not match", (session,),
    )  # fmt: skip
    assert warned is not None
    assert "Rejecting request for session" in warned
    assert session not in warned
    assert redacted("httpcore.http11", logging.DEBUG, "headers %r", ((b"x", b"y"),)) is None
    assert redacted("httpx", logging.INFO, "HTTP Request: %s", ("https://h/?q=1",)) is None
    ours = redacted("halopsa_mcp.lookups", logging.DEBUG, "cached %d rows", (12,))
    assert ours is not None
    assert "cached 12 rows" in ours
