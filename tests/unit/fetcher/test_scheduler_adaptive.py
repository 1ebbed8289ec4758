"""The scheduler with adaptive re-visits: learned rates, bounds, budget, discovered lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newswire.fetcher.revisit_policy import ListBudget, RevisitStats
from newswire.fetcher.scheduler import due_requests, revisit_bounds
from newswire.fetcher.url_state import UrlState
from newswire.settings import Settings
from newswire.sites import parse_sites
from newswire.urls import url_id

pytestmark = pytest.mark.unit

SITES = parse_sites(
    """
defaults:
  revisit: 15m
sites:
  - name: a
    start_urls: [http://a.example/, http://a.example/quiet/]
    revisit_min: 1m
    revisit_max: 1d
    list_budget: 100
  - name: fixed
    start_urls: [http://f.example/]
    adaptive_revisit: false
    revisit: 10m
"""
)
SETTINGS = Settings()
T0 = datetime(2026, 3, 12, tzinfo=UTC)
HOT, QUIET, FIXED = "http://a.example/", "http://a.example/quiet/", "http://f.example/"


def state(url: str, last: datetime, rate: float | None = None, **kw: object) -> UrlState:
    stats = RevisitStats(new_links=rate, hours=1.0, last_visit=last) if rate is not None else None
    return UrlState(
        url=url,
        url_id=url_id(url),
        kind="list",
        site=None,
        first_seen=T0,
        last_fetched=last,
        outcome="fetched",
        status=200,
        revisit=stats,
        **kw,
    )


def due(
    now: datetime,
    states: dict[str, UrlState],
    scheduled: dict[str, datetime] | None = None,
    discovered: tuple[UrlState, ...] = (),
    budget: ListBudget | None = None,
) -> list[str]:
    by_id = {s.url_id: s for s in states.values()}
    return [
        r.url
        for r in due_requests(
            SITES,
            now,
            owns_host=lambda h: True,
            state_of=lambda h, uid: by_id.get(uid),
            scheduled_at={} if scheduled is None else scheduled,
            default_revisit_s=900,
            settings=SETTINGS,
            discovered=discovered,
            budget=budget,
        )
    ]


def test_bounds_come_from_the_site_then_the_settings() -> None:
    bounds = revisit_bounds(SITES.get("a"), SETTINGS, 900)  # type: ignore[arg-type]
    assert bounds is not None
    assert (bounds.min_interval_s, bounds.max_interval_s, bounds.budget_per_hour) == (
        60,
        86400,
        100,
    )
    assert revisit_bounds(SITES.get("fixed"), SETTINGS, 900) is None  # type: ignore[arg-type]
    off = Settings(adaptive_revisits=False)
    plain = parse_sites("sites: [{name: p, start_urls: ['http://p.example/']}]").get("p")
    assert revisit_bounds(plain, off, 900) is None  # type: ignore[arg-type]


def test_a_hot_list_is_due_long_before_a_quiet_one() -> None:
    states = {HOT: state(HOT, T0, rate=30.0), QUIET: state(QUIET, T0, rate=0.1)}
    states[FIXED] = state(FIXED, T0)
    assert due(T0 + timedelta(minutes=3), states) == [HOT]  # 30/h: every 2 minutes
    assert due(T0 + timedelta(minutes=11), states) == [HOT, FIXED]
    assert QUIET in due(T0 + timedelta(hours=10, minutes=1), states)


def test_a_never_fetched_list_is_due_at_once_and_then_waits_for_its_fetch() -> None:
    scheduled: dict[str, datetime] = {}
    assert due(T0, {}, scheduled) == [HOT, QUIET, FIXED]
    assert due(T0 + timedelta(minutes=1), {}, scheduled) == []


def test_discovered_feeds_are_watched_too() -> None:
    feed = state("http://a.example/rss.xml", T0, rate=60.0, watched=True)
    feed = feed.model_copy(update={"kind": "feed", "site": "a"})
    states = {
        HOT: state(HOT, T0, rate=1.0),
        QUIET: state(QUIET, T0, rate=1.0),
        FIXED: state(FIXED, T0),
    }
    assert due(T0 + timedelta(minutes=2), states, discovered=(feed,)) == [
        "http://a.example/rss.xml"
    ]


def test_the_budget_caps_list_fetches_per_site_and_hour() -> None:
    sites = parse_sites(
        "sites: [{name: b, start_urls: ['http://b.example/1', 'http://b.example/2', "
        "'http://b.example/3'], list_budget: 2}]"
    )
    budget = ListBudget()
    urls = [
        r.url
        for r in due_requests(
            sites,
            T0,
            owns_host=lambda h: True,
            state_of=lambda h, u: None,
            scheduled_at={},
            default_revisit_s=900,
            settings=SETTINGS,
            budget=budget,
        )
    ]
    assert len(urls) == 2


def test_a_replica_owning_part_of_a_site_spends_its_share_of_the_budget() -> None:
    sites = parse_sites(
        "sites: [{name: c, start_urls: ['http://c1.example/1', 'http://c1.example/2', "
        "'http://c2.example/1', 'http://c2.example/2'], list_budget: 2}]"
    )
    budget = ListBudget()

    def due_now(now: datetime) -> list[str]:
        return [
            r.url
            for r in due_requests(
                sites,
                now,
                owns_host=lambda h: h == "c1.example",
                state_of=lambda h, u: None,
                scheduled_at={},
                default_revisit_s=900,
                settings=SETTINGS,
                budget=budget,
            )
        ]

    # It owns 2 of the site's 4 lists: 1 fetch an hour of the site's 2.
    assert due_now(T0) == ["http://c1.example/1"]
    assert due_now(T0 + timedelta(minutes=30)) == []
    assert len(due_now(T0 + timedelta(minutes=61))) == 1


def test_news_breaking_on_one_list_makes_the_sites_other_lists_due() -> None:
    quiet = state(QUIET, T0, rate=0.1)
    hot = state(HOT, T0 + timedelta(minutes=5), rate=1.0)
    states = {HOT: hot, QUIET: quiet, FIXED: state(FIXED, T0 + timedelta(minutes=5))}
    assert due(T0 + timedelta(minutes=6), states) == []
    assert hot.revisit is not None
    surged = hot.model_copy(update={"revisit": hot.revisit.model_copy(update={"surged": True})})
    states[HOT] = surged
    # The quiet list, last fetched before the surge, is due at once; the hot one is not.
    assert due(T0 + timedelta(minutes=6), states) == [QUIET]
