"""The parameter types and annotations the tools share, so one ID or flag is described
and bounded the same way in every tool's schema."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from halopsa_mcp.rules.tickets import MAX_SUMMARY

# HaloPSA's IDs are 32-bit integers (its OpenAPI file says int32): a larger one is a mistake.
MAX_ID = 2**31 - 1
TicketId = Annotated[int, Field(ge=1, le=MAX_ID, description="See search_tickets.")]
ClientId = Annotated[int, Field(ge=1, le=MAX_ID, description="The client (customer company) ID.")]
# A client as an agent knows it: its ID, or its name (see server/names.py).
ClientRef = Annotated[int, Field(ge=1, le=MAX_ID)] | Annotated[str, Field(max_length=200)]
ClientIdOrName = Annotated[ClientRef, Field(description="ID or name (search_directory).")]
# An ID, or the name of what it identifies (see server/names.py).
_Name = Annotated[str, Field(max_length=100)]
IdOrName0 = Annotated[int, Field(ge=0, le=MAX_ID)] | _Name
IdOrName1 = Annotated[int, Field(ge=1, le=MAX_ID)] | _Name
StatusId = Annotated[IdOrName0 | None, Field(description="ID or name (list_statuses).")]
PriorityId = Annotated[
    IdOrName0 | None,
    Field(description="ID or name (list_priorities for the ticket type)."),
]
AgentId = Annotated[
    IdOrName0 | None,
    Field(description="ID or name (search_directory); 0 unassigns."),
]
TicketTypeId = Annotated[
    IdOrName1 | None,
    Field(description="ID or name (list_ticket_types)."),
]
ForType = Annotated[
    int | None, Field(ge=1, le=MAX_ID, description="Only those of this ticket type.")
]
Summary = Annotated[str, Field(max_length=MAX_SUMMARY)]
NewSummary = Annotated[str | None, Field(max_length=MAX_SUMMARY)]
Team = Annotated[str | None, Field(max_length=100, description="Team name (search_directory).")]
Category = Annotated[str | None, Field(max_length=255, description="Category (level 1).")]
DryRun = Annotated[bool, Field(description="Preview only; write nothing.")]
