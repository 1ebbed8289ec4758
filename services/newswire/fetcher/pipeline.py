"""One crawl request, start to finish: the stages a URL goes through, in order.

1. **decode** the record and **normalise** the URL (undecodable or invalid -> dead letter);
   one request per URL at a time (a duplicate waits, then sees the first one's state);
2. **plan** from the URL's state (:func:`~newswire.fetcher.url_state.plan_fetch`): skip
   articles already fetched, list pages not yet due, and URLs dead-lettered within the
   cool-down; or fetch (conditionally for lists); a new outlinked URL beyond its site's
   hourly budget (:mod:`~.new_url_budget`, spider traps) is skipped;
3. **guard**: the address guard refuses private and reserved destinations;
4. **robots.txt** (cached per origin) may disallow the URL; its Crawl-delay sets the pacing;
5. **fetch** with every request, each redirect hop included, inside its host's politeness
   slot (:meth:`FetchPipeline._host_gate`); transient failures retried with exponential
   backoff and jitter (tenacity) within the URL's :class:`~.retry_budget.RetryBudget`;
   ``429``/``503`` ``Retry-After`` pauses the whole host, and so do timeouts in a row;
6. **publish** (:class:`~newswire.fetcher.publisher.Publisher`): a ``RawPage``, nothing for a
   ``304``, or a ``DeadLetter`` with its reason; then the URL's new state; and wait for the
   broker's acknowledgement of both.

Each failure and retry is logged as a warning (:mod:`~newswire.fetcher.failure_log`).

The consumer loop (:mod:`newswire.fetcher.app`) calls :meth:`FetchPipeline.handle` for each
record and commits the offset once it returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from aiokafka import ConsumerRecord
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, wait_exponential_jitter

from newswire.admin.deadletters import REPLAY_HEADER
from newswire.fetcher import metrics
from newswire.fetcher.address_guard import AddressGuard, AddressRefused, ResolutionFailed
from newswire.fetcher.failure_log import FailureLog
from newswire.fetcher.http_client import (
    FetchError,
    FetchOptions,
    FetchResult,
    HostGate,
    HttpClient,
)
from newswire.fetcher.listing_links import read_listing
from newswire.fetcher.new_url_budget import NewUrlBudget
from newswire.fetcher.politeness import Politeness, parse_retry_after
from newswire.fetcher.priority import request_priority
from newswire.fetcher.publisher import Publisher
from newswire.fetcher.retry_budget import TIMEOUT, RetryBudget
from newswire.fetcher.revisit_policy import observe
from newswire.fetcher.robots import MAX_ROBOTS_BYTES, RobotsCache, RobotsRules, agent_token
from newswire.fetcher.scheduler import revisit_bounds
from newswire.fetcher.url_state import (
    ROBOTS_UNAVAILABLE,
    FetchPlan,
    Outcome,
    UrlState,
    apply_outcome,
    plan_fetch,
    retry_in_s,
)
from newswire.records import CrawlRequest, RecordError
from newswire.settings import Settings
from newswire.sites import Site, SiteRegistry
from newswire.urls import host_of, normalize_url, redact, url_id

log = logging.getLogger(__name__)

#: Statuses worth another attempt: the server is overloaded or briefly broken.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
#: Failures that say the host, not the page, is in trouble: in a row, they pause the host.
#: A refused connection or a failed lookup costs the host nothing, but a host that refuses
#: every connection would otherwise be asked again for each of its URLs, 1 + max_retries
#: times each, as fast as its Crawl-delay allows.
HOST_UNREACHABLE = frozenset({TIMEOUT, "connect_error", "dns_error"})
#: Statuses whose Retry-After (or absence of one) slows the whole host down.
SLOW_DOWN_STATUSES = frozenset({429, 503})

#: Starts a background task the consumer loop owns (cancelled at shutdown, failures logged).
Spawn = Callable[[Coroutine[Any, Any, None]], None]


class RetryableStatus(Exception):
    """A response whose status is worth another attempt (after the retries: a failure)."""

    def __init__(self, result: FetchResult):
        super().__init__(f"HTTP {result.status}")
        self.result = result
        self.reason = f"http_{result.status}"


def _is_transient(exc: BaseException) -> bool:
    return isinstance(exc, RetryableStatus) or (isinstance(exc, FetchError) and exc.transient)


def _reason_of(rs: RetryCallState) -> str:
    exc = rs.outcome.exception() if rs.outcome else None
    return str(getattr(exc, "reason", "error"))


def _now() -> datetime:
    return datetime.now(UTC)


class _Failure(Exception):
    """A crawl request that ends in a dead letter, after ``attempts`` requests."""

    def __init__(self, reason: str, error: str, status: int | None = None, attempts: int = 0):
        super().__init__(error)
        self.reason = reason
        self.status = status
        self.attempts = attempts


class FetchPipeline:
    """Everything between a consumed crawl request and its published records."""

    def __init__(
        self,
        settings: Settings,
        sites: SiteRegistry,
        publisher: Publisher,
        *,
        retry_initial_s: float,
        retry_max_s: float,
        default_backoff_s: float,
        robots_error_ttl_s: float,
        spawn: Spawn,
        failures: FailureLog | None = None,
        clock: Callable[[], datetime] = _now,
    ):
        self.settings = settings
        #: Wall-clock time for the URL state and the re-visit schedule (the freshness
        #: benchmark runs it faster); politeness keeps real, monotonic time.
        self.clock = clock
        self.sites = sites
        self.publisher = publisher
        self.retry_initial_s = retry_initial_s
        self.retry_max_s = retry_max_s
        self.default_backoff_s = default_backoff_s
        self.spawn = spawn
        self.agent = agent_token(settings.user_agent)
        self.guard = AddressGuard(settings.allow_private_networks)
        self.http = HttpClient(FetchOptions.from_settings(settings), self.guard)
        self.politeness = Politeness(
            delay_s=settings.host_delay_s,
            concurrency=settings.host_concurrency,
            max_delay_s=settings.max_crawl_delay_s,
        )
        self.robots = RobotsCache(
            self._fetch_robots,
            ttl_s=settings.robots_ttl_s,
            error_ttl_s=robots_error_ttl_s,
            on_new_rules=self._on_new_robots,
        )
        self._url_locks: dict[str, asyncio.Future[None]] = {}
        self.new_urls = NewUrlBudget(settings.new_urls_per_site_per_hour)
        self.failures = failures or FailureLog()

    async def aclose(self) -> None:
        await self.http.aclose()

    # --- 1. decode and normalise ------------------------------------------------------------

    async def handle(self, partition: int, record: ConsumerRecord[Any, Any]) -> None:
        """Process one crawl request; returns once its records are acknowledged."""
        try:
            request = CrawlRequest.from_bytes(record.value or b"")
        except RecordError as exc:
            metrics.REQUESTS.labels(decision="undecodable").inc()
            metrics.ERRORS.labels(reason=exc.reason).inc()
            log.warning(
                "undecodable crawl request, dead-lettered",
                extra={"reason": exc.reason, "offset": record.offset, "error": str(exc)},
            )
            await self.publisher.dead_letter(record, exc.reason, str(exc))
            return
        try:
            url = normalize_url(request.url)
        except ValueError as exc:
            metrics.REQUESTS.labels(decision="invalid_url").inc()
            metrics.ERRORS.labels(reason="invalid_url").inc()
            log.warning(
                "invalid URL, dead-lettered",
                extra={"reason": "invalid_url", "url": redact(request.url), "error": str(exc)},
            )
            await self.publisher.dead_letter(record, "invalid_url", str(exc), url=request.url)
            return
        uid = url_id(url)
        # One request per URL at a time: a duplicate waits and then sees the first's state.
        while (busy := self._url_locks.get(uid)) is not None:
            await asyncio.shield(busy)
        lock: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._url_locks[uid] = lock
        try:
            await self._process_url(partition, record, request, url, uid)
        finally:
            del self._url_locks[uid]
            lock.set_result(None)

    # --- 2. plan, then 3-5 fetch, then 6 publish ----------------------------------------------

    async def _process_url(
        self,
        partition: int,
        record: ConsumerRecord[Any, Any],
        request: CrawlRequest,
        url: str,
        uid: str,
    ) -> None:
        site = self._site_for(request, url)
        state = self.publisher.state.get(partition, uid)
        revisit_s = self._revisit_s(site, request)
        plan = plan_fetch(
            request,
            state,
            self.clock(),
            revisit_s=revisit_s,
            refetch_articles=self.settings.refetch_articles,
            cooldown_s=self.settings.dead_letter_cooldown_s,
            replayed=any(name == REPLAY_HEADER for name, _ in record.headers or ()),
            robots_retry_s=self.robots.error_ttl_s,
        )
        # Per site: a trap may spread over a site's subdomains, one new host per link.
        budget_key = f"site:{site.name}" if site is not None else host_of(url)
        over_budget = (
            plan.reason == "new"
            and request.source == "outlink"
            and not self.new_urls.admit(budget_key)
        )
        metrics.REQUESTS.labels(
            decision="over_new_url_budget" if over_budget else plan.reason
        ).inc()
        if over_budget:
            # A spider trap, most likely: not fetched, no state, no dead letter (a later link
            # to a real story is admitted in a later hour).
            retry_in = self.new_urls.retry_in_s(budget_key)
            self.failures.over_budget(uid, host_of(url), retry_in)
            return
        if not plan.fetch:
            return
        if site is not None and request.site is None:
            request = request.model_copy(update={"site": site.name})
        pending: list[asyncio.Future[Any]] = []
        failure: _Failure | None = None
        try:
            priority = request_priority(request, self.clock())
            result = await self._fetch(url, uid, plan, site, priority)
        except _Failure as failed:
            failure = failed
            metrics.ERRORS.labels(reason=failure.reason).inc()
            outcome = Outcome(failure.reason, status=failure.status)
            pending.append(
                await self.publisher.dead_letter(
                    record, failure.reason, str(failure), url=url, uid=uid, wait=False
                )
            )
        else:
            if result.status == 304:
                metrics.NOT_MODIFIED.inc()
                outcome = Outcome(
                    "not_modified",
                    status=304,
                    etag=result.headers.get("etag"),
                    last_modified=result.headers.get("last-modified"),
                )
            else:
                outcome, sent = await self.publisher.page(record, request, url, uid, result)
                pending.append(sent)
        now = self.clock()
        new_state = apply_outcome(state, request, uid, outcome, now)
        if request.kind != "page" and failure is None:
            try:
                new_state = await self._learn_listing(
                    partition, request, site, result, new_state, now
                )
            except Exception:
                # The list is the site's bytes, read by code that may meet what it never
                # saw: its page is published, so its state is written all the same (else
                # every later link fetches it again); only this visit's links go unlearned.
                log.exception(
                    "reading a fetched list failed; its links are not learned this visit",
                    extra={"url_id": uid, "url": redact(url)},
                )
        if failure is not None:
            retry_in = retry_in_s(
                new_state,
                cooldown_s=self.settings.dead_letter_cooldown_s,
                revisit_s=revisit_s,
                robots_retry_s=self.robots.error_ttl_s,
            )
            self.failures.failed(
                uid, host_of(url), failure.reason, failure.attempts, retry_in, str(failure)
            )
        await self.publisher.settle(record, url, uid, pending, new_state, partition)

    def _revisit_s(self, site: Site | None, request: CrawlRequest) -> float:
        """How long after its last fetch a list may be fetched again.

        A re-visit the scheduler sent for an adaptive site was timed by the learned rate, so
        only the site's minimum interval holds it back; any other request for a list (the
        home page linked from every article) waits for the fixed ``revisit``."""
        revisit = (
            site.revisit
            if site is not None and site.revisit is not None
            else self.sites.defaults.revisit
        )
        if site is not None and request.source == "schedule":
            bounds = revisit_bounds(site, self.settings, self.sites.defaults.revisit)
            if bounds is not None:
                return bounds.min_interval_s
        return revisit

    async def _learn_listing(
        self,
        partition: int,
        request: CrawlRequest,
        site: Site | None,
        result: FetchResult,
        state: UrlState,
        now: datetime,
    ) -> UrlState:
        """A start page, feed or sitemap was fetched: learn its rate of new links, mark it
        watched if it is one of the site's seeds, and send the feeds a start page advertises.

        ``result`` is a 200 (the links are compared with the last visit's) or a 304 (a visit
        without a new link)."""
        watched = state.watched or request.source in ("seed", "schedule")
        if result.status == 304:
            visit = observe(state.revisit, None, now)
            return state.model_copy(update={"revisit": visit.stats, "watched": watched})
        read = await asyncio.to_thread(
            read_listing, result.body, result.final_url, request.kind, result.headers, site, now
        )
        visit = observe(state.revisit, read.snapshot, now)
        metrics.LIST_NEW_LINKS.labels(kind=request.kind).inc(visit.new_links)
        if visit.overflow:
            metrics.LIST_OVERFLOWS.labels(kind=request.kind).inc()
        if watched and read.feeds and site is not None:
            feeds = [
                CrawlRequest(
                    url=feed, site=site.name, kind="feed", source="seed", referrer=state.url
                )
                for feed in read.feeds
                if feed not in site.feeds
                and self.publisher.state.get(partition, url_id(feed)) is None
            ]
            if feeds:
                log.info(
                    "feeds found on a start page",
                    extra={"url": redact(state.url), "feeds": len(feeds)},
                )
                self.spawn(self.publisher.crawl_requests(feeds))
        return state.model_copy(update={"revisit": visit.stats, "watched": watched})

    def _site_for(self, request: CrawlRequest, url: str) -> Site | None:
        if request.site and (site := self.sites.get(request.site)):
            return site
        return self.sites.for_url(url)

    async def _fetch(
        self, url: str, uid: str, plan: FetchPlan, site: Site | None, priority: float = 0.0
    ) -> FetchResult:
        """Guard, robots, politeness, retries; returns a final response or raises _Failure."""
        host = host_of(url)
        try:
            await self.guard.check(url)
        except AddressRefused as exc:
            raise _Failure(exc.reason, str(exc)) from None
        except ResolutionFailed:
            pass  # transient: the fetch below retries resolution
        crawl_delay = None
        if self.settings.obey_robots:
            rules = await self.robots.rules_for(url)
            if not rules.allowed(url, self.agent):
                metrics.ROBOTS_DENIALS.inc()
                raise _Failure(*self._robots_refusal(rules, url))
            crawl_delay = rules.crawl_delay(self.agent)
        delay = self.politeness.effective_delay(site.crawl_delay if site else None, crawl_delay)
        budget = RetryBudget(
            max_retries=self.settings.max_retries,
            timeout_retries=self.settings.timeout_retries,
            total_s=self.settings.url_fetch_budget_s,
        )

        def before_sleep(rs: RetryCallState) -> None:
            exc = rs.outcome.exception() if rs.outcome else None
            reason = getattr(exc, "reason", "error")
            metrics.RETRIES.labels(reason=reason).inc()
            wait_s = rs.next_action.sleep if rs.next_action else 0.0
            self.failures.retrying(uid, host, reason, budget.attempts, wait_s, str(exc))

        retrying = AsyncRetrying(
            stop=lambda rs: not budget.allows_retry(_reason_of(rs)),
            wait=wait_exponential_jitter(
                multiplier=self.retry_initial_s,
                max=self.retry_max_s,
                jitter=self.retry_initial_s,
            ),
            retry=retry_if_exception(_is_transient),
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._attempt(url, host, delay, plan.headers, budget, priority)
        except RetryableStatus as exc:
            raise _Failure(
                exc.reason,
                f"HTTP {exc.result.status}; no retry: {budget.exhausted_because(exc.reason)}",
                status=exc.result.status,
                attempts=budget.attempts,
            ) from None
        except FetchError as exc:
            error = str(exc)
            if exc.transient:
                error += f"; no retry: {budget.exhausted_because(exc.reason)}"
            raise _Failure(exc.reason, error, status=exc.status, attempts=budget.attempts) from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(
        self,
        url: str,
        host: str,
        delay: float,
        headers: dict[str, str],
        budget: RetryBudget,
        priority: float = 0.0,
    ) -> FetchResult:
        try:
            result = await self.http.fetch(
                url,
                headers,
                gate=self._host_gate(host, delay, priority=priority),
                time_limit_s=budget.remaining_s,
            )
        except FetchError as exc:
            budget.spend(exc.elapsed_ms / 1000, exc.reason)
            if exc.reason in HOST_UNREACHABLE:
                self._host_timed_out(host, exc.reason)
            raise
        metrics.RESPONSES.labels(status=str(result.status)).inc()
        metrics.BYTES.labels(where="wire").inc(result.wire_bytes)
        answered_by = host_of(result.final_url)  # after redirects, maybe another host
        self.politeness.answered(answered_by)
        budget.spend(result.elapsed_ms / 1000)
        if result.status in SLOW_DOWN_STATUSES:
            retry_after = parse_retry_after(result.headers.get("retry-after"))
            self.politeness.back_off(
                answered_by,
                retry_after if retry_after is not None else self.default_backoff_s,
            )
        elif result.status < 400:
            self.politeness.relax(answered_by)
        if result.status in TRANSIENT_STATUSES:
            raise RetryableStatus(result)
        metrics.FETCH_SECONDS.observe(result.elapsed_ms / 1000)
        if 300 <= result.status < 400 and result.status != 304:
            # A redirect without a usable Location, or a 300 Multiple Choices.
            raise FetchError(
                f"http_{result.status}",
                f"HTTP {result.status} without a followable Location",
                transient=False,
                status=result.status,
            )
        if result.status >= 400:
            raise FetchError(
                f"http_{result.status}",
                f"HTTP {result.status}",
                transient=False,
                status=result.status,
            )
        return result

    def _host_timed_out(self, host: str, reason: str) -> None:
        """A request to ``host`` timed out or could not connect: several in a row pause the
        whole host."""
        pause = self.politeness.timed_out(host, self.settings.host_timeout_backoff_s)
        if pause > 0:
            self.failures.host_paused(host, self.politeness.timeouts_in_a_row(host), pause, reason)

    def _host_gate(
        self, host: str, delay: float, *, robots: bool = True, priority: float = 0.0
    ) -> HostGate:
        """Politeness for every request of a fetch, and robots.txt for every redirect target.

        The gate is entered for each hop in turn. A hop to ``host`` (the requested URL's host,
        already checked) waits for ``host``'s slot at ``delay``, a same-host redirect included;
        a hop to another host is paced at that host's delay. Every redirect target is checked
        against its host's robots.txt (cached) as if it had been requested itself.
        robots.txt fetches pass ``robots=False``: robots.txt is never disallowed.
        """
        hops = 0

        @contextlib.asynccontextmanager
        async def gate(url: str) -> AsyncIterator[None]:
            nonlocal hops
            hops += 1
            hop_host = host_of(url)
            hop_delay = delay
            if hops > 1 or hop_host != host:
                target_delay = await self._redirect_delay(url, robots)
                if hop_host != host:
                    hop_delay = target_delay
            async with self.politeness.slot(hop_host, hop_delay, priority):
                yield

        return gate

    async def _redirect_delay(self, url: str, robots: bool) -> float:
        """The pacing for a redirect target's host; raises if its robots.txt disallows it."""
        site = self.sites.for_url(url)
        crawl_delay = None
        if robots and self.settings.obey_robots:
            rules = await self.robots.rules_for(url)
            if not rules.allowed(url, self.agent):
                metrics.ROBOTS_DENIALS.inc()
                reason, error = self._robots_refusal(rules, url)
                raise FetchError(reason, f"redirect: {error}", transient=False)
            crawl_delay = rules.crawl_delay(self.agent)
        return self.politeness.effective_delay(site.crawl_delay if site else None, crawl_delay)

    # --- robots.txt ---------------------------------------------------------------------------

    def _robots_refusal(self, rules: RobotsRules, url: str) -> tuple[str, str]:
        """The dead letter's reason and text for a URL its host's robots.txt turned away.

        A robots.txt that could not be read disallows everything for a while (RFC 9309),
        which is not the site's word on this URL: ``robots_unavailable``, a short cool-down."""
        if rules.unavailable:
            return (
                ROBOTS_UNAVAILABLE,
                f"robots.txt could not be read ({rules.source}); nothing of the host is "
                f"fetched before it is asked again in {self.robots.error_ttl_s:g} s: "
                f"{redact(url)}",
            )
        return "robots_denied", f"robots.txt ({rules.source}) disallows {redact(url)}"

    async def _fetch_robots(self, robots_url: str) -> tuple[int | None, bytes, str | None]:
        site = self.sites.for_url(robots_url)
        host = host_of(robots_url)
        delay = self.politeness.effective_delay(site.crawl_delay if site else None)
        try:
            result = await self.http.fetch(
                robots_url,
                max_body_bytes=MAX_ROBOTS_BYTES,
                gate=self._host_gate(host, delay, robots=False),
            )
        except FetchError as exc:
            if exc.reason == "unsupported_encoding" and exc.status is not None:
                # The site answered, in bytes we cannot read: a robots.txt without rules we
                # can see (as unparsable lines are skipped), not an unreachable one that
                # would keep the whole site away.
                return exc.status, b"", None
            return None, b"", f"{exc.reason}: {exc}"
        metrics.RESPONSES.labels(status=str(result.status)).inc()
        if result.status in SLOW_DOWN_STATUSES:
            retry_after = parse_retry_after(result.headers.get("retry-after"))
            self.politeness.back_off(
                host, retry_after if retry_after is not None else self.default_backoff_s
            )
        return result.status, result.body, None

    def _on_new_robots(self, robots_url: str, rules: RobotsRules) -> None:
        """A site that wants its robots.txt sitemaps crawled gets them as crawl requests."""
        site = self.sites.for_url(robots_url)
        if site is None or not site.robots_sitemaps or not rules.sitemaps:
            return
        requests = []
        for sitemap in rules.sitemaps:
            try:
                requests.append(
                    CrawlRequest(
                        url=normalize_url(sitemap),
                        site=site.name,
                        kind="sitemap",
                        source="seed",
                        referrer=robots_url,
                    )
                )
            except ValueError:
                continue
        self.spawn(self.publisher.crawl_requests(requests))
