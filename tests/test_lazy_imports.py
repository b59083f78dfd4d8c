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


# A full `halopsa-mcp check` against the built-in sandbox: every HaloPSA read the server
# makes, through httpx, in this process.
CHECK = """
import sys
import halopsa_mcp.cli
code = halopsa_mcp.cli.main(["check", "--sandbox"])
print(code, "httpx" in sys.modules, "rich" in sys.modules or "pygments" in sys.modules)
"""


def _run(script: str) -> list[str]:
    ran = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    return ran.stdout.split()[-3:]


def test_our_commands_do_without_httpx_command_line_tool_and_what_it_imports() -> None:
    bare = "import sys, httpx; print(0, 1, 'rich' in sys.modules)"
    if _run(bare)[-1] != "True":
        pytest.skip("rich is not installed here: httpx would not import it anyway")
    assert _run(CHECK) == ["0", "True", "False"]
