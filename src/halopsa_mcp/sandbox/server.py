"""Serving the sandbox: in a background thread for tests, or in the foreground for the CLI."""

from __future__ import annotations

import asyncio
import errno
import logging
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

import uvicorn

from halopsa_mcp.sandbox.app import create_app
from halopsa_mcp.sandbox.config import SandboxConfig
from halopsa_mcp.sandbox.state import SandboxState

_STARTUP_TIMEOUT = 10.0


class SandboxServer:
    """A sandbox HaloPSA on a free port of 127.0.0.1, served from a background thread.

    Use it as a context manager; `url` is the base to give a client ("http://127.0.0.1:N",
    without /api) and `state` the SandboxState to reset, inspect or add faults to.
    """

    def __init__(self, config: SandboxConfig | None = None, *, host: str = "127.0.0.1") -> None:
        self.state = SandboxState(config)
        self._host = host
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        sock = _listen(self._host, 0)
        self.url = _url(sock)
        server = uvicorn.Server(_uvicorn_config(self.state))
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="sandbox-halopsa", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + _STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox HaloPSA did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=_STARTUP_TIMEOUT)
        self._server = self._thread = None


class CannotListen(Exception):
    """The address to serve on cannot be had; the message says which and what to do."""


async def serve(host: str, port: int, config: SandboxConfig) -> None:
    """Serve a sandbox until the task is cancelled or uvicorn is told to stop."""
    state = SandboxState(config)
    sock = _listen_or_explain(host, port)
    # Printed only now, with the port bound: a banner must never name an address that
    # someone else holds.
    tenant = f", tenant {config.tenant!r}" if config.tenant else ""
    # The secret stays out of the log: logs get pasted into tickets and chats.
    print(
        f"Sandbox HaloPSA serving {_url(sock)} (client id {config.client_id!r}{tenant}, "
        f"{config.ticket_count} tickets, seed {config.seed})",
        file=sys.stderr,
        flush=True,
    )
    await uvicorn.Server(_uvicorn_config(state)).serve(sockets=[sock])


def run(host: str, port: int, config: SandboxConfig) -> None:
    """Serve in the foreground until SIGINT or SIGTERM, then return normally.

    Raises CannotListen, before printing anything, when the address cannot be bound.
    """
    with _signals_end_quietly():
        asyncio.run(serve(host, port, config))


@contextmanager
def _signals_end_quietly() -> Iterator[None]:
    """Make SIGINT and SIGTERM end the server without a traceback or a signal exit.

    While serving, uvicorn catches both itself and shuts down gracefully; afterwards it
    re-raises each caught signal to the handler that was there before, which by default
    means KeyboardInterrupt or death by SIGTERM. A no-op handler there absorbs that.
    """
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda _sig, _frame: None) for sig in stop_signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _uvicorn_config(state: SandboxState) -> uvicorn.Config:
    _hide_intended_drops()
    return uvicorn.Config(
        create_app(state),
        log_level="warning",
        access_log=False,
        # Log through the host process's own logging (never uvicorn's defaults, which
        # would attach a stdout handler: stdout carries MCP when the sandbox is embedded).
        log_config=None,
        lifespan="off",
        # A "slow" fault may be mid-sleep at shutdown; do not wait long for it.
        timeout_graceful_shutdown=2,
    )


class _DropNoticeFilter(logging.Filter):
    """Hides uvicorn's complaint about the unfinished responses the "drop" fault sends."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != "ASGI callable returned without completing response."


def _hide_intended_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DropNoticeFilter) for f in logger.filters):
        logger.addFilter(_DropNoticeFilter())


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, bound before uvicorn starts so port 0's choice is known at once.

    The protocol must be IPPROTO_TCP, not 0: asyncio switches Nagle's algorithm off only
    for sockets that say so, and with it on every response with a body stalls ~40 ms.
    """
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto or socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen()
    return sock


def _listen_or_explain(host: str, port: int) -> socket.socket:
    """`_listen`, with a failure turned into one line a person can act on."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        return _listen(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            reason = "is already in use; choose another port with --port"
        else:
            reason = f"cannot be listened on ({exc.strerror or exc}); check --host and --port"
        raise CannotListen(f"{where} {reason}") from None


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
