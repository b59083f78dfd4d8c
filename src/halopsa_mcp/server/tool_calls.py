"""Runs each tools/call of a served tool: the tool, then its result as the wire carries it.

The SDK's own path handles a result four times over before it is sent: it writes the
model as indented JSON for the text block, validates it again, dumps it, dumps the call's
result, and validates and dumps that once more for the connection's protocol version.
The text block was then replaced by our compact one. For a 50-row search that was about
a millisecond a call. Here the result model is dumped once and its compact text block
(``compact.text_of``) written once. Only the small rest of the answer goes through the
SDK's per-version shaping, so the answer is the one the SDK would give.

Failures are answered as the SDK answers them, in its words and log lines. A request
whose parameters the SDK would refuse is left to the SDK, so its refusal is unchanged.
"""

from __future__ import annotations

import logging
from typing import Any

from mcp import MCPError
from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.types import (
    SERVER_INFO_META_KEY,
    CallToolRequestParams,
    CallToolResult,
    TextContent,
    methods,
)
from mcp.types.version import MODERN_PROTOCOL_VERSIONS
from pydantic import BaseModel, ValidationError

from halopsa_mcp.server.compact import text_of
from halopsa_mcp.server.tools.published import BuiltTools

# The SDK's logger and wording for a failed call: logfmt rewrites these lines so they
# name the tool only, as it does the SDK's own.
sdk_log = logging.getLogger("mcp.server.mcpserver.server")

_METHOD = "tools/call"


class ToolCalls:
    """Server middleware, innermost: answers a tools/call of a served tool itself."""

    def __init__(self, server: MCPServer[Any], tools: BuiltTools) -> None:
        self._server = server
        self._tools = tools

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        params = _valid_params(ctx)
        listed = None if params is None else self._server._tool_manager.get_tool(params.name)
        if params is None or listed is None:
            return await call_next(ctx)
        try:
            tool = self._tools.runnable(listed)
        except Exception:
            # Its module failed to import: a bug in this install, answered as a crash.
            return self._answer(ctx, _crashed(listed.name).result)
        context = Context(
            request_context=ctx,
            mcp_server=self._server,
            input_params=params,
            subscriptions=self._server._subscriptions,
        )
        try:
            result = await _run(tool, params.arguments or {}, context)
        except _Failed as failed:
            return self._answer(ctx, failed.result)
        structured = result.model_dump(mode="json", by_alias=True)
        return self._answer(ctx, CallToolResult(content=[]), structured)

    def _answer(
        self,
        ctx: ServerRequestContext[Any, Any],
        result: CallToolResult,
        structured: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``result`` shaped for the connection's protocol version, as the SDK shapes a
        handler's result; with ``structured``, that and its compact text as its content."""
        version = ctx.protocol_version
        dumped = result.model_dump(by_alias=True, mode="json", exclude_none=True)
        answer = methods.serialize_server_result(_METHOD, version, dumped)
        if structured is not None:
            # Set after the shaping, which would only have copied them: plain JSON data.
            answer["content"] = [{"type": "text", "text": text_of(structured)}]
            answer["structuredContent"] = structured
        if version in MODERN_PROTOCOL_VERSIONS:
            stamp = self._server._lowlevel_server.server_info_stamp
            answer["_meta"] = {SERVER_INFO_META_KEY: stamp}
        return answer


class _Failed(Exception):
    """A call that ended in an error result, worded as the SDK words it."""

    def __init__(self, result: CallToolResult) -> None:
        self.result = result


def _valid_params(ctx: ServerRequestContext[Any, Any]) -> CallToolRequestParams | None:
    """The call's parameters, or None when this is not a tools/call the SDK would run."""
    if ctx.method != _METHOD or ctx.params is None or not _handshake_done(ctx):
        return None
    try:
        methods.validate_client_request(_METHOD, ctx.protocol_version, ctx.params)
        return CallToolRequestParams.model_validate(ctx.params, by_name=False)
    except (ValidationError, KeyError):
        return None


def _handshake_done(ctx: ServerRequestContext[Any, Any]) -> bool:
    """Whether the SDK would run a call on this connection yet: before initialize it
    refuses all but ping, and a tool (perhaps a write) must not run meanwhile."""
    return bool(ctx.session._connection.initialize_accepted)


async def _run(tool: Tool, arguments: dict[str, Any], context: Context[Any]) -> BaseModel:
    """The tool's result model; a failure raises _Failed with the SDK's answer to it."""
    validated = _validated(tool, arguments)
    try:
        given = {tool.context_kwarg: context} if tool.context_kwarg else {}
        result = await tool.fn_metadata.call_fn(tool.fn, tool.is_async, validated, given)
        if not isinstance(result, BaseModel):
            raise TypeError(f"{tool.name} returned {type(result).__name__}, not its model")
    except MCPError:
        raise
    except (ToolError, ResourceError) as exc:
        message = f"Error executing tool {tool.name}: {exc}"
        sdk_log.info("Tool %r failed: %r", tool.name, message)
        raise _Failed(_error(message)) from None
    except Exception:
        raise _crashed(tool.name) from None
    return result


def _validated(tool: Tool, arguments: dict[str, Any]) -> Any:
    """The arguments as the tool's own types take them (dates, enums, lists)."""
    try:
        return tool.fn_metadata.validate_arguments(arguments)
    except ValidationError as exc:
        fields = sorted({".".join(str(part) for part in err["loc"]) for err in exc.errors()})
        sdk_log.info("Tool %r rejected arguments: %r", tool.name, fields)
        raise _Failed(_error(f"Error executing tool {tool.name}: {exc}")) from None
    except MCPError:
        raise
    except Exception:
        raise _crashed(tool.name) from None


def _crashed(name: str) -> _Failed:
    """A bug: logged with its traceback here; the caller learns only that it failed."""
    sdk_log.exception("Tool %r raised an unexpected exception", name)
    return _Failed(_error(f"Error executing tool {name}"))


def _error(text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)], is_error=True)
