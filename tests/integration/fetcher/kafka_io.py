"""Talking to the real broker from the fetcher's tests: send requests, read topics, run workers."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from newswire.broker import client_options, create_topics, make_producer
from newswire.fetcher.app import FetcherWorker, WorkerOptions
from newswire.records import CrawlRequest, DeadLetter, RawPage, Record
from newswire.settings import Settings
from newswire.sites import SiteRegistry, parse_sites
from newswire.topics import Topic, partitions_for, topic_name
from newswire.urls import host_of
from tests.support import committed_total, make_settings

FAST = WorkerOptions(
    group_id="newswire-fetcher",
    commit_interval_s=0.2,
    retry_initial_s=0.05,
    retry_max_s=0.2,
    default_backoff_s=0.5,
    robots_error_ttl_s=5.0,
    schedule_interval_s=0.0,
)


async def fresh_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings with a topic prefix of their own (topics created), so tests cannot interfere."""
    values: dict[str, Any] = {"max_retries": 2, "fetch_timeout_s": 5.0, "partitions": 2}
    values.update(overrides)
    settings = make_settings(tmp_path, **values)
    await create_topics(settings)
    return settings


def site_registry(name: str, base: str, **fields: Any) -> SiteRegistry:
    """A one-site registry for a LocalSite at ``base`` (fields go into the YAML as JSON)."""
    import json

    lines = [f"  - name: {name}", f"    hosts: [{json.dumps(host_of(base))}]"]
    for key, value in fields.items():
        lines.append(f"    {key}: {json.dumps(value)}")
    return parse_sites("sites:\n" + "\n".join(lines) + "\n")


async def send(
    settings: Settings, *requests: CrawlRequest | bytes, key: bytes | None = None
) -> None:
    producer = make_producer(settings)
    await producer.start()
    try:
        topic = topic_name(Topic.CRAWL_REQUESTS, settings)
        futures = []
        for request in requests:
            if isinstance(request, bytes):
                futures.append(await producer.send(topic, request, key=key or b"garbage"))
            else:
                futures.append(
                    await producer.send(
                        topic, request.to_bytes(), key=host_of(request.url).encode()
                    )
                )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def read_all(
    settings: Settings,
    topic: Topic,
    until: Callable[[list[Any]], bool] = lambda records: False,
    *,
    timeout: float = 30.0,
    idle: float = 0.0,
) -> list[Any]:
    """Every record of ``topic`` from the beginning, until ``until(records)`` or timeout.

    With ``idle``, keep reading for that long after ``until`` holds, to catch records that
    should *not* appear.
    """
    name = topic_name(topic, settings)
    consumer = AIOKafkaConsumer(**client_options(settings), group_id=None, enable_auto_commit=False)
    await consumer.start()
    records: list[Any] = []
    try:
        tps = [TopicPartition(name, p) for p in range(partitions_for(topic, settings))]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        deadline = time.monotonic() + timeout
        satisfied_at: float | None = None
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=100)
            for recs in batch.values():
                records.extend(recs)
            if satisfied_at is None and until(records):
                satisfied_at = time.monotonic()
            if satisfied_at is not None and time.monotonic() - satisfied_at >= idle:
                break
    finally:
        await consumer.stop()
    return records


def pages(records: list[Any]) -> list[RawPage]:
    return [RawPage.from_bytes(r.value) for r in records]


def dead_letters(records: list[Any]) -> list[DeadLetter]:
    return [DeadLetter.from_bytes(r.value) for r in records]


def decode_all(records: list[Any], cls: type[Record]) -> list[Any]:
    return [cls.from_bytes(r.value) for r in records]


@asynccontextmanager
async def running_worker(
    settings: Settings,
    sites: SiteRegistry | None = None,
    options: WorkerOptions = FAST,
    **option_overrides: Any,
) -> AsyncIterator[FetcherWorker]:
    worker = FetcherWorker(settings, sites, replace(options, **option_overrides))
    task = asyncio.create_task(worker.run())
    try:
        await asyncio.wait_for(worker.started.wait(), 30)
        yield worker
    finally:
        worker.stop()
        await asyncio.wait_for(task, 30)


async def committed_offsets(settings: Settings, group: str = "newswire-fetcher") -> int:
    """Sum of the offsets the fetcher's group committed on crawl.requests."""
    return await committed_total(settings, Topic.CRAWL_REQUESTS, group)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"
