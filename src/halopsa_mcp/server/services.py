"""What every tool works with, made once per server process by the lifespan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import anyio
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from halopsa_mcp.client import HaloClient, HaloError, HaloNotFound
from halopsa_mcp.config import ServerSettings
from halopsa_mcp.domain.records import Ticket
from halopsa_mcp.rules.catalog import Catalog, Lookup
from halopsa_mcp.server.catalog_cache import CatalogCache
from halopsa_mcp.server.create_guard import CreateGuard
from halopsa_mcp.server.errors import halo_errors, halo_failed
from halopsa_mcp.server.open_search import OpenFilterSeen

# What each kind of tool cannot work without; the rest of what they show are names,
# left out (IDs kept) when the instance will not list them.
NAMES: tuple[Lookup, ...] = ("statuses", "priorities", "ticket_types", "agents")
TICKET_WRITES: tuple[Lookup, ...] = ("statuses", "priorities", "ticket_types")
ACTION_WRITES: tuple[Lookup, ...] = ("statuses", "ticket_types", "outcomes")


@dataclass(frozen=True)
class Services:
    halo: HaloClient
    catalogs: CatalogCache
    settings: ServerSettings
    # Whether HaloPSA's open_only holds here, learnt as the lookups are (same lifetime).
    open_filter: OpenFilterSeen
    creates: CreateGuard = field(default_factory=CreateGuard)
    # Uploads handled at once. Each holds its file a few times over while it is checked
    # and sent (the caller's base64, the JSON body for HaloPSA), so the rest wait their
    # turn rather than multiply the server's peak memory.
    uploads: anyio.Semaphore = field(default_factory=lambda: anyio.Semaphore(4))

    async def catalog(
        self, *needs: Lookup, uses: Iterable[Lookup] = (), write: bool = False
    ) -> Catalog:
        """The instance's cached lookups a tool ``needs``, and those it only ``uses`` for
        names. ``write``: a write tool asks, so a failure must say that nothing was
        written."""
        try:
            return await self.catalogs.get(needs, uses=uses)
        except HaloError as exc:
            # Named by its endpoint (e.g. /api/Outcome): the permission an operator grants.
            listed = exc.path or ", ".join(needs)
            raise halo_failed(exc, f"read the lookup list {listed}", write=write) from None

    async def ticket_or_none(self, ticket_id: int, *, write: bool = False) -> Ticket | None:
        """The ticket, or None when HaloPSA has no such ticket. ``write``: the read is the
        first step of a write, so a failure must say that nothing was written."""
        with halo_errors(f"read ticket {ticket_id}", write=write):
            try:
                return await self.halo.get_ticket(ticket_id)
            except HaloNotFound:
                return None


def services(ctx: Context[Services]) -> Services:
    return ctx.request_context.lifespan_context


def no_such_ticket(ticket_id: int, *, write: bool = False) -> ToolError:
    written = " Nothing was written." if write else ""
    return ToolError(
        f"Ticket {ticket_id} does not exist.{written} Find the right ID with search_tickets."
    )
