"""A client-side limiter that keeps a busy agent under the tenant's request quota.

Hosted HaloPSA counts requests in a rolling window (e.g. 300 per 5 minutes). Waiting
here is cheaper than being answered 429 and backing off blind.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Awaitable, Callable

import anyio


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
        self._starts: deque[float] = deque()
        # Held while waiting, so callers are served in arrival order and a burst
        # cannot overtake the caller that has waited longest.
        self._lock = anyio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                while self._starts and self._starts[0] <= now - self._window:
                    self._starts.popleft()
                if len(self._starts) < self._max:
                    self._starts.append(now)
                    return
                await self._sleep(self._starts[0] + self._window - now)
