"""The tools as tools/list shows them, kept in published.json so that start-up builds none.

Building a tool is the SDK reading its function: a pydantic model of its arguments and
JSON schemas of its arguments and result, after importing the tool's module and the
rules and result models behind it. For 14 tools that was over 100 ms of every start.
Start-up needs only what tools/list shows, so that is read from published.json, and
each tool is built when it is first called; the warm-up imports their modules after the
handshake, so that first call has little left to wait for.

published.json is generated from the code. After changing a tool's signature, result
model or docstring, regenerate it (tests/server/test_published_tools.py fails until then):

    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/server/test_published_tools.py
"""

from __future__ import annotations

import importlib
import json
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.types import Tool as ListedTool

from halopsa_mcp.server.schemas import input_schema, output_schema
from halopsa_mcp.server.tools.registry import ToolSpec

PATH = Path(__file__).with_name("published.json")

log = logging.getLogger("halopsa_mcp.tools")


def listing(spec: ToolSpec) -> dict[str, Any]:
    """What tools/list shows of ``spec``, from its function. A description is the
    docstring as one paragraph, and the schemas are compacted (server/schemas.py): every
    client would otherwise pay for both in tokens."""
    tool = Tool.from_function(spec.fn, name=spec.name)
    shown = ListedTool(
        name=spec.name,
        title=spec.title,
        description=" ".join((spec.fn.__doc__ or "").split()),
        input_schema=input_schema(tool.parameters),
        output_schema=output_schema(tool.output_schema) if tool.output_schema else None,
        annotations=spec.annotations,
    )
    return shown.model_dump(mode="json", by_alias=True, exclude_none=True)


def write(specs: Iterable[ToolSpec]) -> None:
    listed = [listing(spec) for spec in specs]
    PATH.write_text(json.dumps(listed, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def published(specs: Iterable[ToolSpec]) -> list[Tool]:
    """``specs`` as the server lists them, built from published.json alone."""
    listed = {entry["name"]: entry for entry in json.loads(PATH.read_text(encoding="utf-8"))}
    return [_unbuilt(spec, listed[spec.name]) for spec in specs]


def _unbuilt(spec: ToolSpec, entry: dict[str, Any]) -> Tool:
    return Tool(
        fn=built_at_first_call,
        name=spec.name,
        title=spec.title,
        description=entry["description"],
        parameters=entry["inputSchema"],
        # Only its output schema is read (by tools/list) until the tool is built.
        fn_metadata=FuncMetadata(arg_model=ArgModelBase, output_schema=entry["outputSchema"]),
        is_async=True,
        annotations=spec.annotations,
    )


def built_at_first_call(**_: Any) -> None:
    """The function of a tool not built yet: server/tool_calls.py builds it and runs
    that, so this never runs."""
    raise RuntimeError("a published tool runs only once built (server/tool_calls.py)")


class BuiltTools:
    """The tools a call runs: each built from its function the first time it is needed."""

    def __init__(self, specs: Iterable[ToolSpec]) -> None:
        self._specs = {spec.name: spec for spec in specs}
        self._built: dict[str, Tool] = {}

    def runnable(self, listed: Tool) -> Tool:
        """The tool to run for ``listed``, as the server lists it."""
        return self._build(listed.name) if listed.fn is built_at_first_call else listed

    def import_all(self, names: Iterable[str]) -> None:
        """Imports the modules of the tools named (the warm-up does, in a worker thread):
        most of what a tool's first call would wait for. The tools themselves are built at
        their first call (a few ms each), so a tool never called holds no memory. One that
        cannot be imported does not stop the others: its calls answer that it failed."""
        for name in names:
            try:
                importlib.import_module(self._specs[name].module)
            except Exception as exc:
                log.error(
                    "tool %s cannot be imported (%s); its calls will fail",
                    name,
                    type(exc).__name__,
                )

    def _build(self, name: str) -> Tool:
        tool = self._built.get(name)
        if tool is None:
            # Without an output model and schema: tool_calls.py dumps the result model
            # itself, and tools/list shows the published schema. Half the time to build,
            # and some 12 KB less held per tool.
            spec = self._specs[name]
            tool = Tool.from_function(spec.fn, name=name, structured_output=False)
            self._built[name] = tool
        return tool
