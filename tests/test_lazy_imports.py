"""Modules a server start does without: start-up time is budgeted, so what only some
calls need is imported when first used."""

import subprocess
import sys

import pytest

# Imports every module a stdio start imports, notes whether rapidfuzz came with them,
# then runs the duplicate check, which must bring it in.
SCRIPT = """
import sys
import halopsa_mcp.cli, halopsa_mcp.server.app, halopsa_mcp.server.tools.tickets
print("rapidfuzz" in sys.modules)
from halopsa_mcp.rules.duplicates import similarity
similarity("Outlook not syncing", "Outlook not synching")
print("rapidfuzz" in sys.modules)
"""


def test_a_server_start_imports_rapidfuzz_only_when_a_duplicate_check_runs() -> None:
    ran = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    assert ran.stdout.split() == ["False", "True"]


# Run as the command runs: a full `halopsa-mcp check` against the built-in sandbox (every
# HaloPSA read the server makes, through httpx), then the stdio server on the sandbox
# (the SDK's MCPServer built), which ends at once as its input is empty.
COMMANDS = """
import sys
import halopsa_mcp.cli
codes = [halopsa_mcp.cli.main(["check", "--sandbox"]), halopsa_mcp.cli.main(["--sandbox"])]
used = all(m in sys.modules for m in ("httpx", "mcp.server.mcpserver"))
loaded = [m for m in ("rich", "pygments") if sys.modules.get(m) is not None]
print(codes == [0, 0] and used, loaded or "neither")
"""


def _run(script: str) -> list[str]:
    ran = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return ran.stdout.split()[-2:]


def test_our_commands_do_without_the_display_libraries_the_dev_tools_bring() -> None:
    # Where rich is installed, the SDK's MCPServer and httpx import it (and pygments).
    bare = "import sys, httpx, mcp.server.mcpserver; print('rich' in sys.modules)"
    if _run(bare)[-1] != "True":
        pytest.skip("rich is not installed here: nothing would import it anyway")
    assert _run(COMMANDS) == ["True", "neither"]
