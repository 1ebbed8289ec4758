"""Re-visits of the watched lists: which start pages, feeds and sitemaps are due for a fetch.

The worker asks :func:`due_requests` every few seconds and produces the answer to
``crawl.requests``, so re-visits travel the same road (and get the same at-least-once and
politeness treatment) as every other crawl request. Each fetcher instance schedules only the
hosts whose crawl.requests partition it owns (it also owns their state), so N replicas do not
multiply the re-visits; a duplicate that slips through a rebalance is skipped by
:func:`~newswire.fetcher.url_state.plan_fetch` as ``not_due``.

The watched lists of a site are its configured start pages, feeds and sitemaps, plus the ones
found since (feeds its start pages advertise, sitemaps its robots.txt names), which are
remembered in their URL state (``watched``). A site with a fixed interval re-visits each of
them every ``revisit``; a site with adaptive re-visits (the default) re-visits each when its
learned rate of new links says so (:mod:`.revisit_policy`), within the site's bounds and its
budget of list fetches per hour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta

from newswire.fetcher.revisit_policy import (
    ListBudget,
    RevisitBounds,
    next_visit_at,
    plan_intervals,
    surge_at,
)
from newswire.fetcher.url_state import UrlState
from newswire.records import CrawlRequest
from newswire.settings import Settings
from newswire.sites import Site, SiteRegistry
from newswire.urls import host_of, url_id


def revisit_bounds(
    site: Site, settings: Settings, default_revisit_s: float
) -> RevisitBounds | None:
    """The site's adaptive re-visit bounds, or None when it re-visits on a fixed interval.

    A site whose fixed ``revisit`` is shorter than ``revisit_min`` may go that low: the
    minimum protects sites from us, and the site list already asked for more."""
    adaptive = site.adaptive_revisit
    if not (settings.adaptive_revisits if adaptive is None else adaptive):
        return None
    default = site.revisit if site.revisit is not None else default_revisit_s
    minimum = site.revisit_min if site.revisit_min is not None else settings.revisit_min_s
    maximum = site.revisit_max if site.revisit_max is not None else settings.revisit_max_s
    budget = site.list_budget if site.list_budget is not None else settings.list_budget_per_hour
    minimum = min(minimum, default)
    return RevisitBounds(
        min_interval_s=minimum,
        max_interval_s=max(maximum, minimum),
        budget_per_hour=budget,
        default_interval_s=default,
    )


def due_requests(
    sites: SiteRegistry,
    now: datetime,
    *,
    owns_host: Callable[[str], bool],
    state_of: Callable[[str, str], UrlState | None],
    scheduled_at: dict[str, datetime],
    default_revisit_s: float,
    settings: Settings | None = None,
    discovered: Iterable[UrlState] = (),
    budget: ListBudget | None = None,
) -> Iterator[CrawlRequest]:
    """Watched lists whose next visit is due (and, for adaptive sites, within the budget).

    ``state_of(host, url_id)`` looks up the URL's state; ``discovered`` are the watched
    states of the owned hosts that the site list does not name. ``scheduled_at`` (url id ->
    time) is updated for every request yielded, so a request still waiting in the frontier is
    not scheduled again until another full interval has passed. Without ``settings`` every
    site re-visits on its fixed interval.
    """
    extra: dict[str, list[CrawlRequest]] = {}
    for state in discovered:
        if state.site is not None:
            extra.setdefault(state.site, []).append(
                CrawlRequest(url=state.url, site=state.site, kind=state.kind, source="schedule")
            )
    budget = budget if budget is not None else ListBudget()
    for site in sites:
        configured = list(site.seed_requests(source="schedule"))
        names = {r.url for r in configured}
        candidates = [*configured, *(r for r in extra.get(site.name, ()) if r.url not in names)]
        lists = [r for r in candidates if owns_host(host_of(r.url))]
        if not lists:
            continue
        states = {r.url: state_of(host_of(r.url), url_id(r.url)) for r in lists}
        bounds = revisit_bounds(site, settings, default_revisit_s) if settings else None
        if bounds is not None and len(lists) < len(candidates):
            # The site's hosts are spread over several fetcher replicas: each spends its share.
            share = len(lists) / len(candidates)
            bounds = replace(bounds, budget_per_hour=bounds.budget_per_hour * share)
        if bounds is None:
            interval = site.revisit if site.revisit is not None else default_revisit_s
            intervals = {r.url: interval for r in lists}
        else:
            intervals = plan_intervals(
                {url: (s.revisit if s is not None else None) for url, s in states.items()}, bounds
            )
        breaking = surge_at(s.revisit for s in states.values() if s is not None) if bounds else None
        due: list[tuple[datetime, CrawlRequest]] = []
        for request in lists:
            state = states[request.url]
            when = _due_at(state, intervals[request.url], bounds)
            fetched = state.last_fetched if state is not None else None
            if breaking is not None and when is not None and fetched is not None:
                # News is breaking on the site: a list not visited since is due now.
                when = min(when, breaking) if fetched < breaking else when
            uid = url_id(request.url)
            last_fetched = state.last_fetched if state is not None else None
            last_scheduled = scheduled_at.get(uid)
            if last_scheduled is not None and (
                last_fetched is None or last_scheduled > last_fetched
            ):
                # Scheduled and not fetched since: give it a full interval before asking again.
                retry_at = last_scheduled + timedelta(seconds=intervals[request.url])
                when = retry_at if when is None else max(when, retry_at)
            if when is None or when <= now:
                due.append((when or now, request))
        # The most overdue first, so a tight budget goes to the lists waiting longest.
        for _, request in sorted(due, key=lambda item: item[0]):
            if bounds is not None:
                if not budget.allows(site.name, now, bounds.budget_per_hour):
                    break
                budget.spend(site.name, now)
            scheduled_at[url_id(request.url)] = now
            yield request


def _due_at(
    state: UrlState | None, interval_s: float, bounds: RevisitBounds | None
) -> datetime | None:
    """When a list is next due (None: never fetched, due now)."""
    if state is None or state.last_fetched is None:
        return None
    if bounds is not None and state.revisit is not None:
        return next_visit_at(state.last_fetched, interval_s, state.revisit.fresh_for_s, bounds)
    return state.last_fetched + timedelta(seconds=interval_s)
