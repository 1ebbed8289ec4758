"""Gathering ``newswire status``: topics, consumer lag, dead letters, the search engine.

One :class:`StatusCollector` keeps its Kafka clients and search client open, so ``--watch``
refreshes cheaply; the dead-letter topic and the fill samples (``articles.fill``, each site's
fill rates) are read incrementally (each refresh reads only what arrived since the last one).
Every part fails on its own: with the search engine down the Kafka
part is still reported, and the other way round.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import orjson

from newswire import broker
from newswire.admin import model
from newswire.admin.deadletters import (
    DeadLetterReplay,
    LetterId,
    StoredLetter,
    classify,
    summarise,
)
from newswire.admin.freshness_view import SiteFreshness, freshness_query, site_freshness
from newswire.admin.kafka_io import ReadStalled, make_reader, read_until, topic_partitions
from newswire.admin.model import (
    GROUP_INPUTS,
    RATE_WINDOW_S,
    SERVICES,
    DeadLetterInfo,
    GroupInfo,
    PartitionInfo,
    SearchInfo,
    Status,
    Thresholds,
    TopicInfo,
    find_problems,
    freshness_seconds,
    group_id,
    group_lag,
)
from newswire.admin.stalls import (
    OffsetHistory,
    Stall,
    StuckRequest,
    fetcher_holdups,
    find_stalls,
    stall_problems,
)
from newswire.parser.fill_tail import FillTail
from newswire.settings import Settings
from newswire.topics import TOPICS, Topic, topic_name

log = logging.getLogger(__name__)

#: A status screen must not hang on one slow part; each part gets this long.
PART_TIMEOUT_S = 20.0


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "..."


async def consumer_group_offsets(admin: Any, group: str) -> dict[tuple[str, int], int]:
    """The group's committed offsets as ``{(topic, partition): offset}`` (empty: none)."""
    committed = await admin.list_consumer_group_offsets(group)
    return {
        (tp.topic, tp.partition): meta.offset
        for tp, meta in committed.items()
        if meta.offset is not None and meta.offset >= 0
    }


async def describe_group(admin: Any, group: str) -> tuple[str | None, int | None]:
    """``(state, members)`` of a group, or ``(None, None)`` when the broker does not know it.

    Asked one group per request and checked by name: aiokafka 0.14 misreads the
    DescribeGroups answer for an unknown group from Kafka 4 (fields come out shifted), so only
    an entry that names our group is believed.
    """
    try:
        responses = await admin.describe_consumer_groups([group])
    except Exception as exc:  # the status screen shows lag without state rather than failing
        log.debug("describe group failed", extra={"group": group, "error": str(exc)})
        return None, None
    for response in responses:
        for entry in response.to_object().get("groups", []):
            if entry.get("group") == group and entry.get("error_code") == 0:
                state = entry.get("state") or None
                if state == "Dead":
                    return None, None
                return state, len(entry.get("members") or [])
    return None, None


async def group_lags(
    admin: Any,
    settings: Settings,
    offsets: dict[tuple[str, int], tuple[int, int]],
    services: tuple[str, ...] = SERVICES,
) -> tuple[GroupInfo, ...]:
    """Lag of each service's consumer group on its input topics.

    ``offsets`` maps ``(topic, partition)`` to ``(log start, end)`` for the partitions of the
    input topics (see :func:`topic_offsets`).
    """
    groups = []
    for service in services:
        group = group_id(service, settings)
        committed, (state, members) = await asyncio.gather(
            consumer_group_offsets(admin, group), describe_group(admin, group)
        )
        inputs = [(t.value, topic_name(t, settings)) for t in GROUP_INPUTS[service]]
        topics = group_lag(inputs, committed, offsets)
        groups.append(GroupInfo(service, group, state, members, topics))
    return tuple(groups)


async def topic_offsets(
    admin: Any, consumer: Any, names: list[str], window_start_ms: int | None = None
) -> tuple[dict[str, list[int] | None], dict[tuple[str, int], tuple[int, int, int]]]:
    """Partitions of each topic (None: missing) and ``(start, end, recent)`` per partition.

    ``recent`` counts records appended since ``window_start_ms`` (0 without a window).
    """
    from aiokafka import TopicPartition

    partitions = await topic_partitions(admin, names)
    tps = [TopicPartition(name, p) for name in names for p in partitions[name] or ()]
    if not tps:
        return partitions, {}
    starts, ends = await asyncio.gather(consumer.beginning_offsets(tps), consumer.end_offsets(tps))
    at_window: dict[Any, Any] = {}
    if window_start_ms is not None:
        at_window = await consumer.offsets_for_times({tp: window_start_ms for tp in tps})
    result = {}
    for tp in tps:
        found_at = at_window.get(tp)
        recent = model.window_count(ends[tp], found_at.offset if found_at else None)
        result[(tp.topic, tp.partition)] = (starts[tp], ends[tp], recent)
    return partitions, result


class DeadLetterTally:
    """The dead-letter topic read so far: per letter only what the summary needs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.letters: list[tuple[LetterId, str, str, datetime]] = []
        self.replayed: set[LetterId] = set()
        self.undecodable = 0
        self.assigned: list[Any] = []

    def add(self, record: Any) -> None:
        item = classify(record.partition, record.offset, record.key, record.value)
        if isinstance(item, StoredLetter):
            letter = item.letter
            self.letters.append((item.id, letter.stage, letter.reason, letter.failed_at))
        elif isinstance(item, DeadLetterReplay):
            self.replayed.add((item.letter_partition, item.letter_offset))
        else:
            self.undecodable += 1

    def summary(self, now: datetime, error: str | None = None) -> DeadLetterInfo:
        info = summarise(self.name, self.letters, self.replayed, self.undecodable, now)
        if error:
            info = DeadLetterInfo(
                info.name, info.total, info.replayed, info.undecodable, info.by_reason, error
            )
        return info


class StatusCollector:
    """Collects :class:`Status` snapshots; use as an async context manager."""

    def __init__(
        self,
        settings: Settings,
        thresholds: Thresholds | None = None,
        history_path: Path | None = None,
    ) -> None:
        self.settings = settings
        self.thresholds = thresholds or Thresholds()
        #: Where the committed offsets seen are kept between runs (None: in memory only).
        self.history_path = history_path
        self.history = load_history(history_path)
        self._admin: Any = None
        self._offsets: Any = None
        self._dlq_reader: Any = None
        self._search: Any = None
        self._fill_reader: Any = None
        self._tally = DeadLetterTally(topic_name(Topic.DEAD_LETTERS, settings))
        self._fill = FillTail(settings)

    async def __aenter__(self) -> StatusCollector:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self._close_kafka()
        if self._search is not None:
            await self._search.close()
            self._search = None

    async def _close_kafka(self) -> None:
        for client, stop in (
            (self._fill_reader, "stop"),
            (self._dlq_reader, "stop"),
            (self._offsets, "stop"),
            (self._admin, "close"),
        ):
            if client is not None:
                try:
                    await getattr(client, stop)()
                except Exception:  # closing a broken client must not hide the real error
                    log.debug("closing a Kafka client failed", exc_info=True)
        self._admin = self._offsets = self._dlq_reader = self._fill_reader = None

    async def _kafka(self) -> tuple[Any, Any, Any]:
        """The Kafka clients, (re)started on demand so ``--watch`` survives a broker restart."""
        if self._admin is None:
            from aiokafka.admin import AIOKafkaAdminClient

            admin = AIOKafkaAdminClient(**broker.client_options(self.settings))
            offsets = make_reader(self.settings, read_committed=False)
            dlq = make_reader(self.settings, read_committed=True)
            fill = make_reader(self.settings, read_committed=True)
            self._admin, self._offsets, self._dlq_reader = admin, offsets, dlq
            self._fill_reader = fill
            try:
                await admin.start()
                await offsets.start()
                await dlq.start()
                await fill.start()
            except BaseException:
                await self._close_kafka()
                raise
            # A new reader starts from the beginning: forget what the old one counted.
            self._tally = DeadLetterTally(self._tally.name)
        return self._admin, self._offsets, self._dlq_reader

    async def collect(self, now: datetime | None = None) -> Status:
        now = now or datetime.now(UTC)
        (topics, groups, dead_letters, kafka_error, sites_error), search = await asyncio.gather(
            self._collect_kafka(now), self._collect_search(now)
        )
        freshness = await self._collect_freshness(now) if search.indices else ()
        status = Status(
            generated_at=now,
            topic_prefix=self.settings.topic_prefix,
            topics=topics,
            groups=groups,
            dead_letters=dead_letters,
            search=search,
            kafka_error=kafka_error,
            sites=self._fill.report(),
            sites_error=sites_error,
            freshness=freshness,
        )
        stalls, stuck = await self._stuck_work(groups, now)
        problems = find_problems(status, self.thresholds) + tuple(
            stall_problems(stalls, stuck, self.settings.fetch_timeout_s)
        )
        return replace(status, problems=problems, stalls=stalls, stuck_requests=stuck)

    async def _stuck_work(
        self, groups: tuple[GroupInfo, ...], now: datetime
    ) -> tuple[tuple[Stall, ...], tuple[StuckRequest, ...]]:
        """Stalled partitions (after updating the offset history) and the fetcher requests
        holding them up."""
        if not groups:  # Kafka unreachable: nothing learnt, keep what we knew
            return (), ()
        self.history = self.history.observe(groups, now)
        save_history(self.history_path, self.history)
        stalls = find_stalls(groups, self.history, now, self.thresholds.stalled_after_s)
        holdups = fetcher_holdups(stalls, self.settings.fetch_timeout_s)
        if not holdups:
            return stalls, ()
        try:
            stuck = await asyncio.wait_for(self._stuck_requests(holdups), PART_TIMEOUT_S)
        except Exception as exc:  # the stall itself is reported; the URL is a detail
            log.warning("could not read the stuck crawl requests: %s", _short(exc))
            stuck = tuple(StuckRequest(h.partition, -1, None, None, h.stalled_s) for h in holdups)
        return stalls, stuck

    async def _stuck_requests(self, holdups: tuple[Stall, ...]) -> tuple[StuckRequest, ...]:
        """The crawl request at each stalled fetcher partition's committed offset."""
        from aiokafka import TopicPartition

        from newswire.records import CrawlRequest, RecordError

        reader = make_reader(self.settings, read_committed=False)
        await reader.start()
        result = []
        try:
            for stall in holdups:
                tp = TopicPartition(stall.name, stall.partition)
                reader.assign([tp])
                start = (await reader.beginning_offsets([tp]))[tp]
                offset = max(stall.committed or 0, start)
                reader.seek(tp, offset)
                found: list[Any] = []
                await read_until(reader, {tp: offset + 1}, found.append, stall_timeout_s=5.0)
                url = requested_at = None
                if found:
                    try:
                        request = CrawlRequest.from_bytes(found[0].value)
                        url, requested_at = request.url, request.requested_at
                    except RecordError:
                        pass
                result.append(
                    StuckRequest(stall.partition, offset, url, requested_at, stall.stalled_s)
                )
        finally:
            await reader.stop()
        return tuple(result)

    async def _collect_kafka(
        self, now: datetime
    ) -> tuple[
        tuple[TopicInfo, ...], tuple[GroupInfo, ...], DeadLetterInfo, str | None, str | None
    ]:
        settings = self.settings
        names = {t: topic_name(t, settings) for t in TOPICS}
        try:
            admin, offsets_reader, dlq_reader = await asyncio.wait_for(
                self._kafka(), PART_TIMEOUT_S
            )
            window_start = now - timedelta(seconds=RATE_WINDOW_S)
            partitions, offsets = await asyncio.wait_for(
                topic_offsets(
                    admin,
                    offsets_reader,
                    list(names.values()),
                    int(window_start.timestamp() * 1000),
                ),
                PART_TIMEOUT_S,
            )
            lag_offsets = {tp: (start, end) for tp, (start, end, _) in offsets.items()}
            groups = await asyncio.wait_for(
                group_lags(admin, settings, lag_offsets), PART_TIMEOUT_S
            )
        except Exception as exc:
            await self._close_kafka()
            error = _short(exc)
            topics = tuple(TopicInfo(t.value, n, False) for t, n in names.items())
            return topics, (), self._tally.summary(now, "Kafka unreachable"), error, None

        topics = tuple(
            TopicInfo(
                topic.value,
                name,
                partitions[name] is not None,
                tuple(PartitionInfo(p, *offsets[(name, p)]) for p in partitions[name] or ()),
            )
            for topic, name in names.items()
        )
        dlq_name = names[Topic.DEAD_LETTERS]
        error = None
        try:
            await self._read_dead_letters(dlq_reader, dlq_name, partitions[dlq_name] or [])
        except (ReadStalled, TimeoutError) as exc:
            error = f"read incomplete: {_short(exc)}"
        fill_name = names[Topic.ARTICLE_FILL]
        sites_error = None
        try:
            await asyncio.wait_for(
                self._fill.read(self._fill_reader, partitions[fill_name] or [], now),
                PART_TIMEOUT_S,
            )
        except (ReadStalled, TimeoutError) as exc:
            sites_error = f"read incomplete: {_short(exc)}"
        except Exception as exc:  # fill rates are one part of the screen; show the rest
            log.debug("reading fill samples failed", exc_info=True)
            sites_error = _short(exc)
        return topics, groups, self._tally.summary(now, error), None, sites_error

    async def _read_dead_letters(self, reader: Any, name: str, partitions: list[int]) -> None:
        from aiokafka import TopicPartition

        tps = [TopicPartition(name, p) for p in partitions]
        new = [tp for tp in tps if tp not in self._tally.assigned]
        if new:
            # Partitions were added (or first call): start over from the beginning of all.
            reader.assign(tps)
            await reader.seek_to_beginning(*tps)
            self._tally = DeadLetterTally(name)
            self._tally.assigned = tps
        if not tps:
            return
        ends = await reader.end_offsets(tps)
        await asyncio.wait_for(
            read_until(reader, ends, self._tally.add, stall_timeout_s=5.0), PART_TIMEOUT_S
        )

    async def _collect_search(self, now: datetime) -> SearchInfo:
        from newswire.search import make_client

        settings = self.settings
        base = {
            "backend": settings.search_backend,
            "url": settings.search_url,
            "alias": settings.index_alias,
        }
        try:
            if self._search is None:
                self._search = make_client(settings)
            return await asyncio.wait_for(self._search_info(base, now), PART_TIMEOUT_S)
        except Exception as exc:
            return SearchInfo(reachable=False, error=_short(exc), **base)

    async def _search_info(self, base: dict[str, Any], now: datetime) -> SearchInfo:
        from newswire.indexer.index_design import alias_targets

        client = self._search
        info, health = await asyncio.gather(client.info(), client.health())
        alias = self.settings.index_alias
        indices = tuple(await alias_targets(client, alias))
        docs = newest_indexed = newest_fetched = None
        if indices:
            result = await client.search(
                alias,
                {
                    "size": 0,
                    "track_total_hits": True,
                    "aggs": {
                        "indexed": {"max": {"field": "indexed_at"}},
                        "fetched": {"max": {"field": "fetched_at"}},
                    },
                },
            )
            docs = int(result["hits"]["total"]["value"])
            aggs = result.get("aggregations", {})
            newest_indexed = _epoch_ms(aggs.get("indexed", {}).get("value"))
            newest_fetched = _epoch_ms(aggs.get("fetched", {}).get("value"))
        # Freshness is about the pipeline: when the indexer wrote last. Older indices (or
        # documents) without indexed_at fall back to the newest fetch time.
        newest = newest_indexed or newest_fetched
        return SearchInfo(
            reachable=True,
            health=health.get("status"),
            version=info.get("version", {}).get("number"),
            indices=indices,
            docs=docs,
            newest_indexed_at=newest_indexed,
            newest_fetched_at=newest_fetched,
            freshness_s=freshness_seconds(newest, now),
            **base,
        )

    async def _collect_freshness(self, now: datetime) -> tuple[SiteFreshness, ...]:
        """Per-site freshness of the last hour's articles; nothing if the search fails (the
        search part of the screen already says why)."""
        try:
            result = await asyncio.wait_for(
                self._search.search(self.settings.index_alias, freshness_query(now)),
                PART_TIMEOUT_S,
            )
        except Exception:
            log.debug("reading freshness from the index failed", exc_info=True)
            return ()
        return site_freshness(hit.get("_source", {}) for hit in result["hits"]["hits"])


def _epoch_ms(value: Any) -> datetime | None:
    """A ``max`` aggregation on a date field answers epoch milliseconds (null when empty)."""
    if value is None:
        return None
    return datetime.fromtimestamp(float(value) / 1000, UTC)


async def collect_status(
    settings: Settings, thresholds: Thresholds | None = None, history_path: Path | None = None
) -> Status:
    """One snapshot (``newswire status`` without ``--watch``)."""
    async with StatusCollector(settings, thresholds, history_path) as collector:
        return await collector.collect()


def default_history_path(settings: Settings) -> Path:
    """Where ``status`` keeps the committed offsets it saw, per deployment (topic prefix)."""
    return settings.data_dir / f"{settings.topic_prefix}status-offsets.json"


def load_history(path: Path | None) -> OffsetHistory:
    if path is None:
        return OffsetHistory.empty()
    try:
        return OffsetHistory.from_json(orjson.loads(path.read_bytes()))
    except (OSError, orjson.JSONDecodeError):
        return OffsetHistory.empty()


def save_history(path: Path | None, history: OffsetHistory) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(orjson.dumps(history.to_json(), option=orjson.OPT_INDENT_2))
        tmp.replace(path)  # (atomic: a status run killed mid-write leaves the old file)
    except OSError as exc:  # a read-only disk must not break the status screen
        log.warning("could not save the offset history to %s: %s", path, exc)
