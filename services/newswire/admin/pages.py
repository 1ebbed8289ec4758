"""``newswire pages show``: the latest fetched record of one URL, read back from ``pages.raw``.

Page bodies travel zstd-compressed and base64-encoded inside the JSON record, so a topic
browser or kcat shows an operator nothing readable. This module finds the newest record of a
URL and decodes it; :mod:`newswire.admin.page_view` turns it into text.

``pages.raw`` is keyed by URL id with Kafka's default (murmur2) partitioner, so a URL's records
are all in one partition. That partition is read backwards in windows from its end: a page
fetched recently is found after reading a few hundred records, not the whole week the topic
keeps. (Other partitions are searched after it only when the URL is not found there, in case a
producer used another partitioner.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from newswire.admin.kafka_io import make_reader, read_until, topic_partitions
from newswire.records import RawPage
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from newswire.urls import url_id

#: Records read per step backwards from a partition's end.
WINDOW = 500

_HEX = frozenset("0123456789abcdef")


def url_id_of(url_or_id: str) -> str:
    """A 32-hex-digit URL id given as is, or the id of a URL."""
    text = url_or_id.strip()
    if len(text) == 32 and set(text.lower()) <= _HEX:
        return text.lower()
    return url_id(text)


@dataclass(frozen=True)
class FoundPage:
    """A ``pages.raw`` record and where it was."""

    topic: str
    partition: int
    offset: int
    #: The broker's timestamp of the record (ms since the epoch).
    timestamp_ms: int
    page: RawPage


def search_order(partitions: list[int], key: bytes) -> list[int]:
    """The key's own partition (default partitioner) first, then the others."""
    from aiokafka.partitioner import DefaultPartitioner

    if not partitions:
        return []
    own = DefaultPartitioner()(key, sorted(partitions), sorted(partitions))
    return [own] + [p for p in sorted(partitions) if p != own]


def windows(start: int, end: int, size: int = WINDOW) -> list[tuple[int, int]]:
    """``[lo, hi)`` offset ranges from the end of a partition back to its start."""
    result = []
    hi = end
    while hi > start:
        lo = max(start, hi - size)
        result.append((lo, hi))
        hi = lo
    return result


async def find_latest_page(settings: Settings, ident: str) -> FoundPage | None:
    """The newest ``pages.raw`` record of the URL id ``ident``; None when the topic has none."""
    from aiokafka import TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient

    from newswire import broker

    name = topic_name(Topic.PAGES_RAW, settings)
    key = ident.encode()
    admin = AIOKafkaAdminClient(**broker.client_options(settings))
    await admin.start()
    try:
        partitions = (await topic_partitions(admin, [name]))[name] or []
    finally:
        await admin.close()
    reader = make_reader(settings, read_committed=True)
    await reader.start()
    try:
        for partition in search_order(partitions, key):
            tp = TopicPartition(name, partition)
            reader.assign([tp])
            start = (await reader.beginning_offsets([tp]))[tp]
            end = (await reader.end_offsets([tp]))[tp]
            for lo, hi in windows(start, end):
                newest = await _newest_with_key(reader, tp, lo, hi, key)
                if newest is not None:
                    return FoundPage(
                        name,
                        newest.partition,
                        newest.offset,
                        newest.timestamp,
                        RawPage.from_bytes(newest.value),
                    )
    finally:
        await reader.stop()
    return None


async def _newest_with_key(reader: Any, tp: Any, lo: int, hi: int, key: bytes) -> Any:
    """The last record with ``key`` in offsets ``[lo, hi)`` of one partition, or None."""
    newest: Any = None

    def keep(record: Any) -> None:
        nonlocal newest
        if record.key == key:  # (read_until hands over records below ``hi``, in order)
            newest = record

    reader.seek(tp, lo)
    await read_until(reader, {tp: hi}, keep)
    return newest
