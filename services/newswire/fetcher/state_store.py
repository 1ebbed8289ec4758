"""Durable per-URL state on Kafka: an in-memory map backed by a compacted changelog topic.

This is the faust-table pattern without faust (whose tables need the RocksDB store or are
memory-only with the same changelog): every state change is produced to
``fetcher.url-state``, keyed by url id, to the *same partition number* as the crawl request
that caused it. Because crawl requests are keyed by host, the fetcher instance that is assigned
crawl.requests partition N owns exactly the URLs whose state lives in state partition N; on
assignment it reads that partition from the beginning to the end before handling any request
of it, and on revocation it forgets it. Compaction keeps the latest state per URL.

The worker writes the state and the page (or dead letter) before committing the crawl
request's offset, so after a crash a URL is at worst fetched once more — never lost.
States are kept serialised in memory (a few hundred bytes per URL).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from newswire.fetcher.url_state import UrlState

log = logging.getLogger(__name__)

#: How a watched state reads in its JSON (UrlState.to_bytes leaves out the default False).
_WATCHED = b'"watched":true'


class UrlStateStore:
    def __init__(self, producer: AIOKafkaProducer, topic: str, client_options: dict[str, Any]):
        self.producer = producer
        self.topic = topic
        self._client_options = client_options
        self._partitions: dict[int, dict[str, bytes]] = {}
        #: Per partition, the url ids of watched lists (re-visited by the scheduler), so it
        #: need not decode every state to find them.
        self._watched: dict[int, set[str]] = {}

    def get(self, partition: int, url_id: str) -> UrlState | None:
        raw = self._partitions.get(partition, {}).get(url_id)
        return UrlState.from_bytes(raw) if raw is not None else None

    def __len__(self) -> int:
        return sum(len(p) for p in self._partitions.values())

    def watched(self, partitions: Iterable[int]) -> list[tuple[int, UrlState]]:
        """The watched lists (start pages, feeds, sitemaps) of the given partitions."""
        found = []
        for partition in partitions:
            for uid in self._watched.get(partition, ()):
                if (state := self.get(partition, uid)) is not None:
                    found.append((partition, state))
        return found

    def _index(self, partition: int, url_id: str, value: bytes | None) -> None:
        watched = self._watched.setdefault(partition, set())
        if value is not None and _WATCHED in value:
            watched.add(url_id)
        else:
            watched.discard(url_id)

    async def put(self, partition: int, state: UrlState) -> asyncio.Future[Any]:
        """Record ``state`` in memory now and on Kafka; await the result for the broker's ack."""
        value = state.to_bytes()
        self._partitions.setdefault(partition, {})[state.url_id] = value
        self._index(partition, state.url_id, value)
        return await self.producer.send(
            self.topic, value, key=state.url_id.encode(), partition=partition
        )

    def forget(self, partitions: Iterable[int]) -> None:
        for partition in partitions:
            self._partitions.pop(partition, None)
            self._watched.pop(partition, None)

    async def restore(self, partitions: Iterable[int]) -> int:
        """Load the given partitions from the changelog; returns how many states were read."""
        wanted = [TopicPartition(self.topic, p) for p in partitions]
        if not wanted:
            return 0
        consumer = AIOKafkaConsumer(
            **self._client_options,
            enable_auto_commit=False,
            group_id=None,
            max_partition_fetch_bytes=8 * 1024 * 1024,
        )
        await consumer.start()
        loaded = 0
        try:
            consumer.assign(wanted)
            await consumer.seek_to_beginning(*wanted)
            end = await consumer.end_offsets(wanted)
            for tp in wanted:
                self._partitions[tp.partition] = {}
                self._watched[tp.partition] = set()
            remaining = {tp for tp in wanted if end[tp] > await consumer.position(tp)}
            while remaining:
                batch = await consumer.getmany(*remaining, timeout_ms=1000)
                for tp, records in batch.items():
                    table = self._partitions[tp.partition]
                    for record in records:
                        if record.key is None:
                            continue
                        key = record.key.decode()
                        if record.value is None:  # a tombstone
                            table.pop(key, None)
                        else:
                            table[key] = record.value
                        self._index(tp.partition, key, record.value)
                        loaded += 1
                for tp in list(remaining):
                    if await consumer.position(tp) >= end[tp]:
                        remaining.discard(tp)
        finally:
            await consumer.stop()
        log.info(
            "restored %d url states from %s partitions %s",
            loaded,
            self.topic,
            sorted(tp.partition for tp in wanted),
        )
        return loaded
