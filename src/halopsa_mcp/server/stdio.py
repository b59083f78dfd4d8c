"""MCP over stdin and stdout: every line gets an answer, and Ctrl-C stops the server at once.

It replaces the SDK's stdio transport (mcp/server/stdio.py), which has two habits:

- a line it cannot parse is dropped without a word, so the client waits for its own
  timeout; here it is answered as the Streamable HTTP transport answers it (-32700 with
  id null, or -32600 for JSON that is not a JSON-RPC message) and the session goes on;
- it reads stdin in an anyio worker thread, which a cancellation must wait for: Ctrl-C
  cancelled the server, but the process stayed until the next line or EOF and then died
  with a KeyboardInterrupt traceback. Here a daemon thread reads stdin, and nothing waits
  for it.

Like the SDK's, it moves the protocol to private descriptors while serving and points fd 0
at the null device and fd 1 at stderr, so a stray print() or a child process cannot
write into the protocol stream or read from it.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.from_thread
import anyio.lowlevel
import pydantic_core
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.server import MCPServer
from mcp.shared.message import SessionMessage
from mcp.types import (
    INVALID_REQUEST,
    PARSE_ERROR,
    ErrorData,
    JSONRPCError,
    JSONRPCMessage,
    jsonrpc_message_adapter,
)
from pydantic import ValidationError

log = logging.getLogger(__name__)

_HINT = (
    "halopsa-mcp: waiting for an MCP client on stdin (an MCP client such as Claude Desktop "
    "starts this command itself). Ctrl-C stops it."
)
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Refused:
    """A line that is not a message, and the error that answers it."""

    answer: JSONRPCError


def parse_line(line: bytes) -> JSONRPCMessage | Refused | None:
    """The message on one line, the answer refusing it, or None for a blank line."""
    if not line.strip():
        return None
    try:
        # Strict JSON: no NaN or Infinity; pydantic's parser also refuses invalid UTF-8,
        # lone surrogates, nesting past 200 levels and numbers past 4,300 digits.
        raw = pydantic_core.from_json(line, allow_inf_nan=False)
    except ValueError as exc:
        return _refusal(None, PARSE_ERROR, f"Parse error: {exc}")
    try:
        return jsonrpc_message_adapter.validate_python(raw, by_name=False)
    except ValidationError:
        return _refusal(
            _request_id(raw), INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message"
        )


def split_lines(pending: bytearray, chunk: bytes) -> list[bytes]:
    """Add chunk to pending; take out and return the lines it completes."""
    pending += chunk
    if b"\n" not in chunk:
        return []
    *lines, rest = bytes(pending).split(b"\n")
    pending[:] = rest
    return lines


def _request_id(raw: Any) -> int | str | None:
    """The id to answer with, when the broken message still carries a usable one."""
    found = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(found, str) or (isinstance(found, int) and not isinstance(found, bool)):
        return found
    return None


def _refusal(request_id: int | str | None, code: int, message: str) -> Refused:
    error = ErrorData(code=code, message=message)
    return Refused(JSONRPCError(jsonrpc="2.0", id=request_id, error=error))


def run_stdio(server: MCPServer[Any]) -> None:
    """Serve until stdin ends. Ctrl-C raises KeyboardInterrupt at once, as it should."""
    # MCP clients start the server on pipes; only a person at a terminal needs telling.
    if os.isatty(0):
        print(_HINT, file=sys.stderr, flush=True)
    anyio.run(_serve, server)


async def _serve(server: MCPServer[Any]) -> None:
    # No public accessor in SDK 2.3; the SDK's own in-memory client reaches it the same way.
    lowlevel = server._lowlevel_server
    with _claimed_stdio() as (stdin_fd, stdout_fd):
        async with _streams(stdin_fd, stdout_fd) as (read_stream, write_stream):
            options = lowlevel.create_initialization_options()
            await lowlevel.run(read_stream, write_stream, options)


@contextmanager
def _claimed_stdio() -> Iterator[tuple[int, int]]:
    """The protocol's stdin and stdout as private descriptors, fds 0 and 1 diverted."""
    stdin_fd, stdout_fd = os.dup(0), os.dup(1)
    sys.stdout.flush()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    try:
        yield stdin_fd, stdout_fd
    finally:
        os.dup2(stdout_fd, 1)
        os.dup2(stdin_fd, 0)
        os.close(stdout_fd)
        # stdin_fd stays open: the reader thread may still be blocked reading it.


@asynccontextmanager
async def _streams(
    stdin_fd: int, stdout_fd: int
) -> AsyncIterator[
    tuple[
        MemoryObjectReceiveStream[SessionMessage | Exception],
        MemoryObjectSendStream[SessionMessage],
    ]
]:
    lines_in, lines_out = anyio.create_memory_object_stream[bytes](0)
    to_server, from_client = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    to_client, from_server = anyio.create_memory_object_stream[SessionMessage](0)
    _start_reader(stdin_fd, lines_in)
    async with anyio.create_task_group() as writing:
        writing.start_soon(_write, from_server, stdout_fd)
        async with anyio.create_task_group() as routing:
            routing.start_soon(_route, lines_out, to_server, to_client.clone())
            try:
                yield from_client, to_client
            finally:
                # The server has stopped: no more lines for it, but what it wrote is
                # still written out before the writer ends.
                routing.cancel_scope.cancel()


async def _route(
    lines: MemoryObjectReceiveStream[bytes],
    to_server: MemoryObjectSendStream[SessionMessage | Exception],
    to_client: MemoryObjectSendStream[SessionMessage],
) -> None:
    async with lines, to_server, to_client:
        async for line in lines:
            parsed = parse_line(line)
            if parsed is None:
                continue
            if isinstance(parsed, Refused):
                # The code only: the line itself may carry ticket text or secrets.
                log.warning(
                    "stdio: refused a line", extra={"fields": {"code": parsed.answer.error.code}}
                )
                await to_client.send(SessionMessage(parsed.answer))
                continue
            try:
                await to_server.send(SessionMessage(parsed))
            except anyio.BrokenResourceError:
                return


async def _write(messages: MemoryObjectReceiveStream[SessionMessage], fd: int) -> None:
    broken = False
    async with messages:
        async for session_message in messages:
            if broken:
                continue  # drained, so the server never blocks on a reader that is gone
            text = session_message.message.model_dump_json(by_alias=True, exclude_unset=True)
            try:
                await anyio.to_thread.run_sync(_write_all, fd, text.encode() + b"\n")
            except OSError:
                broken = True
                log.warning("stdio: stdout is closed; answers are dropped until stdin ends")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _start_reader(fd: int, lines: MemoryObjectSendStream[bytes]) -> None:
    token = anyio.lowlevel.current_token()

    def deliver(line: bytes) -> None:
        anyio.from_thread.run(lines.send, line, token=token)

    def finish() -> None:
        anyio.from_thread.run_sync(lines.close, token=token)

    # A daemon thread: the process may end while it is blocked in a read.
    reader = threading.Thread(
        target=_read_lines, args=(fd, deliver, finish), name="mcp-stdin", daemon=True
    )
    reader.start()


def _read_lines(fd: int, deliver: Callable[[bytes], None], finish: Callable[[], None]) -> None:
    pending = bytearray()
    try:
        while chunk := _read_chunk(fd):
            for line in split_lines(pending, chunk):
                deliver(line)
        if pending:
            deliver(bytes(pending))
        finish()
    except (anyio.BrokenResourceError, anyio.ClosedResourceError, anyio.RunFinishedError):
        # The server has stopped listening; what is left on stdin has no reader.
        return


def _read_chunk(fd: int) -> bytes:
    try:
        return os.read(fd, _CHUNK)
    except OSError:
        # A terminal that hangs up answers EIO: the same as the end of input.
        return b""
