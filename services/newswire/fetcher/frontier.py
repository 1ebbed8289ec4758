"""At-least-once bookkeeping for the crawl frontier (``crawl.requests``).

The worker handles many crawl requests of a partition at once (different hosts proceed in
parallel; one slow host must not hold up the others), so they finish out of order. An offset
may only be committed once *every* request before it is finished — its RawPage or DeadLetter
acknowledged by the broker. :class:`PartitionOffsets` tracks exactly that: the committable
offset is the lowest still-pending one, or one past the highest finished.
"""

from __future__ import annotations

import heapq

from aiokafka.partitioner import DefaultPartitioner


class PartitionOffsets:
    """Pending and finished offsets of one partition."""

    def __init__(self) -> None:
        self._pending: set[int] = set()
        self._heap: list[int] = []
        self._highest_done: int | None = None
        #: The offset last committed to Kafka (the next one to consume), if any.
        self.committed: int | None = None

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, offset: int) -> None:
        self._pending.add(offset)
        heapq.heappush(self._heap, offset)

    def done(self, offset: int) -> None:
        self._pending.discard(offset)
        if self._highest_done is None or offset > self._highest_done:
            self._highest_done = offset
        # Drop finished offsets from the heap top lazily.
        while self._heap and self._heap[0] not in self._pending:
            heapq.heappop(self._heap)

    def committable(self) -> int | None:
        """The offset to commit (Kafka's "next offset to read"), or None if nothing new."""
        if self._heap:
            candidate = self._heap[0]
        elif self._highest_done is not None:
            candidate = self._highest_done + 1
        else:
            return None
        if self.committed is not None and candidate <= self.committed:
            return None
        return candidate


_PARTITIONER = DefaultPartitioner()


def partition_for_key(key: bytes, partitions: int) -> int:
    """The partition Kafka's default (murmur2) partitioner gives ``key``: the crawl requests of
    a host land there, so the instance owning it owns the host."""
    return _PARTITIONER(key, list(range(partitions)), list(range(partitions)))
