"""Counting the HTTP requests made on behalf of one piece of work (e.g. one tool call).

A context variable holds the running count, so concurrent calls each see their own and
the code making requests needs no extra argument to report them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class RequestCount:
    def __init__(self) -> None:
        self.value = 0


_current: ContextVar[RequestCount | None] = ContextVar("halopsa_request_count", default=None)


@contextmanager
def counting_requests() -> Iterator[RequestCount]:
    """Count the requests made inside the ``with`` block (tasks started in it included)."""
    count = RequestCount()
    token = _current.set(count)
    try:
        yield count
    finally:
        _current.reset(token)


def count_request() -> None:
    count = _current.get()
    if count is not None:
        count.value += 1
