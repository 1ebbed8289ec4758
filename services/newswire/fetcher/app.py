"""The fetcher's consumer loop: crawl requests in, offsets committed, nothing lost.

:class:`FetcherWorker` owns the Kafka side and nothing else:

* **assignment**: on being assigned a ``crawl.requests`` partition it restores the URL states
  of the same-numbered state partition before handling any request of it (:mod:`state_store`);
  on revocation it cancels that partition's requests, commits what is finished and forgets it;
* **dispatch**: each consumed record becomes a task running
  :meth:`~newswire.fetcher.pipeline.FetchPipeline.handle` (guard, robots.txt, politeness,
  retries, publishing; see :mod:`newswire.fetcher.pipeline`), so requests for different
  hosts run concurrently while the politeness slots serialise each host;
* **backpressure**: consumption pauses while ``max_in_flight`` requests are held;
* **commits**: once a request's records are acknowledged its offset is finished, and offsets
  are committed up to the lowest unfinished one (:class:`~.frontier.PartitionOffsets`);
* **seed re-visits**: due start pages, feeds and sitemaps of the hosts it owns are sent to
  ``crawl.requests`` (:mod:`scheduler`).

A Kafka error while publishing stops the loop with that error (a supervisor restarts the
process; uncommitted requests are consumed again); any other error in a request becomes an
``internal_error`` dead letter and the stream goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from aiokafka.errors import CommitFailedError, KafkaError

from newswire.broker import client_options
from newswire.fetcher import metrics
from newswire.fetcher.failure_log import FailureLog
from newswire.fetcher.frontier import PartitionOffsets, partition_for_key
from newswire.fetcher.pipeline import FetchPipeline
from newswire.fetcher.publisher import Publisher
from newswire.fetcher.revisit_policy import ListBudget
from newswire.fetcher.scheduler import due_requests
from newswire.fetcher.url_state import UrlState
from newswire.settings import Settings
from newswire.sites import SiteRegistry

log = logging.getLogger(__name__)


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
    #: Failure warnings logged per host and window; the rest are summed up in one line.
    failure_log_burst: int = 5
    failure_log_window_s: float = 60.0
    #: Wall-clock time of the URL state and the re-visit schedule. The freshness benchmark
    #: passes a compressed clock (a simulated day in minutes); politeness and Kafka keep
    #: real time.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


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
        self.publisher = Publisher(settings)
        self.crawl_topic = self.publisher.crawl_topic
        self.state = self.publisher.state
        self.pipeline = FetchPipeline(
            settings,
            self.sites,
            self.publisher,
            retry_initial_s=self.options.retry_initial_s,
            retry_max_s=self.options.retry_max_s,
            default_backoff_s=self.options.default_backoff_s,
            robots_error_ttl_s=self.options.robots_error_ttl_s,
            spawn=self._spawn,
            failures=FailureLog(
                burst=self.options.failure_log_burst, window_s=self.options.failure_log_window_s
            ),
            clock=self.options.clock,
        )
        self.consumer = AIOKafkaConsumer(
            **client_options(settings),
            group_id=f"{settings.topic_prefix}{self.options.group_id}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=1024 * 1024,
        )
        self._owned: dict[TopicPartition, _OwnedPartition] = {}
        #: What this worker owned when the last rebalance began (all of it is revoked first).
        self._held_before_rebalance: set[TopicPartition] = set()
        self._background: set[asyncio.Task[Any]] = set()
        self._scheduled_at: dict[str, datetime] = {}
        self._list_budget = ListBudget()
        self._partitions: int | None = None
        self._paused = False
        self._stop = asyncio.Event()
        self._fatal: BaseException | None = None
        self.started = asyncio.Event()

    # --- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        await self.publisher.start()
        self._partitions = await self.publisher.partitions_of_crawl_topic()
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
                    metrics.publish_queue_depths(self.pipeline.politeness.queue_depths())
                    self.pipeline.failures.report_suppressed()
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
            await self.publisher.stop()
        await self.pipeline.aclose()

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
        if assigned - self._held_before_rebalance:
            # Their hosts' last requests were another fetcher's, and may be a moment old.
            self.pipeline.politeness.handed_over()
        self._own(sorted(assigned))
        await asyncio.gather(*{self._owned[tp].restored for tp in assigned})

    async def _revoked(self, revoked: set[TopicPartition]) -> None:
        self._held_before_rebalance = set(self._owned)
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
            await self.pipeline.handle(tp.partition, record)
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
                await self.publisher.dead_letter(record, "internal_error", repr(exc))
            except Exception as dl_exc:
                self._fatal = dl_exc
                self._stop.set()
                return
        owned.offsets.done(record.offset)

    # --- seed re-visits ---------------------------------------------------------------------

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

    def _watched_states(self) -> list[UrlState]:
        """Watched lists (feeds found on start pages, robots.txt sitemaps...) of the
        partitions whose state is restored."""
        restored = [tp.partition for tp, p in self._owned.items() if p.restored.done()]
        return [state for _, state in self.state.watched(restored)]

    async def _schedule_loop(self) -> None:
        while not self._stop.is_set():
            requests = list(
                due_requests(
                    self.sites,
                    self.options.clock(),
                    owns_host=self._owns_host,
                    state_of=self._state_of_host_url,
                    scheduled_at=self._scheduled_at,
                    default_revisit_s=self.sites.defaults.revisit,
                    settings=self.settings,
                    discovered=self._watched_states(),
                    budget=self._list_budget,
                )
            )
            if requests:
                log.info("scheduling %d seed re-visits", len(requests))
                for request in requests:
                    metrics.LIST_REVISITS.labels(site=request.site or "unknown").inc()
                await self.publisher.crawl_requests(requests)
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
