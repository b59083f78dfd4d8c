"""The ticket, SLA and action readers of client/wire.py (and the value readers of
client/values.py they use) as they were before they were made cheaper: the reference
their results are compared with (tests/client/test_wire_unchanged.py). Kept as written
then; not to be edited along with the client.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from halopsa_mcp.client.errors import HaloResponseError
from halopsa_mcp.domain.records import Action, SlaFacts, Ticket, TicketRow

Row = Mapping[str, Any]


def integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def reference(value: object) -> int | None:
    id_ = integer(value)
    return id_ if id_ is not None and id_ > 0 else None


def number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def text(value: object) -> str:
    return value if isinstance(value, str) else ""


def optional_text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def flag(value: object, *, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def first(row: Row, *keys: str) -> object:
    return next((row[k] for k in keys if row.get(k) not in (None, "")), None)


def ticket_row(row: Row) -> TicketRow:
    return TicketRow(**_row_fields(row))


def ticket(row: Row) -> Ticket:
    return Ticket(
        **_row_fields(row),
        details=text(first(row, "details_html", "details")),
        site_name=text(row.get("site_name")),
        user_name=text(row.get("user_name")),
        team=text(row.get("team")),
        category=text(row.get("category_1")),
        resolution=text(row.get("closure_note")),
        closed=optional_text(row.get("dateclosed")),
        raw=MappingProxyType(dict(row)),
    )


def _row_fields(row: Row) -> dict[str, Any]:
    return {
        "id": _id(row, "ticket"),
        "summary": text(row.get("summary")),
        "client_id": integer(row.get("client_id")),
        "client_name": text(row.get("client_name")),
        "site_id": reference(row.get("site_id")),
        "user_id": reference(row.get("user_id")),
        "status_id": integer(row.get("status_id")),
        "priority_id": integer(row.get("priority_id")),
        "sla_id": integer(row.get("sla_id")),
        "agent_id": integer(row.get("agent_id")),
        "ticket_type_id": integer(row.get("tickettype_id")),
        "created": optional_text(first(row, "datecreated", "dateoccurred")),
        "last_action": optional_text(row.get("lastactiondate")),
        "sla": sla_facts(row),
    }


_NO_DATE_BEFORE = datetime(1901, 1, 1, tzinfo=UTC)


def sla_facts(row: Row) -> SlaFacts:
    on_hold = first(row, "onhold", "slahold")
    facts = SlaFacts(
        respond_by=_moment(row.get("respondbydate")),
        fix_by=_moment(row.get("fixbydate")) or _moment(row.get("deadlinedate")),
        on_hold=on_hold if isinstance(on_hold, bool) else None,
        done_at=_moment(row.get("dateclosed")) or _moment(row.get("dateresolved")),
    )
    excluded = row.get("excludefromsla") is True
    return replace(facts, respond_by=None, fix_by=None) if excluded else facts


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment if moment >= _NO_DATE_BEFORE else None


def action(row: Row) -> Action:
    return Action(
        id=_id(row, "action"),
        ticket_id=integer(row.get("ticket_id")) or 0,
        when=optional_text(first(row, "datetime", "actiondatecreated")),
        who_agent_id=reference(row.get("who_agentid")),
        who=text(row.get("who")),
        outcome=text(row.get("outcome")),
        note=text(first(row, "note_html", "note")),
        hours=number(row.get("timetaken")),
        hidden_from_user=flag(row.get("hiddenfromuser"), default=True),
        new_status_id=reference(row.get("new_status")),
        outcome_id=reference(row.get("outcome_id")),
        application=text(row.get("actionby_application_id")),
    )


def _id(row: Row, kind: str) -> int:
    id_ = integer(row.get("id"))
    if id_ is None:
        raise HaloResponseError(f"HaloPSA sent a {kind} without a usable id")
    return id_


def json_body(content: bytes) -> Any:
    """What httpx's ``Response.json()`` did with a body: ``json.loads`` of its bytes."""
    return json.loads(content)
