"""Helpers for the operations integration tests: run admin commands, read topics to the end."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from newswire import broker
from newswire.settings import Settings
from tests.support import settings_env


def newswire_json(settings: Settings, *args: str, timeout: float = 180) -> Any:
    """Run ``newswire <args> --json`` as a separate process, as an operator or script would."""
    result = subprocess.run(
        [sys.executable, "-m", "newswire", *args, "--json"],
        env=settings_env(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


async def read_all(settings: Settings, topic: str, *, read_committed: bool = True) -> list[Any]:
    """Every record on ``topic`` from the beginning to its current end."""
    from aiokafka import AIOKafkaConsumer, TopicPartition
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(**broker.client_options(settings))
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
    finally:
        await admin.close()
    tps = [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
    consumer = AIOKafkaConsumer(
        **broker.client_options(settings),
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed" if read_committed else "read_uncommitted",
    )
    await consumer.start()
    records: list[Any] = []
    try:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        for _ in range(600):
            if all([await consumer.position(tp) >= ends[tp] for tp in tps]):
                break
            batch = await consumer.getmany(timeout_ms=200)
            for items in batch.values():
                records.extend(items)
        else:
            raise AssertionError(f"could not read {topic} to its end {ends}")
    finally:
        await consumer.stop()
    return records
