"""Cold start: a stdio start imports only what answering initialize and tools/list needs.

Each test runs the command's own ``main`` in a fresh interpreter over real pipes, as an
MCP client starts it, and reads which modules the process had loaded and how its garbage
collector stood. Module presence, not time: the benchmark (bench/cold_start.py) measures
the time.
"""

import json
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from halopsa_mcp.sandbox import SandboxServer
from tests.helpers import INITIALIZE, INITIALIZED, command_env

# Generous: a bound that proves "does not hang", not a speed requirement.
HANG = 60

# Runs the command's entry point, then writes what the process had loaded and how its
# garbage collector stood when serving began.
PROBE = """\
import atexit, gc, json, os, sys, time
import halopsa_mcp.server.stdio as stdio

# In order: each answer as its line is written, and the first import of httpx, made to
# take a second when SLOW_HTTPX_IMPORT is set.
events = []

class WatchHttpx:
    def find_spec(self, name, path=None, target=None):
        if name == "httpx" and "httpx import started" not in events:
            events.append("httpx import started")
            time.sleep(float(os.environ.get("SLOW_HTTPX_IMPORT", "0")))
            events.append("httpx import ended")

sys.meta_path.insert(0, WatchHttpx())
write_fd = os.write

def counting_write(fd, data):
    written = write_fd(fd, data)
    if fd != 2:  # the answers go to a copy of stdout
        for _ in range(bytes(data[:written]).count(b"\\n")):
            events.append(f"answer {sum(e.startswith('answer') for e in events) + 1}")
    return written

os.write = counting_write
from halopsa_mcp.cli import main

seen = {}
serve = stdio.run_stdio

def run_stdio(*args, **kwargs):
    seen.update(collecting=gc.isenabled(), frozen=gc.get_freeze_count())
    # Last: thawed, the garbage start-up left behind is counted (and freed).
    gc.unfreeze()
    seen.update(garbage=gc.collect())
    return serve(*args, **kwargs)

def write(path=sys.argv[1]):
    with open(path, "w") as out:
        # A module marked absent (None) was kept out, not loaded.
        modules = sorted(name for name, module in sys.modules.items() if module is not None)
        json.dump({**seen, "modules": modules, "events": events}, out)

stdio.run_stdio = run_stdio
atexit.register(write)
sys.exit(main([]))
"""

TOOLS_LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}

# What no answer before the first tool call needs: the HTTP client, and the sandbox,
# which a stdio start never uses.
DEFERRED = ("httpx", "halopsa_mcp.sandbox")
# What the server never needs: the argument check is its own, and a general JSON-schema
# library (with what it brings) would cost memory every session pays for.
NEVER = ("jsonschema", "jsonschema_specifications", "referencing", "rpds")


class Session:
    """A halopsa-mcp process spoken to line by line, as an MCP client speaks to it."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self._process = process
        self._answers: queue.Queue[str | None] = queue.Queue()
        self._logged: queue.Queue[str | None] = queue.Queue()
        self.stderr: list[str] = []
        for stream, lines in ((process.stdout, self._answers), (process.stderr, self._logged)):
            threading.Thread(target=_read, args=(stream, lines), daemon=True).start()

    def send(self, *messages: dict[str, Any]) -> None:
        assert self._process.stdin is not None
        for message in messages:
            self._process.stdin.write(json.dumps(message) + "\n")
        self._process.stdin.flush()

    def answer(self) -> dict[str, Any]:
        line = self._answers.get(timeout=HANG)
        assert line is not None, f"the server ended without answering: {self.stderr}"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def wait_for_stderr(self, text: str) -> bool:
        """Whether a line holding ``text`` is logged before stderr ends."""
        while (line := self._logged.get(timeout=HANG)) is not None:
            self.stderr.append(line)
            if text in line:
                return True
        return False

    def close(self) -> None:
        """Ends the session as a client does, by closing stdin."""
        assert self._process.stdin is not None
        self._process.stdin.close()
        self._process.wait(timeout=HANG)
        self.wait_for_stderr("\0")  # the rest of stderr, for the message below
        assert self._process.returncode == 0, self.stderr


def _read(stream: IO[str] | None, lines: queue.Queue[str | None]) -> None:
    assert stream is not None
    for line in stream:
        lines.put(line)
    lines.put(None)


@contextmanager
def started(tmp_path: Path, sandbox: SandboxServer, **env: str) -> Iterator[Session]:
    """A stdio start against the sandbox, initialized; the modules it loaded are written
    to ``tmp_path / "probe.json"`` when it exits."""
    with subprocess.Popen(  # noqa: S603 - our own interpreter and entry point
        [sys.executable, "-c", PROBE, str(tmp_path / "probe.json")],
        env=command_env(sandbox, **env),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            session = Session(process)
            session.send(INITIALIZE)
            assert "result" in session.answer()
            session.send(INITIALIZED)
            yield session
        finally:
            if process.poll() is None:
                process.kill()


def probed(tmp_path: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((tmp_path / "probe.json").read_text())
    return found


def loaded(tmp_path: Path) -> set[str]:
    return set(probed(tmp_path)["modules"])


def imported(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(f"{package}.") for m in modules)


def test_a_stdio_start_answers_tools_list_without_the_deferred_modules(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    with started(tmp_path, sandbox, HALOPSA_WARM_UP="false") as session:
        session.send(TOOLS_LIST)
        assert len(session.answer()["result"]["tools"]) == 14
        session.close()
    modules = loaded(tmp_path)
    assert [p for p in DEFERRED + NEVER if imported(modules, p)] == []
    # Nothing reached HaloPSA: the HTTP channel opens when first used.
    assert list(sandbox.state.request_log) == []


def test_without_warm_up_the_first_call_still_checks_its_arguments(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    with started(tmp_path, sandbox, HALOPSA_WARM_UP="false") as session:
        session.send(
            {
                "jsonrpc": "2.0",
                "id": 3,
                "method": "tools/call",
                "params": {"name": "get_ticket", "arguments": {"ticket_id": "many"}},
            }
        )
        result = session.answer()["result"]
        session.close()
    assert result["isError"] is True
    text = result["content"][0]["text"]
    assert "Nothing was done" in text
    assert "ticket_id: must be" in text
    assert list(sandbox.state.request_log) == []


def test_neither_the_warm_up_nor_a_checked_call_loads_a_json_schema_library(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    with started(tmp_path, sandbox, HALOPSA_LOG_LEVEL="INFO") as session:
        session.send(TOOLS_LIST)
        assert "result" in session.answer()
        # The last thing the warm-up does is log that it is done.
        assert session.wait_for_stderr("warmed up")
        session.send(
            {
                "jsonrpc": "2.0",
                "id": 3,
                "method": "tools/call",
                "params": {"name": "get_ticket", "arguments": {"ticket_id": 1001, "x": 1}},
            }
        )
        text = session.answer()["result"]["content"][0]["text"]
        session.close()
    assert "- 'x': no such argument" in text
    modules = loaded(tmp_path)
    assert [p for p in NEVER if imported(modules, p)] == []


def test_the_warm_ups_import_of_the_http_stack_never_holds_up_an_answer(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    # The import takes tens of milliseconds; made to take a second here, an answer
    # written only after it ends was held up by it.
    slow = {"SLOW_HTTPX_IMPORT": "1", "HALOPSA_LOG_LEVEL": "INFO"}
    with started(tmp_path, sandbox, **slow) as session:
        session.send(TOOLS_LIST)
        assert "result" in session.answer()
        assert session.wait_for_stderr("warmed up")
        session.close()
    events = probed(tmp_path)["events"]
    assert events.index("answer 2") < events.index("httpx import ended"), events


def test_it_serves_collecting_garbage_but_not_scanning_what_start_up_built(
    tmp_path: Path, sandbox: SandboxServer
) -> None:
    with started(tmp_path, sandbox, HALOPSA_WARM_UP="false") as session:
        session.send(TOOLS_LIST)
        assert "result" in session.answer()
        session.close()
    serving = probed(tmp_path)
    assert serving["collecting"] is True
    # Start-up's objects, the SDK's and the tools' included, are set aside.
    assert serving["frozen"] > 50_000
    # The build's own garbage was freed before serving, not frozen with it: some 300
    # garbage objects are left (the imports'), not 3,100.
    assert serving["garbage"] < 1_500, serving["garbage"]
