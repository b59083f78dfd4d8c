"""An instance's configuration (statuses, priorities, ticket types, outcomes, agents,
teams) as the rules consult it.

HaloPSA lets each instance define its own IDs; the client reads them, with the role each
status plays, into the domain's records, and the rules ask this catalog about them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal, Protocol, TypeVar

from halopsa_mcp.domain.records import (
    Agent,
    Outcome,
    Priority,
    Status,
    StatusRole,
    TicketType,
)

Lookup = Literal["statuses", "priorities", "ticket_types", "outcomes", "agents", "teams"]
LOOKUPS: tuple[Lookup, ...] = (
    "statuses",
    "priorities",
    "ticket_types",
    "outcomes",
    "agents",
    "teams",
)
# Only names and the checks of assignment come from these: without them results keep
# IDs and leave names out, and those checks are skipped (HaloPSA still makes its own).
OPTIONAL_LOOKUPS: frozenset[Lookup] = frozenset({"agents", "teams"})


@dataclass(frozen=True)
class Catalog:
    statuses: tuple[Status, ...] = ()
    priorities: tuple[Priority, ...] = ()
    ticket_types: tuple[TicketType, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    agents: tuple[Agent, ...] = ()
    # Team names; empty means the instance's teams are unknown, and team is not checked.
    teams: tuple[str, ...] = ()
    # Lookups this API application could not read: their lists above are empty, and the
    # checks that need them are skipped, not failed.
    unreadable: frozenset[Lookup] = field(default_factory=frozenset)

    # Indexed once per catalog: a page of results asks for a name per row and cell, and a
    # tenant may have hundreds of agents.
    @cached_property
    def _statuses(self) -> dict[int, Status]:
        return _first_of_each_id(self.statuses)

    @cached_property
    def _closing(self) -> frozenset[int]:
        return frozenset(s.id for s in self.statuses if s.closes)

    @cached_property
    def _ticket_types(self) -> dict[int, TicketType]:
        return _first_of_each_id(self.ticket_types)

    @cached_property
    def _outcomes(self) -> dict[int, Outcome]:
        return _first_of_each_id(self.outcomes)

    @cached_property
    def _agents(self) -> dict[int, Agent]:
        return _first_of_each_id(self.agents)

    @cached_property
    def _priority_names(self) -> tuple[dict[tuple[int | None, int], str], dict[int, str]]:
        in_sla: dict[tuple[int | None, int], str] = {}
        any_sla: dict[int, str] = {}
        for p in self.priorities:
            in_sla.setdefault((p.sla_id, p.priority_id), p.name)
            any_sla.setdefault(p.priority_id, p.name)
        return in_sla, any_sla

    def status(self, status_id: int) -> Status | None:
        return self._statuses.get(status_id)

    def name_of_priority(self, sla_id: int | None, priority_id: int | None) -> str | None:
        """The priority's name in the ticket's SLA, else its first name in any SLA."""
        if priority_id is None:
            return None
        in_sla, any_sla = self._priority_names
        if (sla_id, priority_id) in in_sla:
            return in_sla[sla_id, priority_id]
        return any_sla.get(priority_id)

    def role(self, role: StatusRole) -> int | None:
        """The ID of the status playing ``role``, if any does on this instance."""
        return next((s.id for s in self.statuses if s.role == role), None)

    def closes(self, status_id: int | None) -> bool:
        """Whether the status ends work on a ticket, and so needs a resolution."""
        return status_id in self._closing

    def ticket_type(self, ticket_type_id: int) -> TicketType | None:
        return self._ticket_types.get(ticket_type_id)

    def outcome(self, outcome_id: int) -> Outcome | None:
        return self._outcomes.get(outcome_id)

    def outcome_named(self, name: str) -> Outcome | None:
        wanted = _words(name)
        return next((o for o in self.outcomes if _words(o.name) == wanted), None)

    def agent(self, agent_id: int) -> Agent | None:
        return self._agents.get(agent_id)

    def priorities_for(self, sla_id: int) -> tuple[Priority, ...]:
        """The priorities a ticket on this SLA may be given: hidden ones are not offered."""
        return tuple(p for p in self.priorities if p.sla_id == sla_id and not p.hidden)

    def statuses_for(self, ticket_type_id: int | None) -> tuple[Status, ...]:
        """The statuses a ticket of this type may take; every status when no type is given."""
        return tuple(s for s in self.statuses if _allows(s.ticket_type_ids, ticket_type_id))

    def outcomes_for(self, ticket_type_id: int | None) -> tuple[Outcome, ...]:
        """The outcomes an action on a ticket of this type may use."""
        return tuple(o for o in self.outcomes if _allows(o.ticket_type_ids, ticket_type_id))


def medium_priority(priorities: tuple[Priority, ...]) -> Priority | None:
    """The skill's default priority among ``priorities``: the one named Medium."""
    return next((p for p in priorities if p.name.casefold() == "medium"), None)


def middle_priority(priorities: tuple[Priority, ...]) -> Priority | None:
    """The fallback when no priority is named Medium: the middle one in HaloPSA's order of
    urgency (lower IDs more urgent), the less urgent of two middles. Not the documented
    ID 3: an SLA may give that ID another meaning."""
    ranked = sorted(priorities, key=lambda p: p.priority_id)
    return ranked[len(ranked) // 2] if ranked else None


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


_R = TypeVar("_R", bound=_HasId)


def _first_of_each_id(rows: Iterable[_R]) -> dict[int, _R]:
    """Rows by ID; of two with one ID the first, as a search through the list finds."""
    index: dict[int, _R] = {}
    for row in rows:
        index.setdefault(row.id, row)
    return index


def _allows(ticket_type_ids: frozenset[int], ticket_type_id: int | None) -> bool:
    return not ticket_type_ids or ticket_type_id is None or ticket_type_id in ticket_type_ids


def _words(name: str) -> str:
    return " ".join(name.casefold().split())
