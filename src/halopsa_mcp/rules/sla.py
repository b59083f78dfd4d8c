"""A ticket's SLA state, as the ticket skill defines it, from the ticket's own facts.

Met or breached for a done ticket (when it was done against its fix-by date); paused
while on hold; breached past the fix-by date; at risk with under an hour left; on track
otherwise. Where the facts cannot tell (no fix-by date: the tenant tracks no SLA on it,
or sends none), there is no state: none is ever guessed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from halopsa_mcp.domain.records import SlaFacts

SlaState = Literal["met", "breached", "paused", "at_risk", "on_track"]

# Less than this left before the fix-by date is "at risk" (the skill's one hour).
AT_RISK = timedelta(hours=1)


def sla_state(facts: SlaFacts, *, done: bool, now: datetime) -> SlaState | None:
    """The state of a ticket with ``facts`` at ``now``; ``done``: its status closes it
    (the instance's own statuses say which do, not a fixed ID)."""
    deadline = facts.fix_by
    if deadline is None:
        return None
    if done:
        return _judged(deadline, facts.done_at, now)
    if facts.on_hold:
        return "paused"
    if now > deadline:
        return "breached"
    return "at_risk" if deadline - now < AT_RISK else "on_track"


def _judged(deadline: datetime, done_at: datetime | None, now: datetime) -> SlaState | None:
    """A done ticket: met when done by the deadline. Without the date it was done, only a
    deadline still ahead proves it met; a past one cannot be judged."""
    if done_at is not None:
        return "met" if done_at <= deadline else "breached"
    return "met" if now <= deadline else None
