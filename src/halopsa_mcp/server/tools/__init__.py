"""The tools, one module per subject; each has register(server)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from mcp.server import MCPServer
from mcp.types import ToolAnnotations

_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def tool(
    server: MCPServer[Any], *, title: str, annotations: ToolAnnotations
) -> Callable[[_Fn], _Fn]:
    """Register a tool whose description is its docstring without the source indentation,
    which every client would otherwise pay for in tokens."""

    def register(fn: _Fn) -> _Fn:
        description = inspect.cleandoc(fn.__doc__ or "")
        server.tool(title=title, annotations=annotations, description=description)(fn)
        return fn

    return register
