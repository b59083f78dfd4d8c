"""Records as the JSON objects Halo serves. Every key is a property of the named schema.

Ticket objects carry client, site and user names, which a client would otherwise look
up per customer, but not status, priority, type or agent names: those come from small
instance-wide lookups a client fetches once and caches, which is how it must resolve
ids against a real instance anyway.

Times are UTC without an offset ("2026-11-01T09:00:00"), the way Halo writes them.
"""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import quote

from halopsa_mcp.sandbox.action_writes import API_AGENT_ID, API_AGENT_NAME
from halopsa_mcp.sandbox.models import (
    Action,
    Agent,
    Attachment,
    Client,
    Outcome,
    Priority,
    Site,
    Sla,
    Status,
    StatusType,
    Team,
    Ticket,
    TicketType,
    User,
)
from halopsa_mcp.sandbox.state import SandboxState
from halopsa_mcp.sandbox.times import timestamp

Json = dict[str, Any]


# --- tickets (schema Faults) -----------------------------------------------------------


def ticket_row(state: SandboxState, ticket: Ticket) -> Json:
    """The lighter shape of GET /api/Tickets rows."""
    user = state.users.get(ticket.user_id) if ticket.user_id else None
    row = {
        "id": ticket.id,
        "summary": ticket.summary,
        "client_id": ticket.client_id,
        "client_name": state.clients[ticket.client_id].name,
        "site_id": ticket.site_id,
        "site_name": state.sites[ticket.site_id].name,
        "user_id": ticket.user_id,
        "user_name": user.name if user else None,
        "tickettype_id": ticket.tickettype_id,
        "status_id": ticket.status_id,
        "priority_id": ticket.priority_id,
        "sla_id": ticket.sla_id,
        "agent_id": ticket.agent_id,
        "team": ticket.team,
        "category_1": ticket.category_1,
        "onhold": state.statuses[ticket.status_id].type == StatusType.PAUSED,
        "dateoccurred": timestamp(ticket.dateoccurred),
        "datecreated": timestamp(ticket.datecreated),
        "lastactiondate": timestamp(ticket.lastactiondate),
        "last_update": timestamp(ticket.last_update),
        "fixbydate": timestamp(ticket.fixbydate),
        "dateclosed": timestamp(ticket.dateclosed),
    }
    if state.config.ticket_rows_without_names:
        for name in ("client_name", "site_name", "user_name"):
            del row[name]
    return _sla_shown(state, row)


# How a tenant that tracks no SLA writes a date it has not set.
_UNSET_DATE = "1900-01-01T00:00:00"
_SLA_DATES = ("fixbydate", "respondbydate", "deadlinedate")


def _sla_shown(state: SandboxState, shown: Json) -> Json:
    """``shown`` as a tenant configured by sla_dates would send it."""
    mode = state.config.sla_dates
    if mode == "absent":
        return {k: v for k, v in shown.items() if k not in (*_SLA_DATES, "onhold")}
    if mode == "placeholders":
        return shown | dict.fromkeys(_SLA_DATES, _UNSET_DATE)
    return shown


def ticket_full(
    state: SandboxState, ticket: Ticket, *, with_attachments: bool, with_last_action: bool
) -> Json:
    """GET /api/Tickets/{id} and the answer to POST /api/Tickets."""
    user = state.users.get(ticket.user_id) if ticket.user_id else None
    attachments = [a for a in state.attachments.values() if a.ticket_id == ticket.id]
    full = ticket_row(state, ticket) | {
        "details": ticket.details,
        "details_html": ticket.details_html,
        "category_2": ticket.category_2,
        "reportedby": ticket.reportedby,
        "user_email": user.emailaddress if user else None,
        "respondbydate": timestamp(ticket.respondbydate),
        "hasbeenclosed": ticket.hasbeenclosed,
        "closure_note": ticket.closure_note,
        "timetaken": ticket.timetaken,
        "attachment_count": len(attachments),
    }
    full = _sla_shown(state, full)
    if with_attachments:
        full["attachments"] = [attachment_row(a) for a in attachments]
    if with_last_action:
        full |= _last_action(state, ticket.id)
    return full


def _last_action(state: SandboxState, ticket_id: int) -> Json:
    """Faults has no nested last-action object; these flat action_* fields are its form."""
    actions = [a for a in state.actions.values() if a.ticket_id == ticket_id]
    if not actions:
        return {}
    last = max(actions, key=lambda a: (a.datetime, a.id))
    return {
        "action_number": last.id,
        "action_outcome": state.outcomes[last.outcome_id].outcome,
        "action_note": last.note,
        "action_datetime": timestamp(last.datetime),
        "action_agent_name": _agent_name(state, last.who_agentid),
    }


def _agent_name(state: SandboxState, agent_id: int) -> str | None:
    """An agent's name, the API application's own agent included."""
    agent = state.agents.get(agent_id)
    if agent is not None:
        return agent.name
    return API_AGENT_NAME if agent_id == API_AGENT_ID and agent_id else None


# --- actions and attachments -----------------------------------------------------------


def action_row(state: SandboxState, action: Action) -> Json:
    """Schema Actions. timetaken is in hours, as a decimal. The schema has no ``who``
    (the author's name), which live tenants have been seen to send: its absence is the
    harder case for a client, whose author then is only an ID no agent list holds."""
    return {
        "id": action.id,
        "ticket_id": action.ticket_id,
        "outcome": state.outcomes[action.outcome_id].outcome,
        "outcome_id": action.outcome_id,
        "note": action.note,
        "note_html": action.note_html,
        "hiddenfromuser": action.hiddenfromuser,
        "timetaken": action.timetaken,
        "new_status": action.new_status,
        "who_agentid": action.who_agentid,
        "actionby_application_id": action.application,
        "datetime": timestamp(action.datetime),
        "actisbillable": action.actisbillable,
        "important": action.important,
        "sendemail": action.sendemail,
        "emailto": action.emailto,
    }


def attachment_row(attachment: Attachment, *, with_data: bool = False) -> Json:
    """Schema Attachment; the file's bytes only on request, as base64."""
    row: Json = {
        "id": attachment.id,
        "ticket_id": attachment.ticket_id,
        "action_id": attachment.action_id,
        "filename": attachment.filename,
        "filesize": len(attachment.data),
        "isimage": attachment.isimage,
        "content_type": attachment.content_type,
        "desc": attachment.desc,
        "datecreated": timestamp(attachment.datecreated),
    }
    if with_data:
        row["data_base64"] = base64.b64encode(attachment.data).decode("ascii")
    return row


def disposition(filename: str) -> str:
    """Content-Disposition for a download: a plain-ASCII name for old readers and the
    exact one in RFC 6266's ``filename*``."""
    plain = "".join(c if " " <= c < "\x7f" and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"


# --- lookups ---------------------------------------------------------------------------


def status_row(state: SandboxState, status: Status) -> Json:
    """Schema TStatus."""
    row: Json = {
        "id": status.id,
        "name": status.name,
        "shortname": status.shortname,
        "type": int(status.type),
        "sequence": status.sequence,
        "colour": status.colour,
    }
    if status.tickettype_ids:
        row["tickettypes"] = _type_pairs(state, status.tickettype_ids)
    return row


def priority_row(priority: Priority) -> Json:
    """Schema Policy: `id` is the row's uuid, `priorityid` the number tickets use."""
    return {
        "id": priority.uid,
        "priorityid": priority.priorityid,
        "slaid": priority.slaid,
        "name": priority.name,
        "responsetime": priority.responsetime,
        "responseunits": priority.responseunits,
        "fixtime": priority.fixtime,
        "fixunits": priority.fixunits,
        "colour": priority.colour,
        "ishidden": False,
    }


def tickettype_row(state: SandboxState, tickettype: TicketType) -> Json:
    """Schema RequestType; `visible` false marks the inactive type. Its SLA goes under
    the key and in the form the instance is configured with."""
    config = state.config
    sla = _sla_written(state, tickettype.default_sla, config.ticket_type_sla_form)
    key = config.ticket_type_sla_key
    return {
        "id": tickettype.id,
        "name": tickettype.name,
        "use": tickettype.use,
        "sequence": tickettype.sequence,
        **({key: sla} if key else {}),
        "initial_status": tickettype.initial_status,
        "workflow_id": 0,
        "cancreate": tickettype.cancreate,
        "agentscanselect": tickettype.cancreate,
        "visible": tickettype.active,
        "hasmandatorytechfields": False,
        "allowattachments": True,
    }


def _sla_written(state: SandboxState, sla_id: int, form: str) -> object:
    if form == "text":
        return str(sla_id)
    if form == "object":
        return {"id": sla_id, "name": state.slas[sla_id].name}
    return sla_id


def outcome_row(state: SandboxState, outcome: Outcome) -> Json:
    """Schema TOutcome; `outcome` is the name actions refer to."""
    row: Json = {
        "id": outcome.id,
        "outcome": outcome.outcome,
        "buttonname": outcome.buttonname,
        "sequence": outcome.sequence,
        "newstatus": outcome.newstatus,
        "hidefromuser": outcome.hidefromuser,
        "mustaddnote": outcome.mustaddnote,
        "defaultmanhrs": outcome.defaultmanhrs,
    }
    if outcome.tickettype_ids:
        row["tickettypes"] = _type_pairs(state, outcome.tickettype_ids)
    return row


def _type_pairs(state: SandboxState, tickettype_ids: tuple[int, ...]) -> list[Json]:
    # The OpenAPI file types these lists as KeyPair2: string value, label.
    return [{"value": str(i), "label": state.tickettypes[i].name} for i in tickettype_ids]


def agent_row(state: SandboxState, agent: Agent) -> Json:
    """Schema Uname; `team` is the agent's main team by name."""
    return {
        "id": agent.id,
        "name": agent.name,
        "firstname": agent.firstname,
        "surname": agent.surname,
        "initials": agent.initials,
        "email": agent.email,
        "jobtitle": agent.jobtitle,
        "team": state.teams[agent.team_id].name,
        "isdisabled": agent.isdisabled,
    }


def team_row(team: Team) -> Json:
    """Schema SectionDetail."""
    return {
        "id": team.id,
        "name": team.name,
        "sequence": team.sequence,
        "inactive": False,
        "forrequests": True,
    }


def sla_row(state: SandboxState, sla: Sla, *, with_priorities: bool) -> Json:
    """Schema SlaHead."""
    row: Json = {
        "id": sla.id,
        "name": sla.name,
        "trackslaresponsetime": True,
        "trackslafixbytime": True,
    }
    if with_priorities:
        row["priorities"] = [priority_row(p) for p in state.priorities if p.slaid == sla.id]
    return row


def client_row(state: SandboxState, client: Client) -> Json:
    """Schema Area."""
    return {
        "id": client.id,
        "name": client.name,
        "inactive": client.inactive,
        "website": client.website,
        "main_site_id": client.main_site_id,
        "main_site_name": state.sites[client.main_site_id].name,
    }


def site_row(state: SandboxState, site: Site) -> Json:
    """Schema Site."""
    return {
        "id": site.id,
        "name": site.name,
        "client_id": site.client_id,
        "client_name": state.clients[site.client_id].name,
        "phonenumber": site.phonenumber,
    }


def user_row(state: SandboxState, user: User) -> Json:
    """Schema Users."""
    return {
        "id": user.id,
        "name": user.name,
        "firstname": user.firstname,
        "surname": user.surname,
        "emailaddress": user.emailaddress,
        "phonenumber": user.phonenumber,
        "site_id": user.site_id,
        "site_name": state.sites[user.site_id].name,
        "client_id": user.client_id,
        "client_name": state.clients[user.client_id].name,
    }
