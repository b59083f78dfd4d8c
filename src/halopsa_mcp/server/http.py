"""Serving the MCP server over Streamable HTTP, for a whole team.

Every request but /healthz must carry ``Authorization: Bearer <HALOPSA_MCP_TOKEN>``,
compared in constant time. Without a token the server listens on loopback only.
Stateless mode keeps no session between requests, so replicas behind any load balancer
can answer any request.
"""

from __future__ import annotations

import errno
import hmac
import ipaddress
import json
import logging
import socket
from typing import Any

import anyio
import uvicorn
from mcp.server import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from halopsa_mcp.config import ConfigError
from halopsa_mcp.server.sessions import SessionLimiter

log = logging.getLogger("halopsa_mcp")

HEALTH_PATH = "/healthz"
MCP_PATH = "/mcp"
# Bodies above this are held back while `large_requests` others are in: a small call
# never waits, and a burst of uploads cannot hold all its bodies in memory at once.
LARGE_BODY = 1024 * 1024


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
        self._expected = token.get_secret_value().encode()

    def _matches(self, header: bytes) -> bool:
        scheme, _, credentials = header.partition(b" ")
        # The scheme is case-insensitive (RFC 7235); compare_digest takes the same time
        # wherever the first difference is, so the token cannot be guessed byte by byte.
        return scheme.lower() == b"bearer" and hmac.compare_digest(
            credentials.strip(), self._expected
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == HEALTH_PATH:
            await self._app(scope, receive, send)
            return
        # More than one Authorization header is ambiguous (proxies disagree on which
        # wins), so it is refused rather than guessed at.
        presented = [v for k, v in scope["headers"] if k == b"authorization"]
        if len(presented) != 1 or not self._matches(presented[0]):
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


class LargeBodyGate:
    """ASGI middleware: at most ``slots`` requests with a large body are served at once.

    The others wait before their body is read; the server stops reading a waiting
    request's socket after a small buffer, so waiting costs no memory.
    """

    def __init__(self, app: ASGIApp, slots: int) -> None:
        self._app = app
        self._slots = anyio.Semaphore(slots)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _large_body(scope):
            await self._app(scope, receive, send)
            return
        async with self._slots:
            await self._app(scope, receive, send)


def _large_body(scope: Scope) -> bool:
    headers: dict[bytes, bytes] = dict(scope["headers"])
    length = headers.get(b"content-length")
    if length is None:
        # A chunked body can be any size, up to the body limit.
        return headers.get(b"transfer-encoding", b"").lower() == b"chunked"
    return not length.isdigit() or int(length) > LARGE_BODY


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
    max_body_bytes: int = 4 * 1024 * 1024,
    max_sessions: int = 100,
    session_idle_seconds: float = 600.0,
    large_requests: int = 4,
) -> ASGIApp:
    """The ASGI app to serve: MCP at /mcp, /healthz, and bearer auth when a token is set.

    Stateful sessions are capped at ``max_sessions`` (see sessions.py) and end after
    ``session_idle_seconds`` without a request; at most ``large_requests`` requests with
    a large body are served at a time.
    """
    if token is None and not is_loopback(host):
        raise ConfigError(
            f"refusing to listen on {host} without a token: set HALOPSA_MCP_TOKEN (or "
            "HALOPSA_MCP_TOKEN_FILE), or listen on 127.0.0.1"
        )
    security = _host_checks(host, token, allowed_hosts)
    server.custom_route(HEALTH_PATH, methods=["GET"])(_healthz)
    app: Starlette = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=stateless,
        # Stateless replicas answer each POST in full, with no stream to resume.
        json_response=stateless,
        host=host,
        transport_security=security,
        max_request_body_size=max_body_bytes,
        session_idle_timeout=session_idle_seconds,
        # A backstop only: the limiter below keeps the count at max_sessions, allowing
        # for sessions still opening at the same moment.
        max_sessions=2 * max_sessions,
    )
    served: ASGIApp = app
    if not stateless:
        served = SessionLimiter(
            served, path=MCP_PATH, max_sessions=max_sessions, idle_seconds=session_idle_seconds
        )
    served = LargeBodyGate(served, large_requests)
    return BearerAuth(served, token) if token is not None else served


def _host_checks(
    host: str, token: SecretStr | None, allowed_hosts: frozenset[str]
) -> TransportSecuritySettings | None:
    """Host/Origin checks against DNS rebinding.

    Without a token the only guard is that the server listens on loopback, which a
    web page can reach through a rebound DNS name: then only loopback names are let in,
    whatever loopback address is bound. Named hosts add to that, any port.
    """
    names = {"127.0.0.1", "localhost", "[::1]", host if ":" not in host else f"[{host}]"}
    names |= {h.lower() for h in allowed_hosts}
    if token is not None and not allowed_hosts:
        return None  # the token guards every request; the SDK keeps its own defaults
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=sorted(f"{name}:*" for name in names) + sorted(names),
        allowed_origins=sorted(
            f"{scheme}://{name}{port}"
            for name in names
            for scheme in ("http", "https")
            for port in ("", ":*")
        ),
    )


def body_limit(max_attachment_bytes: int) -> int:
    """Room for the largest attachment as base64 (4/3 larger) plus its JSON envelope."""
    return max(4 * 1024 * 1024, max_attachment_bytes * 4 // 3 + 64 * 1024)


def serve_http(app: ASGIApp, host: str, port: int) -> None:
    """Serve until interrupted; uvicorn's own logging goes through ours (to stderr).

    The socket is bound here, before anything is announced, so a port in use is one
    clear ConfigError rather than uvicorn's log and exit.
    """
    sock = _bind(host, port)
    with sock:
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        server = _Announcing(
            uvicorn.Config(app, log_config=None, lifespan="on"),
            f"http://{shown}:{bound}{MCP_PATH}",
        )
        server.run(sockets=[sock])


def _bind(host: str, port: int) -> socket.socket:
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror:
        raise ConfigError(f"cannot listen on {host}: no such address (check --host)") from None
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise ConfigError(
                f"cannot listen on {host}:{port}: the port is already in use; "
                "choose another with --port"
            ) from None
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


class _Announcing(uvicorn.Server):
    """Logs where it serves once it really does: after the app started and listens."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self._url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and not self.should_exit:
            log.warning("serving MCP over HTTP at %s", self._url)
