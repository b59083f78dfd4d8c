"""When a failed HaloPSA request may be sent again, and how long to wait first.

Pure functions over plain values, so every decision is tested without a network.
"""

from __future__ import annotations

import enum
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


class Failure(enum.Enum):
    """How one attempt failed, as far as deciding a retry needs to know."""

    RATE_LIMITED = "429"
    UNAUTHORIZED = "401"
    SERVER_ERROR = "5xx"
    NOT_SENT = "connection never opened"
    TIMED_OUT = "timed out"
    DROPPED = "connection dropped"
    MALFORMED = "malformed response"


# Failures after which HaloPSA cannot have acted on the request: a 429 or 401 is
# answered before any work is done, and a request whose connection never opened never
# arrived. Every other failure may come after the server did the work.
_SERVER_DID_NOT_ACT = frozenset({Failure.RATE_LIMITED, Failure.UNAUTHORIZED, Failure.NOT_SENT})

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def may_retry(method: str, failure: Failure, *, replay_safe: bool = False) -> bool:
    """The single place that decides whether an attempt may be repeated.

    Reads are repeated after any failure. Writes are NOT idempotent in HaloPSA (a
    replayed action can email a customer twice), so a write is repeated only when the
    server cannot have acted on it. ``replay_safe`` marks a POST that has no effect
    worth protecting, such as asking for a token.
    """
    if method.upper() in _READ_METHODS or replay_safe:
        return True
    return failure in _SERVER_DID_NOT_ACT


def may_have_applied(method: str, failure: Failure) -> bool:
    """Whether a failed write leaves its effect unknown (the caller must check first)."""
    return method.upper() not in _READ_METHODS and failure not in _SERVER_DID_NOT_ACT


@dataclass(frozen=True)
class RetryPolicy:
    """Bounds on retrying. ``max_retries`` counts repeats after 5xx, timeouts and
    dropped connections; 429s are bounded by the total time spent waiting instead,
    since a rolling-window quota frees up on its own schedule: a short total, after
    which the caller is told when to come back rather than held for minutes."""

    max_retries: int = 3
    max_rate_limit_wait: float = 5.0
    backoff_base: float = 0.5
    backoff_cap: float = 10.0


def backoff_delay(attempt: int, policy: RetryPolicy, rng: random.Random) -> float:
    """Exponential backoff with jitter for the ``attempt``-th retry (1-based).

    Half the delay is fixed and half random, so concurrent callers spread out but
    none retries at once.
    """
    ceiling = min(policy.backoff_cap, policy.backoff_base * 2.0 ** max(attempt - 1, 0))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class RetryBudget:
    """What one logical request has spent on retrying, and what it may still spend."""

    policy: RetryPolicy
    retries: int = 0
    rate_limit_hits: int = 0
    rate_limit_waited: float = 0.0

    def next_delay(
        self, failure: Failure, retry_after: float | None, rng: random.Random
    ) -> float | None:
        """Seconds to wait before the next attempt, or None once the budget is spent.

        A 401 earns none here: the auth flow (``auth.BearerAuth``) has already sent the
        request again with a fresh token, and a 401 from the token endpoint is a verdict
        on the credentials. A 429 waits at least as
        long as Retry-After asks, and never less than the backoff, so a server that
        says "0" cannot make the client spin; the sum of those waits is bounded by
        ``max_rate_limit_wait``. Other failures get ``max_retries`` backed-off retries.
        """
        if failure is Failure.UNAUTHORIZED:
            return None
        if failure is Failure.RATE_LIMITED:
            self.rate_limit_hits += 1
            delay = max(retry_after or 0.0, backoff_delay(self.rate_limit_hits, self.policy, rng))
            if self.rate_limit_waited + delay > self.policy.max_rate_limit_wait:
                return None
            self.rate_limit_waited += delay
            return delay
        self.retries += 1
        if self.retries > self.policy.max_retries:
            return None
        return backoff_delay(self.retries, self.policy, rng)
