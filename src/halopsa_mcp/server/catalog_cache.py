"""The instance's configuration (its catalog), each lookup fetched when a tool needs it
and kept for a while.

Every write is validated against the instance's statuses, priorities, ticket types,
outcomes and agents. Fetching them for each call would triple the API traffic, so each
is cached for ``HALOPSA_LOOKUP_TTL`` seconds: a warm validation costs no request. Each
lookup stands alone: one an instance will not show fails only the tools that need it,
and its failure is remembered briefly rather than asked again on every call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import anyio

from halopsa_mcp.client import (
    HaloClient,
    HaloError,
    HaloForbidden,
    HaloNotFound,
    HaloResponseError,
)
from halopsa_mcp.client.fetch_once import FetchOnce
from halopsa_mcp.domain.records import Client, Team
from halopsa_mcp.rules.catalog import LOOKUPS, OPTIONAL_LOOKUPS, Catalog, Lookup

log = logging.getLogger("halopsa_mcp.lookups")

# How long a lookup that was refused is not asked for again: long enough that a busy
# agent does not repeat a refused request on every call, short enough that a permission
# granted meanwhile is soon seen.
FAILURE_MEMORY = 30.0
# Answers that will be the same next time: a missing permission or endpoint, an answer
# of the wrong shape. A 5xx, a timeout, a rate limit or a token that failed can pass,
# and the model is told to try again, so the next call must really ask again.
_LASTING = (HaloForbidden, HaloNotFound, HaloResponseError)


class CatalogCache:
    """Each lookup fetched once for all callers and kept for ``ttl`` seconds (a failure
    for ``FAILURE_MEMORY``), and the clients tickets are created for, kept as long."""

    def __init__(
        self, halo: HaloClient, ttl: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._halo = halo
        self._ttl = ttl
        self._clock = clock
        fetchers: dict[Lookup, Callable[[], Awaitable[tuple[Any, ...]]]] = {
            "statuses": halo.list_statuses,
            "priorities": halo.list_priorities,
            # Inactive types too: they exist (old tickets use them), they just cannot
            # be chosen for new tickets, which the rules know from can_create.
            "ticket_types": lambda: halo.list_ticket_types(include_inactive=True),
            "outcomes": halo.list_outcomes,
            # Disabled agents still own old tickets and actions, so they are needed
            # for names.
            "agents": lambda: halo.list_agents(include_disabled=True),
            "teams": self._teams,
        }
        self._lookups = {
            name: FetchOnce(fetch, lifetime=lambda _: ttl, clock=clock)
            for name, fetch in fetchers.items()
        }
        self._failed: dict[Lookup, tuple[float, HaloError]] = {}
        self._built: dict[frozenset[Lookup], tuple[tuple[Any, ...], Catalog]] = {}
        self._clients: dict[int, tuple[float, Client]] = {}

    def _fresh(self, loaded_at: float) -> bool:
        return self._clock() - loaded_at < self._ttl

    async def get(
        self, needs: Iterable[Lookup] = LOOKUPS, *, uses: Iterable[Lookup] = ()
    ) -> Catalog:
        """The catalog with the lookups a tool ``needs`` (the first that fails raises,
        unless it is optional) and those it only ``uses`` for names (left empty, and
        named in ``unreadable``, when they fail)."""
        needed = frozenset(needs)
        wanted = needed | frozenset(uses)
        held = self._held(wanted)
        if held is not None:
            return held
        parts: dict[Lookup, tuple[Any, ...]] = {}
        errors: dict[Lookup, HaloError] = {}

        async def fetch(name: Lookup) -> None:
            # Caught here so the caller sees the client's typed error, not a task
            # group's ExceptionGroup.
            try:
                parts[name] = await self._lookup(name)
            except HaloError as exc:
                errors[name] = exc

        async with anyio.create_task_group() as tg:
            for name in LOOKUPS:
                if name in wanted:
                    tg.start_soon(fetch, name)
        for name in LOOKUPS:
            if name in errors and name in needed and name not in OPTIONAL_LOOKUPS:
                raise errors[name]
        return Catalog(**parts, unreadable=frozenset(errors))

    def _held(self, wanted: frozenset[Lookup]) -> Catalog | None:
        """The catalog of ``wanted`` when every one of them is held fresh: no task, no
        wait, and the same catalog (with its indexes) as the last call that saw the
        same lists."""
        parts: dict[Lookup, tuple[Any, ...]] = {}
        for name in LOOKUPS:
            if name in wanted:
                value = self._lookups[name].peek()
                if value is None:
                    return None
                parts[name] = value
        last = self._built.get(wanted)
        if last is not None and all(a is b for a, b in zip(last[0], parts.values(), strict=True)):
            return last[1]
        catalog = Catalog(**parts, unreadable=frozenset())
        self._built[wanted] = (tuple(parts.values()), catalog)
        return catalog

    async def _lookup(self, name: Lookup) -> tuple[Any, ...]:
        failed = self._failed.get(name)
        if failed is not None and self._clock() - failed[0] < min(FAILURE_MEMORY, self._ttl):
            raise failed[1]
        try:
            value = await self._lookups[name].get()
        except HaloError as exc:
            if name in OPTIONAL_LOOKUPS:
                log.warning("could not read the instance's %s; their names are omitted", name)
            if isinstance(exc, _LASTING):
                self._failed[name] = (self._clock(), exc)
            raise
        self._failed.pop(name, None)
        return value

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

    async def _teams(self) -> tuple[str, ...]:
        # Teams only let the rules check a team name; without them HaloPSA still does.
        teams: tuple[Team, ...] = await self._halo.list_teams()
        return tuple(team.name for team in teams if not team.inactive)
