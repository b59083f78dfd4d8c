"""Log lines as JSON objects on stderr, never carrying what callers send.

stdout carries the MCP protocol in stdio mode, so nothing is ever logged there. This
module imports nothing heavy, so the command line can set logging up before deciding
what to start.

No line may carry argument values, ticket text, a query string or a secret, whatever
the level: our own lines are written that way, and the libraries' lines are filtered
here (``Redacted``) before they are formatted. No line is longer than ``LINE_CAP``.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

LINE_CAP = 4096
# Each value of a line over the cap is cut to this (as JSON), which leaves room for the
# timestamp, level and logger name.
_VALUE_CAP = 1000
_NAME_CAP = 100
_PATH_CAP = 200


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
        text = json.dumps(line, default=str)
        return text if len(text) <= LINE_CAP else _cut(line)


def _cut(line: dict[str, Any]) -> str:
    """``line`` within the cap, marked ``"cut": true``: every long value shortened, and
    if that is not enough, only the timestamp, level, logger and message kept."""
    short = {key: _short(value) for key, value in line.items()} | {"cut": True}
    text = json.dumps(short, default=str)
    if len(text) <= LINE_CAP:
        return text
    return json.dumps({key: short.get(key) for key in ("ts", "level", "logger", "msg", "cut")})


def _short(value: Any) -> Any:
    if len(json.dumps(value, default=str)) <= _VALUE_CAP:
        return value
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = text[:_VALUE_CAP]
    # Escapes can make a character six long in JSON, so measure what is written.
    while len(json.dumps(text)) > _VALUE_CAP - 3:
        text = text[: len(text) * 3 // 4]
    return text + "…"


class Redacted(logging.Filter):
    """Lets through our own lines, and the libraries' lines only in a form that cannot
    carry what a caller sent.

    The SDK's "Tool 'x' failed: <error text>" becomes "tool x failed": the text quotes
    arguments and other tickets' summaries. Access lines lose their query string (a
    token in ``?token=`` would otherwise be logged). Other library lines below WARNING
    are dropped (at DEBUG they print raw response headers and protocol messages), and
    those at WARNING or above keep their wording but not their values.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        if name == "halopsa_mcp" or name.startswith("halopsa_mcp."):
            return True
        if name == "uvicorn.access":
            record.args = _access_args(record.args)
            return True
        if name == "mcp.server.mcpserver.server" and _sdk_failure(record):
            return True
        if name == "uvicorn.error" and record.levelno >= logging.INFO:
            return True  # start, stop and the address served; no request data
        if record.levelno < logging.WARNING:
            return False
        record.args = ()
        return True


def _access_args(args: Any) -> Any:
    # uvicorn's access line: (client, method, path with query, HTTP version, status).
    if not (isinstance(args, tuple) and len(args) == 5):
        return ()
    client, method, path, version, status = args
    path = str(path).split("?", 1)[0]
    if len(path) > _PATH_CAP:
        path = path[:_PATH_CAP] + "…"
    return (client, method, path, version, status)


# The SDK's lines about a failed tool call or resource read, by their wording.
_SDK_FAILURES = {
    "Tool %r failed: %r": "tool %s failed",
    "Tool %r rejected arguments: %r": "tool %s rejected its arguments",
    "Tool %r raised an unexpected exception": "tool %s raised an unexpected exception",
    "Resource %r failed: %r": "resource %s failed",
    "Resource %r raised an unexpected exception": "resource %s raised an unexpected exception",
}


def _sdk_failure(record: logging.LogRecord) -> bool:
    """Rewrites one of the SDK's failure lines to name only the tool or resource."""
    wording = _SDK_FAILURES.get(str(record.msg))
    if wording is None or not isinstance(record.args, tuple) or not record.args:
        return False
    record.msg = wording
    record.args = (str(record.args[0])[:_NAME_CAP],)
    return True


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines())
    # On the handler, not a logger: it then sees every line, whichever logger sent it.
    handler.addFilter(Redacted())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
