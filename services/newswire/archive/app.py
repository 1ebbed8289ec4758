"""The archiver: a consumer group on ``pages.raw`` writing every page into WARC files.

Why a plain aiokafka loop and not a faust agent: the one rule that matters here is that an
offset is committed only after the records of that page are on disk. With a loop that rule
is three lines in order, visible in :meth:`Archiver._archive_batch`: write the batch, flush
and fsync, then commit exactly the offsets just written. A faust agent acknowledges events
and commits them from its own timer, after the agent returns; tying that to an fsync would
mean working around faust's commit machinery instead of writing three lines (the fetcher is a
plain aiokafka loop too).

The CPU work of a batch (decoding the records, building WARC records with warcio, gzip) runs
in one worker thread, so the event loop stays free for the consumer's heartbeats; zlib and
sha1 release the GIL while they work on a page.

Crashes: on start, files that a dead archiver left ``.open`` are truncated to their last
complete record and closed (:func:`~.archive_file.recover_abandoned`). Pages after the last
commit are consumed again and written again, into the new file: the same page twice, with
the same ``WARC-Record-ID``, which ``import-warc`` and ``reparse`` turn into the same article
id and version (docs/operations.md says how other readers drop them).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError

from newswire.archive import metrics
from newswire.archive.archive_file import ArchiveFile, Rotation, recover_abandoned
from newswire.archive.warc_format import page_to_warc
from newswire.broker import MAX_REQUEST_BYTES, client_options, make_producer
from newswire.records import DeadLetter, RawPage, RecordError
from newswire.settings import Settings
from newswire.topics import Topic, topic_name

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchiverOptions:
    group_id: str = "newswire-archive"
    #: Pages written (and fsynced) per batch at most.
    max_records: int = 500
    #: How long one poll waits for pages; also how often an idle file's age is checked.
    poll_timeout_ms: int = 1000


@dataclass
class _Batch:
    """What one poll became: each page's WARC bytes, offsets to commit, messages that failed."""

    pages: list[bytes]
    offsets: dict[TopicPartition, int]
    failures: list[tuple[ConsumerRecord[Any, Any], RecordError]]


def encode_batch(
    records: dict[TopicPartition, list[ConsumerRecord[Any, Any]]], gzip_level: int
) -> _Batch:
    """Pure CPU: the pages of one poll as WARC records (and the messages that are not pages)."""
    pages: list[bytes] = []
    offsets: dict[TopicPartition, int] = {}
    failures: list[tuple[ConsumerRecord[Any, Any], RecordError]] = []
    for tp, messages in records.items():
        for message in messages:
            offsets[tp] = message.offset + 1
            try:
                page = RawPage.from_bytes(message.value or b"")
            except RecordError as exc:
                failures.append((message, exc))
                continue
            pages.append(page_to_warc(page, gzip_level))
    return _Batch(pages, offsets, failures)


class Archiver:
    def __init__(self, settings: Settings, options: ArchiverOptions | None = None) -> None:
        self.settings = settings
        self.options = options or ArchiverOptions()
        self.directory = Path(settings.archive_dir)
        self.rotation = Rotation(settings.archive_max_file_bytes, settings.archive_max_file_age_s)
        self.pages_topic = topic_name(Topic.PAGES_RAW, settings)
        self.dead_letter_topic = topic_name(Topic.DEAD_LETTERS, settings)
        self.consumer = AIOKafkaConsumer(
            self.pages_topic,
            **client_options(settings),
            group_id=f"{settings.topic_prefix}{self.options.group_id}",
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=MAX_REQUEST_BYTES,
            fetch_max_bytes=4 * MAX_REQUEST_BYTES,
        )
        self.producer = make_producer(settings)
        self.current: ArchiveFile | None = None
        self._serial = 0
        self._stop = asyncio.Event()
        self.started = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        """Recover abandoned files, then archive until :meth:`stop`; closes the open file."""
        self.directory.mkdir(parents=True, exist_ok=True)
        for recovered in recover_abandoned(self.directory):
            metrics.RECOVERED.inc()
            log.info("recovered %s (%d bytes dropped)", recovered.path, recovered.dropped_bytes)
        await self.producer.start()
        await self.consumer.start()
        try:
            while not self._stop.is_set():
                records = await self.consumer.getmany(
                    timeout_ms=self.options.poll_timeout_ms, max_records=self.options.max_records
                )
                self.started.set()
                if records:
                    await self._archive_batch(records)
                if self.current is not None and self.rotation.due(
                    self.current.size, self.current.age_s
                ):
                    await asyncio.to_thread(self._close_current)
        finally:
            with contextlib.suppress(Exception):
                if self.current is not None:
                    await asyncio.to_thread(self._close_current)
            with contextlib.suppress(Exception):
                await self.consumer.stop()
            with contextlib.suppress(Exception):
                await self.producer.stop()

    async def _archive_batch(
        self, records: dict[TopicPartition, list[ConsumerRecord[Any, Any]]]
    ) -> None:
        batch = await asyncio.to_thread(self._write, records)
        if batch.failures:
            await self._dead_letters(batch.failures)
        metrics.PAGES.inc(len(batch.pages))
        metrics.BYTES.inc(sum(map(len, batch.pages)))
        try:
            await self.consumer.commit(batch.offsets)
        except CommitFailedError as exc:
            # A rebalance moved a partition: its new owner writes these pages again (harmless).
            log.warning("commit failed after a rebalance: %s", exc)

    def _write(self, records: dict[TopicPartition, list[ConsumerRecord[Any, Any]]]) -> _Batch:
        """Encode, append and fsync: when this returns, the batch is on disk."""
        batch = encode_batch(records, self.settings.archive_gzip_level)
        for members in batch.pages:
            if self.current is None:
                self.current = ArchiveFile(self.directory, self._serial)
                self._serial = self.current.serial + 1
            self.current.append(members, records=2)
            # Rotation between pages, so a file exceeds the limit by one page at most.
            if self.rotation.due(self.current.size, self.current.age_s):
                self._close_current()  # syncs first
        if self.current is not None:
            self.current.sync()
        return batch

    def _close_current(self) -> None:
        assert self.current is not None
        closed = self.current.close()
        log.info(
            "archive file closed",
            extra={
                "file": closed.name,
                "bytes": self.current.size,
                "records": self.current.records,
            },
        )
        metrics.FILES.inc()
        self.current = None

    async def _dead_letters(
        self, failures: list[tuple[ConsumerRecord[Any, Any], RecordError]]
    ) -> None:
        sent = []
        for message, error in failures:
            metrics.ERRORS.labels(error.reason).inc()
            letter = DeadLetter.about(message, "decode", error.reason, str(error))
            sent.append(
                await self.producer.send(self.dead_letter_topic, letter.to_bytes(), key=message.key)
            )
        await asyncio.gather(*sent)
