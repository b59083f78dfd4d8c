"""rules.sla: every branch of the skill's SLA logic, with the clock injected."""

from datetime import UTC, datetime, timedelta

import pytest

from halopsa_mcp.domain.records import SlaFacts
from halopsa_mcp.rules.sla import SlaState, sla_state

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
SECOND = timedelta(seconds=1)


def due_in(left: timedelta, **facts: object) -> SlaFacts:
    return SlaFacts(fix_by=NOW + left, **facts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("left", "state"),
    [
        (3 * HOUR, "on_track"),
        (HOUR, "on_track"),  # exactly an hour left is not "under an hour"
        (HOUR - SECOND, "at_risk"),
        (timedelta(minutes=5), "at_risk"),
        (timedelta(0), "at_risk"),  # due this instant: not yet past it
        (-SECOND, "breached"),
        (-30 * HOUR, "breached"),
    ],
)
def test_an_open_ticket_is_judged_by_the_time_left(left: timedelta, state: SlaState) -> None:
    assert sla_state(due_in(left), done=False, now=NOW) == state


@pytest.mark.parametrize("left", [3 * HOUR, timedelta(minutes=5), -30 * HOUR])
def test_on_hold_pauses_whatever_the_time_left(left: timedelta) -> None:
    assert sla_state(due_in(left, on_hold=True), done=False, now=NOW) == "paused"


@pytest.mark.parametrize("on_hold", [False, None])
def test_not_on_hold_or_unknown_runs(on_hold: bool | None) -> None:
    assert sla_state(due_in(-HOUR, on_hold=on_hold), done=False, now=NOW) == "breached"


@pytest.mark.parametrize(
    ("done_after", "state"),
    [
        (-HOUR, "met"),
        (timedelta(0), "met"),  # done at the deadline itself
        (SECOND, "breached"),
        (48 * HOUR, "breached"),
    ],
)
def test_a_done_ticket_is_judged_by_when_it_was_done(done_after: timedelta, state: str) -> None:
    deadline = NOW - 72 * HOUR
    facts = SlaFacts(fix_by=deadline, done_at=deadline + done_after)
    assert sla_state(facts, done=True, now=NOW) == state


def test_a_done_ticket_is_never_paused_or_judged_by_the_clock() -> None:
    """On hold or not, long past its deadline or not: a done ticket was met or not."""
    met = SlaFacts(fix_by=NOW - 72 * HOUR, done_at=NOW - 80 * HOUR, on_hold=True)
    breached = SlaFacts(fix_by=NOW + 5 * HOUR, done_at=NOW + 6 * HOUR, on_hold=True)
    assert sla_state(met, done=True, now=NOW) == "met"
    assert sla_state(breached, done=True, now=NOW) == "breached"


def test_a_done_ticket_without_its_done_date() -> None:
    """Done before a deadline still ahead: met. Past it, nothing says when: no state."""
    assert sla_state(due_in(HOUR), done=True, now=NOW) == "met"
    assert sla_state(due_in(-HOUR), done=True, now=NOW) is None


@pytest.mark.parametrize("done", [False, True])
@pytest.mark.parametrize(
    "facts",
    [
        SlaFacts(),
        SlaFacts(on_hold=True),
        SlaFacts(respond_by=NOW - HOUR),
        SlaFacts(done_at=NOW - HOUR),
        SlaFacts(respond_by=NOW + HOUR, on_hold=False, done_at=NOW),
    ],
)
def test_no_fix_by_date_means_no_state(facts: SlaFacts, done: bool) -> None:
    """A ticket the tenant tracks no SLA on (or sends none for) gets none invented."""
    assert sla_state(facts, done=done, now=NOW) is None


def test_the_response_deadline_does_not_decide_the_state() -> None:
    facts = SlaFacts(respond_by=NOW - HOUR, fix_by=NOW + 5 * HOUR)
    assert sla_state(facts, done=False, now=NOW) == "on_track"
