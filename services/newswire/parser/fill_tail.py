"""Where the fill-rate windows live: the tail of the ``articles.fill`` topic.

The parser sends one :class:`~newswire.records.FillSample` per article it produces, acknowledged
with the article itself. The window of a site is then simply the newest samples of that site on
the topic, which gives, without any state of its own:

* survival of restarts and crashes (the topic is the state; nothing lives only in a process);
* several parser replicas: each page is parsed by one replica, and all replicas write to the
  same topic, so the window holds every article whichever replica made it;
* one answer for every reader: ``newswire status`` and each parser replica's ``/metrics``
  read the same records and compute the same rates (Prometheus takes the max over replicas).

Reading it is cheap: a sample is a few dozen bytes, and :class:`FillTail` remembers where it
stopped, so ``status --watch`` and repeated scrapes read only what arrived since. The first
read starts ``fill_history_s`` back (two days by default), which bounds the work on a busy
cluster; a quiet site whose last articles are older shows only what is within that horizon.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from newswire.admin.kafka_io import read_until
from newswire.parser.fill_rates import Sample, SiteFill, SiteWindows
from newswire.records import FillSample, RecordError
from newswire.settings import Settings
from newswire.topics import Topic, topic_name

log = logging.getLogger(__name__)


class FillTail:
    """The per-site windows read so far from ``articles.fill``, and where reading stopped."""

    def __init__(self, settings: Settings) -> None:
        self.name = topic_name(Topic.ARTICLE_FILL, settings)
        self.history_s = settings.fill_history_s
        self.windows = SiteWindows(settings.fill_window)
        #: Next offset to read, per partition number.
        self.positions: dict[int, int] = {}
        self.undecodable = 0

    def add(self, record: Any) -> None:
        try:
            sample = FillSample.from_bytes(record.value or b"")
        except RecordError:
            self.undecodable += 1
            return
        self.windows.add(
            sample.site,
            Sample((sample.article_id, sample.version), frozenset(sample.filled)),
        )

    async def read(self, consumer: Any, partitions: list[int], now: datetime) -> None:
        """Read from where the last call stopped (or ``fill_history_s`` back) to the end.

        ``consumer`` is a group-less consumer (:func:`newswire.admin.kafka_io.make_reader`);
        it may be a new one on every call, since the positions are kept here.
        """
        from aiokafka import TopicPartition

        tps = [TopicPartition(self.name, p) for p in partitions]
        if not tps:
            return
        consumer.assign(tps)
        fresh = [tp for tp in tps if tp.partition not in self.positions]
        if fresh:
            since_ms = int((now - timedelta(seconds=self.history_s)).timestamp() * 1000)
            found = await consumer.offsets_for_times({tp: since_ms for tp in fresh})
            ends = await consumer.end_offsets(fresh)
            for tp in fresh:
                at = found.get(tp)
                # Nothing newer than the horizon: start at the end (nothing to read).
                self.positions[tp.partition] = at.offset if at is not None else ends[tp]
        for tp in tps:
            consumer.seek(tp, self.positions[tp.partition])
        ends = await consumer.end_offsets(tps)
        await read_until(consumer, ends, self.add, stall_timeout_s=5.0)
        for tp in tps:
            self.positions[tp.partition] = await consumer.position(tp)

    def report(self) -> tuple[SiteFill, ...]:
        return self.windows.report()


async def read_fill_rates(
    settings: Settings, now: datetime, tail: FillTail | None = None
) -> tuple[tuple[SiteFill, ...], FillTail]:
    """Fill rates of every site, from the topic (continuing ``tail`` when given)."""
    from aiokafka.admin import AIOKafkaAdminClient

    from newswire import broker
    from newswire.admin.kafka_io import make_reader, topic_partitions

    tail = tail or FillTail(settings)
    admin = AIOKafkaAdminClient(**broker.client_options(settings))
    reader = make_reader(settings, read_committed=True)
    try:
        await admin.start()
        await reader.start()
        partitions = (await topic_partitions(admin, [tail.name]))[tail.name] or []
        await tail.read(reader, partitions, now)
    finally:
        await reader.stop()
        await admin.close()
    return tail.report(), tail
