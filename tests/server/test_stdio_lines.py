"""Splitting stdin into lines and reading one line as JSON-RPC: the stdio transport's core."""

import pytest
from mcp.types import JSONRPCRequest

from halopsa_mcp.server.stdio import Lines, Oversized, Refused, parse_line, refuse_oversized


def test_lines_split_across_reads_are_joined_and_the_tail_waits() -> None:
    lines = Lines(limit=100)
    assert lines.feed(b'{"a": ') == []
    assert lines.feed(b'1}\n{"b": 2}\n{"c"') == [b'{"a": 1}', b'{"b": 2}']
    assert lines.feed(b": 3}\n") == [b'{"c": 3}']
    assert lines.end() == []


def test_the_last_line_without_a_break_still_counts() -> None:
    lines = Lines(limit=100)
    assert lines.feed(b'{"a": 1}') == []
    assert lines.end() == [b'{"a": 1}']


def test_a_line_over_the_limit_keeps_only_its_head_and_length() -> None:
    lines = Lines(limit=2000)
    head = b'{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"x": "'
    found = lines.feed(head + b"A" * 3000) + lines.feed(b"A" * 5000 + b'"}}\n{"b": 2}\n')
    assert len(found) == 2
    big = found[0]
    assert isinstance(big, Oversized)
    assert big.size == len(head) + 8000 + 3
    assert big.head.startswith(head)
    assert len(big.head) <= 1024
    assert found[1] == b'{"b": 2}'


def test_a_line_exactly_at_the_limit_is_read() -> None:
    lines = Lines(limit=10)
    assert lines.feed(b"0123456789\n") == [b"0123456789"]


@pytest.mark.parametrize(
    ("head", "answer_id"),
    [
        (b'{"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {', 7),
        (b'{"id":"abc-1","jsonrpc":"2.0","method":"tools/call"', "abc-1"),
        # An "id" inside the params is not the request's.
        (b'{"jsonrpc": "2.0", "method": "tools/call", "params": {"id": 9, "x": "', None),
        (b"AAAA", None),
    ],
)
def test_an_oversized_message_is_refused_to_its_own_id(head: bytes, answer_id: object) -> None:
    refused = refuse_oversized(Oversized(head=head, size=50_000_000), limit=14_045_525)
    assert refused.answer.error.code == -32600
    assert refused.answer.id == answer_id
    assert "14,045,525 bytes" in refused.answer.error.message
    assert "HALOPSA_MAX_ATTACHMENT_MB" in refused.answer.error.message


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
