"""``newswire dlq list|show|replay``: reading dead letters and putting them back.

Replay guarantee
----------------
``dlq replay`` puts each selected letter's original payload (with its original key) back on
its origin topic **once**, no matter how often the same command is run:

1. The run's producer is transactional with a fixed id per deployment
   (``<topic_prefix>newswire-dlq-replay``). Starting it fences any earlier replay producer
   that is still alive: the broker aborts that producer's open transaction, and it can never
   commit again. Only then does this run read the dead-letter topic.
2. The topic is read ``read_committed`` up to its last stable offset, collecting the letters
   the filter selects and every :class:`~newswire.admin.deadletters.DeadLetterReplay` marker.
   A letter with a marker was replayed by an earlier run and is skipped.
3. Letters are sent in batches. Each batch is one Kafka transaction holding the payloads *and*
   one marker per letter (on the letter's own dead-letter partition). Payload and marker
   become visible together or not at all.

So a second run finds a marker for every letter the first run committed and sends nothing;
a run that crashed half-way committed whole batches only, and the next run sends exactly the
letters whose batch did not commit. Two concurrent runs cannot both send a letter: the later
one fences the earlier before it reads.

What "once" means to a consumer: consumers with ``isolation_level=read_committed`` see each
replayed payload exactly once. A ``read_uncommitted`` consumer (the aiokafka and faust default)
can also see the records of a batch that was aborted (the run crashed or was fenced while that
batch was open), which the next run sends again; newswire's stages are idempotent by URL id
and article id + version, so such a duplicate changes nothing downstream.

A replayed payload that fails again becomes a *new* dead letter (a new offset, no marker), so a
later replay with the same filter picks it up again: once per letter, not once per URL.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from newswire import broker
from newswire.admin.deadletters import (
    REPLAY_HEADER,
    REPLAY_RUN_HEADER,
    DeadLetterReplay,
    LetterFilter,
    LetterId,
    ReplayPlan,
    StoredLetter,
    Undecodable,
    classify,
    format_id,
    plan_replay,
)
from newswire.admin.kafka_io import make_reader, read_until, topic_partitions
from newswire.settings import Settings
from newswire.topics import Topic, topic_name

#: A replay transaction holds at most this many letters or payload bytes, so one transaction
#: stays well inside the broker's transaction timeout and a crash repeats little work.
BATCH_LETTERS = 200
BATCH_BYTES = 32 * 1024 * 1024

Progress = Callable[[int], None]


class DeadLetterTopicMissing(RuntimeError):
    pass


def replay_transactional_id(settings: Settings) -> str:
    return f"{settings.topic_prefix}newswire-dlq-replay"


async def dead_letter_partitions(settings: Settings) -> list[int] | None:
    from aiokafka.admin import AIOKafkaAdminClient

    name = topic_name(Topic.DEAD_LETTERS, settings)
    admin = AIOKafkaAdminClient(**broker.client_options(settings))
    await admin.start()
    try:
        return (await topic_partitions(admin, [name]))[name]
    finally:
        await admin.close()


@dataclass
class DeadLetterLog:
    """The dead-letter topic as read by one command."""

    name: str
    #: Letters the filter selected, in topic order.
    letters: list[StoredLetter] = field(default_factory=list)
    #: Every replay marker on the topic, by the letter it names.
    replayed: dict[LetterId, DeadLetterReplay] = field(default_factory=dict)
    undecodable: list[Undecodable] = field(default_factory=list)
    #: Records read (letters, markers and undecodable, selected or not).
    scanned: int = 0


async def read_dead_letters(
    settings: Settings,
    selection: LetterFilter,
    *,
    keep_payload: bool = True,
    start_progress: Callable[[int], Progress] | None = None,
) -> DeadLetterLog:
    """Read the whole dead-letter topic (read_committed) up to its last stable offset.

    ``start_progress(total)`` is called once the number of records is known and returns the
    callable to advance the bar with.
    """
    from aiokafka import TopicPartition

    name = topic_name(Topic.DEAD_LETTERS, settings)
    log = DeadLetterLog(name)
    partitions = await dead_letter_partitions(settings)
    reader = make_reader(settings, read_committed=True)
    await reader.start()
    try:
        if not partitions:
            raise DeadLetterTopicMissing(f"topic {name} does not exist (run `newswire setup`)")
        tps = [TopicPartition(name, p) for p in partitions]
        reader.assign(tps)
        await reader.seek_to_beginning(*tps)
        starts = await reader.beginning_offsets(tps)
        ends = await reader.end_offsets(tps)
        total = sum(ends[tp] - starts[tp] for tp in tps)
        advance = start_progress(total) if start_progress else None

        def on_record(record: Any) -> None:
            log.scanned += 1
            item = classify(record.partition, record.offset, record.key, record.value)
            if isinstance(item, StoredLetter):
                if selection.matches(item):
                    log.letters.append(item if keep_payload else item.without_payload())
            elif isinstance(item, DeadLetterReplay):
                log.replayed[(item.letter_partition, item.letter_offset)] = item
            else:
                log.undecodable.append(item)

        await read_until(reader, ends, on_record, on_progress=advance)
        if advance is not None and total > log.scanned:
            # Transaction markers take offsets but never arrive as records: finish the bar.
            advance(total - log.scanned)
    finally:
        await reader.stop()
    return log


async def find_letter(
    settings: Settings, ident: LetterId
) -> tuple[StoredLetter | None, list[DeadLetterReplay]]:
    """One letter by id and the markers of its replays (read from the letter onwards)."""
    from aiokafka import TopicPartition

    name = topic_name(Topic.DEAD_LETTERS, settings)
    partition, offset = ident
    tp = TopicPartition(name, partition)
    if partition not in (await dead_letter_partitions(settings) or ()):
        return None, []
    reader = make_reader(settings, read_committed=True)
    await reader.start()
    found: StoredLetter | None = None
    markers: list[DeadLetterReplay] = []
    try:
        reader.assign([tp])
        ends = await reader.end_offsets([tp])
        start = (await reader.beginning_offsets([tp]))[tp]
        if not start <= offset < ends[tp]:
            return None, []
        reader.seek(tp, offset)

        def on_record(record: Any) -> None:
            nonlocal found
            item = classify(record.partition, record.offset, record.key, record.value)
            if record.offset == offset and isinstance(item, StoredLetter):
                found = item
            elif (
                isinstance(item, DeadLetterReplay)
                and (
                    item.letter_partition,
                    item.letter_offset,
                )
                == ident
            ):
                markers.append(item)

        await read_until(reader, ends, on_record)
    finally:
        await reader.stop()
    return found, markers


@dataclass
class ReplayReport:
    run_id: str
    selection: str
    dry_run: bool
    plan: ReplayPlan
    scanned: int

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "filter": self.selection,
            "dry_run": self.dry_run,
            "scanned": self.scanned,
            "replayed" if not self.dry_run else "would_replay": [
                {
                    "id": format_id(s.id),
                    "stage": s.letter.stage,
                    "reason": s.letter.reason,
                    "origin_topic": s.letter.origin_topic,
                    "url": s.letter.url,
                }
                for s in self.plan.send
            ],
            "already_replayed": [format_id(s.id) for s in self.plan.already_replayed],
            "refused": [{"id": format_id(s.id), "why": why} for s, why in self.plan.refused],
        }


def _batches(letters: list[StoredLetter]) -> Iterator[list[StoredLetter]]:
    batch: list[StoredLetter] = []
    size = 0
    for stored in letters:
        if batch and (len(batch) >= BATCH_LETTERS or size + stored.payload_size > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(stored)
        size += stored.payload_size
    if batch:
        yield batch


async def replay(
    settings: Settings,
    selection: LetterFilter,
    *,
    dry_run: bool = False,
    start_progress: Callable[[str, int], Progress] | None = None,
) -> ReplayReport:
    """Replay the selected letters (see the module docstring for the guarantee)."""
    from aiokafka import AIOKafkaProducer

    run_id = uuid.uuid4().hex
    name = topic_name(Topic.DEAD_LETTERS, settings)
    allowed = {topic_name(t, settings) for t in Topic}
    producer = None
    if not dry_run:
        producer = AIOKafkaProducer(
            **broker.client_options(settings),
            transactional_id=replay_transactional_id(settings),
            enable_idempotence=True,
            acks="all",
            compression_type="zstd",
            linger_ms=5,
            max_request_size=broker.MAX_REQUEST_BYTES,
        )
        await producer.start()
    try:
        if producer is not None:
            # An empty transaction waits for the producer id: the broker has fenced every older
            # replay producer and settled its open transaction before we read the markers.
            await producer.begin_transaction()
            await producer.commit_transaction()
        read_bar = (
            (lambda total: start_progress("reading dead letters", total))
            if (start_progress)
            else None
        )
        log = await read_dead_letters(settings, selection, start_progress=read_bar)
        plan = plan_replay(log.letters, set(log.replayed), allowed)
        report = ReplayReport(run_id, selection.describe(), dry_run, plan, log.scanned)
        if producer is None or not plan.send:
            return report
        advance = start_progress("replaying", len(plan.send)) if start_progress else None
        for batch in _batches(plan.send):
            async with producer.transaction():
                for stored in batch:
                    letter = stored.letter
                    assert letter.origin_topic is not None  # plan_replay refused the others
                    await producer.send(
                        letter.origin_topic,
                        letter.payload,
                        key=letter.origin_key,
                        headers=[
                            (REPLAY_HEADER, f"{name}:{stored.partition}:{stored.offset}".encode()),
                            (REPLAY_RUN_HEADER, run_id.encode()),
                        ],
                    )
                    marker = DeadLetterReplay(
                        letter_partition=stored.partition,
                        letter_offset=stored.offset,
                        origin_topic=letter.origin_topic,
                        stage=letter.stage,
                        reason=letter.reason,
                        run_id=run_id,
                    )
                    # Same partition as the letter: its marker always comes after it.
                    await producer.send(
                        name,
                        marker.to_bytes(),
                        key=stored.key,
                        partition=stored.partition,
                        headers=[(REPLAY_RUN_HEADER, run_id.encode())],
                    )
            if advance:
                advance(len(batch))
        return report
    finally:
        if producer is not None:
            await producer.stop()
