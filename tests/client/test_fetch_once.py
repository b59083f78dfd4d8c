"""The fetch-once cache on a fake clock: one fetch for many callers, shared failure, expiry."""

import anyio
import pytest

from halopsa_mcp.client.fetch_once import FetchOnce


class FakeClock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


class Source:
    """Numbers each value it hands out; fails while ``failing`` is set."""

    def __init__(self) -> None:
        self.calls = 0
        self.failing = False

    async def __call__(self) -> str:
        self.calls += 1
        await anyio.sleep(0.01)  # let concurrent callers pile up behind the lock
        if self.failing:
            raise RuntimeError(f"refused {self.calls}")
        return f"v{self.calls}"


def cache(source: Source, clock: FakeClock, lifetime: float = 10.0) -> FetchOnce[str]:
    return FetchOnce(source, lifetime=lambda _value: lifetime, clock=clock)


async def gather(once: FetchOnce[str], callers: int) -> list[str]:
    got: list[str] = []

    async def call() -> None:
        try:
            got.append(await once.get())
        except RuntimeError as exc:
            got.append(str(exc))

    async with anyio.create_task_group() as tg:
        for _ in range(callers):
            tg.start_soon(call)
    return got


async def test_concurrent_callers_share_one_fetch() -> None:
    source = Source()
    assert await gather(cache(source, FakeClock()), 20) == ["v1"] * 20
    assert source.calls == 1


async def test_callers_that_waited_share_the_failure_and_the_next_caller_retries() -> None:
    source = Source()
    source.failing = True
    once = cache(source, FakeClock())
    assert await gather(once, 20) == ["refused 1"] * 20
    assert source.calls == 1
    source.failing = False
    assert await once.get() == "v2"


async def test_value_is_kept_for_its_lifetime_then_fetched_again() -> None:
    clock = FakeClock()
    source = Source()
    once = cache(source, clock, lifetime=10.0)
    assert await once.get() == "v1"
    clock.now += 9.9
    assert await once.get() == "v1"
    assert once.peek() == "v1"
    clock.now += 0.2
    assert once.peek() is None
    assert await once.get() == "v2"


async def test_lifetime_depends_on_the_value_and_counts_from_the_fetch_start() -> None:
    clock = FakeClock()

    async def slow() -> float:
        clock.now += 3.0  # the answer takes three seconds to arrive
        return 5.0

    once = FetchOnce(slow, lifetime=lambda seconds: seconds, clock=clock)
    await once.get()
    clock.now += 1.9
    assert once.peek() == 5.0
    clock.now += 0.2
    assert once.peek() is None


async def test_forget_drops_only_the_value_named() -> None:
    source = Source()
    once = cache(source, FakeClock())
    await once.get()
    once.forget("v0")
    assert await once.get() == "v1"
    once.forget("v1")
    assert await once.get() == "v2"
    once.forget()
    assert await once.get() == "v3"


async def test_a_failure_does_not_drop_the_value_held() -> None:
    clock = FakeClock()
    source = Source()
    once = cache(source, clock)
    await once.get()
    clock.now += 11
    source.failing = True
    with pytest.raises(RuntimeError, match="refused 2"):
        await once.get()
    assert source.calls == 2
