"""search_directory: the clients, end users, agents and teams an agent knows by name."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from halopsa_mcp.rules.catalog import Lookup
from halopsa_mcp.rules.names import named_like
from halopsa_mcp.rules.verdict import Problem
from halopsa_mcp.server.errors import halo_errors, invalid
from halopsa_mcp.server.models import DirectoryPage
from halopsa_mcp.server.names import client_id_of
from halopsa_mcp.server.results import agent_row, client_row, user_row
from halopsa_mcp.server.services import Services, services
from halopsa_mcp.server.tools.params import ClientRef

Kind = Annotated[Literal["clients", "users", "agents", "teams"], Field()]
NamePart = Annotated[str | None, Field(max_length=200, description="Part of it, any case.")]
OfClient = Annotated[ClientRef | None, Field(description="users only: ID or name.")]
Limit = Annotated[int, Field(ge=1, le=100)]
PageNo = Annotated[int, Field(ge=1, le=10_000)]

# Where an agent's or a team's name shows when the instance will not list them.
_ELSEWHERE: dict[Lookup, str] = {
    "agents": "a ticket's agent_id and agent show in search_tickets",
    "teams": "a ticket's team shows in get_ticket",
}


async def search_directory(
    ctx: Context[Services],
    kind: Kind,
    name: NamePart = None,
    client_id: OfClient = None,
    limit: Limit = 20,
    page: PageNo = 1,
) -> DirectoryPage:
    """Find clients, end users (email, site), agents (team) or teams by part of a
    name; no name lists them all. Gives the IDs other tools take.
    """
    name = (name or "").strip() or None
    if client_id is not None and kind != "users":
        raise invalid(
            Problem("client_id", f"only kind=users takes it, not {kind}", "leave it out"),
            write=False,
        )
    if kind == "clients":
        return await _clients(ctx, name, limit, page)
    if kind == "users":
        return await _users(ctx, name, client_id, limit, page)
    return await _listed(ctx, kind, name, limit, page)


async def _clients(
    ctx: Context[Services], name: str | None, limit: int, page: int
) -> DirectoryPage:
    with halo_errors("find clients", write=False):
        found = await services(ctx).halo.list_clients(
            search=name, limit=limit, offset=(page - 1) * limit
        )
    return DirectoryPage(
        clients=[client_row(c) for c in found.items],
        total=found.total,
        page=page,
        has_more=found.has_more,
    )


async def _users(
    ctx: Context[Services], name: str | None, client: int | str | None, limit: int, page: int
) -> DirectoryPage:
    svc = services(ctx)
    client_id = None
    if client is not None:
        client_id = await client_id_of(svc, client, write=False, include_inactive=True)
    with halo_errors("find end users", write=False):
        found = await svc.halo.find_users(
            client_id=client_id, search=name, limit=limit, offset=(page - 1) * limit
        )
    return DirectoryPage(
        users=[user_row(u) for u in found.items],
        total=found.total,
        page=page,
        has_more=found.has_more,
    )


async def _listed(
    ctx: Context[Services], kind: Lookup, name: str | None, limit: int, page: int
) -> DirectoryPage:
    """Agents or teams, from the cached lookups: the lists are short, so the name is
    matched and the page cut here."""
    catalog = await services(ctx).catalog(uses=(kind,))
    if kind in catalog.unreadable:
        raise ToolError(
            f"This HaloPSA instance does not let the server's API application list {kind}; "
            f"an administrator can grant it. Meanwhile {_ELSEWHERE[kind]}."
        )
    start = (page - 1) * limit
    if kind == "agents":
        named = [(a.id, a.name) for a in catalog.agents if not a.disabled]
        ids = [id_ for id_, _ in named_like(name or "", named)]
        agents = {a.id: a for a in catalog.agents}
        rows = [agent_row(agents[id_]) for id_ in ids[start : start + limit]]
        return DirectoryPage(
            agents=rows, total=len(ids), page=page, has_more=start + limit < len(ids)
        )
    teams = [t for _, t in named_like(name or "", list(enumerate(catalog.teams)))]
    return DirectoryPage(
        teams=teams[start : start + limit],
        total=len(teams),
        page=page,
        has_more=start + limit < len(teams),
    )
