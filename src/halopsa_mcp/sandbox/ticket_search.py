"""GET /api/Tickets filters and ordering, by their OpenAPI names.

Filters combine with AND. Parameters the OpenAPI file lists but the sandbox does not
model (includecolumns, view_id, ...) are accepted and ignored, as Halo ignores what
does not apply. Callers hold state.lock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from halopsa_mcp.sandbox.api import Query
from halopsa_mcp.sandbox.errors import ErrorAnswer
from halopsa_mcp.sandbox.models import StatusType, Ticket
from halopsa_mcp.sandbox.state import SandboxState
from halopsa_mcp.sandbox.times import parse_time

Predicate = Callable[[Ticket], bool]

DATE_FIELDS = ("dateoccurred", "datecreated", "lastactiondate", "dateclosed")
ORDER_FIELDS = frozenset(
    {"id", "summary", "client_id", "site_id", "user_id", "agent_id", "status_id",
     "priority_id", "tickettype_id", "team", "category_1", "sla_id", "timetaken",
     *DATE_FIELDS, "last_update", "fixbydate"}
)  # fmt: skip

# datesearch's documented columns (HaloPSA's spelling) -> the ticket attribute; the
# attribute names themselves are accepted too unless datesearch_documented_only is set.
_DOCUMENTED_DATES = {"dateoccured": "dateoccurred", "datecleared": "dateclosed"}

# Query parameter -> the ticket attribute it must equal.
_EQUALITY_FILTERS = {
    "client_id": "client_id",
    "site_id": "site_id",
    "user_id": "user_id",
    "agent_id": "agent_id",
    "status_id": "status_id",
    "requesttype_id": "tickettype_id",
}


def search_tickets(state: SandboxState, query: Query) -> list[Ticket]:
    predicates = list(_predicates(state, query))
    matches = [t for t in state.tickets.values() if all(p(t) for p in predicates)]
    return _ordered(matches, query)


def _predicates(state: SandboxState, query: Query) -> Iterator[Predicate]:
    for param, attribute in _EQUALITY_FILTERS.items():
        wanted = query.integer(param)
        if wanted is not None:
            yield _equals(attribute, wanted)
    yield from _text_filters(query)
    if (team := query.text("team")) is not None:
        yield lambda t: (t.team or "").lower() == team.lower()
    if query.flag("open_only"):
        yield _open(state)
    if query.flag("closed_only"):
        yield lambda t: state.statuses[t.status_id].is_closed
    if (ticketids := query.text("ticketids")) is not None:
        ids = _id_list(ticketids)
        yield lambda t: t.id in ids
    yield from _date_filters(state, query)


def _open(state: SandboxState) -> Predicate:
    if state.config.open_only_keeps_resolved:
        return lambda t: state.statuses[t.status_id].type != StatusType.CLOSED
    return lambda t: not state.statuses[t.status_id].is_closed


def _equals(attribute: str, wanted: int) -> Predicate:
    return lambda t: getattr(t, attribute) == wanted


def _text_filters(query: Query) -> Iterator[Predicate]:
    """Case-insensitive substring searches; `search` also finds a ticket by its id."""
    if (search := query.text("search")) is not None:
        needle = search.lower()

        def matches(t: Ticket) -> bool:
            return needle in t.summary.lower() or needle in t.details.lower() or str(t.id) == search

        yield matches
    if (summary := query.text("search_summary")) is not None:
        yield lambda t: summary.lower() in t.summary.lower()
    if (details := query.text("search_details")) is not None:
        yield lambda t: details.lower() in t.details.lower()


def _date_filters(state: SandboxState, query: Query) -> Iterator[Predicate]:
    start, end = query.text("startdate"), query.text("enddate")
    if start is None and end is None:
        return
    column = query.text("datesearch") or "dateoccured"
    field = _DOCUMENTED_DATES.get(column)
    if field is None and state.config.datesearch_documented_only:
        return
    if field is None:
        field = column
    if field not in DATE_FIELDS:
        names = ", ".join([*_DOCUMENTED_DATES, *DATE_FIELDS])
        raise ErrorAnswer(400, f"sandbox: datesearch must be one of {names}")
    # A bare end date ends where the next day begins; a date-time includes itself.
    since = parse_time(start, "startdate") if start is not None else None
    until = parse_time(end, "enddate", end_of_day=True) if end is not None else None
    end_included = end is not None and len(end) > len("2026-11-01")

    def within(t: Ticket) -> bool:
        moment: datetime | None = getattr(t, field)
        if moment is None:
            return False
        if since is not None and moment < since:
            return False
        return until is None or moment < until or (end_included and moment == until)

    yield within


def _id_list(text: str) -> set[int]:
    try:
        return {int(part) for part in text.split(",") if part.strip()}
    except ValueError:
        message = f"sandbox: ticketids '{text}' is not a comma-separated id list"
        raise ErrorAnswer(400, message) from None


def _ordered(tickets: list[Ticket], query: Query) -> list[Ticket]:
    field = query.text("order") or "id"
    if field not in ORDER_FIELDS:
        raise ErrorAnswer(400, f"sandbox: cannot order tickets by '{field}'")

    def key(ticket: Ticket) -> tuple[bool, Any]:
        value = getattr(ticket, field)
        return value is None, value  # missing values last

    return sorted(tickets, key=key, reverse=query.flag("orderdesc"))
