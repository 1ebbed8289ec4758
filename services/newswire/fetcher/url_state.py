"""What the fetcher remembers about each URL, and the pure rules that decide whether to fetch.

The record (:class:`UrlState`) is what makes the crawl restart-safe: articles are fetched once
(across restarts, because the state is durable on Kafka, see :mod:`frontier`) and list pages,
feeds and sitemaps are re-fetched no more often than their re-visit interval, with a
conditional GET built from the ETag and Last-Modified of the last 200.

A URL whose last attempt failed (and so left a dead letter) *cools down*: for
``dead_letter_cooldown_s`` (list pages: until their next re-visit, if sooner) another link to it
does not fetch it again, so two list pages linking one broken URL cost one attempt and leave one
dead letter. An address-guard refusal is permanent. Forced requests and dead letters replayed by
an operator are fetched regardless.

Nothing in this module does I/O; the worker feeds it requests, outcomes and the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict

from newswire.fetcher.revisit_policy import RevisitStats
from newswire.records import CrawlKind, CrawlRequest

#: Statuses after which an article is settled: fetched, or permanently not there.
_SETTLED = frozenset(
    {200, 203, 204, 206, 301, 302, 303, 307, 308, 400, 401, 403, 404, 405, 410, 414, 451}
)
#: Failures that asking again will not change: only a forced or replayed request retries them.
PERMANENT_FAILURES = frozenset({"address_refused", "scheme_refused"})
#: Failures that say nothing about the URL: its host's robots.txt could not be read (a 5xx, a
#: timeout), so nothing of the host was fetched. Such a URL cools down only as long as the
#: unreadable robots.txt is trusted, not for the whole cool-down: one bad minute of a site
#: must not keep every URL linked in it away for a day.
ROBOTS_UNAVAILABLE = "robots_unavailable"


class UrlState(BaseModel):
    """The durable per-URL record, keyed by ``url_id``."""

    model_config = ConfigDict(extra="ignore")

    url: str
    url_id: str
    kind: CrawlKind = "page"
    site: str | None = None
    first_seen: datetime
    last_fetched: datetime | None = None
    #: HTTP status of the last attempt (None: no response, e.g. timeout or robots denial).
    status: int | None = None
    #: ``fetched``, ``not_modified`` or a failure reason (``http_404``, ``robots_denied``...).
    outcome: str | None = None
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    fetch_count: int = 0
    #: Consecutive failed attempts (reset by a success).
    failures: int = 0
    #: A start page, feed or sitemap the scheduler re-visits: from the site list, advertised
    #: by a start page, or named by robots.txt.
    watched: bool = False
    #: What re-visits of this list have learned (adaptive re-visits; lists only).
    revisit: RevisitStats | None = None

    def to_bytes(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json", exclude_defaults=True))

    @classmethod
    def from_bytes(cls, data: bytes) -> UrlState:
        return cls.model_validate_json(data)

    @property
    def settled(self) -> bool:
        """An article in this state need not be fetched again."""
        if self.outcome == "fetched":
            return True
        return self.status in _SETTLED and self.outcome != "robots_denied"

    @property
    def failed(self) -> bool:
        """The last attempt ended in a dead letter."""
        return self.outcome is not None and self.outcome not in ("fetched", "not_modified")


@dataclass(frozen=True)
class FetchPlan:
    """What to do with a crawl request: fetch (maybe conditionally) or skip, and why."""

    action: Literal["fetch", "skip"]
    reason: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def fetch(self) -> bool:
        return self.action == "fetch"


def plan_fetch(
    request: CrawlRequest,
    state: UrlState | None,
    now: datetime,
    *,
    revisit_s: float,
    refetch_articles: bool = False,
    cooldown_s: float = 0.0,
    replayed: bool = False,
    robots_retry_s: float | None = None,
) -> FetchPlan:
    """Decide whether ``request`` is fetched, given what is known about its URL.

    * forced requests are always fetched, unconditionally;
    * new URLs are fetched;
    * a URL refused by the address guard is not fetched again (``refused``), and a URL whose
      last attempt failed less than ``cooldown_s`` ago (for list pages, feeds and sitemaps:
      or less than ``revisit_s``, whichever is shorter) is not either (``cooling_down``),
      unless the request is a ``replayed`` dead letter; a URL turned away only because its
      host's robots.txt could not be read cools down for ``robots_retry_s`` at most;
    * articles (kind ``page``) are fetched once: a settled state skips them, unless
      ``refetch_articles``; a transient failure (timeout, 5xx, 429) leaves them fetchable
      once the cool-down is over;
    * list pages, feeds and sitemaps are fetched again once ``revisit_s`` has passed since
      the last fetch (duplicates from the scheduler, several replicas and outlinks collapse),
      with ``If-None-Match``/``If-Modified-Since`` from the last 200 response.
    """
    if request.force:
        return FetchPlan("fetch", "forced")
    if state is None or state.last_fetched is None:
        return FetchPlan("fetch", "new")
    if state.outcome in PERMANENT_FAILURES and not replayed:
        return FetchPlan("skip", "refused")
    cooldown_s = _cooldown_of(state, cooldown_s, robots_retry_s)
    if request.kind == "page" and state.kind == "page":
        if state.settled and not refetch_articles:
            return FetchPlan("skip", "already_fetched")
        if _cooling_down(state, now, cooldown_s) and not replayed:
            return FetchPlan("skip", "cooling_down")
        return FetchPlan("fetch", "refetch" if state.settled else "retry")
    if _cooling_down(state, now, min(cooldown_s, revisit_s)) and not replayed:
        return FetchPlan("skip", "cooling_down")
    due_at = state.last_fetched + timedelta(seconds=revisit_s)
    if now < due_at and state.failures == 0:
        return FetchPlan("skip", "not_due")
    return FetchPlan("fetch", "revisit", conditional_headers(state))


def retry_in_s(
    state: UrlState, *, cooldown_s: float, revisit_s: float, robots_retry_s: float | None = None
) -> float | None:
    """After a failed attempt left ``state``: how soon another link may fetch the URL again
    (None: not without a forced or replayed request), as :func:`plan_fetch` decides it."""
    if state.outcome in PERMANENT_FAILURES or (state.kind == "page" and state.settled):
        return None
    cooldown_s = _cooldown_of(state, cooldown_s, robots_retry_s)
    return cooldown_s if state.kind == "page" else min(cooldown_s, revisit_s)


def _cooldown_of(state: UrlState, cooldown_s: float, robots_retry_s: float | None) -> float:
    """The cool-down after the URL's last failure (see :data:`ROBOTS_UNAVAILABLE`)."""
    if state.outcome == ROBOTS_UNAVAILABLE and robots_retry_s is not None:
        return min(cooldown_s, robots_retry_s)
    return cooldown_s


def _cooling_down(state: UrlState, now: datetime, cooldown_s: float) -> bool:
    """The URL's last attempt failed less than ``cooldown_s`` ago."""
    assert state.last_fetched is not None
    return state.failed and now < state.last_fetched + timedelta(seconds=cooldown_s)


def conditional_headers(state: UrlState) -> dict[str, str]:
    headers: dict[str, str] = {}
    if state.outcome not in ("fetched", "not_modified"):
        return headers
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    return headers


@dataclass(frozen=True)
class Outcome:
    """What came of one fetch, as far as the URL's state is concerned."""

    #: ``fetched``, ``not_modified`` or a failure reason.
    result: str
    status: int | None = None
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None


def apply_outcome(
    state: UrlState | None, request: CrawlRequest, url_id: str, outcome: Outcome, now: datetime
) -> UrlState:
    """The URL's new state after ``outcome`` (a new object; the old one is not modified)."""
    if state is None:
        state = UrlState(
            url=request.url, url_id=url_id, kind=request.kind, site=request.site, first_seen=now
        )
    update: dict[str, object] = {
        "last_fetched": now,
        "status": outcome.status,
        "outcome": outcome.result,
        "fetch_count": state.fetch_count + 1,
        # A page first seen as an outlink may later be requested as a list page, or back.
        "kind": request.kind,
        "site": request.site or state.site,
    }
    if outcome.result == "fetched":
        update.update(
            failures=0,
            final_url=outcome.final_url,
            etag=outcome.etag,
            last_modified=outcome.last_modified,
            content_hash=outcome.content_hash,
        )
    elif outcome.result == "not_modified":
        # Keep the validators and hash of the version we have; servers may omit them on 304.
        update.update(
            failures=0,
            etag=outcome.etag or state.etag,
            last_modified=outcome.last_modified or state.last_modified,
        )
    else:
        update["failures"] = state.failures + 1
    return state.model_copy(update=update)
