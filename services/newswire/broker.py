"""How every newswire process talks to Kafka: connection options, faust apps, topic admin.

aiokafka producers/consumers/admin clients and faust apps are all configured from the same
settings here, so SASL/TLS, compression and size limits cannot drift between services.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from typing import Any

from newswire.settings import Settings, get_settings
from newswire.topics import TOPICS, Topic, partitions_for, topic_name

log = logging.getLogger(__name__)

#: Room for a RawPage at the fetcher's 10 MB body cap after base64 and the envelope.
MAX_REQUEST_BYTES = 16 * 1024 * 1024


def _ssl_context(settings: Settings) -> ssl.SSLContext | None:
    if not settings.kafka_security_protocol.endswith("SSL"):
        return None
    from aiokafka.helpers import create_ssl_context

    cafile = str(settings.kafka_ssl_cafile) if settings.kafka_ssl_cafile else None
    return create_ssl_context(cafile=cafile)


def client_options(settings: Settings | None = None) -> dict[str, Any]:
    """Keyword arguments shared by aiokafka producers, consumers and admin clients."""
    settings = settings or get_settings()
    options: dict[str, Any] = {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "security_protocol": settings.kafka_security_protocol,
    }
    context = _ssl_context(settings)
    if context is not None:
        options["ssl_context"] = context
    if settings.kafka_sasl_mechanism:
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism
        options["sasl_plain_username"] = settings.kafka_sasl_username
        options["sasl_plain_password"] = (
            settings.kafka_sasl_password.get_secret_value()
            if settings.kafka_sasl_password
            else None
        )
    return options


def producer_options(settings: Settings | None = None) -> dict[str, Any]:
    """An idempotent, compressed producer: retries never duplicate, big pages fit."""
    return {
        **client_options(settings),
        "enable_idempotence": True,
        "acks": "all",
        "compression_type": "zstd",
        "linger_ms": 5,
        "max_request_size": MAX_REQUEST_BYTES,
    }


def make_producer(settings: Settings | None = None) -> Any:
    from aiokafka import AIOKafkaProducer

    return AIOKafkaProducer(**producer_options(settings))


def faust_app(service: str, settings: Settings | None = None, **overrides: Any) -> Any:
    """A faust app for one service; its id is the consumer group (``newswire-<service>``)."""
    import faust

    settings = settings or get_settings()
    datadir = settings.data_dir / service
    datadir.mkdir(parents=True, exist_ok=True)
    credentials: Any = None
    if settings.kafka_sasl_mechanism:
        mechanism = settings.kafka_sasl_mechanism
        credentials = faust.SASLCredentials(
            username=settings.kafka_sasl_username,
            password=(
                settings.kafka_sasl_password.get_secret_value()
                if settings.kafka_sasl_password
                else None
            ),
            mechanism=mechanism,
            ssl_context=_ssl_context(settings),
        )
    elif settings.kafka_security_protocol == "SSL":
        credentials = faust.SSLCredentials(_ssl_context(settings))
    servers = ";".join(f"kafka://{s.strip()}" for s in settings.kafka_bootstrap_servers.split(","))
    config: dict[str, Any] = {
        "broker": servers,
        "broker_credentials": credentials,
        "store": "memory://",
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication_factor,
        # Our records are JSON envelopes decoded by newswire.records, so that an undecodable
        # message becomes a dead letter instead of an exception inside faust.
        "value_serializer": "raw",
        "key_serializer": "raw",
        "producer_compression_type": "zstd",
        "producer_max_request_size": MAX_REQUEST_BYTES,
        "producer_acks": -1,
        "consumer_auto_offset_reset": "earliest",
        "consumer_max_fetch_size": MAX_REQUEST_BYTES,
        "broker_session_timeout": settings.kafka_session_timeout_s,
        "broker_heartbeat_interval": 3.0,
        "web_enabled": False,
        "datadir": str(datadir),
        "topic_allow_declare": True,
    }
    config.update(overrides)
    app_id = f"{settings.topic_prefix}newswire-{service}"
    from newswire.faust_app import NewswireApp

    app = NewswireApp(app_id, **config)
    app.probe_options = client_options(settings)
    return app


def min_insync_replicas(replication_factor: int) -> int:
    """Replicas that must hold a write before ``acks=all`` succeeds.

    Two of three is the standard for a replicated cluster: any one broker can be lost (or
    restarted for an upgrade) without stopping writes, and an acknowledged record is on at least
    two brokers, so losing one more never loses it. With fewer replicas there is nothing to
    trade: one must do.
    """
    return 2 if replication_factor >= 3 else 1


def replication_configs(settings: Settings) -> dict[str, str]:
    """Topic configs that make replication a promise rather than a hope."""
    if settings.replication_factor < 2:
        return {}
    return {
        "min.insync.replicas": str(min_insync_replicas(settings.replication_factor)),
        # A replica that missed writes never becomes leader: that would silently drop them.
        "unclean.leader.election.enable": "false",
    }


async def create_topics(settings: Settings | None = None) -> list[str]:
    """Create every declared topic that does not exist yet; returns the names created."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    settings = settings or get_settings()
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(
                name=topic_name(topic, settings),
                num_partitions=partitions_for(topic, settings),
                replication_factor=settings.replication_factor,
                topic_configs={**TOPICS[topic].config, **replication_configs(settings)},
            )
            for topic in Topic
            if topic_name(topic, settings) not in existing
        ]
        if wanted:
            response = await admin.create_topics(wanted)
            for name, code, *_ in getattr(response, "topic_errors", []):
                # 36 = TOPIC_ALREADY_EXISTS: another process won the race; that is fine.
                if code not in (0, 36):
                    raise RuntimeError(f"creating topic {name} failed with Kafka error {code}")
            await _wait_until_described(admin, {t.name: t.num_partitions for t in wanted})
        return [t.name for t in wanted]
    finally:
        await admin.close()


async def _wait_until_described(
    admin: Any, partitions: dict[str, int], timeout_s: float = 30.0
) -> None:
    """Return once every new topic shows all its partitions, each with a leader.

    CreateTopics answers when the controller has accepted the topics, before every broker's
    metadata shows them: a client started right after `newswire setup` could otherwise see a
    topic as unknown or with no partitions (a parser's group then assigns nothing for it).
    """
    deadline = asyncio.get_running_loop().time() + timeout_s
    pending = dict(partitions)
    while pending:
        for described in await admin.describe_topics(list(pending)):
            ready = described["error_code"] == 0 and all(
                p["error_code"] == 0 and p["leader"] >= 0 for p in described["partitions"]
            )
            if ready and len(described["partitions"]) == pending.get(described["topic"]):
                pending.pop(described["topic"], None)
        if not pending:
            return
        if asyncio.get_running_loop().time() > deadline:
            missing = sorted(pending)
            raise RuntimeError(f"topics created but not visible after {timeout_s:.0f}s: {missing}")
        await asyncio.sleep(0.2)


async def delete_topics(settings: Settings) -> list[str]:
    """Delete every topic named with this settings' prefix (faust's own topics included).

    For tests and benchmarks, which give each run a unique prefix and clean up after
    themselves; refuses an empty prefix, which would mean every topic on the cluster.
    """
    from aiokafka.admin import AIOKafkaAdminClient

    if not settings.topic_prefix:
        raise ValueError("refusing to delete topics without a topic prefix")
    admin = AIOKafkaAdminClient(**client_options(settings))
    await admin.start()
    try:
        doomed = [t for t in await admin.list_topics() if t.startswith(settings.topic_prefix)]
        if doomed:
            await admin.delete_topics(doomed)
        return doomed
    finally:
        await admin.close()
