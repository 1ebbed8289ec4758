"""The fetcher worker: crawl requests in, raw pages (or dead letters) out, nothing lost.

Data flow for one crawl request (consumed from ``crawl.requests``, keyed by host):

1. decode and normalise the URL (undecodable -> dead letter);
2. look up the URL's state and :func:`~newswire.fetcher.url_state.plan_fetch`: skip articles
   already fetched and list pages not yet due, or fetch (conditionally for list pages);
3. address guard, then robots.txt (cached per origin), then the fetch itself inside the host's
   politeness slot, retried with exponential backoff and jitter on transient failures
   (tenacity), ``429``/``503`` ``Retry-After`` pausing the host; a redirect to another host
   leaves this host's slot and takes the other's, after that host's own robots.txt check;
4. publish: a ``RawPage`` to ``pages.raw`` (keyed by url id), or nothing for a ``304``, or a
   ``DeadLetter`` (stage ``fetch``, reason ``http_404``, ``robots_denied``, ``timeout``...);
   plus the URL's new state to ``fetcher.url-state``;
5. once the broker has acknowledged those records, the request's offset is finished; offsets
   are committed up to the lowest unfinished one (:class:`~.frontier.PartitionOffsets`).

Requests for different hosts run concurrently (one task each, bounded by ``max_in_flight``;
consumption pauses above it); the politeness slots serialise each host.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import (
    CommitFailedError,
    KafkaError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
)
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from newswire.broker import client_options, producer_options
from newswire.fetcher import metrics
from newswire.fetcher.address_guard import AddressGuard, AddressRefused, ResolutionFailed
from newswire.fetcher.frontier import PartitionOffsets, partition_for_key
from newswire.fetcher.http_client import (
    FetchError,
    FetchOptions,
    FetchResult,
    HostGate,
    HttpClient,
)
from newswire.fetcher.politeness import Politeness, parse_retry_after
from newswire.fetcher.robots import MAX_ROBOTS_BYTES, RobotsCache, RobotsRules, agent_token
from newswire.fetcher.scheduler import due_requests
from newswire.fetcher.state_store import UrlStateStore
from newswire.fetcher.url_state import FetchPlan, Outcome, UrlState, apply_outcome, plan_fetch
from newswire.records import CrawlRequest, DeadLetter, RawPage, RecordError
from newswire.settings import Settings
from newswire.sites import Site, SiteRegistry
from newswire.topics import Topic, topic_name
from newswire.urls import host_of, normalize_url, redact, url_id

log = logging.getLogger(__name__)

#: Statuses worth another attempt: the server is overloaded or briefly broken.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
#: Statuses whose Retry-After (or absence of one) slows the whole host down.
SLOW_DOWN_STATUSES = frozenset({429, 503})
#: How the client (before sending) or the broker refuses a record too large for the topic.
_TOO_LARGE = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError)


@dataclass(frozen=True)
class WorkerOptions:
    """Knobs of the worker loop itself (HTTP and politeness knobs live in Settings)."""

    group_id: str = "newswire-fetcher"
    #: Crawl requests held at once (waiting for their host or being fetched).
    max_in_flight: int = 5000
    commit_interval_s: float = 1.0
    retry_initial_s: float = 1.0
    retry_max_s: float = 60.0
    #: A 429/503 without Retry-After pauses the host this long.
    default_backoff_s: float = 5.0
    #: How soon an unreachable robots.txt (which disallows everything) is asked again.
    robots_error_ttl_s: float = 600.0
    #: How often due seed re-visits are looked for (0: never; only explicit requests). Short,
    #: so seeds go out as soon as their host's partition is assigned; the check is cheap and
    #: each seed is still sent at most once per re-visit interval.
    schedule_interval_s: float = 2.0


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


class FetcherWorker:
    def __init__(
        self,
        settings: Settings,
        sites: SiteRegistry | None = None,
        options: WorkerOptions | None = None,
    ):
        self.settings = settings
        self.sites = sites if sites is not None else SiteRegistry([])
        self.options = options or WorkerOptions()
        self.crawl_topic = topic_name(Topic.CRAWL_REQUESTS, settings)
        self.pages_topic = topic_name(Topic.PAGES_RAW, settings)
        self.dead_letter_topic = topic_name(Topic.DEAD_LETTERS, settings)
        self.state_topic = topic_name(Topic.FETCHER_URL_STATE, settings)
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
            error_ttl_s=self.options.robots_error_ttl_s,
            on_new_rules=self._on_new_robots,
        )
        self.producer = AIOKafkaProducer(
            **{
                **producer_options(settings),
                # Pages are tens of KB: with aiokafka's 16 KB default every page fills a batch
                # on its own and all concurrent senders spin on the partition's one full batch.
                "max_batch_size": 1024 * 1024,
            }
        )
        self.consumer = AIOKafkaConsumer(
            **client_options(settings),
            group_id=f"{settings.topic_prefix}{self.options.group_id}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=1024 * 1024,
        )
        self.state = UrlStateStore(self.producer, self.state_topic, client_options(settings))
        self._owned: dict[TopicPartition, _OwnedPartition] = {}
        self._url_locks: dict[str, asyncio.Future[None]] = {}
        self._background: set[asyncio.Task[Any]] = set()
        self._scheduled_at: dict[str, datetime] = {}
        self._partitions: int | None = None
        self._paused = False
        self._stop = asyncio.Event()
        self._fatal: BaseException | None = None
        self.started = asyncio.Event()

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        await self.producer.start()
        self._partitions = len(await self.producer.partitions_for(self.crawl_topic))
        self.consumer.subscribe([self.crawl_topic], listener=_Rebalance(self))
        await self.consumer.start()

    async def run(self) -> None:
        """Consume until :meth:`stop` is called (or a fatal Kafka error), then shut down."""
        await self.start()
        commit_due = time.monotonic()
        if self.options.schedule_interval_s > 0:
            self._spawn(self._schedule_loop())
        try:
            while not self._stop.is_set():
                batch = await self.consumer.getmany(timeout_ms=200, max_records=500)
                self.started.set()
                for tp, records in batch.items():
                    for record in records:
                        self._dispatch(tp, record)
                self._apply_backpressure()
                if time.monotonic() >= commit_due:
                    await self._commit()
                    metrics.publish_queue_depths(self.politeness.queue_depths())
                    commit_due = time.monotonic() + self.options.commit_interval_s
        finally:
            await self._shutdown()
        if self._fatal is not None:
            # Exit non-zero so a supervisor restarts us; uncommitted requests are redone.
            raise self._fatal

    def stop(self) -> None:
        self._stop.set()

    async def _shutdown(self) -> None:
        # Unfinished requests are abandoned, not committed: they are consumed again next time.
        tasks = [*self._background, *(t for p in self._owned.values() for t in p.tasks)]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await self._commit()
        with contextlib.suppress(Exception):
            await self.consumer.stop()
        with contextlib.suppress(Exception):
            await self.producer.stop()
        await self.http.aclose()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background_done)

    def _background_done(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log.error("background task failed: %r", exc)

    # --- partitions and offsets --------------------------------------------------------------

    def _own(self, tps: list[TopicPartition]) -> None:
        """Start owning partitions: their URL state is restored before any request is handled."""
        new = [tp for tp in tps if tp not in self._owned]
        if not new:
            return
        restored = asyncio.ensure_future(self.state.restore(tp.partition for tp in new))
        for tp in new:
            self._owned[tp] = _OwnedPartition(restored=restored)

    async def _assigned(self, assigned: set[TopicPartition]) -> None:
        self._own(sorted(assigned))
        await asyncio.gather(*{self._owned[tp].restored for tp in assigned})

    async def _revoked(self, revoked: set[TopicPartition]) -> None:
        owned = [self._owned[tp] for tp in revoked if tp in self._owned]
        tasks = [t for p in owned for t in p.tasks]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        with contextlib.suppress(KafkaError):
            await self._commit(only=revoked)
        for tp in revoked:
            self._owned.pop(tp, None)
        self.state.forget(tp.partition for tp in revoked)

    async def _commit(self, only: set[TopicPartition] | None = None) -> None:
        offsets = {}
        for tp, owned in self._owned.items():
            if only is not None and tp not in only:
                continue
            offset = owned.offsets.committable()
            if offset is not None:
                offsets[tp] = offset
        if not offsets:
            return
        try:
            await self.consumer.commit(offsets)
        except CommitFailedError as exc:
            # A rebalance took the partition away; its new owner re-reads from the last commit.
            log.warning("commit failed (rebalance): %s", exc)
            return
        for tp, offset in offsets.items():
            if tp in self._owned:
                self._owned[tp].offsets.committed = offset

    def _in_flight(self) -> int:
        return sum(len(p.offsets) for p in self._owned.values())

    def _apply_backpressure(self) -> None:
        in_flight = self._in_flight()
        metrics.IN_FLIGHT.set(in_flight)
        if not self._paused and in_flight >= self.options.max_in_flight:
            self.consumer.pause(*self.consumer.assignment())
            self._paused = True
        elif self._paused and in_flight < self.options.max_in_flight // 2:
            self.consumer.resume(*self.consumer.assignment())
            self._paused = False

    def _dispatch(self, tp: TopicPartition, record: ConsumerRecord[Any, Any]) -> None:
        if tp not in self._owned:
            # aiokafka may hand out records before on_partitions_assigned has run.
            self._own([tp])
        owned = self._owned[tp]
        owned.offsets.add(record.offset)
        task = asyncio.create_task(self._handle(tp, owned, record))
        owned.tasks.add(task)
        task.add_done_callback(owned.tasks.discard)

    async def _handle(
        self, tp: TopicPartition, owned: _OwnedPartition, record: ConsumerRecord[Any, Any]
    ) -> None:
        try:
            await asyncio.shield(owned.restored)
            await self._process(tp, record)
        except asyncio.CancelledError:
            raise
        except KafkaError as exc:
            # The broker did not take our output: do not commit, stop, let a restart redo it.
            log.error("kafka error handling offset %s of %s: %r", record.offset, tp, exc)
            self._fatal = exc
            self._stop.set()
            return
        except Exception as exc:  # a bug: record it as a dead letter rather than lose it
            log.exception("unexpected error handling offset %s of %s", record.offset, tp)
            try:
                await self._publish_dead_letter(record, "internal_error", repr(exc))
            except Exception as dl_exc:
                self._fatal = dl_exc
                self._stop.set()
                return
        owned.offsets.done(record.offset)

    # --- one crawl request -----------------------------------------------------------------

    async def _process(self, tp: TopicPartition, record: ConsumerRecord[Any, Any]) -> None:
        try:
            request = CrawlRequest.from_bytes(record.value or b"")
        except RecordError as exc:
            metrics.REQUESTS.labels(decision="undecodable").inc()
            metrics.ERRORS.labels(reason=exc.reason).inc()
            await self._publish_dead_letter(record, exc.reason, str(exc))
            return
        try:
            url = normalize_url(request.url)
        except ValueError as exc:
            metrics.REQUESTS.labels(decision="invalid_url").inc()
            metrics.ERRORS.labels(reason="invalid_url").inc()
            await self._publish_dead_letter(record, "invalid_url", str(exc), url=request.url)
            return
        uid = url_id(url)
        # One request per URL at a time: a duplicate waits and then sees the first's state.
        while (busy := self._url_locks.get(uid)) is not None:
            await asyncio.shield(busy)
        lock: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._url_locks[uid] = lock
        try:
            await self._process_url(tp, record, request, url, uid)
        finally:
            del self._url_locks[uid]
            lock.set_result(None)

    async def _process_url(
        self,
        tp: TopicPartition,
        record: ConsumerRecord[Any, Any],
        request: CrawlRequest,
        url: str,
        uid: str,
    ) -> None:
        site = self._site_for(request, url)
        state = self.state.get(tp.partition, uid)
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
                await self._publish_dead_letter(
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
                outcome, sent = await self._publish_page(record, request, url, uid, result)
                pending.append(sent)
        new_state = apply_outcome(state, request, uid, outcome, _now())
        pending.append(await self.state.put(tp.partition, new_state))
        await self._await_acks(record, url, uid, pending, new_state, tp)

    async def _await_acks(
        self,
        record: ConsumerRecord[Any, Any],
        url: str,
        uid: str,
        pending: list[asyncio.Future[Any]],
        state: UrlState,
        tp: TopicPartition,
    ) -> None:
        results = await asyncio.gather(*pending, return_exceptions=True)
        for result in results:
            if isinstance(result, _TOO_LARGE):
                # The broker refused the page as too large for the topic.
                metrics.ERRORS.labels(reason="too_large").inc()
                failed = state.model_copy(update={"outcome": "too_large"})
                await asyncio.gather(
                    await self._publish_dead_letter(
                        record, "too_large", str(result), url=url, uid=uid, wait=False
                    ),
                    await self.state.put(tp.partition, failed),
                )
            elif isinstance(result, BaseException):
                raise result

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
                multiplier=self.options.retry_initial_s,
                max=self.options.retry_max_s,
                jitter=self.options.retry_initial_s,
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
                retry_after if retry_after is not None else self.options.default_backoff_s,
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

    # --- output ------------------------------------------------------------------------------

    async def _publish_page(
        self,
        record: ConsumerRecord[Any, Any],
        request: CrawlRequest,
        url: str,
        uid: str,
        result: FetchResult,
    ) -> tuple[Outcome, asyncio.Future[Any]]:
        page = RawPage(
            url_id=uid,
            requested_url=url,
            final_url=result.final_url,
            status=result.status,
            headers=result.headers,
            content_type=result.content_type,
            body=result.body,
            truncated=result.truncated,
            site=request.site,
            kind=request.kind,
            depth=request.depth,
            elapsed_ms=round(result.elapsed_ms, 1),
        )
        content_hash = hashlib.sha256(result.body).hexdigest()[:32]
        try:
            sent = await self.producer.send(self.pages_topic, page.to_bytes(), key=uid.encode())
        except _TOO_LARGE as exc:
            metrics.ERRORS.labels(reason="too_large").inc()
            dead = await self._publish_dead_letter(
                record,
                "too_large",
                f"{len(result.body)} body bytes: {exc}",
                url=url,
                uid=uid,
                wait=False,
            )
            return Outcome("too_large", status=result.status), dead
        metrics.PAGES.labels(kind=request.kind).inc()
        metrics.BYTES.labels(where="published").inc(len(result.body))
        log.info(
            "page fetched",
            extra={
                "url_id": uid,
                "url": redact(result.final_url),
                "kind": request.kind,
                "status": result.status,
                "bytes": len(result.body),
                "elapsed_ms": round(result.elapsed_ms, 1),
            },
        )
        if result.truncated:
            metrics.TRUNCATED.inc()
        outcome = Outcome(
            "fetched",
            status=result.status,
            final_url=result.final_url,
            etag=result.headers.get("etag"),
            last_modified=result.headers.get("last-modified"),
            content_hash=content_hash,
        )
        return outcome, sent

    async def _publish_dead_letter(
        self,
        record: ConsumerRecord[Any, Any],
        reason: str,
        error: str,
        *,
        url: str | None = None,
        uid: str | None = None,
        wait: bool = True,
    ) -> asyncio.Future[Any]:
        letter = DeadLetter.about(
            record, "fetch", reason, error, url=redact(url) if url else None, url_id=uid
        )
        sent = await self.producer.send(self.dead_letter_topic, letter.to_bytes(), key=record.key)
        if wait:
            await sent
        return sent

    # --- robots.txt and seeds -----------------------------------------------------------------

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
                host, retry_after if retry_after is not None else self.options.default_backoff_s
            )
        return result.status, result.body, None

    def _on_new_robots(self, robots_url: str, rules: RobotsRules) -> None:
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
        self._spawn(self._send_requests(requests))

    async def _send_requests(self, requests: list[CrawlRequest]) -> None:
        sent = [
            await self.producer.send(
                self.crawl_topic, request.to_bytes(), key=host_of(request.url).encode()
            )
            for request in requests
        ]
        await asyncio.gather(*sent)

    def _owns_host(self, host: str) -> bool:
        if not self._partitions:
            return False
        partition = partition_for_key(host.encode(), self._partitions)
        owned = self._owned.get(TopicPartition(self.crawl_topic, partition))
        # Not before its state is restored: the schedule depends on when URLs were fetched.
        return owned is not None and owned.restored.done()

    def _state_of_host_url(self, host: str, uid: str) -> UrlState | None:
        assert self._partitions
        return self.state.get(partition_for_key(host.encode(), self._partitions), uid)

    async def _schedule_loop(self) -> None:
        while not self._stop.is_set():
            requests = list(
                due_requests(
                    self.sites,
                    _now(),
                    owns_host=self._owns_host,
                    state_of=self._state_of_host_url,
                    scheduled_at=self._scheduled_at,
                    default_revisit_s=self.sites.defaults.revisit,
                )
            )
            if requests:
                log.info("scheduling %d seed re-visits", len(requests))
                await self._send_requests(requests)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.options.schedule_interval_s)


@dataclass
class _OwnedPartition:
    """A crawl.requests partition this worker is assigned: its offsets, tasks, state restore."""

    restored: asyncio.Future[int]
    offsets: PartitionOffsets = field(default_factory=PartitionOffsets)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


class _Rebalance(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, worker: FetcherWorker):
        self.worker = worker

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        await self.worker._revoked(set(revoked))

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        await self.worker._assigned(set(assigned))
