"""The shared token cache and the rolling-window limiter, on a fake clock."""

import anyio
import pytest

from halopsa_mcp.client.auth import Token, TokenCache, refresh_margin
from halopsa_mcp.client.ratelimit import RollingWindowLimiter
from tests.helpers import FakeClock


class Issuer:
    """Stands in for the token endpoint: numbers each token it issues."""

    def __init__(self, lifetime: float) -> None:
        self.lifetime = lifetime
        self.issued: list[str] = []

    async def __call__(self) -> Token:
        await anyio.sleep(0.01)  # let concurrent callers pile up behind the lock
        self.issued.append(f"t{len(self.issued) + 1}")
        return Token(value=self.issued[-1], expires_in=self.lifetime)


async def test_concurrent_callers_share_one_fetch() -> None:
    clock = FakeClock()
    issuer = Issuer(3600)
    cache = TokenCache(issuer, clock=clock)
    got: list[str] = []

    async def call() -> None:
        got.append(await cache.get())

    async with anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(call)
    assert issuer.issued == ["t1"]
    assert got == ["t1"] * 20


async def test_token_is_refreshed_shortly_before_expiry() -> None:
    clock = FakeClock()
    issuer = Issuer(3600)
    cache = TokenCache(issuer, clock=clock)
    assert await cache.get() == "t1"
    clock.now += 3600 - refresh_margin(3600) - 1
    assert await cache.get() == "t1"
    clock.now += 2
    assert await cache.get() == "t2"


def test_refresh_margin_is_a_minute_or_a_tenth_of_a_short_life() -> None:
    assert refresh_margin(3600) == 60
    assert refresh_margin(10) == 1


async def test_invalidate_only_drops_the_rejected_token() -> None:
    clock = FakeClock()
    issuer = Issuer(3600)
    cache = TokenCache(issuer, clock=clock)
    await cache.get()
    cache.invalidate("some-older-token")
    assert await cache.get() == "t1"
    cache.invalidate("t1")
    assert await cache.get() == "t2"


async def test_limiter_admits_max_requests_per_rolling_window() -> None:
    clock = FakeClock()
    limiter = RollingWindowLimiter(3, 10.0, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(7):
        await limiter.acquire(max_wait=60.0)
        starts.append(clock.now - 1000.0)
    assert starts == [0, 0, 0, 10, 10, 10, 20]
    for i, start in enumerate(starts):
        in_window = [s for s in starts[: i + 1] if s > start - 10.0]
        assert len(in_window) <= 3


class FailingIssuer:
    """A token endpoint that refuses every request."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self) -> Token:
        self.calls += 1
        await anyio.sleep(0.01)
        raise RuntimeError("refused")


async def test_callers_waiting_on_a_failed_fetch_share_its_failure() -> None:
    issuer = FailingIssuer()
    cache = TokenCache(issuer, clock=FakeClock())
    failures: list[str] = []

    async def call() -> None:
        try:
            await cache.get()
        except RuntimeError as exc:
            failures.append(str(exc))

    async with anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(call)
    assert issuer.calls == 1
    assert failures == ["refused"] * 20
    with pytest.raises(RuntimeError):
        await cache.get()  # a later call tries again
    assert issuer.calls == 2
