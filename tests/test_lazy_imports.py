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
    assert _run(SCRIPT) == ["False", "True"]


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
    """The words ``script`` prints, run by this interpreter in a process of its own."""
    ran = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return ran.stdout.split()


def test_our_commands_do_without_the_display_libraries_the_dev_tools_bring() -> None:
    # Where rich is installed, the SDK's MCPServer and httpx import it (and pygments).
    bare = "import sys, httpx, mcp.server.mcpserver; print('rich' in sys.modules)"
    if _run(bare)[-1] != "True":
        pytest.skip("rich is not installed here: nothing would import it anyway")
    # The check command prints its report first.
    assert _run(COMMANDS)[-2:] == ["True", "neither"]


# Builds the server as a start does and lists its tools, then calls one: the tools'
# modules and their result models come with the call, not before.
LISTED_THEN_CALLED = """
import sys, anyio
from mcp import Client
from halopsa_mcp.config import HaloSettings, ServerSettings
from halopsa_mcp.server.app import build_server
from halopsa_mcp.server.tools.registry import TOOLS
halo = HaloSettings.from_env(
    {"HALOPSA_URL": "http://127.0.0.1:9", "HALOPSA_CLIENT_ID": "x", "HALOPSA_CLIENT_SECRET": "y"}
)
server = build_server(halo, ServerSettings.from_env({"HALOPSA_WARM_UP": "false"}))
BUILT = ("halopsa_mcp.server.models", *{spec.module for spec in TOOLS})

async def main():
    async with Client(server) as c:
        listed = len((await c.list_tools()).tools)
        print(listed, any(m in sys.modules for m in BUILT))
        await c.call_tool("get_ticket", {"ticket_id": 1})
        print("halopsa_mcp.server.models" in sys.modules)

anyio.run(main)
"""


def test_tools_are_listed_without_building_them_and_built_when_called() -> None:
    assert _run(LISTED_THEN_CALLED) == ["14", "False", "True"]


# The same server with its warm-up on: once the client's handshake is answered, the
# warm-up imports the tools' modules, so the first call does not wait for that.
WARMED = """
import sys, time, anyio
from mcp import Client
from halopsa_mcp.config import HaloSettings, ServerSettings
from halopsa_mcp.server.app import build_server
halo = HaloSettings.from_env(
    {"HALOPSA_URL": "http://127.0.0.1:9", "HALOPSA_CLIENT_ID": "x", "HALOPSA_CLIENT_SECRET": "y"}
)
server = build_server(halo, ServerSettings.from_env({}))

async def main():
    async with Client(server) as c:
        await c.list_tools()
        with anyio.move_on_after(20):
            while "halopsa_mcp.server.tools.tickets" not in sys.modules:
                await anyio.sleep(0.05)
        print("halopsa_mcp.server.tools.tickets" in sys.modules)

anyio.run(main)
"""


def test_the_warm_up_imports_the_tools_before_the_first_call() -> None:
    assert _run(WARMED) == ["True"]
