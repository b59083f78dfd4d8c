"""list_statuses, list_priorities, list_ticket_types, list_outcomes: the instance's IDs."""

from __future__ import annotations

from collections.abc import Callable

from mcp.server.mcpserver import Context

from halopsa_mcp.domain.records import TicketType
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
    """This instance's ticket statuses: the IDs to use as status_id.

    IDs differ between HaloPSA instances, so look them up rather than assume 1 = New.
    role marks New, In Progress, Resolved and Closed; needs_resolution marks the
    statuses that require a resolution. Cached, so calling it is cheap.
    """
    catalog = await services(ctx).catalog()
    _known_type(catalog.ticket_type, ticket_type_id)
    return StatusList(statuses=status_rows(catalog, ticket_type_id))


async def list_priorities(ctx: Context[Services], ticket_type_id: ForType = None) -> PriorityList:
    """Priorities with their response and fix targets: the IDs to use as priority_id.

    Priorities belong to SLAs, and a ticket may only use the priorities of its ticket
    type's SLA: pass ticket_type_id to see exactly those.
    """
    catalog = await services(ctx).catalog()
    sla_id = None
    if ticket_type_id is not None:
        ticket_type = _known_type(catalog.ticket_type, ticket_type_id)
        sla_id = ticket_type.sla_id if ticket_type else None
    return PriorityList(priorities=priority_rows(catalog, sla_id))


async def list_ticket_types(ctx: Context[Services]) -> TicketTypeList:
    """Ticket types (Incident, Service Request, Change, ...): the IDs to use as
    ticket_type_id, with the SLA each uses and whether new tickets may have it."""
    catalog = await services(ctx).catalog()
    return TicketTypeList(ticket_types=ticket_type_rows(catalog))


async def list_outcomes(ctx: Context[Services], ticket_type_id: ForType = None) -> OutcomeList:
    """Action outcomes (Private Note, Customer Update, Resolve, ...): the IDs to use as
    add_action's outcome_id. sets_status shows the status an outcome moves a ticket to."""
    catalog = await services(ctx).catalog()
    _known_type(catalog.ticket_type, ticket_type_id)
    return OutcomeList(outcomes=outcome_rows(catalog, ticket_type_id))


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
