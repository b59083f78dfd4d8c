"""Writes the rules have judged, as typed values: what to set, in this project's words.

None means "leave it as it is" (or, on a new record, "not given"). The client maps these
onto the service desk's own fields.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TicketWrite:
    """Fields of a new ticket, or the changes to an existing one."""

    summary: str | None = None
    details_html: str | None = None
    client_id: int | None = None
    site_id: int | None = None
    user_id: int | None = None
    ticket_type_id: int | None = None
    status_id: int | None = None
    priority_id: int | None = None
    agent_id: int | None = None
    team: str | None = None  # the team's name: tickets name their team
    category: str | None = None
    resolution_html: str | None = None


@dataclass(frozen=True)
class ActionWrite:
    """A new action on a ticket."""

    ticket_id: int
    hidden_from_user: bool = True
    outcome_id: int | None = None
    note_html: str | None = None
    hours: float | None = None
    # Sent even when the outcome implies it, so the write says what it does.
    new_status_id: int | None = None
    billable: bool | None = None
    # Always sent: an outcome may be set to email the end user when it is left out.
    send_email: bool = False


@dataclass(frozen=True)
class AttachmentWrite:
    """A file for a ticket, its content already in base64."""

    ticket_id: int
    filename: str
    data_base64: str
    action_id: int | None = None
    description: str | None = None
    is_image: bool | None = None
