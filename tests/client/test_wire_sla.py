"""A ticket's SLA fields into SlaFacts: dates without a zone are UTC, placeholders and
empty text are unset, and a tenant that sends none gets none."""

from datetime import UTC, datetime
from typing import Any

import pytest

from halopsa_mcp.client import wire
from halopsa_mcp.domain.records import SlaFacts

DUE = datetime(2026, 11, 29, 16, 0, tzinfo=UTC)


def facts(**fields: Any) -> SlaFacts:
    return wire.ticket({"id": 1, **fields}).sla


@pytest.mark.parametrize(
    "sent",
    [
        "2026-11-29T16:00:00",
        "2026-11-29T16:00:00Z",
        "2026-11-29T16:00:00.0000000Z",
        "2026-11-29T17:00:00+01:00",
        " 2026-11-29T16:00:00 ",
    ],
)
def test_a_deadline_is_utc_whatever_its_form(sent: str) -> None:
    assert facts(fixbydate=sent).fix_by == DUE


@pytest.mark.parametrize(
    "sent",
    [None, "", "  ", "1900-01-01T00:00:00", "0001-01-01T00:00:00", "0001-01-01T00:00:00+01:00",
     "not a date", 20261129, True, {"date": "2026-11-29"}],
)  # fmt: skip
def test_an_unset_or_unreadable_deadline_is_none(sent: object) -> None:
    assert facts(fixbydate=sent, respondbydate=sent, dateclosed=sent) == SlaFacts()


def test_every_sla_field_of_the_openapi_ticket() -> None:
    parsed = facts(
        respondbydate="2026-11-29T10:00:00",
        fixbydate="2026-11-29T16:00:00",
        onhold=True,
        dateclosed="2026-11-29T15:00:00",
    )
    assert parsed == SlaFacts(
        respond_by=datetime(2026, 11, 29, 10, 0, tzinfo=UTC),
        fix_by=DUE,
        on_hold=True,
        done_at=datetime(2026, 11, 29, 15, 0, tzinfo=UTC),
    )


def test_the_skills_names_stand_in_for_missing_ones() -> None:
    parsed = facts(
        fixbydate="1900-01-01T00:00:00",
        deadlinedate="2026-11-29T16:00:00",
        slahold=True,
        dateresolved="2026-11-29T15:00:00",
    )
    assert parsed.fix_by == DUE
    assert parsed.on_hold is True
    assert parsed.done_at == datetime(2026, 11, 29, 15, 0, tzinfo=UTC)


def test_the_fix_by_date_wins_over_the_deadline() -> None:
    parsed = facts(fixbydate="2026-11-29T16:00:00", deadlinedate="2026-12-01T16:00:00")
    assert parsed.fix_by == DUE


@pytest.mark.parametrize(
    ("sent", "on_hold"), [(True, True), (False, False), ("yes", None), (1, None)]
)
def test_on_hold_only_when_said_as_a_flag(sent: object, on_hold: bool | None) -> None:
    assert facts(onhold=sent).on_hold is on_hold


def test_a_ticket_without_sla_fields_has_no_sla_facts() -> None:
    assert facts(summary="Printer", status_id=1) == SlaFacts()


def test_a_ticket_excluded_from_the_sla_has_no_deadlines() -> None:
    sent = {"fixbydate": "2026-11-29T16:00:00", "respondbydate": "2026-11-29T10:00:00"}
    assert facts(excludefromsla=True, onhold=False, **sent) == SlaFacts(on_hold=False)
    assert facts(excludefromsla=False, **sent).fix_by == DUE
