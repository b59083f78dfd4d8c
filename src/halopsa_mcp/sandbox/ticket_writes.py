"""POST /api/Tickets: create or update one ticket, keeping every reference consistent.

An item without an id (or id 0) creates a ticket; one with an id changes only the
fields it sends. Every id a ticket refers to must exist and fit the rest: the site and
user belong to the client, the status is valid for the ticket type, the priority exists
in the ticket's SLA. Only the references a request touches are checked, so an update
that sends nothing about the status never fails on it.

The ticket skill's workflow rules (a resolution before closing and so on) are NOT
enforced: real Halo does not enforce them either; the MCP layer does.

Callers hold state.lock.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from halopsa_mcp.sandbox.catalog import INCIDENT
from halopsa_mcp.sandbox.errors import ErrorAnswer, not_found
from halopsa_mcp.sandbox.models import Ticket, TicketType
from halopsa_mcp.sandbox.seed import paragraph, sla_targets
from halopsa_mcp.sandbox.state import SandboxState
from halopsa_mcp.sandbox.times import parse_time

DEFAULT_PRIORITY = 3
NEEDS_APPROVERS = "CODE:APP03/2 Please select the CAB members to approve"

# Faults fields a client can set. Halo accepts and ignores the read-only rest of the
# schema (names, counts, computed dates), and so does the sandbox.
_REQUIRED = frozenset(
    {"summary", "client_id", "site_id", "tickettype_id", "sla_id", "status_id", "priority_id",
     "agent_id"}
)  # fmt: skip
_OPTIONAL = frozenset(
    {"details", "details_html", "user_id", "team", "category_1", "category_2", "reportedby",
     "closure_note", "dateoccurred"}
)  # fmt: skip
WRITABLE = _REQUIRED | _OPTIONAL


def save_ticket(state: SandboxState, item: dict[str, Any]) -> Ticket:
    if state.config.closure_note_ignored:
        item = {name: value for name, value in item.items() if name != "closure_note"}
    ticket_id = item.get("id")
    if ticket_id:
        return _update(state, ticket_id, item)
    return _create(state, item)


def _create(state: SandboxState, item: dict[str, Any]) -> Ticket:
    if not str(item.get("summary") or "").strip():
        raise ErrorAnswer(400, "Summary is required")
    if not item.get("client_id"):
        raise ErrorAnswer(400, "Client ID required")
    if state.config.site_required_with_user and item.get("user_id") and not item.get("site_id"):
        raise ErrorAnswer(400, "Please select a Site for this User")
    client = state.clients.get(item["client_id"])
    if client is None:
        raise ErrorAnswer(400, f"Client {item['client_id']} not found")
    tickettype = _usable_type(state, item.get("tickettype_id") or INCIDENT)
    if tickettype.id in state.config.approval_types:
        raise ErrorAnswer(400, NEEDS_APPROVERS)
    now = state.now()
    ticket = Ticket(
        id=0,
        summary="",
        details="",
        details_html="",
        client_id=client.id,
        site_id=client.main_site_id,
        user_id=None,
        tickettype_id=tickettype.id,
        sla_id=tickettype.default_sla,
        status_id=tickettype.initial_status,
        priority_id=DEFAULT_PRIORITY,
        agent_id=0,
        team=None,
        category_1=None,
        dateoccurred=now,
        datecreated=now,
        lastactiondate=now,
        last_update=now,
    )
    _apply_fields(ticket, item)
    check_references(state, ticket, WRITABLE)
    if state.statuses[ticket.status_id].is_closed:
        _mark_closed(ticket, now)
    ticket.respondbydate, ticket.fixbydate = sla_targets(state.priorities, ticket)
    ticket.id = state.take_ticket_id()
    state.tickets[ticket.id] = ticket
    return ticket


def _update(state: SandboxState, ticket_id: int, item: dict[str, Any]) -> Ticket:
    current = state.tickets.get(ticket_id)
    if current is None:
        raise not_found("Ticket", ticket_id)
    if isinstance(item.get("summary"), str) and not item["summary"].strip():
        raise ErrorAnswer(400, "Summary is required")
    # Changes go to a copy, so a failed check leaves the stored ticket as it was.
    draft = dataclasses.replace(current)
    _apply_fields(draft, item)
    touched = WRITABLE & item.keys()
    check_references(state, draft, touched)
    now = state.now()
    if draft.status_id != current.status_id:
        change_status(state, draft, draft.status_id, now, was=current.status_id)
    if touched & {"priority_id", "sla_id"}:
        draft.respondbydate, draft.fixbydate = sla_targets(state.priorities, draft)
    draft.last_update = now
    state.tickets[ticket_id] = draft
    return draft


def _apply_fields(ticket: Ticket, item: dict[str, Any]) -> None:
    """Copy the writable fields sent; null clears an optional field, a required one stays."""
    for name in WRITABLE & item.keys():
        value = item[name]
        if value is None and name in _REQUIRED:
            continue
        if name == "dateoccurred" and value is not None:
            value = parse_time(value, "dateoccurred")
        setattr(ticket, name, value)
    # Halo keeps both forms of the details; fill the one not sent from the one sent.
    if "details" in item and "details_html" not in item:
        ticket.details_html = paragraph(ticket.details or "")
    elif "details_html" in item and "details" not in item:
        ticket.details = ticket.details_html or ""


def check_references(state: SandboxState, ticket: Ticket, touched: frozenset[str]) -> None:
    """400 for the first reference among the touched fields that does not fit."""
    if "client_id" in touched:
        _check_client(state, ticket)
    if touched & {"client_id", "site_id"}:
        _check_site(state, ticket)
    if touched & {"client_id", "user_id"}:
        _check_user(state, ticket)
    if "tickettype_id" in touched:
        _usable_type(state, ticket.tickettype_id)
    if touched & {"status_id", "tickettype_id"}:
        check_status(state, ticket, ticket.status_id)
    if touched & {"priority_id", "sla_id"}:
        _check_priority(state, ticket)
    if "agent_id" in touched:
        _check_agent(state, ticket)
    if "team" in touched:
        _check_team(state, ticket)


def _check_client(state: SandboxState, ticket: Ticket) -> None:
    client = state.clients.get(ticket.client_id)
    if client is None:
        raise ErrorAnswer(400, f"Client {ticket.client_id} not found")
    if client.inactive:
        raise ErrorAnswer(400, f"Client {ticket.client_id} is inactive")


def _check_site(state: SandboxState, ticket: Ticket) -> None:
    site = state.sites.get(ticket.site_id)
    if site is None or site.client_id != ticket.client_id:
        message = f"Site {ticket.site_id} does not belong to client {ticket.client_id}"
        raise ErrorAnswer(400, message)


def _check_user(state: SandboxState, ticket: Ticket) -> None:
    if not ticket.user_id:
        return
    user = state.users.get(ticket.user_id)
    if user is None or user.client_id != ticket.client_id:
        message = f"User {ticket.user_id} does not belong to client {ticket.client_id}"
        raise ErrorAnswer(400, message)


def check_status(state: SandboxState, ticket: Ticket, status_id: int) -> None:
    status = state.statuses.get(status_id)
    if status is None:
        raise ErrorAnswer(400, f"Status {status_id} not found")
    if not status.applies_to(ticket.tickettype_id):
        tickettype = state.tickettypes[ticket.tickettype_id].name
        message = (
            f"Status '{status.name}' ({status_id}) is not valid for ticket type '{tickettype}'"
        )
        raise ErrorAnswer(400, message)


def _check_priority(state: SandboxState, ticket: Ticket) -> None:
    sla = state.slas.get(ticket.sla_id)
    if sla is None:
        raise ErrorAnswer(400, f"SLA {ticket.sla_id} not found")
    if state.priority(sla.id, ticket.priority_id) is None:
        message = f"Priority {ticket.priority_id} is not valid for SLA '{sla.name}' ({sla.id})"
        raise ErrorAnswer(400, message)


def _check_agent(state: SandboxState, ticket: Ticket) -> None:
    if not ticket.agent_id:
        return  # 0: unassigned
    agent = state.agents.get(ticket.agent_id)
    if agent is None or agent.isdisabled:
        raise ErrorAnswer(400, f"Agent {ticket.agent_id} not found or inactive")


def _check_team(state: SandboxState, ticket: Ticket) -> None:
    if ticket.team and not any(team.name == ticket.team for team in state.teams.values()):
        raise ErrorAnswer(400, f"Team '{ticket.team}' not found")


def change_status(
    state: SandboxState, ticket: Ticket, status_id: int, now: datetime, *, was: int
) -> None:
    """Set a checked status: closing stamps dateclosed, reopening clears it."""
    ticket.status_id = status_id
    closing = state.statuses[status_id].is_closed
    if closing and not state.statuses[was].is_closed:
        _mark_closed(ticket, now)
    elif not closing:
        ticket.dateclosed = None


def _mark_closed(ticket: Ticket, now: datetime) -> None:
    ticket.dateclosed = now
    ticket.hasbeenclosed = True


def _usable_type(state: SandboxState, tickettype_id: int) -> TicketType:
    tickettype = state.tickettypes.get(tickettype_id)
    if tickettype is None:
        raise ErrorAnswer(400, f"Ticket type {tickettype_id} not found")
    if not tickettype.usable:
        raise ErrorAnswer(400, f"Ticket type '{tickettype.name}' is not available")
    return tickettype
