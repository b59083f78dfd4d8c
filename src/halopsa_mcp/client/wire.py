"""HaloPSA's field names, in one place: its JSON into the domain's records, and the
domain's writes into its payloads.

Rows come from whatever an instance holds. A lookup row without a usable ID is skipped;
a ticket, action or attachment without one is an answer this client cannot use. Any
other missing or mistyped value falls back to a default; nothing else raises.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from types import MappingProxyType
from typing import Any, TypeVar

from halopsa_mcp.client.download import Download
from halopsa_mcp.client.envelopes import single
from halopsa_mcp.client.errors import HaloResponseError
from halopsa_mcp.client.json_body import parsed
from halopsa_mcp.client.payloads import ActionFields, AttachmentUpload, TicketFields, TicketQuery
from halopsa_mcp.client.statuses import with_roles
from halopsa_mcp.client.values import (
    Row,
    first,
    flag,
    given,
    identified,
    integer,
    mappings,
    name,
    number,
    optional_text,
    reference,
    text,
    type_ids,
)
from halopsa_mcp.domain.records import (
    Action,
    Agent,
    Attachment,
    Client,
    Outcome,
    Priority,
    Site,
    SlaFacts,
    Status,
    Target,
    Team,
    Ticket,
    TicketRow,
    TicketType,
    User,
)
from halopsa_mcp.domain.search import TicketSearch
from halopsa_mcp.domain.writes import ActionWrite, AttachmentWrite, TicketWrite

# Where a ticket type's SLA is found: instances and versions differ in the key.
SLA_KEYS = ("default_sla", "default_sla_id", "sla_id", "slaid", "sla")

# --- The instance's configuration ---------------------------------------------------------


def statuses(rows: Iterable[object]) -> tuple[Status, ...]:
    """``GET /api/Status`` rows (``id``, ``name``, ``tickettypes``), each with its role."""
    return with_roles(
        [
            Status(id_, name(row.get("name")), type_ids(row.get("tickettypes")))
            for row, id_ in identified(rows)
        ]
    )


def priorities(rows: Iterable[object]) -> tuple[Priority, ...]:
    """``GET /api/Priority`` rows: one per (SLA, priority). The row's own ``id`` is a
    per-SLA string that tickets never refer to, so it is ignored."""
    parsed: list[Priority] = []
    for row in mappings(rows):
        sla_id, priority_id = integer(row.get("slaid")), integer(row.get("priorityid"))
        if sla_id is not None and priority_id is not None:
            parsed.append(
                Priority(
                    sla_id,
                    priority_id,
                    name(row.get("name")),
                    hidden=flag(row.get("ishidden"), default=False),
                    response=_target(row.get("responsetime"), row.get("responseunits")),
                    fix=_target(row.get("fixtime"), row.get("fixunits")),
                )
            )
    return tuple(parsed)


def ticket_types(rows: Iterable[object]) -> tuple[TicketType, ...]:
    return tuple(
        TicketType(
            id=id_,
            name=name(row.get("name")),
            sla_id=_sla(row),
            initial_status_id=reference(row.get("initial_status")),
            can_create=flag(row.get("cancreate"), default=True),
        )
        for row, id_ in identified(rows)
    )


def _sla(row: Row) -> int | None:
    """A ticket type's SLA: an ID, its digits as text, or (on some versions) an object."""
    value = first(row, *SLA_KEYS)
    return reference(value.get("id") if isinstance(value, Mapping) else value)


def outcomes(rows: Iterable[object]) -> tuple[Outcome, ...]:
    """``GET /api/Outcome`` rows: the name is under ``outcome``; ``newstatus`` 0 = none."""
    return tuple(
        Outcome(
            id=id_,
            name=name(row.get("outcome")),
            new_status_id=reference(row.get("newstatus")),
            hidden_from_user=flag(row.get("hidefromuser"), default=False),
            ticket_type_ids=type_ids(row.get("tickettypes")),
        )
        for row, id_ in identified(rows)
    )


def agents(rows: Iterable[object]) -> tuple[Agent, ...]:
    """``GET /api/Agent`` rows; ``team`` is the agent's main team by name."""
    return tuple(
        Agent(
            id_,
            name(row.get("name")),
            flag(row.get("isdisabled"), default=False),
            team=name(row.get("team")),
        )
        for row, id_ in identified(rows)
    )


def teams(rows: Iterable[object]) -> tuple[Team, ...]:
    """Teams by name (a ticket names its team, not its ID); nameless rows are skipped."""
    return tuple(
        Team(team, inactive=flag(row.get("inactive"), default=False))
        for row in mappings(rows)
        if (team := name(row.get("name")))
    )


def client(row: Row) -> Client:
    inactive = flag(row.get("inactive"), default=False)
    return Client(_id(row, "client"), name(row.get("name")), inactive)


def sites(rows: Iterable[object]) -> list[Site]:
    return [Site(id_, name(row.get("name"))) for row, id_ in identified(rows)]


def users(rows: Iterable[object]) -> list[User]:
    """``GET /api/Users`` rows (schema Users): the email is under ``emailaddress``."""
    return [
        User(
            id_,
            name(row.get("name")),
            reference(row.get("site_id")),
            email=text(row.get("emailaddress")),
            site_name=name(row.get("site_name")),
            client_id=reference(row.get("client_id")),
            client_name=name(row.get("client_name")),
        )
        for row, id_ in identified(rows)
    ]


def _target(amount: object, units: object) -> Target | None:
    value = number(amount)
    return Target(value, name(units)) if value else None


# --- Tickets, actions, attachments ------------------------------------------------------------


def ticket_row(row: Row) -> TicketRow:
    """A ticket as a listing needs it: a page of rows skips the full record's fields."""
    return _built(TicketRow, _row_fields(row))


def ticket(row: Row) -> Ticket:
    fields = _row_fields(row)
    fields.update(
        details=text(first(row, "details_html", "details")),
        site_name=text(row.get("site_name")),
        user_name=text(row.get("user_name")),
        team=text(row.get("team")),
        category=text(row.get("category_1")),
        resolution=text(row.get("closure_note")),
        closed=optional_text(row.get("dateclosed")),
        raw=MappingProxyType(dict(row)),
    )
    return _built(Ticket, fields)


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


R = TypeVar("R")


def _built(kind: type[R], fields: dict[str, Any]) -> R:
    """``kind(**fields)`` for a frozen dataclass, when ``fields`` names every field.

    Its __init__ sets each field through object.__setattr__, the costliest step of
    reading a page of tickets; the finished record is the same. The records have no
    __post_init__ to skip.
    """
    record = object.__new__(kind)
    object.__setattr__(record, "__dict__", fields)
    return record


# Before any real deadline: what HaloPSA sends for a date it has not set.
_NO_DATE_BEFORE = datetime(1901, 1, 1, tzinfo=UTC)


def sla_facts(row: Row) -> SlaFacts:
    """The ticket's own SLA fields (Faults: fixbydate, respondbydate, onhold, dateclosed,
    excludefromsla).
    The skill's names (deadlinedate, slahold, dateresolved) are read where those are
    missing; a tenant may send any or none of them."""
    if row.get("excludefromsla") is True:
        # Dates may still be filled in on a ticket excluded from the SLA: none count.
        respond_by = fix_by = None
    else:
        respond_by = _moment(row.get("respondbydate"))
        fix_by = _moment(row.get("fixbydate")) or _moment(row.get("deadlinedate"))
    on_hold = first(row, "onhold", "slahold")
    return _built(
        SlaFacts,
        {
            "respond_by": respond_by,
            "fix_by": fix_by,
            "on_hold": on_hold if isinstance(on_hold, bool) else None,
            "done_at": _moment(row.get("dateclosed")) or _moment(row.get("dateresolved")),
        },
    )


def _moment(value: object) -> datetime | None:
    """A date-time as HaloPSA writes it: UTC, with or without an offset. Empty text and
    placeholders such as "1900-01-01T00:00:00" or "0001-01-01T00:00:00" mean unset."""
    return _moment_of(value) if isinstance(value, str) else None


# The same dates come back on every read of a client's open tickets (the duplicate check
# reads them at each create): 256 are remembered, the dates of such a read of 100 tickets,
# in about 50 KB (the server's memory is budgeted).
@lru_cache(maxsize=256)
def _moment_of(value: str) -> datetime | None:
    text = value.strip().replace("Z", "+00:00")
    if not text:
        return None
    try:
        moment = _in_utc(text, datetime.fromisoformat(text))
    except (ValueError, OverflowError):
        return None
    return moment if moment >= _NO_DATE_BEFORE else None


def _in_utc(text: str, moment: datetime) -> datetime:
    """``moment``, read from ``text``, in UTC: without an offset it is UTC already."""
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    if text[10:11] == "T":
        # A date and a time, as HaloPSA writes them: read again with the offset, in a
        # third of the time replace(tzinfo=UTC) takes. (A date alone would not take it.)
        return datetime.fromisoformat(text + "+00:00")
    return moment.replace(tzinfo=UTC)


def action(row: Row) -> Action:
    return _built(
        Action,
        {
            "id": _id(row, "action"),
            "ticket_id": integer(row.get("ticket_id")) or 0,
            "when": optional_text(first(row, "datetime", "actiondatecreated")),
            "who_agent_id": reference(row.get("who_agentid")),
            "who": text(row.get("who")),
            "outcome": text(row.get("outcome")),
            "note": text(first(row, "note_html", "note")),
            "hours": number(row.get("timetaken")),
            "hidden_from_user": flag(row.get("hiddenfromuser"), default=True),
            "new_status_id": reference(row.get("new_status")),
            "outcome_id": reference(row.get("outcome_id")),
            "application": text(row.get("actionby_application_id")),
        },
    )


def attachment(row: Row) -> Attachment:
    is_image = row.get("isimage")
    return Attachment(
        id=_id(row, "attachment"),
        filename=text(row.get("filename")),
        size_bytes=integer(row.get("filesize")),
        is_image=is_image if isinstance(is_image, bool) else None,
        created=optional_text(row.get("datecreated")),
        description=text(row.get("desc")),
        action_id=reference(row.get("action_id")),
    )


def attachment_file(answer: Download) -> tuple[str | None, bytes]:
    """``GET /api/Attachment/{id}``: the file itself (a download, named in its headers),
    or the attachment's record in JSON with the content in ``data_base64``."""
    if not answer.is_json or answer.filename is not None:
        return answer.filename, answer.content
    try:
        row = single(parsed(answer.content), "attachments")
    except (ValueError, RecursionError):
        raise HaloResponseError("HaloPSA sent an attachment record that is not JSON") from None
    data = row.get("data_base64")
    if not isinstance(data, str):
        raise HaloResponseError("HaloPSA sent an attachment record without data_base64")
    try:
        content = base64.b64decode(data, validate=True)
    except binascii.Error:
        raise HaloResponseError("HaloPSA sent a data_base64 that is not base64") from None
    return optional_text(row.get("filename")) or answer.filename, content


def _id(row: Row, kind: str) -> int:
    id_ = integer(row.get("id"))
    if id_ is None:
        raise HaloResponseError(f"HaloPSA sent a {kind} without a usable id")
    return id_


# --- Searches --------------------------------------------------------------------------------

_ORDER_FIELDS = {
    "id": "id",
    "created": "datecreated",
    "last_action": "lastactiondate",
    # A Faults column, as HaloPSA's order takes: the SLA fix-by deadline.
    "fix_by": "fixbydate",
}
# datesearch's documented columns, in HaloPSA's spelling ("dateoccured").
_DATE_FIELDS = {"opened": "dateoccured", "closed": "datecleared"}


def ticket_query(search: TicketSearch) -> TicketQuery:
    """The ``GET /api/Tickets`` parameters for ``search``."""
    dates: dict[str, Any] = {}
    if search.date_from or search.date_to:
        dates["datesearch"] = _DATE_FIELDS[search.date_field]
    if search.date_from:
        dates["startdate"] = search.date_from.isoformat()
    if search.date_to:
        # HaloPSA compares date-times: the whole last day is included.
        dates["enddate"] = f"{search.date_to.isoformat()}T23:59:59"
    return TicketQuery(
        **given(
            search=search.text,
            client_id=search.client_id,
            status_id=search.status_id,
            agent_id=search.agent_id,
            requesttype_id=search.ticket_type_id,
            open_only=search.open_only or None,
            order=_ORDER_FIELDS[search.order_by] if search.order_by else None,
            orderdesc=search.descending if search.order_by else None,
        ),
        **dates,
    )


# --- Writes -----------------------------------------------------------------------------------


def preview(write: TicketWrite | ActionWrite) -> dict[str, Any]:
    """What a write sends, in HaloPSA's names: a dry run shows the caller this."""
    if isinstance(write, TicketWrite):
        return TicketFields.of(write).wire()
    return ActionFields.of(write).wire()


def attachment_preview(write: AttachmentWrite, size_bytes: int) -> dict[str, Any]:
    """An upload as a dry run shows it: HaloPSA's names, the size instead of the content."""
    upload = AttachmentUpload.of(replace(write, data_base64=""))
    shown = upload.model_dump(mode="json", by_alias=True, exclude={"data_base64", "action_id"})
    return {**shown, "size_bytes": size_bytes}
