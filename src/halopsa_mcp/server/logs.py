"""Structured logging to stderr, and one line per tool call.

stdout carries the protocol in stdio mode, so nothing is ever logged there. Lines are
JSON objects, easy to ship to any log store. Argument values are never logged: they
hold customer data. Secrets never reach a log line: settings keep them in SecretStr,
and no request headers or token answers are logged.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime
from typing import Any

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext

from halopsa_mcp.client.metering import counting_requests

log = logging.getLogger("halopsa_mcp.calls")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        line.update(getattr(record, "fields", {}))
        if record.exc_info and record.exc_info[0] is not None:
            # The kind of failure, not the traceback: tracebacks carry local values.
            line["error"] = record.exc_info[0].__name__
        return json.dumps(line, default=str)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO; the tool-call line already counts them.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))


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
                            "arguments": sorted(arguments)[:30]
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
