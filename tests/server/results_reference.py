"""server/results.py's ticket_row as it was before it was made cheaper (commit d641a06),
frozen: the cheaper one must give the same model, field for field."""

from __future__ import annotations

from datetime import UTC, datetime

from halopsa_mcp.domain.records import TicketRow
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.rules.sla import sla_state
from halopsa_mcp.server import models
from halopsa_mcp.server.for_the_model import readable

_NAME_LIMIT = 200


def _name(value: str) -> str | None:
    return readable(value, limit=_NAME_LIMIT) or None


def priority_name(catalog: Catalog, sla_id: int | None, priority_id: int | None) -> str | None:
    if priority_id is None:
        return None
    rows = [p for p in catalog.priorities if p.priority_id == priority_id]
    in_sla = [p for p in rows if p.sla_id == sla_id]
    chosen = in_sla or rows
    return chosen[0].name if chosen else None


def ticket_row(
    ticket: TicketRow, catalog: Catalog, *, now: datetime | None = None
) -> models.TicketRow:
    status = catalog.status(ticket.status_id) if ticket.status_id is not None else None
    type_id = ticket.ticket_type_id
    ticket_type = catalog.ticket_type(type_id) if type_id is not None else None
    agent = catalog.agent(ticket.agent_id) if ticket.agent_id else None
    return models.TicketRow(
        id=ticket.id,
        summary=readable(ticket.summary, limit=_NAME_LIMIT),
        client_id=ticket.client_id,
        client=_name(ticket.client_name),
        site_id=ticket.site_id,
        user_id=ticket.user_id,
        status_id=ticket.status_id,
        status=status.name if status else None,
        priority_id=ticket.priority_id,
        priority=priority_name(catalog, ticket.sla_id, ticket.priority_id),
        agent_id=ticket.agent_id,
        agent=agent.name if agent else None,
        ticket_type_id=type_id,
        ticket_type=ticket_type.name if ticket_type else None,
        created=ticket.created,
        last_action=ticket.last_action,
        **_sla(ticket, catalog, now or datetime.now(UTC)),
    )


def _sla(ticket: TicketRow, catalog: Catalog, now: datetime) -> dict[str, str | None]:
    done = catalog.closes(ticket.status_id)
    return {
        "sla": sla_state(ticket.sla, done=done, now=now),
        "fix_by": None if done else _when(ticket.sla.fix_by),
    }


def _when(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") if moment else None
