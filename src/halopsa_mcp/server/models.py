"""What the tools return: compact, named, and described for the model reading them.

IDs stay beside their names, so the model can pass them back to other tools.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from halopsa_mcp.domain.records import StatusRole


def _unset(value: object) -> bool:
    return value is None


class TicketRow(BaseModel):
    id: int = Field(description="Ticket ID, for get_ticket, update_ticket and add_action.")
    summary: str
    client_id: int | None = None
    client: str | None = None
    site_id: int | None = None
    user_id: int | None = Field(default=None, description="The end user who reported it.")
    status_id: int | None = None
    status: str | None = None
    priority_id: int | None = None
    priority: str | None = None
    agent_id: int | None = Field(default=None, description="Assigned agent; 0 or null: none.")
    agent: str | None = None
    ticket_type_id: int | None = None
    ticket_type: str | None = None
    created: str | None = Field(default=None, description="When the ticket was logged (UTC).")
    last_action: str | None = Field(default=None, description="Last activity (UTC).")
    # Left out when unknown, as most bytes of a long list would say nothing. sla holds
    # one of search_tickets' sla values, typed loosely so that the three result schemas
    # repeating this row do not repeat the list.
    sla: str | None = Field(default=None, exclude_if=_unset, description="SLA state, if known.")
    fix_by: str | None = Field(default=None, exclude_if=_unset, description="SLA fix-by (UTC).")


class TicketPage(BaseModel):
    tickets: list[TicketRow]
    total: int = Field(description="How many tickets match in all, across every page.")
    page: int
    limit: int
    has_more: bool = Field(description="True when a later page holds more matches.")
    note: str | None = Field(default=None, exclude_if=_unset, description="Limits of the search.")


class ActionRow(BaseModel):
    id: int
    ticket_id: int
    when: str | None = None
    who_agent_id: int | None = Field(
        default=None, description="The agent who logged it, if one did."
    )
    who: str | None = None
    outcome_id: int | None = None
    outcome: str | None = None
    note: str = Field(description="The action's text, as plain text.")
    time_minutes: float | None = Field(default=None, description="Time logged, in minutes.")
    visible_to_customer: bool = Field(description="False: an internal note.")
    new_status_id: int | None = None
    new_status: str | None = Field(default=None, description="Status the action set, if any.")


class ActionList(BaseModel):
    ticket_id: int
    actions: list[ActionRow] = Field(description="Newest first.")
    total: int
    has_more: bool


class TicketDetail(TicketRow):
    details: str = Field(description="The ticket's description, as plain text.")
    site: str | None = None
    user: str | None = Field(default=None, description="The end user who reported it.")
    team: str | None = None
    category: str | None = None
    resolution: str | None = Field(
        default=None,
        description="What fixed the problem: the ticket's closure note, else, while it is "
        "resolved or closed, the note of the action that resolved or closed it.",
    )
    closed: str | None = None
    sla_id: int | None = None
    respond_by: str | None = Field(
        default=None, exclude_if=_unset, description="SLA respond-by (UTC)."
    )
    recent_actions: list[ActionRow] = Field(default_factory=list)
    extra_fields: dict[str, Any] = Field(
        default_factory=dict, description="Raw HaloPSA fields asked for with extra_fields."
    )
    missing_fields: list[str] = Field(
        default_factory=list, description="Fields asked for that this ticket does not have."
    )


class TicketWriteResult(BaseModel):
    dry_run: bool = Field(description="True: nothing was written; would_send shows the request.")
    ticket: TicketRow | None = Field(
        default=None, description="The saved ticket (not on dry runs)."
    )
    action: ActionRow | None = Field(
        default=None,
        description="The action that recorded the resolution, when the write resolved or "
        "closed the ticket with one (not on dry runs).",
    )
    would_send: dict[str, Any] | None = Field(
        default=None,
        description="On dry runs: the ticket fields that would be sent to HaloPSA (null: "
        "none, only the action).",
    )
    would_add_action: dict[str, Any] | None = Field(
        default=None,
        description="On dry runs that resolve or close with a resolution: the action that "
        "would record it, sent after the ticket fields.",
    )
    warnings: list[str] = Field(
        default_factory=list, description="Rule warnings: allowed, but worth telling the user."
    )


class ActionWriteResult(BaseModel):
    dry_run: bool
    action: ActionRow | None = None
    ticket_status_id: int | None = Field(default=None, description="The ticket's status now.")
    ticket_status: str | None = None
    would_send: dict[str, Any] | None = None
    warnings: list[str] = Field(default_factory=list)


class AttachmentRow(BaseModel):
    id: int
    filename: str
    size_bytes: int | None = None
    is_image: bool | None = None
    created: str | None = None
    description: str | None = None
    action_id: int | None = None


class AttachmentList(BaseModel):
    ticket_id: int
    attachments: list[AttachmentRow]
    text: str | None = Field(default=None, exclude_if=_unset, description="read_id's text.")
    note: str | None = Field(
        default=None, exclude_if=_unset, description="Why read_id's text is not shown."
    )


class AttachmentWriteResult(BaseModel):
    dry_run: bool
    attachment: AttachmentRow | None = None
    would_send: dict[str, Any] | None = Field(
        default=None, description="On dry runs: ticket, file name and size (not the content)."
    )
    warnings: list[str] = Field(default_factory=list)


class StatusRow(BaseModel):
    id: int
    name: str
    role: StatusRole | None = Field(
        default=None, description="The part this status plays in the ticket rules, if any."
    )
    needs_resolution: bool = Field(
        description="Moving a ticket here requires a resolution (closure note)."
    )
    ticket_type_ids: list[int] = Field(description="Ticket types it applies to; empty: all.")


class StatusList(BaseModel):
    statuses: list[StatusRow]


class PriorityRow(BaseModel):
    priority_id: int = Field(description="The value to pass as priority_id.")
    name: str
    sla_id: int
    response: str | None = Field(default=None, description="Response target, e.g. '4 hours'.")
    fix: str | None = Field(default=None, description="Resolution target, e.g. '8 hours'.")


class PriorityList(BaseModel):
    priorities: list[PriorityRow]


class TicketTypeRow(BaseModel):
    id: int
    name: str
    sla_id: int | None = Field(default=None, description="SLA whose priorities this type uses.")
    initial_status_id: int | None = None
    can_create: bool


class TicketTypeList(BaseModel):
    ticket_types: list[TicketTypeRow]


class OutcomeRow(BaseModel):
    id: int = Field(description="The value to pass as add_action's outcome_id.")
    name: str
    sets_status_id: int | None = Field(
        default=None, description="Status an action with this outcome moves the ticket to."
    )
    sets_status: str | None = None
    hidden_from_customer: bool


class OutcomeList(BaseModel):
    outcomes: list[OutcomeRow]


class ClientRow(BaseModel):
    id: int = Field(description="The client_id other tools take.")
    name: str


class UserRow(BaseModel):
    id: int = Field(description="The user_id create_ticket takes.")
    name: str
    email: str | None = None
    site_id: int | None = None
    site: str | None = None
    client_id: int | None = None
    client: str | None = None


class AgentRow(BaseModel):
    id: int = Field(description="The agent_id other tools take.")
    name: str
    team: str | None = Field(default=None, description="The agent's main team.")


class DirectoryPage(BaseModel):
    """One list, the kind asked for; the others are null."""

    clients: list[ClientRow] | None = None
    users: list[UserRow] | None = None
    agents: list[AgentRow] | None = None
    teams: list[str] | None = Field(default=None, description="Team names, as team takes them.")
    total: int = Field(description="How many match in all, across every page.")
    page: int
    has_more: bool


def _empty(value: list[str]) -> bool:
    return not value


class BulkRow(BaseModel):
    id: int
    summary: str
    status_id: int | None = None
    status: str | None = Field(default=None, description="After the change (dry run: would be).")
    warnings: list[str] = Field(default_factory=list, exclude_if=_empty)


class BulkUpdateResult(BaseModel):
    dry_run: bool = Field(description="True: nothing was written.")
    tickets: list[BulkRow] = Field(description="Each ticket, in the order given.")
