"""Every tool the server offers, as data: where its function is, its title, its annotations.

The order here is the order clients list the tools in. A tool's module is imported when
the tool is first built (see server/tools/published.py), not at start-up.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mcp.types import ToolAnnotations

READ = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
)
# Adds something new (a ticket, an action, a file): repeating it adds it twice.
ADD = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True
)
# Overwrites fields: repeating it changes nothing more, but the old values are gone.
CHANGE = ToolAnnotations(
    read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True
)


@dataclass(frozen=True)
class ToolSpec:
    """A tool: the function ``name`` in ``module``."""

    name: str
    title: str
    annotations: ToolAnnotations
    module: str

    @property
    def fn(self) -> Callable[..., Any]:
        function: Callable[..., Any] = getattr(importlib.import_module(self.module), self.name)
        return function

    @property
    def read_only(self) -> bool:
        return bool(self.annotations.read_only_hint)


def _in(module: str) -> str:
    return f"halopsa_mcp.server.tools.{module}"


TOOLS: tuple[ToolSpec, ...] = (
    ToolSpec("search_tickets", "Search tickets", READ, _in("tickets")),
    ToolSpec("get_ticket", "Get a ticket", READ, _in("tickets")),
    ToolSpec("create_ticket", "Create a ticket", ADD, _in("tickets")),
    ToolSpec("update_ticket", "Update a ticket", CHANGE, _in("tickets")),
    ToolSpec("update_tickets", "Update several tickets", CHANGE, _in("bulk")),
    ToolSpec("add_action", "Add an action (note, time, status change)", ADD, _in("actions")),
    ToolSpec("list_actions", "List a ticket's actions", READ, _in("actions")),
    ToolSpec("upload_attachment", "Upload an attachment", ADD, _in("attachments")),
    ToolSpec("list_attachments", "List a ticket's attachments", READ, _in("attachments")),
    ToolSpec("search_directory", "Find clients, end users, agents, teams", READ, _in("directory")),
    ToolSpec("list_statuses", "List statuses", READ, _in("lookups")),
    ToolSpec("list_priorities", "List priorities", READ, _in("lookups")),
    ToolSpec("list_ticket_types", "List ticket types", READ, _in("lookups")),
    ToolSpec("list_outcomes", "List outcomes", READ, _in("lookups")),
)

# The names alone, so the command line checks HALOPSA_TOOLS_ALLOW/DENY with the other
# settings before any server is built.
TOOL_NAMES = frozenset(spec.name for spec in TOOLS)
