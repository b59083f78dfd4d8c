"""The ``halopsa-mcp`` command as a person at a terminal meets it: help, version, a busy port."""

import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

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
