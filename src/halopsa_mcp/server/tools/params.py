"""The parameter types and annotations the tools share, so one ID or flag is described
and bounded the same way in every tool's schema."""

from __future__ import annotations

from typing import Annotated

from mcp.types import ToolAnnotations
from pydantic import Field

from halopsa_mcp.rules.tickets import MAX_SUMMARY

# HaloPSA's IDs are 32-bit integers (its OpenAPI file says int32): a larger one is a mistake.
MAX_ID = 2**31 - 1
TicketId = Annotated[
    int, Field(ge=1, le=MAX_ID, description="The ticket's ID (from search_tickets).")
]
ClientId = Annotated[int, Field(ge=1, le=MAX_ID, description="The client (customer company) ID.")]
# A client as an agent knows it: its ID, or its name (see server/names.py).
ClientRef = Annotated[int, Field(ge=1, le=MAX_ID)] | Annotated[str, Field(max_length=200)]
ClientIdOrName = Annotated[
    ClientRef, Field(description="The client (customer company): its ID, or its name.")
]
# An ID, or the name of what it identifies (see server/names.py).
_Name = Annotated[str, Field(max_length=100)]
IdOrName0 = Annotated[int, Field(ge=0, le=MAX_ID)] | _Name
IdOrName1 = Annotated[int, Field(ge=1, le=MAX_ID)] | _Name
StatusId = Annotated[
    IdOrName0 | None, Field(description="A status, by ID or name; see list_statuses.")
]
PriorityId = Annotated[
    IdOrName0 | None,
    Field(description="A priority of the ticket type's SLA, by ID or name; see list_priorities."),
]
AgentId = Annotated[
    IdOrName0 | None,
    Field(description="The agent (technician) to assign, by ID or name; 0 unassigns."),
]
TicketTypeId = Annotated[
    IdOrName1 | None,
    Field(description="A ticket type, by ID or name; see list_ticket_types."),
]
ForType = Annotated[
    int | None, Field(ge=1, le=MAX_ID, description="Only those valid for this ticket type.")
]
Summary = Annotated[str, Field(max_length=MAX_SUMMARY, description="One-line title.")]
NewSummary = Annotated[str | None, Field(max_length=MAX_SUMMARY, description="New one-line title.")]
Team = Annotated[str | None, Field(max_length=100, description="The team's NAME.")]
Category = Annotated[str | None, Field(max_length=255, description="Category (level 1).")]
DryRun = Annotated[
    bool, Field(description="True: check the rules and show what would be sent; write nothing.")
]

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
