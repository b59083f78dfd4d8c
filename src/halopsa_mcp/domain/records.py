"""Records read from the service desk: tickets, their actions and attachments, and the
instance's configuration (statuses, priorities, ticket types, outcomes, agents, teams).

Frozen dataclasses over the standard library only, so the rules can use them. Values are
already parsed: IDs are ints, text is a str ("" when absent), "none" is None.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Literal

# The parts a status plays in the ticket rules. Decided once, where the instance's
# statuses are parsed, and read from here by everything else.
StatusRole = Literal["new", "in_progress", "resolved", "closed"]


@dataclass(frozen=True)
class Status:
    id: int
    name: str
    # Ticket types the status may be used with; empty means every type.
    ticket_type_ids: frozenset[int] = frozenset()
    role: StatusRole | None = None
    # Ends work on a ticket, so moving there needs a resolution: Resolved and Closed, and
    # statuses like them (e.g. "Closed - Duplicate").
    closes: bool = False


@dataclass(frozen=True)
class Target:
    """A response or fix target of a priority, e.g. 4 hours."""

    amount: float
    units: str = ""


@dataclass(frozen=True)
class Priority:
    """A priority as offered within one SLA; tickets refer to ``priority_id``."""

    sla_id: int
    priority_id: int
    name: str
    hidden: bool = False
    response: Target | None = None
    fix: Target | None = None


@dataclass(frozen=True)
class TicketType:
    id: int
    name: str
    sla_id: int | None  # the SLA whose priorities its tickets use
    initial_status_id: int | None
    can_create: bool = True


@dataclass(frozen=True)
class Outcome:
    """A kind of action (Private Note, Resolve, ...)."""

    id: int
    name: str
    new_status_id: int | None  # the status an action with this outcome sets; None = no change
    hidden_from_user: bool = False
    ticket_type_ids: frozenset[int] = frozenset()  # empty = every type


@dataclass(frozen=True)
class Agent:
    id: int
    name: str
    disabled: bool = False
    team: str = ""  # the agent's main team, by name ("" when the row names none)


@dataclass(frozen=True)
class Team:
    name: str
    inactive: bool = False


@dataclass(frozen=True)
class Client:
    """A customer company."""

    id: int
    name: str
    inactive: bool = False


@dataclass(frozen=True)
class Site:
    id: int
    name: str


@dataclass(frozen=True)
class User:
    """An end user of a client."""

    id: int
    name: str
    # The user's own site: HaloPSA wants it on a ticket whenever the user is set.
    site_id: int | None = None
    email: str = ""
    site_name: str = ""
    client_id: int | None = None
    client_name: str = ""


@dataclass(frozen=True)
class SlaFacts:
    """What a ticket itself says about its SLA: deadlines (aware, UTC) and whether its
    clock is stopped. None where the service desk sent nothing usable."""

    respond_by: datetime | None = None
    fix_by: datetime | None = None
    on_hold: bool | None = None
    # When the ticket was resolved or closed, to judge a done ticket against fix_by.
    done_at: datetime | None = None


@dataclass(frozen=True)
class TicketRow:
    """A ticket as a list shows it. Dates are the service desk's own text (UTC)."""

    id: int
    summary: str = ""
    client_id: int | None = None
    client_name: str = ""
    # Kept whether or not the names come with them: some instances send IDs alone.
    site_id: int | None = None
    user_id: int | None = None
    status_id: int | None = None
    priority_id: int | None = None
    sla_id: int | None = None
    agent_id: int | None = None
    ticket_type_id: int | None = None
    created: str | None = None
    last_action: str | None = None
    sla: SlaFacts = SlaFacts()


@dataclass(frozen=True)
class Ticket(TicketRow):
    """A ticket in full. ``details`` and ``resolution`` are HTML or plain text."""

    details: str = ""
    site_name: str = ""
    user_name: str = ""
    team: str = ""
    category: str = ""
    resolution: str = ""
    closed: str | None = None
    # Every field as the service desk sent it, for callers that ask for one by its own
    # name (get_ticket's extra_fields); nothing else reads it.
    raw: Mapping[str, object] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, repr=False
    )


@dataclass(frozen=True)
class Action:
    """One entry of a ticket's history: a note, an email, a time entry, a status change."""

    id: int
    ticket_id: int
    when: str | None = None
    who_agent_id: int | None = None
    who: str = ""
    outcome: str = ""
    note: str = ""  # HTML or plain text
    hours: float | None = None
    hidden_from_user: bool = True
    new_status_id: int | None = None
    outcome_id: int | None = None
    # The API application that wrote it, when one did: all that names the author of an
    # action whose application acts as no agent.
    application: str = ""


@dataclass(frozen=True)
class Attachment:
    id: int
    filename: str = ""
    size_bytes: int | None = None
    is_image: bool | None = None
    created: str | None = None
    description: str = ""
    action_id: int | None = None
