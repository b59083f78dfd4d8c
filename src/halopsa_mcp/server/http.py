"""Serving the MCP server over Streamable HTTP, for a whole team.

Every request but /healthz must carry ``Authorization: Bearer <HALOPSA_MCP_TOKEN>``,
compared in constant time. Without a token the server listens on loopback only.
Stateless mode keeps no session between requests, so replicas behind any load balancer
can answer any request.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from typing import Any

import uvicorn
from mcp.server import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from halopsa_mcp.config import ConfigError

HEALTH_PATH = "/healthz"
MCP_PATH = "/mcp"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class BearerAuth:
    """ASGI middleware: 401 unless the request carries the configured bearer token."""

    def __init__(self, app: ASGIApp, token: SecretStr) -> None:
        self._app = app
        self._expected = f"Bearer {token.get_secret_value()}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == HEALTH_PATH:
            await self._app(scope, receive, send)
            return
        presented = dict(scope["headers"]).get(b"authorization", b"")
        # compare_digest takes the same time wherever the first difference is, so the
        # token cannot be guessed byte by byte from response times.
        if not hmac.compare_digest(presented, self._expected):
            body = json.dumps({"error": "unauthorized", "hint": "send Authorization: Bearer"})
            response = Response(
                body,
                status_code=401,
                media_type="application/json",
                headers={"WWW-Authenticate": 'Bearer realm="halopsa-mcp"'},
            )
            await response(scope, receive, send)
            return
        await self._app(scope, receive, send)


async def _healthz(_: Request) -> Response:
    # Liveness only: it does not call HaloPSA, so a HaloPSA outage does not make a load
    # balancer restart healthy replicas.
    return JSONResponse({"status": "ok"})


def http_app(
    server: MCPServer[Any],
    *,
    host: str,
    token: SecretStr | None,
    stateless: bool,
    allowed_hosts: frozenset[str] = frozenset(),
) -> ASGIApp:
    """The ASGI app to serve: MCP at /mcp, /healthz, and bearer auth when a token is set."""
    if token is None and not is_loopback(host):
        raise ConfigError(
            f"refusing to listen on {host} without a token: set HALOPSA_MCP_TOKEN (or "
            "HALOPSA_MCP_TOKEN_FILE), or listen on 127.0.0.1"
        )
    security = None
    if allowed_hosts:
        security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=sorted(allowed_hosts),
            allowed_origins=sorted(f"https://{h}" for h in allowed_hosts),
        )
    server.custom_route(HEALTH_PATH, methods=["GET"])(_healthz)
    app: Starlette = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=stateless,
        # Stateless replicas answer each POST in full, with no stream to resume.
        json_response=stateless,
        host=host,
        transport_security=security,
    )
    return BearerAuth(app, token) if token is not None else app


def serve_http(app: ASGIApp, host: str, port: int) -> None:
    """Serve until interrupted; uvicorn's own logging goes through ours (to stderr)."""
    uvicorn.run(app, host=host, port=port, log_config=None, lifespan="on")
