"""What tools/list shows comes from published.json, so that start-up builds no tool; it
must be what the tools' code gives (server/tools/published.py). After changing a tool,
regenerate it:

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/server/test_published_tools.py
"""

import json
import os

from halopsa_mcp.server.tools.published import PATH, listing, write
from halopsa_mcp.server.tools.registry import TOOLS


def test_published_tools_are_what_the_code_of_the_tools_gives() -> None:
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        write(TOOLS)
    assert json.loads(PATH.read_text(encoding="utf-8")) == [listing(spec) for spec in TOOLS], (
        "a tool changed: regenerate server/tools/published.json with UPDATE_SNAPSHOTS=1"
    )
