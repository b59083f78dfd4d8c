"""The domain's records into the tools' compact result models, with IDs resolved to names.

Every string that came from the service desk passes through ``readable``: ticket text is
written by strangers and must reach the model as plain, visible text.
"""

from __future__ import annotations

from datetime import UTC, datetime

from halopsa_mcp.domain.records import (
    Action,
    Agent,
    Attachment,
    Client,
    Target,
    Ticket,
    TicketRow,
    User,
)
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.sla import sla_state
from halopsa_mcp.server import models
from halopsa_mcp.server.for_the_model import readable

# Names and summaries are short by nature; a longer one is noise or an attack.
_NAME_LIMIT = 200
# One action's note in a list; get_ticket and list_actions are for reading, not archives.
_NOTE_LIMIT = 2000
_DETAILS_LIMIT = 8000
# The row model's own validator: the same checks as models.TicketRow(...) without the
# handling of keyword arguments, which costs as much again on a page of rows.
_TICKET_ROW = models.TicketRow.__pydantic_validator__


def _name(value: str) -> str | None:
    return readable(value, limit=_NAME_LIMIT) or None


def ticket_row(
    ticket: TicketRow, catalog: Catalog, *, now: datetime | None = None
) -> models.TicketRow:
    """``now`` judges the SLA; the caller's clock by default."""
    status = catalog.status(ticket.status_id) if ticket.status_id is not None else None
    type_id = ticket.ticket_type_id
    ticket_type = catalog.ticket_type(type_id) if type_id is not None else None
    agent = catalog.agent(ticket.agent_id) if ticket.agent_id else None
    # The SLA state, and the fix-by deadline while that still matters (open).
    done = catalog.closes(ticket.status_id)
    row: models.TicketRow = _TICKET_ROW.validate_python(
        {
            "id": ticket.id,
            "summary": readable(ticket.summary, limit=_NAME_LIMIT),
            "client_id": ticket.client_id,
            "client": _name(ticket.client_name),
            "site_id": ticket.site_id,
            "user_id": ticket.user_id,
            "status_id": ticket.status_id,
            "status": status.name if status else None,
            "priority_id": ticket.priority_id,
            "priority": catalog.name_of_priority(ticket.sla_id, ticket.priority_id),
            "agent_id": ticket.agent_id,
            "agent": agent.name if agent else None,
            "ticket_type_id": type_id,
            "ticket_type": ticket_type.name if ticket_type else None,
            "created": ticket.created,
            "last_action": ticket.last_action,
            "sla": sla_state(ticket.sla, done=done, now=now or datetime.now(UTC)),
            "fix_by": None if done else _when(ticket.sla.fix_by),
        }
    )
    return row


def _when(moment: datetime | None) -> str | None:
    """A deadline written as the service desk writes its dates (UTC, no offset): the
    first 19 characters of the ISO form are the date and time, whatever the offset."""
    return moment.isoformat(timespec="seconds")[:19] if moment else None


def ticket_detail(
    ticket: Ticket,
    catalog: Catalog,
    actions: list[models.ActionRow],
    extra: dict[str, object],
    missing: list[str],
    *,
    now: datetime | None = None,
) -> models.TicketDetail:
    row = ticket_row(ticket, catalog, now=now)
    return models.TicketDetail(
        **row.model_dump(exclude={"fix_by"}),
        fix_by=_when(ticket.sla.fix_by),
        respond_by=_when(ticket.sla.respond_by),
        details=readable(ticket.details, limit=_DETAILS_LIMIT),
        site=_name(ticket.site_name),
        user=_name(ticket.user_name),
        team=_name(ticket.team),
        category=_name(ticket.category),
        resolution=readable(ticket.resolution, limit=_NOTE_LIMIT) or None,
        closed=ticket.closed,
        sla_id=ticket.sla_id,
        recent_actions=actions,
        extra_fields=extra,
        missing_fields=missing,
    )


def action_row(action: Action, catalog: Catalog) -> models.ActionRow:
    new_status = catalog.status(action.new_status_id) if action.new_status_id else None
    who = catalog.agent(action.who_agent_id) if action.who_agent_id else None
    return models.ActionRow(
        id=action.id,
        ticket_id=action.ticket_id,
        when=action.when,
        who_agent_id=action.who_agent_id,
        who=who.name if who else _author(action),
        outcome_id=action.outcome_id,
        outcome=_name(action.outcome),
        note=readable(action.note, limit=_NOTE_LIMIT),
        time_minutes=round(action.hours * 60, 2) if action.hours else None,
        visible_to_customer=not action.hidden_from_user,
        new_status_id=action.new_status_id,
        new_status=new_status.name if new_status else None,
    )


def _author(action: Action) -> str | None:
    """The name HaloPSA gave the action's author, else the API application that wrote
    it: never a person the action does not name."""
    name = _name(action.who)
    if name is None and action.application:
        application = _name(action.application)
        return f"API application {application}" if application else None
    return name


def attachment_row(attachment: Attachment) -> models.AttachmentRow:
    return models.AttachmentRow(
        id=attachment.id,
        filename=readable(attachment.filename, limit=_NAME_LIMIT) or "attachment",
        size_bytes=attachment.size_bytes,
        is_image=attachment.is_image,
        created=attachment.created,
        description=_name(attachment.description),
        action_id=attachment.action_id,
    )


def status_rows(catalog: Catalog, ticket_type_id: int | None) -> list[models.StatusRow]:
    statuses = catalog.statuses_for(ticket_type_id) if ticket_type_id else catalog.statuses
    return [
        models.StatusRow(
            id=s.id,
            name=s.name,
            role=s.role,
            needs_resolution=s.closes,
            ticket_type_ids=sorted(s.ticket_type_ids),
        )
        for s in statuses
    ]


def _target(target: Target | None) -> str | None:
    if target is None:
        return None
    return f"{target.amount:g} {target.units}" if target.units else f"{target.amount:g}"


def priority_rows(catalog: Catalog, sla_id: int | None) -> list[models.PriorityRow]:
    return [
        models.PriorityRow(
            priority_id=p.priority_id,
            name=_name(p.name) or "",
            sla_id=p.sla_id,
            response=_target(p.response),
            fix=_target(p.fix),
        )
        for p in catalog.priorities
        if not p.hidden and (sla_id is None or p.sla_id == sla_id)
    ]


def ticket_type_rows(catalog: Catalog) -> list[models.TicketTypeRow]:
    return [
        models.TicketTypeRow(
            id=t.id,
            name=t.name,
            sla_id=t.sla_id,
            initial_status_id=t.initial_status_id,
            can_create=t.can_create,
        )
        for t in catalog.ticket_types
    ]


def outcome_rows(catalog: Catalog, ticket_type_id: int | None) -> list[models.OutcomeRow]:
    rows = []
    for o in catalog.outcomes:
        if ticket_type_id and o.ticket_type_ids and ticket_type_id not in o.ticket_type_ids:
            continue
        status = catalog.status(o.new_status_id) if o.new_status_id else None
        rows.append(
            models.OutcomeRow(
                id=o.id,
                name=o.name,
                sets_status_id=o.new_status_id,
                sets_status=status.name if status else None,
                hidden_from_customer=o.hidden_from_user,
            )
        )
    return rows


def client_row(client: Client) -> models.ClientRow:
    return models.ClientRow(id=client.id, name=_name(client.name) or "")


def user_row(user: User) -> models.UserRow:
    return models.UserRow(
        id=user.id,
        name=_name(user.name) or "",
        email=_name(user.email),
        site_id=user.site_id,
        site=_name(user.site_name),
        client_id=user.client_id,
        client=_name(user.client_name),
    )


def agent_row(agent: Agent) -> models.AgentRow:
    return models.AgentRow(id=agent.id, name=_name(agent.name) or "", team=_name(agent.team))
