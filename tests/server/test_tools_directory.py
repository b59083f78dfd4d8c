"""search_directory through a real MCP client against the sandbox: clients, a client's
end users, agents with their team, teams; names matched in any case, pages counted."""

from collections.abc import Callable

from mcp import Client
from mcp.server import MCPServer

from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.server.services import Services
from tests.helpers import reconfigure

from .conftest import ok, refusal

Make = Callable[..., MCPServer[Services]]


async def test_clients_are_found_by_part_of_the_name_in_any_case(make_server: Make) -> None:
    async with Client(make_server()) as c:
        found = ok(await c.call_tool("search_directory", {"kind": "clients", "name": "DENTAL"}))
        every = ok(await c.call_tool("search_directory", {"kind": "clients", "limit": 2}))
    assert found["clients"] == [{"id": 12, "name": "Harbourside Dental Group"}]
    assert (found["total"], found["has_more"]) == (1, False)
    assert len(every["clients"]) == 2
    assert every["has_more"]
    # The inactive client cannot take new tickets, so it is not offered.
    assert every["total"] == 6


async def test_a_clients_users_are_listed_with_email_and_site_by_the_clients_name(
    sandbox: SandboxServer, make_server: Make
) -> None:
    seeded = sorted(u.id for u in sandbox.state.users.values() if u.client_id == 31)
    args = {"kind": "users", "client_id": "castell", "limit": 2}
    async with Client(make_server()) as c:
        first = ok(await c.call_tool("search_directory", args))
        second = ok(await c.call_tool("search_directory", {**args, "page": 2}))
    assert first["total"] == len(seeded)
    assert first["has_more"]
    rows = first["users"] + second["users"]
    assert [u["id"] for u in rows] == seeded[:4]
    user = sandbox.state.users[rows[0]["id"]]
    assert rows[0] == {
        "id": user.id,
        "name": user.name,
        "email": user.emailaddress,
        "site_id": user.site_id,
        "site": sandbox.state.sites[user.site_id].name,
        "client_id": 31,
        "client": "Castell Engineering",
    }


async def test_users_are_found_by_name_in_any_case(
    sandbox: SandboxServer, make_server: Make
) -> None:
    user = next(u for u in sandbox.state.users.values() if u.client_id == 15)
    args = {"kind": "users", "name": user.surname.upper(), "client_id": 15}
    async with Client(make_server()) as c:
        by_name = ok(await c.call_tool("search_directory", args))
    assert user.id in [u["id"] for u in by_name["users"]]
    assert {u["client_id"] for u in by_name["users"]} == {15}


async def test_agents_come_with_their_team_and_teams_by_name(make_server: Make) -> None:
    async with Client(make_server()) as c:
        agents = ok(await c.call_tool("search_directory", {"kind": "agents", "name": "SOFIA"}))
        every = ok(await c.call_tool("search_directory", {"kind": "agents"}))
        teams = ok(await c.call_tool("search_directory", {"kind": "teams", "name": "infra"}))
    assert agents["agents"] == [{"id": 6, "name": "Sofia Alvarez", "team": "Infrastructure"}]
    # Ravi Desai left: named on old tickets, but not offered.
    assert 9 not in [a["id"] for a in every["agents"]]
    assert every["total"] == 7
    assert teams["teams"] == ["Infrastructure"]


async def test_an_ambiguous_client_name_is_refused_with_the_candidates(make_server: Make) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("search_directory", {"kind": "users", "client_id": "ar"}))
    assert "client_id: 'ar' matches 3 clients" in text
    for candidate in ("12 Harbourside Dental Group", "23 Meridian Architecture", "27 Oakridge"):
        assert candidate in text


async def test_a_client_filter_is_refused_where_it_does_not_apply(make_server: Make) -> None:
    async with Client(make_server()) as c:
        text = refusal(await c.call_tool("search_directory", {"kind": "agents", "client_id": 12}))
    assert "client_id: only kind=users takes it" in text


async def test_unreadable_agents_and_teams_are_said_so_and_other_tools_work(
    sandbox: SandboxServer, make_server: Make
) -> None:
    reconfigure(sandbox, unreadable_lookups=(("Agent", 403), ("Team", 404)))
    async with Client(make_server()) as c:
        agents = refusal(await c.call_tool("search_directory", {"kind": "agents"}))
        teams = refusal(await c.call_tool("search_directory", {"kind": "teams"}))
        clients = ok(await c.call_tool("search_directory", {"kind": "clients", "name": "oak"}))
        tickets = ok(await c.call_tool("search_tickets", {"limit": 1}))
    assert "does not let the server's API application list agents" in agents
    assert "search_tickets" in agents
    assert "list teams" in teams
    assert clients["clients"] == [{"id": 27, "name": "Oakridge Veterinary Clinic"}]
    assert tickets["tickets"]
