"""Cluster health from the admin client's answers: live brokers, short and leaderless partitions."""

from __future__ import annotations

from newswire.admin.cluster import cluster_health

CLUSTER = {"brokers": [{"node_id": 1}, {"node_id": 2}], "controller_id": 1}


def partition(n: int, leader: int, replicas: list[int], isr: list[int]) -> dict[str, object]:
    return {"partition": n, "leader": leader, "replicas": replicas, "isr": isr}


def test_counts_live_brokers_and_partitions_short_of_replicas() -> None:
    topics = [
        {
            "topic": "pages.raw",
            "partitions": [
                partition(0, 1, [1, 2, 3], [1, 2, 3]),
                partition(1, 2, [2, 3, 1], [2, 1]),  # broker 3 dropped out of the ISR
                partition(2, -1, [3], [3]),  # its only replica's broker is gone: no leader
            ],
        },
        {"topic": "articles", "partitions": [partition(0, 1, [1, 2], [1, 2])]},
    ]
    health = cluster_health(CLUSTER, topics)
    assert health.brokers == 2
    assert health.under_replicated == {"pages.raw": 1, "articles": 0}
    assert health.offline == {"pages.raw": 1, "articles": 0}


def test_a_healthy_single_broker_has_nothing_to_report() -> None:
    topics = [{"topic": "articles", "partitions": [partition(0, 1, [1], [1])]}]
    health = cluster_health({"brokers": [{"node_id": 1}]}, topics)
    assert (health.brokers, health.under_replicated, health.offline) == (
        1,
        {"articles": 0},
        {"articles": 0},
    )


def test_unnamed_topics_and_missing_answers_count_as_nothing() -> None:
    health = cluster_health({}, [{"topic": None, "partitions": [partition(0, -1, [1], [])]}])
    assert (health.brokers, health.under_replicated, health.offline) == (0, {}, {})
