"""Which failures may be retried, for reads and for writes, and how long to wait."""

import random
from datetime import UTC, datetime

import pytest

from halopsa_mcp.client.retry import (
    Failure,
    RetryBudget,
    RetryPolicy,
    backoff_delay,
    may_have_applied,
    may_retry,
    retry_after_seconds,
)

SERVER_DID_NOT_ACT = {Failure.RATE_LIMITED, Failure.UNAUTHORIZED, Failure.NOT_SENT}


@pytest.mark.parametrize("failure", list(Failure))
def test_reads_retry_after_every_failure(failure: Failure) -> None:
    assert may_retry("GET", failure)
    assert not may_have_applied("GET", failure)


@pytest.mark.parametrize("method", ["POST", "post", "PUT", "DELETE"])
@pytest.mark.parametrize("failure", list(Failure))
def test_writes_replay_only_when_the_server_cannot_have_acted(
    method: str, failure: Failure
) -> None:
    acted_unknown = failure not in SERVER_DID_NOT_ACT
    assert may_retry(method, failure) is not acted_unknown
    assert may_have_applied(method, failure) is acted_unknown


@pytest.mark.parametrize("failure", list(Failure))
def test_replay_safe_posts_always_retry(failure: Failure) -> None:
    assert may_retry("POST", failure, replay_safe=True)


def test_backoff_grows_is_capped_and_jittered() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=8.0)
    rng = random.Random(1)
    for attempt, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (9, 8.0)]:
        delays = [backoff_delay(attempt, policy, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 100


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("3", 3.0),
        (" 1.5 ", 1.5),
        ("-4", 0.0),
        ("soon", None),
        ("Sun, 22 Nov 2026 10:00:30 GMT", 30.0),
        ("Sun, 22 Nov 2026 09:59:00 GMT", 0.0),
    ],
)
def test_retry_after_header(header: str | None, expected: float | None) -> None:
    now = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(header, now) == expected


def test_budget_leaves_the_fresh_token_retry_to_the_auth_flow() -> None:
    # BearerAuth resends once after a 401 (tests/client/test_auth.py); a 401 that comes
    # back to the retry loop is final.
    budget = RetryBudget(RetryPolicy())
    rng = random.Random(0)
    assert budget.next_delay(Failure.UNAUTHORIZED, None, rng) is None


def test_budget_bounds_other_retries_by_count() -> None:
    budget = RetryBudget(RetryPolicy(max_retries=2))
    rng = random.Random(0)
    assert budget.next_delay(Failure.SERVER_ERROR, None, rng) is not None
    assert budget.next_delay(Failure.DROPPED, None, rng) is not None
    assert budget.next_delay(Failure.TIMED_OUT, None, rng) is None


@pytest.mark.parametrize("retry_after", [0.0, None])
def test_a_zero_or_absent_retry_after_still_backs_off_and_ends(retry_after: float | None) -> None:
    policy = RetryPolicy(max_rate_limit_wait=5.0, backoff_base=0.5, backoff_cap=2.0)
    budget = RetryBudget(policy)
    rng = random.Random(0)
    delays = []
    while (delay := budget.next_delay(Failure.RATE_LIMITED, retry_after, rng)) is not None:
        delays.append(delay)
        assert len(delays) < 100, "a 429 loop must end"
    assert all(d >= 0.25 for d in delays)
    assert sum(delays) <= 5.0


def test_retry_after_is_honoured_and_a_huge_one_gives_up_at_once() -> None:
    rng = random.Random(0)
    policy = RetryPolicy(max_rate_limit_wait=60.0, backoff_base=0.01, backoff_cap=0.02)
    assert RetryBudget(policy).next_delay(Failure.RATE_LIMITED, 7.0, rng) == 7.0
    assert RetryBudget(policy).next_delay(Failure.RATE_LIMITED, 3600.0, rng) is None


@pytest.mark.parametrize("header", ["nan", "inf", "-inf"])
def test_non_finite_retry_after_is_ignored(header: str) -> None:
    assert retry_after_seconds(header) is None
