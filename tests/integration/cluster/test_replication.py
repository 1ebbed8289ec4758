"""On a real 3-broker cluster: topics are replicated as promised, and producers survive the loss
of a partition leader with nothing lost and nothing written twice.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from newswire import broker
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from tests.integration.cluster.conftest import services_sh
from tests.support import topic_consumer

MESSAGES = 3000


async def describe(settings: Settings, topics: list[str]) -> list[dict[str, Any]]:
    """The topics' partitions, once every one has a leader (creation spreads over brokers)."""
    admin = AIOKafkaAdminClient(**broker.client_options(settings))
    await admin.start()
    try:
        for _ in range(60):
            described = await admin.describe_topics(topics)
            if all(
                t["partitions"] and all(p["leader"] >= 0 for p in t["partitions"])
                for t in described
            ):
                return described
            await asyncio.sleep(0.5)
        return described
    finally:
        await admin.close()


async def topic_config(settings: Settings, topic: str) -> dict[str, str]:
    """The topic's configuration, as soon as the broker asked knows the topic (a broker's
    metadata can trail the controller's by a moment after creation: CI once read it empty)."""
    admin = AIOKafkaAdminClient(**broker.client_options(settings))
    await admin.start()
    try:
        for _ in range(60):
            responses = await admin.describe_configs(
                [ConfigResource(ConfigResourceType.TOPIC, topic)]
            )
            (error_code, _, _, _, entries), *_ = responses[0].resources
            if error_code == 0 and any(name == "min.insync.replicas" for name, *_ in entries):
                break
            await asyncio.sleep(0.5)
    finally:
        await admin.close()
    return {name: value for name, value, *_ in entries}


async def test_setup_replicates_every_topic_and_requires_two_in_sync(
    cluster_settings: Settings,
) -> None:
    names = [topic_name(topic, cluster_settings) for topic in Topic]
    for topic in await describe(cluster_settings, names):
        assert topic["partitions"], topic["topic"]
        for partition in topic["partitions"]:
            assert len(partition["replicas"]) == 3, (topic["topic"], partition)
            assert len(partition["isr"]) == 3, (topic["topic"], partition)
        config = await topic_config(cluster_settings, topic["topic"])
        assert config["min.insync.replicas"] == "2", topic["topic"]
        assert config["unclean.leader.election.enable"] == "false", topic["topic"]

    # The offsets topic, where every stage's progress lives, is replicated too. Joining a
    # group makes the broker create it if no group ever asked for a coordinator before.
    from aiokafka import AIOKafkaConsumer

    member = AIOKafkaConsumer(
        names[0],
        **broker.client_options(cluster_settings),
        group_id=f"{cluster_settings.topic_prefix}replication-check",
        enable_auto_commit=False,
    )
    await member.start()
    await member.stop()
    (offsets,) = await describe(cluster_settings, ["__consumer_offsets"])
    assert offsets["partitions"]
    assert {len(p["replicas"]) for p in offsets["partitions"]} == {3}


async def leader_of_most(settings: Settings, topic: str) -> int:
    (described,) = await describe(settings, [topic])
    return Counter(p["leader"] for p in described["partitions"]).most_common(1)[0][0]


Send = Callable[[str, bytes, bytes], Awaitable[None]]
Body = Callable[[Send], Awaitable[None]]


async def with_aiokafka_producer(
    settings: Settings, body: Callable[[Send], Awaitable[None]]
) -> None:
    producer = broker.make_producer(settings)
    await producer.start()
    try:

        async def send(topic: str, key: bytes, value: bytes) -> None:
            await producer.send(topic, value=value, key=key)

        await body(send)
        await producer.flush()
    finally:
        await producer.stop()


async def with_faust_producer(settings: Settings, body: Body) -> None:
    app = broker.faust_app("parser", settings)
    producer = app.producer
    await producer.start()
    try:

        async def send(topic: str, key: bytes, value: bytes) -> None:
            await producer.send(topic, key, value, None, None, None)

        await body(send)
        await producer.flush()
    finally:
        await producer.stop()


@pytest.mark.parametrize(
    "producing", [with_aiokafka_producer, with_faust_producer], ids=["fetcher", "parser"]
)
async def test_a_stage_producer_survives_its_leader_being_killed(
    cluster_settings: Settings, producing: Callable[..., Awaitable[None]]
) -> None:
    topic = topic_name(Topic.ARTICLES, cluster_settings)
    victim = await leader_of_most(cluster_settings, topic)
    # A fresh topic per run of this test would be cleaner, but the module's topics are
    # already replicated and compacted: read only what this run wrote, by its key prefix.
    run = producing.__name__.encode()

    async def body(send: Send) -> None:
        for n in range(MESSAGES):
            if n == MESSAGES // 3:
                await asyncio.to_thread(services_sh, "kill", f"kafka-{victim}")
            await send(topic, run + b"-%05d" % n, b"value %d" % n)
            if n % 100 == 0:
                await asyncio.sleep(0.01)  # spread the sends over the leader change

    try:
        await asyncio.wait_for(producing(cluster_settings, body), 300)
    finally:
        await asyncio.to_thread(services_sh, "start", f"kafka-{victim}")

    consumer = topic_consumer(cluster_settings, topic)
    await consumer.start()
    keys: Counter[bytes] = Counter()
    try:
        idle = 0
        while idle < 5:
            batch = await consumer.getmany(timeout_ms=2000)
            records = [r for rs in batch.values() for r in rs]
            idle = 0 if records else idle + 1
            keys.update(r.key for r in records if r.key and r.key.startswith(run + b"-"))
    finally:
        await consumer.stop()
    assert len(keys) == MESSAGES, f"lost {MESSAGES - len(keys)} of {MESSAGES}"
    duplicated = {k: c for k, c in keys.items() if c > 1}
    assert duplicated == {}, f"{len(duplicated)} keys written more than once"
