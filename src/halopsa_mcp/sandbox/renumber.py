"""Renumbering of the seeded lookups, so the sandbox's IDs stop matching HaloPSA's defaults.

Every tenant numbers its statuses, outcomes, ticket types and priorities its own way;
a client that hard-codes the documented defaults (New = 1, Resolved = 8, "Private Note"
= 1, Medium = 3) passes a sandbox that keeps them and fails on a customer's instance.
Renumbering reverses each list's IDs, so the defaults still exist but mean something
else: status 8 is no longer Resolved, priority 3 is no longer Medium. A reversal, not a
shuffle, keeps the mapping easy to state in tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from halopsa_mcp.sandbox import catalog
from halopsa_mcp.sandbox.seed import SeedData


def _reversed(ids: Iterable[int]) -> dict[int, int]:
    ordered = sorted(set(ids))
    return dict(zip(ordered, reversed(ordered), strict=True))


@dataclass(frozen=True)
class Renumbering:
    """Old ID to new ID, per list; priorities are renumbered within each SLA."""

    statuses: dict[int, int]
    outcomes: dict[int, int]
    ticket_types: dict[int, int]
    priorities: dict[int, dict[int, int]]


def renumbering() -> Renumbering:
    """The mapping the sandbox applies: the same for every seed."""
    by_sla: dict[int, list[int]] = {}
    for row in catalog.priorities():
        by_sla.setdefault(row.slaid, []).append(row.priorityid)
    return Renumbering(
        statuses=_reversed(s.id for s in catalog.statuses()),
        outcomes=_reversed(o.id for o in catalog.outcomes()),
        ticket_types=_reversed(t.id for t in catalog.ticket_types()),
        priorities={sla: _reversed(ids) for sla, ids in by_sla.items()},
    )


def renumber(data: SeedData) -> None:
    """Give every seeded lookup row, and every record pointing at one, its new ID."""
    r = renumbering()
    for row in data.statuses.values():
        row.id, row.tickettype_ids = _new(r.statuses, row.id), _all(r, row.tickettype_ids)
    for outcome in data.outcomes.values():
        outcome.id = _new(r.outcomes, outcome.id)
        outcome.newstatus = _new(r.statuses, outcome.newstatus)
        outcome.tickettype_ids = _all(r, outcome.tickettype_ids)
    for tickettype in data.tickettypes.values():
        tickettype.id = _new(r.ticket_types, tickettype.id)
        tickettype.initial_status = _new(r.statuses, tickettype.initial_status)
    for priority in data.priorities:
        priority.priorityid = _new(r.priorities[priority.slaid], priority.priorityid)
    for ticket in data.tickets.values():
        ticket.status_id = _new(r.statuses, ticket.status_id)
        ticket.tickettype_id = _new(r.ticket_types, ticket.tickettype_id)
        ticket.priority_id = _new(r.priorities.get(ticket.sla_id, {}), ticket.priority_id)
    for action in data.actions.values():
        action.outcome_id = _new(r.outcomes, action.outcome_id)
        action.new_status = _new(r.statuses, action.new_status)
    data.statuses = {row.id: row for row in data.statuses.values()}
    data.outcomes = {row.id: row for row in data.outcomes.values()}
    data.tickettypes = {row.id: row for row in data.tickettypes.values()}


def _new(mapping: dict[int, int], old: int) -> int:
    # 0 means "none" (no new status, unassigned) and is kept as it is.
    return mapping.get(old, old)


def _all(r: Renumbering, type_ids: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(_new(r.ticket_types, t) for t in type_ids)
