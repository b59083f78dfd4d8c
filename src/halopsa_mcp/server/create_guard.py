"""One create at a time per client, and the tickets this process created a moment ago.

The duplicate check reads a client's open tickets and then creates: two calls doing that
at once both see no duplicate and both create. Holding a per-client lock across "scan and
create" makes the second call scan after the first one's ticket exists. HaloPSA's lists
may lag behind a write, so the tickets created here are also remembered for a short while
and offered to the next scan as candidates. All of this holds within one process only.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import anyio

# Long enough to cover HaloPSA's list catching up with a write; short enough that a ticket
# closed straight after being created does not keep refusing new ones for long.
RECENT_SECONDS = 120.0


@dataclass
class _Slot:
    lock: anyio.Lock = field(default_factory=anyio.Lock)
    users: int = 0


@dataclass(frozen=True)
class _Recent:
    client_id: int
    ticket_id: int
    summary: str
    at: float


class CreateGuard:
    def __init__(
        self,
        *,
        recent_seconds: float = RECENT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._slots: dict[int, _Slot] = {}
        # Oldest first, so expired entries leave from the left.
        self._recent: deque[_Recent] = deque()
        self._recent_seconds = recent_seconds
        self._clock = clock

    @asynccontextmanager
    async def held(self, client_id: int) -> AsyncIterator[None]:
        """Hold the client's lock; it is dropped once no call holds or waits for it."""
        slot = self._slots.setdefault(client_id, _Slot())
        slot.users += 1
        try:
            async with slot.lock:
                yield
        finally:
            slot.users -= 1
            if not slot.users:
                del self._slots[client_id]

    def remember(self, client_id: int, ticket_id: int, summary: str) -> None:
        self._forget_expired()
        self._recent.append(_Recent(client_id, ticket_id, summary, self._clock()))

    def recent(self, client_id: int) -> list[tuple[int, str]]:
        """(id, summary) of the client's tickets created here within the last while."""
        self._forget_expired()
        return [(r.ticket_id, r.summary) for r in self._recent if r.client_id == client_id]

    def locks_in_use(self) -> int:
        """How many clients' locks exist now: only those held or waited for."""
        return len(self._slots)

    def _forget_expired(self) -> None:
        since = self._clock() - self._recent_seconds
        while self._recent and self._recent[0].at < since:
            self._recent.popleft()
