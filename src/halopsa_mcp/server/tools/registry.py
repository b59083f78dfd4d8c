"""Every tool the server offers, as data: the function, its title and its annotations.

The order here is the order clients list the tools in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mcp.server import MCPServer
from mcp.types import ToolAnnotations

from halopsa_mcp.server.schemas import input_schema, output_schema
from halopsa_mcp.server.tools import actions, attachments, bulk, directory, lookups, tickets
from halopsa_mcp.server.tools.params import ADD, CHANGE, READ


@dataclass(frozen=True)
class ToolSpec:
    fn: Callable[..., Any]
    title: str
    annotations: ToolAnnotations

    @property
    def name(self) -> str:
        return self.fn.__name__

    @property
    def read_only(self) -> bool:
        return bool(self.annotations.read_only_hint)


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec(tickets.search_tickets, "Search tickets", READ),
    ToolSpec(tickets.get_ticket, "Get a ticket", READ),
    ToolSpec(tickets.create_ticket, "Create a ticket", ADD),
    ToolSpec(tickets.update_ticket, "Update a ticket", CHANGE),
    ToolSpec(bulk.update_tickets, "Update several tickets", CHANGE),
    ToolSpec(actions.add_action, "Add an action (note, time, status change)", ADD),
    ToolSpec(actions.list_actions, "List a ticket's actions", READ),
    ToolSpec(attachments.upload_attachment, "Upload an attachment", ADD),
    ToolSpec(attachments.list_attachments, "List a ticket's attachments", READ),
    ToolSpec(directory.search_directory, "Find clients, end users, agents, teams", READ),
    ToolSpec(lookups.list_statuses, "List statuses", READ),
    ToolSpec(lookups.list_priorities, "List priorities", READ),
    ToolSpec(lookups.list_ticket_types, "List ticket types", READ),
    ToolSpec(lookups.list_outcomes, "List outcomes", READ),
)

# The names alone, so the command line checks HALOPSA_TOOLS_ALLOW/DENY with the other
# settings before any server is built.
TOOL_NAMES = frozenset(spec.name for spec in TOOLS)


def add_tools(server: MCPServer[Any], tools: tuple[ToolSpec, ...] = TOOLS) -> None:
    """Register ``tools``. A description is the docstring as one paragraph, and the
    schemas are compacted (server/schemas.py): every client would otherwise pay for
    both in tokens."""
    for spec in tools:
        server.tool(
            title=spec.title,
            annotations=spec.annotations,
            description=_one_paragraph(spec.fn.__doc__ or ""),
        )(spec.fn)
        # The SDK reads both afresh on every tools/list and call; only what is published
        # changes, results are still validated against the return type.
        tool = server._tool_manager.get_tool(spec.name)
        assert tool is not None
        tool.parameters = input_schema(tool.parameters)
        metadata = tool.fn_metadata
        if metadata.output_schema is not None:
            metadata.output_schema = output_schema(metadata.output_schema)


def _one_paragraph(docstring: str) -> str:
    """The docstring's words, single-spaced: its indentation and line breaks would cost
    every client tokens for nothing."""
    return " ".join(docstring.split())
