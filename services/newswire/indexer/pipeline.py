"""One batch of ``articles`` messages -> the index, plus dead letters for what cannot go there.

Shared by the live agent (writing through the alias) and ``newswire index migrate`` (writing
into the next index), so both follow exactly one code path. :func:`plan` is pure; the
:class:`BatchIndexer` adds the writer and the dead-letter sink.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from newswire.indexer import freshness, metrics
from newswire.indexer.bulk_writer import BulkWriter, WriteReport
from newswire.indexer.documents import (
    Action,
    Origin,
    delete_action,
    index_action_from_record,
    latest_per_id,
)
from newswire.records import Article, DeadLetter, RecordError, utcnow

log = logging.getLogger(__name__)

DeadLetterSink = Callable[[Sequence[DeadLetter]], Awaitable[None]]


def dead_letter(origin: Origin, reason: str, error: str, url: str | None = None) -> DeadLetter:
    return DeadLetter.about(origin, "index", reason, error, url=url)


@dataclass(slots=True)
class Plan:
    actions: list[Action] = field(default_factory=list)
    dead_letters: list[DeadLetter] = field(default_factory=list)
    #: Messages made redundant by a newer version of the same article in the same batch.
    superseded: int = 0


#: Builds the index actions of one message: ``index_action_from_record`` for ``articles``;
#: with stories on, the article's and its story's (see ``documents.storied_actions``).
ActionBuilder = Callable[[str, bytes, datetime, Origin], Action | list[Action]]


def plan(
    messages: Sequence[Origin],
    target: str,
    indexed_at: datetime,
    build: ActionBuilder = index_action_from_record,
) -> Plan:
    """Bulk actions for a batch of ``articles`` messages; undecodable ones become dead letters."""
    result = Plan()
    actions: list[Action] = []
    for message in messages:
        if message.value is None:
            # A tombstone on the compacted topic: the article was withdrawn.
            if message.key:
                actions.append(delete_action(target, message.key.decode(), message))
            else:
                result.dead_letters.append(
                    dead_letter(message, "tombstone_without_key", "null value and no key")
                )
            continue
        try:
            built = build(target, message.value, indexed_at, message)
            actions.extend(built if isinstance(built, list) else (built,))
        except RecordError as exc:
            result.dead_letters.append(dead_letter(message, exc.reason, str(exc)))
    result.actions = latest_per_id(actions)
    result.superseded = len(actions) - len(result.actions)
    return result


def _url_of(action: Action) -> str | None:
    # Only for the dead letter's convenience; the payload is what gets replayed.
    if action.origin is None or action.origin.value is None:
        return None
    try:
        return Article.from_bytes(action.origin.value).url
    except RecordError:
        return None


@dataclass(slots=True)
class BatchResult:
    report: WriteReport
    dead_letters: list[DeadLetter]
    superseded: int


class BatchIndexer:
    """Index one batch completely; returns only when every message has a final outcome."""

    def __init__(
        self,
        writer: BulkWriter,
        target: str,
        send_dead_letters: DeadLetterSink,
        clock: Callable[[], datetime] = utcnow,
        build: ActionBuilder = index_action_from_record,
    ) -> None:
        self.build = build
        self.writer = writer
        self.target = target
        self.send_dead_letters = send_dead_letters
        self.clock = clock

    async def handle(self, messages: Sequence[Origin]) -> BatchResult:
        planned = plan(messages, self.target, self.clock(), self.build)
        report = await self.writer.write(planned.actions)
        freshness.observe((a.timing for a in report.written if a.timing is not None), self.clock())
        dead = list(planned.dead_letters)
        for rejected in report.rejected:
            origin = rejected.action.origin
            if origin is None:  # pragma: no cover - actions built by plan() carry their origin
                continue
            outcome = rejected.outcome
            dead.append(
                dead_letter(
                    origin,
                    outcome.reason,
                    f"{outcome.error} (status {outcome.status})",
                    url=_url_of(rejected.action),
                )
            )
        if dead:
            # Sent (and acknowledged by Kafka) before the caller acks the batch's offsets.
            await self.send_dead_letters(dead)
            for letter in dead:
                metrics.DEAD_LETTERS.labels(reason=letter.reason).inc()
                log.warning(
                    "article dead-lettered",
                    extra={
                        "reason": letter.reason,
                        "error": letter.error[:300],
                        "origin": f"{letter.origin_topic}[{letter.origin_partition}]"
                        f"@{letter.origin_offset}",
                        "url": letter.url,
                    },
                )
        return BatchResult(report, dead, planned.superseded)
