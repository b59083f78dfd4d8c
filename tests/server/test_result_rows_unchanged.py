"""A ticket row is shaped as before it was made cheaper: the same model, field for field,
as the frozen copy of the earlier implementation (results_reference.py) gives, whichever
catalog each row is shaped against."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from halopsa_mcp.domain.records import Agent, Priority, SlaFacts, Status, TicketRow, TicketType
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.server import models
from halopsa_mcp.server.results import ticket_row
from tests.server import results_reference

_NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)
_NAMES = st.sampled_from(["", "High", "Medium", " Low ", "P1 <b>urgent</b>", "x" * 250])
_IDS = st.none() | st.integers(0, 5)
# Deadlines around now, in UTC and in other offsets (their wall time is what is written).
_WHEN = st.none() | st.builds(
    lambda minutes, hours: (_NOW + timedelta(minutes=minutes)).astimezone(
        timezone(timedelta(hours=hours))
    ),
    st.integers(-5000, 5000),
    st.integers(-12, 14),
)
_PRIORITIES = st.lists(
    st.builds(Priority, sla_id=st.integers(1, 3), priority_id=st.integers(1, 4), name=_NAMES),
    max_size=8,
)


@st.composite
def _catalog(draw: st.DrawFn) -> Catalog:
    return Catalog(
        statuses=tuple(Status(id=i, name=f"S{i}", closes=draw(st.booleans())) for i in range(1, 5)),
        priorities=tuple(draw(_PRIORITIES)),
        ticket_types=(TicketType(id=1, name="Incident", sla_id=1, initial_status_id=1),),
        agents=(Agent(id=1, name="Ann"), Agent(id=2, name="Bob")),
    )


_TICKET = st.builds(
    TicketRow,
    id=st.integers(1, 10**6),
    summary=st.text(max_size=30) | _NAMES,
    client_id=_IDS,
    client_name=st.text(max_size=10) | _NAMES,
    site_id=_IDS,
    user_id=_IDS,
    status_id=_IDS,
    priority_id=_IDS,
    sla_id=st.none() | st.integers(1, 4),
    agent_id=_IDS,
    ticket_type_id=_IDS,
    created=st.none() | st.just("2026-11-01T06:05:09"),
    last_action=st.none() | st.just("2026-11-02T07:08:09.123"),
    sla=st.builds(SlaFacts, respond_by=_WHEN, fix_by=_WHEN, on_hold=st.none() | st.booleans(),
                  done_at=_WHEN),
)  # fmt: skip


def _shape(row: models.TicketRow) -> tuple[Any, ...]:
    return type(row), row.model_dump(), row.model_fields_set, row.model_dump_json()


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.tuples(_TICKET, st.integers(0, 1)), max_size=6), _catalog(), _catalog())
def test_ticket_row_gives_what_the_earlier_implementation_gave(
    tickets: list[tuple[TicketRow, int]], first: Catalog, second: Catalog
) -> None:
    """Rows shaped against two catalogs in turn: each row's names come from its own."""
    for ticket, which in tickets:
        catalog = (first, second)[which]
        assert _shape(ticket_row(ticket, catalog, now=_NOW)) == _shape(
            results_reference.ticket_row(ticket, catalog, now=_NOW)
        )


class _Counted(tuple[Priority, ...]):
    """A catalog's priorities that count how often they are read through."""

    reads = 0

    def __iter__(self) -> Iterator[Priority]:
        _Counted.reads += 1
        return super().__iter__()


def test_a_page_reads_the_priorities_once_not_once_per_row() -> None:
    """A tenant's priorities are one list per SLA: scanning them all for every row of a
    page made its cost rows x priorities."""
    priorities = _Counted(
        Priority(sla_id=sla, priority_id=p, name=f"P{p} of SLA {sla}")
        for sla in range(1, 11)
        for p in range(1, 5)
    )
    catalog = Catalog(priorities=priorities)
    tickets = [TicketRow(id=i, priority_id=i % 4 + 1, sla_id=i % 10 + 1) for i in range(50)]
    _Counted.reads = 0
    rows = [ticket_row(t, catalog, now=_NOW) for t in tickets]
    assert _Counted.reads <= 1
    assert rows[7].priority == "P4 of SLA 8"
