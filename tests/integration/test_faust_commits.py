"""newswire's faust consumer on the real broker: a record faust read but never delivered is
read again, and the group's commit never passes it until it is done; offsets that hold no
record (transaction markers here) do not hold the commit back."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from newswire.broker import client_options, producer_options
from newswire.settings import Settings
from tests.support import consume, settings_env

LOSSY_APP = Path(__file__).with_name("faust_lossy_app.py")
RECORDS = 40
DROPPED = 7
# Two transactions of 20 records: each commit marker takes an offset of its own. The commit
# passes the first (offset 20) and ends after the last record (the second marker, 41, follows
# it: nothing is left to process there).
END_OFFSET = RECORDS + 1


async def committed(settings: Settings, topic: str) -> int | None:
    consumer = AIOKafkaConsumer(
        **client_options(settings),
        group_id=f"{settings.topic_prefix}newswire-lossy",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        return await consumer.committed(TopicPartition(topic, 0))
    finally:
        await consumer.stop()


async def test_a_record_read_and_dropped_is_read_again_before_the_commit_passes_it(
    settings: Settings,
) -> None:
    source, sink = f"{settings.topic_prefix}lossy.in", f"{settings.topic_prefix}lossy.out"
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        await admin.create_topics([NewTopic(t, 1, 1) for t in (source, sink)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(
        **producer_options(settings), transactional_id=f"{settings.topic_prefix}lossy-test"
    )
    await producer.start()
    try:
        for first in (0, RECORDS // 2):
            async with producer.transaction():
                for i in range(first, first + RECORDS // 2):
                    await producer.send_and_wait(source, str(i).encode(), key=b"k")
    finally:
        await producer.stop()

    env = {**settings_env(settings), "NEWSWIRE_TEST_DROP_OFFSET": str(DROPPED)}
    worker = subprocess.Popen(
        [sys.executable, str(LOSSY_APP)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        copied = await consume(settings, sink, until=RECORDS, timeout=120, alive=worker)
        values = {int(m.value) for m in copied}
        assert str(DROPPED).encode() in {m.value for m in copied}, (
            f"record {DROPPED} was dropped and never read again; copied {sorted(values)}"
        )
        assert values == set(range(RECORDS))
        # Everything done, so the commit may now reach the end of the partition, past the
        # transaction markers.
        deadline = time.monotonic() + 60
        while (await committed(settings, source)) != END_OFFSET and time.monotonic() < deadline:
            await asyncio.sleep(1)
        assert await committed(settings, source) == END_OFFSET
    finally:
        worker.terminate()
        output = worker.communicate(timeout=60)[0].decode(errors="replace")
    assert "re-reading a partition from a record faust read past" in output
