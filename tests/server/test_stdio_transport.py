"""Lines that are not JSON-RPC, sent to the real command over pipes: each gets an answer.

Without one, the client waits for its own timeout, which is minutes in most clients.
"""

import json
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers import INITIALIZE, INITIALIZED

COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")
ENV = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}
# Generous: proves "answers, does not hang", not a speed.
HANG = 30
# Text a refused line carries; it must not reach the log.
MARKER = "customer-wrote-this-0451"

PING = b'{"jsonrpc": "2.0", "id": 7, "method": "ping", "params": {"_meta": {"x": %s}}}'
NOT_JSON = {
    "truncated": b'{"jsonrpc": "2.0", "id": 7, "method": "ping"',
    "truncated, with text": b'{"jsonrpc": "2.0", "id": 7, "method": "ping", "params": {"note": "'
    + MARKER.encode(),
    "invalid UTF-8": PING % b'"caf\xe9"',
    "lone surrogate": PING % b'"\\ud800"',
    "nested 250 deep": PING % (b"[" * 250 + b"]" * 250),
    "5,000-digit number": PING % (b"9" * 5000),
    "5,000-digit id": b'{"jsonrpc": "2.0", "id": ' + b"9" * 5000 + b', "method": "ping"}',
    "NaN": PING % b"NaN",
    "a bare word": b"hello",
}


class Session:
    """The command over pipes, with a reader thread so every wait has a bound."""

    def __init__(self, process: "subprocess.Popen[bytes]") -> None:
        self.process = process
        self._lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self._next_id = 100

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)

    def send(self, line: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + b"\n")
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        try:
            line = self._lines.get(timeout=HANG)
        except queue.Empty:
            pytest.fail(f"no answer within {HANG} s")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._next_id += 1
        message = {"jsonrpc": "2.0", "id": self._next_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(json.dumps(message).encode())
        answer = self.receive()
        assert answer.get("id") == self._next_id, answer
        return answer


@pytest.fixture
def session() -> Iterator[Session]:
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [COMMAND, "--sandbox"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=ENV,
    )
    try:
        s = Session(process)
        opened = s.request("initialize", INITIALIZE["params"])
        assert "result" in opened, opened
        s.send(json.dumps(INITIALIZED).encode())
        yield s
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=HANG)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def end(session: Session) -> str:
    """Close stdin as a client does; the exit code must be 0. The whole of stderr."""
    process = session.process
    assert process.stdin is not None
    assert process.stderr is not None
    process.stdin.close()
    assert process.wait(timeout=HANG) == 0
    return process.stderr.read().decode(errors="replace")


def test_each_line_that_is_not_json_gets_a_parse_error_and_the_session_goes_on(
    session: Session,
) -> None:
    for case, line in NOT_JSON.items():
        session.send(line)
        answer = session.receive()
        assert answer.get("id", "missing") is None, (case, answer)
        assert answer["error"]["code"] == -32700, (case, answer)
        assert answer["error"]["message"].startswith("Parse error"), (case, answer)
        assert len(answer["error"]["message"]) < 200, (case, answer)
        assert session.request("ping")["result"] == {}, case
    tools = session.request("tools/list")["result"]["tools"]
    assert "search_tickets" in {t["name"] for t in tools}
    stderr = end(session)
    assert "Traceback" not in stderr
    assert MARKER not in stderr
    # The terminal hint is for people; an MCP client's log is spared it.
    assert "waiting for an MCP client" not in stderr


@pytest.mark.parametrize(
    ("line", "answer_id"),
    [
        (b'{"jsonrpc": "2.0", "id": 9, "method": 5}', 9),
        (b'{"jsonrpc": "1.0", "id": "a", "method": "ping"}', "a"),
        (b"[1, 2]", None),
        (b'"a string"', None),
    ],
)
def test_json_that_is_not_a_message_is_an_invalid_request(
    session: Session, line: bytes, answer_id: Any
) -> None:
    session.send(line)
    answer = session.receive()
    assert answer.get("id", "missing") == answer_id, answer
    assert answer["error"]["code"] == -32600, answer
    assert session.request("ping")["result"] == {}
    assert "Traceback" not in end(session)


def test_blank_lines_are_ignored(session: Session) -> None:
    session.send(b"")
    session.send(b"   \r")
    assert session.request("ping")["result"] == {}
    assert "Traceback" not in end(session)


def test_a_line_longer_than_one_read_is_put_back_together(session: Session) -> None:
    # Far past the 64 KiB a single read returns, as an attachment's base64 would be.
    padding = "x" * 300_000
    session.send(
        json.dumps(
            {"jsonrpc": "2.0", "id": 5, "method": "ping", "params": {"_meta": {"pad": padding}}}
        ).encode()
    )
    assert session.receive() == {"jsonrpc": "2.0", "id": 5, "result": {}}
    assert "Traceback" not in end(session)


def test_an_unknown_method_is_echoed_short(session: Session) -> None:
    answer = session.request("no/such/" + "m" * 300_000)
    assert answer["error"]["code"] == -32601, str(answer)[:300]
    assert len(json.dumps(answer)) < 300, str(answer)[:300]
    assert "no/such/mmm" in answer["error"]["data"]
    # A plain name is answered exactly as the SDK words it.
    plain = session.request("no/such/method")
    assert plain["error"] == {
        "code": -32601,
        "message": "Method not found",
        "data": "no/such/method",
    }
    assert "Traceback" not in end(session)


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"ticket_id": 1005}, 'ticket_id: must be text (a string), e.g. "1005"'),
        ("1005", "arguments: must be an object of named arguments"),
    ],
)
def test_prompt_arguments_of_the_wrong_type_are_named(
    session: Session, arguments: Any, says: str
) -> None:
    answer = session.request("prompts/get", {"name": "triage_ticket", "arguments": arguments})
    assert answer["error"]["code"] == -32602, answer
    assert says in answer["error"]["message"], answer
    assert "Traceback" not in end(session)


@pytest.mark.parametrize("arguments", [[], 0, "", False, [1], "x"])
@pytest.mark.parametrize("tool", ["list_statuses", "get_ticket"])
def test_tool_arguments_that_are_not_an_object_are_named(
    session: Session, tool: str, arguments: Any
) -> None:
    # An empty or false value is not "no arguments": it is refused like any other.
    answer = session.request("tools/call", {"name": tool, "arguments": arguments})
    assert answer["result"]["isError"] is True, answer
    text = answer["result"]["content"][0]["text"]
    assert "arguments: must be an object of named arguments" in text, text
    assert "Traceback" not in end(session)


_OPENING = [INITIALIZE, INITIALIZED]


def _answers_to_a_file(tmp_path: Path, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The command's answers to ``lines`` read from a file, which ends at once: what a
    client gets that writes its requests and closes stdin (``echo ... | halopsa-mcp``)."""
    requests = tmp_path / "requests.jsonl"
    requests.write_text("".join(json.dumps(line) + "\n" for line in [*_OPENING, *lines]))
    with requests.open("rb") as stdin:
        done = subprocess.run(  # noqa: S603 - our own console script
            [COMMAND, "--sandbox"], stdin=stdin, capture_output=True, env=ENV, timeout=HANG
        )
    assert done.returncode == 0
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_requests_read_before_the_input_ends_are_all_answered(tmp_path: Path) -> None:
    lines = [
        *({"jsonrpc": "2.0", "id": n, "method": "tools/list"} for n in range(2, 6)),
        {"jsonrpc": "2.0", "id": 6, "method": "ping"},
    ]
    answers = _answers_to_a_file(tmp_path, lines)
    assert sorted(a["id"] for a in answers) == [1, 2, 3, 4, 5, 6]
    assert all("result" in a for a in answers)


def test_a_request_cancelled_before_the_input_ends_is_not_waited_for(tmp_path: Path) -> None:
    # A cancelled request gets no answer; the server must still exit at the end of input.
    call = {"name": "get_ticket", "arguments": {"ticket_id": 1001}}
    lines = [
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": call},
        {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 2}},
    ]
    assert 1 in [a["id"] for a in _answers_to_a_file(tmp_path, lines)]


def test_requests_in_flight_when_the_input_ends_are_answered(session: Session) -> None:
    # The session's initialize was answered already: what is waited for at the end of
    # input is whatever was asked after it, here reads HaloPSA answers a second late.
    assert session.process.stderr is not None
    said = re.search(r"http://[0-9.]+:[0-9]+", session.process.stderr.readline().decode())
    assert said is not None
    halo = said[0]
    slow = {"kind": "slow", "delay": 1.0, "times": None, "path": "/api/Tickets"}
    httpx.post(f"{halo}/_sandbox/faults", json=slow).raise_for_status()
    read = {"name": "get_ticket", "arguments": {"ticket_id": 1001, "include_actions": 0}}
    for n in range(3):
        session.send(
            json.dumps(
                {"jsonrpc": "2.0", "id": 900 + n, "method": "tools/call", "params": read}
            ).encode()
        )
    assert session.process.stdin is not None
    session.process.stdin.close()
    answers = [session.receive() for _ in range(3)]
    assert sorted(a["id"] for a in answers) == [900, 901, 902]
    assert all(not a["result"].get("isError") for a in answers), answers
    assert session.process.wait(timeout=HANG) == 0


def test_the_server_leaves_its_stdout_pipe_as_it_found_it() -> None:
    # The pipe's write end is shared with whoever else holds it (a wrapper script, the
    # client): ended by SIGTERM, the server must not leave it non-blocking.
    read_end, write_end = os.pipe()
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [COMMAND, "--sandbox"], stdin=subprocess.PIPE, stdout=write_end, env=ENV
    )
    try:
        with os.fdopen(read_end, "rb") as answers:
            assert process.stdin is not None
            process.stdin.write(json.dumps(INITIALIZE).encode() + b"\n")
            process.stdin.flush()
            assert b'"id":1' in answers.readline()
            process.terminate()
            process.wait(timeout=HANG)
            assert os.get_blocking(write_end)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(write_end)
        if process.stdin is not None:
            process.stdin.close()
