"""Warm-up at start: fetch the token and the lookups before the first tool call needs them.

It runs in the background and shares the caches the tools use, so a call that arrives
meanwhile waits only for the fetch it needs, already in flight. Its real job is telling
the operator early: wrong credentials, tenant or URL are logged at WARNING, with the
fix, instead of staying silent until a tool call fails.

It waits for the client's handshake first (the first answer after initialize, usually
tools/list): its requests and parsing share the event loop, and a client that has just
started the server should not wait for them.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext

from halopsa_mcp.client import HaloClient, HaloError
from halopsa_mcp.server.catalog_cache import CatalogCache

log = logging.getLogger("halopsa_mcp.warmup")

# Long enough for a client's initialize and tools/list; short enough that wrong settings
# are still reported within seconds when no client talks at all.
HANDSHAKE_WAIT = 2.0
# How a client opens: initialize, or the SDK's own client's server/discover.
_OPENING = frozenset({"initialize", "server/discover"})


class Handshake:
    """Server middleware: notes when a client has had its first answer after initialize."""

    def __init__(self) -> None:
        self._answered: anyio.Event | None = None

    def begin(self) -> None:
        """Start watching; called where an event loop runs (the lifespan)."""
        self._answered = anyio.Event()

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        result = await call_next(ctx)
        if (
            self._answered is not None
            and ctx.method not in _OPENING
            and not ctx.method.startswith("notifications/")
        ):
            self._answered.set()
        return result

    async def wait(self, at_most: float = HANDSHAKE_WAIT) -> None:
        if self._answered is not None:
            with anyio.move_on_after(at_most):
                await self._answered.wait()


def _load(load_tools: Callable[[], None]) -> None:
    importlib.import_module("halopsa_mcp.client.transport")
    load_tools()


async def warm_up(
    halo: HaloClient,
    catalogs: CatalogCache,
    handshake: Handshake,
    prepare: Callable[[], Awaitable[None]],
    load_tools: Callable[[], None],
) -> None:
    """Never raises: a failed warm-up must not stop the server, whose tools report the
    same problem when called. ``prepare`` and ``load_tools`` do the start-up work deferred
    until after the handshake (compiling the argument check, importing the tools), so
    the first call does not pay it."""
    await handshake.wait()
    # The handshake's answer is noted before it is written out. Importing the HTTP stack
    # and the tools' modules take tens of milliseconds: in a worker thread, the event
    # loop meanwhile sends that answer (and any other) instead of holding it.
    try:
        await anyio.to_thread.run_sync(_load, load_tools)
    except Exception as exc:
        # HaloClient imports it again when first used: the failure shows on that call.
        log.warning("warm-up failed (%s); tool calls will try again", type(exc).__name__)
        return
    try:
        # First: a schema the argument check cannot check is reported at once.
        await prepare()
    except Exception as exc:
        # The first call prepares it again, and reports what is wrong then.
        log.warning("preparing the argument check failed (%s)", type(exc).__name__)
    try:
        await halo.authenticate()
        await catalogs.get()
    except HaloError as exc:
        # The client's messages name the setting to check and never carry the secret.
        log.warning(
            "HaloPSA is not usable with these settings: %s. Run `halopsa-mcp check` for a "
            "full report",
            str(exc).rstrip("."),
        )
    except Exception as exc:
        log.warning("warm-up failed (%s); tool calls will try again", type(exc).__name__)
    else:
        log.info("warmed up: token and lookups fetched")
