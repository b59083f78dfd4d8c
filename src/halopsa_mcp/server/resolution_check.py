"""Whether a write closing a ticket leaves its resolution on record.

A ticket already resolved passes the rules when closed without a resolution, since it
counts as having one; but its resolution may be nowhere (resolved in HaloPSA without a
note). The ticket's actions are read only when nothing else can tell.
"""

from __future__ import annotations

from halopsa_mcp.domain.records import Ticket
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.resolution import history_decides, resolution_of, unrecorded
from halopsa_mcp.server.errors import halo_errors
from halopsa_mcp.server.services import Services


async def closing_unrecorded(
    svc: Services,
    ticket: Ticket,
    target_status_id: int | None,
    catalog: Catalog,
    *,
    resolution_given: bool,
    fix: str,
) -> tuple[str, ...]:
    """A warning when moving ``ticket`` to ``target_status_id`` closes it with no
    resolution in the call, in its closure note or in the note of the action that
    resolved it. ``catalog`` must hold the outcomes, which say what status an action set."""
    if not history_decides(
        target_status_id,
        resolution_given=resolution_given,
        ticket_note=ticket.resolution,
        catalog=catalog,
    ):
        return ()
    with halo_errors(f"read the actions of ticket {ticket.id}", write=False):
        actions = (await svc.halo.list_actions(ticket.id)).items
    # Judged as the ticket stands now: only a ticket already closed can have one on record.
    closes = catalog.closes(ticket.status_id)
    found = resolution_of(ticket.resolution, closes=closes, actions=actions, catalog=catalog)
    return unrecorded(ticket.id, found, fix=fix)
