"""The pacing limiter's decision, wait or "come back in N s", on an injected clock."""

import anyio
import pytest

from halopsa_mcp.client.ratelimit import BudgetSpent, RollingWindowLimiter, slot_wait
from tests.helpers import FakeClock


@pytest.mark.parametrize(
    ("starts", "now", "expected"),
    [
        ([], 5.0, 0.0),  # nothing counted
        ([0.0, 10.0], 30.0, 0.0),  # under the quota
        ([0.0, 10.0, 20.0], 18.0, 42.0),  # spent: the oldest start leaves at 60
        ([0.0, 10.0, 20.0], 60.0, 0.0),  # the oldest has just left
        ([0.0, 0.0, 0.0, 60.0], 5.0, 55.0),  # one reserved ahead: the next slot is at 60
        ([0.0, 0.0, 0.0, 60.0, 60.0, 60.0], 5.0, 115.0),  # a full window reserved ahead
    ],
)
def test_slot_wait_is_counted_from_the_start_that_must_leave(
    starts: list[float], now: float, expected: float
) -> None:
    assert slot_wait(starts, now, 3, 60.0) == expected


async def test_a_spent_budget_says_when_it_frees_and_takes_nothing() -> None:
    clock = FakeClock()
    limiter = RollingWindowLimiter(3, 60.0, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        await limiter.acquire(5.0)
        clock.now += 6.0
    with pytest.raises(BudgetSpent) as err:
        await limiter.acquire(5.0)
    assert err.value.free_in == pytest.approx(42.0)
    assert (err.value.max_requests, err.value.window) == (3, 60.0)
    # A refused caller reserved nothing: the next is told the same time, not later.
    with pytest.raises(BudgetSpent) as again:
        await limiter.acquire(5.0)
    assert again.value.free_in == pytest.approx(42.0)
    assert clock.slept == []


async def test_a_short_wait_is_waited_out() -> None:
    clock = FakeClock()
    limiter = RollingWindowLimiter(2, 10.0, clock=clock, sleep=clock.sleep)
    await limiter.acquire(5.0)
    clock.now += 7.0
    await limiter.acquire(5.0)
    await limiter.acquire(5.0)  # the first start leaves in 3 s
    assert clock.slept == [pytest.approx(3.0)]


async def test_the_oldest_start_tells_when_halopsa_frees_a_request() -> None:
    clock = FakeClock()
    limiter = RollingWindowLimiter(300, 300.0, clock=clock, sleep=clock.sleep)
    assert limiter.frees_in() == 300.0  # nothing counted: at most the whole window
    await limiter.acquire(5.0)
    clock.now += 100.0
    await limiter.acquire(5.0)
    assert limiter.frees_in() == pytest.approx(200.0)


async def test_short_waits_are_served_in_arrival_order() -> None:
    limiter = RollingWindowLimiter(2, 0.2)
    served: list[int] = []

    async def take(n: int) -> None:
        await limiter.acquire(5.0)
        served.append(n)

    with anyio.fail_after(10):  # does not hang
        async with anyio.create_task_group() as tg:
            for n in range(8):
                tg.start_soon(take, n)
    # Two slots a window: the two that share a window wake together, in either order,
    # but no caller gets a later window than one that arrived after it.
    assert [set(served[i : i + 2]) for i in range(0, 8, 2)] == [{0, 1}, {2, 3}, {4, 5}, {6, 7}]


async def test_a_crowd_on_a_spent_budget_gets_prompt_answers() -> None:
    limiter = RollingWindowLimiter(3, 60.0)
    outcome: list[float | None] = []

    async def take() -> None:
        try:
            await limiter.acquire(1.0)
        except BudgetSpent as spent:
            outcome.append(spent.free_in)
        else:
            outcome.append(None)

    with anyio.fail_after(10):  # does not hang
        async with anyio.create_task_group() as tg:
            for _ in range(20):
                tg.start_soon(take)
    assert outcome.count(None) == 3
    refused = [s for s in outcome if s is not None]
    assert len(refused) == 17
    assert all(55 < s <= 60 for s in refused)


async def sleep_forever(_: float) -> None:
    await anyio.sleep_forever()


async def test_a_waiter_cancelled_gives_its_slot_back() -> None:
    clock = FakeClock()
    limiter = RollingWindowLimiter(1, 10.0, clock=clock, sleep=sleep_forever)
    await limiter.acquire(20.0)
    with anyio.move_on_after(0.05):
        await limiter.acquire(20.0)  # reserves the slot at +10, then is cancelled
    with pytest.raises(BudgetSpent) as err:
        await limiter.acquire(5.0)
    assert err.value.free_in == pytest.approx(10.0)  # not 20: the slot was given back
