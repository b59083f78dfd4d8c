"""The instance's configuration (its catalog), fetched once and kept for a while.

Every write is validated against the instance's statuses, priorities, ticket types,
outcomes and agents. Fetching them for each call would triple the API traffic, so they
are cached for ``HALOPSA_LOOKUP_TTL`` seconds: a warm validation costs no request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import anyio

from halopsa_mcp.client import HaloClient, HaloForbidden, HaloNotFound
from halopsa_mcp.client.fetch_once import FetchOnce
from halopsa_mcp.domain.records import Agent, Client, Team, TicketType
from halopsa_mcp.rules.catalog import Catalog

log = logging.getLogger("halopsa_mcp.lookups")

T = TypeVar("T")


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
        statuses = _Part(self._halo.list_statuses)
        priorities = _Part(self._halo.list_priorities)
        # Inactive types too: they exist (old tickets use them), they just cannot be
        # chosen for new tickets, which the rules know from can_create.
        ticket_types = _Part(self._inactive_too)
        outcomes = _Part(self._halo.list_outcomes)
        agents = _Part(self._agents)
        teams = _Part(self._teams)
        errors: list[Exception] = []
        async with anyio.create_task_group() as tg:
            for part in (statuses, priorities, ticket_types, outcomes, agents, teams):
                tg.start_soon(part.fetch, errors)
        if errors:
            raise errors[0]
        return Catalog(
            statuses=statuses.value,
            priorities=priorities.value,
            ticket_types=ticket_types.value,
            outcomes=outcomes.value,
            agents=agents.value,
            teams=teams.value,
        )


class _Part(Generic[T]):
    """One part of the catalog, fetched beside the others; typed, so a part given to the
    wrong field of ``Catalog`` fails the type check rather than a call."""

    def __init__(self, call: Callable[[], Awaitable[T]]) -> None:
        self._call = call
        self._got: list[T] = []

    async def fetch(self, errors: list[Exception]) -> None:
        # Caught here so the caller sees the client's typed error, not a task group's
        # ExceptionGroup.
        try:
            self._got.append(await self._call())
        except Exception as exc:
            errors.append(exc)

    @property
    def value(self) -> T:
        return self._got[0]
