"""The tools, one module per subject; each has register(tools: ToolSet)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from mcp.server import MCPServer
from mcp.types import ToolAnnotations

_Fn = TypeVar("_Fn", bound=Callable[..., Any])


class ToolSet:
    """Registers tools on a server and remembers which are read-only, for the policy."""

    def __init__(self, server: MCPServer[Any]) -> None:
        self.server = server
        self.read_only_of: dict[str, bool] = {}

    def add(self, *, title: str, annotations: ToolAnnotations) -> Callable[[_Fn], _Fn]:
        """Register a tool. Its description is its docstring without the source
        indentation, which every client would otherwise pay for in tokens."""

        def register(fn: _Fn) -> _Fn:
            description = inspect.cleandoc(fn.__doc__ or "")
            self.server.tool(title=title, annotations=annotations, description=description)(fn)
            self.read_only_of[fn.__name__] = bool(annotations.read_only_hint)
            return fn

        return register
