"""Re-visits of the seeds: which start pages, feeds and sitemaps are due for another fetch.

The worker asks :func:`due_requests` every few seconds and produces the answer to
``crawl.requests``, so re-visits travel the same road (and get the same at-least-once and
politeness treatment) as every other crawl request. Each fetcher instance schedules only the
hosts whose crawl.requests partition it owns (it also owns their state), so N replicas do not
multiply the re-visits; a duplicate that slips through a rebalance is skipped by
:func:`~newswire.fetcher.url_state.plan_fetch` as ``not_due``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from newswire.fetcher.url_state import UrlState
from newswire.records import CrawlRequest
from newswire.sites import SiteRegistry
from newswire.urls import host_of, url_id


def due_requests(
    sites: SiteRegistry,
    now: datetime,
    *,
    owns_host: Callable[[str], bool],
    state_of: Callable[[str, str], UrlState | None],
    scheduled_at: dict[str, datetime],
    default_revisit_s: float,
) -> Iterator[CrawlRequest]:
    """Seed requests whose last fetch (or last scheduling) is at least a re-visit ago.

    ``state_of(host, url_id)`` looks up the URL's state; ``scheduled_at`` (url id -> time) is
    updated for every request yielded, so a request still waiting in the frontier is not
    scheduled again until another full interval has passed.
    """
    for site in sites:
        revisit = timedelta(seconds=site.revisit if site.revisit is not None else default_revisit_s)
        for request in site.seed_requests(source="schedule"):
            host = host_of(request.url)
            if not owns_host(host):
                continue
            uid = url_id(request.url)
            state = state_of(host, uid)
            last = state.last_fetched if state is not None else None
            last_scheduled = scheduled_at.get(uid)
            if last_scheduled is not None and (last is None or last_scheduled > last):
                last = last_scheduled
            if last is not None and now - last < revisit:
                continue
            scheduled_at[uid] = now
            yield request
