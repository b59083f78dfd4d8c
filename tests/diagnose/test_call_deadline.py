"""One deadline per tool call (HALOPSA_CALL_TIMEOUT), retries and waits included."""

import time

import anyio
import pytest
from mcp import Client

from halopsa_mcp.client import RetryPolicy
from halopsa_mcp.config import ConfigError, HaloSettings, ServerSettings
from halopsa_mcp.sandbox import SandboxServer
from halopsa_mcp.sandbox.faults import FaultRule
from halopsa_mcp.server.app import build_server
from tests.helpers import NO_WARM_UP, halo_settings, requests_to
from tests.server.conftest import ok, refusal

from .servers import silent_host

# Small on purpose: without one bound for the whole call, 3 retries of a 0.5 s timeout
# plus backoff run well past the 2 s the operator allowed.
SMALL = {
    "HALOPSA_TIMEOUT": "0.5",
    "HALOPSA_CONNECT_TIMEOUT": "0.5",
    "HALOPSA_MAX_RETRIES": "3",
    "HALOPSA_CALL_TIMEOUT": "2",
}
SLOW_BACKOFF = RetryPolicy(max_retries=3, max_rate_limit_wait=60, backoff_base=2.0)


async def test_a_host_that_never_answers_ends_the_call_within_its_bound() -> None:
    with silent_host() as url:
        settings = HaloSettings.from_env(
            {"HALOPSA_URL": url, "HALOPSA_CLIENT_ID": "c", "HALOPSA_CLIENT_SECRET": "s", **SMALL}
        )
        server = build_server(settings, ServerSettings.from_env(NO_WARM_UP), policy=SLOW_BACKOFF)
        async with Client(server) as c:
            started = time.monotonic()
            text = refusal(await c.call_tool("search_tickets", {"text": "printer"}))
            took = time.monotonic() - started
    assert took < 10, took  # "does not hang": the bound is 2 s, without it ~15 s
    assert "2s" in text
    assert "HALOPSA_CALL_TIMEOUT" in text


async def test_a_write_cut_by_the_deadline_may_have_been_applied(sandbox: SandboxServer) -> None:
    # Each attempt may take 2.5 s, but the call only 2 s: the deadline, not the request
    # timeout, cuts the write off after it was sent.
    settings = halo_settings(sandbox, **{**SMALL, "HALOPSA_TIMEOUT": "2"})
    server = build_server(settings, ServerSettings.from_env(NO_WARM_UP), policy=SLOW_BACKOFF)
    async with Client(server) as c:
        ok(await c.call_tool("list_outcomes", {}))  # token and lookups fetched
        # The note is stored, then its answer never comes in time.
        sandbox.state.faults.add(
            FaultRule(kind="slow", delay=5, method="POST", path="/api/Actions")
        )
        text = refusal(await c.call_tool("add_action", {"ticket_id": 1001, "note": "Called back."}))
    assert "may already have done it" in text
    assert "Do NOT repeat" in text
    assert "HALOPSA_CALL_TIMEOUT" in text
    assert len(requests_to(sandbox, "POST", "/api/Actions")) <= 1  # never replayed


async def test_rate_limit_waits_stop_at_the_bound(sandbox: SandboxServer) -> None:
    settings = halo_settings(sandbox, **SMALL)
    server = build_server(settings, ServerSettings.from_env(NO_WARM_UP), policy=SLOW_BACKOFF)
    async with Client(server) as c:
        ok(await c.call_tool("list_outcomes", {}))
        sandbox.state.faults.add(
            FaultRule(kind="rate_limit", times=None, retry_after=1, path="/api/Tickets")
        )
        started = time.monotonic()
        text = refusal(await c.call_tool("search_tickets", {"text": "printer"}))
    assert time.monotonic() - started < 10
    assert "HALOPSA_CALL_TIMEOUT" in text


def test_the_bound_must_cover_one_attempt() -> None:
    base = {"HALOPSA_URL": "https://a.halopsa.com", "HALOPSA_CLIENT_ID": "c",
            "HALOPSA_CLIENT_SECRET": "s"}  # fmt: skip
    assert HaloSettings.from_env(base).call_timeout == 60
    assert HaloSettings.from_env({**base, "HALOPSA_TIMEOUT": "90"}).call_timeout == 100
    with pytest.raises(ConfigError) as err:
        HaloSettings.from_env({**base, "HALOPSA_TIMEOUT": "30", "HALOPSA_CALL_TIMEOUT": "10"})
    assert "HALOPSA_CALL_TIMEOUT" in str(err.value)
    assert "HALOPSA_TIMEOUT" in str(err.value)


async def test_a_call_waiting_on_a_fetch_it_shares_still_ends_at_its_bound(
    sandbox: SandboxServer,
) -> None:
    # Warm-up (no call, so no call deadline) holds the lookup load while Status is slow;
    # a call waiting for that load is stopped at its own bound all the same.
    sandbox.state.faults.add(FaultRule(kind="slow", delay=5, times=None, path="/api/Status"))
    settings = halo_settings(sandbox, **{**SMALL, "HALOPSA_CALL_TIMEOUT": "0.5"})
    server = build_server(settings, ServerSettings(), policy=SLOW_BACKOFF)
    async with Client(server) as c:
        await c.list_tools()  # the handshake is answered: the warm-up starts
        await anyio.sleep(1)  # warm-up has taken the token and started the load by now
        started = time.monotonic()
        text = refusal(await c.call_tool("list_statuses", {}))
        took = time.monotonic() - started
        sandbox.state.faults.clear()
    assert took < 10, took
    assert "did not finish within 0.5s (HALOPSA_CALL_TIMEOUT) and was stopped" in text
