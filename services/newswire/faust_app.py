"""The faust app class every newswire stream stage runs on, and why it is not plain ``faust.App``.

Two of faust's defaults break newswire's promises on a real cluster, so they are replaced here:

* **Commits past unfinished messages.** An agent with ``concurrency`` > 1 finishes a partition's
  messages out of order. faust commits the first run of consecutive acknowledged offsets, and
  guards against a gap at the head of that run with ``min(acked) - committed > 1``; but the
  committed offset is the *next* one to read, so a single unfinished message there passes the
  check and the commit jumps over it. A crash before that message is done then loses it: the
  chaos test lost 158 pages this way when it SIGKILLed a parser. :func:`committable_run` also
  stops the run before the lowest message still in flight.
* **A producer that is not idempotent.** faust enables idempotence only inside transactions.
  A send retried after a leader change whose first attempt was in fact written then lands
  twice; the stages would absorb the duplicate, but ``acks=all`` with idempotence (as
  ``broker.make_producer`` has) makes it not happen at all.

:func:`committable_run` is pure and unit-tested; the classes only wire it and the producer
settings into faust.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import faust
from faust.transport.drivers.aiokafka import Consumer, Producer
from faust.types import TP


def committable_run(acked: list[int], committed: int | None, in_flight: Iterable[int]) -> int:
    """How many of the sorted ``acked`` offsets may be committed now (a prefix of the list).

    ``committed`` is the next offset to read; ``in_flight`` the offsets delivered to the
    stream and not yet acknowledged. The run is the leading consecutive offsets, and ends
    before any offset still in flight: committing past one would skip it after a crash.
    """
    if not acked:
        return 0
    if committed is not None and acked[0] - committed > 1:
        return 0  # faust's own head-gap check, kept for gaps it knows are real
    lowest_in_flight = min(in_flight, default=None)
    count = 0
    for offset in acked:
        if count and offset != acked[count - 1] + 1:
            break
        if lowest_in_flight is not None and offset > lowest_in_flight:
            break
        count += 1
    return count


class GapSafeConsumer(Consumer):  # type: ignore[misc]
    """faust's aiokafka consumer, committing only offsets with nothing unfinished below them."""

    def _new_offset(self, tp: TP) -> int | None:
        acked = self._acked[tp]
        if not acked:
            return None
        self._fill_known_gaps(tp, acked)
        acked.sort()
        in_flight = [m.offset for m in list(self._unacked_messages) if m.tp == tp]
        count = committable_run(acked, self._committed_offset[tp], in_flight)
        if not count:
            return None
        batch = acked[:count]
        acked[:count] = []
        self._acked_index[tp].difference_update(batch)
        return batch[-1] + 1

    def _fill_known_gaps(self, tp: TP, acked: list[int]) -> None:
        # As faust does: offsets that never carry a message (compacted away, transaction
        # markers) count as acknowledged once the stream has read past them.
        gaps = self._gap[tp]
        if not gaps:
            return
        max_offset = max(acked)
        candidates = sorted(gaps.overlap(0, max_offset), key=lambda interval: interval.begin)
        if candidates:
            filled = [o for interval in candidates for o in range(interval.begin, interval.end)]
            acked.extend(filled)
            gaps.chop(0, max(filled[-1], max_offset + 1))


class IdempotentProducer(Producer):  # type: ignore[misc]
    def _settings_extra(self) -> dict[str, Any]:
        return {**super()._settings_extra(), "acks": "all", "enable_idempotence": True}


class NewswireApp(faust.App):  # type: ignore[misc]
    """``faust.App`` with the consumer and producer above."""

    def _new_producer(self) -> Any:
        return IdempotentProducer(self.transport, loop=self.loop, beacon=self.beacon)

    def _new_consumer(self) -> Any:
        return GapSafeConsumer(
            self.transport,
            callback=self.topics.on_message,
            on_partitions_revoked=self._on_partitions_revoked,
            on_partitions_assigned=self._on_partitions_assigned,
            beacon=self.beacon,
            loop=self.loop,
        )
