"""What this client sends to HaloPSA, as typed models.

Field names are HaloPSA's own wire names from its OpenAPI file (schemas ``Faults``,
``Actions``, ``Attachment`` and the ``GET /Tickets`` parameters); a test checks every
field here against that file, so nothing can be sent that the real API does not have.
Only fields a caller set are sent (``exclude_unset``): an update changes just those.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True)


class TicketFields(_Payload):
    """A ticket as written by ``POST /api/Tickets`` (schema ``Faults``)."""

    summary: str | None = None
    details: str | None = None
    details_html: str | None = None
    client_id: int | None = None
    site_id: int | None = None
    user_id: int | None = None
    tickettype_id: int | None = None
    status_id: int | None = None
    priority_id: int | None = None
    sla_id: int | None = None
    agent_id: int | None = None
    team: str | None = Field(default=None, description="Team NAME; Faults has no team_id.")
    category_1: str | None = None
    category_2: str | None = None
    dateoccurred: datetime | None = None
    reportedby: str | None = None
    # The skill document calls this "resolution"; the API's field is closure_note.
    closure_note: str | None = None


class ActionFields(_Payload):
    """An action (note, time entry, status change) for ``POST /api/Actions``."""

    ticket_id: int
    outcome: str | None = None
    outcome_id: int | None = None
    note: str | None = None
    note_html: str | None = None
    hiddenfromuser: bool | None = None
    # HOURS, as a decimal: HaloPSA's unit for an action's time. Callers convert from
    # whatever their users speak in before building this model.
    timetaken: float | None = Field(default=None, ge=0)
    new_status: int | None = None
    sendemail: bool | None = None
    emailto: str | None = None
    important: bool | None = None
    actisbillable: bool | None = None


class AttachmentUpload(_Payload):
    """One file for ``POST /api/Attachment`` (JSON with base64 data, not multipart)."""

    ticket_id: int
    filename: str
    data_base64: str
    action_id: int | None = None
    isimage: bool | None = None
    desc: str | None = None


class TicketQuery(_Payload):
    """Filters for ``GET /api/Tickets``, named as the API names its query parameters."""

    search: str | None = None
    client_id: int | None = None
    site_id: int | None = None
    user_id: int | None = None
    agent_id: int | None = None
    status_id: int | None = None
    requesttype_id: int | None = Field(default=None, description="The ticket type's ID.")
    team: str | None = None
    open_only: bool | None = None
    datesearch: Literal["dateoccurred", "datecreated", "lastactiondate", "dateclosed"] | None = None
    startdate: str | None = None
    enddate: str | None = None
    order: str | None = None
    orderdesc: bool | None = None
    ticketids: str | None = None
