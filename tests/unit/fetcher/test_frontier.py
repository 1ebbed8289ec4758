from __future__ import annotations

import pytest
from aiokafka.partitioner import murmur2

from newswire.fetcher.frontier import PartitionOffsets, partition_for_key

pytestmark = pytest.mark.unit


def test_commit_stops_at_lowest_unfinished_offset() -> None:
    offsets = PartitionOffsets()
    assert offsets.committable() is None
    for o in range(10, 15):
        offsets.add(o)
    assert offsets.committable() == 10
    offsets.done(12)
    offsets.done(11)
    assert offsets.committable() == 10  # 10 is still being fetched
    offsets.done(10)
    assert offsets.committable() == 13
    offsets.committed = 13
    assert offsets.committable() is None
    offsets.done(14)
    offsets.done(13)
    assert offsets.committable() == 15
    assert len(offsets) == 0


def test_partition_for_key_matches_kafka_default_partitioner() -> None:
    for host in ("news.cctv.com", "127.0.0.1:8080", "www.bbc.com"):
        expected = (murmur2(host.encode()) & 0x7FFFFFFF) % 6
        assert partition_for_key(host.encode(), 6) == expected
