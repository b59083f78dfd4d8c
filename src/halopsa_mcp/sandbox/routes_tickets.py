"""GET /api/Tickets, GET /api/Tickets/{id}, POST /api/Tickets."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from halopsa_mcp.sandbox import shapes
from halopsa_mcp.sandbox.api import ApiRequest, api_route, listing, saved
from halopsa_mcp.sandbox.errors import not_found
from halopsa_mcp.sandbox.ticket_search import search_tickets
from halopsa_mcp.sandbox.ticket_writes import save_ticket


async def list_tickets(call: ApiRequest) -> Response:
    """{"page_no", "page_size", "record_count", "tickets"}; see api.listing for paging."""
    state = call.state
    with state.lock:
        tickets = search_tickets(state, call.query)
        body = listing(tickets, lambda t: shapes.ticket_row(state, t), "tickets", call.query)
    return JSONResponse(body)


async def get_ticket(call: ApiRequest) -> Response:
    ticket_id = call.path_id()
    state = call.state
    with state.lock:
        ticket = state.tickets.get(ticket_id)
        if ticket is None:
            raise not_found("Ticket", ticket_id)
        body = shapes.ticket_full(
            state,
            ticket,
            with_attachments=call.query.flag("includedetails"),
            with_last_action=call.query.flag("includelastaction"),
        )
    return JSONResponse(body)


async def post_tickets(call: ApiRequest) -> Response:
    """Items are saved in order; an error stops at its item and earlier ones stay saved."""
    items = await call.items()
    state = call.state
    with state.lock:
        saved_tickets = [save_ticket(state, item) for item in items]
        bodies = [
            shapes.ticket_full(state, t, with_attachments=False, with_last_action=False)
            for t in saved_tickets
        ]
    return saved(state, "tickets", bodies)


ROUTES: list[Route] = [
    api_route("GET", "/Tickets", list_tickets),
    api_route("POST", "/Tickets", post_tickets),
    api_route("GET", "/Tickets/{id}", get_ticket),
]
