"""``newswire index migrate``: rebuild the index from ``articles`` and swap the alias atomically.

1. Install the current template; if the write index already has this template version (and
   ``force`` is not set) there is nothing to do.
2. Create the next generation ``<alias>-NNNNNN`` (refresh off while filling) and fill it by
   replaying ``articles`` from the beginning with a consumer of its own (no group: the live
   indexer's offsets are untouched), through the same :class:`BatchIndexer` as the live agent.
3. Catch up to the topic's end offsets, again until a round is short.
4. Write-block the old index, so the live indexer's writes to it wait (a block is retried,
   never dead-lettered): from here on it holds nothing beyond the end offsets read next.
   Replay up to them, restore the refresh interval, refresh, and swap the alias in one
   ``_aliases`` call (remove the old index, add the new one as write index); then lift the
   block, and the waiting writes go through the alias to the new index. Readers see the full
   old index until that instant and the new one, holding at least as much, after it: never
   an empty or half-filled alias, and no document they saw goes missing. The live indexer
   pauses for that last short round only.
5. Replay once more to the end offsets taken after the swap (versions make any overlap with
   the live indexer harmless).

Run one migration at a time; leftovers of an interrupted one (indices newer than the alias's,
never read by anyone, and a write block left on the alias's index) are cleared at the start of
the next.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newswire import broker
from newswire.indexer.bulk_writer import BulkWriter
from newswire.indexer.documents import Origin
from newswire.indexer.index_design import (
    REFRESH_INTERVAL,
    TEMPLATE_VERSION,
    alias_targets,
    generation_of,
    generations,
    index_name,
    index_template_version,
    put_template,
    write_index,
)
from newswire.indexer.pipeline import BatchIndexer
from newswire.records import DeadLetter
from newswire.search import SearchClient, connect
from newswire.settings import Settings
from newswire.topics import Topic, topic_name

log = logging.getLogger(__name__)

#: Called with (messages replayed so far, messages to replay in this round).
Progress = Callable[[int, int], None]


@dataclass(slots=True)
class MigrationResult:
    source: str | None
    target: str | None
    replayed: int = 0
    dead_letters: int = 0
    swapped: bool = False
    docs: int = 0
    reason: str = ""


class _Replayer:
    """Reads ``articles`` from the beginning, without a consumer group, into a BatchIndexer."""

    def __init__(self, settings: Settings, indexer: BatchIndexer) -> None:
        from aiokafka import AIOKafkaConsumer

        self.settings = settings
        self.indexer = indexer
        # With stories on, the index holds the story stage's output.
        self.topic = topic_name(
            Topic.ARTICLES_STORIED if settings.stories else Topic.ARTICLES, settings
        )
        self.consumer = AIOKafkaConsumer(
            **broker.client_options(settings),
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=broker.MAX_REQUEST_BYTES,
            fetch_max_bytes=4 * broker.MAX_REQUEST_BYTES,
        )
        self.replayed = 0
        self.dead_letters = 0
        self.partitions: list[Any] = []

    async def start(self) -> None:
        from aiokafka import TopicPartition

        await self.consumer.start()
        parts = self.consumer.partitions_for_topic(self.topic)
        if parts is None:
            await self.consumer._client.force_metadata_update()
            parts = self.consumer.partitions_for_topic(self.topic) or set()
        if not parts:
            raise RuntimeError(f"topic {self.topic} does not exist")
        self.partitions = [TopicPartition(self.topic, p) for p in sorted(parts)]
        self.consumer.assign(self.partitions)
        await self.consumer.seek_to_beginning(*self.partitions)

    async def stop(self) -> None:
        await self.consumer.stop()

    async def remaining(self) -> tuple[dict[Any, int], int]:
        """The current end offsets and how many messages lie between us and them."""
        ends = await self.consumer.end_offsets(self.partitions)
        behind = 0
        for tp, end in ends.items():
            behind += max(0, end - await self.consumer.position(tp))
        return ends, behind

    async def replay_to(self, ends: dict[Any, int], progress: Progress | None = None) -> int:
        """Index everything up to ``ends``; returns the number of messages replayed."""
        total = 0
        for tp, end in ends.items():
            total += max(0, end - await self.consumer.position(tp))
        done = 0
        if progress:
            progress(0, total)
        while True:
            open_tps = [tp for tp in ends if await self.consumer.position(tp) < ends[tp]]
            if not open_tps:
                return done
            batch = await self.consumer.getmany(
                *open_tps, timeout_ms=1000, max_records=self.settings.bulk_max_docs
            )
            messages = [
                Origin(m.topic, m.partition, m.offset, m.key, m.value)
                for tp, records in batch.items()
                for m in records
                # Records past the snapshot belong to the next round (keeps rounds finite).
                if m.offset < ends[tp]
            ]
            # Rewind partitions we read past the snapshot, so the next round re-reads them.
            for tp, records in batch.items():
                if records and records[-1].offset >= ends[tp]:
                    self.consumer.seek(tp, ends[tp])
            if not messages:
                continue
            result = await self.indexer.handle(messages)
            self.dead_letters += len(result.dead_letters)
            done += len(messages)
            self.replayed += len(messages)
            if progress:
                progress(done, total)


async def _dead_letter_sender(settings: Settings) -> tuple[Any, Callable[..., Any]]:
    producer = broker.make_producer(settings)
    await producer.start()
    topic = topic_name(Topic.DEAD_LETTERS, settings)

    async def send(letters: list[DeadLetter]) -> None:
        for letter in letters:
            await producer.send_and_wait(topic, letter.to_bytes(), key=letter.origin_key)

    return producer, send


async def _count(client: SearchClient, index: str) -> int:
    return await client.count(index)


async def _block_writes(client: SearchClient, indices: list[str], blocked: bool) -> None:
    if indices:
        await client.request(
            "PUT",
            f"/{','.join(indices)}/_settings",
            body={"index.blocks.write": True if blocked else None},
        )


async def migrate(
    settings: Settings,
    *,
    force: bool = False,
    delete_old: bool = False,
    progress: Progress | None = None,
    catch_up_threshold: int | None = None,
    max_catch_up_rounds: int = 10,
) -> MigrationResult:
    """Run one migration; see the module docstring. Safe to re-run after an interruption."""
    alias = settings.index_alias
    threshold = catch_up_threshold if catch_up_threshold is not None else settings.bulk_max_docs
    client = await connect(settings)
    try:
        await put_template(client, settings)
        current = await write_index(client, alias)
        readers = await alias_targets(client, alias)
        if current and not force:
            version = await index_template_version(client, current)
            if version >= TEMPLATE_VERSION:
                return MigrationResult(
                    current,
                    None,
                    docs=await _count(client, alias),
                    reason=f"{current} already has template version {version}",
                )
        # An interrupted migration may have left the live index write-blocked (step 4).
        await _block_writes(client, readers, False)
        family = await generations(client, settings)
        newest_read = max((generation_of(i) for i in readers), default=0)
        for leftover in family:
            # Only with an alias to compare against: without one, nothing is known to be a
            # leftover, and indices are never deleted on a guess.
            if readers and leftover not in readers and generation_of(leftover) > newest_read:
                log.warning("deleting %s, left over by an interrupted migration", leftover)
                await client.request("DELETE", f"/{leftover}")
        generation = max((generation_of(i) for i in family), default=0) + 1
        target = index_name(settings, generation)
        # Refresh off while filling: nobody reads this index yet, and segments merge better.
        await client.request(
            "PUT", f"/{target}", body={"settings": {"index": {"refresh_interval": "-1"}}}
        )
        producer, send = await _dead_letter_sender(settings)
        indexer = BatchIndexer(BulkWriter(client, settings, require_alias=False), target, send)
        replayer = _Replayer(settings, indexer)
        await replayer.start()
        try:
            ends, _ = await replayer.remaining()
            await replayer.replay_to(ends, progress)
            # Catch up until a round is short, so the frozen round below is short too.
            for _ in range(max_catch_up_rounds):
                ends, behind = await replayer.remaining()
                await replayer.replay_to(ends, progress)
                if behind <= threshold:
                    break
            await _block_writes(client, readers, True)
            try:
                ends, _ = await replayer.remaining()
                await replayer.replay_to(ends, progress)
                await client.request(
                    "PUT",
                    f"/{target}/_settings",
                    body={"index": {"refresh_interval": REFRESH_INTERVAL}},
                )
                await client.refresh(target)
                actions: list[dict[str, Any]] = [
                    {"remove": {"index": old, "alias": alias}} for old in readers
                ]
                actions.append({"add": {"index": target, "alias": alias, "is_write_index": True}})
                await client.request("POST", "/_aliases", body={"actions": actions})
            finally:
                await _block_writes(client, readers, False)
            log.info("alias %s now points at %s (was %s)", alias, target, ", ".join(readers))
            ends, _ = await replayer.remaining()
            await replayer.replay_to(ends, progress)
        finally:
            await replayer.stop()
            await producer.stop()
        await client.refresh(target)
        if delete_old:
            for old in readers:
                await client.request("DELETE", f"/{old}")
        return MigrationResult(
            current,
            target,
            replayed=replayer.replayed,
            dead_letters=replayer.dead_letters,
            swapped=True,
            docs=await _count(client, alias),
        )
    finally:
        await client.close()
