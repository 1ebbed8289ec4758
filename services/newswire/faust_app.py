"""The faust app class every newswire stream stage runs on, and why it is not plain ``faust.App``.

faust's consumer decides which offsets to commit from its own bookkeeping, and on a real cluster
under rebalances that bookkeeping has holes. The chaos test (SIGKILLed replicas, a broker and a
search node down, a replica added mid-run) lost pages through each of these:

* **Commits past unfinished messages.** An agent with ``concurrency`` > 1 finishes a partition's
  messages out of order. faust commits the first run of consecutive acknowledged offsets, and
  guards against a gap at the head of that run with ``min(acked) - committed > 1``; but the
  committed offset is the *next* one to read, so a single unfinished message there passes the
  check and the commit jumps over it (158 pages lost once).
* **Records faust read but never delivered, taken for holes in the log.** faust's ``getmany``
  skips the records of a partition that is not active at that moment, stops handing out a batch
  when a rebalance starts, and a message whose delivery is cancelled by a rebalance still moves
  the read offset. Any later record then arrives after a jump, which faust records as a gap
  (offsets it believes hold no message, as after compaction) and commits over: 24, 69 and 81
  contiguous pages of one partition were lost this way.
* **Seeks racing the fetch.** faust's aiokafka consumer runs in a thread of its own, and a
  seek made from the main thread can land while that thread is handing out records: the
  position the seek set is then overwritten.

So :class:`GapSafeConsumer` keeps its own account:

1. A partition commits only the run of acknowledged offsets that starts at the committed
   offset (:func:`committable_run`), never past a message still in flight. faust's guesses at
   holes are ignored.
2. A hole below the acknowledged offsets that nothing will fill (read past, not in flight:
   :func:`lost_from`) is, after ``HOLE_PATIENCE_S``, checked against the broker itself by a
   consumer of its own that reads the range (:func:`sort_out_range`). Offsets the broker has no
   record for (compacted away, transaction markers, expired) become known gaps the commit may
   pass; records that are there but were never delivered are read again from the first one.
   Replayed pages are harmless: ids are stable and writes idempotent.
3. Every seek it makes runs in the consumer's thread.

A further default: faust enables producer idempotence only inside transactions. A send retried
after a leader change whose first attempt was in fact written then lands twice; ``acks=all``
with idempotence (as ``broker.make_producer`` has) makes that not happen at all.

The three functions are pure and unit-tested; the classes wire them and the producer settings
into faust.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer, TopicPartition
from faust.transport.drivers.aiokafka import Consumer, Producer
from faust.types import TP

log = logging.getLogger(__name__)

# How long a hole may hold a partition's commit before the broker is asked about it. Long
# enough that a record between being fetched and being tracked is never taken for lost.
HOLE_PATIENCE_S = 5.0
# A probe reads at most this long; an unfinished probe is simply tried again later.
PROBE_TIMEOUT_S = 30.0


def committable_run(acked: list[int], committed: int | None, in_flight: Iterable[int]) -> int:
    """How many of the sorted ``acked`` offsets may be committed now (a prefix of the list).

    ``acked`` holds the offsets processed or known to hold no record; ``committed`` is the
    next offset to read; ``in_flight`` the offsets delivered and not yet acknowledged. The run
    must start at ``committed`` (anything before it there is not done), is consecutive, and
    ends before any offset still in flight. Before a partition's first commit nothing says
    where it starts, so the run starts at the lowest acknowledged offset.
    """
    if not acked:
        return 0
    if committed is not None and acked[0] != committed:
        return 0
    lowest_in_flight = min(in_flight, default=None)
    count = 0
    for offset in acked:
        if count and offset != acked[count - 1] + 1:
            break
        if lowest_in_flight is not None and offset >= lowest_in_flight:
            break
        count += 1
    return count


def lost_from(
    acked: list[int], committed: int | None, in_flight: Iterable[int], read_offset: int | None
) -> int | None:
    """The first offset of a hole that nothing will fill, or None.

    A hole at the committed offset (below the first acknowledged one) is suspect when the
    consumer has already read past it and no message in it is still in flight: either the
    broker has no records there, or faust read them and dropped them.
    """
    if not acked or committed is None or acked[0] <= committed:
        return None
    if read_offset is None or read_offset < acked[0]:
        return None  # not read that far yet: the hole's records are still to come
    if any(committed <= offset < acked[0] for offset in in_flight):
        return None
    return committed


def sort_out_range(
    start: int, end: int, present: Iterable[int], done: Iterable[int]
) -> tuple[list[tuple[int, int]], int | None]:
    """What the broker's records in ``[start, end)`` say about a suspect hole.

    ``present`` are the offsets the broker returned there, ``done`` those acknowledged or in
    flight. Returns the runs of offsets with no record (start, end exclusive: gaps a commit may
    pass) and the first offset that has a record nobody processed (to read again), if any.
    """
    there = {o for o in present if start <= o < end}
    finished = set(done)
    gaps: list[tuple[int, int]] = []
    run_start: int | None = None
    for offset in range(start, end):
        if offset in there:
            if run_start is not None:
                gaps.append((run_start, offset))
                run_start = None
        elif run_start is None:
            run_start = offset
    if run_start is not None:
        gaps.append((run_start, end))
    lost = min((o for o in there if o not in finished), default=None)
    return gaps, lost


class GapSafeConsumer(Consumer):  # type: ignore[misc]
    """faust's aiokafka consumer, committing only offsets it knows are done or really empty,
    and reading again the records faust fetched but did not deliver."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # tp -> (hole start, when first seen): holes waiting out HOLE_PATIENCE_S.
        self._holes: dict[TP, tuple[int, float]] = {}
        # tp -> the probe asking the broker about a hole of tp.
        self._probes: dict[TP, asyncio.Task[None]] = {}
        # tp -> offset to read the partition again from, at the next fetch.
        self._reread: dict[TP, int] = {}

    async def getmany(self, timeout: float) -> AsyncIterator[tuple[TP, Any]]:
        # faust's own getmany, but every record it does not hand out is fetched again.
        await self._reread_lost()
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
                await self._thread.seek_wait({tp: first_not_handed})

    async def _reread_lost(self) -> None:
        assigned = self.assignment()
        while self._reread:
            tp, offset = self._reread.popitem()
            if tp not in assigned:
                continue
            log.warning(
                "re-reading a partition from a record faust read past without delivering",
                extra={"topic": tp.topic, "partition": tp.partition, "offset": offset},
            )
            await self._thread.seek_wait({tp: offset})

    async def perform_seek(self) -> None:
        await super().perform_seek()
        for tp in self.assignment():
            self._holes.pop(tp, None)

    async def _add_gap(self, tp: TP, offset_from: int, offset_to: int) -> None:
        """faust's guess at a hole, from its read offsets: ignored (see the module docstring)."""

    def _new_offset(self, tp: TP) -> int | None:
        acked = self._acked[tp]
        if not acked:
            return None
        committed = self._committed_offset[tp]
        self._fill_known_gaps(tp, acked)
        acked.sort()
        if committed is not None and acked[0] < committed:
            stale = [o for o in acked if o < committed]  # acknowledged before a re-read
            acked[: len(stale)] = []
            self._acked_index[tp].difference_update(stale)
        in_flight = [m.offset for m in list(self._unacked_messages) if m.tp == tp and not m.acked]
        self._watch_hole(tp, acked, committed, in_flight)
        count = committable_run(acked, committed, in_flight)
        if not count:
            return None
        batch = acked[:count]
        acked[:count] = []
        self._acked_index[tp].difference_update(batch)
        return batch[-1] + 1

    def _watch_hole(
        self, tp: TP, acked: list[int], committed: int | None, in_flight: list[int]
    ) -> None:
        start = lost_from(acked, committed, in_flight, self._read_offset.get(tp))
        if start is None:
            self._holes.pop(tp, None)
            return
        seen_start, since = self._holes.setdefault(tp, (start, time.monotonic()))
        if seen_start != start:
            self._holes[tp] = (start, time.monotonic())
        elif time.monotonic() - since >= HOLE_PATIENCE_S and tp not in self._probes:
            # The whole range up to the last acknowledged offset, so one probe settles every
            # hole a compacted topic has there, not one hole per patience period.
            end = acked[-1] + 1
            done = [*acked, *in_flight]
            self._probes[tp] = asyncio.ensure_future(self._probe(tp, start, end, done))

    async def _probe(self, tp: TP, start: int, end: int, done: list[int]) -> None:
        try:
            present = await self._offsets_on_broker(tp, start, end)
        except Exception as exc:  # asked again after the next patience period
            log.warning("could not read a hole back from the broker: %r", exc)
            return
        finally:
            self._probes.pop(tp, None)
            self._holes.pop(tp, None)
        gaps, lost = sort_out_range(start, end, present, done)
        for gap_start, gap_end in gaps:
            self._gap[tp].addi(gap_start, gap_end)  # facts about the log, whoever owns tp
        if lost is not None and self._committed_offset.get(tp) == start:
            self._reread[tp] = lost

    async def _offsets_on_broker(self, tp: TP, start: int, end: int) -> list[int]:
        """The offsets in ``[start, end)`` that hold a record, read by a consumer of our own."""
        consumer = AIOKafkaConsumer(
            **self.app.probe_options,
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        await consumer.start()
        try:
            atp = TopicPartition(tp.topic, tp.partition)
            consumer.assign([atp])
            consumer.seek(atp, start)
            offsets: list[int] = []
            deadline = time.monotonic() + PROBE_TIMEOUT_S
            while await consumer.position(atp) < end:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{tp} [{start}, {end}) not read in {PROBE_TIMEOUT_S}s")
                batch = await consumer.getmany(atp, timeout_ms=500)
                offsets.extend(r.offset for r in batch.get(atp, ()))
            return offsets
        finally:
            await consumer.stop()

    def _fill_known_gaps(self, tp: TP, acked: list[int]) -> None:
        # Offsets the broker has no record for count as done once the stream has read past.
        gaps = self._gap[tp]
        if not gaps:
            return
        max_offset = max(acked)
        candidates = sorted(gaps.overlap(0, max_offset), key=lambda interval: interval.begin)
        if candidates:
            filled = [o for interval in candidates for o in range(interval.begin, interval.end)]
            fresh = [o for o in filled if o not in self._acked_index[tp]]
            acked.extend(fresh)
            self._acked_index[tp].update(fresh)
            gaps.chop(0, max(filled[-1] + 1, max_offset + 1))


class IdempotentProducer(Producer):  # type: ignore[misc]
    def _settings_extra(self) -> dict[str, Any]:
        return {**super()._settings_extra(), "acks": "all", "enable_idempotence": True}


class NewswireApp(faust.App):  # type: ignore[misc]
    """``faust.App`` with the consumer and producer above."""

    #: aiokafka client options (servers, security) for the consumer's hole probes.
    probe_options: dict[str, Any] = {}  # noqa: RUF012 (set once per app by broker.faust_app)

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
