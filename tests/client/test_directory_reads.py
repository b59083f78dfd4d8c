"""The directory reads: clients by part of a name, a client's end users with email and
site, agents with their team, over real HTTP against the sandbox."""

from collections.abc import Callable

from halopsa_mcp.client import HaloClient
from halopsa_mcp.sandbox import SandboxServer


async def test_clients_are_found_by_part_of_the_name_in_any_case(
    client: Callable[..., HaloClient],
) -> None:
    async with client() as halo:
        found = await halo.list_clients(search="DENTAL")
        inactive = await halo.list_clients(search="pinewood")
        with_inactive = await halo.list_clients(search="pinewood", include_inactive=True)
    assert [(c.id, c.name) for c in found.items] == [(12, "Harbourside Dental Group")]
    assert inactive.items == []
    assert [(c.id, c.inactive) for c in with_inactive.items] == [(34, True)]


async def test_a_clients_users_come_in_pages_with_email_and_site(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    expected = sorted(u.id for u in sandbox.state.users.values() if u.client_id == 12)
    async with client() as halo:
        first = await halo.find_users(client_id=12, limit=2)
        second = await halo.find_users(client_id=12, limit=2, offset=2)
    assert first.total == len(expected)
    assert first.has_more
    assert [u.id for u in first.items + second.items] == expected[:4]
    user = first.items[0]
    seeded = sandbox.state.users[user.id]
    assert user.email == seeded.emailaddress
    assert user.site_id == seeded.site_id
    assert user.site_name == sandbox.state.sites[seeded.site_id].name
    assert (user.client_id, user.client_name) == (12, "Harbourside Dental Group")


async def test_agents_come_with_their_team(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo:
        agents = await halo.list_agents()
    seeded = sandbox.state.agents
    assert agents
    assert all(a.team == sandbox.state.teams[seeded[a.id].team_id].name for a in agents)
