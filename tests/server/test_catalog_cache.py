"""The lookups cache against the sandbox: held while fresh, read afresh once stale."""

from dataclasses import replace

from halopsa_mcp.client import HaloClient
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.catalog_cache import CatalogCache

from ..helpers import FakeClock, halo_settings, requests_to

NAMES = ("statuses", "priorities", "ticket_types", "agents")


async def test_a_held_catalog_serves_until_its_lookups_go_stale(sandbox: SandboxServer) -> None:
    clock = FakeClock()
    async with HaloClient(halo_settings(sandbox)) as halo:
        cache = CatalogCache(halo, ttl=60, clock=clock)
        first = await cache.get((), uses=NAMES)
        status = first.statuses[0]
        sandbox.state.statuses[status.id] = replace(
            sandbox.state.statuses[status.id], name="Renamed meanwhile"
        )
        clock.now += 59
        held = await cache.get((), uses=NAMES)
        clock.now += 2
        fresh = await cache.get((), uses=NAMES)
    assert held.status(status.id) == first.status(status.id)
    status_now = fresh.status(status.id)
    assert status_now is not None
    assert status_now.name == "Renamed meanwhile"
    assert len(requests_to(sandbox, "GET", "/api/Status")) == 2


async def test_a_catalog_of_other_lookups_is_not_the_one_held(sandbox: SandboxServer) -> None:
    async with HaloClient(halo_settings(sandbox)) as halo:
        cache = CatalogCache(halo, ttl=60)
        names = await cache.get((), uses=NAMES)
        with_outcomes = await cache.get((), uses=(*NAMES, "outcomes"))
    assert not names.outcomes
    assert with_outcomes.outcomes
    assert with_outcomes.status(names.statuses[0].id) == names.statuses[0]
