"""Checks on tool calls and prompt requests that run before any tool or prompt does.

The arguments of every tools/call are checked against the tool's published input
schema, so a bad call gets one clear message naming each field and what it must be,
instead of a validation dump. Unknown argument names are refused too: the SDK would
drop them silently, and for a write that is dangerous (a model that says ``priority``
instead of ``priority_id`` would get the default without knowing).
"""

from __future__ import annotations

import difflib
import itertools
import logging
import math
import re
from dataclasses import replace
from typing import Any

from mcp import MCPError
from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerMiddleware, ServerRequestContext
from mcp.types import INVALID_PARAMS, METHOD_NOT_FOUND, CallToolResult, TextContent

from halopsa_mcp.rules.files import size_problem
from halopsa_mcp.rules.verdict import Problem
from halopsa_mcp.rules.wording import shown
from halopsa_mcp.server.argument_check import (
    ArgumentCheck,
    UnsupportedSchema,
    Violation,
    compile_arguments,
)

log = logging.getLogger("halopsa_mcp.guards")

# Words models reach for that are not close in spelling to the argument they mean.
_SYNONYMS = {
    "hidden": "visible_to_customer",
    "private": "visible_to_customer",
    "internal": "visible_to_customer",
    "closure_note": "resolution",
    "resolution_note": "resolution",
    "comment": "note",
    "body": "note",
    "minutes": "time_minutes",
    "time_spent": "time_minutes",
    "duration": "time_minutes",
    "query": "text",
    "search": "text",
    "id": "ticket_id",
    "title": "summary",
    "description": "details",
    "assignee": "agent_id",
    "technician_id": "agent_id",
    "type_id": "ticket_type_id",
    "tickettype_id": "ticket_type_id",
}


class ArgumentGuard:
    """Server middleware: refuses a tools/call whose arguments do not fit the tool."""

    def __init__(self, server: MCPServer[Any]) -> None:
        self._server = server
        self._checks: dict[str, ArgumentCheck] | None = None

    async def prepare(self) -> None:
        """Compile the tools' input schemas now, not on the first call: the warm-up calls
        this once the client's handshake is answered. A schema keyword the check does not
        know raises UnsupportedSchema here, before any call is let through unchecked."""
        if self._checks is None:
            # Tools are fixed once the server runs, so their schemas are read once. On the
            # event loop: compiling all of them takes well under a millisecond.
            tools = await self._server.list_tools()
            try:
                self._checks = {t.name: compile_arguments(t.name, t.input_schema) for t in tools}
            except UnsupportedSchema as exc:
                # Names a tool and a schema keyword, never an argument.
                log.error("the argument check cannot be built: %s", exc)
                raise

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method == "tools/call" and ctx.params is not None:
            tool = str(ctx.params.get("name"))
            arguments = ctx.params.get("arguments")
            # Absent or null is no arguments; an empty list, 0 or "" is still not an object.
            arguments = {} if arguments is None else arguments
            await self.prepare()
            assert self._checks is not None
            check = self._checks.get(tool)
            if check is None:
                # The SDK would echo the whole name, however long or invisible, and log
                # it; a plain one is still answered in the SDK's words.
                plain = shown(tool) == f"'{tool}'"
                return _error_result(f"Unknown tool: {tool if plain else shown(tool)}")
            given, problems = checked(check, arguments)
            if problems:
                return _refusal(tool, problems)
            if given is not arguments:
                return await call_next(replace(ctx, params={**ctx.params, "arguments": given}))
        return await call_next(ctx)


def checked(check: ArgumentCheck, arguments: Any) -> tuple[Any, list[str]]:
    """The arguments the tool is to be called with (optional nulls dropped, whole numbers
    sent as text made numbers) and the problems that refuse them, none when they fit."""
    given = _whole_numbers(check, _without_nulls(check, arguments))
    return given, _problems(check, given)


def base64_length_limit(max_bytes: int) -> int:
    """Characters of base64 for a file of ``max_bytes``: 4 for every 3 bytes, rounded up."""
    return 4 * math.ceil(max_bytes / 3)


def upload_size_guard(max_bytes: int) -> ServerMiddleware[Any]:
    """Server middleware: refuses an oversized content_base64 from its length alone.

    It runs before the schema check and the tool's own validation, each of which would
    otherwise walk (or copy) the whole string before the size was known.
    """
    limit = base64_length_limit(max_bytes)
    # A "data:...;base64," prefix and MIME line breaks (2 every 76 characters) are
    # accepted by the tool; the exact size is checked there, after validation.
    allowed = limit + limit // 38 + 256

    async def guard(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.method == "tools/call" and ctx.params is not None:
            arguments = ctx.params.get("arguments")
            content = arguments.get("content_base64") if isinstance(arguments, dict) else None
            if isinstance(content, str) and len(content) > allowed:
                size = size_problem(len(content) * 3 // 4, max_bytes, "content_base64")
                assert size is not None
                problem = Problem(
                    "content_base64",
                    f"{size.message} (HALOPSA_MAX_ATTACHMENT_MB): {len(content):,} characters "
                    f"of base64 where at most {limit:,} fit",
                    size.fix,
                )
                return _refusal(str(ctx.params.get("name")), [str(problem)])
        return await call_next(ctx)

    return guard


# A refusal lists this many unknown names and schema problems at most: the model needs
# the first few to correct the call, and a flood of them must not cost a flood of work.
_SHOWN_PROBLEMS = 10


def _problems(check: ArgumentCheck, arguments: Any) -> list[str]:
    if not isinstance(arguments, dict):
        return ["arguments: must be an object of named arguments"]
    problems = _unknown_names(list(check.names), set(arguments) - set(check.names))
    # Numbers no argument means, and lists longer than allowed, are refused here: the
    # schema check would misreport the one ("must be of type integer") and walk every
    # element of the other. The rest of the arguments are still checked.
    skipped: dict[str, str] = {}
    for name, value in sorted(arguments.items()):
        most = check.max_items.get(name)
        if _out_of_range(value):
            skipped[name] = f"{shown(name)}: the number is out of range"
        elif isinstance(value, list) and most is not None and len(value) > most:
            skipped[name] = f"{name}: must have at most {most} items"
    problems += list(skipped.values())
    rest = {name: value for name, value in arguments.items() if name not in skipped}
    found = itertools.islice(check.violations(rest), _SHOWN_PROBLEMS)
    for violation in sorted(found, key=lambda v: v.path):
        # A skipped argument is missing from the rest; it is not missing from the call.
        if violation.keyword == "required" and violation.rule in skipped:
            continue
        problems.append(_describe(violation))
    return problems


def _without_nulls(check: ArgumentCheck, arguments: Any) -> Any:
    """The arguments without optional ones sent as null: every tool reads a missing
    optional argument as null, so the published schemas leave null out (see
    server/schemas.py) and a model sending one is not refused for it. The same object
    when nothing changed."""
    if not isinstance(arguments, dict) or None not in arguments.values():
        return arguments
    optional = set(check.names) - check.required
    # An unknown name stays, to be refused as one.
    return {k: v for k, v in arguments.items() if v is not None or k not in optional}


# A whole number as text: ASCII digits only, short enough that no conversion can fail.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,16}", re.ASCII)


def _whole_numbers(check: ArgumentCheck, arguments: Any) -> Any:
    """The arguments with each optional integer sent as text holding a whole number
    ("5001") made that number, as some MCP clients send them (the MCP Inspector CLI for
    Node 20). Any other text stays, to be refused by the schema check. The same object
    when nothing changed."""
    if not isinstance(arguments, dict):
        return arguments
    converted = {
        name: int(value)
        for name, value in arguments.items()
        if isinstance(value, str)
        and name in check.numbers_as_text
        and _WHOLE_NUMBER.fullmatch(value)
    }
    return {**arguments, **converted} if converted else arguments


def _unknown_names(declared: list[str], unknown: set[str]) -> list[str]:
    problems = []
    for name in sorted(unknown)[:_SHOWN_PROBLEMS]:
        close = difflib.get_close_matches(name, declared, n=1)
        synonym = _SYNONYMS.get(name.lower())
        if synonym in declared:
            close = [synonym]
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        problems.append(f"{shown(name)}: no such argument{hint}")
    if len(unknown) > _SHOWN_PROBLEMS:
        problems.append(f"and {len(unknown) - _SHOWN_PROBLEMS:,} more unknown arguments")
    return problems


# Larger numbers pass a JSON schema's "integer" (1e20 is integral) yet no tool argument
# means them, and Python's own conversion would then fail with its internal wording.
_MAX_NUMBER = 2**53


def _out_of_range(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return not math.isfinite(value) or abs(value) > _MAX_NUMBER
    except OverflowError:
        return True


_MESSAGES = {
    "type": lambda rule: f"must be of type {_type_name(rule)}",
    "minimum": lambda rule: f"must be at least {rule}",
    "maximum": lambda rule: f"must be at most {rule}",
    "minLength": lambda rule: f"must have at least {rule} characters",
    "maxLength": lambda rule: f"must have at most {rule} characters",
    "maxItems": lambda rule: f"must have at most {rule} items",
    "enum": lambda rule: "must be one of " + ", ".join(repr(v) for v in rule),
    "format": lambda rule: f"must be a {rule} (e.g. 2026-01-31 for a date)",
}


def _describe(violation: Violation) -> str:
    if violation.keyword == "required":
        return f"{violation.rule}: is required"
    field = ".".join(str(p) for p in violation.path) or "arguments"
    # Every keyword the check knows that judges a value has its words here.
    return f"{field}: {_MESSAGES[violation.keyword](violation.rule)}"


def _type_name(kind: Any) -> str:
    names = {
        "integer": "integer (a whole number)",
        "boolean": "boolean (true or false)",
    }
    if isinstance(kind, list):
        return " or ".join(names.get(k, str(k)) for k in kind if k != "null")
    return names.get(str(kind), str(kind))


def _refusal(tool: str, problems: list[str]) -> CallToolResult:
    return _error_result(
        f"Nothing was done: {tool} was called with invalid arguments.\n"
        + "\n".join(f"- {p}" for p in problems)
        + "\nFix these and call again."
    )


def _error_result(text: str) -> CallToolResult:
    return CallToolResult(is_error=True, content=[TextContent(type="text", text=text)])


class PromptGuard:
    """Server middleware: a prompts/get naming no prompt, missing a required argument or
    naming one the prompt does not take is refused saying which. The SDK would answer a
    bare "Internal server error" for each."""

    def __init__(self, server: MCPServer[Any]) -> None:
        self._server = server

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method == "prompts/get" and ctx.params is not None:
            name = str(ctx.params.get("name"))
            given = ctx.params.get("arguments") or {}
            prompts = {p.name: p for p in await self._server.list_prompts()}
            if name not in prompts:
                there = ", ".join(sorted(prompts)) or "none"
                raise MCPError(
                    INVALID_PARAMS, f"Unknown prompt: {shown(name)}. The prompts are: {there}."
                )
            _check_prompt_arguments(name, prompts[name].arguments or [], given)
        return await call_next(ctx)


def _check_prompt_arguments(prompt: str, declared: list[Any], given: Any) -> None:
    names = [argument.name for argument in declared]
    if not isinstance(given, dict):
        problems = ["arguments: must be an object of named arguments"]
    else:
        problems = [
            f"{a.name}: is required" for a in declared if a.required and a.name not in given
        ]
        problems += [f"{shown(n)}: no such argument" for n in sorted(set(given) - set(names))]
        # The SDK would answer a bare "Invalid request parameters": arguments are text.
        problems += [
            _not_text(n, given[n]) for n in names if n in given and not isinstance(given[n], str)
        ]
    if problems:
        raise MCPError(
            INVALID_PARAMS,
            f"The {prompt} prompt was asked for with invalid arguments: "
            + "; ".join(problems)
            + f". It takes: {', '.join(names)}.",
        )


def _not_text(name: str, value: Any) -> str:
    example = (
        f', e.g. "{value}"'
        if isinstance(value, int | float) and not isinstance(value, bool)
        else ""
    )
    return f"{name}: must be text (a string){example}"


class ResourceGuard:
    """Server middleware: a resources/read of a URI this server does not have is refused
    with the URI shown short; the SDK would echo all of it, twice."""

    def __init__(self, server: MCPServer[Any]) -> None:
        self._server = server

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method == "resources/read" and ctx.params is not None:
            uri = str(ctx.params.get("uri"))
            known = {str(r.uri) for r in await self._server.list_resources()}
            # A template could match any URI; then the SDK's own lookup decides.
            if uri not in known and not await self._server.list_resource_templates():
                raise MCPError(INVALID_PARAMS, f"Unknown resource: {shown(uri)}")
        return await call_next(ctx)


async def unknown_method_guard(
    ctx: ServerRequestContext[Any, Any], call_next: CallNext
) -> HandlerResult:
    """Server middleware: a method this server does not serve is named short. The SDK
    puts the whole name, however long, in the error's data."""
    try:
        return await call_next(ctx)
    except MCPError as error:
        if error.error.code != METHOD_NOT_FOUND or shown(ctx.method) == f"'{ctx.method}'":
            raise
        raise MCPError(METHOD_NOT_FOUND, "Method not found", data=shown(ctx.method)) from None
