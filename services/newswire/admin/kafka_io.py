"""Kafka reads the admin commands share: reading partitions up to a fixed end, offsets."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from newswire import broker
from newswire.settings import Settings

#: Dead letters carry whole pages (up to the fetcher's 10 MB body cap, base64 in JSON).
FETCH_MAX_BYTES = 64 * 1024 * 1024
PARTITION_FETCH_MAX_BYTES = 32 * 1024 * 1024


def make_reader(settings: Settings, *, read_committed: bool) -> Any:
    """A group-less consumer: reads by assignment, never commits, never joins a group.

    ``read_committed`` hides records of aborted or still-open transactions and makes
    ``end_offsets`` answer the last stable offset, which is what a replay must build on.
    """
    from aiokafka import AIOKafkaConsumer

    return AIOKafkaConsumer(
        **broker.client_options(settings),
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed" if read_committed else "read_uncommitted",
        max_partition_fetch_bytes=PARTITION_FETCH_MAX_BYTES,
        fetch_max_bytes=FETCH_MAX_BYTES,
    )


async def topic_partitions(admin: Any, names: list[str]) -> dict[str, list[int] | None]:
    """Partition ids of each topic; None for a topic that does not exist.

    Only topics the cluster lists are described: a metadata request that names a missing topic
    makes a broker with ``auto.create.topics.enable`` (the Kafka default) create it, with the
    wrong partition count and configuration, just because somebody looked.
    """
    existing = set(await admin.list_topics())
    result: dict[str, list[int] | None] = {name: None for name in names}
    wanted = [name for name in names if name in existing]
    if wanted:
        for topic in await admin.describe_topics(wanted):
            if topic.get("error_code") == 0 and topic["topic"] in result:
                result[topic["topic"]] = sorted(p["partition"] for p in topic["partitions"])
    return result


class ReadStalled(RuntimeError):
    """The partitions stopped advancing before their end offsets were reached."""


async def read_until(
    consumer: Any,
    ends: dict[Any, int],
    on_record: Callable[[Any], Awaitable[None] | None],
    *,
    stall_timeout_s: float = 30.0,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Feed ``on_record`` every record from the current positions up to ``ends`` (exclusive).

    The consumer must already be assigned (and positioned on) the partitions in ``ends``.
    Positions are compared rather than counting records, because offsets taken by transaction
    markers or removed by compaction never arrive as records. Raises :class:`ReadStalled`
    when nothing advances for ``stall_timeout_s`` (an open transaction blocking a
    read_committed reader, or a broker that went away).
    """
    pending = {tp: end for tp, end in ends.items() if end > await consumer.position(tp)}
    last_progress = time.monotonic()
    while pending:
        batch = await consumer.getmany(*pending, timeout_ms=500, max_records=2000)
        advanced = 0
        for tp, records in batch.items():
            for record in records:
                if record.offset >= pending.get(tp, -1):
                    continue
                result = on_record(record)
                if asyncio.iscoroutine(result):
                    await result
                advanced += 1
        for tp in list(pending):
            if await consumer.position(tp) >= pending[tp]:
                del pending[tp]
        if advanced:
            last_progress = time.monotonic()
            if on_progress is not None:
                on_progress(advanced)
        elif pending and time.monotonic() - last_progress > stall_timeout_s:
            where = ", ".join(f"{tp.topic}[{tp.partition}]<{end}" for tp, end in pending.items())
            raise ReadStalled(f"no progress for {stall_timeout_s:.0f}s reading {where}")
