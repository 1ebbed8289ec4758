"""The faust app class every newswire stream stage runs on, and why it is not plain ``faust.App``.

Two of faust's defaults break newswire's promises on a real cluster, so they are replaced here:

* **Commits past unfinished messages.** An agent with ``concurrency`` > 1 finishes a partition's
  messages out of order. faust commits the first run of consecutive acknowledged offsets, and
  guards against a gap at the head of that run with ``min(acked) - committed > 1``; but the
  committed offset is the *next* one to read, so a single unfinished message there passes the
  check and the commit jumps over it. A crash before that message is done then loses it: the
  chaos test lost 158 pages this way when it SIGKILLed a parser. :func:`committable_run` also
  stops the run before the lowest message still in flight.
* **Fetched records dropped, then taken for holes.** faust's ``getmany`` skips the records of a
  partition that is not active at that moment, and stops handing out a batch when a rebalance
  starts; the fetch position has moved past them all the same. The next record of the partition
  then arrives after a jump, which faust records as a gap (offsets it believes hold no message,
  as after compaction) and commits over. The chaos test lost 69 contiguous pages of one
  partition this way after a parser replica was killed. :meth:`GapSafeConsumer.getmany` seeks
  each partition back to its first record not handed out, so it is fetched again.
* **A producer that is not idempotent.** faust enables idempotence only inside transactions.
  A send retried after a leader change whose first attempt was in fact written then lands
  twice; the stages would absorb the duplicate, but ``acks=all`` with idempotence (as
  ``broker.make_producer`` has) makes it not happen at all.

:func:`committable_run` is pure and unit-tested; the classes only wire it and the producer
settings into faust.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
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
        if lowest_in_flight is not None and offset >= lowest_in_flight:
            break  # (an offset still in flight counts as acked only when faust took it for a hole)
        count += 1
    return count


class GapSafeConsumer(Consumer):  # type: ignore[misc]
    """faust's aiokafka consumer, committing only offsets with nothing unfinished below them,
    and fetching again the records it did not hand to the streams."""

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Any]]:
        # faust's own getmany, but every record it does not hand out is fetched again.
        records, active_partitions = await self._wait_next_records(timeout)
        generation_id = self.app.consumer_generation_id
        if records is None or self.should_stop:
            return
        if not self.flow_active:
            # As faust: a rebalance is under way; back to the committed offsets.
            try:
                await self.perform_seek()
            except Exception as exc:
                self.log.warning(f"exception performing seek when flow not active {exc}")
            return
        handed: dict[TP, int] = {}
        try:
            for tp, record in self.scheduler.iterate(records):
                if not self.flow_active or self.app.consumer_generation_id != generation_id:
                    break
                if (
                    active_partitions is None
                    or tp in active_partitions
                    or tp in self._buffered_partitions
                ):
                    self.app.monitor.track_tp_end_offset(tp, self.highwater(tp))
                    handed[tp] = record.offset
                    yield tp, self._to_message(tp, record)
        finally:
            await self._fetch_again(records, handed)

    async def _fetch_again(self, records: Any, handed: dict[TP, int]) -> None:
        assigned = self.assignment()
        for tp, batch in records.items():
            if not batch or tp not in assigned:
                continue
            first_not_handed = handed[tp] + 1 if tp in handed else batch[0].offset
            if batch[-1].offset >= first_not_handed:
                await self._seek(tp, first_not_handed)

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
