"""What every tool works with, made once per server process by the lifespan."""

from __future__ import annotations

from dataclasses import dataclass, field

import anyio
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from halopsa_mcp.client import HaloClient, HaloNotFound
from halopsa_mcp.config import ServerSettings
from halopsa_mcp.domain.records import Ticket
from halopsa_mcp.rules.catalog import Catalog
from halopsa_mcp.server.catalog_cache import CatalogCache
from halopsa_mcp.server.create_guard import CreateGuard
from halopsa_mcp.server.errors import halo_errors


@dataclass(frozen=True)
class Services:
    halo: HaloClient
    catalogs: CatalogCache
    settings: ServerSettings
    creates: CreateGuard = field(default_factory=CreateGuard)
    # Uploads handled at once. Each holds its file a few times over while it is checked
    # and sent (the caller's base64, the JSON body for HaloPSA), so the rest wait their
    # turn rather than multiply the server's peak memory.
    uploads: anyio.Semaphore = field(default_factory=lambda: anyio.Semaphore(4))

    async def catalog(self, *, write: bool = False) -> Catalog:
        """The instance's cached catalog. ``write``: a write tool asks, so a failure must
        say that nothing was written."""
        # The error names the endpoint (e.g. GET /api/Outcome) that failed.
        with halo_errors("read the instance's lookup lists", write=write):
            return await self.catalogs.get()

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
