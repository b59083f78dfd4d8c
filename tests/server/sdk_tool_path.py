"""The way tool calls were answered before server/tool_calls.py, kept to compare against.

The SDK's own tools/call path, with the text block then re-written compactly by the
middleware this server used to have. Nothing in src/ uses it.
"""

from __future__ import annotations

from typing import Any

from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver.tools import Tool

from halopsa_mcp.server.compact import text_of
from halopsa_mcp.server.tool_calls import ToolCalls
from halopsa_mcp.server.tools.registry import TOOLS


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
    """``server`` with its tool calls answered the SDK's way instead of ToolCalls', by
    its tools built up front as the SDK builds them."""
    chain = server.middleware
    at = next(i for i, m in enumerate(chain) if isinstance(m, ToolCalls))
    chain[at] = CompactResults()
    tools = server._tool_manager._tools
    functions = {spec.name: spec.fn for spec in TOOLS}
    for name, listed in tools.items():
        # With the schemas listed, which the argument check and the client read.
        tool = Tool.from_function(functions[name], name=name)
        shown = tool.fn_metadata.model_copy(update={"output_schema": listed.output_schema})
        tools[name] = tool.model_copy(
            update={"parameters": listed.parameters, "fn_metadata": shown}
        )
    return server
