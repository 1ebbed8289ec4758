"""`newswire status --json` reports stuck work on the real broker: a consumer group with lag
whose committed offset does not move, and the fetcher request holding it up."""

from __future__ import annotations

import time
from pathlib import Path

from aiokafka import AIOKafkaConsumer, TopicPartition

from newswire import broker
from newswire.fetcher.frontier import partition_for_key
from newswire.records import CrawlRequest
from newswire.settings import Settings
from newswire.topics import Topic, topic_name
from tests.integration.ops.opsutil import newswire_json
from tests.support import produce


def hosts_on_every_partition(partitions: int) -> list[str]:
    """Hosts whose requests land on each partition of crawl.requests (keyed by host)."""
    chosen: dict[int, str] = {}
    n = 0
    while len(chosen) < partitions:
        host = f"slow-{n}.example.com"
        chosen.setdefault(partition_for_key(host.encode(), partitions), host)
        n += 1
    return [chosen[p] for p in range(partitions)]


async def commit(settings: Settings, offsets: dict[TopicPartition, int]) -> None:
    """Commit offsets for the fetcher's group, as a fetcher that then hangs would have."""
    committer = AIOKafkaConsumer(
        **broker.client_options(settings),
        group_id=f"{settings.topic_prefix}newswire-fetcher",
        enable_auto_commit=False,
    )
    await committer.start()
    try:
        committer.assign(list(offsets))
        await committer.commit(offsets)
    finally:
        await committer.stop()


def status(settings: Settings, history: Path) -> dict:
    return newswire_json(
        settings, "status", "--stalled-after", "2", "--history", str(history), timeout=240
    )


async def test_a_group_with_lag_that_does_not_commit_is_reported_stuck(
    settings: Settings, tmp_path: Path
) -> None:
    # 10 fetch timeouts = 2 s: the request at a stalled fetcher offset is "far beyond".
    settings = settings.model_copy(update={"fetch_timeout_s": 0.2})
    requests = topic_name(Topic.CRAWL_REQUESTS, settings)
    hosts = hosts_on_every_partition(settings.partitions)
    records = [
        (host.encode(), CrawlRequest(url=f"https://{host}/page-{n}.html").to_bytes())
        for n in range(3)
        for host in hosts
    ]
    await produce(settings, requests, records)
    tps = [TopicPartition(requests, p) for p in range(settings.partitions)]
    await commit(settings, {tp: 1 for tp in tps})
    history = tmp_path / "status-offsets.json"

    first = status(settings, history)
    assert first["stalls"] == [] and first["stuck_requests"] == []  # nothing seen before
    assert not any("has not moved" in p for p in first["problems"])
    assert history.exists()

    time.sleep(3)
    second = status(settings, history)
    stalled = {(s["service"], s["partition"]): s for s in second["stalls"]}
    assert set(stalled) == {("fetcher", p) for p in range(settings.partitions)}
    assert all(s["committed"] == 1 and s["lag"] >= 1 for s in stalled.values())
    assert all(s["stalled_seconds"] >= 2 for s in stalled.values())
    stuck = {r["partition"]: r for r in second["stuck_requests"]}
    assert set(stuck) == set(range(settings.partitions)) and all(
        r["offset"] == 1 for r in stuck.values()
    )
    # The request at offset 1 of each partition: the second one produced there.
    expected = {}
    for key, value in records:
        p = partition_for_key(key, settings.partitions)
        expected.setdefault(p, []).append(CrawlRequest.from_bytes(value).url)
    assert {p: r["url"] for p, r in stuck.items()} == {p: urls[1] for p, urls in expected.items()}
    assert second["healthy"] is False
    assert any(p.startswith("fetcher has not moved on") and "[0]" in p for p in second["problems"])
    assert any(expected[0][1] in p and "fetch timeout" in p for p in second["problems"])

    # The fetcher moves on partition 0 only: that partition is no longer stuck.
    await commit(settings, {tps[0]: 2})
    third = status(settings, history)
    assert {s["partition"] for s in third["stalls"] if s["service"] == "fetcher"} == set(
        range(1, settings.partitions)
    )
