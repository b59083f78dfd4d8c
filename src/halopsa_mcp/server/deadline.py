"""One bound on each whole tool call (HALOPSA_CALL_TIMEOUT), retries and waits included.

The client sees the deadline and gives up on its own, in time and saying whether a write
may have been applied. The cancel scope here is only the backstop for waits the client
cannot see (another call's token or lookup fetch it shares), so no call outlives it.
"""

from __future__ import annotations

from typing import Any

import anyio
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import CallToolResult, TextContent

from halopsa_mcp.client.deadline import deadline

# The client gives up just before the bound; this leaves it time to say so itself.
_GRACE = 1.0


class CallDeadline:
    """Server middleware: each tools/call ends within ``seconds`` (plus a grace second)."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method != "tools/call":
            return await call_next(ctx)
        with deadline(self._seconds), anyio.move_on_after(self._seconds + _GRACE):
            return await call_next(ctx)
        return CallToolResult(
            is_error=True,
            content=[
                TextContent(
                    type="text",
                    text=(
                        f"The call did not finish within {self._seconds:g}s "
                        "(HALOPSA_CALL_TIMEOUT) and was stopped. If it was a write, it may "
                        "have been applied: check the ticket before repeating it."
                    ),
                )
            ],
        )
