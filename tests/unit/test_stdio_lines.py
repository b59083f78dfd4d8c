"""Splitting stdin into lines and reading one line as JSON-RPC: the stdio transport's core."""

import pytest
from mcp.types import JSONRPCRequest

from halopsa_mcp.server.stdio import Refused, parse_line, split_lines


def test_lines_split_across_reads_are_joined_and_the_tail_waits() -> None:
    pending = bytearray()
    assert split_lines(pending, b'{"a": ') == []
    assert split_lines(pending, b'1}\n{"b": 2}\n{"c"') == [b'{"a": 1}', b'{"b": 2}']
    assert pending == b'{"c"'
    assert split_lines(pending, b": 3}\n") == [b'{"c": 3}']
    assert pending == b""


def test_a_request_is_parsed() -> None:
    parsed = parse_line(b'{"jsonrpc": "2.0", "id": 3, "method": "ping"}\r')
    assert isinstance(parsed, JSONRPCRequest)
    assert parsed.id == 3


@pytest.mark.parametrize("line", [b"", b"  ", b"\r"])
def test_blank_lines_are_nothing(line: bytes) -> None:
    assert parse_line(line) is None


@pytest.mark.parametrize(
    ("line", "code", "answer_id"),
    [
        (b"{", -32700, None),
        (b'{"x": Infinity}', -32700, None),
        (b'{"jsonrpc": "2.0", "id": 1}', -32600, 1),
        (b"[]", -32600, None),
        (b'{"jsonrpc": "2.0", "id": "q", "method": null}', -32600, "q"),
    ],
)
def test_what_is_not_a_message_is_refused(line: bytes, code: int, answer_id: object) -> None:
    parsed = parse_line(line)
    assert isinstance(parsed, Refused)
    assert parsed.answer.error.code == code
    assert parsed.answer.id == answer_id
