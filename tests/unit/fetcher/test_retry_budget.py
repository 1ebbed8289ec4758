"""The per-URL retry budget: how many attempts, by reason, and how much fetch time in all."""

from __future__ import annotations

import pytest

from newswire.fetcher.retry_budget import RetryBudget

pytestmark = pytest.mark.unit


def budget(**kw: float) -> RetryBudget:
    values: dict[str, float] = {"max_retries": 3, "timeout_retries": 1, "total_s": 60.0}
    values.update(kw)
    return RetryBudget(**values)  # type: ignore[arg-type]


def test_server_errors_get_max_retries() -> None:
    b = budget()
    for _ in range(3):
        b.spend(0.1)
        assert b.allows_retry("http_503")
    b.spend(0.1)
    assert not b.allows_retry("http_503")
    assert b.exhausted_because("http_503") == "4 attempts"


def test_a_timeout_is_retried_at_most_once() -> None:
    b = budget()
    b.spend(20.0, "timeout")
    assert b.allows_retry("timeout")
    b.spend(20.0, "timeout")
    assert not b.allows_retry("timeout")
    assert b.exhausted_because("timeout") == "2 timeouts"


def test_timeouts_and_other_failures_share_the_attempts() -> None:
    b = budget(max_retries=2)
    b.spend(1.0, "timeout")
    b.spend(0.1)  # a 503
    assert b.allows_retry("http_503")
    b.spend(0.1)
    assert not b.allows_retry("http_503")


def test_no_attempt_once_the_fetch_time_is_spent() -> None:
    b = budget(total_s=30.0, timeout_retries=5)
    b.spend(20.0, "timeout")
    assert b.allows_retry("timeout") and b.remaining_s == 10.0
    b.spend(10.0, "timeout")  # the second attempt was cut to what was left
    assert b.remaining_s == 0.0
    assert not b.allows_retry("timeout") and not b.allows_retry("http_500")
    assert "budget of 30 s is spent" in b.exhausted_because("timeout")


def test_zero_timeout_retries_means_none() -> None:
    b = budget(timeout_retries=0)
    b.spend(5.0, "timeout")
    assert not b.allows_retry("timeout")
