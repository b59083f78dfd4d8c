"""One structured log line per tool call (the format is in halopsa_mcp.logfmt).

Argument values are never logged: they hold customer data. Secrets never reach a log
line: settings keep them in SecretStr, and no request headers or token answers are logged.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext

from halopsa_mcp.client.metering import counting_requests

log = logging.getLogger("halopsa_mcp.calls")


class CallLog:
    """Server middleware: after each tools/call, one line with the tool, how long it
    took, how many HaloPSA requests it made, and how it ended.

    Names are the caller's to choose as much as values are: only the names of the tools
    served and of their own arguments are logged; others are counted, never written."""

    def __init__(self, server: MCPServer[Any]) -> None:
        self._server = server
        self._arguments: dict[str, frozenset[str]] | None = None

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method != "tools/call" or ctx.params is None:
            return await call_next(ctx)
        started = time.perf_counter()
        outcome = "exception"
        with counting_requests() as requests:
            try:
                result = await call_next(ctx)
                outcome = "error" if _is_error(result) else "ok"
                return result
            finally:
                fields = await self._names(ctx.params.get("name"), ctx.params.get("arguments"))
                fields |= {
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "halopsa_requests": requests.value,
                    "outcome": outcome,
                }
                log.info("tool call", extra={"fields": fields})

    async def _names(self, tool: Any, arguments: Any) -> dict[str, Any]:
        if self._arguments is None:
            # Tools are fixed once the server runs, so their argument names are read once.
            self._arguments = {
                t.name: frozenset(t.input_schema.get("properties", {}))
                for t in await self._server.list_tools()
            }
        declared = self._arguments.get(str(tool))
        given = set(arguments) if isinstance(arguments, dict) else set()
        known = sorted(given & declared) if declared is not None else []
        fields: dict[str, Any] = {
            "tool": str(tool) if declared is not None else "(not served)",
            "arguments": known,
        }
        if len(given) > len(known):
            fields["unknown_arguments"] = len(given) - len(known)
        return fields


def _is_error(result: HandlerResult) -> bool:
    if isinstance(result, dict):
        return bool(result.get("isError"))
    return bool(getattr(result, "is_error", False))
