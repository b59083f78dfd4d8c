"""MCP over stdin and stdout: every line gets an answer, and Ctrl-C stops the server at once.

It replaces the SDK's stdio transport (mcp/server/stdio.py), which has two habits:

- a line it cannot parse is dropped without a word, so the client waits for its own
  timeout; here it is answered as the Streamable HTTP transport answers it (-32700 with
  id null, or -32600 for JSON that is not a JSON-RPC message) and the session goes on;
- it reads stdin in an anyio worker thread, which a cancellation must wait for: Ctrl-C
  cancelled the server, but the process stayed until the next line or EOF and then died
  with a KeyboardInterrupt traceback. Here the event loop itself waits for stdin to be
  readable, and writes stdout without a thread: no thread hand-over on either side of a
  call, and nothing for a cancellation to wait for.

Like the SDK's, it moves the protocol to private descriptors while serving and points fd 0
at the null device and fd 1 at stderr, so a stray print() or a child process cannot
write into the protocol stream or read from it.
"""

from __future__ import annotations

import logging
import os
import re
import select
import stat
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import anyio
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
    JSONRPCNotification,
    JSONRPCRequest,
    JSONRPCResponse,
    jsonrpc_message_adapter,
)
from pydantic import ValidationError

log = logging.getLogger(__name__)

_HINT = (
    "halopsa-mcp: waiting for an MCP client on stdin (an MCP client such as Claude Desktop "
    "starts this command itself). Ctrl-C stops it."
)
_CHUNK = 1 << 16
# Of a line too long to read, this much is kept: clients write the id near the start.
_HEAD = 1024
_CANCELLED = "notifications/cancelled"
# The request's own id near the start of the line, before any nested "id" in its params.
_HEAD_ID = re.compile(rb'^\s*\{[^{]*?"id"\s*:\s*(?:(-?\d{1,15})\b|"([^"\\]{0,100})")')


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


class Lines:
    """Splits stdin's bytes into lines, holding at most ``limit`` bytes of any one line.

    A longer line is not kept: only its head (where a client puts the request's id) and
    its length, so a huge message costs no more memory than the limit.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._pending = bytearray()
        self._dropped = 0  # bytes of the current line let go, 0 while it fits

    def feed(self, chunk: bytes) -> list[bytes | Oversized]:
        """The lines ``chunk`` completes."""
        *complete, rest = chunk.split(b"\n")
        lines = [self._take(part) for part in complete]
        self._add(rest)
        return lines

    def end(self) -> list[bytes | Oversized]:
        """The last line, when the input ends without a line break."""
        return [self._take(b"")] if self._pending or self._dropped else []

    def _add(self, part: bytes) -> None:
        if self._dropped:
            self._dropped += len(part)
            return
        self._pending += part
        if len(self._pending) > self._limit:
            self._dropped = len(self._pending)
            del self._pending[_HEAD:]

    def _take(self, part: bytes) -> bytes | Oversized:
        self._add(part)
        line: bytes | Oversized = bytes(self._pending)
        if self._dropped:
            line = Oversized(head=bytes(self._pending), size=self._dropped)
        self._pending.clear()
        self._dropped = 0
        return line


@dataclass(frozen=True)
class Oversized:
    """A line longer than the server reads: its first bytes and its length."""

    head: bytes
    size: int


def refuse_oversized(line: Oversized, limit: int) -> Refused:
    """The answer to a message too large to read, addressed to its request when the id
    can be told from the line's head."""
    found = _HEAD_ID.search(line.head)
    request_id: int | str | None = None
    if found is not None:
        request_id = int(found[1]) if found[1] is not None else found[2].decode(errors="replace")
    return _refusal(
        request_id,
        INVALID_REQUEST,
        f"Request too large: the message is over {limit:,} bytes, the most this server reads "
        "(it is sized for the largest attachment allowed by HALOPSA_MAX_ATTACHMENT_MB). "
        "Nothing was done; send a smaller file.",
    )


def _request_id(raw: Any) -> int | str | None:
    """The id to answer with, when the broken message still carries a usable one."""
    found = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(found, str) or (isinstance(found, int) and not isinstance(found, bool)):
        return found
    return None


def _refusal(request_id: int | str | None, code: int, message: str) -> Refused:
    error = ErrorData(code=code, message=message)
    return Refused(JSONRPCError(jsonrpc="2.0", id=request_id, error=error))


def run_stdio(server: MCPServer[Any], *, max_line_bytes: int) -> None:
    """Serve until stdin ends. Ctrl-C raises KeyboardInterrupt at once, as it should.
    A message longer than ``max_line_bytes`` is refused without being held."""
    # MCP clients start the server on pipes; only a person at a terminal needs telling.
    if os.isatty(0):
        print(_HINT, file=sys.stderr, flush=True)
    anyio.run(_serve, server, max_line_bytes)


async def _serve(server: MCPServer[Any], max_line_bytes: int) -> None:
    # No public accessor in SDK 2.3; the SDK's own in-memory client reaches it the same way.
    lowlevel = server._lowlevel_server
    with _claimed_stdio() as (stdin_fd, stdout_fd):
        streams = _streams(stdin_fd, stdout_fd, max_line_bytes)
        async with streams as (read_stream, write_stream):
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
        os.close(stdin_fd)


def _is_pipe(fd: int) -> bool:
    mode = os.fstat(fd).st_mode
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


@asynccontextmanager
async def _streams(
    stdin_fd: int, stdout_fd: int, max_line_bytes: int
) -> AsyncIterator[
    tuple[
        MemoryObjectReceiveStream[SessionMessage | Exception],
        MemoryObjectSendStream[SessionMessage],
    ]
]:
    to_server, from_client = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    to_client, from_server = anyio.create_memory_object_stream[SessionMessage](0)
    pending = _Unanswered()
    async with anyio.create_task_group() as writing:
        writing.start_soon(_write, from_server, stdout_fd, pending)
        async with anyio.create_task_group() as reading:
            to_client_too = to_client.clone()
            reading.start_soon(_read, stdin_fd, max_line_bytes, pending, to_server, to_client_too)
            try:
                yield from_client, to_client
            finally:
                # The server has stopped: no more lines for it, but what it wrote is
                # still written out before the writer ends.
                reading.cancel_scope.cancel()


class _Unanswered:
    """The requests handed to the server that have no answer written yet. At the end of
    input the server is stopped only once there are none: stopping it cancels the
    requests it is still working on, and a client that wrote its requests and closed
    stdin (a file, ``echo ... |``) would go without answers."""

    def __init__(self) -> None:
        self._ids: set[int | str] = set()
        self._none_left = anyio.Event()

    def asked(self, message: JSONRPCMessage) -> None:
        if isinstance(message, JSONRPCRequest):
            if not self._ids:
                # The event of the last time none were left has fired: a new one.
                self._none_left = anyio.Event()
            self._ids.add(message.id)
        elif isinstance(message, JSONRPCNotification) and message.method == _CANCELLED:
            # A cancelled request gets no answer: it is no longer waited for.
            self._done(message.params.get("requestId") if message.params else None)

    def answered(self, message: JSONRPCMessage) -> None:
        if isinstance(message, JSONRPCResponse | JSONRPCError):
            self._done(message.id)

    def _done(self, request_id: Any) -> None:
        self._ids.discard(request_id)
        if not self._ids:
            self._none_left.set()

    async def none_left(self) -> None:
        if self._ids:
            await self._none_left.wait()


async def _read(
    fd: int,
    limit: int,
    pending: _Unanswered,
    to_server: MemoryObjectSendStream[SessionMessage | Exception],
    to_client: MemoryObjectSendStream[SessionMessage],
) -> None:
    """Reads stdin in the event loop itself: no thread to hand each line over to, and
    nothing a cancellation (Ctrl-C) has to wait for. Ends at the end of input, once
    every request read has been answered."""
    lines = Lines(limit)
    # A regular file is always ready, and cannot be waited on.
    waits = not stat.S_ISREG(os.fstat(fd).st_mode)
    async with to_server, to_client:
        while chunk := await _read_chunk(fd, waits=waits):
            for line in lines.feed(chunk):
                if not await _route(line, limit, pending, to_server, to_client):
                    return
        for line in lines.end():
            await _route(line, limit, pending, to_server, to_client)
        await pending.none_left()


async def _route(
    line: bytes | Oversized,
    limit: int,
    pending: _Unanswered,
    to_server: MemoryObjectSendStream[SessionMessage | Exception],
    to_client: MemoryObjectSendStream[SessionMessage],
) -> bool:
    """Hands one line to the server, or its refusal to the client. False once the
    server has stopped listening."""
    parsed = parse_line(line) if isinstance(line, bytes) else refuse_oversized(line, limit)
    if parsed is None:
        return True
    if isinstance(parsed, Refused):
        # The code only: the line itself may carry ticket text or secrets.
        log.warning("stdio: refused a line", extra={"fields": {"code": parsed.answer.error.code}})
        await to_client.send(SessionMessage(parsed.answer))
        return True
    pending.asked(parsed)
    try:
        await to_server.send(SessionMessage(parsed))
    except anyio.BrokenResourceError:
        return False
    return True


async def _read_chunk(fd: int, *, waits: bool) -> bytes:
    """The next bytes on ``fd``, once there are some; b"" at the end of input. Waiting
    for readiness first means the read returns what is there without blocking the loop."""
    try:
        if waits:
            await anyio.wait_readable(fd)
        return os.read(fd, _CHUNK)
    except OSError:
        # A terminal that hangs up answers EIO: the same as the end of input.
        return b""


async def _write(
    messages: MemoryObjectReceiveStream[SessionMessage], fd: int, pending: _Unanswered
) -> None:
    broken = False
    room = _room_on(fd)
    async with messages:
        async for session_message in messages:
            pending.answered(session_message.message)
            if broken:
                continue  # drained, so the server never blocks on a reader that is gone
            text = session_message.message.model_dump_json(by_alias=True, exclude_unset=True)
            try:
                await _write_all(fd, text.encode() + b"\n", room)
            except OSError:
                broken = True
                log.warning("stdio: stdout is closed; answers are dropped until stdin ends")


def _room_on(fd: int) -> select.poll | None:
    """What tells whether a pipe (or socket) ``fd`` has room to write; None for a file or
    terminal, which are written as they are."""
    if not _is_pipe(fd):
        return None
    room = select.poll()
    room.register(fd, select.POLLOUT)
    return room


async def _write_all(fd: int, data: bytes, room: select.poll | None) -> None:
    """Writes ``data`` without holding up the event loop while the client is slow to
    read. The pipe is not made non-blocking (its mode is shared with every holder of its
    write end and would outlive a SIGTERM): each piece is at most PIPE_BUF bytes, written
    only once the pipe has room for it, which a write of that size then never waits for."""
    if room is None:
        _write_blocking(fd, data)
        return
    view = memoryview(data)
    for start in range(0, len(view), select.PIPE_BUF):
        piece = view[start : start + select.PIPE_BUF]
        while piece:
            while not room.poll(0):
                await anyio.wait_writable(fd)
            piece = piece[os.write(fd, piece) :]


def _write_blocking(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
