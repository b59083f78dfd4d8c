"""Pacing over real HTTP: a spent request budget is answered at once with when to come
back, never by holding the call for minutes (issue 10 item 15)."""

from collections.abc import Callable

import anyio
import pytest

from halopsa_mcp.client import HaloClient, HaloRateLimited, RetryPolicy
from halopsa_mcp.config import HaloSettings
from halopsa_mcp.domain.writes import TicketWrite
from halopsa_mcp.sandbox import FaultRule, SandboxServer
from tests.helpers import reconfigure, requests_to

STATUS = "/api/Status"
TICKETS = "/api/Tickets"
# Backoff as the defaults give it (HALOPSA_MAX_RATE_LIMIT_WAIT), only quicker steps.
BRIEF = RetryPolicy(max_retries=3, max_rate_limit_wait=1.0, backoff_base=0.05, backoff_cap=0.2)


def api_requests(sandbox: SandboxServer) -> int:
    return sum(1 for r in sandbox.state.request_log if r.path.startswith("/api/"))


async def test_a_spent_budget_is_refused_unsent_with_when_to_come_back(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    # The token and two lookups use the budget of 3 per minute.
    async with client(HALOPSA_RATE_LIMIT="3", HALOPSA_RATE_LIMIT_WINDOW="60") as halo:
        await halo.list_statuses()
        await halo.list_priorities()
        with anyio.fail_after(20):  # does not hang: unbounded, it would wait a minute
            with pytest.raises(HaloRateLimited) as err:
                await halo.list_ticket_types()
    assert api_requests(sandbox) == 2  # the third was never sent
    assert err.value.retry_in is not None
    assert 50 < err.value.retry_in <= 60
    assert "request budget of 3 per 60s" in str(err.value)
    assert f"try again in about {int(err.value.retry_in) + 1} s" in str(err.value)
    assert not err.value.may_have_applied


async def test_a_spent_budget_refuses_a_write_without_sending_it(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client(HALOPSA_RATE_LIMIT="2", HALOPSA_RATE_LIMIT_WINDOW="60") as halo:
        await halo.list_statuses()
        with anyio.fail_after(20), pytest.raises(HaloRateLimited) as err:
            await halo.create_ticket(TicketWrite(summary="Over budget", client_id=12))
    assert requests_to(sandbox, "POST", TICKETS) == []
    assert not err.value.may_have_applied
    assert err.value.retry_in is not None


async def test_a_short_wait_for_the_budget_is_still_waited_out(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    async with client(HALOPSA_RATE_LIMIT="2", HALOPSA_RATE_LIMIT_WINDOW="0.3") as halo:
        with anyio.fail_after(20):
            for _ in range(5):
                await halo.list_statuses()
    assert requests_to(sandbox, "GET", STATUS) == [200] * 5


async def test_many_calls_on_a_nearly_spent_budget_each_get_a_prompt_answer(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    served: list[int] = []
    refused: list[HaloRateLimited] = []
    async with client(HALOPSA_RATE_LIMIT="6", HALOPSA_RATE_LIMIT_WINDOW="60") as halo:
        await halo.authenticate()  # one of the six

        async def one_call() -> None:
            try:
                served.append(len(await halo.list_statuses()))
            except HaloRateLimited as exc:
                refused.append(exc)

        with anyio.fail_after(20):  # none hangs
            async with anyio.create_task_group() as tg:
                for _ in range(25):
                    tg.start_soon(one_call)
    assert len(served) == 5
    assert len(refused) == 20
    assert all(r.retry_in is not None and 50 < r.retry_in <= 60 for r in refused)
    assert requests_to(sandbox, "GET", STATUS) == [200] * 5


async def test_a_429_without_retry_after_backs_off_briefly_then_says_when(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    # The tenant counts requests we do not (other clients of the same API application).
    reconfigure(sandbox, rate_limit_requests=3, rate_limit_window=60)
    async with client(policy=BRIEF, HALOPSA_RATE_LIMIT_WINDOW="60") as halo:
        await halo.list_statuses()
        await halo.list_priorities()
        await halo.list_ticket_types()
        with anyio.fail_after(20), pytest.raises(HaloRateLimited) as err:
            await halo.list_outcomes()
    assert err.value.status == 429
    # The latest our oldest request leaves HaloPSA's window, not a guess of minutes.
    assert err.value.retry_in is not None
    assert 50 < err.value.retry_in <= 60
    assert "Rate Limit Reached" in str(err.value)
    assert "try again in about" in str(err.value)


async def test_a_429_with_retry_after_says_to_come_back_then(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    sandbox.state.faults.add(FaultRule(kind="rate_limit", times=None, path=TICKETS, retry_after=90))
    async with client() as halo:
        with anyio.fail_after(20), pytest.raises(HaloRateLimited) as err:
            await halo.list_tickets(limit=3)
    assert err.value.retry_in == 90
    assert "try again in about 90 s" in str(err.value)
    assert requests_to(sandbox, "GET", TICKETS) == [429]


async def test_by_default_a_persistent_429_is_given_up_within_seconds(
    sandbox: SandboxServer, settings: Callable[..., HaloSettings]
) -> None:
    # No policy passed: the one HALOPSA_MAX_RATE_LIMIT_WAIT's default gives.
    sandbox.state.faults.add(FaultRule(kind="rate_limit", times=None, path=TICKETS))
    async with HaloClient(settings()) as halo:
        with anyio.fail_after(30), pytest.raises(HaloRateLimited) as err:
            await halo.list_tickets(limit=3)
    assert err.value.retry_in is not None
    assert "HALOPSA_MAX_RATE_LIMIT_WAIT is 5s" in str(err.value)


async def test_a_429_from_the_token_endpoint_is_a_rate_limit_not_a_wrong_url(
    sandbox: SandboxServer, client: Callable[..., HaloClient]
) -> None:
    sandbox.state.faults.add(FaultRule(kind="rate_limit", times=None, path="/auth/token"))
    async with client(policy=BRIEF) as halo:
        with anyio.fail_after(20), pytest.raises(HaloRateLimited) as err:
            await halo.list_statuses()
    assert err.value.retry_in is not None
    assert "try again in about" in str(err.value)
