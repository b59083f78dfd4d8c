"""The seed's SLA situations, relative to the clock at reset, and a tenant that sends no
SLA dates."""

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from halopsa_mcp.sandbox import SandboxConfig, SandboxServer
from halopsa_mcp.sandbox.models import StatusType, Ticket
from halopsa_mcp.sandbox.seed import SeedData, build_seed

NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def situation(seed: SeedData, ticket: Ticket, now: datetime) -> str:
    """The skill's SLA state, worked out from the sandbox's own record."""
    status = seed.statuses[ticket.status_id]
    assert ticket.fixbydate is not None
    if status.is_closed:
        assert ticket.dateclosed is not None
        return "met" if ticket.dateclosed <= ticket.fixbydate else "breached (closed)"
    if status.type == StatusType.PAUSED:
        return "paused"
    if ticket.fixbydate < now:
        return "breached"
    return "at_risk" if ticket.fixbydate - now < HOUR else "on_track"


@pytest.mark.parametrize("now", [NOW, datetime(2026, 11, 1, 9, 0, tzinfo=UTC)])
def test_every_sla_state_is_seeded_relative_to_the_clock(now: datetime) -> None:
    seed = build_seed(SandboxConfig(), now=now)
    states = Counter(situation(seed, t, now) for t in seed.tickets.values())
    for state in ("met", "breached (closed)", "paused", "breached", "at_risk", "on_track"):
        assert states[state] >= 2, states
    assert states["on_track"] > states["at_risk"] + states["breached"], states


def test_the_same_seed_and_clock_give_the_same_deadlines() -> None:
    first, again = build_seed(SandboxConfig(), now=NOW), build_seed(SandboxConfig(), now=NOW)
    assert first.tickets == again.tickets
    later = build_seed(SandboxConfig(), now=NOW + HOUR)
    moved = {t.id for t in first.tickets.values() if later.tickets[t.id].fixbydate != t.fixbydate}
    assert moved, "open tickets' deadlines follow the clock"
    assert all(not first.statuses[first.tickets[i].status_id].is_closed for i in moved)


@pytest.mark.parametrize(
    ("mode", "sent"), [("absent", None), ("placeholders", "1900-01-01T00:00:00")]
)
def test_a_tenant_that_tracks_no_sla(
    start_sandbox: Callable[..., SandboxServer],
    connect: Callable[..., httpx.Client],
    mode: str,
    sent: str | None,
) -> None:
    sandbox = start_sandbox(sla_dates=mode)
    api = connect(sandbox.url)
    ticket_id = next(iter(sandbox.state.tickets))
    rows = api.get("/Tickets", params={"pageinate": "true", "page_size": 5}).json()["tickets"]
    full = api.get(f"/Tickets/{ticket_id}").json()
    for shown in [*rows, full]:
        for key in ("fixbydate", "respondbydate", "deadlinedate"):
            assert shown.get(key) == sent, (key, shown.get(key))
        if mode == "absent":
            assert "fixbydate" not in shown
            assert "onhold" not in shown
