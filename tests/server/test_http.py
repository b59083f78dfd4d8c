"""Streamable HTTP: bearer auth, /healthz, stateless replicas, safe listening."""

import base64
from collections.abc import Callable

import httpx
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.server import MCPServer
from mcp.shared._httpx_utils import create_mcp_http_client
from pydantic import SecretStr

from halopsa_mcp.config import ConfigError, ServerSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.http import http_app
from halopsa_mcp.server.services import Services
from tests.helpers import INITIALIZE

from .conftest import ok, refusal
from .served import served

Make = Callable[..., MCPServer[Services]]
TOKEN = SecretStr("team-token-0123456789abcdef")
HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


def mcp_client(url: str, token: str | None) -> Client:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    return Client(
        streamable_http_client(f"{url}/mcp", http_client=create_mcp_http_client(headers=headers))
    )


async def test_an_mcp_client_with_the_token_works(
    sandbox: SandboxServer, make_server: Make
) -> None:
    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=False)
    with served(app) as url:
        async with mcp_client(url, TOKEN.get_secret_value()) as c:
            page = ok(await c.call_tool("search_tickets", {"limit": 2}))
    assert len(page["tickets"]) == 2


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong-token-0123456789", f"Basic {TOKEN.get_secret_value()}", "Bearer"],
)
def test_requests_without_the_right_token_get_401(
    make_server: Make, authorization: str | None
) -> None:
    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=False)
    headers = dict(HEADERS)
    if authorization:
        headers["authorization"] = authorization
    with served(app) as url:
        answer = httpx.post(f"{url}/mcp", json=INITIALIZE, headers=headers)
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert TOKEN.get_secret_value() not in answer.text


async def test_an_mcp_client_without_the_token_cannot_connect(make_server: Make) -> None:
    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=False)
    with served(app) as url, pytest.raises(Exception):  # noqa: B017, PT011 - any failure will do
        async with mcp_client(url, None) as c:
            await c.list_tools()


def test_healthz_answers_without_a_token(make_server: Make) -> None:
    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=True)
    with served(app) as url:
        answer = httpx.get(f"{url}/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "mcp.example.com"])  # noqa: S104
def test_no_token_means_loopback_only(make_server: Make, host: str) -> None:
    with pytest.raises(ConfigError, match="HALOPSA_MCP_TOKEN"):
        http_app(make_server(), host=host, token=None, stateless=True)
    assert http_app(make_server(), host=host, token=TOKEN, stateless=True) is not None


async def test_stateless_replicas_answer_any_request(
    sandbox: SandboxServer, make_server: Make
) -> None:
    # Two replicas, as behind a load balancer: initialize on one, call a tool on the other.
    auth = {**HEADERS, "authorization": f"Bearer {TOKEN.get_secret_value()}"}
    call = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "list_ticket_types", "arguments": {}},
    }
    one = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=True)
    two = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=True)
    with served(one) as first, served(two) as second:
        async with httpx.AsyncClient() as raw:
            started = await raw.post(f"{first}/mcp", json=INITIALIZE, headers=auth)
            answered = await raw.post(
                f"{second}/mcp",
                json=call,
                headers={**auth, "mcp-protocol-version": "2025-06-18"},
            )
        async with mcp_client(second, TOKEN.get_secret_value()) as c:
            assert ok(await c.call_tool("list_statuses", {}))["statuses"]
    assert started.status_code == 200
    assert "mcp-session-id" not in started.headers
    assert answered.status_code == 200
    result = answered.json()["result"]
    assert not result.get("isError")
    assert result["structuredContent"]["ticket_types"]


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
def test_the_scheme_is_case_insensitive(make_server: Make, scheme: str) -> None:
    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=True)
    headers = {**HEADERS, "authorization": f"{scheme} {TOKEN.get_secret_value()}"}
    with served(app) as url:
        answer = httpx.post(f"{url}/mcp", json=INITIALIZE, headers=headers)
    assert answer.status_code == 200


def test_two_authorization_headers_are_refused(make_server: Make) -> None:
    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=True)
    good = f"Bearer {TOKEN.get_secret_value()}"
    with served(app) as url:
        for pair in ([good, "Bearer wrong"], ["Bearer wrong", good]):
            headers = [*HEADERS.items(), *(("authorization", v) for v in pair)]
            answer = httpx.post(f"{url}/mcp", json=INITIALIZE, headers=headers)
            assert answer.status_code == 401


@pytest.mark.parametrize("bound", ["127.0.0.1", "127.0.0.2", "::1"])
def test_without_a_token_a_rebound_host_name_is_refused(make_server: Make, bound: str) -> None:
    # A web page reaching the loopback server through its own DNS name sends its Host.
    app = http_app(make_server(), host=bound, token=None, stateless=True)
    with served(app) as url:
        port = url.rsplit(":", 1)[1]
        rebound = httpx.post(
            f"{url}/mcp", json=INITIALIZE, headers={**HEADERS, "host": "attacker.example"}
        )
        local = httpx.post(
            f"{url}/mcp", json=INITIALIZE, headers={**HEADERS, "host": f"127.0.0.1:{port}"}
        )
    assert rebound.status_code in (403, 421)
    assert local.status_code == 200


async def test_an_attachment_near_the_cap_fits_in_an_http_request(
    sandbox: SandboxServer, make_server: Make
) -> None:
    data = bytes(range(256)) * (6 * 4096)  # 6 MiB, under the 10 MiB cap
    app = http_app(
        make_server(),
        host="127.0.0.1",
        token=TOKEN,
        stateless=True,
        max_body_bytes=ServerSettings(max_attachment_mb=10).max_request_bytes,
    )
    with served(app) as url:
        async with mcp_client(url, TOKEN.get_secret_value()) as c:
            saved = ok(
                await c.call_tool(
                    "upload_attachment",
                    {
                        "ticket_id": 1001,
                        "filename": "big.bin",
                        "content_base64": base64.b64encode(data).decode(),
                    },
                )
            )
    assert sandbox.state.attachments[saved["attachment"]["id"]].data == data


async def test_an_upload_reports_progress_to_a_client_that_asks(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reported: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        reported.append((progress, total, message))

    app = http_app(make_server(), host="127.0.0.1", token=TOKEN, stateless=False)
    with served(app) as url:
        async with mcp_client(url, TOKEN.get_secret_value()) as c:
            saved = ok(
                await c.call_tool(
                    "upload_attachment",
                    {
                        "ticket_id": 1001,
                        "filename": "report.txt",
                        "content_base64": base64.b64encode(b"progress").decode(),
                    },
                    progress_callback=on_progress,
                )
            )
            quiet = ok(
                await c.call_tool(
                    "upload_attachment",
                    {
                        "ticket_id": 1001,
                        "filename": "quiet.txt",
                        "content_base64": base64.b64encode(b"no progress").decode(),
                    },
                )
            )
    assert saved["attachment"]["id"] != quiet["attachment"]["id"]
    assert [(p, t) for p, t, _ in reported] == [(1, 2), (2, 2)]
    assert "report.txt" in (reported[0][2] or "")
    assert "attached" in (reported[1][2] or "")


async def test_an_oversized_content_base64_is_refused_by_its_length_alone(
    sandbox: SandboxServer, make_server: Make
) -> None:
    before = len(sandbox.state.attachments)
    app = http_app(
        make_server(HALOPSA_MAX_ATTACHMENT_MB="0.001"),
        host="127.0.0.1",
        token=TOKEN,
        stateless=True,
    )
    with served(app) as url:
        async with mcp_client(url, TOKEN.get_secret_value()) as c:
            result = await c.call_tool(
                "upload_attachment",
                {"ticket_id": 1001, "filename": "big.bin", "content_base64": "QUFB" * 500},
            )
    text = refusal(result)
    assert text.startswith("Nothing was done")
    assert "content_base64" in text
    assert "2,000 characters of base64 where at most 1,400 fit" in text
    assert "HALOPSA_MAX_ATTACHMENT_MB" in text
    assert len(sandbox.state.attachments) == before
