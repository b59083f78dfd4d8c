"""The per-client create lock and the memory of tickets created a moment ago."""

import anyio
import anyio.lowlevel
import pytest

from halopsa_mcp.server.create_guard import CreateGuard


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_one_holder_per_client_and_locks_dropped_when_unused() -> None:
    guard = CreateGuard()
    inside: list[int] = []
    most = 0

    async def create(client_id: int) -> None:
        nonlocal most
        async with guard.held(client_id):
            inside.append(client_id)
            most = max(most, inside.count(client_id))
            await anyio.lowlevel.checkpoint()
            inside.remove(client_id)

    async with anyio.create_task_group() as tg:
        for n in range(30):
            tg.start_soon(create, 7 if n % 2 else 8)
        await anyio.lowlevel.checkpoint()
        assert guard.locks_in_use() == 2
    assert most == 1
    assert guard.locks_in_use() == 0


async def test_other_clients_do_not_wait() -> None:
    guard = CreateGuard()
    with anyio.fail_after(10):  # proves "does not hang", not a speed
        async with guard.held(1), guard.held(2):
            assert guard.locks_in_use() == 2


async def test_a_lock_is_released_when_the_holder_fails() -> None:
    guard = CreateGuard()
    with pytest.raises(RuntimeError):
        async with guard.held(1):
            raise RuntimeError("HaloPSA failed")
    with anyio.fail_after(10):
        async with guard.held(1):
            pass
    assert guard.locks_in_use() == 0


def test_recent_tickets_are_per_client_and_expire() -> None:
    clock = Clock()
    guard = CreateGuard(recent_seconds=60, clock=clock)
    guard.remember(7, 1200, "Printer offline")
    clock.now += 30
    guard.remember(8, 1201, "VPN down")
    assert guard.recent(7) == [(1200, "Printer offline")]
    assert guard.recent(8) == [(1201, "VPN down")]
    clock.now += 31
    assert guard.recent(7) == []
    assert guard.recent(8) == [(1201, "VPN down")]
    clock.now += 30
    assert guard.recent(8) == []
