"""The priority frontier: fresh stories are fetched before a backlog of old ones."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from newswire.fetcher.politeness import Politeness
from newswire.fetcher.priority import (
    UNDATED_FRESH_AGE_S,
    UNDATED_SITEMAP_AGE_S,
    PrioritySemaphore,
    request_priority,
)
from newswire.records import CrawlRequest

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 12, 8, tzinfo=UTC)


def page(source: str, published_at: datetime | None = None) -> CrawlRequest:
    return CrawlRequest(
        url="http://a.example/n", kind="page", source=source, published_at=published_at
    )  # type: ignore[arg-type]


def test_priority_is_story_age_lists_first() -> None:
    assert (
        request_priority(CrawlRequest(url="http://a.example/", kind="feed", source="schedule"), NOW)
        == 0
    )
    assert request_priority(page("feed", NOW - timedelta(minutes=3)), NOW) == 180
    assert request_priority(page("sitemap", NOW - timedelta(days=400)), NOW) == 400 * 86400
    assert request_priority(page("outlink"), NOW) == UNDATED_FRESH_AGE_S
    assert request_priority(page("sitemap"), NOW) == UNDATED_SITEMAP_AGE_S
    assert request_priority(page("cli"), NOW) == 0
    assert request_priority(page("feed", NOW + timedelta(hours=1)), NOW) == 0  # future dates


async def test_semaphore_wakes_the_lowest_priority_first_then_in_order() -> None:
    semaphore = PrioritySemaphore(1)
    await semaphore.acquire()
    order: list[str] = []

    async def waiter(name: str, priority: float) -> None:
        await semaphore.acquire(priority)
        order.append(name)
        semaphore.release()

    tasks = [asyncio.create_task(waiter(n, p)) for n, p in (("old1", 9), ("old2", 9), ("new", 1))]
    await asyncio.sleep(0)
    semaphore.release()
    await asyncio.gather(*tasks)
    assert order == ["new", "old1", "old2"]


async def test_a_cancelled_waiter_does_not_lose_the_slot() -> None:
    semaphore = PrioritySemaphore(1)
    await semaphore.acquire()
    cancelled = asyncio.create_task(semaphore.acquire(0))
    later = asyncio.create_task(semaphore.acquire(5))
    await asyncio.sleep(0)
    cancelled.cancel()
    semaphore.release()
    await asyncio.wait_for(later, 5)
    semaphore.release()
    await asyncio.wait_for(semaphore.acquire(), 5)


async def test_thousands_of_old_sitemap_urls_do_not_delay_a_fresh_link() -> None:
    politeness = Politeness(delay_s=0.0, concurrency=1, max_delay_s=1.0)
    started: list[str] = []

    async def fetch(name: str, request: CrawlRequest) -> None:
        async with politeness.slot("a.example", 0.0, request_priority(request, NOW)):
            started.append(name)
            await asyncio.sleep(0)

    backlog = [
        asyncio.create_task(fetch(f"old{i}", page("sitemap", NOW - timedelta(days=30 + i))))
        for i in range(3000)
    ]
    await asyncio.sleep(0.01)  # the backlog is queued and the first few have started
    fresh = asyncio.create_task(fetch("fresh", page("feed", NOW - timedelta(minutes=2))))
    await asyncio.gather(fresh, *backlog)
    position = started.index("fresh")
    assert position < 100, f"fresh link fetched as number {position}"
    # It overtook every old URL still waiting when it arrived.
    assert all(name.startswith("old") for name in started[:position])
    assert started[position + 1 :] == sorted(started[position + 1 :], key=lambda n: int(n[3:]))
