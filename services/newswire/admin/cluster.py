"""The Kafka cluster's own health, as newswire sees it: live brokers and unhealthy partitions.

Operators alert on a broker that is down and on partitions that have lost replicas. A Kafka
exporter gives the same numbers, but every newswire service can read them from the cluster
metadata it already talks to, so the alerts work without one: the metadata lists only live
(registered, unfenced) brokers, and each partition's replica set and in-sync replicas.

``cluster_health`` is pure (it reads the admin client's answers); ``read_cluster_health`` asks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ClusterHealth:
    """Live brokers, and per topic the partitions that are short of replicas or leaderless."""

    brokers: int
    #: topic -> partitions whose in-sync replicas are fewer than their replicas
    under_replicated: dict[str, int] = field(default_factory=dict)
    #: topic -> partitions that have no leader (nobody can read or write them)
    offline: dict[str, int] = field(default_factory=dict)


def cluster_health(cluster: dict[str, Any], topics: Iterable[dict[str, Any]]) -> ClusterHealth:
    """Health from ``describe_cluster()`` and ``describe_topics()`` answers.

    A topic the cluster does not know (error code set, no partitions) counts as nothing here:
    a missing topic is ``newswire status``'s business, not a replication problem.
    """
    under: dict[str, int] = {}
    offline: dict[str, int] = {}
    for topic in topics:
        name = topic.get("topic")
        if not name:
            continue
        under[name] = 0
        offline[name] = 0
        for partition in topic.get("partitions") or []:
            replicas = partition.get("replicas") or []
            isr = partition.get("isr") or []
            if len(isr) < len(replicas):
                under[name] += 1
            if partition.get("leader", -1) < 0:
                offline[name] += 1
    return ClusterHealth(
        brokers=len(cluster.get("brokers") or []), under_replicated=under, offline=offline
    )


async def read_cluster_health(admin: Any, topic_names: list[str]) -> ClusterHealth:
    """Ask the cluster (an ``AIOKafkaAdminClient`` that is started) about ``topic_names``."""
    cluster = await admin.describe_cluster()
    existing = set(await admin.list_topics())
    wanted = [name for name in topic_names if name in existing]
    topics = await admin.describe_topics(wanted) if wanted else []
    return cluster_health(cluster, topics)
