"""A client-side limiter that keeps a busy agent under the tenant's request quota.

Hosted HaloPSA counts requests in a rolling window (300 per 5 minutes) and answers 429
without Retry-After once they are spent; backing off blind does not help, since only
time frees the window. So requests are paced here: a short wait is waited out, and a
longer one is refused at once with the time the window frees, for the caller to come
back then rather than hold a call open for minutes.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence

import anyio


def slot_wait(starts: Sequence[float], now: float, max_requests: int, window: float) -> float:
    """Seconds from ``now`` until one more request may start, given the ``starts``
    (ascending, possibly reserved ahead of ``now``) already counted.

    A request may start at ``t`` when fewer than ``max_requests`` starts fall in
    ``(t - window, t]``: that is once the ``max_requests``-th latest start has left.
    """
    if len(starts) < max_requests:
        return 0.0
    return max(0.0, starts[-max_requests] + window - now)


class BudgetSpent(Exception):
    """The quota is spent for longer than the caller may wait; nothing was sent."""

    def __init__(self, free_in: float, max_requests: int, window: float) -> None:
        self.free_in = free_in
        self.max_requests = max_requests
        self.window = window
        super().__init__(f"request budget of {max_requests} per {window:g}s spent")


class RollingWindowLimiter:
    """Allows at most ``max_requests`` starts in any ``window`` seconds."""

    def __init__(
        self,
        max_requests: int,
        window: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        if max_requests < 1 or window <= 0:
            raise ValueError("max_requests must be at least 1 and window positive")
        self._max = max_requests
        self._window = window
        self._clock = clock
        self._sleep = sleep
        # Starts already made and slots reserved by callers still waiting, ascending:
        # each caller reserves the first free slot after everyone who came before it,
        # so callers are served in arrival order and a burst cannot overtake them.
        self._starts: deque[float] = deque()

    async def acquire(self, max_wait: float) -> None:
        """Take a slot, waiting for it when that takes at most ``max_wait`` seconds;
        raise BudgetSpent (taking nothing) when it would take longer."""
        now = self._forget_old()
        wait = slot_wait(self._starts, now, self._max, self._window)
        if wait > max_wait:
            raise BudgetSpent(wait, self._max, self._window)
        slot = now + wait
        self._starts.append(slot)
        if wait <= 0:
            return
        try:
            await self._sleep(wait)
        except BaseException:
            # Cancelled while waiting: the slot was never used, so those behind may
            # have it; their own reservations stay where they are (merely cautious).
            self._starts.remove(slot)
            raise

    def frees_in(self) -> float:
        """Seconds until the oldest start counted here leaves the window (the whole
        window when none is): HaloPSA counted that request too, and any older one it
        counts leaves sooner, so by then it has freed at least one request."""
        now = self._forget_old()
        return self._starts[0] + self._window - now if self._starts else self._window

    def _forget_old(self) -> float:
        now = self._clock()
        while self._starts and self._starts[0] <= now - self._window:
            self._starts.popleft()
        return now
