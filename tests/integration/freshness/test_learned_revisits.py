"""Adaptive re-visits on the real broker: the learned rate is kept across a restart, a feed
advertised by a start page is watched, and a fresh feed item overtakes an archive backlog."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from newswire.fetcher.app import FetcherWorker
from newswire.fetcher.frontier import partition_for_key
from newswire.fetcher.url_state import UrlState
from newswire.records import CrawlRequest
from newswire.settings import Settings
from newswire.urls import host_of, url_id
from tests.integration.fetcher.kafka_io import fresh_settings, running_worker, send, site_registry
from tests.integration.freshness.news_site import NewsSite

pytestmark = pytest.mark.integration


@pytest.fixture
async def site() -> AsyncIterator[NewsSite]:
    site = await NewsSite().start()
    yield site
    await site.stop()


def state_of(worker: FetcherWorker, url: str) -> UrlState | None:
    partition = partition_for_key(host_of(url).encode(), worker._partitions or 1)
    return worker.state.get(partition, url_id(url))


async def wait_for(condition, timeout: float = 60.0, what: str = "") -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.1)


async def test_learned_rate_survives_a_restart_and_advertised_feed_is_watched(
    settings: Settings, tmp_path: Path, site: NewsSite
) -> None:
    cfg = await fresh_settings(tmp_path)
    sites = site_registry(
        "news", site.base, start_urls=[site.url("/")], revisit="1s", revisit_min="0.5s"
    )
    for i in range(5):
        site.publish(f"s{i}")
    home, feed = site.url("/"), site.url("/rss.xml")
    async with running_worker(cfg, sites, schedule_interval_s=0.2) as worker:
        # The start page is visited, its feed is found and watched, and visits are compared.
        await wait_for(lambda: len(site.hits("/")) >= 1, what="first visit of the start page")
        site.publish("s5")
        site.publish("s6")
        await wait_for(
            lambda: (
                (s := state_of(worker, home)) is not None
                and s.revisit is not None
                and s.revisit.visits >= 3
            ),
            what="three visits of the start page",
        )
        await wait_for(
            lambda: (s := state_of(worker, feed)) is not None and s.watched,
            what="the advertised feed to be watched",
        )
        # The scheduler re-visits the feed although no site list names it.
        await wait_for(lambda: len(site.hits("/rss.xml")) >= 2, what="a re-visit of the feed")
        before = state_of(worker, home)
    assert before is not None and before.revisit is not None
    assert before.watched and before.revisit.rate_per_hour()
    assert len(before.revisit.seen) == 7

    # A new worker restores the learned state from the broker before it schedules anything.
    async with running_worker(cfg, sites, schedule_interval_s=0) as worker:
        await wait_for(lambda: worker._owns_host(host_of(home)), what="partitions restored")
        after = state_of(worker, home)
        watched = [s.url for s in worker._watched_states()]
    assert after is not None and after.revisit is not None
    assert after.revisit.visits >= before.revisit.visits
    assert (
        after.revisit.seen[:7] == before.revisit.seen[:7]
        or after.revisit.visits > before.revisit.visits
    )
    assert after.revisit.rate_per_hour() is not None
    assert feed in watched


async def test_fresh_feed_item_overtakes_an_archive_backlog(
    settings: Settings, tmp_path: Path, site: NewsSite
) -> None:
    cfg = await fresh_settings(tmp_path, host_delay_s=0.02)
    site.fill_archive(1500)
    old = [
        CrawlRequest(
            url=site.url(f"/a/{s.slug}.html"),
            site="news",
            source="sitemap",
            published_at=s.published_at,
        )
        for s in site.archive
    ]
    fresh = site.publish("breaking")
    sites = site_registry("news", site.base, start_urls=[site.url("/")])
    async with running_worker(cfg, sites):
        await send(cfg, *old)
        await wait_for(lambda: len(site.requests) >= 20, what="the backlog to start")
        await send(
            cfg,
            CrawlRequest(
                url=site.url("/a/breaking.html"),
                site="news",
                source="feed",
                published_at=fresh.published_at,
            ),
        )
        await wait_for(lambda: site.hits("/a/breaking.html"), what="the fresh story")
        fetched_before = sum(1 for p in site.requests if p.startswith("/a/old-"))
    # The fresh story was fetched as soon as it arrived, not after the ~1,400 still waiting.
    assert fetched_before < 300, fetched_before
