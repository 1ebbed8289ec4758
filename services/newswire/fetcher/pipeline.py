"""One crawl request, start to finish: the stages a URL goes through, in order.

1. **decode** the record and **normalise** the URL (undecodable or invalid -> dead letter);
   one request per URL at a time (a duplicate waits, then sees the first one's state);
2. **plan** from the URL's state (:func:`~newswire.fetcher.url_state.plan_fetch`): skip
   articles already fetched and list pages not yet due, or fetch (conditionally for lists);
3. **guard**: the address guard refuses private and reserved destinations;
4. **robots.txt** (cached per origin) may disallow the URL; its Crawl-delay sets the pacing;
5. **fetch** inside the host's politeness slot (:meth:`FetchPipeline._host_gate`, entered for
   every host a redirect reaches), retried with exponential backoff and jitter on transient
   failures (tenacity); ``429``/``503`` ``Retry-After`` pauses the whole host;
6. **publish** (:class:`~newswire.fetcher.publisher.Publisher`): a ``RawPage``, nothing for a
   ``304``, or a ``DeadLetter`` with its reason; then the URL's new state; and wait for the
   broker's acknowledgement of both.

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
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from newswire.fetcher import metrics
from newswire.fetcher.address_guard import AddressGuard, AddressRefused, ResolutionFailed
from newswire.fetcher.http_client import (
    FetchError,
    FetchOptions,
    FetchResult,
    HostGate,
    HttpClient,
)
from newswire.fetcher.politeness import Politeness, parse_retry_after
from newswire.fetcher.publisher import Publisher
from newswire.fetcher.robots import MAX_ROBOTS_BYTES, RobotsCache, RobotsRules, agent_token
from newswire.fetcher.url_state import FetchPlan, Outcome, apply_outcome, plan_fetch
from newswire.records import CrawlRequest, RecordError
from newswire.settings import Settings
from newswire.sites import Site, SiteRegistry
from newswire.urls import host_of, normalize_url, redact, url_id

log = logging.getLogger(__name__)

#: Statuses worth another attempt: the server is overloaded or briefly broken.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
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


def _now() -> datetime:
    return datetime.now(UTC)


class _Failure(Exception):
    """A crawl request that ends in a dead letter."""

    def __init__(self, reason: str, error: str, status: int | None = None):
        super().__init__(error)
        self.reason = reason
        self.status = status


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
    ):
        self.settings = settings
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
            await self.publisher.dead_letter(record, exc.reason, str(exc))
            return
        try:
            url = normalize_url(request.url)
        except ValueError as exc:
            metrics.REQUESTS.labels(decision="invalid_url").inc()
            metrics.ERRORS.labels(reason="invalid_url").inc()
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
        plan = plan_fetch(
            request,
            state,
            _now(),
            revisit_s=(
                site.revisit
                if site is not None and site.revisit is not None
                else self.sites.defaults.revisit
            ),
            refetch_articles=self.settings.refetch_articles,
        )
        metrics.REQUESTS.labels(decision=plan.reason).inc()
        if not plan.fetch:
            return
        if site is not None and request.site is None:
            request = request.model_copy(update={"site": site.name})
        pending: list[asyncio.Future[Any]] = []
        try:
            result = await self._fetch(url, plan, site)
        except _Failure as failure:
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
        new_state = apply_outcome(state, request, uid, outcome, _now())
        pending.append(await self.publisher.url_state(partition, new_state))
        await self.publisher.settle(record, url, uid, pending, new_state, partition)

    def _site_for(self, request: CrawlRequest, url: str) -> Site | None:
        if request.site and (site := self.sites.get(request.site)):
            return site
        return self.sites.for_url(url)

    async def _fetch(self, url: str, plan: FetchPlan, site: Site | None) -> FetchResult:
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
                raise _Failure(
                    "robots_denied", f"robots.txt ({rules.source}) disallows {redact(url)}"
                )
            crawl_delay = rules.crawl_delay(self.agent)
        delay = self.politeness.effective_delay(site.crawl_delay if site else None, crawl_delay)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.settings.max_retries + 1),
            wait=wait_exponential_jitter(
                multiplier=self.retry_initial_s,
                max=self.retry_max_s,
                jitter=self.retry_initial_s,
            ),
            retry=retry_if_exception(_is_transient),
            before_sleep=lambda rs: metrics.RETRIES.labels(
                reason=getattr(rs.outcome.exception(), "reason", "error") if rs.outcome else "?"
            ).inc(),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._attempt(url, host, delay, plan.headers)
        except RetryableStatus as exc:
            return_result = exc.result
            raise _Failure(
                exc.reason,
                f"HTTP {return_result.status} after {self.settings.max_retries} retries",
                status=return_result.status,
            ) from None
        except FetchError as exc:
            raise _Failure(exc.reason, str(exc), status=exc.status) from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(
        self, url: str, host: str, delay: float, headers: dict[str, str]
    ) -> FetchResult:
        result = await self.http.fetch(url, headers, gate=self._host_gate(host, delay))
        metrics.RESPONSES.labels(status=str(result.status)).inc()
        metrics.BYTES.labels(where="wire").inc(result.wire_bytes)
        answered_by = host_of(result.final_url)  # after redirects, maybe another host
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

    def _host_gate(self, host: str, delay: float, *, robots: bool = True) -> HostGate:
        """Politeness for every host a fetch reaches, and robots.txt for those it was not
        checked for: ``host`` (already checked) with its ``delay``, and any other host a
        redirect leads to, which is paced and permitted as if it had been requested itself.
        robots.txt fetches pass ``robots=False``: robots.txt is never disallowed."""

        @contextlib.asynccontextmanager
        async def gate(url: str) -> AsyncIterator[None]:
            hop_host = host_of(url)
            hop_delay = delay if hop_host == host else await self._redirect_delay(url, robots)
            async with self.politeness.slot(hop_host, hop_delay):
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
                raise FetchError(
                    "robots_denied",
                    f"robots.txt ({rules.source}) disallows the redirect to {redact(url)}",
                    transient=False,
                )
            crawl_delay = rules.crawl_delay(self.agent)
        return self.politeness.effective_delay(site.crawl_delay if site else None, crawl_delay)

    # --- robots.txt ---------------------------------------------------------------------------

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
