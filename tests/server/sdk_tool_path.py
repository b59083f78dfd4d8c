"""The way tool calls were answered before server/tool_calls.py, kept to compare against.

The SDK's own tools/call path, with the text block then re-written compactly by the
middleware this server used to have. Nothing in src/ uses it.
"""

from __future__ import annotations

from typing import Any

from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext

from halopsa_mcp.server.compact import text_of
from halopsa_mcp.server.tool_calls import ToolCalls


class CompactResults:
    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        result = await call_next(ctx)
        if (
            ctx.method == "tools/call"
            and isinstance(result, dict)
            and isinstance(result.get("structuredContent"), dict)
            and not result.get("isError")
        ):
            text = text_of(result["structuredContent"])
            return {**result, "content": [{"type": "text", "text": text}]}
        return result


def on_the_sdk_path(server: MCPServer[Any]) -> MCPServer[Any]:
    """``server`` with its tool calls answered the SDK's way instead of ToolCalls'."""
    chain = server.middleware
    at = next(i for i, m in enumerate(chain) if isinstance(m, ToolCalls))
    chain[at] = CompactResults()
    return server
