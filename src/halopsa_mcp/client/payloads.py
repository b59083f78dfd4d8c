"""What this client sends to HaloPSA, as typed models.

Each write model has the fields of the domain's write (``TicketWrite`` and the others),
each sent under HaloPSA's own name from its OpenAPI file (schemas ``Faults``, ``Actions``,
``Attachment``): the alias, where the names differ. A test checks every wire name here
against that file, so nothing can be sent that the real API does not have, and another
that each domain write has a field here for every field it has.
Only fields a caller set are sent (``exclude_unset``): an update changes just those.
"""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from halopsa_mcp.client.values import given

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_by_name=True)

    @classmethod
    def of(cls, write: DataclassInstance) -> Self:
        """The payload for a domain write: the fields it sets (None: not set, not sent)."""
        return cls(**given(**{f.name: getattr(write, f.name) for f in fields(write)}))

    def wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_unset=True, by_alias=True)


class TicketFields(_Payload):
    """A ticket as written by ``POST /api/Tickets`` (schema ``Faults``)."""

    summary: str | None = None
    details_html: str | None = None
    client_id: int | None = None
    site_id: int | None = None
    user_id: int | None = None
    ticket_type_id: int | None = Field(default=None, alias="tickettype_id")
    status_id: int | None = None
    priority_id: int | None = None
    agent_id: int | None = None
    team: str | None = Field(default=None, description="Team NAME; Faults has no team_id.")
    category: str | None = Field(default=None, alias="category_1")
    # The skill document calls this "resolution"; the API's field is closure_note, HTML.
    resolution_html: str | None = Field(default=None, alias="closure_note")


class ActionFields(_Payload):
    """An action (note, time entry, status change) for ``POST /api/Actions``."""

    ticket_id: int
    hidden_from_user: bool | None = Field(default=None, alias="hiddenfromuser")
    outcome_id: int | None = None
    note_html: str | None = None
    # HOURS, as a decimal: HaloPSA's unit for an action's time.
    hours: float | None = Field(default=None, ge=0, alias="timetaken")
    new_status_id: int | None = Field(default=None, alias="new_status")
    billable: bool | None = Field(default=None, alias="actisbillable")
    send_email: bool | None = Field(default=None, alias="sendemail")


class AttachmentUpload(_Payload):
    """One file for ``POST /api/Attachment`` (JSON with base64 data, not multipart)."""

    ticket_id: int
    filename: str
    data_base64: str
    action_id: int | None = None
    description: str | None = Field(default=None, alias="desc")
    is_image: bool | None = Field(default=None, alias="isimage")


class TicketQuery(_Payload):
    """Filters for ``GET /api/Tickets``, named as the API names its query parameters."""

    search: str | None = None
    client_id: int | None = None
    agent_id: int | None = None
    status_id: int | None = None
    requesttype_id: int | None = Field(default=None, description="The ticket type's ID.")
    open_only: bool | None = None
    datesearch: Literal["dateoccured", "datecleared"] | None = None
    startdate: str | None = None
    enddate: str | None = None
    order: str | None = None
    orderdesc: bool | None = None


def wire_names(model: type[BaseModel]) -> set[str]:
    """The names a payload model sends its fields under."""
    return {field.alias or name for name, field in model.model_fields.items()}
