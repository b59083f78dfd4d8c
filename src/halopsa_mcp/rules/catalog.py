"""An instance's lookups (statuses, priorities, ticket types, outcomes, agents) as plain
data, parsed from HaloPSA's rows, and the roles its statuses play in the rules.

HaloPSA lets each instance define its own IDs; the skill document's 1 New, 2 In Progress,
8 Resolved, 9 Closed and priority 3 Medium are only common defaults. Roles are read from
the instance's names first, and the documented IDs are a fallback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# The ticket skill's defaults, used only when the instance's names say nothing.
DEFAULT_NEW = 1
DEFAULT_IN_PROGRESS = 2
DEFAULT_RESOLVED = 8
DEFAULT_CLOSED = 9
DEFAULT_PRIORITY = 3  # Medium


@dataclass(frozen=True)
class StatusInfo:
    id: int
    name: str
    # Ticket types the status may be used with; empty means every type.
    ticket_type_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class PriorityInfo:
    sla_id: int
    priority_id: int  # what a ticket's priority_id means (HaloPSA's "priorityid")
    name: str
    hidden: bool = False


@dataclass(frozen=True)
class TicketTypeInfo:
    id: int
    name: str
    sla_id: int | None  # HaloPSA's default_sla
    initial_status_id: int | None
    can_create: bool = True


@dataclass(frozen=True)
class OutcomeInfo:
    id: int
    name: str  # HaloPSA's "outcome"
    new_status_id: int | None  # the status an action with this outcome sets; None = no change
    hidden_from_user: bool = False
    ticket_type_ids: frozenset[int] = frozenset()  # empty = every type


@dataclass(frozen=True)
class AgentInfo:
    id: int
    name: str
    disabled: bool = False


@dataclass(frozen=True)
class StatusRoles:
    """Which of the instance's status IDs play the parts the rules talk about."""

    new: int | None
    in_progress: int | None
    resolved: int | None
    closed: int | None
    # Every status that ends work on a ticket and so needs a resolution: Resolved and
    # Closed, and any other status named like them (e.g. "Closed - Duplicate").
    closing: frozenset[int]


@dataclass(frozen=True)
class Catalog:
    statuses: tuple[StatusInfo, ...]
    priorities: tuple[PriorityInfo, ...]
    ticket_types: tuple[TicketTypeInfo, ...]
    outcomes: tuple[OutcomeInfo, ...]
    agents: tuple[AgentInfo, ...]
    # Team names; empty means the instance's teams are unknown, and team is not checked.
    teams: tuple[str, ...] = ()

    def status(self, status_id: int) -> StatusInfo | None:
        return next((s for s in self.statuses if s.id == status_id), None)

    def ticket_type(self, ticket_type_id: int) -> TicketTypeInfo | None:
        return next((t for t in self.ticket_types if t.id == ticket_type_id), None)

    def outcome(self, outcome_id: int) -> OutcomeInfo | None:
        return next((o for o in self.outcomes if o.id == outcome_id), None)

    def outcome_named(self, name: str) -> OutcomeInfo | None:
        wanted = _words(name)
        return next((o for o in self.outcomes if _words(o.name) == wanted), None)

    def agent(self, agent_id: int) -> AgentInfo | None:
        return next((a for a in self.agents if a.id == agent_id), None)

    def priorities_for(self, sla_id: int) -> tuple[PriorityInfo, ...]:
        """The priorities a ticket on this SLA may be given: hidden ones are not offered."""
        return tuple(p for p in self.priorities if p.sla_id == sla_id and not p.hidden)

    def statuses_for(self, ticket_type_id: int | None) -> tuple[StatusInfo, ...]:
        """The statuses a ticket of this type may take; every status when no type is given."""
        return tuple(s for s in self.statuses if _allows(s.ticket_type_ids, ticket_type_id))

    def outcomes_for(self, ticket_type_id: int | None) -> tuple[OutcomeInfo, ...]:
        """The outcomes an action on a ticket of this type may use."""
        return tuple(o for o in self.outcomes if _allows(o.ticket_type_ids, ticket_type_id))

    @property
    def roles(self) -> StatusRoles:
        # Recomputed on each use: it is a pass over a handful of statuses.
        return status_roles(self.statuses)


def _allows(ticket_type_ids: frozenset[int], ticket_type_id: int | None) -> bool:
    return not ticket_type_ids or ticket_type_id is None or ticket_type_id in ticket_type_ids


# --- Roles ---------------------------------------------------------------------------------

_CLOSING_WORD = re.compile(r"\b(resolved|closed)\b")


def status_roles(statuses: Sequence[StatusInfo]) -> StatusRoles:
    """The statuses playing New, In Progress, Resolved and Closed on this instance.

    A status named for the role wins; the skill's documented ID is used only when no
    status carries the name, so an instance that renamed ID 9 is not mistaken for Closed.
    """
    resolved = _role(statuses, "resolved", DEFAULT_RESOLVED)
    closed = _role(statuses, "closed", DEFAULT_CLOSED)
    named_closing = {s.id for s in statuses if _CLOSING_WORD.search(s.name.casefold())}
    return StatusRoles(
        new=_role(statuses, "new", DEFAULT_NEW),
        in_progress=_role(statuses, "in progress", DEFAULT_IN_PROGRESS),
        resolved=resolved,
        closed=closed,
        closing=frozenset(named_closing | {i for i in (resolved, closed) if i is not None}),
    )


def _role(statuses: Sequence[StatusInfo], name: str, default_id: int) -> int | None:
    key = _squashed(name)
    named = next((s.id for s in statuses if _squashed(s.name) == key), None)
    if named is not None:
        return named
    return default_id if any(s.id == default_id for s in statuses) else None


def _squashed(name: str) -> str:
    # "In Progress", "in  progress" and "InProgress" all name the same role.
    return "".join(name.casefold().split())


def _words(name: str) -> str:
    return " ".join(name.casefold().split())


# --- Parsing HaloPSA's lookup rows ---------------------------------------------------------
# Lookup rows come from whatever the instance holds: a row without a usable ID is skipped,
# any other missing or mistyped value falls back to a default, and nothing raises.

Row = Mapping[str, Any]


def parse_statuses(rows: Sequence[Row]) -> tuple[StatusInfo, ...]:
    """``GET /api/Status`` rows: ``id``, ``name``, ``tickettypes`` (empty = every type)."""
    return tuple(
        StatusInfo(id_, _text(row.get("name")), _type_ids(row.get("tickettypes")))
        for row, id_ in _identified(rows)
    )


def parse_priorities(rows: Sequence[Row]) -> tuple[PriorityInfo, ...]:
    """``GET /api/Priority`` rows: ``slaid``, ``priorityid``, ``name``, ``ishidden``.

    The row's own ``id`` is a per-SLA string that tickets never refer to, so it is ignored.
    """
    parsed: list[PriorityInfo] = []
    for row in _mappings(rows):
        sla_id, priority_id = _int(row.get("slaid")), _int(row.get("priorityid"))
        if sla_id is not None and priority_id is not None:
            name, hidden = _text(row.get("name")), _flag(row.get("ishidden"), default=False)
            parsed.append(PriorityInfo(sla_id, priority_id, name, hidden))
    return tuple(parsed)


def parse_ticket_types(rows: Sequence[Row]) -> tuple[TicketTypeInfo, ...]:
    """``GET /api/TicketType`` rows: ``id``, ``name``, ``default_sla``, ``initial_status``,
    ``cancreate``."""
    return tuple(
        TicketTypeInfo(
            id=id_,
            name=_text(row.get("name")),
            sla_id=_reference(row.get("default_sla")),
            initial_status_id=_reference(row.get("initial_status")),
            can_create=_flag(row.get("cancreate"), default=True),
        )
        for row, id_ in _identified(rows)
    )


def parse_outcomes(rows: Sequence[Row]) -> tuple[OutcomeInfo, ...]:
    """``GET /api/Outcome`` rows: ``id``, ``outcome`` (the name), ``newstatus`` (0 = none),
    ``hidefromuser``, ``tickettypes``."""
    return tuple(
        OutcomeInfo(
            id=id_,
            name=_text(row.get("outcome")),
            new_status_id=_reference(row.get("newstatus")),
            hidden_from_user=_flag(row.get("hidefromuser"), default=False),
            ticket_type_ids=_type_ids(row.get("tickettypes")),
        )
        for row, id_ in _identified(rows)
    )


def parse_teams(rows: Sequence[Row]) -> tuple[str, ...]:
    """Team names from GET /api/Team rows (a ticket names its team, not its ID)."""
    return tuple(
        name
        for row in _mappings(rows)
        if (name := _text(row.get("name"))) and not row.get("inactive")
    )


def parse_agents(rows: Sequence[Row]) -> tuple[AgentInfo, ...]:
    """``GET /api/Agent`` rows: ``id``, ``name``, ``isdisabled``."""
    return tuple(
        AgentInfo(id_, _text(row.get("name")), _flag(row.get("isdisabled"), default=False))
        for row, id_ in _identified(rows)
    )


def _mappings(rows: Iterable[object]) -> Iterator[Row]:
    return (row for row in rows if isinstance(row, Mapping))


def _identified(rows: Iterable[object]) -> Iterator[tuple[Row, int]]:
    for row in _mappings(rows):
        id_ = _int(row.get("id"))
        if id_ is not None:
            yield row, id_


def _int(value: object) -> int | None:
    # JSON gives ints, but some HaloPSA fields (tickettypes' "value") carry them as strings.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _reference(value: object) -> int | None:
    # HaloPSA writes 0 for "none" in reference fields such as an outcome's newstatus.
    id_ = _int(value)
    return id_ if id_ is not None and id_ > 0 else None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _flag(value: object, *, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def _type_ids(value: object) -> frozenset[int]:
    """Ticket type IDs from HaloPSA's ``[{"value": "2", "label": "..."}]`` (or bare IDs)."""
    if not isinstance(value, list | tuple):
        return frozenset()
    ids = (_int(item.get("value") if isinstance(item, Mapping) else item) for item in value)
    return frozenset(id_ for id_ in ids if id_ is not None)
