"""OAuth2 client credentials against the sandbox: tenant, sharing, refresh, 401 retry."""

from collections.abc import Callable

import anyio
import pytest

from halopsa_mcp.client import HaloAuthError, HaloClient, HaloServerError
from halopsa_mcp.domain.writes import ActionWrite
from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.sandbox.catalog import PRIVATE_NOTE
from tests.helpers import reconfigure, requests_to

TOKEN = "/auth/token"


async def test_token_then_bearer_request(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo:
        page = await halo.list_tickets(limit=5)
    assert len(page.items) == 5
    assert requests_to(sandbox, "POST", TOKEN) == [200]


async def test_tenant_is_sent_when_the_instance_requires_it(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    reconfigure(sandbox, tenant="acme")
    async with client(HALOPSA_TENANT="acme") as halo:
        assert await halo.list_statuses()
    token_requests = [r for r in sandbox.state.request_log if r.path == TOKEN]
    assert [r.status for r in token_requests] == [200]
    assert "tenant=acme" in token_requests[0].query


async def test_missing_tenant_fails_with_a_hint(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    reconfigure(sandbox, tenant="acme")
    async with client() as halo:
        with pytest.raises(HaloServerError, match="HALOPSA_TENANT"):
            await halo.list_statuses()
    assert requests_to(sandbox, "GET", "/api/Status") == []


async def test_bad_credentials_name_the_variables_but_not_the_secret(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client(HALOPSA_CLIENT_SECRET="wrong-secret-value") as halo:
        with pytest.raises(HaloAuthError) as err:
            await halo.list_statuses()
    assert "invalid_client" in str(err.value)
    assert "HALOPSA_CLIENT_SECRET" in str(err.value)
    assert "wrong-secret-value" not in str(err.value)
    assert requests_to(sandbox, "POST", TOKEN) == [401]


async def test_unknown_scope_points_at_the_scope_setting(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client(HALOPSA_SCOPE="admin:everything") as halo:
        with pytest.raises(HaloAuthError, match="HALOPSA_SCOPE"):
            await halo.list_statuses()


async def test_twenty_concurrent_calls_share_one_failed_token_request(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    failures: list[Exception] = []

    async def call(halo: HaloClient) -> None:
        try:
            await halo.list_statuses()
        except HaloAuthError as exc:
            failures.append(exc)

    async with client(HALOPSA_CLIENT_SECRET="wrong") as halo, anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(call, halo)
    assert len(failures) == 20
    assert requests_to(sandbox, "POST", TOKEN) == [401]


async def test_twenty_concurrent_calls_share_one_token(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo, anyio.create_task_group() as tg:
        for ticket_id in range(1, 21):
            tg.start_soon(halo.list_actions, ticket_id)
    assert requests_to(sandbox, "POST", TOKEN) == [200]
    assert len(requests_to(sandbox, "GET", "/api/Actions")) == 20


async def test_an_expired_token_is_replaced_without_a_401(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    reconfigure(sandbox, token_lifetime=1.0)
    async with client() as halo:
        await halo.list_statuses()
        await anyio.sleep(1.0)
        await halo.list_statuses()
    assert requests_to(sandbox, "POST", TOKEN) == [200, 200]
    assert 401 not in requests_to(sandbox, "GET", "/api/Status")


async def test_a_revoked_token_is_replaced_once_on_401(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo:
        await halo.list_statuses()
        sandbox.state.expire_all_tokens()
        assert await halo.list_statuses()
    assert requests_to(sandbox, "GET", "/api/Status") == [200, 401, 200]
    assert requests_to(sandbox, "POST", TOKEN) == [200, 200]


async def test_a_write_is_replayed_after_401_because_nothing_was_done(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client() as halo:
        ticket = (await halo.list_tickets(limit=1)).items[0]
        before = len((await halo.list_actions(ticket.id)).items)
        sandbox.state.faults.add(FaultRule(kind="expire_token", method="POST", path="/api/Actions"))
        await halo.add_action(
            ActionWrite(ticket_id=ticket.id, outcome_id=PRIVATE_NOTE, note_html="hi")
        )
        after = len((await halo.list_actions(ticket.id)).items)
    assert requests_to(sandbox, "POST", "/api/Actions") == [401, 200]
    assert after == before + 1


async def test_persistent_401_stops_after_one_fresh_token(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    sandbox.state.faults.add(FaultRule(kind="expire_token", times=None, path="/api/Status"))
    async with client() as halo:
        with pytest.raises(HaloAuthError, match="freshly issued token"):
            await halo.list_statuses()
    assert requests_to(sandbox, "GET", "/api/Status") == [401, 401]
