"""HaloPSA records into the tools' compact result models, with IDs resolved to names.

Every string that came from HaloPSA passes through ``readable``: ticket text is written
by strangers and must reach the model as plain, visible text.
"""

from __future__ import annotations

from typing import Any

from halopsa_mcp.rules.catalog import Catalog, StatusRoles
from halopsa_mcp.server.for_the_model import readable
from halopsa_mcp.server.models import (
    ActionRow,
    AttachmentRow,
    OutcomeRow,
    PriorityRow,
    StatusRole,
    StatusRow,
    TicketDetail,
    TicketRow,
    TicketTypeRow,
)

Record = dict[str, Any]

# Names and summaries are short by nature; a longer one is noise or an attack.
_NAME_LIMIT = 200
# One action's note in a list; get_ticket and list_actions are for reading, not archives.
_NOTE_LIMIT = 2000
_DETAILS_LIMIT = 8000


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _name(value: Any) -> str | None:
    return readable(value, limit=_NAME_LIMIT) or None if isinstance(value, str) else None


def priority_name(catalog: Catalog, sla_id: int | None, priority_id: int | None) -> str | None:
    if priority_id is None:
        return None
    rows = [p for p in catalog.priorities if p.priority_id == priority_id]
    in_sla = [p for p in rows if p.sla_id == sla_id]
    chosen = in_sla or rows
    return chosen[0].name if chosen else None


def ticket_row(record: Record, catalog: Catalog) -> TicketRow:
    status = catalog.status(_int(record.get("status_id")) or -1)
    ticket_type = catalog.ticket_type(_int(record.get("tickettype_id")) or -1)
    agent_id = _int(record.get("agent_id"))
    agent = catalog.agent(agent_id) if agent_id else None
    return TicketRow(
        id=int(record["id"]),
        summary=readable(record.get("summary"), limit=_NAME_LIMIT),
        client_id=_int(record.get("client_id")),
        client=_name(record.get("client_name")),
        status_id=_int(record.get("status_id")),
        status=status.name if status else None,
        priority_id=_int(record.get("priority_id")),
        priority=priority_name(
            catalog, _int(record.get("sla_id")), _int(record.get("priority_id"))
        ),
        agent_id=agent_id,
        agent=agent.name if agent else None,
        ticket_type_id=_int(record.get("tickettype_id")),
        ticket_type=ticket_type.name if ticket_type else None,
        created=record.get("datecreated") or record.get("dateoccurred"),
        last_action=record.get("lastactiondate"),
    )


def ticket_detail(
    record: Record,
    catalog: Catalog,
    actions: list[ActionRow],
    extra: dict[str, Any],
    missing: list[str],
) -> TicketDetail:
    row = ticket_row(record, catalog)
    return TicketDetail(
        **row.model_dump(),
        details=readable(record.get("details_html") or record.get("details"), limit=_DETAILS_LIMIT),
        site=_name(record.get("site_name")),
        user=_name(record.get("user_name")),
        team=_name(record.get("team")),
        category=_name(record.get("category_1")),
        resolution=readable(record.get("closure_note"), limit=_NOTE_LIMIT) or None,
        closed=record.get("dateclosed"),
        sla_id=_int(record.get("sla_id")),
        recent_actions=actions,
        extra_fields=extra,
        missing_fields=missing,
    )


def action_row(record: Record, catalog: Catalog) -> ActionRow:
    hours = record.get("timetaken")
    new_status = catalog.status(_int(record.get("new_status")) or -1)
    who_id = _int(record.get("who_agentid"))
    who = catalog.agent(who_id) if who_id else None
    return ActionRow(
        id=int(record["id"]),
        ticket_id=int(record.get("ticket_id") or 0),
        when=record.get("datetime") or record.get("actiondatecreated"),
        who=who.name if who else _name(record.get("who")),
        outcome=_name(record.get("outcome")),
        note=readable(record.get("note_html") or record.get("note"), limit=_NOTE_LIMIT),
        time_minutes=round(hours * 60, 2) if isinstance(hours, int | float) and hours else None,
        visible_to_customer=not record.get("hiddenfromuser", True),
        new_status=new_status.name if new_status else None,
    )


def attachment_row(record: Record) -> AttachmentRow:
    return AttachmentRow(
        id=int(record["id"]),
        filename=readable(record.get("filename"), limit=_NAME_LIMIT) or "attachment",
        size_bytes=_int(record.get("filesize")),
        is_image=record.get("isimage") if isinstance(record.get("isimage"), bool) else None,
        created=record.get("datecreated"),
        description=_name(record.get("desc")),
        action_id=_int(record.get("action_id")) or None,
    )


def _role(status_id: int, roles: StatusRoles) -> StatusRole | None:
    for role, role_id in (
        ("new", roles.new),
        ("in_progress", roles.in_progress),
        ("resolved", roles.resolved),
        ("closed", roles.closed),
    ):
        if status_id == role_id:
            return role  # type: ignore[return-value]
    return None


def status_rows(catalog: Catalog, ticket_type_id: int | None) -> list[StatusRow]:
    roles = catalog.roles
    statuses = catalog.statuses_for(ticket_type_id) if ticket_type_id else catalog.statuses
    return [
        StatusRow(
            id=s.id,
            name=s.name,
            role=_role(s.id, roles),
            needs_resolution=s.id in roles.closing,
            ticket_type_ids=sorted(s.ticket_type_ids),
        )
        for s in statuses
    ]


def _target(amount: Any, units: Any) -> str | None:
    if not isinstance(amount, int | float) or not amount:
        return None
    return f"{amount:g} {units}" if isinstance(units, str) and units else f"{amount:g}"


def priority_rows(rows: list[Record], catalog: Catalog, sla_id: int | None) -> list[PriorityRow]:
    wanted = {(p.sla_id, p.priority_id) for p in catalog.priorities if not p.hidden}
    result = []
    for row in rows:
        key = (_int(row.get("slaid")), _int(row.get("priorityid")))
        if key not in wanted or (sla_id is not None and key[0] != sla_id):
            continue
        result.append(
            PriorityRow(
                priority_id=key[1] or 0,
                name=_name(row.get("name")) or "",
                sla_id=key[0] or 0,
                response=_target(row.get("responsetime"), row.get("responseunits")),
                fix=_target(row.get("fixtime"), row.get("fixunits")),
            )
        )
    return result


def ticket_type_rows(catalog: Catalog) -> list[TicketTypeRow]:
    return [
        TicketTypeRow(
            id=t.id,
            name=t.name,
            sla_id=t.sla_id,
            initial_status_id=t.initial_status_id,
            can_create=t.can_create,
        )
        for t in catalog.ticket_types
    ]


def outcome_rows(catalog: Catalog, ticket_type_id: int | None) -> list[OutcomeRow]:
    rows = []
    for o in catalog.outcomes:
        if ticket_type_id and o.ticket_type_ids and ticket_type_id not in o.ticket_type_ids:
            continue
        status = catalog.status(o.new_status_id) if o.new_status_id else None
        rows.append(
            OutcomeRow(
                id=o.id,
                name=o.name,
                sets_status_id=o.new_status_id,
                sets_status=status.name if status else None,
                hidden_from_customer=o.hidden_from_user,
            )
        )
    return rows
