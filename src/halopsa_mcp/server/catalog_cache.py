"""The instance's configuration (its catalog), fetched once and kept for a while.

Every write is validated against the instance's statuses, priorities, ticket types,
outcomes and agents. Fetching them for each call would triple the API traffic, so they
are cached for ``HALOPSA_LOOKUP_TTL`` seconds: a warm validation costs no request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import anyio

from halopsa_mcp.client import HaloClient, HaloForbidden, HaloNotFound
from halopsa_mcp.client.fetch_once import FetchOnce
from halopsa_mcp.domain.records import Agent, Client, Team, TicketType
from halopsa_mcp.rules.catalog import Catalog

log = logging.getLogger("halopsa_mcp.lookups")


class CatalogCache:
    """The catalog, fetched once for all callers and kept for ``ttl`` seconds, and the
    clients tickets are created for, kept as long."""

    def __init__(
        self, halo: HaloClient, ttl: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._halo = halo
        self._ttl = ttl
        self._clock = clock
        self._catalog = FetchOnce(self._load, lifetime=lambda _: ttl, clock=clock)
        self._clients: dict[int, tuple[float, Client]] = {}

    def _fresh(self, loaded_at: float) -> bool:
        return self._clock() - loaded_at < self._ttl

    async def get(self) -> Catalog:
        return await self._catalog.get()

    async def client(self, client_id: int) -> Client | None:
        """The client's record, or None when HaloPSA has no such client; remembered for
        the TTL, so repeated creates for one client cost no request."""
        seen = self._clients.get(client_id)
        if seen is not None and self._fresh(seen[0]):
            return seen[1]
        try:
            record = await self._halo.get_client(client_id)
        except HaloNotFound:
            return None
        self._clients[client_id] = (self._clock(), record)
        return record

    async def _agents(self) -> tuple[Agent, ...]:
        # Disabled agents still own old tickets and actions, so they are needed for
        # names. And agents are only for names and assignment checks: an API scope
        # that may not list them must not take every tool down with it.
        try:
            return await self._halo.list_agents(include_disabled=True)
        except HaloForbidden:
            log.warning("this API application may not list agents; agent names are omitted")
            return ()

    async def _teams(self) -> tuple[str, ...]:
        # Teams only let the rules check a team name; without them HaloPSA still does.
        try:
            teams: tuple[Team, ...] = await self._halo.list_teams()
        except HaloForbidden:
            log.warning("this API application may not list teams; team names are not checked")
            return ()
        return tuple(team.name for team in teams if not team.inactive)

    async def _inactive_too(self) -> tuple[TicketType, ...]:
        return await self._halo.list_ticket_types(include_inactive=True)

    async def _load(self) -> Catalog:
        parts: dict[str, Any] = {}
        errors: list[Exception] = []

        async def fetch(name: str, call: Callable[[], Any]) -> None:
            # Caught here so the caller sees the client's typed error, not a task
            # group's ExceptionGroup.
            try:
                parts[name] = await call()
            except Exception as exc:
                errors.append(exc)

        async with anyio.create_task_group() as tg:
            tg.start_soon(fetch, "statuses", self._halo.list_statuses)
            tg.start_soon(fetch, "priorities", self._halo.list_priorities)
            # Inactive types too: they exist (old tickets use them), they just cannot
            # be chosen for new tickets, which the rules know from can_create.
            tg.start_soon(fetch, "ticket_types", self._inactive_too)
            tg.start_soon(fetch, "outcomes", self._halo.list_outcomes)
            tg.start_soon(fetch, "agents", self._agents)
            tg.start_soon(fetch, "teams", self._teams)
        if errors:
            raise errors[0]
        return Catalog(**parts)
