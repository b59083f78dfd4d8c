"""The ``halopsa-mcp`` command as a person at a terminal meets it: help, version, a busy port."""

import json
import os
import pty
import queue
import re
import select
import signal
import socket
import subprocess
import sys
import termios
import threading
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import INITIALIZE

COMMAND = str(Path(sys.executable).parent / "halopsa-mcp")
PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
# Generous: a bound that proves "does not hang", not a speed requirement.
HANG = 60

ENV_VARS_THAT_MATTER = (
    "HALOPSA_URL",
    "HALOPSA_CLIENT_ID",
    "HALOPSA_CLIENT_SECRET",
    "HALOPSA_TENANT",
    "HALOPSA_MCP_TOKEN",
    "HALOPSA_MCP_TOKEN_FILE",
    "HALOPSA_READ_ONLY",
    "HALOPSA_LOG_LEVEL",
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own console script
        [COMMAND, *args], capture_output=True, text=True, timeout=HANG, check=False
    )


def option_blocks(help_text: str) -> dict[str, str]:
    """Each option's help block under "options:", keyed by its first option string."""
    section = help_text.split("options:", 1)[1]
    blocks: dict[str, str] = {}
    current = ""
    for line in section.splitlines():
        if not line.strip() or not line.startswith(" "):
            current = ""
            continue
        started = re.match(r"  (-[-\w]+)", line)
        if started:
            current = started.group(1)
            blocks[current] = line
        elif current:
            blocks[current] += " " + line.strip()
    return blocks


def test_version_prints_the_package_version() -> None:
    done = run("--version")
    expected = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["version"]
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"halopsa-mcp {expected}"


@pytest.mark.parametrize("args", [["--help"], ["sandbox", "--help"]])
def test_help_shows_every_options_default(args: list[str]) -> None:
    done = run(*args)
    assert done.returncode == 0, done.stderr
    blocks = option_blocks(done.stdout)
    options = {name for name in blocks if name not in {"-h", "--help", "--version"}}
    assert len(options) >= 4, done.stdout
    missing = sorted(name for name in options if "default" not in blocks[name])
    assert not missing, f"options without their default in --help: {missing}\n{done.stdout}"


def test_help_names_the_environment_variables_and_points_at_the_readme() -> None:
    done = run("--help")
    assert done.returncode == 0, done.stderr
    missing = [name for name in ENV_VARS_THAT_MATTER if name not in done.stdout]
    assert not missing, done.stdout
    assert "README" in done.stdout
    # The epilog keeps its own line breaks: one variable a line, not a reflowed paragraph.
    assert re.search(r"^\s+HALOPSA_URL\s", done.stdout, re.MULTILINE), done.stdout
    assert "exit status" in done.stdout


def test_a_busy_port_is_one_clear_line_not_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run("sandbox", "--port", str(port))
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert f"127.0.0.1:{port}" in lines[0]
    assert "in use" in lines[0]
    assert "--port" in lines[0]
    assert "serving" not in done.stderr
    assert done.stdout == ""


# Makes the pty the child's controlling terminal (it has its own session), so the
# terminal turns Ctrl-C into SIGINT for it, then becomes the command itself.
ON_A_TERMINAL = (
    "import fcntl, os, sys, termios\n"
    "fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


class Terminal:
    """`halopsa-mcp --sandbox` started by hand: stdin and stdout on a pseudo-terminal."""

    def __init__(self) -> None:
        self.master, slave = pty.openpty()
        # No echo: what the master reads back is then the server's stdout alone.
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~termios.ECHO
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, our own command
            [sys.executable, "-c", ON_A_TERMINAL, COMMAND, "--sandbox"],
            stdin=slave,
            stdout=slave,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.stderr: list[str] = []
        self._stderr_lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            line = raw.decode(errors="replace")
            self.stderr.append(line)
            self._stderr_lines.put(line)

    def wait_for_stderr(self, text: str) -> None:
        deadline = time.monotonic() + HANG
        while time.monotonic() < deadline:
            try:
                if text in self._stderr_lines.get(timeout=1):
                    return
            except queue.Empty:
                continue
        pytest.fail(f"{text!r} not on stderr within {HANG} s: {''.join(self.stderr)}")

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def read_answer(self) -> dict[str, Any]:
        received = b""
        deadline = time.monotonic() + HANG
        while b"\n" not in received and time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 1)
            if ready:
                received += os.read(self.master, 65536)
        answer: dict[str, Any] = json.loads(received)
        return answer

    def exit_code(self, within: float) -> int | None:
        try:
            return self.process.wait(timeout=within)
        except subprocess.TimeoutExpired:
            return None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=HANG)
        os.close(self.master)
        if self.process.stderr is not None:
            self.process.stderr.close()


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal()
    try:
        term.wait_for_stderr("waiting for an MCP client")
        # A real session first, so the keys below reach a server that is serving.
        term.type(json.dumps(INITIALIZE).encode() + b"\n")
        assert "result" in term.read_answer()
        yield term
    finally:
        term.close()


def test_at_a_terminal_it_says_what_it_is_waiting_for(terminal: Terminal) -> None:
    said = "".join(terminal.stderr)
    assert "stdin" in said
    assert "Ctrl-C" in said


def test_ctrl_c_at_a_terminal_stops_it_at_once_without_a_traceback(terminal: Terminal) -> None:
    terminal.type(b"\x03")
    assert terminal.exit_code(within=10) == 130, "".join(terminal.stderr)
    assert "Traceback" not in "".join(terminal.stderr)


def test_ctrl_d_at_a_terminal_ends_it_cleanly(terminal: Terminal) -> None:
    terminal.type(b"\x04")
    assert terminal.exit_code(within=10) == 0, "".join(terminal.stderr)
    assert "Traceback" not in "".join(terminal.stderr)


def test_ctrl_c_while_it_starts_is_as_quiet_as_once_it_serves() -> None:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}
    with subprocess.Popen(  # noqa: S603 - our own console script
        [COMMAND, "--sandbox"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    ) as process:
        assert process.stderr is not None
        try:
            # Logged as soon as the sandbox is up, before the MCP server is built.
            assert "using the sandbox HaloPSA" in process.stderr.readline()
            process.send_signal(signal.SIGINT)
            _, rest = process.communicate(timeout=HANG)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 130, rest
    assert "Traceback" not in rest


def test_the_unkind_sandbox_serves_ids_unlike_the_defaults() -> None:
    import httpx

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [COMMAND, "sandbox", "--unkind", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        assert "serving" in process.stderr.readline()
        base = f"http://127.0.0.1:{port}"
        form = {"grant_type": "client_credentials", "client_id": "sandbox-client",
                "client_secret": "sandbox-secret", "scope": "all"}  # fmt: skip
        assert httpx.post(f"{base}/auth/token", data=form, timeout=HANG).status_code != 200
        token = httpx.post(f"{base}/auth/token?tenant=unkind", data=form, timeout=HANG).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        statuses = httpx.get(f"{base}/api/Status", headers=headers, timeout=HANG).json()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=HANG)
        process.stderr.close()  # type: ignore[union-attr]
    by_id = {s["id"]: s["name"] for s in statuses}
    assert by_id[8] != "Resolved"
    assert "New" in by_id.values()
    assert by_id.get(1) != "New"
