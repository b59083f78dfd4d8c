"""The lookups a client resolves ids with.

Status, Priority, TicketType, Outcome, Agent, Team and SLA answer with a BARE JSON
array, as live Halo does; Client, Site and Users with {"record_count", "<name>": [...]}.
"""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from halopsa_mcp.sandbox import shapes
from halopsa_mcp.sandbox.api import ApiRequest, api_route, listing
from halopsa_mcp.sandbox.errors import not_found


async def list_statuses(call: ApiRequest) -> Response:
    """tickettype_id (or ticket_id) keeps the statuses valid for that type."""
    query, state = call.query, call.state
    with state.lock:
        tickettype_id = query.integer("tickettype_id")
        if (ticket_id := query.integer("ticket_id")) is not None:
            ticket = state.tickets.get(ticket_id)
            if ticket is None:
                raise not_found("Ticket", ticket_id)
            tickettype_id = ticket.tickettype_id
        rows = [
            shapes.status_row(state, s)
            for s in sorted(state.statuses.values(), key=lambda s: s.sequence)
            if (tickettype_id is None or s.applies_to(tickettype_id))
            and not (query.flag("excludeclosed") and s.is_closed)
        ]
    return JSONResponse(rows)


async def list_priorities(call: ApiRequest) -> Response:
    """Rows of every SLA's priority table, or of one with slaid."""
    slaid = call.query.integer("slaid")
    with call.state.lock:
        rows = [shapes.priority_row(p) for p in call.state.priorities if slaid in (None, p.slaid)]
    return JSONResponse(rows)


async def list_tickettypes(call: ApiRequest) -> Response:
    """The inactive type only with showinactive; can_create_only drops the uncreatable."""
    query, state = call.query, call.state
    with state.lock:
        rows = [
            shapes.tickettype_row(state, t)
            for t in sorted(state.tickettypes.values(), key=lambda t: t.sequence)
            if (t.active or query.flag("showinactive"))
            and (t.cancreate or not query.flag("can_create_only"))
        ]
    return JSONResponse(rows)


async def list_outcomes(call: ApiRequest) -> Response:
    tickettype_id = call.query.integer("tickettype_id")
    state = call.state
    with state.lock:
        rows = [
            shapes.outcome_row(state, o)
            for o in sorted(state.outcomes.values(), key=lambda o: o.sequence)
            if tickettype_id is None or o.applies_to(tickettype_id)
        ]
    return JSONResponse(rows)


async def list_agents(call: ApiRequest) -> Response:
    """Enabled agents; includedisabled=true adds the disabled. search matches name or email."""
    query, state = call.query, call.state
    search = (query.text("search") or "").lower()
    team_id = query.integer("team_id")
    team = (query.text("team") or "").lower()
    # Halo types includedisabled as a string; "true" is what clients send.
    with_disabled = (query.text("includedisabled") or "").lower() == "true"
    with state.lock:
        rows = [
            shapes.agent_row(state, a)
            for a in state.agents.values()
            if (with_disabled or not a.isdisabled)
            and (search in a.name.lower() or search in a.email.lower())
            and team_id in (None, a.team_id)
            and (not team or state.teams[a.team_id].name.lower() == team)
        ]
    return JSONResponse(rows)


async def list_teams(call: ApiRequest) -> Response:
    with call.state.lock:
        rows = [shapes.team_row(t) for t in call.state.teams.values()]
    return JSONResponse(rows)


async def list_slas(call: ApiRequest) -> Response:
    """showpriorities=true nests each SLA's priority rows."""
    state = call.state
    with_priorities = call.query.flag("showpriorities")
    with state.lock:
        rows = [
            shapes.sla_row(state, s, with_priorities=with_priorities) for s in state.slas.values()
        ]
    return JSONResponse(rows)


async def list_clients(call: ApiRequest) -> Response:
    """Active clients (includeinactive=true adds the rest); paged like Tickets."""
    query, state = call.query, call.state
    search = (query.text("search") or "").lower()
    with state.lock:
        clients = [
            c
            for c in state.clients.values()
            if (not c.inactive or query.flag("includeinactive")) and search in c.name.lower()
        ]
        body = listing(clients, lambda c: shapes.client_row(state, c), "clients", query)
    return JSONResponse(body)


async def get_client(call: ApiRequest) -> Response:
    """One client by id, inactive ones included (Halo still shows them by id)."""
    client_id = call.path_id()
    state = call.state
    with state.lock:
        client = state.clients.get(client_id)
        if client is None:
            raise not_found("Client", client_id)
        if state.config.client_by_id == "listing":
            # The listing as GET /Client gives it: active clients only.
            active = [c for c in state.clients.values() if not c.inactive]
            rows = [shapes.client_row(state, c) for c in active]
            return JSONResponse({"record_count": len(rows), "clients": rows})
        body = shapes.client_row(state, client)
    return JSONResponse(body)


async def list_sites(call: ApiRequest) -> Response:
    client_id = call.query.integer("client_id")
    state = call.state
    with state.lock:
        rows = [
            shapes.site_row(state, s)
            for s in state.sites.values()
            if client_id in (None, s.client_id)
        ]
    return JSONResponse({"record_count": len(rows), "sites": rows})


async def list_users(call: ApiRequest) -> Response:
    """client_id, site_id and search (name or email) filters."""
    query, state = call.query, call.state
    client_id, site_id = query.integer("client_id"), query.integer("site_id")
    search = (query.text("search") or "").lower()
    with state.lock:
        rows = [
            shapes.user_row(state, u)
            for u in state.users.values()
            if client_id in (None, u.client_id)
            and site_id in (None, u.site_id)
            and (search in u.name.lower() or search in u.emailaddress.lower())
        ]
    return JSONResponse({"record_count": len(rows), "users": rows})


ROUTES: list[Route] = [
    api_route("GET", "/Status", list_statuses),
    api_route("GET", "/Priority", list_priorities),
    api_route("GET", "/TicketType", list_tickettypes),
    api_route("GET", "/Outcome", list_outcomes),
    api_route("GET", "/Agent", list_agents),
    api_route("GET", "/Team", list_teams),
    api_route("GET", "/SLA", list_slas),
    api_route("GET", "/Client", list_clients),
    api_route("GET", "/Client/{id}", get_client),
    api_route("GET", "/Site", list_sites),
    api_route("GET", "/Users", list_users),
]
