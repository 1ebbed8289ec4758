"""Which waiting request of a host goes first: the freshest news (pure, plus one semaphore).

Requests for one host wait for its politeness slot. In arrival order, the crawl of a big
site's sitemap (thousands of old article URLs) would hold a story published a minute ago
behind all of them for hours at one request per second. Instead each request gets a
*priority*, its story's age in seconds (lower goes first), and the host's slot goes to the
lowest waiting priority:

* start pages, feeds and sitemaps, and requests an operator made, go first (0): they are how
  new stories are found, and there are few of them (the list budget caps them);
* an article the link gives a date for (feed item, news sitemap ``publication_date``,
  ``lastmod``, or a date shown beside the link on a list page): its age;
* an undated article found on a list page or in a feed: :data:`UNDATED_FRESH_AGE_S` (lists
  and feeds show what is new);
* an undated article from a sitemap: :data:`UNDATED_SITEMAP_AGE_S` (a sitemap is mostly
  archive).

Within one priority, arrival order holds. This orders the requests a fetcher holds (up to
``max_in_flight``, 5000 by default); requests still on the topic behind them wait their turn.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from datetime import datetime

from newswire.records import CrawlRequest

#: An undated link on a list page or in a feed is treated as this old: probably new.
UNDATED_FRESH_AGE_S = 3600.0
#: An undated sitemap entry is treated as this old: probably archive.
UNDATED_SITEMAP_AGE_S = 30 * 86400.0


def request_priority(request: CrawlRequest, now: datetime) -> float:
    """The request's place in its host's queue: seconds of story age, lower first."""
    if request.kind != "page" or request.force or request.source in ("cli", "replay", "seed"):
        return 0.0
    if request.published_at is not None:
        published = request.published_at
        if published.tzinfo is None:
            published = published.replace(tzinfo=now.tzinfo)
        return max((now - published).total_seconds(), 0.0)
    if request.source == "sitemap":
        return UNDATED_SITEMAP_AGE_S
    return UNDATED_FRESH_AGE_S


class PrioritySemaphore:
    """An asyncio semaphore that wakes its waiters lowest priority first (then FIFO)."""

    def __init__(self, value: int = 1) -> None:
        self._value = value
        self._waiters: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def acquire(self, priority: float = 0.0) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        self._wake()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release()  # granted as we were cancelled: pass the slot on
            raise

    def release(self) -> None:
        self._value += 1
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self._value > 0:
            _, _, future = heapq.heappop(self._waiters)
            if future.done():  # its waiter was cancelled
                continue
            self._value -= 1
            future.set_result(None)
