"""add_action and list_actions: notes, time entries and status changes on a ticket."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver import Context
from pydantic import Field

from halopsa_mcp.client import preview
from halopsa_mcp.domain.records import Action, Ticket
from halopsa_mcp.domain.writes import ActionWrite
from halopsa_mcp.rules.actions import NewAction, newest_first, plan_action
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.tickets import ticket_state
from halopsa_mcp.server.errors import halo_errors, refused
from halopsa_mcp.server.models import ActionList, ActionWriteResult
from halopsa_mcp.server.names import named_ids
from halopsa_mcp.server.resolution_check import closing_unrecorded
from halopsa_mcp.server.results import action_row
from halopsa_mcp.server.services import ACTION_WRITES, Services, no_such_ticket, services
from halopsa_mcp.server.tools.params import DryRun, IdOrName1, TicketId

Note = Annotated[
    str | None,
    Field(max_length=50_000, description="Plain text."),
]
TimeMinutes = Annotated[float | None, Field(description="Time worked in MINUTES.")]
OutcomeId = Annotated[
    IdOrName1 | None,
    Field(description="ID or name (list_outcomes); has a default."),
]
NewStatusId = Annotated[
    IdOrName1 | None,
    Field(description="Status to move the ticket to: ID or name (list_statuses)."),
]
VisibleToCustomer = Annotated[bool, Field(description="False: an internal note.")]
Billable = bool | None
ActionCount = Annotated[int, Field(ge=1, le=100)]


async def add_action(
    ctx: Context[Services],
    ticket_id: TicketId,
    note: Note = None,
    time_minutes: TimeMinutes = None,
    outcome_id: OutcomeId = None,
    new_status_id: NewStatusId = None,
    visible_to_customer: VisibleToCustomer = False,
    billable: Billable = None,
    dry_run: DryRun = False,
) -> ActionWriteResult:
    """Add a note, customer update, time entry or status change to a ticket. A note
    is needed unless it only logs time; it is the resolution when the action closes the
    ticket. No email is ever sent. Never repeat a call that succeeded or may have been
    applied.
    """
    svc = services(ctx)
    ids = await named_ids(svc, write=True, outcome_id=outcome_id, new_status_id=new_status_id)
    outcome_id, new_status_id = ids["outcome_id"], ids["new_status_id"]
    catalog = await svc.catalog(*ACTION_WRITES, uses=("agents",), write=True)
    ticket = await svc.ticket_or_none(ticket_id, write=True)
    plan = plan_action(
        NewAction(
            ticket_id=ticket_id,
            note=note,
            time_minutes=time_minutes,
            outcome_id=outcome_id,
            new_status_id=new_status_id,
            visible_to_customer=visible_to_customer,
            billable=billable,
        ),
        ticket_state(ticket, catalog) if ticket else None,
        catalog,
        default_outcome=svc.settings.default_outcome,
    )
    if not plan.verdict.ok:
        raise refused(plan.verdict)
    warnings = list(plan.verdict.warnings)
    if ticket is not None:
        warnings += await closing_unrecorded(
            svc, ticket, plan.action.new_status_id, catalog,
            resolution_given=bool(plan.action.note_html),
            fix="add a note saying what fixed it",
        )  # fmt: skip
    if dry_run:
        return ActionWriteResult(dry_run=True, would_send=preview(plan.action), warnings=warnings)
    with halo_errors(
        f"add the action to ticket {ticket_id}",
        write=True,
        check_with=f"list_actions (ticket_id={ticket_id})",
        inputs={"outcome_id": plan.action.outcome_id},
    ):
        saved = await svc.halo.add_action(plan.action)
    return _written(saved, plan.action, ticket, catalog, warnings)


def _written(
    saved: Action, sent: ActionWrite, ticket: Ticket | None, catalog: Catalog, warnings: list[str]
) -> ActionWriteResult:
    """The saved action, and the ticket's status after it: the one HaloPSA accepted with
    the action, else the ticket's own. A saved action that does not echo the status it
    set must not leave the ticket's status unknown."""
    status_id = saved.new_status_id or sent.new_status_id or (ticket and ticket.status_id)
    status = catalog.status(status_id) if status_id else None
    return ActionWriteResult(
        dry_run=False,
        action=action_row(saved, catalog),
        ticket_status_id=status_id or None,
        ticket_status=status.name if status else None,
        warnings=warnings,
    )


async def list_actions(
    ctx: Context[Services],
    ticket_id: TicketId,
    limit: ActionCount = 20,
) -> ActionList:
    """A ticket's actions (notes, emails, time entries, status changes), newest
    first, with who wrote each and the time logged."""
    svc = services(ctx)
    catalog = await svc.catalog(uses=("statuses", "agents"))
    with halo_errors(f"list the actions of ticket {ticket_id}", write=False):
        # The whole history: sorted here, as a count sent to HaloPSA would cut it in
        # whatever order the instance lists it.
        page = await svc.halo.list_actions(ticket_id)
    # HaloPSA lists nothing for a ticket that does not exist; only then is it worth
    # a second request to tell "no actions yet" from "no such ticket".
    if not page.items and await svc.ticket_or_none(ticket_id) is None:
        raise no_such_ticket(ticket_id)
    return ActionList(
        ticket_id=ticket_id,
        actions=[action_row(a, catalog) for a in newest_first(page.items)[:limit]],
        total=page.total,
        has_more=page.total > min(limit, len(page.items)),
    )
