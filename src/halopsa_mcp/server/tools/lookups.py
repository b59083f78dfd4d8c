"""list_statuses, list_priorities, list_ticket_types, list_outcomes: the instance's IDs."""

from __future__ import annotations

from collections.abc import Callable

from mcp.server.mcpserver import Context

from halopsa_mcp.domain.records import TicketType
from halopsa_mcp.rules.catalog import Lookup
from halopsa_mcp.rules.verdict import Problem
from halopsa_mcp.server.errors import invalid
from halopsa_mcp.server.models import OutcomeList, PriorityList, StatusList, TicketTypeList
from halopsa_mcp.server.results import (
    outcome_rows,
    priority_rows,
    status_rows,
    ticket_type_rows,
)
from halopsa_mcp.server.services import Services, services
from halopsa_mcp.server.tools.params import ForType


async def list_statuses(ctx: Context[Services], ticket_type_id: ForType = None) -> StatusList:
    """This instance's statuses (IDs differ between instances): role marks New, In
    Progress, Resolved, Closed; needs_resolution those that require a resolution.
    """
    catalog = await services(ctx).catalog("statuses", *_for_type(ticket_type_id))
    _known_type(catalog.ticket_type, ticket_type_id)
    return StatusList(statuses=status_rows(catalog, ticket_type_id))


async def list_priorities(ctx: Context[Services], ticket_type_id: ForType = None) -> PriorityList:
    """Priorities with response and fix targets. A ticket may use only its ticket
    type's SLA's priorities: pass ticket_type_id to see those.
    """
    catalog = await services(ctx).catalog("priorities", *_for_type(ticket_type_id))
    sla_id = None
    if ticket_type_id is not None:
        ticket_type = _known_type(catalog.ticket_type, ticket_type_id)
        sla_id = ticket_type.sla_id if ticket_type else None
    return PriorityList(priorities=priority_rows(catalog, sla_id))


async def list_ticket_types(ctx: Context[Services]) -> TicketTypeList:
    """This instance's ticket types, with the SLA each uses and whether new tickets
    may have it."""
    catalog = await services(ctx).catalog("ticket_types")
    return TicketTypeList(ticket_types=ticket_type_rows(catalog))


async def list_outcomes(ctx: Context[Services], ticket_type_id: ForType = None) -> OutcomeList:
    """This instance's action outcomes (add_action's outcome_id), with the status
    each moves a ticket to."""
    # Statuses only name the status an outcome sets.
    needs = ("outcomes", *_for_type(ticket_type_id))
    catalog = await services(ctx).catalog(*needs, uses=("statuses",))
    _known_type(catalog.ticket_type, ticket_type_id)
    return OutcomeList(outcomes=outcome_rows(catalog, ticket_type_id))


def _for_type(ticket_type_id: int | None) -> tuple[Lookup, ...]:
    return ("ticket_types",) if ticket_type_id is not None else ()


def _known_type(
    find: Callable[[int], TicketType | None], ticket_type_id: int | None
) -> TicketType | None:
    if ticket_type_id is None:
        return None
    found = find(ticket_type_id)
    if found is None:
        raise invalid(
            Problem(
                "ticket_type_id",
                f"ticket type {ticket_type_id} does not exist",
                "leave it out, or pick an ID from list_ticket_types",
            ),
            write=False,
        )
    return found
