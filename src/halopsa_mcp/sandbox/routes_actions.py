"""Actions and attachments of tickets: list, get one, add."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from halopsa_mcp.sandbox import shapes
from halopsa_mcp.sandbox.action_writes import add_action, add_attachment
from halopsa_mcp.sandbox.api import ApiRequest, api_route, saved
from halopsa_mcp.sandbox.errors import not_found
from halopsa_mcp.sandbox.models import Action


async def list_actions(call: ApiRequest) -> Response:
    """{"record_count", "actions"}, newest first unless configured oldest first."""
    query, state = call.query, call.state
    ticket_id = query.integer("ticket_id")
    with state.lock:
        actions = [
            action
            for action in state.actions.values()
            if (ticket_id is None or action.ticket_id == ticket_id) and _wanted(action, call)
        ]
        newest_first = not state.config.actions_oldest_first
        actions.sort(key=lambda a: (a.datetime, a.id), reverse=newest_first)
        total = len(actions)
        if count := query.integer("count"):
            actions = actions[:count]
        rows = [shapes.action_row(state, a) for a in actions]
    # record_count is the number of matches, as on the Tickets list, not of rows sent.
    return JSONResponse({"record_count": total, "actions": rows})


def _wanted(action: Action, call: ApiRequest) -> bool:
    query = call.query
    if query.flag("agentonly") and not action.who_agentid:
        return False
    if query.flag("excludeprivate") and action.hiddenfromuser:
        return False
    if query.flag("timeentriesonly") and not action.timetaken:
        return False
    return not (query.flag("importantonly") and not action.important)


async def get_action(call: ApiRequest) -> Response:
    action_id = call.path_id()
    ticket_id = call.query.integer("ticket_id")
    state = call.state
    with state.lock:
        action = state.actions.get(action_id)
        if action is None or ticket_id not in (None, action.ticket_id):
            raise not_found("Action", action_id)
        body = shapes.action_row(state, action)
    return JSONResponse(body)


async def post_actions(call: ApiRequest) -> Response:
    items = await call.items()
    state = call.state
    with state.lock:
        bodies = [shapes.action_row(state, add_action(state, item)) for item in items]
    return saved(state, "actions", bodies)


async def list_attachments(call: ApiRequest) -> Response:
    """{"record_count", "attachments"} without the files' bytes."""
    ticket_id = call.query.integer("ticket_id")
    action_id = call.query.integer("action_id")
    state = call.state
    with state.lock:
        rows = [
            shapes.attachment_row(a)
            for a in state.attachments.values()
            if ticket_id in (None, a.ticket_id) and action_id in (None, a.action_id)
        ]
    return JSONResponse({"record_count": len(rows), "attachments": rows})


async def get_attachment(call: ApiRequest) -> Response:
    """The file itself, named in Content-Disposition, as live HaloPSA answers; or, when
    configured so, its record as JSON, where includedetails=true adds data_base64."""
    attachment_id = call.path_id()
    state = call.state
    with state.lock:
        attachment = state.attachments.get(attachment_id)
        if attachment is None:
            raise not_found("Attachment", attachment_id)
        if state.config.attachment_by_id == "file":
            return Response(
                attachment.data,
                media_type=attachment.content_type,
                headers={"Content-Disposition": shapes.disposition(attachment.filename)},
            )
        body = shapes.attachment_row(attachment, with_data=call.query.flag("includedetails"))
    return JSONResponse(body)


async def post_attachments(call: ApiRequest) -> Response:
    """A JSON array of {ticket_id, filename, data_base64, ...}; Halo takes no multipart here."""
    items = await call.items()
    state = call.state
    with state.lock:
        bodies = [shapes.attachment_row(add_attachment(state, item)) for item in items]
    return saved(state, "attachments", bodies)


ROUTES: list[Route] = [
    api_route("GET", "/Actions", list_actions),
    api_route("POST", "/Actions", post_actions),
    api_route("GET", "/Actions/{id}", get_action),
    api_route("GET", "/Attachment", list_attachments),
    api_route("POST", "/Attachment", post_attachments),
    api_route("GET", "/Attachment/{id}", get_attachment),
]
