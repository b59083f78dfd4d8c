"""An instance's configuration (statuses, priorities, ticket types, outcomes, agents,
teams) as the rules consult it.

HaloPSA lets each instance define its own IDs; the client reads them, with the role each
status plays, into the domain's records, and the rules ask this catalog about them.
"""

from __future__ import annotations

from dataclasses import dataclass

from halopsa_mcp.domain.records import (
    Agent,
    Outcome,
    Priority,
    Status,
    StatusRole,
    TicketType,
)

# The ticket skill's default priority (Medium), used only when no priority is named so.
DEFAULT_PRIORITY = 3


@dataclass(frozen=True)
class Catalog:
    statuses: tuple[Status, ...]
    priorities: tuple[Priority, ...]
    ticket_types: tuple[TicketType, ...]
    outcomes: tuple[Outcome, ...]
    agents: tuple[Agent, ...]
    # Team names; empty means the instance's teams are unknown, and team is not checked.
    teams: tuple[str, ...] = ()

    def status(self, status_id: int) -> Status | None:
        return next((s for s in self.statuses if s.id == status_id), None)

    def role(self, role: StatusRole) -> int | None:
        """The ID of the status playing ``role``, if any does on this instance."""
        return next((s.id for s in self.statuses if s.role == role), None)

    def closes(self, status_id: int | None) -> bool:
        """Whether the status ends work on a ticket, and so needs a resolution."""
        return any(s.closes for s in self.statuses if s.id == status_id)

    def ticket_type(self, ticket_type_id: int) -> TicketType | None:
        return next((t for t in self.ticket_types if t.id == ticket_type_id), None)

    def outcome(self, outcome_id: int) -> Outcome | None:
        return next((o for o in self.outcomes if o.id == outcome_id), None)

    def outcome_named(self, name: str) -> Outcome | None:
        wanted = _words(name)
        return next((o for o in self.outcomes if _words(o.name) == wanted), None)

    def agent(self, agent_id: int) -> Agent | None:
        return next((a for a in self.agents if a.id == agent_id), None)

    def priorities_for(self, sla_id: int) -> tuple[Priority, ...]:
        """The priorities a ticket on this SLA may be given: hidden ones are not offered."""
        return tuple(p for p in self.priorities if p.sla_id == sla_id and not p.hidden)

    def statuses_for(self, ticket_type_id: int | None) -> tuple[Status, ...]:
        """The statuses a ticket of this type may take; every status when no type is given."""
        return tuple(s for s in self.statuses if _allows(s.ticket_type_ids, ticket_type_id))

    def outcomes_for(self, ticket_type_id: int | None) -> tuple[Outcome, ...]:
        """The outcomes an action on a ticket of this type may use."""
        return tuple(o for o in self.outcomes if _allows(o.ticket_type_ids, ticket_type_id))


def default_priority(priorities: tuple[Priority, ...]) -> int | None:
    """The skill's default priority among ``priorities``: the one named Medium, else the
    documented ID; None when neither is there."""
    named = next((p.priority_id for p in priorities if p.name.casefold() == "medium"), None)
    if named is not None:
        return named
    return DEFAULT_PRIORITY if any(p.priority_id == DEFAULT_PRIORITY for p in priorities) else None


def _allows(ticket_type_ids: frozenset[int], ticket_type_id: int | None) -> bool:
    return not ticket_type_ids or ticket_type_id is None or ticket_type_id in ticket_type_ids


def _words(name: str) -> str:
    return " ".join(name.casefold().split())
