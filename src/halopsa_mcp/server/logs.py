"""One structured log line per tool call (the format is in halopsa_mcp.logfmt).

Argument values are never logged: they hold customer data. Secrets never reach a log
line: settings keep them in SecretStr, and no request headers or token answers are logged.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext

from halopsa_mcp.client.metering import counting_requests

log = logging.getLogger("halopsa_mcp.calls")


class CallLog:
    """Server middleware: after each tools/call, one line with the tool, how long it
    took, how many HaloPSA requests it made, and how it ended."""

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
                arguments = ctx.params.get("arguments")
                log.info(
                    "tool call",
                    extra={
                        "fields": {
                            "tool": str(ctx.params.get("name"))[:100],
                            "arguments": [str(a)[:60] for a in sorted(arguments)[:30]]
                            if isinstance(arguments, dict)
                            else [],
                            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                            "halopsa_requests": requests.value,
                            "outcome": outcome,
                        }
                    },
                )


def _is_error(result: HandlerResult) -> bool:
    if isinstance(result, dict):
        return bool(result.get("isError"))
    return bool(getattr(result, "is_error", False))
