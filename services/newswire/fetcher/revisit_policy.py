"""Adaptive re-visits: how soon to fetch a start page, feed or sitemap again (pure; no I/O).

A list page is worth fetching again when it probably shows a story we have not seen. For each
list URL we learn its **rate of new article links per hour** from the visits themselves and
schedule the next visit from that rate:

* **Learning.** Each visit compares the article links on the page with those of the previous
  visit (kept as short hashes in the URL's durable state, :class:`RevisitStats`). New links and
  the hours since the last visit are added to two exponentially decayed sums; their ratio is
  the rate. With :data:`DECAY` at 0.5 the last two or three visits dominate, so a burst of
  breaking news or a section going quiet is followed within a few visits. A list whose links
  all changed since the last visit may have dropped stories we never saw; that visit counts
  double (:data:`OVERFLOW_FACTOR`) so the next visit comes sooner.
* **Priors.** Before two visits have been compared, the page's own hints stand in: item dates
  of a feed or a news sitemap (``news:publication_date``, ``lastmod``), the feed's
  ``sy:updatePeriod``/``sy:updateFrequency``, and how long ago the response says it was
  ``Last-Modified``. A ``304 Not Modified`` is a visit with no new link.
* **Scheduling.** A list with rate ``r`` is due after ``target_new / r`` hours (one new story
  per visit), within the site's minimum and maximum interval. When a site's lists together
  would exceed its budget of list fetches per hour, intervals follow the square-root rule
  ``c / sqrt(r)``, with ``c`` chosen to spend exactly the budget: that allocation minimises the
  mean discovery delay over all stories for a given number of fetches (minimise
  ``sum(r_i * T_i / 2)`` subject to ``sum(1 / T_i) = budget``).
* **Turnover guard.** A list shows only its newest n stories. Whatever the rate says, a list
  is re-visited before it could turn over completely at :data:`SURGE` times its rate (n /
  (100 r)); a list that has turned over between visits before gets up to 4 times that margin.
  Without it a quiet section that bursts into breaking news (60x its rate is ordinary) would
  lose stories before the next visit noticed.
* **Surges.** A visit that finds far more new links than its list's rate predicted (4x, at
  least 3) marks news breaking on the site: the site's other lists not visited since are due
  at once (the same story is on a section page, the front page and the feed).
* **Freshness lifetime.** A feed's ``ttl``, ``Cache-Control: max-age`` or ``Expires`` says the
  document will not change sooner: the next visit waits at least that long (capped at the
  site's maximum interval, so a hostile hint cannot stop the crawl).

Every function takes the time as an argument, so the policy is tested, and the benchmark runs,
on a simulated clock.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

#: Weight of the past per visit: 0.5 halves the influence of a visit at each newer one.
DECAY = 0.5
#: A visit that saw only new links (the list turned over) counts its new links this many times.
OVERFLOW_FACTOR = 2.0
#: Links remembered per list (the newest first); a longer list is compared on these.
MAX_SEEN = 400
#: Characters of a link's hash kept in the state: 40 bits, collisions negligible per list.
SEEN_KEY_CHARS = 10
#: An interval grows at most this much from one visit to the next: a quiet spell is trusted
#: gradually, so one empty visit of a busy list does not push it to the maximum interval.
MAX_GROWTH = 2.0
#: A list is re-visited before it could turn over (show only stories we have not seen) at this
#: many times its learned rate: a quiet section that suddenly breaks news (a 60x burst is
#: ordinary) loses no story before the next visit notices and the rate catches up.
SURGE = 100.0
MAX_SURGE_BOOST = 4.0
#: A visit "surged" when it found at least this many new links and this many times the
#: number its list's rate predicted.
SURGE_MIN_NEW = 3
SURGE_RATIO = 4.0
#: Weight of the hints' prior, in hours of observation (one typical visit's worth).
PRIOR_HOURS = 1.0
#: Item dates older than this do not count towards a prior (an archive page is not news).
PRIOR_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class RevisitBounds:
    """A site's limits for its list re-visits (``revisit_min``/``revisit_max``/``list_budget``)."""

    min_interval_s: float
    max_interval_s: float
    #: List fetches (start pages, feeds, sitemaps together) the site may get per hour.
    budget_per_hour: float
    #: Interval for a list nothing is known about yet (the site's fixed ``revisit``).
    default_interval_s: float
    #: New links one visit should find on average when the budget allows.
    target_new_per_visit: float = 1.0

    def clamp(self, interval_s: float) -> float:
        return min(max(interval_s, self.min_interval_s), self.max_interval_s)


@dataclass(frozen=True)
class ListingSnapshot:
    """What one fetch of a list page, feed or sitemap showed (see :mod:`.listing_links`)."""

    #: Article links as listed (normalised URLs).
    links: Sequence[str] = ()
    #: Dates the listing gives for its items (feed item dates, news sitemap dates).
    dates: Sequence[datetime] = ()
    #: Seconds the server says the document stays fresh (ttl, max-age, Expires).
    fresh_for_s: float | None = None
    #: Seconds between updates the feed announces (sy:updatePeriod / sy:updateFrequency).
    update_every_s: float | None = None
    #: The response's Last-Modified.
    last_modified: datetime | None = None


class RevisitStats(BaseModel):
    """The learned part of a list URL's durable state (in :class:`~.url_state.UrlState`)."""

    model_config = ConfigDict(extra="ignore")

    visits: int = 0
    #: Decayed sum of new links seen, and of the hours over which they were seen.
    new_links: float = 0.0
    hours: float = 0.0
    #: New links per hour from the page's own hints, until visits have been compared.
    prior_per_hour: float | None = None
    last_visit: datetime | None = None
    #: Hash prefixes of the links seen at the last visit (newest first).
    seen: list[str] = Field(default_factory=list)
    #: Seconds between the last two visits (an interval grows from it), and the server's
    #: freshness lifetime at the last visit.
    last_gap_s: float | None = None
    fresh_for_s: float | None = None
    #: Visits at which every link was new (stories may have been missed in between).
    overflows: int = 0
    #: The last visit found far more new links than the rate predicted: news is breaking on
    #: the site, and its other lists are due at once (see :func:`surge_at`).
    surged: bool = False

    def rate_per_hour(self) -> float | None:
        """New article links per hour, or None when nothing is known yet."""
        return self.new_links / self.hours if self.hours > 0 else None


@dataclass(frozen=True)
class Visit:
    """What :func:`observe` made of one visit."""

    stats: RevisitStats
    new_links: int
    overflow: bool = False


def link_key(url: str) -> str:
    return hashlib.blake2b(url.encode(), digest_size=8).hexdigest()[:SEEN_KEY_CHARS]


def observe(stats: RevisitStats | None, snapshot: ListingSnapshot | None, now: datetime) -> Visit:
    """Fold one visit into the stats. ``snapshot`` None: a ``304`` (nothing changed)."""
    stats = stats or RevisitStats()
    previous = stats.last_visit
    hours = (now - previous).total_seconds() / 3600 if previous is not None else 0.0
    update: dict[str, object] = {"visits": stats.visits + 1, "last_visit": now}
    if snapshot is None:
        new, overflow = 0, False
    else:
        keys = list(dict.fromkeys(link_key(u) for u in snapshot.links))[:MAX_SEEN]
        seen = set(stats.seen)
        new = sum(1 for k in keys if k not in seen)
        # All links new although we had seen the list before: it turned over between visits.
        overflow = bool(stats.seen) and bool(keys) and new == len(keys)
        update["seen"] = keys
        update["fresh_for_s"] = snapshot.fresh_for_s
    if previous is None:
        # The first visit: nothing to compare yet, but the page's hints give a prior, counted
        # as one pseudo-visit of PRIOR_HOURS so that real visits soon outweigh it.
        prior = prior_rate(snapshot, now) if snapshot is not None else None
        if prior is not None:
            update.update(prior_per_hour=prior, new_links=prior * PRIOR_HOURS, hours=PRIOR_HOURS)
    elif hours > 0:
        expected = (stats.rate_per_hour() or 0.0) * hours
        update["surged"] = new >= SURGE_MIN_NEW and new > SURGE_RATIO * expected
        counted = new * (OVERFLOW_FACTOR if overflow else 1.0)
        update["new_links"] = stats.new_links * DECAY + counted
        update["hours"] = stats.hours * DECAY + hours
        update["overflows"] = stats.overflows + int(overflow)
        update["last_gap_s"] = hours * 3600
    return Visit(stats.model_copy(update=update), new, overflow)


def prior_rate(snapshot: ListingSnapshot, now: datetime) -> float | None:
    """New links per hour the listing's own hints suggest, before any visit is compared.

    Item dates are the best: n dated items within :data:`PRIOR_WINDOW` spanning the time from
    the oldest to now make ``n / span``. Then the feed's announced update period (one update
    per period), then the time since Last-Modified (a page unchanged for a day changes about
    once a day)."""
    recent = sorted(
        d for d in snapshot.dates if now - PRIOR_WINDOW <= d <= now + timedelta(hours=1)
    )
    if len(recent) >= 2:
        span_h = max((now - recent[0]).total_seconds() / 3600, 1 / 60)
        return len(recent) / span_h
    if snapshot.update_every_s:
        return 3600 / snapshot.update_every_s
    if snapshot.last_modified is not None and snapshot.last_modified < now:
        age_h = (now - snapshot.last_modified).total_seconds() / 3600
        return 1 / max(age_h, 1 / 60)
    return None


def plan_intervals(
    lists: Mapping[str, RevisitStats | None], bounds: RevisitBounds
) -> dict[str, float]:
    """The re-visit interval (seconds) of each of a site's lists, keyed like ``lists``.

    Each list gets ``target_new_per_visit / rate`` within the bounds; if the site's lists then
    need more fetches per hour than its budget, the square-root rule spreads the budget
    instead (see the module docstring). Lists with no rate yet keep the default interval and
    their share of the budget is set aside first. An interval grows at most
    :data:`MAX_GROWTH` times per visit."""
    rates = {uid: (s.rate_per_hour() if s is not None else None) for uid, s in lists.items()}
    floor = 1 / (bounds.max_interval_s / 3600)  # a silent list still gets max_interval
    known = {uid: max(r, floor * 0.01) for uid, r in rates.items() if r is not None}
    intervals = {
        uid: bounds.clamp(bounds.default_interval_s) for uid, r in rates.items() if r is None
    }
    spent = sum(3600 / t for t in intervals.values())
    budget = max(bounds.budget_per_hour - spent, 0.0)
    wanted = {
        uid: bounds.clamp(min(3600 * bounds.target_new_per_visit / r, _turnover_s(lists[uid], r)))
        for uid, r in known.items()
    }
    if known and sum(3600 / t for t in wanted.values()) > budget:
        wanted = _square_root_rule(known, bounds, budget)
    for uid, interval in wanted.items():
        stats = lists[uid]
        previous = stats.last_gap_s if stats is not None else None
        if previous:
            interval = min(interval, previous * MAX_GROWTH)
        intervals[uid] = bounds.clamp(interval)
    return intervals


def _turnover_s(stats: RevisitStats | None, rate: float) -> float:
    """How long the list would take to turn over at :data:`SURGE` times its rate (inf: not
    known). A list that has turned over between visits before is bursty: its surge factor
    doubles with each such visit, up to :data:`MAX_SURGE_BOOST` times."""
    if stats is None or not stats.seen:
        return math.inf
    surge = SURGE * min(2.0**stats.overflows, MAX_SURGE_BOOST)
    return 3600 * len(stats.seen) / (surge * rate)


def _square_root_rule(
    rates: Mapping[str, float], bounds: RevisitBounds, budget: float
) -> dict[str, float]:
    """Intervals ``c / sqrt(rate)`` (clamped) spending ``budget`` fetches per hour."""

    def fetches(c: float) -> float:
        return sum(3600 / bounds.clamp(c / math.sqrt(r)) for r in rates.values())

    low, high = 1e-6, 1e12
    if fetches(high) > budget:  # even every list at max_interval is over budget
        return {uid: bounds.max_interval_s for uid in rates}
    for _ in range(100):  # bisection on a monotonic function; ~1e-18 relative precision
        mid = math.sqrt(low * high)
        if fetches(mid) > budget:
            low = mid
        else:
            high = mid
    return {uid: bounds.clamp(high / math.sqrt(r)) for uid, r in rates.items()}


def next_visit_at(
    last_fetched: datetime, interval_s: float, fresh_for_s: float | None, bounds: RevisitBounds
) -> datetime:
    """When a list is due: its interval after the last fetch, but not before the server's
    freshness lifetime has run out (which is capped at the site's maximum interval)."""
    wait = interval_s
    if fresh_for_s:
        wait = max(wait, min(fresh_for_s, bounds.max_interval_s))
    return last_fetched + timedelta(seconds=wait)


def surge_at(lists: Iterable[RevisitStats | None]) -> datetime | None:
    """The latest visit of a site's lists that surged, if any: the site's lists fetched
    before it are due at once (a story breaking on one section shows on the front page and
    in the feed too, which may turn over before their own next visit)."""
    return max(
        (s.last_visit for s in lists if s is not None and s.surged and s.last_visit is not None),
        default=None,
    )


@dataclass
class ListBudget:
    """List fetches scheduled per site within the last hour (a sliding window).

    The scheduler asks before each re-visit, so a site never gets more list fetches per hour
    than its budget, whatever the rates say (a burst of schedule decisions, hints, restarts)."""

    window: timedelta = timedelta(hours=1)
    _sent: dict[str, list[datetime]] = field(default_factory=dict)

    def allows(self, site: str, now: datetime, budget_per_hour: float) -> bool:
        sent = [t for t in self._sent.get(site, ()) if now - t < self.window]
        self._sent[site] = sent
        return len(sent) < budget_per_hour * self.window / timedelta(hours=1)

    def spend(self, site: str, now: datetime) -> None:
        self._sent.setdefault(site, []).append(now)
