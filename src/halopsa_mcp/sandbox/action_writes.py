"""POST /api/Actions and POST /api/Attachment: notes, time and files on a ticket.

An action needs an outcome, as on a live Halo; the outcome decides the action's default
visibility and may move the ticket to a new status. timetaken is in hours, as a decimal.
Nothing is emailed: sendemail and emailto are only stored (an unsaid sendemail is true
when configured emails_unless_told). Callers hold state.lock.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
from typing import Any

from halopsa_mcp.sandbox.errors import ErrorAnswer, not_found
from halopsa_mcp.sandbox.models import Action, Attachment, Outcome, Ticket
from halopsa_mcp.sandbox.seed import paragraph
from halopsa_mcp.sandbox.state import SandboxState
from halopsa_mcp.sandbox.ticket_writes import change_status, check_status

NO_OUTCOME = "An Outcome must be entered for this Action"
NO_ACTION_ACCESS = "You do not have access to this Action at the moment"
# HaloPSA binds an API application to an agent it acts as, and credits every action the
# application writes without a who_agentid to that agent; the application itself is
# named in actionby_application_id. Such agents are API-only, and GET /Agent leaves them
# out unless asked for API agents, so this one is not among state.agents.
API_AGENT_ID = 50
API_AGENT_NAME = "API Integration"
API_APPLICATION = "HaloPSA MCP"


def add_action(state: SandboxState, item: dict[str, Any]) -> Action:
    ticket = _ticket(state, item.get("ticket_id"))
    outcome = _outcome(state, item, ticket)
    if outcome.id in state.config.forbidden_outcomes:
        raise ErrorAnswer(403, NO_ACTION_ACCESS)
    hours = item.get("timetaken") or 0.0
    if hours < 0:
        raise ErrorAnswer(400, "Time taken cannot be negative")
    new_status = item.get("new_status") or outcome.newstatus
    if new_status:
        check_status(state, ticket, new_status)
    who = item.get("who_agentid") or 0
    if who and who not in state.agents:
        raise ErrorAnswer(400, f"Agent {who} not found")
    if not who and not state.config.api_actions_without_agent:
        who = API_AGENT_ID
    note, note_html = _note(item)
    now = state.now()
    action = Action(
        id=state.take_action_id(),
        ticket_id=ticket.id,
        outcome_id=outcome.id,
        note=note,
        note_html=note_html,
        hiddenfromuser=_flag(item, "hiddenfromuser", outcome.hidefromuser),
        timetaken=float(hours),
        datetime=now,
        new_status=new_status,
        who_agentid=who,
        application=API_APPLICATION,
        actisbillable=_flag(item, "actisbillable", True),
        important=_flag(item, "important", False),
        sendemail=_flag(item, "sendemail", state.config.emails_unless_told),
        emailto=item.get("emailto"),
    )
    state.actions[action.id] = action
    if new_status:
        change_status(state, ticket, new_status, now, was=ticket.status_id)
    ticket.lastactiondate = ticket.last_update = now
    ticket.timetaken = round(ticket.timetaken + action.timetaken, 4)
    return action


def _ticket(state: SandboxState, ticket_id: int | None) -> Ticket:
    if not ticket_id:
        raise ErrorAnswer(400, "Ticket ID required")
    ticket = state.tickets.get(ticket_id)
    if ticket is None:
        raise not_found("Ticket", ticket_id)
    return ticket


def _outcome(state: SandboxState, item: dict[str, Any], ticket: Ticket) -> Outcome:
    """The outcome by outcome_id, else by name (case-insensitive), valid for the ticket."""
    outcome: Outcome | None = None
    if item.get("outcome_id"):
        outcome = state.outcomes.get(item["outcome_id"])
    elif name := str(item.get("outcome") or "").strip().lower():
        outcome = next((o for o in state.outcomes.values() if o.outcome.lower() == name), None)
    if outcome is None:
        raise ErrorAnswer(400, NO_OUTCOME)
    if not outcome.applies_to(ticket.tickettype_id):
        tickettype = state.tickettypes[ticket.tickettype_id].name
        message = f"Outcome '{outcome.outcome}' is not valid for ticket type '{tickettype}'"
        raise ErrorAnswer(400, message)
    return outcome


def _note(item: dict[str, Any]) -> tuple[str, str]:
    """(note, note_html): note_html is what Halo displays; plain text is kept escaped."""
    note, note_html = item.get("note"), item.get("note_html")
    if note_html:
        return note or note_html, note_html
    return note or "", paragraph(note or "")


def _flag(item: dict[str, Any], name: str, default: bool) -> bool:
    value = item.get(name)
    return default if value is None else bool(value)


def add_attachment(state: SandboxState, item: dict[str, Any]) -> Attachment:
    ticket = _ticket(state, item.get("ticket_id"))
    filename = str(item.get("filename") or "").strip()
    if not filename:
        raise ErrorAnswer(400, "A filename is required")
    data = _decode(item.get("data_base64"), state.config.max_attachment_bytes)
    action_id = item.get("action_id") or None
    if action_id is not None:
        action = state.actions.get(action_id)
        if action is None or action.ticket_id != ticket.id:
            raise ErrorAnswer(400, f"Action {action_id} is not an action of ticket {ticket.id}")
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    attachment = Attachment(
        id=state.take_attachment_id(),
        ticket_id=ticket.id,
        filename=filename,
        data=data,
        content_type=content_type,
        isimage=_flag(item, "isimage", content_type.startswith("image/")),
        datecreated=state.now(),
        action_id=action_id,
        desc=item.get("desc"),
    )
    state.attachments[attachment.id] = attachment
    return attachment


def _decode(data_base64: str | None, limit: int) -> bytes:
    if not data_base64:
        raise ErrorAnswer(400, "sandbox: data_base64 is required")
    try:
        data = base64.b64decode(data_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ErrorAnswer(400, "sandbox: data_base64 is not valid base64") from None
    if len(data) > limit:
        raise ErrorAnswer(413, f"The file is larger than the upload limit of {limit} bytes")
    return data
