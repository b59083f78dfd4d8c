"""Retries under injected faults: reads recover, writes are never replayed blind."""

import socket
import time
from collections.abc import Callable

import anyio
import pytest

from halopsa_mcp.client import (
    HaloClient,
    HaloConnectionError,
    HaloRateLimited,
    HaloResponseError,
    HaloServerError,
    RetryPolicy,
)
from halopsa_mcp.config import HaloSettings
from halopsa_mcp.domain.writes import ActionWrite, TicketWrite
from halopsa_mcp.sandbox import FaultRule, SandboxServer
from halopsa_mcp.sandbox.catalog import PRIVATE_NOTE
from tests.helpers import FAST, reconfigure, requests_to

TICKETS = "/api/Tickets"
ACTIONS = "/api/Actions"


async def some_client_id(halo: HaloClient) -> int:
    return int((await halo.list_clients(limit=1)).items[0].id)


def tickets_with_summary(sandbox: SandboxServer, summary: str) -> int:
    return sum(1 for t in sandbox.state.tickets.values() if t.summary == summary)


@pytest.mark.parametrize("retry_after", [0.2, None])
async def test_read_waits_out_a_429_burst(
    sandbox: SandboxServer, client: Callable[..., HaloClient], retry_after: float | None
) -> None:
    sandbox.state.faults.add(
        FaultRule(kind="rate_limit", times=2, path=TICKETS, retry_after=retry_after)
    )
    async with client() as halo:
        started = time.monotonic()
        page = await halo.list_tickets(limit=3)
        waited = time.monotonic() - started
    assert len(page.items) == 3
    assert requests_to(sandbox, "GET", TICKETS) == [429, 429, 200]
    if retry_after is not None:
        assert waited >= 2 * retry_after, "Retry-After was not honoured"


async def test_a_zero_retry_after_cannot_make_the_client_spin(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    sandbox.state.faults.add(FaultRule(kind="rate_limit", times=None, path=TICKETS, retry_after=0))
    policy = RetryPolicy(max_rate_limit_wait=0.5, backoff_base=0.1, backoff_cap=0.2)
    async with client(policy=policy) as halo:
        with pytest.raises(HaloRateLimited):
            await halo.list_tickets(limit=3)
    assert 2 <= len(requests_to(sandbox, "GET", TICKETS)) <= 11


async def test_a_retry_after_beyond_the_budget_fails_at_once_and_says_so(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    sandbox.state.faults.add(
        FaultRule(kind="rate_limit", times=None, path=TICKETS, retry_after=3600)
    )
    async with client() as halo:
        started = time.monotonic()
        with pytest.raises(HaloRateLimited) as err:
            await halo.list_tickets(limit=3)
    assert time.monotonic() - started < 3
    assert "Retry-After 3600s" in str(err.value)
    assert requests_to(sandbox, "GET", TICKETS) == [429]


async def test_rate_limit_gives_up_after_the_total_wait(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    sandbox.state.faults.add(FaultRule(kind="rate_limit", times=None, path=TICKETS))
    policy = RetryPolicy(max_rate_limit_wait=0.3, backoff_base=0.05, backoff_cap=0.1)
    async with client(policy=policy) as halo:
        with pytest.raises(HaloRateLimited, match="rate limit") as err:
            await halo.list_tickets(limit=3)
    assert err.value.status == 429
    attempts = requests_to(sandbox, "GET", TICKETS)
    assert 2 <= len(attempts) <= 12
    assert set(attempts) == {429}


async def test_a_write_is_replayed_after_429_and_lands_once(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    sandbox.state.faults.add(FaultRule(kind="rate_limit", times=1, method="POST", path=TICKETS))
    async with client() as halo:
        created = await halo.create_ticket(
            TicketWrite(summary="Replayed after 429", client_id=await some_client_id(halo))
        )
    assert requests_to(sandbox, "POST", TICKETS) == [429, 200]
    assert tickets_with_summary(sandbox, "Replayed after 429") == 1
    assert created.summary == "Replayed after 429"


async def test_reads_retry_on_5xx(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    sandbox.state.faults.add(
        FaultRule(kind="server_error", times=2, status=503, path="/api/Status")
    )
    async with client() as halo:
        assert await halo.list_statuses()
    assert requests_to(sandbox, "GET", "/api/Status") == [503, 503, 200]


async def test_read_retries_are_bounded(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    sandbox.state.faults.add(FaultRule(kind="server_error", times=None, path="/api/Status"))
    async with client() as halo:
        with pytest.raises(HaloServerError) as err:
            await halo.list_statuses()
    assert err.value.status == 500
    assert not err.value.may_have_applied
    assert requests_to(sandbox, "GET", "/api/Status") == [500] * (FAST.max_retries + 1)


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (FaultRule(kind="server_error", when="after"), HaloServerError),
        (FaultRule(kind="drop", when="after"), HaloConnectionError),
        (FaultRule(kind="malformed_json", when="after"), HaloResponseError),
    ],
)
async def test_a_write_the_server_may_have_done_is_never_replayed(
    sandbox: SandboxServer,
    client: Callable[..., HaloClient],
    fault: FaultRule,
    error: type[Exception],
) -> None:
    async with client() as halo:
        client_id = await some_client_id(halo)
        sandbox.state.faults.add(
            FaultRule(kind=fault.kind, when=fault.when, method="POST", path=TICKETS)
        )
        with pytest.raises(error) as err:
            await halo.create_ticket(TicketWrite(summary="Exactly once", client_id=client_id))
    assert err.value.may_have_applied  # type: ignore[attr-defined]
    assert "check the record before repeating" in str(err.value)
    assert len(requests_to(sandbox, "POST", TICKETS)) == 1
    assert tickets_with_summary(sandbox, "Exactly once") == 1


async def test_an_action_is_not_replayed_after_a_timeout(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client(HALOPSA_TIMEOUT="0.5") as halo:
        ticket = (await halo.list_tickets(limit=1)).items[0]
        before = (await halo.list_actions(ticket.id)).total
        sandbox.state.faults.add(FaultRule(kind="slow", delay=1.0, method="POST", path=ACTIONS))
        with pytest.raises(HaloConnectionError) as err:
            await halo.add_action(
                ActionWrite(ticket_id=ticket.id, outcome_id=PRIVATE_NOTE, note_html="once")
            )
        await anyio.sleep(1.0)  # let the slow server finish the write it received
        after = (await halo.list_actions(ticket.id)).total
    assert err.value.may_have_applied
    assert len(requests_to(sandbox, "POST", ACTIONS)) == 1
    assert after == before + 1


@pytest.mark.parametrize(
    "fault",
    [
        FaultRule(kind="drop", path="/api/Outcome"),
        FaultRule(kind="malformed_json", path="/api/Outcome"),
        FaultRule(kind="slow", delay=1.0, path="/api/Outcome"),
    ],
)
async def test_reads_recover_from_drops_garbage_and_timeouts(
    sandbox: SandboxServer, client: Callable[..., HaloClient], fault: FaultRule
) -> None:
    sandbox.state.faults.add(fault)
    async with client(HALOPSA_TIMEOUT="0.5") as halo:
        assert await halo.list_outcomes()
    assert len(requests_to(sandbox, "GET", "/api/Outcome")) == 2


async def test_a_write_whose_connection_never_opens_is_reported_as_not_applied(
    sandbox: SandboxServer,
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Tokens come from the sandbox; the API itself is a port nobody listens on.
    settings = HaloSettings.from_env(
        {
            "HALOPSA_URL": f"http://127.0.0.1:{port}",
            "HALOPSA_AUTH_URL": f"{sandbox.url}/auth",
            "HALOPSA_CLIENT_ID": sandbox.state.config.client_id,
            "HALOPSA_CLIENT_SECRET": sandbox.state.config.client_secret,
        }
    )
    async with HaloClient(settings, policy=FAST) as halo:
        with pytest.raises(HaloConnectionError) as err:
            await halo.create_ticket(TicketWrite(summary="never sent", client_id=12))
    assert err.value.path == "/api/Tickets"
    assert not err.value.may_have_applied
    assert "could not connect" in str(err.value)
    assert requests_to(sandbox, "POST", "/auth/token") == [200]


async def test_client_side_limiter_keeps_under_the_quota(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    reconfigure(sandbox, rate_limit_requests=4, rate_limit_window=0.5)
    async with client(HALOPSA_RATE_LIMIT="4", HALOPSA_RATE_LIMIT_WINDOW="0.6") as halo:
        for _ in range(9):
            await halo.list_statuses()
    statuses = [r.status for r in sandbox.state.request_log]
    assert 429 not in statuses
    assert statuses.count(200) == 10  # the token and nine lookups
