"""What every tool works with, made once per server process by the lifespan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from halopsa_mcp.client import HaloClient, HaloError, HaloNotFound
from halopsa_mcp.config import ServerSettings
from halopsa_mcp.rules.tickets import TicketState
from halopsa_mcp.server.errors import halo_failed
from halopsa_mcp.server.lookups import LookupCache, Lookups


@dataclass(frozen=True)
class Services:
    halo: HaloClient
    lookups: LookupCache
    settings: ServerSettings

    async def catalog_lookups(self) -> Lookups:
        try:
            return await self.lookups.get()
        except HaloError as exc:
            raise halo_failed(
                exc, "read the instance's statuses and priorities", write=False
            ) from None

    async def ticket_or_none(self, ticket_id: int) -> dict[str, Any] | None:
        """The ticket, or None when HaloPSA has no such ticket."""
        try:
            return await self.halo.get_ticket(ticket_id)
        except HaloNotFound:
            return None
        except HaloError as exc:
            raise halo_failed(exc, f"read ticket {ticket_id}", write=False) from None


def services(ctx: Context[Services]) -> Services:
    return ctx.request_context.lifespan_context


def no_such_ticket(ticket_id: int) -> ToolError:
    return ToolError(f"Ticket {ticket_id} does not exist. Find the right ID with search_tickets.")


def ticket_state(record: dict[str, Any]) -> TicketState:
    """What the rules need to know about an existing ticket."""

    def number(key: str) -> int | None:
        value = record.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    return TicketState(
        id=int(record["id"]),
        client_id=number("client_id"),
        status_id=number("status_id") or 0,
        ticket_type_id=number("tickettype_id"),
        sla_id=number("sla_id"),
        agent_id=number("agent_id"),
        has_resolution=bool(str(record.get("closure_note") or "").strip()),
    )
