"""The adaptive re-visit policy, on a simulated clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newswire.fetcher.revisit_policy import (
    ListBudget,
    ListingSnapshot,
    RevisitBounds,
    RevisitStats,
    next_visit_at,
    observe,
    plan_intervals,
    prior_rate,
    surge_at,
)

pytestmark = pytest.mark.unit

T0 = datetime(2026, 3, 12, 8, tzinfo=UTC)
BOUNDS = RevisitBounds(
    min_interval_s=60, max_interval_s=86400, budget_per_hour=1000, default_interval_s=900
)


class FakeList:
    """A list page showing its newest ``size`` stories; stories appear at given times."""

    def __init__(self, size: int = 100) -> None:
        self.size = size
        self.stories: list[str] = [f"http://a.example/old/{i}" for i in range(size)]

    def publish(self, n: int) -> None:
        start = len(self.stories)
        self.stories.extend(f"http://a.example/new/{start + i}" for i in range(n))

    def snapshot(self) -> ListingSnapshot:
        return ListingSnapshot(links=tuple(reversed(self.stories[-self.size :])))


def visit(stats: RevisitStats | None, page: FakeList, now: datetime) -> tuple[RevisitStats, float]:
    stats = observe(stats, page.snapshot(), now).stats
    interval = plan_intervals({"u": stats}, BOUNDS)["u"]
    return stats, interval


def test_first_visit_keeps_the_default_interval_without_hints() -> None:
    stats, interval = visit(None, FakeList(), T0)
    assert stats.rate_per_hour() is None
    assert interval == 900


def test_rate_is_new_links_per_hour() -> None:
    page = FakeList()
    stats, _ = visit(None, page, T0)
    page.publish(6)
    stats, interval = visit(stats, page, T0 + timedelta(hours=1))
    assert stats.rate_per_hour() == pytest.approx(6.0)
    # One new story per visit: every 10 minutes.
    assert interval == pytest.approx(600)


def test_a_burst_is_followed_within_a_few_visits() -> None:
    page = FakeList()
    now = T0
    stats, interval = visit(None, page, now)
    for _ in range(4):  # a quiet section: one story an hour
        now += timedelta(hours=1)
        page.publish(1)
        stats, interval = visit(stats, page, now)
    quiet = interval
    assert quiet > 1800
    # Breaking news: a story a minute. Within three visits the interval is down by 5x+.
    for _ in range(3):
        elapsed = timedelta(seconds=interval)
        now += elapsed
        page.publish(max(1, round(elapsed.total_seconds() / 60)))
        stats, interval = visit(stats, page, now)
    assert interval < quiet / 5


def test_a_quiet_spell_lengthens_the_interval_gradually_up_to_the_maximum() -> None:
    page = FakeList()
    now = T0
    stats, interval = visit(None, page, now)
    now += timedelta(minutes=10)
    page.publish(10)
    stats, interval = visit(stats, page, now)
    assert interval == 60  # busy: the minimum
    intervals = []
    for _ in range(20):
        now += timedelta(seconds=interval)
        stats, interval = visit(stats, page, now)  # nothing new
        intervals.append(interval)
    assert all(b <= a * 2 + 1e-9 for a, b in zip([60, *intervals], intervals, strict=False))
    assert intervals[-1] == BOUNDS.max_interval_s


def test_a_304_counts_as_a_visit_without_new_links() -> None:
    page = FakeList()
    stats, _ = visit(None, page, T0)
    page.publish(4)
    stats, _ = visit(stats, page, T0 + timedelta(hours=1))
    after = observe(stats, None, T0 + timedelta(hours=2)).stats
    assert after.visits == 3
    assert after.rate_per_hour() < stats.rate_per_hour()  # type: ignore[operator]
    assert after.seen == stats.seen  # the links of the last 200 are still the reference


def test_a_list_that_turned_over_counts_double() -> None:
    page = FakeList(size=5)
    stats, _ = visit(None, page, T0)
    page.publish(12)  # more than the page shows: 7 fell off unseen
    result = observe(stats, page.snapshot(), T0 + timedelta(hours=1))
    assert result.overflow
    assert result.new_links == 5
    assert result.stats.rate_per_hour() == pytest.approx(10.0)


def test_item_dates_give_a_prior_on_the_first_visit() -> None:
    dates = [T0 - timedelta(minutes=10 * i) for i in range(1, 13)]  # 12 items in 2 hours
    links = tuple(f"http://a.example/{i}" for i in range(120))
    stats = observe(None, ListingSnapshot(links=links, dates=dates), T0).stats
    assert stats.rate_per_hour() == pytest.approx(6.0)
    assert plan_intervals({"u": stats}, BOUNDS)["u"] == pytest.approx(600)


def test_update_period_and_last_modified_are_weaker_priors() -> None:
    assert prior_rate(ListingSnapshot(update_every_s=1800), T0) == pytest.approx(2.0)
    quiet = ListingSnapshot(last_modified=T0 - timedelta(days=2))
    assert prior_rate(quiet, T0) == pytest.approx(1 / 48)
    # Item dates win over both; dates older than two weeks do not count.
    old = [T0 - timedelta(days=30), T0 - timedelta(days=31)]
    assert prior_rate(ListingSnapshot(dates=old, update_every_s=3600), T0) == pytest.approx(1.0)


def test_freshness_lifetime_delays_the_next_visit_but_not_past_the_maximum() -> None:
    assert next_visit_at(T0, 600, 1800, BOUNDS) == T0 + timedelta(seconds=1800)
    assert next_visit_at(T0, 600, None, BOUNDS) == T0 + timedelta(seconds=600)
    hostile = 10.0**9
    assert next_visit_at(T0, 600, hostile, BOUNDS) == T0 + timedelta(seconds=86400)


def test_over_budget_the_square_root_rule_spends_exactly_the_budget() -> None:
    bounds = RevisitBounds(
        min_interval_s=60, max_interval_s=86400, budget_per_hour=10, default_interval_s=900
    )
    lists = {
        "hot": RevisitStats(new_links=100, hours=1),
        "warm": RevisitStats(new_links=25, hours=1),
        "cold": RevisitStats(new_links=1, hours=1),
    }
    intervals = plan_intervals(lists, bounds)
    assert sum(3600 / t for t in intervals.values()) == pytest.approx(10, rel=1e-6)
    # Interval ~ 1/sqrt(rate): hot is visited twice as often as warm, ten times as cold.
    assert intervals["warm"] / intervals["hot"] == pytest.approx(2, rel=1e-6)
    assert intervals["cold"] / intervals["hot"] == pytest.approx(10, rel=1e-6)


def test_lists_without_a_rate_keep_their_default_share_of_the_budget() -> None:
    bounds = RevisitBounds(
        min_interval_s=60, max_interval_s=86400, budget_per_hour=8, default_interval_s=900
    )
    intervals = plan_intervals({"new": None, "hot": RevisitStats(new_links=100, hours=1)}, bounds)
    assert intervals["new"] == 900  # 4 fetches an hour
    assert intervals["hot"] == pytest.approx(900)  # the 4 left


def test_list_budget_is_a_sliding_hour() -> None:
    budget = ListBudget()
    for minute in range(3):
        assert budget.allows("a", T0 + timedelta(minutes=minute), 3)
        budget.spend("a", T0 + timedelta(minutes=minute))
    assert not budget.allows("a", T0 + timedelta(minutes=30), 3)
    assert budget.allows("b", T0 + timedelta(minutes=30), 3)
    assert budget.allows("a", T0 + timedelta(minutes=60, seconds=1), 3)


def test_learned_stats_survive_serialisation() -> None:
    page = FakeList()
    stats, _ = visit(None, page, T0)
    page.publish(3)
    stats, _ = visit(stats, page, T0 + timedelta(hours=1))
    again = RevisitStats.model_validate_json(stats.model_dump_json())
    assert again == stats
    assert again.rate_per_hour() == pytest.approx(3.0)


def test_a_short_list_is_revisited_before_a_surge_could_turn_it_over() -> None:
    # One story an hour would allow an hourly visit, but the page shows only 10 stories:
    # at 100x the rate (a quiet section breaking news) they would all be new in 6 minutes.
    seen = [f"k{i}" for i in range(10)]
    stats = RevisitStats(new_links=1.0, hours=1.0, seen=seen)
    assert plan_intervals({"u": stats}, BOUNDS)["u"] == pytest.approx(360)
    # A list that has turned over between visits before is watched twice as closely.
    bursty = stats.model_copy(update={"overflows": 1})
    assert plan_intervals({"u": bursty}, BOUNDS)["u"] == pytest.approx(180)


def test_a_visit_with_far_more_new_links_than_expected_is_a_surge() -> None:
    page = FakeList()
    stats, _ = visit(None, page, T0)
    page.publish(1)
    stats, _ = visit(stats, page, T0 + timedelta(hours=1))  # one an hour
    assert not stats.surged
    page.publish(8)  # eight in the next hour: breaking news
    stats, _ = visit(stats, page, T0 + timedelta(hours=2))
    assert stats.surged
    assert surge_at([stats, None, RevisitStats(last_visit=T0)]) == T0 + timedelta(hours=2)
    page.publish(1)
    stats, _ = visit(stats, page, T0 + timedelta(hours=3))
    assert not stats.surged and surge_at([stats]) is None
