from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from newswire.fetcher.scheduler import due_requests
from newswire.fetcher.url_state import Outcome, UrlState, apply_outcome
from newswire.sites import parse_sites
from newswire.urls import url_id

pytestmark = pytest.mark.unit

SITES = parse_sites(
    """
sites:
  - name: a
    start_urls: [http://a.example/]
    feeds: [http://a.example/feed.xml]
    revisit: 10m
  - name: b
    sitemaps: [http://b.example/sitemap.xml]
    revisit: 1h
"""
)
T0 = datetime(2025, 3, 12, tzinfo=UTC)


def run(
    now: datetime,
    states: dict[str, UrlState],
    scheduled: dict[str, datetime],
    owned: tuple[str, ...] = ("a.example", "b.example"),
) -> list[str]:
    return [
        r.url
        for r in due_requests(
            SITES,
            now,
            owns_host=lambda h: h in owned,
            state_of=lambda h, uid: states.get(uid),
            scheduled_at=scheduled,
            default_revisit_s=900,
        )
    ]


def test_everything_due_at_first_then_by_interval() -> None:
    states: dict[str, UrlState] = {}
    scheduled: dict[str, datetime] = {}
    assert len(run(T0, states, scheduled)) == 3
    # Scheduled but not fetched yet: not scheduled again within the interval.
    assert run(T0 + timedelta(minutes=5), states, scheduled) == []
    for r in SITES.seed_requests():
        states[url_id(r.url)] = apply_outcome(
            None, r, url_id(r.url), Outcome("fetched", status=200), T0 + timedelta(minutes=1)
        )
    assert sorted(run(T0 + timedelta(minutes=12), states, scheduled)) == [
        "http://a.example/",
        "http://a.example/feed.xml",
    ]
    assert run(T0 + timedelta(minutes=20), states, scheduled) == []
    assert "http://b.example/sitemap.xml" in run(T0 + timedelta(minutes=62), states, scheduled)


def test_only_owned_hosts_are_scheduled() -> None:
    assert run(T0, {}, {}, owned=("b.example",)) == ["http://b.example/sitemap.xml"]
