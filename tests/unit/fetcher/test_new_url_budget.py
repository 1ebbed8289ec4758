"""The budget of new outlinked URLs per host and hour (pure, fake clock)."""

from __future__ import annotations

import pytest

from newswire.fetcher.new_url_budget import NewUrlBudget

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_host_gets_its_budget_an_hour_and_others_theirs() -> None:
    clock = Clock()
    budget = NewUrlBudget(3, clock=clock)
    assert [budget.admit("trap.example") for _ in range(5)] == [True, True, True, False, False]
    assert budget.admit("news.example")  # another host is not affected
    clock.now += 1800
    assert not budget.admit("trap.example")
    assert budget.retry_in_s("trap.example") == pytest.approx(1800)
    clock.now += 1800  # the hour is over
    assert budget.retry_in_s("trap.example") == 0
    assert [budget.admit("trap.example") for _ in range(4)] == [True, True, True, False]


def test_zero_is_no_limit() -> None:
    budget = NewUrlBudget(0, clock=Clock())
    assert all(budget.admit("a.example") for _ in range(10_000))


def test_hosts_whose_hour_is_over_are_forgotten() -> None:
    clock = Clock()
    budget = NewUrlBudget(1, clock=clock)
    for i in range(NewUrlBudget.PRUNE_ABOVE):
        budget.admit(f"h{i}.example")
    clock.now += 3600
    budget.admit("new.example")
    assert len(budget._windows) == 1
