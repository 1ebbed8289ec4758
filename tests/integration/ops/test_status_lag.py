"""`newswire status --json` reports consumer lag from the real broker, and the lag gauge too."""

from __future__ import annotations

import re
import urllib.request

from aiokafka import AIOKafkaConsumer, TopicPartition

from newswire import broker
from newswire.observability import CONSUMER_LAG, serve_metrics
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from tests.integration.ops.opsutil import newswire_json
from tests.support import produce

N = 25


def parser_group(data: dict) -> dict:
    [group] = [g for g in data["groups"] if g["service"] == "parser"]
    return group


async def test_status_reports_lag_and_zero_once_the_consumer_caught_up(
    settings: Settings,
) -> None:
    pages = topic_name(Topic.PAGES_RAW, settings)
    group = f"{settings.topic_prefix}newswire-parser"
    tps = [TopicPartition(pages, p) for p in range(settings.partitions)]

    # A consumer group positioned at 0 on every partition, and no consumer running.
    committer = AIOKafkaConsumer(
        **broker.client_options(settings), group_id=group, enable_auto_commit=False
    )
    await committer.start()
    try:
        committer.assign(tps)
        await committer.commit({tp: 0 for tp in tps})
    finally:
        await committer.stop()
    await produce(settings, pages, [(f"url-{i}".encode(), b"page %d" % i) for i in range(N)])

    data = newswire_json(settings, "status")
    [topic] = [t for t in data["topics"] if t["topic"] == "pages.raw"]
    assert topic["exists"] and topic["partitions"] == settings.partitions
    assert topic["end_offset"] == N
    parser = parser_group(data)
    assert parser["group"] == group
    assert parser["lag"] == N
    partitions = parser["topics"][0]["partitions"]
    assert [p["committed"] for p in partitions] == [0] * settings.partitions
    # Each partition's lag is exactly what was produced to it.
    by_partition = {p["partition"]: p["end"] for p in topic["by_partition"]}
    assert {p["partition"]: p["lag"] for p in partitions} == by_partition
    assert sum(by_partition.values()) == N
    # Nothing was consumed by the other groups' inputs; the archive reads pages.raw beside the
    # parser and never committed, so all of it is the archive's lag too.
    others = {g["service"]: g["lag"] for g in data["groups"] if g["service"] != "parser"}
    assert others.pop("archive") == N
    assert all(lag == 0 for lag in others.values())

    # The same lag on a service's metrics endpoint (newswire_consumer_lag).
    metrics_settings = settings.model_copy(update={"metrics_port": 0})
    server = serve_metrics(metrics_settings, "parser", host="127.0.0.1")
    assert server is not None
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics", timeout=60) as r:
            body = r.read().decode()
    finally:
        server.close()
        CONSUMER_LAG.unwatch("parser")
    lags = re.findall(
        rf'newswire_consumer_lag\{{group="{re.escape(group)}",partition="(\d+)",'
        rf'topic="{re.escape(pages)}"\}} (\S+)',
        body,
    )
    assert {int(p): float(v) for p, v in lags} == {p: float(e) for p, e in by_partition.items()}

    # A consumer of the group reads everything and commits: the lag is gone.
    consumer = AIOKafkaConsumer(
        **broker.client_options(settings), group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        read = 0
        for _ in range(600):
            if all([await consumer.position(tp) >= ends[tp] for tp in tps]):
                break
            batch = await consumer.getmany(timeout_ms=200)
            read += sum(len(records) for records in batch.values())
        assert read == N
        await consumer.commit()
    finally:
        await consumer.stop()

    data = newswire_json(settings, "status")
    parser = parser_group(data)
    assert parser["lag"] == 0
    assert [p["committed"] for p in parser["topics"][0]["partitions"]] == [
        by_partition[p] for p in sorted(by_partition)
    ]
