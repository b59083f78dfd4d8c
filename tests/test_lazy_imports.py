"""Modules a server start does without: start-up time is budgeted, so what only some
calls need is imported when first used."""

import subprocess
import sys

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
