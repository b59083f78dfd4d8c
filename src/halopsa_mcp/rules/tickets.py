"""Rules for creating and updating tickets: what is required, what defaults apply, and
which write a valid request becomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from halopsa_mcp.domain.records import Priority, Ticket, TicketType
from halopsa_mcp.domain.writes import TicketWrite
from halopsa_mcp.rules.catalog import Catalog, medium_priority, middle_priority
from halopsa_mcp.rules.text import clean_line, clean_text, text_to_html
from halopsa_mcp.rules.transitions import check_transition
from halopsa_mcp.rules.verdict import Problem, Verdict, one_error
from halopsa_mcp.rules.wording import label, shown, use_one_of

MAX_SUMMARY = 255
# An LLM reads a list of choices (agents, a client's sites or users) in a fix; past this
# many it is noise.
MAX_CHOICES_LISTED = 20
_CLIENT_FIX = "pass the client's name, or find its ID with search_directory (kind=clients)"


@dataclass(frozen=True)
class NewTicket:
    """The arguments of create_ticket; all optional here, because the rules decide."""

    summary: str | None = None
    client_id: int | None = None
    ticket_type_id: int | None = None
    status_id: int | None = None
    priority_id: int | None = None
    agent_id: int | None = None
    site_id: int | None = None
    user_id: int | None = None
    team: str | None = None
    category: str | None = None
    details: str | None = None
    resolution: str | None = None


@dataclass(frozen=True)
class TicketState:
    """What the rules need to know about an existing ticket."""

    id: int
    client_id: int | None
    status_id: int
    ticket_type_id: int | None
    sla_id: int | None
    agent_id: int | None
    has_resolution: bool
    # Someone to see what is shown to the customer; unknown counts as yes.
    has_end_user: bool = True


def ticket_state(ticket: Ticket, catalog: Catalog) -> TicketState:
    """What the rules need to know about an existing ticket.

    It has a resolution when it is resolved or closed now. A resolution left from before
    a reopening does not count: closing it again needs a fresh resolution. And a ticket
    resolved by an action (whose note told the resolution) counts as resolved, since
    HaloPSA's actions cannot set the ticket's resolution themselves.
    """
    status_id = ticket.status_id or 0
    return TicketState(
        id=ticket.id,
        client_id=ticket.client_id,
        status_id=status_id,
        ticket_type_id=ticket.ticket_type_id,
        sla_id=ticket.sla_id,
        agent_id=ticket.agent_id,
        has_resolution=catalog.closes(status_id),
        has_end_user=bool(ticket.user_id),
    )


@dataclass(frozen=True)
class TicketChanges:
    """The arguments of update_ticket besides ticket_id; None means leave it as it is."""

    summary: str | None = None
    details: str | None = None
    status_id: int | None = None
    priority_id: int | None = None
    agent_id: int | None = None
    team: str | None = None
    category: str | None = None
    resolution: str | None = None


@dataclass(frozen=True)
class TicketPlan:
    """A request the rules have judged: what to write (only what is to be written) and
    the verdict. Write ``ticket`` only when ``verdict.ok``."""

    ticket: TicketWrite
    verdict: Verdict


def plan_new_ticket(
    ticket: NewTicket,
    catalog: Catalog,
    *,
    client_exists: bool,
    client_active: bool = True,
    client_sites: Mapping[int, str] | None = None,
    client_users: Mapping[int, str] | None = None,
    default_ticket_type_id: int | None = None,
) -> TicketPlan:
    """Every rule for a new ticket, all violations reported at once, defaults filled in.

    ``client_sites`` and ``client_users`` are the client's sites and users by ID, when
    the caller looked them up (it does so only when a site or user was given); None
    leaves that check to HaloPSA.
    """
    ticket = _cleaned(ticket)
    type_id = ticket.ticket_type_id if ticket.ticket_type_id is not None else default_ticket_type_id
    type_, type_verdict = _creatable_type(type_id, catalog)
    status_id, status_verdict = _initial_status(ticket, type_, catalog)
    where = f"tickets of type {label(type_.id, type_.name)}" if type_ else "this ticket"
    priority_id, priority_verdict = _sla_priority(
        ticket.priority_id, type_.sla_id if type_ else None, catalog, where
    )
    verdict = (
        _summary(ticket.summary, required=True)
        + _client(ticket.client_id, client_exists=client_exists, client_active=client_active)
        + _belongs("site_id", "site", ticket.site_id, client_sites, ticket.client_id)
        + _belongs("user_id", "user", ticket.user_id, client_users, ticket.client_id)
        + _team(ticket.team, catalog)
        + type_verdict
        + status_verdict
        + priority_verdict
        + _agent(ticket.agent_id, catalog)
        + _resolution(ticket.resolution)
    )
    write = replace(
        _common_write(ticket, catalog),
        summary=ticket.summary,
        client_id=ticket.client_id,
        ticket_type_id=type_.id if type_ else None,
        status_id=status_id,
        priority_id=priority_id,
        site_id=ticket.site_id,
        user_id=ticket.user_id,
    )
    return TicketPlan(write, verdict)


def plan_ticket_update(
    current: TicketState, changes: TicketChanges, catalog: Catalog
) -> TicketPlan:
    """Only the changes given are checked and sent; the rest of the ticket is left alone."""
    changes = _cleaned(changes)
    write = replace(
        _common_write(changes, catalog),
        summary=changes.summary,
        status_id=changes.status_id,
        priority_id=changes.priority_id,
    )
    if write == TicketWrite():
        problem = Problem("changes", "nothing to change", "pass at least one field to update")
        return TicketPlan(write, Verdict(errors=(problem,)))
    verdict = _summary(changes.summary, required=False) + _agent(changes.agent_id, catalog)
    verdict += _team(changes.team, catalog)
    verdict += _resolution(changes.resolution)
    if changes.status_id is not None:
        agent_id = changes.agent_id if changes.agent_id is not None else current.agent_id
        verdict += check_transition(
            current.status_id,
            changes.status_id,
            ticket_type_id=current.ticket_type_id,
            has_resolution=current.has_resolution or bool(changes.resolution),
            has_agent=bool(agent_id),
            catalog=catalog,
        )
    if changes.priority_id is not None:
        where = f"ticket {current.id}"
        verdict += _sla_priority(changes.priority_id, _sla_of(current, catalog), catalog, where)[1]
    return TicketPlan(write, verdict)


def _sla_of(ticket: TicketState, catalog: Catalog) -> int | None:
    """The ticket's own SLA, else its type's default one."""
    if ticket.sla_id is not None or ticket.ticket_type_id is None:
        return ticket.sla_id
    type_ = catalog.ticket_type(ticket.ticket_type_id)
    return type_.sla_id if type_ else None


def _common_write(request: NewTicket | TicketChanges, catalog: Catalog) -> TicketWrite:
    """The fields create and update write the same way, when given."""
    return TicketWrite(
        agent_id=request.agent_id,
        team=_canonical_team(request.team, catalog),
        category=request.category,
        details_html=_html(request.details),
        resolution_html=_html(request.resolution),
    )


def _html(text: str | None) -> str | None:
    return text_to_html(text) if text is not None else None


_Request = TypeVar("_Request", NewTicket, TicketChanges)


def _cleaned(request: _Request) -> _Request:
    """``request`` with its text cleaned before any rule reads it, so text made only of
    invisible characters counts as blank, lengths count what is stored, and the fields
    sent carry the cleaned text. One-line fields are escaped here too, as stored; the
    team is only cleaned, as it must match a team's name."""
    return replace(
        request,
        summary=_line(request.summary),
        details=_clean(request.details),
        resolution=_clean(request.resolution),
        team=_clean(request.team),
        category=_line(request.category),
    )


def _clean(value: str | None) -> str | None:
    return clean_text(value) if value is not None else None


def _line(value: str | None) -> str | None:
    return clean_line(value) if value is not None else None


# --- One rule each -------------------------------------------------------------------------
# Text arguments reach these already cleaned: blank means empty.


def _summary(summary: str | None, *, required: bool) -> Verdict:
    if summary is None:
        if not required:
            return Verdict()
        return one_error("summary", "a summary is required", "pass a one-line summary of the issue")
    if not summary:
        return one_error("summary", "the summary is blank", "pass a one-line summary of the issue")
    if len(summary) > MAX_SUMMARY:
        # Escaping lengthens the text; say so, or the count would not match what was typed.
        escaped = " (<, >, & and quotes count as their HTML escapes)" if "&" in summary else ""
        return one_error(
            "summary",
            f"the summary has {len(summary)} characters{escaped}, more than the "
            f"{MAX_SUMMARY} allowed",
            f"shorten it to at most {MAX_SUMMARY} characters and put the rest in details",
        )
    return Verdict()


def _client(client_id: int | None, *, client_exists: bool, client_active: bool) -> Verdict:
    if client_id is None:
        return one_error("client_id", "a client is required: every ticket has one", _CLIENT_FIX)
    if not client_exists:
        return one_error("client_id", f"client {client_id} does not exist", _CLIENT_FIX)
    if not client_active:
        return one_error(
            "client_id",
            f"client {client_id} is inactive in HaloPSA",
            "log the ticket for an active client, or ask an administrator to reactivate it",
        )
    return Verdict()


def _belongs(
    field: str, kind: str, value: int | None, known: Mapping[int, str] | None, client_id: int | None
) -> Verdict:
    if value is None or known is None or value in known:
        return Verdict()
    listed = use_one_of(sorted(known.items()), limit=MAX_CHOICES_LISTED)
    fix = listed if known else f"leave {field} out"
    return one_error(field, f"{kind} {value} does not belong to client {client_id}", fix)


def _canonical_team(team: str | None, catalog: Catalog) -> str | None:
    """The team as the instance spells it: a match is case-insensitive, the desk may not be."""
    if team is None:
        return None
    return next((name for name in catalog.teams if team.casefold() == name.casefold()), team)


def _team(team: str | None, catalog: Catalog) -> Verdict:
    if team and "teams" in catalog.unreadable:
        return Verdict(warnings=(_skipped("team", "teams"),))
    if not team or not catalog.teams:
        return Verdict()
    if team.casefold() in (name.casefold() for name in catalog.teams):
        return Verdict()
    return one_error(
        "team",
        f"there is no team named {shown(team)}",
        "use one of: " + ", ".join(repr(name) for name in catalog.teams),
    )


def _creatable_type(type_id: int | None, catalog: Catalog) -> tuple[TicketType | None, Verdict]:
    creatable = [(t.id, t.name) for t in catalog.ticket_types if t.can_create]
    fix = use_one_of(creatable)
    if type_id is None:
        return None, one_error("ticket_type_id", "a ticket type is required", fix)
    type_ = catalog.ticket_type(type_id)
    if type_ is None:
        return None, one_error("ticket_type_id", f"ticket type {type_id} does not exist", fix)
    if not type_.can_create:
        message = f"ticket type {label(type_.id, type_.name)} cannot be used for new tickets"
        return None, one_error("ticket_type_id", message, fix)
    return type_, Verdict()


def _initial_status(
    ticket: NewTicket, type_: TicketType | None, catalog: Catalog
) -> tuple[int | None, Verdict]:
    type_id = type_.id if type_ else None
    status_id = ticket.status_id
    # The default: the type's own initial status (a change request may start Scheduled),
    # then the status playing New on this instance.
    if status_id is None and type_ is not None:
        status_id = type_.initial_status_id
    if status_id is None:
        status_id = catalog.role("new")
    if status_id is None:
        fix = use_one_of((s.id, s.name) for s in catalog.statuses_for(type_id))
        return None, one_error("status_id", "this instance has no New status to default to", fix)
    verdict = check_transition(
        None,
        status_id,
        ticket_type_id=type_id,
        has_resolution=bool(ticket.resolution),
        has_agent=bool(ticket.agent_id),
        catalog=catalog,
    )
    return status_id, verdict


def _sla_priority(
    priority_id: int | None, sla_id: int | None, catalog: Catalog, where: str
) -> tuple[int | None, Verdict]:
    """The priority checked against the SLA's, or, when HaloPSA named no SLA, against
    every SLA's (the one HaloPSA applies is not known) and said so: the check is looser."""
    slas = sorted({p.sla_id for p in catalog.priorities if not p.hidden})
    if sla_id is None and len(slas) == 1:
        sla_id = slas[0]
    chosen, verdict = _priority(priority_id, _priorities(sla_id, catalog), where)
    if sla_id is None and chosen is not None and verdict.ok:
        verdict += Verdict(warnings=(_sla_unknown(chosen, slas, catalog, where),))
    return chosen, verdict


def _sla_unknown(priority_id: int, slas: list[int], catalog: Catalog, where: str) -> str:
    lacking = [
        str(sla)
        for sla in slas
        if all(p.priority_id != priority_id for p in catalog.priorities_for(sla))
    ]
    risk = f"; HaloPSA refuses it on a ticket of SLA {' or '.join(lacking)}" if lacking else ""
    return (
        f"HaloPSA named no SLA for {where}, so priority {priority_id} was checked against "
        f"every SLA's priorities{risk}; list_priorities shows which SLA offers which"
    )


def _priorities(sla_id: int | None, catalog: Catalog) -> tuple[Priority, ...]:
    """The priorities open to a ticket on this SLA; with no SLA, those of any SLA."""
    if sla_id is not None:
        return catalog.priorities_for(sla_id)
    seen: dict[int, Priority] = {}
    for p in catalog.priorities:
        if not p.hidden:
            seen.setdefault(p.priority_id, p)
    return tuple(seen.values())


def _priority(
    priority_id: int | None, priorities: tuple[Priority, ...], where: str
) -> tuple[int | None, Verdict]:
    """The priority to send, defaulting to Medium; ``where`` names whose SLA it is."""
    fix = use_one_of((p.priority_id, p.name) for p in priorities)
    if priority_id is None:
        default, why = _default_priority(priorities, where)
        if default is None:
            message = f"a priority is required: no priority is offered for {where}"
            return None, one_error("priority_id", message, fix)
        chosen = f"priority_id not given: {label(default.priority_id, default.name)} chosen"
        warning = f"{chosen}, {why}; pass priority_id to choose another ({fix})"
        return default.priority_id, Verdict(warnings=(warning,))
    if all(p.priority_id != priority_id for p in priorities):
        return priority_id, one_error(
            "priority_id",
            f"priority {priority_id} is not available for {where}",
            f"{fix} (list_priorities shows them by ticket type)",
        )
    return priority_id, Verdict()


def _default_priority(priorities: tuple[Priority, ...], where: str) -> tuple[Priority | None, str]:
    """Medium by name, else the SLA's middle priority; and why, for the warnings."""
    medium = medium_priority(priorities)
    if medium is not None:
        return medium, f"the priority named Medium for {where}"
    why = (
        f"there is no Medium priority for {where}, so the middle of its {len(priorities)} "
        "priorities by urgency"
    )
    return middle_priority(priorities), why


def _agent(agent_id: int | None, catalog: Catalog) -> Verdict:
    # 0 is HaloPSA's "unassigned".
    if not agent_id:
        return Verdict()
    if "agents" in catalog.unreadable:
        return Verdict(warnings=(_skipped("agent_id", "agents"),))
    agent = catalog.agent(agent_id)
    enabled = ((a.id, a.name) for a in catalog.agents if not a.disabled)
    fix = use_one_of(enabled, limit=MAX_CHOICES_LISTED)
    if agent is None:
        return one_error("agent_id", f"agent {agent_id} does not exist", fix)
    if agent.disabled:
        message = f"agent {label(agent.id, agent.name)} is disabled and cannot be assigned"
        return one_error("agent_id", message, fix)
    return Verdict()


def _skipped(field: str, lookup: str) -> str:
    return (
        f"{field} was not checked: this API application may not list the instance's "
        f"{lookup}, so HaloPSA alone decides whether it is valid"
    )


def _resolution(resolution: str | None) -> Verdict:
    if resolution == "":
        return one_error(
            "resolution",
            "the resolution is blank",
            "write what was done to fix the problem, or leave resolution out",
        )
    return Verdict()
