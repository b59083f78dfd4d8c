"""One deadline for a whole piece of work (a tool call), seen by every request made in it.

A context variable carries it, like the request count in ``metering``, so retries,
backoff and 429 waits deep in the transport can give up in time without every method
taking an extra argument.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import anyio


@dataclass(frozen=True)
class Deadline:
    at: float  # on anyio's clock
    seconds: float  # the bound as the operator set it, for messages

    def left(self) -> float:
        return self.at - anyio.current_time()


_current: ContextVar[Deadline | None] = ContextVar("halopsa_deadline", default=None)


@contextmanager
def deadline(seconds: float) -> Iterator[Deadline]:
    """Everything inside the ``with`` block (tasks started in it included) must end
    within ``seconds``."""
    limit = Deadline(at=anyio.current_time() + seconds, seconds=seconds)
    token = _current.set(limit)
    try:
        yield limit
    finally:
        _current.reset(token)


def current_deadline() -> Deadline | None:
    return _current.get()
