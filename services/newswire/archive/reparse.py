"""``newswire reparse``: extraction again, on pages already fetched, after an extractor upgrade.

Pages come from the WARC archive (``--from-archive DIR``) or from what ``pages.raw`` still
retains (``--since TIME``, read by its own consumer group ``newswire-reparse``, so the live
parser's offsets and dedup state are untouched). Each page goes through the parser's own
:class:`~newswire.parser.page_processor.PageProcessor` (the same extractor pool, so reparse
runs at the parser's speed) and its article is compared with the latest one on the
``articles`` topic:

* an article whose version is not higher than the one there is not written: the same
  extractor on the same fetch gives the same article, and an older fetch (the page was
  fetched again since it was archived) must not replace a newer one on the compacted topic;
* an article with a higher version (a newer extractor: parser/extract/version.py) is written
  to ``articles``; the indexer takes it from there like any other.

``--dry-run`` writes nothing and reports how many articles would change, and which fields.
Crawl requests the pages announce are not sent: reparse refreshes articles, it does not crawl.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from newswire.archive.importer import ImportSummary, responses_of, warc_files, whole
from newswire.archive.warc_format import page_from_response
from newswire.broker import MAX_REQUEST_BYTES, client_options, producer_options
from newswire.parser.page_processor import PageProcessor
from newswire.records import Article, RecordError, decode_fields
from newswire.settings import Settings
from newswire.sites import SiteRegistry
from newswire.topics import Topic, topic_name
from newswire.urls import normalize_url, url_id

log = logging.getLogger(__name__)

GROUP_ID = "newswire-reparse"
#: Bookkeeping that changes on every re-extraction; not reported as changed fields.
_NOT_COMPARED = frozenset({"id", "version", "extractor_version", "fetched_at"})
COMPARED_FIELDS: tuple[str, ...] = tuple(
    name for name in Article.model_fields if name not in _NOT_COMPARED
)


# --- what changed (pure) -------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """What reparse remembers of an article already on the topic: little, for big corpora."""

    version: int
    #: A hash of each of :data:`COMPARED_FIELDS`' JSON values, in that order.
    digests: tuple[int, ...]


def field_digests(fields: dict[str, Any]) -> tuple[int, ...]:
    """Digests of an article's compared fields, from its JSON object (as on the topic)."""
    return tuple(hash(orjson.dumps(fields.get(name))) for name in COMPARED_FIELDS)


def changed_fields(before: Known, after: tuple[int, ...]) -> list[str]:
    return [
        name
        for name, old, new in zip(COMPARED_FIELDS, before.digests, after, strict=True)
        if old != new
    ]


@dataclass
class ReparseSummary:
    pages: int = 0
    #: Articles written (or, in a dry run, that would be).
    written: int = 0
    #: ...of which had no article on the topic yet.
    new: int = 0
    #: ...of which differ from the one on the topic in at least one field.
    changed: int = 0
    changed_fields: Counter[str] = field(default_factory=Counter)
    #: Not written: the article on the topic has this version or a higher one.
    not_newer: int = 0
    not_articles: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def lines(self, dry_run: bool) -> list[str]:
        verb = "would write" if dry_run else "wrote"
        fields = ", ".join(f"{name} {n}" for name, n in self.changed_fields.most_common())
        failed = ", ".join(f"{reason} {n}" for reason, n in self.failed.most_common())
        return [
            f"pages {self.pages}",
            f"{verb} {self.written} articles: {self.changed} changed, {self.new} new,"
            f" {self.written - self.changed - self.new} with only a new version",
            f"changed fields: {fields or 'none'}",
            f"not newer than the article already there: {self.not_newer}",
            f"not articles (list pages, feeds...): {self.not_articles}",
            f"failed {sum(self.failed.values())}" + (f" ({failed})" if failed else ""),
            *self.errors,
        ]


# --- sources of pages --------------------------------------------------------------------------


def archive_pages(
    paths: Iterable[Path], registry: SiteRegistry, summary: ReparseSummary
) -> Iterable[bytes]:
    """``pages.raw`` messages for every page in the WARC files (their sites by the registry)."""
    files = warc_files(paths)
    reading = ImportSummary()
    for response in responses_of(whole(files), reading, lambda _: None):
        try:
            canonical = normalize_url(response.target_uri)
        except ValueError:
            summary.failed["invalid_url"] += 1
            continue
        site = registry.for_url(canonical)
        page = page_from_response(response, url_id(canonical), site.name if site else None)
        yield page.to_bytes()
    summary.failed["unreadable_file"] += reading.failed
    summary.errors.extend(reading.errors)


async def topic_pages(settings: Settings, since: datetime) -> AsyncIterator[bytes]:
    """``pages.raw`` messages from ``since`` to the end the topic had when this started.

    Read by the consumer group ``newswire-reparse`` (positions set by time, committed at the
    end for ``newswire status``); the live parser's group is never touched.
    """
    from aiokafka import AIOKafkaConsumer, TopicPartition

    topic = topic_name(Topic.PAGES_RAW, settings)
    consumer = AIOKafkaConsumer(
        **client_options(settings),
        group_id=f"{settings.topic_prefix}{GROUP_ID}",
        enable_auto_commit=False,
        max_partition_fetch_bytes=MAX_REQUEST_BYTES,
    )
    await consumer.start()
    try:
        partitions = await _partitions(settings, topic)
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        starts = await consumer.offsets_for_times({tp: int(since.timestamp() * 1000) for tp in tps})
        for tp in tps:
            found = starts.get(tp)
            consumer.seek(tp, found.offset if found is not None else ends[tp])
        remaining = {tp for tp in tps if await consumer.position(tp) < ends[tp]}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000, max_records=200)
            for tp, messages in batch.items():
                for message in messages:
                    if message.offset < ends[tp] and message.value is not None:
                        yield message.value
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        await consumer.commit({tp: ends[tp] for tp in tps})
    finally:
        await consumer.stop()


async def _partitions(settings: Settings, topic: str) -> list[int]:
    from aiokafka.admin import AIOKafkaAdminClient

    from newswire.admin.kafka_io import topic_partitions

    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        found = (await topic_partitions(admin, [topic]))[topic]
    finally:
        await admin.close()
    if found is None:
        raise RuntimeError(f"topic {topic} does not exist (run `newswire setup`)")
    return found


async def _as_async(pages: Iterable[bytes]) -> AsyncIterator[bytes]:
    for page in pages:
        yield page
        await asyncio.sleep(0)  # let the producer and the pool's pipes move


# --- the articles already there --------------------------------------------------------------


async def known_articles(settings: Settings) -> dict[str, Known]:
    """The latest version of every article on the compacted ``articles`` topic."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    topic = topic_name(Topic.ARTICLES, settings)
    consumer = AIOKafkaConsumer(
        **client_options(settings),
        group_id=None,
        enable_auto_commit=False,
        max_partition_fetch_bytes=MAX_REQUEST_BYTES,
    )
    await consumer.start()
    known: dict[str, Known] = {}
    try:
        partitions = await _partitions(settings, topic)
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        remaining = {tp for tp in tps if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000, max_records=2000)
            for tp, messages in batch.items():
                for message in messages:
                    key = (message.key or b"").decode()
                    if message.value is None:
                        known.pop(key, None)  # a tombstone: the article was deleted
                        continue
                    try:
                        fields = decode_fields(message.value, Article)
                    except RecordError:
                        continue
                    known[str(fields.get("id") or key)] = Known(
                        int(fields.get("version") or 0), field_digests(fields)
                    )
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
    return known


# --- the run -----------------------------------------------------------------------------------


async def reparse(
    pages: AsyncIterator[bytes] | Iterable[bytes],
    settings: Settings,
    registry: SiteRegistry,
    *,
    dry_run: bool = False,
    summary: ReparseSummary | None = None,
    advance: Callable[[int], None] = lambda _: None,
) -> ReparseSummary:
    """Extract every page again; write the articles newer than those on the topic."""
    from aiokafka import AIOKafkaProducer

    summary = summary or ReparseSummary()
    known = await known_articles(settings)
    articles_topic = topic_name(Topic.ARTICLES, settings)
    producer = None
    if not dry_run:
        producer = AIOKafkaProducer(**{**producer_options(settings), "max_batch_size": 1 << 20})
        await producer.start()
    processor = PageProcessor(settings, registry)
    await processor.start()
    # As the parser does: enough pages in flight that the pool always has the next one.
    slots = asyncio.Semaphore(max(1, settings.extract_workers * 8))
    sends: list[asyncio.Future[Any]] = []

    async def one(value: bytes) -> None:
        try:
            result = await processor.process(value)
            summary.pages += 1
            advance(1)
            if result.failure is not None:
                summary.failed[result.failure[0]] += 1
                return
            if result.article is None:
                summary.not_articles += 1
                return
            fields = orjson.loads(result.article)
            article_id, version = fields["id"], int(fields.get("version") or 0)
            before = known.get(article_id)
            if before is not None and version <= before.version:
                summary.not_newer += 1
                return
            digests = field_digests(fields)
            if before is None:
                summary.new += 1
            elif changes := changed_fields(before, digests):
                summary.changed += 1
                summary.changed_fields.update(changes)
            summary.written += 1
            # Later pages of the same article compare with this one, as the topic would.
            known[article_id] = Known(version, digests)
            if producer is not None:
                sends.append(
                    await producer.send(articles_topic, result.article, key=article_id.encode())
                )
        finally:
            slots.release()

    tasks: set[asyncio.Task[None]] = set()
    try:
        source = pages if hasattr(pages, "__aiter__") else _as_async(pages)  # type: ignore[arg-type]
        async for value in source:  # type: ignore[union-attr]
            await slots.acquire()
            task = asyncio.create_task(one(value))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            if len(sends) >= 5000:
                done = sends[:]
                sends.clear()
                await asyncio.gather(*done)
        await asyncio.gather(*tasks)
        await asyncio.gather(*sends)  # every article acknowledged by the broker
    finally:
        processor.stop()
        if producer is not None:
            await producer.stop()
    return summary
