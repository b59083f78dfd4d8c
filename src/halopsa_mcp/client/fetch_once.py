"""A value fetched once and shared until it goes stale.

Callers that arrive together cause one fetch, not one each; callers that waited for a
fetch that failed get its error instead of each asking again, since a failure seen a
moment ago would most likely be seen again. The next caller after that tries afresh.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import anyio

T = TypeVar("T")


class FetchOnce(Generic[T]):
    """Holds the last value ``fetch`` returned while ``lifetime(value)`` seconds last.

    A value's life is counted from when its fetch started, so time spent waiting for
    the answer is not counted as freshness.
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[T]],
        *,
        lifetime: Callable[[T], float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._lifetime = lifetime
        self._clock = clock
        self._value: T | None = None
        self._stale_at = 0.0
        self._lock = anyio.Lock()
        self._fetches = 0
        self._last_failure: Exception | None = None

    def peek(self) -> T | None:
        """The value while it is fresh, else None; never fetches."""
        if self._value is not None and self._clock() < self._stale_at:
            return self._value
        return None

    async def get(self) -> T:
        value = self.peek()
        if value is not None:
            return value
        fetches_seen = self._fetches
        async with self._lock:
            # Another task may have fetched while this one waited for the lock: use its
            # value, or its failure, rather than fetching again.
            value = self.peek()
            if value is not None:
                return value
            if self._fetches != fetches_seen and self._last_failure is not None:
                raise self._last_failure
            return await self._fetch_now()

    async def _fetch_now(self) -> T:
        self._fetches += 1
        started = self._clock()
        try:
            fresh = await self._fetch()
        except Exception as exc:
            self._last_failure = exc
            raise
        self._last_failure = None
        self._value = fresh
        self._stale_at = started + self._lifetime(fresh)
        return fresh

    def forget(self, stale: T | None = None) -> None:
        """Drop the value, so the next ``get`` fetches; with ``stale``, only while that is
        still the value held (a newer one fetched meanwhile is kept)."""
        if stale is None or self._value == stale:
            self._value = None
